// An answer as plain text any chat client can show: numbered markers after each sentence ("… [1]")
// and the sources they point at listed at the end (file, page or heading, audio time), or "I don't
// know", why, and the closest sources. Sentences are rendered one at a time, so a stream and a whole
// reply built from the same calls are the same text.
import type { Answer, AnswerSentence, Citation, ClosestSource } from "../../core/answer.js";
import type { Location } from "../../core/location.js";

/** A source the text numbers: `[number]` in the text points at it. */
export interface NumberedSource {
  number: number;
  documentId: string;
  source: string;
  chunkId: string;
  location: Location;
  /** The cited text (a citation's quote, a closest source's snippet). */
  quote: string;
  /** How the sources list shows it, e.g. `leave.md, Leave › Carry-over` or `call.mp3, 04:12–04:31`. */
  label: string;
}

export interface CitedText {
  /** One sentence with its markers, preceded by a space after the first. */
  sentence(sentence: AnswerSentence): string;
  /** What follows the sentences: the sources list, or the abstention with the closest sources. */
  ending(answer: Answer): string;
  /** Everything numbered so far, in number order. */
  readonly sources: readonly NumberedSource[];
}

/** The whole reply text of an answer, as a stream of the same answer would send it. */
export function citedText(answer: Answer): { text: string; sources: readonly NumberedSource[] } {
  const cited = createCitedText();
  const sentences = answer.status === "answered" ? answer.sentences.map((each) => cited.sentence(each)) : [];
  return { text: sentences.join("") + cited.ending(answer), sources: cited.sources };
}

export function createCitedText(): CitedText {
  const sources: NumberedSource[] = [];
  const numbers = new Map<string, number>();
  let sentences = 0;

  const numberOf = (entry: Omit<NumberedSource, "number" | "label">): number => {
    const key = `${entry.documentId}\u0000${entry.location.charStart}\u0000${entry.location.charEnd}`;
    const known = numbers.get(key);
    if (known !== undefined) return known;
    const number = sources.length + 1;
    numbers.set(key, number);
    sources.push({ ...entry, number, label: sourceLabel(entry.source, entry.location) });
    return number;
  };
  const cite = (citation: Citation) =>
    numberOf({
      documentId: citation.documentId,
      source: citation.source,
      chunkId: citation.chunkId,
      location: citation.location,
      quote: citation.quote,
    });
  const closest = (source: ClosestSource) =>
    numberOf({
      documentId: source.documentId,
      source: source.source,
      chunkId: source.chunkId,
      location: source.location,
      quote: source.snippet,
    });

  return {
    sources,
    sentence(sentence) {
      const markers = [...new Set(sentence.citations.map(cite))].map((number) => `[${number}]`).join("");
      const notes: string[] = [];
      const check = sentence.verification;
      if (check && check.verdict !== "supported") {
        notes.push(
          `${check.verdict}${check.reasons.length > 0 ? `: ${oneLine(check.reasons.join("; "))}` : ""}`,
        );
      }
      for (const conflict of check?.conflicts ?? []) {
        notes.push(`disputed by [${cite(conflict.citation)}]: ${oneLine(conflict.reason)}`);
      }
      const text = `${oneLine(sentence.text)}${markers ? ` ${markers}` : ""}${notes.length > 0 ? ` (⚠ ${notes.join("; ")})` : ""}`;
      return sentences++ === 0 ? text : ` ${text}`;
    },
    ending(answer) {
      const listed = (from: number) =>
        sources.slice(from).map((source) => `[${source.number}] ${source.label}`);
      if (answer.status === "answered") {
        return sources.length === 0 ? "" : `\n\nSources:\n${listed(0).join("\n")}`;
      }
      // A stream may have sent sentences before the answer turned into an abstention: it follows them.
      const lead = sentences > 0 ? "\n\n" : "";
      const detail = answer.abstention ? ` ${oneLine(answer.abstention.detail)}` : "";
      const first = sources.length;
      for (const source of answer.abstention?.closestSources ?? []) closest(source);
      const closestLines = sources
        .slice(first)
        .map((source) => `[${source.number}] ${source.label}: "${snippet(source.quote)}"`);
      return `${lead}I don't know.${detail}${closestLines.length > 0 ? `\n\nClosest sources:\n${closestLines.join("\n")}` : ""}`;
    },
  };
}

/** `leave.md, Leave › Carry-over`, `handbook.pdf, page 4`, `call.mp3, 04:12–04:31`, `corpus.jsonl#17`. */
export function sourceLabel(source: string, location: Location): string {
  const hash = source.indexOf("#");
  const path = hash >= 0 ? source.slice(0, hash) : source;
  const file = `${path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1)}${hash >= 0 ? source.slice(hash) : ""}`;
  const parts = [oneLine(file)];
  if (location.startMs !== undefined && location.endMs !== undefined) {
    parts.push(`${clock(location.startMs)}–${clock(location.endMs)}`);
  }
  if (location.page !== undefined) parts.push(`page ${location.page}`);
  if (location.headingPath && location.headingPath.length > 0) {
    parts.push(location.headingPath.map(oneLine).join(" › "));
  }
  return parts.join(", ");
}

/** `04:12`, or `1:05:09` past the hour. */
function clock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, "0");
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds % 60)}` : `${pad(minutes)}:${pad(seconds % 60)}`;
}

/** Document text on one line: a line break inside a sentence or title would break the list. */
function oneLine(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

const snippetChars = 160;

function snippet(text: string): string {
  const line = oneLine(text);
  return line.length > snippetChars ? `${line.slice(0, snippetChars - 1)}…` : line;
}
