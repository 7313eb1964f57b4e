// A worker on the shared job queue: takes upload and reindex jobs, `concurrency` at a time, runs them
// through the engine, records each job's end in the store and logs one line per job. It holds an
// advisory lock for as long as it lives (its "lease", see job-queue.ts) and leases each job in the
// transaction that takes it, so a worker killed mid-job leaves the job to the next one; ingestion is
// idempotent by content hash, so the next one skips the files already stored.
import { randomInt } from "node:crypto";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import type { Client } from "pg";
import type PgBoss from "pg-boss";
import { isVerityError, VerityError } from "../../../core/errors.js";
import type { Verity } from "../../../engine.js";
import type { UploadArea } from "../../documents/upload-area.js";
import { runReindexWork, runUploadWork } from "../job-bodies/server-job-work.js";
import type { ServerJob } from "../server-job.js";
import { type JobQueue, lockSpace, type QueuedJobData, queueName } from "./job-queue.js";

export interface QueueWorkerOptions {
  queue: JobQueue;
  verity: Verity;
  uploads: Pick<UploadArea, "discard" | "root">;
  /** Jobs run at the same time (default 1). */
  concurrency?: number;
  /** Running jobs, and each file ingested (the server's metrics). */
  onRunning?(count: number): void;
  onFile?(status: string, bytes: number): void;
}

export interface QueueWorker {
  /** `host:pid`, as logs and the queue's table name it. */
  readonly name: string;
  /** Looks for a job now instead of at the next poll (a job was just queued). */
  wake(): void;
  /**
   * Stops taking jobs and waits up to `graceMs` (default: as long as they take) for the running ones
   * to end; those still running then are handed back to the queue for another worker.
   */
  stop(graceMs?: number): Promise<{ finished: number; released: number }>;
}

interface Running {
  id: string;
  settled: Promise<void>;
  abort: AbortController;
}

/** How often a running job's progress is written to the queue's table, at most. */
const progressEveryMs = 500;

export async function createQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { queue, verity } = options;
  const { logger } = queue;
  const concurrency = options.concurrency ?? 1;
  const name = `${hostname()}:${process.pid}`;
  const lease = await holdLease(queue);
  const running = new Map<string, Running>();
  const stopping = new AbortController();
  let wakeUp: (() => void) | undefined;
  let finished = 0;

  /** Takes the next job and leases it to this worker in one transaction. */
  async function take(): Promise<PgBoss.JobWithMetadata<QueuedJobData> | undefined> {
    return queue.transaction(async (client, db) => {
      const [job] = await queue.boss.fetch<QueuedJobData>(queueName, {
        batchSize: 1,
        includeMetadata: true,
        db,
      });
      if (!job) return undefined;
      const upload = job.data.kind === "upload";
      await client.query(
        `INSERT INTO ${queue.schema}.running_jobs (job_id, worker_key, worker, total, unit)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (job_id) DO UPDATE SET worker_key = EXCLUDED.worker_key, worker = EXCLUDED.worker,
           done = 0, total = EXCLUDED.total, unit = EXCLUDED.unit, eta_ms = NULL,
           started_at = now(), updated_at = now()`,
        [
          job.id,
          lease.key,
          name,
          upload ? (job.data.persisted.paths?.length ?? 0) : 0,
          upload ? "files" : "chunks",
        ],
      );
      return job;
    });
  }

  /** Writes progress at most every `progressEveryMs`; a lease found gone aborts the job. */
  function progressWriter(id: string, abort: AbortController) {
    let latest: ServerJob["progress"] | undefined;
    let writing: Promise<void> | undefined;
    let lastWrite = 0;
    const write = async () => {
      const progress = latest;
      latest = undefined;
      lastWrite = Date.now();
      if (progress) {
        const result = await queue.pool
          .query(
            `UPDATE ${queue.schema}.running_jobs SET done = $3, total = $4, unit = $5, eta_ms = $6, updated_at = now()
              WHERE job_id = $1 AND worker_key = $2`,
            [id, lease.key, progress.done, progress.total, progress.unit, progress.etaMs ?? null],
          )
          .catch((error: unknown) => {
            logger.warn({ job: id, err: (error as Error).message }, "could not record the job's progress");
            return undefined;
          });
        if (result && result.rowCount === 0) abort.abort(new Error("the job was handed to another worker"));
      }
      writing = undefined;
      // Steps made while writing wait for the next interval.
      if (latest) update(latest);
    };
    let trailing: NodeJS.Timeout | undefined;
    const update = (progress: ServerJob["progress"]) => {
      latest = progress;
      if (writing || trailing) return;
      const wait = lastWrite + progressEveryMs - Date.now();
      if (wait <= 0) {
        writing = write();
        return;
      }
      // The last step of a burst is written too, once the interval is over.
      trailing = setTimeout(() => {
        trailing = undefined;
        writing ??= write();
      }, wait);
      trailing.unref();
    };
    /** Stops writing (the job ended) once the write under way, if any, is done. */
    const stop = async () => {
      clearTimeout(trailing);
      latest = undefined;
      await writing;
    };
    return { update, stop };
  }

  async function run(job: PgBoss.JobWithMetadata<QueuedJobData>, abort: AbortController): Promise<void> {
    const { kind, collection, persisted } = job.data;
    const startedAt = Date.now();
    const attempt = job.retryCount + 1;
    logger.debug({ job: job.id, kind, collection, attempt }, "job started");
    const progress = progressWriter(job.id, abort);
    const work = {
      verity,
      uploads: options.uploads,
      collection,
      persisted,
      signal: abort.signal,
      onProgress: progress.update,
      ...(options.onFile ? { onFile: options.onFile } : {}),
    };
    let status: "succeeded" | "failed";
    let outcome: Pick<ServerJob, "result" | "error">;
    try {
      if (kind === "upload") await checkReadable(persisted.paths ?? [], options.uploads.root);
      const result = kind === "upload" ? await runUploadWork(work) : await runReindexWork(work);
      status = result.failed ? "failed" : "succeeded";
      outcome = { result };
    } catch (error) {
      status = "failed";
      outcome = {
        error: { code: isVerityError(error) ? error.code : "E_INTERNAL", message: (error as Error).message },
      };
    }
    await progress.stop();
    // Stopped part-way: handed back (this worker stopping), or already another worker's (lease lost).
    if (abort.signal.aborted) return;
    if (outcome.error && stopping.signal.aborted) {
      // Failed while this worker stops (a server closing its store under it): not the job's fault.
      await queue.release(job.id, lease.key);
      logger.warn({ job: job.id, kind, collection, error: outcome.error.message }, "job handed back");
      return;
    }
    // Recorded only while the lease is still this worker's: a job handed to another one is theirs.
    const recorded = await queue.transaction(async (client, db) => {
      const { rows } = await client.query(
        `SELECT 1 FROM ${queue.schema}.running_jobs WHERE job_id = $1 AND worker_key = $2 FOR UPDATE`,
        [job.id, lease.key],
      );
      if (rows.length === 0) return false;
      await verity.store.finishJob(job.id, status, { ...persisted, ...outcome });
      await client.query(`DELETE FROM ${queue.schema}.running_jobs WHERE job_id = $1`, [job.id]);
      await queue.boss.complete(queueName, job.id, { status }, { db });
      return true;
    });
    finished++;
    const line = {
      job: job.id,
      kind,
      collection,
      attempt,
      status: recorded ? status : "handed to another worker",
      ms: Date.now() - startedAt,
      ...(outcome.error ? { code: outcome.error.code, error: outcome.error.message } : {}),
    };
    if (outcome.error || !recorded) logger.warn(line, "job finished");
    else logger.info(line, "job finished");
  }

  function idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        stopping.signal.removeEventListener("abort", done);
        if (wakeUp === done) wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
      stopping.signal.addEventListener("abort", done, { once: true });
    });
  }

  async function slot(): Promise<void> {
    while (!stopping.signal.aborted) {
      let job: PgBoss.JobWithMetadata<QueuedJobData> | undefined;
      try {
        job = lease.held() ? await take() : undefined;
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "could not take a job from the queue");
      }
      if (!job || stopping.signal.aborted) {
        if (job) await queue.release(job.id, lease.key).catch(() => undefined);
        await idle(queue.settings.pollMs);
        continue;
      }
      const abort = new AbortController();
      const settled = run(job, abort).catch(async (error: unknown) => {
        // Left active, the job would wait for this worker forever: handed back, it is run again.
        logger.error({ job: job.id, err: (error as Error).message }, "could not record the job's end");
        await queue.release(job.id, lease.key).catch(() => undefined);
      });
      running.set(job.id, { id: job.id, settled, abort });
      options.onRunning?.(running.size);
      await settled;
      running.delete(job.id);
      options.onRunning?.(running.size);
    }
  }

  const slots = Array.from({ length: concurrency }, () => slot());

  return {
    name,
    wake() {
      wakeUp?.();
    },
    async stop(graceMs) {
      stopping.abort();
      const left = [...running.values()];
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        if (graceMs !== undefined) timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all(left.map((job) => job.settled)), graceOver]);
      clearTimeout(timer);
      let released = 0;
      for (const job of running.values()) {
        job.abort.abort();
        if (await queue.release(job.id, lease.key).catch(() => false)) released++;
      }
      if (released === 0) await Promise.all(slots);
      await lease.end();
      return { finished, released };
    },
  };
}

/** A staged upload this worker cannot read fails the job, naming the file and the folder to share. */
async function checkReadable(paths: readonly string[], uploadsRoot: string): Promise<void> {
  for (const path of paths) {
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      throw new VerityError(
        "E_UNREADABLE",
        `this worker cannot read the uploaded file ${path} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}): every serve replica and worker must share the data dir's uploads folder at the same path (one machine, or a shared mount such as NFS); this worker's is ${uploadsRoot}`,
        { option: "dataDir", cause: error },
      );
    }
  }
}

interface Lease {
  key: number;
  held(): boolean;
  end(): Promise<void>;
}

/**
 * A connection of its own holding an advisory lock keyed by a random number for as long as this
 * worker lives. A lost connection is made again, taking the same key back when nobody took it.
 */
async function holdLease(queue: JobQueue): Promise<Lease> {
  const pg = createRequire(import.meta.url)("pg") as typeof import("pg");
  let key = randomInt(1, 2 ** 31 - 1);
  let client: Client | undefined;
  let ended = false;

  async function connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const next = new pg.Client({ connectionString: queue.url, application_name: "verity-worker" });
      next.on("error", () => undefined);
      await next.connect();
      const { rows } = await next.query<{ held: boolean }>(
        "SELECT pg_try_advisory_lock($1::int, $2::int) AS held",
        [lockSpace, key],
      );
      if (rows[0]?.held) {
        next.on("end", () => {
          if (client !== next || ended) return;
          client = undefined;
          queue.logger.warn({ key }, "the worker's lease connection was lost; reconnecting");
          void reconnect();
        });
        client = next;
        return;
      }
      await next.end();
      if (attempt > 5) throw new Error("could not take a worker lock: every key tried was taken");
      key = randomInt(1, 2 ** 31 - 1);
    }
  }

  async function reconnect(): Promise<void> {
    while (!client && !ended) {
      try {
        await connect();
      } catch (error) {
        queue.logger.warn({ err: (error as Error).message }, "could not reconnect the worker's lease");
        await new Promise((resolve) => setTimeout(resolve, queue.settings.pollMs));
      }
    }
  }

  await connect();
  return {
    get key() {
      return key;
    },
    held: () => client !== undefined,
    async end() {
      ended = true;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
