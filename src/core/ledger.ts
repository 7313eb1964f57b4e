// The answer ledger's records: what every answer cost, how long it took and which route it took.
// Written by the store, summed by budgets, summarised by `verity stats`.
import type { Access } from "./access.js";
import { VerityError } from "./errors.js";

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

/** Latency percentiles are read from the most recent calls per model, so stats stay fast. */
export const latencySample = 10_000;

/** The `q` quantile of ascending `sorted`, interpolated between neighbours (0 for none). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

/** Answers listed at once, at most. */
const maxListed = 1000;

/** `listAnswers`' limit (default 50), or E_INVALID_INPUT outside 1 to 1000. */
export function answerListLimit(limit = 50): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxListed) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `answers are listed 1 to ${maxListed} at a time, not ${limit}; pass a limit in that range`,
      { option: "limit" },
    );
  }
  return limit;
}
