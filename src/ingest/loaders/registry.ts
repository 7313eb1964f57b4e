// Picks the loader for a file from its extension.
import { extname } from "node:path";
import { VerityError } from "../../core/errors.js";
import type { FileLoader, Loader } from "../extracted.js";
import { docxLoader } from "./docx-loader.js";
import { htmlLoader } from "./html-loader.js";
import { jsonlLoader } from "./jsonl-loader.js";
import { markdownLoader } from "./markdown-loader.js";
import { pdfLoader } from "./pdf-loader.js";
import { textLoader } from "./text-loader.js";

export const loaders: readonly Loader[] = [
  textLoader,
  markdownLoader,
  htmlLoader,
  pdfLoader,
  docxLoader,
  jsonlLoader,
];

const byExtension = new Map(
  loaders.flatMap((loader) => loader.extensions.map((extension) => [extension, loader])),
);

/**
 * The loader for `path`'s extension (case-insensitive), among the built-in ones and `fileLoaders`
 * (recordings, when a transcriber is configured); throws `E_UNSUPPORTED_TYPE` for any other file.
 */
export function loaderFor(path: string, fileLoaders: readonly FileLoader[] = []): Loader | FileLoader {
  const extension = extname(path).toLowerCase();
  const loader =
    byExtension.get(extension) ?? fileLoaders.find((candidate) => candidate.extensions.includes(extension));
  if (loader) return loader;
  const found = extension === "" ? "has no extension" : `has the unsupported extension ${extension}`;
  throw new VerityError(
    "E_UNSUPPORTED_TYPE",
    `${path} ${found}. Supported: ${supportedExtensions(fileLoaders).join(", ")}. ` +
      "Convert the file to one of these formats, or leave it out.",
  );
}

/** Every extension a loader reads, with the dot, e.g. `.md`. */
export function supportedExtensions(fileLoaders: readonly FileLoader[] = []): string[] {
  return [...byExtension.keys(), ...fileLoaders.flatMap((loader) => loader.extensions)];
}
