// A job the server runs in the background (an upload's ingestion, a reindex), as clients see it.
import type { Job } from "../../store/store.js";

export type ServerJobKind = "upload" | "reindex";

/** The kind a server job is stored under, apart from the engine's own `ingest` and `reindex` jobs. */
export function storedKind(kind: ServerJobKind): string {
  return `server:${kind}`;
}

/** The server job kind a stored job was, or undefined when it is not a server job. */
export function serverKindOf(stored: string): ServerJobKind | undefined {
  return stored === "server:upload" ? "upload" : stored === "server:reindex" ? "reindex" : undefined;
}

export type ServerJobStatus = "queued" | "running" | "succeeded" | "failed" | "interrupted";

export interface ServerJob {
  id: string;
  kind: ServerJobKind;
  collection: string;
  status: ServerJobStatus;
  startedAt: string;
  finishedAt: string | null;
  /** Work done and to do: files for uploads, chunks for reindex. */
  progress: { done: number; total: number; unit: "files" | "chunks"; etaMs?: number };
  /** What the job produced (per file for uploads; the space for reindex), once finished. */
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  /** The interrupted job this one took over at start-up. */
  resumedFrom?: string;
}

/** What the store keeps of a server job, so an interrupted one can be run again at the next start. */
export interface PersistedJobSummary {
  /** The key that started it (its id); a job is visible to that key. */
  keyId?: string;
  /** Uploads: the stored files, their names as sent, their access groups. */
  paths?: string[];
  names?: string[];
  groups?: string[];
  /** Reindex: the space and how to build it. */
  space?: string;
  version?: string;
  quantization?: string;
  activate?: boolean;
  resumedFrom?: string;
  resumedBy?: string;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** A server job known only from the store (finished before this server started, or by another one). */
export function jobFromStore(job: Job, kind: ServerJobKind): ServerJob {
  const summary = job.summary as PersistedJobSummary;
  return {
    id: job.id,
    kind,
    collection: job.collection,
    status: job.status,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    progress: { done: 0, total: 0, unit: kind === "reindex" ? "chunks" : "files" },
    ...(summary.result ? { result: summary.result } : {}),
    ...(summary.error ? { error: summary.error } : {}),
    ...(summary.resumedFrom ? { resumedFrom: summary.resumedFrom } : {}),
  };
}
