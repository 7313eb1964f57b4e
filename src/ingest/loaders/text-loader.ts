// Plain text: the file's own text, one block per paragraph (paragraphs are separated by blank lines).
import { basename, extname } from "node:path";
import type { Loader, TextBlock } from "../extracted.js";
import { decodeText } from "./text-decoding.js";

export const textLoader: Loader = {
  mediaType: "text/plain",
  extensions: [".txt"],
  async load({ path, bytes }) {
    const text = decodeText(bytes, path);
    return [{ title: basename(path, extname(path)), text, blocks: paragraphBlocks(text) }];
  },
};

/** One text block per run of non-blank lines, trimmed, with offsets into `text`. */
export function paragraphBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  const blankLines = /\n[^\S\n]*\n\s*/g;
  let start = 0;
  for (const match of text.matchAll(blankLines)) {
    pushTrimmed(blocks, text, start, match.index);
    start = match.index + match[0].length;
  }
  pushTrimmed(blocks, text, start, text.length);
  return blocks;
}

function pushTrimmed(blocks: TextBlock[], text: string, start: number, end: number): void {
  const slice = text.slice(start, end);
  const trimmedStart = slice.trimStart();
  if (trimmedStart === "") return;
  const charStart = start + slice.length - trimmedStart.length;
  blocks.push({ kind: "text", charStart, charEnd: charStart + trimmedStart.trimEnd().length });
}
