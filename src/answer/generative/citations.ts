// Citation markers in a model's answer, and the answer split into sentences that carry them.
// Models cite in many styles whatever the prompt asks: [1], [1, 2], [1][2], [1-3], 【1】, 【1†source】,
// [Source 1], (Source 1), (sources 1 and 2), [^1]. All are read; numbers that name no source are kept
// apart so the verifier treats the sentence as uncited rather than trusting a citation that is not there.
import { sentenceSpans } from "../../core/sentences.js";

export interface CitedSentence {
  /** The sentence as shown: citation markers removed, spacing tidied. */
  text: string;
  /** 1-based numbers of the sources cited, in order of first mention, each once. */
  cited: number[];
  /** Numbers cited that name no source (out of range). */
  invalid: number[];
}

const numberList = String.raw`\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?:\s*(?:,|;|and|&)\s*(?:sources?\s*)?\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*`;
const markerPattern = new RegExp(
  [
    String.raw`[\[【]\s*\^?\s*(?:sources?\s*)?(${numberList})\s*(?:†[^\]】]*)?[\]】]`,
    String.raw`\(\s*sources?\s*(${numberList})\s*\)`,
  ].join("|"),
  "giu",
);
const onlyMarkers = new RegExp(String.raw`^(?:\s|${markerPattern.source})*$`, "iu");
const leadingMarkers = new RegExp(String.raw`^(?:\s*(?:${markerPattern.source}))+`, "iu");

/** Longest range expanded from one marker ("[1-300]"), so a typo cannot make thousands of citations. */
const maxRange = 20;

function numbersOf(list: string): number[] {
  const numbers: number[] = [];
  for (const part of list.split(/\s*(?:,|;|\band\b|&)\s*/iu)) {
    const match = /(\d+)(?:\s*[-–]\s*(\d+))?/u.exec(part);
    if (!match) continue;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to >= from && to - from < maxRange) for (let n = from; n <= to; n++) numbers.push(n);
    else numbers.push(from);
  }
  return numbers;
}

/** The citations in a piece of text, and the text without them. */
export function parseCitations(sentence: string, sourceCount: number): CitedSentence {
  const cited: number[] = [];
  const invalid: number[] = [];
  const text = sentence
    .replace(markerPattern, (_marker, bracketed?: string, parenthesised?: string) => {
      for (const n of numbersOf(bracketed ?? parenthesised ?? "")) {
        const list = n >= 1 && n <= sourceCount ? cited : invalid;
        if (!list.includes(n)) list.push(n);
      }
      return "";
    })
    .replace(/\s+([.,;:!?])/gu, "$1")
    .replace(/\s{2,}/gu, " ")
    .trim();
  return { text, cited, invalid };
}

// List items and paragraphs are separate sentences even without a full stop.
const blockBreak = /\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)/u;

export interface AnswerSplit {
  /** Sentences known to be complete: text after them has begun the next one. */
  complete: CitedSentence[];
  /** The trailing text that may still grow (while streaming), or the last sentence (when done). */
  pending: string;
}

/**
 * Splits an answer (or the part streamed so far) into cited sentences. Markers a model puts after the
 * full stop ("… 30 days. [2] Next …") belong to the sentence before them, so a sentence is complete
 * only once the next one has begun with words.
 */
export function splitAnswer(text: string, sourceCount: number): AnswerSplit {
  const pieces: string[] = [];
  for (const block of text.split(blockBreak)) {
    const stripped = block.replace(/^\s*(?:[-*•]|\d+[.)])\s+/u, "");
    for (const span of sentenceSpans(stripped)) pieces.push(stripped.slice(span.start, span.end));
  }
  // Move leading markers back to the sentence before.
  const merged: string[] = [];
  for (const piece of pieces) {
    const lead = leadingMarkers.exec(piece)?.[0] ?? "";
    if (lead && merged.length > 0) {
      merged[merged.length - 1] += ` ${lead.trim()}`;
      const rest = piece.slice(lead.length);
      if (rest.trim()) merged.push(rest);
    } else if (onlyMarkers.test(piece) && merged.length > 0) {
      merged[merged.length - 1] += ` ${piece.trim()}`;
    } else if (piece.trim()) {
      merged.push(piece);
    }
  }
  // The last piece with words of its own may still grow, and so may anything after it (a marker
  // being typed: "[", "[1").
  let last = merged.length - 1;
  while (last > 0 && !hasWords(merged[last] as string)) last--;
  const pending = merged.splice(Math.max(0, last)).join(" ");
  return {
    complete: merged.map((piece) => parseCitations(piece, sourceCount)).filter((s) => s.text.length > 0),
    pending,
  };
}

// A marker still being typed at the end of the text.
const openMarker = /[[【(]\s*\^?\s*(?:sources?\s*)?[\d,;&\s–-]*$/iu;

function hasWords(piece: string): boolean {
  return /[\p{L}\p{N}]/u.test(piece.replace(markerPattern, "").replace(openMarker, ""));
}

/** Every sentence of a finished answer. */
export function answerSentences(text: string, sourceCount: number): CitedSentence[] {
  const { complete, pending } = splitAnswer(text, sourceCount);
  const last = parseCitations(pending, sourceCount);
  return last.text ? [...complete, last] : complete;
}
