// Ingestion and reindex jobs in SQLite: started and finished in their own short write transactions,
// and marked interrupted when the process that ran them is gone.
import type Database from "better-sqlite3";
import { fullAccess } from "../../core/access.js";
import { type JobRow, jobFromRow, processExists, startedJob } from "../job-records.js";
import type { Job, Store } from "../store.js";
import type { Synchronous } from "./store-errors.js";
import type { Writer } from "./writer.js";

export type JobStore = Synchronous<Pick<Store, "startJob" | "finishJob" | "listJobs">>;

export function createJobStore(db: Database.Database, writer: Writer, now: () => string): JobStore {
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, kind, collection, status, pid, started_at, summary)
     VALUES (?, ?, ?, 'running', ?, ?, ?)`,
  );
  const finishJob = db.prepare("UPDATE jobs SET status = ?, finished_at = ?, summary = ? WHERE id = ?");
  const recent = db.prepare<[number], JobRow>("SELECT * FROM jobs ORDER BY started_at DESC LIMIT ?");
  const recentIn = db.prepare<[string, number], JobRow>(
    "SELECT * FROM jobs WHERE collection IN (SELECT value FROM json_each(?)) ORDER BY started_at DESC LIMIT ?",
  );

  return {
    startJob: writer.transaction(
      (kind: string, collection: string, summary: Record<string, unknown> = {}) => {
        const job = startedJob(kind, collection, summary, now());
        insertJob.run(job.id, kind, collection, process.pid, job.startedAt, JSON.stringify(summary));
        return job;
      },
    ),

    finishJob: writer.transaction((id: string, status: Exclude<Job["status"], "running">, summary) => {
      finishJob.run(status, now(), JSON.stringify(summary), id);
    }),

    listJobs(limit = 20, access = fullAccess) {
      // A job's summary names files of every access group it stored.
      if (access.groups !== "*") return [];
      const rows =
        access.collections === "*"
          ? recent.all(limit)
          : recentIn.all(JSON.stringify(access.collections), limit);
      return rows.map(jobFromRow);
    },
  };
}

/**
 * Jobs left `running` by a process that no longer exists were interrupted (killed, crashed). Most
 * opens find none and write nothing; when some are found, they are checked again under the write lock.
 */
export function markAbandonedJobs(db: Database.Database, writer: Writer, now: () => string): void {
  if (writer.readOnly) return;
  const running = db.prepare<[], { id: string; pid: number | null }>(
    "SELECT id, pid FROM jobs WHERE status = 'running'",
  );
  const abandoned = () => running.all().filter((job) => job.pid === null || !processExists(job.pid));
  if (abandoned().length === 0) return;
  const mark = db.prepare(
    "UPDATE jobs SET status = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'",
  );
  writer.transaction(() => {
    for (const job of abandoned()) mark.run(now(), job.id);
  })();
}
