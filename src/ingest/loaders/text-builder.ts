// Assembles a document's text from extracted pieces, recording each piece's exact span as a block.
import type { TextBlock } from "../extracted.js";
import { normaliseText } from "./text-decoding.js";

export interface BlockShape {
  kind: TextBlock["kind"];
  level?: number;
  page?: number;
  /**
   * A line of a list or table: it follows another line with a single line break instead of a blank line,
   * so the extracted text still reads as a list.
   */
  line?: boolean;
}

export interface TextBuilder {
  /** Appends `content` as one block; its outer whitespace stays out of the block, whitespace-only adds nothing. */
  add(content: string, shape: BlockShape): void;
  /** The first heading's text, if any, for titles. */
  firstHeading(level?: number): string | undefined;
  build(): { text: string; blocks: TextBlock[] };
}

export function createTextBuilder(): TextBuilder {
  const parts: string[] = [];
  const blocks: TextBlock[] = [];
  const headings: { level: number; text: string }[] = [];
  let length = 0;
  let previousWasLine = false;

  return {
    add(content, shape) {
      const piece = normaliseText(content).trimEnd();
      const body = piece.trimStart();
      if (body === "") return;
      if (parts.length > 0) {
        const separator = shape.line && previousWasLine ? "\n" : "\n\n";
        parts.push(separator);
        length += separator.length;
      }
      const charStart = length + piece.length - body.length;
      parts.push(piece);
      length += piece.length;
      const block: TextBlock = { kind: shape.kind, charStart, charEnd: length };
      if (shape.level !== undefined) block.level = shape.level;
      if (shape.page !== undefined) block.page = shape.page;
      blocks.push(block);
      if (shape.kind === "heading") headings.push({ level: shape.level ?? 1, text: body });
      previousWasLine = shape.line === true;
    },
    firstHeading(level) {
      return headings.find((heading) => level === undefined || heading.level === level)?.text;
    },
    build() {
      return { text: parts.join(""), blocks: [...blocks] };
    },
  };
}
