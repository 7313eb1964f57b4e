// The server's job runner on a Postgres database: accepting a job records it in the store and queues
// it in the shared queue, where any worker takes it (`verity worker`, or this server's own worker
// unless `--no-worker`). Any replica answers for any job: its end and result from the store, whether
// it waits or runs (and how far it got) from the queue; event streams poll both.
import type { Logger } from "../../../core/logger.js";
import type { Verity } from "../../../engine.js";
import type { UploadArea } from "../../documents/upload-area.js";
import type { ServerMetrics } from "../../metrics/server-metrics.js";
import type { FoundJob, JobRunner, ReindexJobRequest } from "../job-runner.js";
import {
  jobFromStore,
  type PersistedJobSummary,
  type ServerJob,
  type ServerJobKind,
  serverKindOf,
  storedKind,
} from "../server-job.js";
import { createJobQueue, type JobQueue, type JobQueueSettings } from "./job-queue.js";
import { createQueueWorker, type QueueWorker } from "./queue-worker.js";

export interface QueuedJobRunnerOptions {
  verity: Verity;
  uploads: UploadArea;
  metrics: ServerMetrics;
  logger: Logger;
  /** The engine's postgres:// URL: the queue's tables live in the same database. */
  url: string;
  /** Jobs this server runs itself at once; 0 only queues them for `verity worker` (default 1). */
  concurrency?: number;
  /** On stop, how long running jobs may take to end before they are handed back (default: their time). */
  graceMs?: number;
  queue?: JobQueueSettings;
}

/** A job left unqueued this long after it was accepted (its server stopped in between) is queued again. */
const unqueuedAfterMs = 60_000;

function found(job: ServerJob, persisted: PersistedJobSummary): FoundJob {
  return {
    job,
    ...(persisted.keyId ? { keyId: persisted.keyId } : {}),
    ...(persisted.names ? { names: persisted.names } : {}),
  };
}

function waiting(kind: ServerJobKind, persisted: PersistedJobSummary): ServerJob["progress"] {
  return kind === "upload"
    ? { done: 0, total: persisted.paths?.length ?? 0, unit: "files" }
    : { done: 0, total: 0, unit: "chunks" };
}

/** An ended job's progress: every file of an upload, the space's chunks of a reindex. */
function finalProgress(
  kind: ServerJobKind,
  persisted: PersistedJobSummary,
  progress: ServerJob["progress"],
): ServerJob["progress"] {
  if (kind === "upload") {
    const files = persisted.paths?.length ?? 0;
    return { done: files, total: files, unit: "files" };
  }
  const space = persisted.result?.space as { embeddedChunks?: number; totalChunks?: number } | undefined;
  return typeof space?.embeddedChunks === "number" && typeof space.totalChunks === "number"
    ? { done: space.embeddedChunks, total: space.totalChunks, unit: "chunks" }
    : progress;
}

export async function createQueuedJobRunner(options: QueuedJobRunnerOptions): Promise<JobRunner> {
  const { verity, metrics, logger } = options;
  const store = verity.store;
  const queue: JobQueue = await createJobQueue({ ...options.queue, url: options.url, store, logger });
  const concurrency = options.concurrency ?? 1;
  let worker: QueueWorker | undefined;
  try {
    worker =
      concurrency > 0
        ? await createQueueWorker({
            queue,
            verity,
            uploads: options.uploads,
            concurrency,
            onRunning: (count) => metrics.setRunningJobs(count),
            onFile: (status, bytes) => metrics.observeIngestedFile(status, bytes),
          })
        : undefined;
  } catch (error) {
    await queue.close();
    throw error;
  }

  async function accept(kind: ServerJobKind, collection: string, persisted: PersistedJobSummary) {
    const stored = await store.startJob(storedKind(kind), collection, persisted as Record<string, unknown>);
    try {
      await queue.enqueue(stored.id, { kind, collection, persisted });
    } catch (error) {
      const failure = {
        code: "E_STORE",
        message: `the job could not be queued: ${(error as Error).message}`,
      };
      await store.finishJob(stored.id, "failed", { ...persisted, error: failure }).catch(() => undefined);
      throw error;
    }
    worker?.wake();
    const job: ServerJob = {
      ...jobFromStore(stored, kind),
      status: "queued",
      progress: waiting(kind, persisted),
    };
    return job;
  }

  /** The job as the store and the queue see it: ended in the store, or waiting or running in the queue. */
  async function read(id: string): Promise<FoundJob | undefined> {
    const stored = (await store.listJobs(500)).find((job) => job.id === id);
    const kind = stored ? serverKindOf(stored.kind) : undefined;
    if (!stored || !kind) return undefined;
    const persisted = stored.summary as PersistedJobSummary;
    const job = jobFromStore(stored, kind);
    // `interrupted` too: the store marks it so when the server that accepted it stops, while a worker
    // may run it still.
    if (stored.status !== "running" && stored.status !== "interrupted") {
      return found({ ...job, progress: finalProgress(kind, persisted, job.progress) }, persisted);
    }
    const queued = await queue.look(id);
    if (!queued) {
      // Not queued (yet): being accepted, or its server stopped first; resumeInterrupted queues it.
      return found(
        { ...job, ...(stored.status === "running" ? { status: "queued" as const } : {}), finishedAt: null },
        persisted,
      );
    }
    const status =
      queued.state === "queued" ? "queued" : queued.state === "failed" ? "failed" : ("running" as const);
    return found(
      {
        ...job,
        status,
        finishedAt: null,
        progress: queued.progress ?? waiting(kind, persisted),
      },
      persisted,
    );
  }

  const runner: JobRunner = {
    async startUpload(request) {
      return accept("upload", request.collection, {
        paths: request.paths,
        names: request.names,
        groups: request.groups,
        ...(request.keyId ? { keyId: request.keyId } : {}),
        ...(request.resumedFrom ? { resumedFrom: request.resumedFrom } : {}),
      });
    },

    async startReindex(request: ReindexJobRequest) {
      const { collection, keyId, resumedFrom, ...settings } = request;
      return accept("reindex", collection, {
        ...settings,
        ...(keyId ? { keyId } : {}),
        ...(resumedFrom ? { resumedFrom } : {}),
      });
    },

    get: read,

    async list(limit) {
      const stored = (await store.listJobs(Math.max(limit * 4, 100)))
        .filter((job) => serverKindOf(job.kind))
        .slice(0, limit);
      const listed: FoundJob[] = [];
      for (const job of stored) {
        const each = await read(job.id);
        if (each) listed.push(each);
      }
      return listed;
    },

    async subscribe(id, listener) {
      const first = await read(id);
      if (!first) return () => undefined;
      const over = (job: ServerJob) => job.finishedAt !== null || job.status === "interrupted";
      listener(first.job, over(first.job));
      if (over(first.job)) return () => undefined;
      // Another replica or a worker may run it: the store and the queue are polled until it ends.
      let last = JSON.stringify(first.job);
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const poll = async () => {
        const now = await read(id).catch((error: unknown) => {
          logger.warn({ job: id, err: (error as Error).message }, "could not read the job's state");
          return first;
        });
        if (stopped) return;
        const job = now?.job ?? first.job;
        const text = JSON.stringify(job);
        if (text !== last) {
          last = text;
          listener(job, over(job));
        }
        if (over(job)) return;
        timer = setTimeout(poll, queue.settings.pollMs);
      };
      timer = setTimeout(poll, queue.settings.pollMs);
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },

    async resumeInterrupted() {
      // The queue resumes what its workers left (job-queue.ts); here, jobs accepted but never queued.
      const resumed: ServerJob[] = [];
      for (const stored of await store.listJobs(500)) {
        const kind = serverKindOf(stored.kind);
        if (!kind || (stored.status !== "running" && stored.status !== "interrupted")) continue;
        if (Date.now() - Date.parse(stored.startedAt) < unqueuedAfterMs) continue;
        if (await queue.look(stored.id)) continue;
        const persisted = stored.summary as PersistedJobSummary;
        if (persisted.resumedBy) continue;
        await queue.enqueue(stored.id, { kind, collection: stored.collection, persisted });
        resumed.push({ ...jobFromStore(stored, kind), status: "queued", finishedAt: null });
      }
      if (resumed.length > 0) worker?.wake();
      return resumed;
    },

    async stop() {
      await worker?.stop(options.graceMs);
      await queue.close();
    },
  };
  return runner;
}
