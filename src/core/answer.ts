// The result of asking a question: cited sentences, or an abstention that says why.
import type { Location } from "./location.js";

export interface Citation {
  documentId: string;
  /** The document's source name (file path, or `path#recordId`). */
  source: string;
  chunkId: string;
  /** Exact span of the quoted text in the document's extracted text. */
  location: Location;
  /** The supporting text, verbatim from the source. */
  quote: string;
}

export interface SentenceVerification {
  verdict: "supported" | "unsupported" | "contradicted";
  /** How fully the best stretch of the cited sources covers the sentence, 0–1. */
  score: number;
  /** Why it is not supported; empty when it is. */
  reasons: string[];
  /**
   * Other retrieved passages that state the opposite of a supported sentence: the sources disagree,
   * and a reader should see both sides.
   */
  conflicts?: SourceConflict[];
  /**
   * Set when a judge (a model or an NLI classifier) gave the verdict: layer one's own verdict, and the
   * judge's. `verdict` above is then the judge's.
   */
  judge?: { by: string; layerOne: SentenceVerification["verdict"]; reason: string; confidence?: number };
}

export interface SourceConflict {
  /** The passage that disagrees, at the stretch that does. */
  citation: Citation;
  /** What it says differently, e.g. `says 30 days where the source says 14 days`. */
  reason: string;
}

export interface AnswerSentence {
  text: string;
  citations: Citation[];
  /** Set for model-written sentences: the check against the cited passages. */
  verification?: SentenceVerification;
}

export type AbstentionReason =
  | "no_relevant_sources"
  | "unsupported_by_sources"
  | "conflicting_sources"
  | "model_declined";

export interface ClosestSource {
  documentId: string;
  source: string;
  title: string;
  chunkId: string;
  location: Location;
  /** The passage's opening, for display. */
  snippet: string;
  score: number;
}

export interface Abstention {
  reason: AbstentionReason;
  /** A sentence a person can read: why Verity did not answer. */
  detail: string;
  closestSources: ClosestSource[];
}

export interface Trace {
  answerer: string;
  collection: string;
  retrievalMs: number;
  totalMs: number;
  /**
   * Extractive answers: source sentences left out because they address an AI assistant (planted
   * instructions, which are never quoted). Absent when there were none.
   */
  skippedInstructions?: number;
  /** Where each of those sentences is, so an operator can find and remove it. */
  skippedInstructionSpans?: SkippedInstruction[];
  [key: string]: unknown;
}

export interface SkippedInstruction {
  source: string;
  documentId: string;
  /** The sentence's span in the document's extracted text. */
  charStart: number;
  charEnd: number;
}

export interface Answer {
  question: string;
  status: "answered" | "abstained";
  sentences: AnswerSentence[];
  abstention: Abstention | null;
  trace: Trace;
}
