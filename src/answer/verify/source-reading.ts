// A source as the verifier reads it: its sentences, and every stretch of one to three consecutive
// sentences, each with its facts and the stems its words are held under. Reading is the costly part
// of verification, so a reader remembers what it read: an answer of eight sentences over eight
// passages would otherwise cut and read every passage dozens of times. The memory belongs to whoever
// owns the reader (an engine instance), not to the process.
import { remembered } from "../../core/remembered.js";
import { type Span, sentenceSpans } from "../../core/sentences.js";
import { tokens } from "../../core/terms.js";
import { type ClaimFacts, type Clause, claimFacts } from "./claim-facts.js";
import { instructionSpans, overlapsAny } from "./instructions.js";
import { nameText, spelledAcronyms } from "./name-spellings.js";
import type { WordForms } from "./word-forms.js";

/** A clause of a source, its stems widened to the stems its words are held under. */
export interface ReadClause {
  /** Content stems. */
  stems: Set<string>;
  /** Stems of every word, stopwords included, as the words are written. */
  words: Set<string>;
  /** The same widened to the stems of their dictionary forms ("lower" also as "low"). */
  heldWords: Set<string>;
  negated: boolean;
}

export interface SourceSentence {
  facts: ClaimFacts;
  stems: Set<string>;
}

/** A stretch of one source: 0-based index of its source among those checked, and its span there. */
export interface Evidence {
  source: number;
  /** Offsets in the source text; `text` is exactly that slice. */
  start: number;
  end: number;
  text: string;
}

/** A stretch of one to three sentences (`source` 0 as read; set per call). */
export interface Window extends Evidence {
  facts: ClaimFacts;
  stems: Set<string>;
  /** The clauses of the stretch's sentences, in order. */
  clauses: ReadClause[];
}

export interface SourceAnalysis {
  sentences: SourceSentence[];
  windows: Window[];
  /** Every word of the source, lower case, for names: as written and with names in one spelling ("U.S." also "us"). */
  words: Set<string>;
  /** Acronyms of the names the source writes out ("National Institutes of Health": "nih"). */
  acronyms: Set<string>;
  /** Every stem the source's content words are held under. */
  stems: Set<string>;
}

export interface SourceReader {
  read(text: string): SourceAnalysis;
}

const maxWindowSentences = 3;

/** A reader that remembers up to `maxRemembered` sources (default 256), then starts over. */
export function createSourceReader(forms: WordForms, maxRemembered = 256): SourceReader {
  const held = (words: Iterable<string>) => {
    const stems = new Set<string>();
    for (const word of words) for (const form of forms.heldAs(word)) stems.add(form);
    return stems;
  };
  const readClause = (clause: Clause): ReadClause => ({
    stems: new Set([
      ...clause.stems,
      ...held([...clause.forms].filter((form) => clause.stems.has(forms.stemOf(form)))),
    ]),
    words: clause.words,
    heldWords: new Set([...clause.words, ...held(clause.forms)]),
    negated: clause.negated,
  });

  function analyse(text: string): SourceAnalysis {
    const sentences: SourceSentence[] = [];
    const windows: Window[] = [];
    // Runs of consecutive sentences; text that addresses a model ("ignore previous instructions…")
    // is never evidence, so it also breaks a run.
    const runs: Span[][] = [[]];
    const spans = sentenceSpans(text);
    const instructions = instructionSpans(text, spans);
    for (const span of spans) {
      if (overlapsAny(span, instructions)) runs.push([]);
      else if (text.slice(span.start, span.end).trim()) runs[runs.length - 1]?.push(span);
    }
    const allStems = new Set<string>();
    for (const run of runs) {
      const read = run.map((span) => {
        const facts = claimFacts(text.slice(span.start, span.end));
        const stems = new Set([...facts.stems, ...held(facts.contentWords)]);
        for (const value of stems) allStems.add(value);
        return { facts, stems, clauses: facts.clauses.map(readClause) };
      });
      sentences.push(...read.map(({ facts, stems }) => ({ facts, stems })));
      for (let first = 0; first < run.length; first++) {
        for (let last = first; last < first + maxWindowSentences && last < run.length; last++) {
          const start = (run[first] as Span).start;
          const end = (run[last] as Span).end;
          const windowText = text.slice(start, end).trimEnd();
          const facts = claimFacts(windowText);
          windows.push({
            source: 0,
            start,
            end: start + windowText.length,
            text: windowText,
            facts,
            // The stems of its sentences, read once above.
            stems: new Set(read.slice(first, last + 1).flatMap((sentence) => [...sentence.stems])),
            clauses: read.slice(first, last + 1).flatMap((sentence) => sentence.clauses),
          });
        }
      }
    }
    const words = new Set([...tokens(text), ...tokens(nameText(text))]);
    return { sentences, windows, words, acronyms: spelledAcronyms(text), stems: allStems };
  }

  return { read: remembered(analyse, maxRemembered) };
}
