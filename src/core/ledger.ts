// The answer ledger's records: what every answer cost, how long it took and which route it took.
// Written by the store, summed by budgets, summarised by `verity stats`.
import type { Access } from "./access.js";

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

/** One UTC day of the ledger: how many answers, how they ended, what they cost and took. */
export interface LedgerDay {
  /** `2026-11-29` */
  date: string;
  answers: number;
  answered: number;
  abstained: number;
  escalated: number;
  costUsd: number;
  /** Cost of the answered answers only, for the cost per answered question. */
  answeredCostUsd: number;
  p50Ms: number;
  p95Ms: number;
}

/** An answer as the ledger lists it. */
export interface StoredAnswer extends AnswerRecord {
  id: number;
}

export interface LedgerQuery {
  /** Answers at or after this ISO time. */
  since?: string;
  collection?: string;
  /**
   * What the caller may read (default everything). Summaries count the answers of the collections it
   * may read; listings show a caller that may not read everything only the answers asked with its own
   * key (`apiKey`).
   */
  access?: Access;
}

export interface Ledger {
  recordAnswer(record: AnswerRecord): Promise<void>;
  /**
   * Money spent by a collection, or by an API key, in one UTC day (`2026-11-29`) or month (`2026-11`).
   */
  spent(scope: { collection: string } | { apiKey: string }, period: string): Promise<number>;
  ledgerSummary(options?: LedgerQuery): Promise<LedgerSummary>;
  /** The summary's answers per UTC day, oldest first; days without answers are left out. */
  ledgerDays(options?: LedgerQuery): Promise<LedgerDay[]>;
  /**
   * Recorded answers, newest first (default the last 50, at most 1000). With an access that may not
   * read everything, only the answers asked with `apiKey` (none without one), in collections it may read.
   */
  listAnswers(options?: LedgerQuery & { apiKey?: string; limit?: number }): Promise<StoredAnswer[]>;
}
