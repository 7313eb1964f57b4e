// One model-written sentence checked against the sources: against the passages it cites (every
// passage when it cites none), with citations pointing at the stretch that backs it; and, when it is
// supported, against the other passages too, since a source that states the opposite means the
// sources disagree and the reader should see both sides.
import type { AnswerSentence, Citation, SourceConflict } from "../../core/answer.js";
import { narrowLocation } from "../../core/location.js";
import { sentenceSpans } from "../../core/sentences.js";
import { tokens } from "../../core/terms.js";
import type { RetrievedPassage } from "../../retrieve/bm25-retriever.js";
import { type ConflictSide, readSide, sourceConflict, surfaceNames } from "../answer-type/source-conflict.js";
import {
  type Evidence,
  type VerifyOptions,
  verificationFrom,
  verificationSignals,
} from "../verify/verifier.js";
import type { CitedSentence } from "./citations.js";

function citationOf(passage: RetrievedPassage, evidence: Evidence | null): Citation {
  const location = passage.chunk.location;
  return {
    documentId: passage.document.id,
    source: passage.document.source,
    chunkId: passage.chunk.id,
    // The verified stretch when there is one; the whole passage otherwise.
    // The verified stretch when there is one; the whole passage otherwise.
    location: evidence
      ? narrowLocation(location, location.charStart + evidence.start, location.charStart + evidence.end)
      : narrowLocation(location, location.charStart, location.charEnd),
    quote: evidence ? evidence.text : passage.chunk.text,
  };
}

/**
 * Passages among `others` (1-based numbers) that state the opposite of `text`: the stretch is about
 * the same thing (its words cover the sentence, its names are all there) but negates it, uses an antonym, or gives another
 * number or date; or one of its sentences makes the same statement with another name in its place
 * ("Lena Ortiz won the 2018 title" against "Ada Brennan won the 2018 title").
 */
function conflictsWith(
  text: string,
  others: readonly number[],
  passages: readonly RetrievedPassage[],
  options: VerifyOptions | undefined,
  question: string | undefined,
): SourceConflict[] {
  const conflicts: SourceConflict[] = [];
  const minCoverage = options?.minCoverage ?? 0.7;
  for (const number of others) {
    const passage = passages[number - 1] as RetrievedPassage;
    const signals = verificationSignals(text, [passage.chunk.text], options?.verifier);
    // About the same thing: most of its words, and every name in it ("the Personal plan costs $4" is
    // about another plan than "the Team plan costs $8", however many other words they share).
    const sameThing = signals.coverage >= minCoverage && signals.missingNames.length === 0;
    const check = sameThing ? verificationFrom(signals, options) : undefined;
    if (check?.verdict === "contradicted") {
      conflicts.push({ citation: citationOf(passage, check.evidence), reason: check.reasons[0] as string });
      continue;
    }
    // Another name in the same statement leaves words uncovered, so it is looked for whatever the coverage.
    const restated = question === undefined ? undefined : restatement(text, passage, question);
    if (restated) conflicts.push(restated);
  }
  return conflicts;
}

/**
 * A sentence of `passage` that makes the statement of `text` with other names (see `sourceConflict`).
 * The question's own names are what the statement is about, not its answer: "the Business plan
 * costs $8" does not dispute "the Team plan costs $8" asked about the Team plan.
 */
function restatement(text: string, passage: RetrievedPassage, question: string): SourceConflict | undefined {
  const asked = askedWords(question);
  const values = namesLeaving(text, asked);
  if (values.size === 0) return undefined;
  const answer = readSide(text, "", values);
  for (const other of passageStatements(passage, question, asked)) {
    const found = sourceConflict(answer, other);
    if (!found) continue;
    return {
      citation: citationOf(passage, { source: 0, start: other.start, end: other.end, text: other.text }),
      reason: `it says ${asWritten(other.text, found.otherGives)} where this sentence says ${asWritten(text, found.chosenGives)}`,
    };
  }
  return undefined;
}

const askedWords = (question: string) => new Set(tokens(question));

const namesLeaving = (text: string, asked: ReadonlySet<string>) =>
  new Set([...surfaceNames(text)].filter((word) => !asked.has(word)));

type Statement = ConflictSide & { start: number; end: number };

// The sentences of a passage, read once per question: an answer's sentences are each compared with
// the same passages.
const statementsRead = new WeakMap<RetrievedPassage, { question: string; statements: Statement[] }>();

function passageStatements(
  passage: RetrievedPassage,
  question: string,
  asked: ReadonlySet<string>,
): Statement[] {
  const known = statementsRead.get(passage);
  if (known?.question === question) return known.statements;
  const statements = sentenceSpans(passage.chunk.text).map((span) => {
    const text = passage.chunk.text.slice(span.start, span.end);
    return {
      ...readSide(text, passage.document.id, namesLeaving(text, asked)),
      start: span.start,
      end: span.end,
    };
  });
  statementsRead.set(passage, { question, statements });
  return statements;
}

/** `words` (lower-case) as `text` writes them, in its order. */
function asWritten(text: string, words: readonly string[]): string {
  const wanted = new Set(words);
  const written = [...text.matchAll(/[\p{L}\p{N}]+/gu)]
    .map((match) => match[0])
    .filter((word) => wanted.has(word.toLowerCase()));
  return `"${[...new Set(written)].join(" ")}"`;
}

export interface CheckedSentence {
  sentence: AnswerSentence;
  /** The passage texts it was checked against. */
  checkedAgainst: string[];
  /**
   * A number, date or name it states is missing from the sources or stated differently there: a
   * failure no judge may overrule.
   */
  factFailure: boolean;
  /** The passage stretch that best matches it, as a citation, even when it does not back it. */
  closest: Citation | undefined;
}

/** `question`, when given, lets the check see a source that gives the answer another name. */
export function checkSentence(
  sentence: CitedSentence,
  passages: readonly RetrievedPassage[],
  options?: VerifyOptions,
  question?: string,
): CheckedSentence {
  const every = passages.map((_, index) => index + 1);
  const sources = sentence.cited.length > 0 ? sentence.cited : every;
  const checkedAgainst = sources.map((number) => (passages[number - 1] as RetrievedPassage).chunk.text);
  const signals = verificationSignals(sentence.text, checkedAgainst, options?.verifier);
  const check = verificationFrom(signals, options);
  const factFailure =
    signals.numberConflicts.length +
      signals.missingNumbers.length +
      signals.dateConflicts.length +
      signals.missingDates.length +
      signals.missingNames.length >
    0;
  const reasons = [...check.reasons];
  if (sentence.invalid.length > 0)
    reasons.unshift(`cites sources that do not exist: ${sentence.invalid.join(", ")}`);
  const backing = check.evidence ? (sources[check.evidence.source] as number) : undefined;
  // An uncited sentence that one source backs gets that source as its citation.
  const cited =
    sentence.cited.length === 0 && check.verdict === "supported" && backing !== undefined
      ? [backing]
      : sentence.cited;
  const citations = cited.map((number) =>
    citationOf(passages[number - 1] as RetrievedPassage, number === backing ? check.evidence : null),
  );
  const conflicts =
    check.verdict === "supported"
      ? conflictsWith(
          sentence.text,
          every.filter((number) => !cited.includes(number)),
          passages,
          options,
          question,
        )
      : [];
  return {
    sentence: {
      text: sentence.text,
      citations,
      verification: {
        verdict: check.verdict,
        score: Math.round(check.score * 1000) / 1000,
        reasons,
        ...(conflicts.length > 0 ? { conflicts } : {}),
      },
    },
    checkedAgainst,
    factFailure,
    closest:
      backing === undefined
        ? undefined
        : citationOf(passages[backing - 1] as RetrievedPassage, check.evidence),
  };
}
