// Ingestion and reindex jobs as every store keeps them: the record of a job just started, a stored row
// read back, and whether the process that ran a job still exists (a job left running by a gone process
// was interrupted).
import { randomUUID } from "node:crypto";
import type { Job, JobStatus } from "./store.js";

export interface JobRow {
  id: string;
  kind: string;
  collection: string;
  status: JobStatus;
  started_at: string;
  finished_at: string | null;
  /** JSON object. */
  summary: string;
}

export function startedJob(
  kind: string,
  collection: string,
  summary: Record<string, unknown>,
  startedAt: string,
): Job {
  return { id: randomUUID(), kind, collection, status: "running", startedAt, finishedAt: null, summary };
}

export function jobFromRow(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    collection: row.collection,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: JSON.parse(row.summary) as Record<string, unknown>,
  };
}

/** Whether a process of this host with that id exists (EPERM: it does, owned by another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
