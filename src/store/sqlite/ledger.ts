// The answer ledger in SQLite: one row per answer and one per model call, written in one transaction.
// Budgets sum it; `verity stats` summarises it. A caller sees sums over the collections it may read,
// and, unless it may read everything, only its own answers one by one.
import type Database from "better-sqlite3";
import {
  type AnswerRecord,
  answerListLimit,
  type Ledger,
  type LedgerDay,
  type LedgerQuery,
  type LedgerSummary,
  latencySample,
  percentile,
  type StoredAnswer,
} from "../../core/ledger.js";
import { collectionCondition, readsEverything, type SqlCondition } from "./access-filter.js";
import type { Synchronous } from "./store-errors.js";
import type { Writer } from "./writer.js";

/** The answers (alias `a`) a query covers: from `since`, in `collection`, in collections `access` may read. */
function answersWhere(options: LedgerQuery): SqlCondition {
  const parts: SqlCondition[] = [{ sql: "a.at >= ?", parameters: [options.since ?? ""] }];
  if (options.collection !== undefined)
    parts.push({ sql: "a.collection = ?", parameters: [options.collection] });
  const readable = options.access && collectionCondition(options.access, "a.collection");
  if (readable) parts.push(readable);
  return {
    sql: parts.map((part) => part.sql).join(" AND "),
    parameters: parts.flatMap((part) => part.parameters),
  };
}

export interface AnswerRow {
  id: number;
  at: string;
  collection: string;
  api_key: string | null;
  status: "answered" | "abstained";
  answerer: string;
  escalated: number;
  cost_usd: number;
  latency_ms: number;
  strongest_cost_usd: number | null;
  trace: string;
}

export interface CallRow {
  model: string;
  outcome: string;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number;
  latency_ms: number;
}

export function createLedger(db: Database.Database, writer: Writer): Synchronous<Ledger> {
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
      const { sql: where, parameters } = answersWhere(options);
      const totals = db
        .prepare(
          `SELECT count(*) AS answers,
                  coalesce(sum(status = 'answered'), 0) AS answered,
                  coalesce(sum(escalated), 0) AS escalated,
                  coalesce(sum(cost_usd), 0) AS cost,
                  coalesce(sum(strongest_cost_usd IS NOT NULL), 0) AS modelAnswers,
                  coalesce(sum(CASE WHEN strongest_cost_usd IS NOT NULL THEN cost_usd END), 0) AS modelCost,
                  coalesce(sum(strongest_cost_usd), 0) AS strongestCost
           FROM answers a WHERE ${where}`,
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
           WHERE ${where}
           GROUP BY c.model ORDER BY c.model`,
        )
        .all(...parameters) as { model: string; calls: number; failed: number; cost: number }[];
      const latencies = db.prepare<unknown[], { latency_ms: number }>(
        `SELECT c.latency_ms FROM model_calls c JOIN answers a ON a.id = c.answer_id
         WHERE c.model = ? AND c.outcome != 'skipped' AND ${where}
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

    ledgerDays(options = {}): LedgerDay[] {
      const { sql: where, parameters } = answersWhere(options);
      const days = db
        .prepare(
          `SELECT substr(a.at, 1, 10) AS date, count(*) AS answers,
                  coalesce(sum(status = 'answered'), 0) AS answered,
                  coalesce(sum(escalated), 0) AS escalated,
                  coalesce(sum(cost_usd), 0) AS cost,
                  coalesce(sum(CASE WHEN status = 'answered' THEN cost_usd END), 0) AS answeredCost
           FROM answers a WHERE ${where}
           GROUP BY date ORDER BY date`,
        )
        .all(...parameters) as {
        date: string;
        answers: number;
        answered: number;
        escalated: number;
        cost: number;
        answeredCost: number;
      }[];
      const latencies = db.prepare<unknown[], { latency_ms: number }>(
        `SELECT a.latency_ms FROM answers a WHERE substr(a.at, 1, 10) = ? AND ${where}
         ORDER BY a.id DESC LIMIT ${latencySample}`,
      );
      return days.map((day) => {
        const sorted = latencies
          .all(day.date, ...parameters)
          .map((entry) => entry.latency_ms)
          .sort((a, b) => a - b);
        return {
          date: day.date,
          answers: day.answers,
          answered: day.answered,
          abstained: day.answers - day.answered,
          escalated: day.escalated,
          costUsd: day.cost,
          answeredCostUsd: day.answeredCost,
          p50Ms: percentile(sorted, 0.5),
          p95Ms: percentile(sorted, 0.95),
        };
      });
    },

    listAnswers(options = {}) {
      const limit = answerListLimit(options.limit);
      const where = answersWhere(options);
      if (!readsEverything(options.access)) {
        if (options.apiKey === undefined) return [];
        where.sql += " AND a.api_key = ?";
        where.parameters.push(options.apiKey);
      }
      const rows = db
        .prepare<unknown[], AnswerRow>(
          `SELECT a.* FROM answers a WHERE ${where.sql} ORDER BY a.id DESC LIMIT ?`,
        )
        .all(...where.parameters, limit);
      const callsOf = db.prepare<[number], CallRow>(
        `SELECT model, outcome, input_tokens, output_tokens, cost_usd, latency_ms
         FROM model_calls WHERE answer_id = ? ORDER BY rowid`,
      );
      return rows.map(
        (row): StoredAnswer => ({
          id: row.id,
          at: row.at,
          collection: row.collection,
          ...(row.api_key !== null ? { apiKey: row.api_key } : {}),
          status: row.status,
          answerer: row.answerer,
          escalated: row.escalated === 1,
          costUsd: row.cost_usd,
          latencyMs: row.latency_ms,
          ...(row.strongest_cost_usd !== null ? { strongestCostUsd: row.strongest_cost_usd } : {}),
          trace: JSON.parse(row.trace) as Record<string, unknown>,
          calls: callsOf.all(row.id).map((call) => ({
            model: call.model,
            outcome: call.outcome,
            ...(call.input_tokens !== null ? { inputTokens: call.input_tokens } : {}),
            ...(call.output_tokens !== null ? { outputTokens: call.output_tokens } : {}),
            costUsd: call.cost_usd,
            latencyMs: call.latency_ms,
          })),
        }),
      );
    },
  };
}
