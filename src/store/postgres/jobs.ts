// Ingestion and reindex jobs in Postgres. A job records the process (pid and host) that runs it, so
// jobs left `running` by a process of this host that no longer exists are marked interrupted when a
// store opens; a job of another host is left to that host.
import { hostname } from "node:os";
import { fullAccess } from "../../core/access.js";
import { type JobRow, jobFromRow, processExists, startedJob } from "../job-records.js";
import type { Store } from "../store.js";
import type { Client } from "./client.js";
import { sql } from "./sql.js";
import type { Tables } from "./tables.js";

export type JobStore = Pick<Store, "startJob" | "finishJob" | "listJobs">;

export function createJobStore(client: Client, t: Tables, now: () => string): JobStore {
  return {
    async startJob(kind, collection, summary = {}) {
      const job = startedJob(kind, collection, summary, now());
      await client.query(
        sql`INSERT INTO ${t.jobs} (id, kind, collection, status, pid, host, started_at, summary)
            VALUES (${job.id}, ${kind}, ${collection}, 'running', ${process.pid}, ${hostname()}, ${job.startedAt},
              ${JSON.stringify(summary)})`,
      );
      return job;
    },

    async finishJob(id, status, summary) {
      await client.query(
        sql`UPDATE ${t.jobs} SET status = ${status}, finished_at = ${now()}, summary = ${JSON.stringify(summary)}
            WHERE id = ${id}`,
      );
    },

    async listJobs(limit = 20, access = fullAccess) {
      // A job's summary names files of every access group it stored.
      if (access.groups !== "*") return [];
      const rows = await client.query<JobRow>(
        access.collections === "*"
          ? sql`SELECT * FROM ${t.jobs} ORDER BY started_at DESC LIMIT ${limit}`
          : sql`SELECT * FROM ${t.jobs} WHERE collection = ANY(${[...access.collections]}::text[])
                ORDER BY started_at DESC LIMIT ${limit}`,
      );
      return rows.map(jobFromRow);
    },
  };
}

/** Marks this host's jobs whose process is gone as interrupted. */
export async function markAbandonedJobs(client: Client, t: Tables, now: () => string): Promise<void> {
  const running = await client.query<{ id: string; pid: number | null }>(
    sql`SELECT id, pid FROM ${t.jobs} WHERE status = 'running' AND (host = ${hostname()} OR host IS NULL)`,
  );
  const abandoned = running.filter((job) => job.pid === null || !processExists(Number(job.pid)));
  if (abandoned.length === 0) return;
  await client.query(
    sql`UPDATE ${t.jobs} SET status = 'interrupted', finished_at = ${now()}
        WHERE id = ANY(${abandoned.map((job) => job.id)}::text[]) AND status = 'running'`,
  );
}
