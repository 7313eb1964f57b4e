// The answer ledger in Postgres: one row per answer and one per model call, written in one
// transaction with the running spending totals. A caller sees sums over the collections it may read,
// and, unless it may read everything, only its own answers one by one (as the SQLite store).
import {
  answerListLimit,
  type Ledger,
  type LedgerDay,
  type LedgerQuery,
  type LedgerSummary,
  latencySample,
  percentile,
  type StoredAnswer,
} from "../../core/ledger.js";
import { collectionCondition, readsEverything } from "./access-filter.js";
import type { Client } from "./client.js";
import { join, type Sql, sql } from "./sql.js";
import type { Tables } from "./tables.js";

/** The answers (alias `a`) a query covers: from `since`, in `collection`, in collections `access` may read. */
function answersWhere(options: LedgerQuery): Sql {
  const parts: Sql[] = [sql`a.at >= ${options.since ?? ""}`];
  if (options.collection !== undefined) parts.push(sql`a.collection = ${options.collection}`);
  const readable = options.access && collectionCondition(options.access, sql`a.collection`);
  if (readable) parts.push(readable);
  return join(parts, " AND ");
}

interface AnswerRow {
  id: string | number;
  at: string;
  collection: string;
  api_key: string | null;
  status: "answered" | "abstained";
  answerer: string;
  escalated: boolean;
  cost_usd: number;
  latency_ms: number;
  strongest_cost_usd: number | null;
  trace: string;
}

interface CallRow {
  answer_id: string | number;
  model: string;
  outcome: string;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number;
  latency_ms: number;
}

const sorted = (values: readonly { value: number }[]) =>
  values.map((row) => Number(row.value)).sort((a, b) => a - b);

export function createLedger(client: Client, t: Tables): Ledger {
  const scopeKey = (scope: { collection: string } | { apiKey: string }) =>
    "collection" in scope ? `collection:${scope.collection}` : `key:${scope.apiKey}`;

  return {
    async recordAnswer(entry) {
      await client.transaction(async (tx) => {
        const [answer] = await tx.query<{ id: string | number }>(
          sql`INSERT INTO ${t.answers} (at, collection, api_key, status, answerer, escalated, cost_usd, latency_ms,
                strongest_cost_usd, trace)
              VALUES (${entry.at}, ${entry.collection}, ${entry.apiKey ?? null}, ${entry.status}, ${entry.answerer},
                ${entry.escalated}, ${entry.costUsd}, ${entry.latencyMs}, ${entry.strongestCostUsd ?? null},
                ${JSON.stringify(entry.trace)})
              RETURNING id`,
        );
        const scopes = [scopeKey({ collection: entry.collection })];
        if (entry.apiKey !== undefined) scopes.push(scopeKey({ apiKey: entry.apiKey }));
        const periods = [entry.at.slice(0, 10), entry.at.slice(0, 7)];
        const pairs = scopes.flatMap((scope) => periods.map((period) => [scope, period] as const)).sort();
        await tx.query(
          sql`INSERT INTO ${t.spending} AS s (scope, period, cost_usd)
              SELECT scope, period, ${entry.costUsd}::float8
              FROM unnest(${pairs.map(([scope]) => scope)}::text[], ${pairs.map(([, period]) => period)}::text[]) AS p(scope, period)
              ON CONFLICT (scope, period) DO UPDATE SET cost_usd = s.cost_usd + excluded.cost_usd`,
        );
        if (entry.calls.length === 0) return;
        const calls = entry.calls;
        await tx.query(
          sql`INSERT INTO ${t.model_calls} (answer_id, model, outcome, input_tokens, output_tokens, cost_usd, latency_ms)
              SELECT ${answer?.id}::bigint, model, outcome, input_tokens, output_tokens, cost_usd, latency_ms
              FROM unnest(${calls.map((call) => call.model)}::text[], ${calls.map((call) => call.outcome)}::text[],
                ${calls.map((call) => call.inputTokens ?? null)}::integer[], ${calls.map((call) => call.outputTokens ?? null)}::integer[],
                ${calls.map((call) => call.costUsd)}::float8[], ${calls.map((call) => call.latencyMs)}::float8[])
                WITH ORDINALITY AS c(model, outcome, input_tokens, output_tokens, cost_usd, latency_ms, n)
              ORDER BY n`,
        );
      });
    },

    async spent(scope, period) {
      const [row] = await client.query<{ cost_usd: number }>(
        sql`SELECT cost_usd FROM ${t.spending} WHERE scope = ${scopeKey(scope)} AND period = ${period}`,
      );
      return row ? Number(row.cost_usd) : 0;
    },

    async ledgerSummary(options = {}): Promise<LedgerSummary> {
      const where = answersWhere(options);
      const [totals] = await client.query<Record<string, string | number>>(
        sql`SELECT count(*) AS answers,
                   count(*) FILTER (WHERE status = 'answered') AS answered,
                   count(*) FILTER (WHERE escalated) AS escalated,
                   coalesce(sum(cost_usd), 0) AS cost,
                   count(strongest_cost_usd) AS model_answers,
                   coalesce(sum(cost_usd) FILTER (WHERE strongest_cost_usd IS NOT NULL), 0) AS model_cost,
                   coalesce(sum(strongest_cost_usd), 0) AS strongest_cost
            FROM ${t.answers} a WHERE ${where}`,
      );
      const models = await client.query<{ model: string; calls: string; failed: string; cost: number }>(
        sql`SELECT c.model, count(*) AS calls, count(*) FILTER (WHERE c.outcome = 'failed') AS failed,
                   coalesce(sum(c.cost_usd), 0) AS cost
            FROM ${t.model_calls} c JOIN ${t.answers} a ON a.id = c.answer_id
            WHERE ${where} GROUP BY c.model ORDER BY c.model COLLATE "C"`,
      );
      const perModel: LedgerSummary["perModel"] = [];
      for (const row of models) {
        const latencies = sorted(
          await client.query<{ value: number }>(
            sql`SELECT c.latency_ms AS value FROM ${t.model_calls} c JOIN ${t.answers} a ON a.id = c.answer_id
                WHERE c.model = ${row.model} AND c.outcome != 'skipped' AND ${where}
                ORDER BY c.id DESC LIMIT ${latencySample}`,
          ),
        );
        perModel.push({
          model: row.model,
          calls: Number(row.calls),
          failed: Number(row.failed),
          costUsd: Number(row.cost),
          p50Ms: percentile(latencies, 0.5),
          p95Ms: percentile(latencies, 0.95),
        });
      }
      const answers = Number(totals?.answers ?? 0);
      const answered = Number(totals?.answered ?? 0);
      return {
        answers,
        answered,
        abstained: answers - answered,
        escalated: Number(totals?.escalated ?? 0),
        costUsd: Number(totals?.cost ?? 0),
        modelAnswers: {
          count: Number(totals?.model_answers ?? 0),
          costUsd: Number(totals?.model_cost ?? 0),
          strongestCostUsd: Number(totals?.strongest_cost ?? 0),
        },
        perModel,
      };
    },

    async ledgerDays(options = {}): Promise<LedgerDay[]> {
      const where = answersWhere(options);
      const days = await client.query<Record<string, string | number>>(
        sql`SELECT substr(a.at, 1, 10) AS date, count(*) AS answers,
                   count(*) FILTER (WHERE status = 'answered') AS answered,
                   count(*) FILTER (WHERE escalated) AS escalated,
                   coalesce(sum(cost_usd), 0) AS cost,
                   coalesce(sum(cost_usd) FILTER (WHERE status = 'answered'), 0) AS answered_cost
            FROM ${t.answers} a WHERE ${where}
            GROUP BY 1 ORDER BY 1`,
      );
      const result: LedgerDay[] = [];
      for (const day of days) {
        const latencies = sorted(
          await client.query<{ value: number }>(
            sql`SELECT a.latency_ms AS value FROM ${t.answers} a WHERE substr(a.at, 1, 10) = ${day.date} AND ${where}
                ORDER BY a.id DESC LIMIT ${latencySample}`,
          ),
        );
        const answers = Number(day.answers);
        const answered = Number(day.answered);
        result.push({
          date: String(day.date),
          answers,
          answered,
          abstained: answers - answered,
          escalated: Number(day.escalated),
          costUsd: Number(day.cost),
          answeredCostUsd: Number(day.answered_cost),
          p50Ms: percentile(latencies, 0.5),
          p95Ms: percentile(latencies, 0.95),
        });
      }
      return result;
    },

    async listAnswers(options = {}) {
      const limit = answerListLimit(options.limit);
      let where = answersWhere(options);
      if (!readsEverything(options.access)) {
        if (options.apiKey === undefined) return [];
        where = sql`${where} AND a.api_key = ${options.apiKey}`;
      }
      const rows = await client.query<AnswerRow>(
        sql`SELECT a.* FROM ${t.answers} a WHERE ${where} ORDER BY a.id DESC LIMIT ${limit}`,
      );
      if (rows.length === 0) return [];
      const calls = await client.query<CallRow>(
        sql`SELECT answer_id, model, outcome, input_tokens, output_tokens, cost_usd, latency_ms
            FROM ${t.model_calls} WHERE answer_id = ANY(${rows.map((row) => row.id)}::bigint[]) ORDER BY id`,
      );
      const callsOf = new Map<number, CallRow[]>();
      for (const call of calls) {
        const id = Number(call.answer_id);
        callsOf.set(id, [...(callsOf.get(id) ?? []), call]);
      }
      return rows.map(
        (row): StoredAnswer => ({
          id: Number(row.id),
          at: row.at,
          collection: row.collection,
          ...(row.api_key !== null ? { apiKey: row.api_key } : {}),
          status: row.status,
          answerer: row.answerer,
          escalated: row.escalated,
          costUsd: Number(row.cost_usd),
          latencyMs: Number(row.latency_ms),
          ...(row.strongest_cost_usd !== null ? { strongestCostUsd: Number(row.strongest_cost_usd) } : {}),
          trace: JSON.parse(row.trace) as Record<string, unknown>,
          calls: (callsOf.get(Number(row.id)) ?? []).map((call) => ({
            model: call.model,
            outcome: call.outcome,
            ...(call.input_tokens !== null ? { inputTokens: Number(call.input_tokens) } : {}),
            ...(call.output_tokens !== null ? { outputTokens: Number(call.output_tokens) } : {}),
            costUsd: Number(call.cost_usd),
            latencyMs: Number(call.latency_ms),
          })),
        }),
      );
    },
  };
}
