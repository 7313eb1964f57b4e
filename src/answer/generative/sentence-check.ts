// One model-written sentence checked against the sources: against the passages it cites (every
// passage when it cites none), with citations pointing at the stretch that backs it; and, when it is
// supported, against the other passages too, since a source that states the opposite means the
// sources disagree and the reader should see both sides.
import type { AnswerSentence, Citation, SourceConflict } from "../../core/answer.js";
import { narrowLocation } from "../../core/location.js";
import type { RetrievedPassage } from "../../retrieve/bm25-retriever.js";
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
 * the same thing (its words cover the sentence) but negates it, uses an antonym, or gives another
 * number or date.
 */
function conflictsWith(
  text: string,
  others: readonly number[],
  passages: readonly RetrievedPassage[],
  options: VerifyOptions | undefined,
): SourceConflict[] {
  const conflicts: SourceConflict[] = [];
  const minCoverage = options?.minCoverage ?? 0.7;
  for (const number of others) {
    const passage = passages[number - 1] as RetrievedPassage;
    const signals = verificationSignals(text, [passage.chunk.text], options?.verifier);
    if (signals.coverage < minCoverage) continue;
    const check = verificationFrom(signals, options);
    if (check.verdict !== "contradicted") continue;
    conflicts.push({ citation: citationOf(passage, check.evidence), reason: check.reasons[0] as string });
  }
  return conflicts;
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

export function checkSentence(
  sentence: CitedSentence,
  passages: readonly RetrievedPassage[],
  options?: VerifyOptions,
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
