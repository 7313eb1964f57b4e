// The answer ledger's records: what every answer cost, how long it took and which route it took.
// Written by the store, summed by budgets, summarised by `verity stats`.

/** One model call made for an answer. */
export interface ModelCallRecord {
  model: string;
  /** grounded, ungrounded, declined, failed, skipped (budget, open circuit), hedge-cancelled. */
  outcome: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd: number;
  latencyMs: number;
}

/** One answer in the ledger: what it cost, how long it took, which route it took. */
export interface AnswerRecord {
  at: string;
  collection: string;
  /** The HTTP API key it was asked with, when there was one (budgets per key). */
  apiKey?: string;
  status: "answered" | "abstained";
  answerer: string;
  escalated: boolean;
  costUsd: number;
  latencyMs: number;
  /** What the same tokens would have cost on the catalogue's strongest model, when a model answered. */
  strongestCostUsd?: number;
  trace: Record<string, unknown>;
  calls: ModelCallRecord[];
}

export interface LedgerSummary {
  answers: number;
  answered: number;
  abstained: number;
  escalated: number;
  costUsd: number;
  /** Over the answers a model wrote: their cost, and what the strongest model would have cost. */
  modelAnswers: { count: number; costUsd: number; strongestCostUsd: number };
  perModel: { model: string; calls: number; failed: number; costUsd: number; p50Ms: number; p95Ms: number }[];
}

export interface Ledger {
  recordAnswer(record: AnswerRecord): void;
  /**
   * Money spent by a collection, or by an API key, in one UTC day (`2026-11-29`) or month (`2026-11`).
   */
  spent(scope: { collection: string } | { apiKey: string }, period: string): number;
  ledgerSummary(options?: { since?: string; collection?: string }): LedgerSummary;
}
