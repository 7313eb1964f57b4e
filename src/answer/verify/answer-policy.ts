// What happens to sentences that fail verification, and to sentences the sources disagree on.
// strict: one unsupported sentence, or one the sources contradict each other on, and Verity does not
// answer. balanced: unsupported sentences are dropped; Verity abstains if none is left, if what is
// left no longer addresses the question, or if every sentence left is one the sources disagree on.
// lenient: every sentence is shown with its verdict.
import type { AnswerSentence } from "../../core/answer.js";
import { questionTokens, stem, tokens } from "../../core/terms.js";

export const answerPolicies = ["strict", "balanced", "lenient"] as const;
export type AnswerPolicy = (typeof answerPolicies)[number];

export interface PolicyOutcome {
  sentences: AnswerSentence[];
  /** Sentences left out, with their verdicts. */
  dropped: AnswerSentence[];
  /** Set when the policy leaves nothing to show. */
  abstain: { reason: "unsupported_by_sources" | "conflicting_sources"; detail: string } | null;
  /** Things a reader should know about what is shown (sources that disagree). */
  warnings: string[];
}

const isSupported = (sentence: AnswerSentence) => sentence.verification?.verdict === "supported";
const isContested = (sentence: AnswerSentence) => (sentence.verification?.conflicts?.length ?? 0) > 0;

const describe = (sentence: AnswerSentence) =>
  `"${sentence.text}" (${sentence.verification?.verdict ?? "unchecked"}: ${sentence.verification?.reasons[0] ?? "no reason"})`;

function describeConflict(sentence: AnswerSentence): string {
  const conflict = sentence.verification?.conflicts?.[0];
  if (!conflict) return `"${sentence.text}"`;
  const backer = sentence.citations[0]?.source ?? "one source";
  return `"${sentence.text}" is backed by ${backer}, but ${conflict.citation.source} disagrees (${conflict.reason}): "${conflict.citation.quote}"`;
}

/**
 * How many of the question's content words a sentence holds (by stem). A balanced answer whose kept
 * sentences hold fewer than half as many as the best sentence the model wrote has lost its answer.
 */
function questionWordsIn(sentence: string, questionStems: ReadonlySet<string>): number {
  const held = new Set(tokens(sentence).map(stem));
  let count = 0;
  for (const word of questionStems) if (held.has(word)) count++;
  return count;
}

export function applyAnswerPolicy(
  sentences: readonly AnswerSentence[],
  policy: AnswerPolicy,
  question?: string,
): PolicyOutcome {
  const failing = sentences.filter((sentence) => !isSupported(sentence));
  const contested = sentences.filter((sentence) => isSupported(sentence) && isContested(sentence));
  const warnings = contested.map((sentence) => `the sources disagree: ${describeConflict(sentence)}`);
  if (sentences.length === 0) {
    return {
      sentences: [],
      dropped: [],
      abstain: { reason: "unsupported_by_sources", detail: "the model wrote no complete sentence" },
      warnings: [],
    };
  }
  if (policy === "lenient") return { sentences: [...sentences], dropped: [], abstain: null, warnings };
  if (policy === "strict" && (failing.length > 0 || contested.length > 0)) {
    return {
      sentences: [],
      dropped: [...sentences],
      abstain:
        failing.length > 0
          ? {
              reason: "unsupported_by_sources",
              detail: `the sources do not back ${failing.length} of the model's ${sentences.length} sentences, e.g. ${describe(failing[0] as AnswerSentence)}`,
            }
          : {
              reason: "conflicting_sources",
              detail: `the sources disagree: ${describeConflict(contested[0] as AnswerSentence)}`,
            },
      warnings: [],
    };
  }
  const kept = sentences.filter(isSupported);
  const outcome = (abstain: PolicyOutcome["abstain"]): PolicyOutcome =>
    abstain
      ? { sentences: [], dropped: [...sentences], abstain, warnings: [] }
      : { sentences: kept, dropped: failing, abstain: null, warnings };
  if (kept.length === 0) {
    return outcome({
      reason: "unsupported_by_sources",
      detail: `none of the model's sentences is backed by the sources, e.g. ${describe(failing[0] as AnswerSentence)}`,
    });
  }
  if (kept.every(isContested)) {
    return outcome({
      reason: "conflicting_sources",
      detail: `the sources disagree: ${describeConflict(kept[0] as AnswerSentence)}`,
    });
  }
  if (failing.length > 0 && question !== undefined) {
    const questionStems = new Set(questionTokens(question).map(stem));
    const best = Math.max(...sentences.map((sentence) => questionWordsIn(sentence.text, questionStems)));
    const left = Math.max(...kept.map((sentence) => questionWordsIn(sentence.text, questionStems)));
    if (best > 0 && left * 2 < best) {
      return outcome({
        reason: "unsupported_by_sources",
        detail: `the sentences that answered the question are not backed by the sources, e.g. ${describe(failing[0] as AnswerSentence)}; what is left does not answer it`,
      });
    }
  }
  return outcome(null);
}
