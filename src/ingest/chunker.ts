// Structure-aware chunking: chunks follow headings, pages and paragraphs, break between sentences,
// and each one is an exact span of the extracted text, so every citation can point at its source.
import type { Location } from "../core/location.js";
import { type Span, sentenceSpans } from "../core/sentences.js";
import type { NewChunk } from "../store/store.js";
import type { ExtractedDocument, TextBlock } from "./extracted.js";

export interface ChunkerOptions {
  /** Preferred chunk length in characters; a chunk only exceeds it when one sentence does. */
  targetChars: number;
  /** Hard ceiling: sentences longer than this are cut at word boundaries. */
  maxChars: number;
  /** Characters of trailing sentences repeated at the start of the next chunk in the same section. */
  overlapChars: number;
}

export const defaultChunkerOptions: ChunkerOptions = { targetChars: 800, maxChars: 1600, overlapChars: 150 };

interface Section {
  headingPath: string[];
  page: number | undefined;
  blocks: TextBlock[];
}

export function chunkDocument(
  document: ExtractedDocument,
  options: Partial<ChunkerOptions> = {},
): NewChunk[] {
  const settings = { ...defaultChunkerOptions, ...options };
  if (settings.targetChars <= 0 || settings.maxChars < settings.targetChars || settings.overlapChars < 0) {
    throw new RangeError("chunker needs 0 < targetChars <= maxChars and overlapChars >= 0");
  }
  const chunks: NewChunk[] = [];
  for (const section of sectionsOf(document)) {
    const timed = section.blocks.filter((block) => block.startMs !== undefined && block.endMs !== undefined);
    let firstTimed = 0;
    for (const span of packSection(document.text, section, settings)) {
      const location: Location = { charStart: span.start, charEnd: span.end };
      if (section.page !== undefined) location.page = section.page;
      if (section.headingPath.length > 0) location.headingPath = section.headingPath;
      // Spans start in order, so timed blocks that end before one span starts end before every later one.
      while (firstTimed < timed.length && (timed[firstTimed] as TextBlock).charEnd <= span.start)
        firstTimed++;
      const spoken = timeRange(timed, firstTimed, span);
      if (spoken) Object.assign(location, spoken);
      chunks.push({ ordinal: chunks.length, text: document.text.slice(span.start, span.end), location });
    }
  }
  return chunks;
}

/**
 * When the span's text was spoken: from the first overlapping timed block's start to the last's end,
 * and each block's own time (the timeline), so a citation of one sentence can name its moment.
 * `timed` are the section's timed blocks in text order; those before `first` end before the span.
 */
function timeRange(
  timed: readonly TextBlock[],
  first: number,
  span: Span,
): Pick<Location, "startMs" | "endMs" | "timeline"> | undefined {
  const timeline: [number, number, number][] = [];
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (let index = first; index < timed.length; index++) {
    const block = timed[index] as Required<Pick<TextBlock, "startMs" | "endMs">> & TextBlock;
    if (block.charStart >= span.end) break;
    timeline.push([Math.max(block.charStart, span.start), block.startMs, block.endMs]);
    startMs = Math.min(startMs, block.startMs);
    endMs = Math.max(endMs, block.endMs);
  }
  if (timeline.length === 0) return undefined;
  return { startMs, endMs, timeline };
}

/** Groups body blocks into runs that share a heading path and a page. */
function sectionsOf(document: ExtractedDocument): Section[] {
  const hasBody = document.blocks.some((block) => block.kind === "text");
  const headings: { level: number; text: string }[] = [];
  const sections: Section[] = [];
  let current: Section | undefined;
  for (const block of document.blocks) {
    if (block.kind === "heading" && hasBody) {
      const level = block.level ?? 1;
      while (headings.length > 0 && (headings[headings.length - 1] as { level: number }).level >= level) {
        headings.pop();
      }
      headings.push({ level, text: document.text.slice(block.charStart, block.charEnd) });
      current = undefined;
      continue;
    }
    if (!current || current.page !== block.page) {
      current = { headingPath: headings.map((heading) => heading.text), page: block.page, blocks: [] };
      sections.push(current);
    }
    current.blocks.push(block);
  }
  return sections;
}

/** Splits a section into sentence units, then packs them greedily into chunk spans. */
function packSection(text: string, section: Section, settings: ChunkerOptions): Span[] {
  const units: (Span & { blockStart: boolean })[] = [];
  for (const block of section.blocks) {
    const sentences = sentenceSpans(text.slice(block.charStart, block.charEnd), block.charStart);
    let first = true;
    for (const sentence of sentences) {
      for (const piece of cutLongSpan(text, sentence, settings.maxChars)) {
        units.push({ ...piece, blockStart: first });
        first = false;
      }
    }
  }
  const spans: Span[] = [];
  let start = 0;
  while (start < units.length) {
    const chunkStart = (units[start] as Span).start;
    let end = start + 1;
    while (end < units.length) {
      const unit = units[end] as Span & { blockStart: boolean };
      if (unit.end - chunkStart > settings.targetChars) break;
      end++;
    }
    // Prefer to end at a paragraph boundary when one lies in the back half of the chunk.
    if (end < units.length && !(units[end] as { blockStart: boolean }).blockStart) {
      for (let candidate = end - 1; candidate > start; candidate--) {
        const unit = units[candidate] as Span & { blockStart: boolean };
        if (unit.start - chunkStart < settings.targetChars / 2) break;
        if (unit.blockStart) {
          end = candidate;
          break;
        }
      }
    }
    spans.push({ start: chunkStart, end: (units[end - 1] as Span).end });
    if (end >= units.length) break;
    let next = end;
    while (
      next - 1 > start &&
      (units[end - 1] as Span).end - (units[next - 1] as Span).start <= settings.overlapChars
    ) {
      next--;
    }
    start = next;
  }
  return spans;
}

/**
 * Cuts a span longer than `maxChars` into pieces: at a line break in the back half of the piece (a log's
 * events, wrapped lines), else at a space, else hard (unbroken text). Only the piece's own characters
 * are searched, so a long span without spaces costs linear time.
 */
function cutLongSpan(text: string, span: Span, maxChars: number): Span[] {
  if (span.end - span.start <= maxChars) return [span];
  const pieces: Span[] = [];
  let start = span.start;
  while (span.end - start > maxChars) {
    const window = text.slice(start, start + maxChars + 1);
    const lineBreak = window.lastIndexOf("\n");
    const space = window.lastIndexOf(" ");
    const cut = start + (lineBreak >= maxChars / 2 ? lineBreak : space > 0 ? space : maxChars);
    pieces.push({ start, end: cut });
    start = cut;
    while (start < span.end && /\s/.test(text[start] as string)) start++;
  }
  if (start < span.end) pieces.push({ start, end: span.end });
  return pieces;
}
