// Answer units that follow a document's structure rather than its sentences: a list item ("- Default:
// 16384"), a definition line ("Snapshot: a read-only record..."), a table row, the first paragraph
// under a heading, and, for how-to questions, the steps (or the whole short section) under a heading,
// cited as one span. Loaders keep list items and table rows on lines of their own (see
// `ingest/loaders/text-builder.ts`), so a line is a unit.
import { type Span, sentenceSpans } from "../../core/sentences.js";

export type StructureKind =
  | "list-item"
  | "definition"
  | "table-row"
  | "first-paragraph"
  | "steps"
  | "section";

export interface StructureUnit extends Span {
  kind: StructureKind;
}

export interface StructureOptions {
  /** The passage sits under a heading (its chunk has a heading path). */
  underHeading: boolean;
  /** The question asks how to do something: offer the steps and the section as units. */
  howTo: boolean;
}

/** Sections this short are offered whole to a how-to question (a sentence of steps and a command). */
export const maxSectionChars = 600;

const listItem = /^\s*(?:[-*•+]|\d{1,3}[.)])\s+\S/u;
const tableRow = /\S\s\|\s\S/u;
// "Term: definition", the term short and not a sentence of its own.
const definition = /^\s*([^:\n]{1,60}?):\s+\S/u;

/** Whether a question asks for a procedure: "How do I…", "how to…", "steps to…". */
export function isHowTo(question: string): boolean {
  return /^\s*how\s+(?:do|can|should|would|could)\s+(?:i|we|you|one)\b|^\s*how\s+to\b|\bsteps?\s+(?:to|for)\b/iu.test(
    question,
  );
}

/** The structure units of a passage's text, as spans of it. */
export function structureUnits(text: string, options: StructureOptions): StructureUnit[] {
  const units: StructureUnit[] = [];
  const lines = linesOf(text);
  let run: Span[] = [];
  const closeRun = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (options.howTo && first && last && run.length >= 2) {
      units.push({ kind: "steps", start: first.start, end: last.end });
    }
    run = [];
  };
  for (const line of lines) {
    const content = text.slice(line.start, line.end);
    if (listItem.test(content)) {
      units.push({ kind: "list-item", ...line });
      run.push(line);
      continue;
    }
    closeRun();
    if (tableRow.test(content)) units.push({ kind: "table-row", ...line });
    else if (isDefinition(content)) units.push({ kind: "definition", ...line });
  }
  closeRun();
  if (options.underHeading) {
    const paragraphEnd = text.search(/\n\s*\n/u);
    const first = trimmed(text, { start: 0, end: paragraphEnd < 0 ? text.length : paragraphEnd });
    if (isShortParagraph(text.slice(first.start, first.end)))
      units.push({ kind: "first-paragraph", ...first });
    const whole = trimmed(text, { start: 0, end: text.length });
    if (options.howTo && whole.end - whole.start <= maxSectionChars && whole.end > first.end) {
      units.push({ kind: "section", ...whole });
    }
  }
  return units;
}

/**
 * A paragraph short enough to be one answer (at most two sentences, as under a flag's heading); a list
 * or a table is not a paragraph: its lines are units, and its steps one for a how-to. Longer prose is
 * answered sentence by sentence.
 */
function isShortParagraph(paragraph: string): boolean {
  const opening = paragraph.split("\n", 1)[0] ?? "";
  if (paragraph === "" || listItem.test(opening) || tableRow.test(opening)) return false;
  return paragraph.length <= maxParagraphChars && sentenceSpans(paragraph).length <= 2;
}

const maxParagraphChars = 300;

function isDefinition(line: string): boolean {
  const term = definition.exec(line)?.[1];
  if (!term || /https?$/iu.test(term)) return false;
  return term.trim().split(/\s+/u).length <= 6 && !/[.!?]/u.test(term);
}

/** Non-blank lines, without their surrounding spaces. */
function linesOf(text: string): Span[] {
  const lines: Span[] = [];
  let start = 0;
  for (let index = 0; index <= text.length; index++) {
    if (index === text.length || text[index] === "\n") {
      const line = trimmed(text, { start, end: index });
      if (line.end > line.start) lines.push(line);
      start = index + 1;
    }
  }
  return lines;
}

function trimmed(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && /\s/u.test(text[start] as string)) start++;
  while (end > start && /\s/u.test(text[end - 1] as string)) end--;
  return { start, end };
}
