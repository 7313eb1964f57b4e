// The Answerer seam: given a question and retrieved passages, produce cited sentences or an abstention.
import type { Abstention, AnswerSentence } from "../core/answer.js";
import type { RetrievedPassage } from "../retrieve/bm25-retriever.js";

export interface AnswerRequest {
  question: string;
  passages: readonly RetrievedPassage[];
  /** IDF of the question's terms over the whole index, keyed by stem (see `questionTermWeights`). */
  termWeights?: ReadonlyMap<string, number>;
  /** Stops a model answer (a hedge that lost, a caller that gave up); the answerer then rejects. */
  signal?: AbortSignal;
  /** Called when a model's first token arrives (hedging starts another model if it is late). */
  onFirstToken?: () => void;
}

export interface AnswerDraft {
  status: "answered" | "abstained";
  sentences: AnswerSentence[];
  abstention: Abstention | null;
  /** Answerer-specific facts for the trace (scores, thresholds, model used). */
  details: Record<string, unknown>;
}

export interface Answerer {
  /** Stable name recorded in every trace, e.g. `extractive`. */
  readonly id: string;
  doAnswer(request: AnswerRequest): Promise<AnswerDraft>;
}

/** The draft for a question no passage matched: nothing to answer from, nothing to show. */
export function noPassagesDraft(details: Record<string, unknown>): AnswerDraft {
  return {
    status: "abstained",
    sentences: [],
    abstention: {
      reason: "no_relevant_sources",
      detail: "No passage in the collection shares a searchable word with the question.",
      closestSources: [],
    },
    details,
  };
}
