// The answer ledger in SQLite: one row per answer and one per model call, written in one transaction.
// Budgets sum it; `verity stats` summarises it.
import type Database from "better-sqlite3";
import type { AnswerRecord, Ledger, LedgerSummary } from "../../core/ledger.js";
import type { Writer } from "./writer.js";

/** Latency percentiles are read from the most recent calls per model, so stats stay fast. */
const latencySample = 10_000;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

export function createLedger(db: Database.Database, writer: Writer): Ledger {
  const insertAnswer = db.prepare(
    `INSERT INTO answers (at, collection, api_key, status, answerer, escalated, cost_usd, latency_ms, strongest_cost_usd, trace)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCall = db.prepare(
    `INSERT INTO model_calls (answer_id, model, outcome, input_tokens, output_tokens, cost_usd, latency_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const spentIn = db.prepare<[string, string], { cost_usd: number }>(
    "SELECT cost_usd FROM spending WHERE scope = ? AND period = ?",
  );
  const addSpending = db.prepare(
    `INSERT INTO spending (scope, period, cost_usd) VALUES (?, ?, ?)
     ON CONFLICT (scope, period) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd`,
  );
  const scopeKey = (scope: { collection: string } | { apiKey: string }) =>
    "collection" in scope ? `collection:${scope.collection}` : `key:${scope.apiKey}`;
  // An answer's entry takes the write lock briefly, between an ingestion's files, never for long.
  const record = writer.transaction((entry: AnswerRecord) => {
    const { lastInsertRowid } = insertAnswer.run(
      entry.at,
      entry.collection,
      entry.apiKey ?? null,
      entry.status,
      entry.answerer,
      entry.escalated ? 1 : 0,
      entry.costUsd,
      entry.latencyMs,
      entry.strongestCostUsd ?? null,
      JSON.stringify(entry.trace),
    );
    const scopes = [scopeKey({ collection: entry.collection })];
    if (entry.apiKey !== undefined) scopes.push(scopeKey({ apiKey: entry.apiKey }));
    for (const scope of scopes) {
      for (const period of [entry.at.slice(0, 10), entry.at.slice(0, 7)])
        addSpending.run(scope, period, entry.costUsd);
    }
    for (const call of entry.calls) {
      insertCall.run(
        lastInsertRowid,
        call.model,
        call.outcome,
        call.inputTokens ?? null,
        call.outputTokens ?? null,
        call.costUsd,
        call.latencyMs,
      );
    }
  });

  return {
    recordAnswer: (entry) => record(entry),

    spent(scope, period) {
      return spentIn.get(scopeKey(scope), period)?.cost_usd ?? 0;
    },

    ledgerSummary(options = {}): LedgerSummary {
      const since = options.since ?? "";
      const byCollection = options.collection !== undefined;
      const where = `at >= ?${byCollection ? " AND collection = ?" : ""}`;
      const whereJoined = `a.at >= ?${byCollection ? " AND a.collection = ?" : ""}`;
      const parameters = byCollection ? [since, options.collection] : [since];
      const totals = db
        .prepare(
          `SELECT count(*) AS answers,
                  coalesce(sum(status = 'answered'), 0) AS answered,
                  coalesce(sum(escalated), 0) AS escalated,
                  coalesce(sum(cost_usd), 0) AS cost,
                  coalesce(sum(strongest_cost_usd IS NOT NULL), 0) AS modelAnswers,
                  coalesce(sum(CASE WHEN strongest_cost_usd IS NOT NULL THEN cost_usd END), 0) AS modelCost,
                  coalesce(sum(strongest_cost_usd), 0) AS strongestCost
           FROM answers WHERE ${where}`,
        )
        .get(...parameters) as {
        answers: number;
        answered: number;
        escalated: number;
        cost: number;
        modelAnswers: number;
        modelCost: number;
        strongestCost: number;
      };
      const models = db
        .prepare(
          `SELECT c.model, count(*) AS calls, coalesce(sum(c.outcome = 'failed'), 0) AS failed,
                  coalesce(sum(c.cost_usd), 0) AS cost
           FROM model_calls c JOIN answers a ON a.id = c.answer_id
           WHERE ${whereJoined}
           GROUP BY c.model ORDER BY c.model`,
        )
        .all(...parameters) as { model: string; calls: number; failed: number; cost: number }[];
      const latencies = db.prepare<unknown[], { latency_ms: number }>(
        `SELECT c.latency_ms FROM model_calls c JOIN answers a ON a.id = c.answer_id
         WHERE c.model = ? AND c.outcome != 'skipped' AND ${whereJoined}
         ORDER BY c.rowid DESC LIMIT ${latencySample}`,
      );
      return {
        answers: totals.answers,
        answered: totals.answered,
        abstained: totals.answers - totals.answered,
        escalated: totals.escalated,
        costUsd: totals.cost,
        modelAnswers: {
          count: totals.modelAnswers,
          costUsd: totals.modelCost,
          strongestCostUsd: totals.strongestCost,
        },
        perModel: models.map((row) => {
          const sorted = latencies
            .all(row.model, ...parameters)
            .map((entry) => entry.latency_ms)
            .sort((a, b) => a - b);
          return {
            model: row.model,
            calls: row.calls,
            failed: row.failed,
            costUsd: row.cost,
            p50Ms: percentile(sorted, 0.5),
            p95Ms: percentile(sorted, 0.95),
          };
        }),
      };
    },
  };
}
