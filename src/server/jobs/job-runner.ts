// Runs uploads' ingestion and reindexing in the background, one job of each kind at a time, and keeps
// each job in the store from the moment it is accepted: a server killed or stopped before a job ends
// leaves it `running` there, the store marks it interrupted at the next open, and `resumeInterrupted`
// runs it again (ingestion is idempotent, re-embedding resumes where it stopped).
import { existsSync } from "node:fs";
import { isVerityError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { Verity } from "../../engine.js";
import type { UploadArea } from "../documents/upload-area.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import { runReindexWork, runUploadWork } from "./job-bodies/server-job-work.js";
import {
  jobFromStore,
  type PersistedJobSummary,
  type ServerJob,
  type ServerJobKind,
  serverKindOf,
  storedKind,
} from "./server-job.js";

export interface UploadJobRequest {
  collection: string;
  paths: string[];
  names: string[];
  groups: string[];
  keyId?: string;
  resumedFrom?: string;
}

export interface ReindexJobRequest {
  collection: string;
  space?: string;
  version?: string;
  quantization?: "float32" | "int8" | "binary";
  activate?: boolean;
  keyId?: string;
  resumedFrom?: string;
}

export interface FoundJob {
  job: ServerJob;
  keyId?: string;
  /** Uploads: the files' names as stored. */
  names?: string[];
}

export type JobListener = (job: ServerJob, finished: boolean) => void;

export interface JobRunner {
  startUpload(request: UploadJobRequest): Promise<ServerJob>;
  startReindex(request: ReindexJobRequest): Promise<ServerJob>;
  /** A job of this server or from the store, with the key that started it (and an upload's file names). */
  get(id: string): Promise<FoundJob | undefined>;
  /** Recent server jobs, newest first, with the keys that started them. */
  list(limit: number): Promise<FoundJob[]>;
  /** Calls `listener` with the job now and at each change until it finishes; returns the unsubscribe. */
  subscribe(id: string, listener: JobListener): Promise<() => void>;
  /** Runs again the server jobs a killed or stopped server left unfinished. */
  resumeInterrupted(): Promise<ServerJob[]>;
  /** Stops starting jobs and resolves when the running ones end (queued ones wait for the next start). */
  stop(): Promise<void>;
}

interface Entry {
  job: ServerJob;
  persisted: PersistedJobSummary;
  listeners: Set<JobListener>;
}

export interface JobRunnerOptions {
  verity: Verity;
  uploads: UploadArea;
  metrics: ServerMetrics;
  logger: Logger;
}

function found(job: ServerJob, persisted: PersistedJobSummary): FoundJob {
  return {
    job,
    ...(persisted.keyId ? { keyId: persisted.keyId } : {}),
    ...(persisted.names ? { names: persisted.names } : {}),
  };
}

export function createJobRunner({ verity, uploads, metrics, logger }: JobRunnerOptions): JobRunner {
  const store = verity.store;
  const entries = new Map<string, Entry>();
  const lanes = new Map<ServerJobKind, Promise<void>>();
  const stopping = new AbortController();
  let running = 0;

  const emit = (entry: Entry, finished = false) => {
    for (const listener of entry.listeners) listener(entry.job, finished);
  };

  async function accept(
    kind: ServerJobKind,
    collection: string,
    persisted: PersistedJobSummary,
  ): Promise<Entry> {
    const stored = await store.startJob(storedKind(kind), collection, persisted as Record<string, unknown>);
    const entry: Entry = {
      job: {
        id: stored.id,
        kind,
        collection,
        status: "queued",
        startedAt: stored.startedAt,
        finishedAt: null,
        progress: {
          done: 0,
          total: kind === "upload" ? (persisted.paths?.length ?? 0) : 0,
          unit: kind === "upload" ? "files" : "chunks",
        },
        ...(persisted.resumedFrom ? { resumedFrom: persisted.resumedFrom } : {}),
      },
      persisted,
      listeners: new Set(),
    };
    entries.set(stored.id, entry);
    // Finished jobs beyond the last 200 are read back from the store when asked for.
    if (entries.size > 200) {
      for (const [id, old] of entries) {
        if (entries.size <= 200) break;
        if (old.job.finishedAt !== null) entries.delete(id);
      }
    }
    return entry;
  }

  function enqueue(entry: Entry, work: (entry: Entry) => Promise<Record<string, unknown>>): void {
    const lane = lanes.get(entry.job.kind) ?? Promise.resolve();
    const next = lane.then(async () => {
      // Left `running` in the store: interrupted at the next open, and run again then.
      if (stopping.signal.aborted) return;
      running++;
      metrics.setRunningJobs(running);
      entry.job.status = "running";
      emit(entry);
      try {
        const result = await work(entry);
        await finish(entry, result.failed ? "failed" : "succeeded", { result });
      } catch (error) {
        if (stopping.signal.aborted) return; // stopped mid-way: resumed at the next start
        const failure = {
          code: isVerityError(error) ? error.code : "E_INTERNAL",
          message: (error as Error).message,
        };
        logger.error(
          { job: entry.job.id, kind: entry.job.kind, code: failure.code, error: failure.message },
          "job failed",
        );
        await finish(entry, "failed", { error: failure });
      } finally {
        running--;
        metrics.setRunningJobs(running);
      }
    });
    lanes.set(entry.job.kind, next);
  }

  async function finish(
    entry: Entry,
    status: "succeeded" | "failed",
    outcome: Pick<ServerJob, "result" | "error">,
  ): Promise<void> {
    Object.assign(entry.job, outcome, { status, finishedAt: new Date().toISOString() });
    try {
      await store.finishJob(entry.job.id, status, { ...entry.persisted, ...outcome } as Record<
        string,
        unknown
      >);
    } catch (error) {
      logger.error({ job: entry.job.id, error: (error as Error).message }, "could not record the job's end");
    }
    emit(entry, true);
    entry.listeners.clear();
  }

  const work = (entry: Entry) => ({
    verity,
    uploads,
    collection: entry.job.collection,
    persisted: entry.persisted,
    signal: stopping.signal,
    onProgress(progress: ServerJob["progress"]) {
      entry.job.progress = progress;
      emit(entry);
    },
    onFile: (status: string, bytes: number) => metrics.observeIngestedFile(status, bytes),
  });
  const runUpload = (entry: Entry) => runUploadWork(work(entry));
  const runReindex = (entry: Entry) => runReindexWork(work(entry));

  const runner: JobRunner = {
    async startUpload(request) {
      const entry = await accept("upload", request.collection, {
        paths: request.paths,
        names: request.names,
        groups: request.groups,
        ...(request.keyId ? { keyId: request.keyId } : {}),
        ...(request.resumedFrom ? { resumedFrom: request.resumedFrom } : {}),
      });
      enqueue(entry, runUpload);
      return entry.job;
    },

    async startReindex(request) {
      const { collection, keyId, resumedFrom, ...settings } = request;
      const entry = await accept("reindex", collection, {
        ...settings,
        ...(keyId ? { keyId } : {}),
        ...(resumedFrom ? { resumedFrom } : {}),
      });
      enqueue(entry, runReindex);
      return entry.job;
    },

    async get(id) {
      const entry = entries.get(id);
      if (entry) return found(entry.job, entry.persisted);
      const stored = (await store.listJobs(500)).find((job) => job.id === id);
      const kind = stored ? serverKindOf(stored.kind) : undefined;
      if (!stored || !kind) return undefined;
      return found(jobFromStore(stored, kind), stored.summary as PersistedJobSummary);
    },

    async list(limit) {
      const stored = (await store.listJobs(Math.max(limit * 4, 100)))
        .filter((job) => serverKindOf(job.kind))
        .slice(0, limit);
      const listed: FoundJob[] = [];
      for (const job of stored) {
        const each = await runner.get(job.id);
        if (each) listed.push(each);
      }
      return listed;
    },

    async subscribe(id, listener) {
      const entry = entries.get(id);
      const found = entry ? { job: entry.job } : await runner.get(id);
      if (!found) return () => undefined;
      const finished = found.job.finishedAt !== null || found.job.status === "interrupted";
      listener(found.job, finished);
      if (!entry || finished) return () => undefined;
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },

    async resumeInterrupted() {
      const resumed: ServerJob[] = [];
      for (const stored of await store.listJobs(500)) {
        const kind = serverKindOf(stored.kind);
        const summary = stored.summary as PersistedJobSummary;
        if (!kind || stored.status !== "interrupted" || summary.resumedBy) continue;
        const job =
          kind === "upload"
            ? await resumeUpload(stored.id, stored.collection, summary)
            : await runner.startReindex({
                collection: stored.collection,
                ...(summary.space ? { space: summary.space } : {}),
                ...(summary.version ? { version: summary.version } : {}),
                ...(summary.quantization
                  ? { quantization: summary.quantization as ReindexJobRequest["quantization"] }
                  : {}),
                ...(summary.activate ? { activate: true } : {}),
                ...(summary.keyId ? { keyId: summary.keyId } : {}),
                resumedFrom: stored.id,
              });
        await store.finishJob(stored.id, "interrupted", {
          ...summary,
          resumedBy: job?.id ?? "nothing left to ingest",
        });
        if (job) resumed.push(job);
      }
      return resumed;
    },

    async stop() {
      stopping.abort();
      await Promise.all(lanes.values());
    },
  };

  /** An upload job again, for the files that were stored before the server stopped. */
  async function resumeUpload(
    id: string,
    collection: string,
    summary: PersistedJobSummary,
  ): Promise<ServerJob | undefined> {
    const paths = summary.paths ?? [];
    const present = paths
      .map((path, index) => ({ path, name: summary.names?.[index] ?? path }))
      .filter((file) => existsSync(file.path));
    if (present.length === 0) return undefined;
    return runner.startUpload({
      collection,
      paths: present.map((file) => file.path),
      names: present.map((file) => file.name),
      groups: summary.groups ?? [],
      ...(summary.keyId ? { keyId: summary.keyId } : {}),
      resumedFrom: id,
    });
  }

  return runner;
}
