// Copies what is not derived from files: jobs, the answer ledger (answers with their ids, so traces
// and budgets refer to the same answers, each batch with its model calls in one transaction, then the
// spending totals) and API keys (their secrets' hashes, so the keys people hold keep working).
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import type { ApiKeyRow } from "../api-key-records.js";
import type { JobRow } from "../job-records.js";
import { identifier, sql } from "../postgres/sql.js";
import type { AnswerRow, CallRow } from "../sqlite/ledger.js";
import type { Target } from "./target.js";

/** A stored job with the process that ran it. */
type StoredJobRow = JobRow & { pid: number | null };

/** Jobs, as they are; a job still marked running belongs to a process of this host (the data dir's). */
export async function copyJobs(target: Target, db: Database.Database): Promise<number> {
  const jobs = db.prepare<[], StoredJobRow>("SELECT * FROM jobs ORDER BY started_at, id").all();
  if (jobs.length === 0) return 0;
  const { t } = target;
  await target.client.query(
    sql`INSERT INTO ${t.jobs} (id, kind, collection, status, pid, host, started_at, finished_at, summary)
        SELECT u.id, u.kind, u.collection, u.status, u.pid, ${hostname()}, u.started_at, u.finished_at, u.summary
        FROM unnest(${jobs.map((job) => job.id)}::text[], ${jobs.map((job) => job.kind)}::text[],
          ${jobs.map((job) => job.collection)}::text[], ${jobs.map((job) => job.status)}::text[],
          ${jobs.map((job) => job.pid)}::integer[], ${jobs.map((job) => job.started_at)}::text[],
          ${jobs.map((job) => job.finished_at)}::text[], ${jobs.map((job) => job.summary)}::text[])
          AS u(id, kind, collection, status, pid, started_at, finished_at, summary)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at,
          summary = excluded.summary`,
  );
  return jobs.length;
}

/** A model call as the data dir stores it, with the answer it served. */
type SourceCallRow = CallRow & { answer_id: number };

export function sourceAnswerCount(db: Database.Database): number {
  return db.prepare<[], { n: number }>("SELECT count(*) AS n FROM answers").get()?.n ?? 0;
}

/**
 * Answers after the last one the target holds (answers are copied in id order, each batch with its
 * model calls in one transaction, so that is where an earlier run stopped), then the spending totals.
 */
export async function copyLedger(
  target: Target,
  db: Database.Database,
  batchSize: number,
  onBatch: (answers: number) => Promise<void>,
): Promise<number> {
  const { client, t } = target;
  const [last] = await client.query<{ id: string | number | null }>(
    sql`SELECT max(id) AS id FROM ${t.answers}`,
  );
  let after = Number(last?.id ?? 0);
  let copied = 0;
  const answersAfter = db.prepare<[number, number], AnswerRow>(
    "SELECT * FROM answers WHERE id > ? ORDER BY id LIMIT ?",
  );
  const callsBetween = db.prepare<[number, number], SourceCallRow>(
    "SELECT * FROM model_calls WHERE answer_id > ? AND answer_id <= ? ORDER BY answer_id, rowid",
  );
  for (;;) {
    const answers = answersAfter.all(after, batchSize);
    if (answers.length === 0) break;
    const upTo = (answers.at(-1) as AnswerRow).id;
    const calls = callsBetween.all(after, upTo);
    await client.transaction(async (tx) => {
      await tx.query(
        sql`INSERT INTO ${t.answers} (id, at, collection, api_key, status, answerer, escalated, cost_usd, latency_ms,
              strongest_cost_usd, trace)
            OVERRIDING SYSTEM VALUE
            SELECT * FROM unnest(${answers.map((row) => row.id)}::bigint[], ${answers.map((row) => row.at)}::text[],
              ${answers.map((row) => row.collection)}::text[], ${answers.map((row) => row.api_key)}::text[],
              ${answers.map((row) => row.status)}::text[], ${answers.map((row) => row.answerer)}::text[],
              ${answers.map((row) => row.escalated === 1)}::boolean[], ${answers.map((row) => row.cost_usd)}::float8[],
              ${answers.map((row) => row.latency_ms)}::float8[], ${answers.map((row) => row.strongest_cost_usd)}::float8[],
              ${answers.map((row) => row.trace)}::text[])`,
      );
      if (calls.length > 0) {
        await tx.query(
          sql`INSERT INTO ${t.model_calls} (answer_id, model, outcome, input_tokens, output_tokens, cost_usd, latency_ms)
              SELECT answer_id, model, outcome, input_tokens, output_tokens, cost_usd, latency_ms
              FROM unnest(${calls.map((call) => call.answer_id)}::bigint[], ${calls.map((call) => call.model)}::text[],
                ${calls.map((call) => call.outcome)}::text[], ${calls.map((call) => call.input_tokens)}::integer[],
                ${calls.map((call) => call.output_tokens)}::integer[], ${calls.map((call) => call.cost_usd)}::float8[],
                ${calls.map((call) => call.latency_ms)}::float8[])
                WITH ORDINALITY AS u(answer_id, model, outcome, input_tokens, output_tokens, cost_usd, latency_ms, n)
              ORDER BY n`,
        );
      }
    });
    after = upTo;
    copied += answers.length;
    await onBatch(answers.length);
  }
  await client.transaction(async (tx) => {
    // Answers recorded in Postgres later are numbered after the copied ones.
    await tx.query(
      sql`SELECT setval(pg_get_serial_sequence(${`${identifier(target.schema)}.answers`}, 'id'), max(id))
          FROM ${t.answers} HAVING max(id) IS NOT NULL`,
    );
    const spending = db
      .prepare<[], { scope: string; period: string; cost_usd: number }>(
        "SELECT scope, period, cost_usd FROM spending ORDER BY scope, period",
      )
      .all();
    await tx.query(sql`DELETE FROM ${t.spending}`);
    if (spending.length > 0) {
      await tx.query(
        sql`INSERT INTO ${t.spending} (scope, period, cost_usd)
            SELECT * FROM unnest(${spending.map((row) => row.scope)}::text[], ${spending.map((row) => row.period)}::text[],
              ${spending.map((row) => row.cost_usd)}::float8[])`,
      );
    }
  });
  return copied;
}

/** API keys with their secrets' hashes, scopes, collections, groups, expiry and revocation. */
export async function copyApiKeys(target: Target, db: Database.Database): Promise<number> {
  const keys = db.prepare<[], ApiKeyRow>("SELECT * FROM api_keys ORDER BY id").all();
  const { client, t } = target;
  await client.transaction(async (tx) => {
    for (const key of keys) {
      await tx.query(
        sql`INSERT INTO ${t.api_keys} (id, name, secret_sha256, scopes, collections, groups, created_at, expires_at,
              revoked_at, last_used_at)
            VALUES (${key.id}, ${key.name}, ${key.secret_sha256}, ${key.scopes}, ${key.collections}, ${key.groups},
              ${key.created_at}, ${key.expires_at}, ${key.revoked_at}, ${key.last_used_at})
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, secret_sha256 = excluded.secret_sha256,
              scopes = excluded.scopes, collections = excluded.collections, groups = excluded.groups,
              expires_at = excluded.expires_at, revoked_at = excluded.revoked_at`,
      );
    }
  });
  return keys.length;
}
