// The shared job queue on a Postgres database: pg-boss's tables in a schema of their own (default
// `verity_queue`) beside one of ours, `running_jobs`, which says which worker runs each job and how far
// it got. Any `verity serve` replica enqueues jobs and reads their state; any `verity worker` (or serve
// working jobs itself) takes them (queue-worker.ts).
//
// A worker holds a session-level advisory lock for as long as it lives, and leases each job it takes
// in the same transaction that takes it. The lock goes when its connection does (a worker killed, its
// machine gone), so a job leased to a worker whose lock is gone is handed back to the queue by whoever
// looks next: every process on the queue looks every `checkMs`. pg-boss's own expiry is only a
// backstop, since it cannot tell a long job from a dead worker.
import { createRequire } from "node:module";
import type { Pool, PoolClient } from "pg";
import type PgBoss from "pg-boss";
import { VerityError } from "../../../core/errors.js";
import type { Logger } from "../../../core/logger.js";
import type { Store } from "../../../store/store.js";
import type { PersistedJobSummary, ServerJob, ServerJobKind } from "../server-job.js";

/** What a queued job carries: enough to run it without reading the store first. */
export interface QueuedJobData {
  kind: ServerJobKind;
  collection: string;
  persisted: PersistedJobSummary;
}

export interface JobQueueSettings {
  /** Schema for the queue's tables (default `verity_queue`); created if missing. */
  schema?: string;
  /** How often an idle worker asks for a job, in ms (default 500). */
  pollMs?: number;
  /** How often this process hands back the jobs of workers that are gone, in ms (default 2000). */
  checkMs?: number;
  /** How many times a job whose worker was lost or stopped is run again before it fails (default 3). */
  retryLimit?: number;
  /** pg-boss fails a job active this long, in seconds (default 23 h, below its 24 h limit): a backstop. */
  expireInSeconds?: number;
}

export interface JobQueueOptions extends JobQueueSettings {
  /** The postgres:// URL the engine's store uses (the password may come from PGPASSWORD). */
  url: string;
  /** The engine's store, where a job the queue gives up on is recorded as failed. */
  store: Pick<Store, "finishJob">;
  logger: Logger;
}

/** Where a job stands in the queue. */
export interface QueuedJobState {
  state: "queued" | "running" | "completed" | "failed";
  /** While a worker runs it: how far it got, and which worker (host:pid). */
  progress?: ServerJob["progress"];
  worker?: string;
  /** Times a worker started it. */
  attempts: number;
}

/** A job handed back because its worker was lost, and whether the queue gave up on it. */
export interface LostJob {
  id: string;
  worker: string;
  data: QueuedJobData;
  givenUp: boolean;
}

export interface JobQueue {
  readonly schema: string;
  readonly settings: Required<Omit<JobQueueSettings, "schema">>;
  readonly boss: PgBoss;
  readonly pool: Pool;
  readonly url: string;
  readonly logger: Logger;
  /** Queues a job under the store's id for it; queuing an id again does nothing. */
  enqueue(id: string, data: QueuedJobData): Promise<void>;
  /** The queue's view of a job, or undefined when the queue has no such job (or archived it). */
  look(id: string): Promise<QueuedJobState | undefined>;
  /** Runs `body` in a transaction; `db` lets pg-boss calls join it. */
  transaction<T>(body: (client: PoolClient, db: PgBoss.Db) => Promise<T>): Promise<T>;
  /** Hands back now the jobs of workers that are gone (those retried too often fail, in the store too). */
  reclaim(): Promise<LostJob[]>;
  /** Hands back a job this worker (its lock key) leased and will not finish; false when it had lost it. */
  release(id: string, workerKey: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The queue's one pg-boss queue: uploads and reindexes share it, and a worker's slots. */
export const queueName = "verity-jobs";
/** The first key of every advisory lock the queue takes ('VRTY'), apart from other users' locks. */
export const lockSpace = 0x56525459;

const defaults = { pollMs: 500, checkMs: 2000, retryLimit: 3, expireInSeconds: 23 * 60 * 60 };

export async function createJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const schema = options.schema ?? "verity_queue";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new VerityError(
      "E_CONFIG",
      `the queue's schema must be a plain lower-case SQL name, not ${JSON.stringify(schema)}`,
      { option: "schema" },
    );
  }
  const settings = {
    pollMs: options.pollMs ?? defaults.pollMs,
    checkMs: options.checkMs ?? defaults.checkMs,
    retryLimit: options.retryLimit ?? defaults.retryLimit,
    expireInSeconds: options.expireInSeconds ?? defaults.expireInSeconds,
  };
  const { logger } = options;
  const require = createRequire(import.meta.url);
  const pg = require("pg") as typeof import("pg");
  const Boss = require("pg-boss") as typeof PgBoss;
  const pool = new pg.Pool({ connectionString: options.url, max: 4, application_name: "verity-queue" });
  pool.on("error", (error) => logger.warn({ err: error.message }, "queue connection lost"));
  const db: PgBoss.Db = { executeSql: (text, values) => pool.query(text, values) };
  const boss = new Boss({ db, schema, schedule: false, supervise: true, migrate: true });
  boss.on("error", (error) => logger.warn({ err: error.message }, "queue maintenance failed"));

  try {
    await boss.start();
    await setUp(pool, boss, schema);
  } catch (error) {
    await boss.stop({ graceful: false, wait: true, close: false }).catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw new VerityError(
      "E_STORE",
      `the job queue could not be set up in schema ${schema} of the database (databaseUrl): ${(error as Error).message}`,
      { option: "databaseUrl", cause: error },
    );
  }

  /** Deletes the leases `deleting` returns and fails their jobs (pg-boss retries them while it may). */
  async function handBack(deleting: string, values: unknown[], reason: string): Promise<LostJob[]> {
    const deleted = await queue.transaction(async (client, tx) => {
      const { rows } = await client.query<{ job_id: string; worker: string }>(deleting, values);
      for (const row of rows) {
        await boss.fail(queueName, row.job_id, { message: `${reason} (${row.worker})` }, { db: tx });
      }
      return rows;
    });
    const handedBack: LostJob[] = [];
    for (const row of deleted) {
      const job = await boss.getJobById<QueuedJobData>(queueName, row.job_id, { includeArchive: true });
      if (!job) continue;
      const entry = { id: row.job_id, worker: row.worker, data: job.data, givenUp: job.state === "failed" };
      logger.warn(
        { job: entry.id, worker: entry.worker, givenUp: entry.givenUp },
        entry.givenUp ? `job given up: ${reason} too often` : `job handed back: ${reason}`,
      );
      if (entry.givenUp) {
        await options.store.finishJob(entry.id, "failed", {
          ...entry.data.persisted,
          error: {
            code: "E_INTERNAL",
            message: `the workers running this job stopped before finishing it, ${attempts(job.retryCount + 1)} (killed, stopped, or their connection to the database lost); upload or reindex again`,
          },
        });
      }
      handedBack.push(entry);
    }
    return handedBack;
  }

  const queue: JobQueue = {
    schema,
    settings,
    boss,
    pool,
    url: options.url,
    logger,

    async enqueue(id, data) {
      await boss.send(queueName, data as unknown as object, {
        id,
        retryLimit: settings.retryLimit,
        retryDelay: 0,
        expireInSeconds: settings.expireInSeconds,
      });
    },

    async look(id) {
      const job = await boss.getJobById<QueuedJobData>(queueName, id, { includeArchive: true });
      if (!job) return undefined;
      const attempts = job.startedOn ? job.retryCount + 1 : 0;
      if (job.state === "completed") return { state: "completed", attempts };
      if (job.state === "failed" || job.state === "cancelled") return { state: "failed", attempts };
      if (job.state !== "active") return { state: "queued", attempts };
      const { rows } = await pool.query<{
        worker: string;
        done: number;
        total: number;
        unit: "files" | "chunks";
        eta_ms: number | null;
      }>(`SELECT worker, done, total, unit, eta_ms FROM ${schema}.running_jobs WHERE job_id = $1`, [id]);
      const row = rows[0];
      if (!row) return { state: "running", attempts };
      return {
        state: "running",
        attempts,
        worker: row.worker,
        progress: {
          done: row.done,
          total: row.total,
          unit: row.unit,
          ...(row.eta_ms !== null ? { etaMs: row.eta_ms } : {}),
        },
      };
    },

    async transaction(body) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await body(client, { executeSql: (text, values) => client.query(text, values) });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async reclaim() {
      // A lease whose worker holds no lock any more: its worker is gone. Deleting the lease and failing
      // the job in one transaction hands it back once, however many processes look at the same time.
      return handBack(
        `DELETE FROM ${schema}.running_jobs r
             WHERE NOT EXISTS (
               SELECT 1 FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid = ${lockSpace}::oid AND l.objid = r.worker_key::oid)
             RETURNING job_id, worker`,
        [],
        "its worker stopped before finishing it",
      );
    },

    async release(id, workerKey) {
      const [released] = await handBack(
        `DELETE FROM ${schema}.running_jobs WHERE job_id = $1 AND worker_key = $2 RETURNING job_id, worker`,
        [id, workerKey],
        "its worker was stopped before finishing it",
      );
      return released !== undefined;
    },

    async close() {
      clearInterval(checks);
      await boss.stop({ graceful: false, wait: true, close: false }).catch(() => undefined);
      await pool.end();
    },
  };

  let checking = false;
  const checks = setInterval(() => {
    if (checking) return;
    checking = true;
    queue
      .reclaim()
      .catch((error: unknown) =>
        logger.warn({ err: (error as Error).message }, "could not check the queue for lost jobs"),
      )
      .finally(() => {
        checking = false;
      });
  }, settings.checkMs);
  checks.unref();
  return queue;
}

function attempts(count: number): string {
  return count === 1 ? "once" : `${count} times`;
}

/**
 * The queue and the queue's own table, made once however many processes start at the same time.
 * pg-boss's createQueue is not safe to run twice at once: two processes making the queue each wait
 * for the other's locks (a deadlock PostgreSQL breaks by failing one), so its setup is serialised
 * under an advisory lock held by a connection of its own, and skipped when the queue exists.
 */
async function setUp(pool: Pool, boss: PgBoss, schema: string): Promise<void> {
  const client = await pool.connect();
  // A connection that could not let go of the lock is closed, not pooled with it still held.
  let unlocked = false;
  try {
    await client.query("SELECT pg_advisory_lock($1, 0)", [lockSpace]);
    try {
      if (!(await boss.getQueue(queueName))) {
        await boss.createQueue(queueName, { name: queueName, policy: "standard" });
      }
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.running_jobs (
          job_id uuid PRIMARY KEY,
          worker_key integer NOT NULL,
          worker text NOT NULL,
          done integer NOT NULL DEFAULT 0,
          total integer NOT NULL DEFAULT 0,
          unit text NOT NULL DEFAULT 'files',
          eta_ms integer,
          started_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, 0)", [lockSpace]);
      unlocked = true;
    }
  } finally {
    client.release(!unlocked);
  }
}
