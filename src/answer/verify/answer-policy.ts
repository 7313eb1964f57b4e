// What happens to sentences that fail verification. strict: one unsupported sentence and Verity does
// not answer. balanced: unsupported sentences are dropped, and Verity abstains if none is left.
// lenient: every sentence is shown with its verdict.
import type { AnswerSentence } from "../../core/answer.js";

export const answerPolicies = ["strict", "balanced", "lenient"] as const;
export type AnswerPolicy = (typeof answerPolicies)[number];

export interface PolicyOutcome {
  sentences: AnswerSentence[];
  /** Sentences left out, with their verdicts. */
  dropped: AnswerSentence[];
  /** Set when the policy leaves nothing to show. */
  abstain: { reason: "unsupported_by_sources"; detail: string } | null;
}

const isSupported = (sentence: AnswerSentence) => sentence.verification?.verdict === "supported";

export function applyAnswerPolicy(sentences: readonly AnswerSentence[], policy: AnswerPolicy): PolicyOutcome {
  const failing = sentences.filter((sentence) => !isSupported(sentence));
  const describe = (sentence: AnswerSentence) =>
    `"${sentence.text}" (${sentence.verification?.verdict ?? "unchecked"}: ${sentence.verification?.reasons[0] ?? "no reason"})`;
  if (sentences.length === 0) {
    return {
      sentences: [],
      dropped: [],
      abstain: { reason: "unsupported_by_sources", detail: "the model wrote no complete sentence" },
    };
  }
  if (policy === "lenient" || failing.length === 0)
    return { sentences: [...sentences], dropped: [], abstain: null };
  if (policy === "strict") {
    return {
      sentences: [],
      dropped: [...sentences],
      abstain: {
        reason: "unsupported_by_sources",
        detail: `the sources do not back ${failing.length} of the model's ${sentences.length} sentences, e.g. ${describe(failing[0] as AnswerSentence)}`,
      },
    };
  }
  const kept = sentences.filter(isSupported);
  return {
    sentences: kept,
    dropped: failing,
    abstain:
      kept.length === 0
        ? {
            reason: "unsupported_by_sources",
            detail: `none of the model's sentences is backed by the sources, e.g. ${describe(failing[0] as AnswerSentence)}`,
          }
        : null,
  };
}
