// The passages a BEIR-format corpus becomes inside Verity: each record loaded by the JSONL loader and
// cut by the default chunker, so evaluations check claims against exactly what retrieval would hand
// an answerer.
import { readFileSync } from "node:fs";
import { VerityError } from "../src/core/errors.js";
import { chunkDocument } from "../src/ingest/chunker.js";
import { defaultLoaderLimits } from "../src/ingest/extracted.js";
import { jsonlLoader } from "../src/ingest/loaders/jsonl-loader.js";

export interface CorpusPassage {
  /** The record's `_id`. */
  docId: string;
  title: string;
  /** 0-based position of the chunk in its document. */
  ordinal: number;
  text: string;
}

/** Every document of the corpus as a list of its passages, in file order. */
export async function corpusPassages(corpusPath: string): Promise<CorpusPassage[][]> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(corpusPath);
  } catch (error) {
    throw new VerityError(
      "E_NOT_FOUND",
      `cannot read ${corpusPath}; pass --corpus <corpus.jsonl> (BEIR format: {_id,title,text} per line)`,
      { cause: error },
    );
  }
  const loaded = await jsonlLoader.load({ path: corpusPath, bytes, limits: defaultLoaderLimits });
  // An evaluation on part of its corpus would be quietly wrong: any malformed line fails it.
  if (!Array.isArray(loaded)) {
    throw new VerityError(
      "E_CORRUPT",
      `${corpusPath} has ${loaded.problemCount} malformed lines (${loaded.problems[0]?.message}); fix them first`,
    );
  }
  return loaded.map((document) =>
    chunkDocument(document).map((chunk) => ({
      docId: document.recordId ?? document.title,
      title: document.title,
      ordinal: chunk.ordinal,
      text: chunk.text,
    })),
  );
}
