// Handing back the jobs of workers that are gone, on a real PostgreSQL 15: a job leased to a worker
// whose lock is gone goes back to the queue while it has retries left, and is then given up and
// recorded as failed in the store, saying why; a live worker's job is left alone; and the queue is set
// up once, without a deadlock, when several processes open a new database at once.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { noopLogger } from "../../src/core/logger.js";
import { createJobQueue, type JobQueue, queueName } from "../../src/server/jobs/queue/job-queue.js";
import { createPostgresStore } from "../../src/store/postgres/index.js";
import type { Store } from "../../src/store/store.js";
import { type PostgresServer, startPostgresServer } from "../support/postgres-server.js";

describe("handing back lost jobs", { tags: ["postgresql"] }, () => {
  let server: Promise<PostgresServer> | undefined;
  afterAll(async () => {
    if (server !== undefined) await (await server).stop();
  });

  async function open(retryLimit: number) {
    server ??= startPostgresServer();
    const url = await (await server).createDatabase();
    const store = await createPostgresStore({ url });
    // Checks only when the test asks (reclaim), never on their own.
    const queue = await createJobQueue({ url, store, logger: noopLogger, retryLimit, checkMs: 3_600_000 });
    return { url, store, queue };
  }

  async function accepted(store: Store, queue: JobQueue): Promise<string> {
    const persisted = { paths: ["/nowhere/a.md"], names: ["a.md"], groups: [] };
    const job = await store.startJob("server:upload", "help", persisted);
    await queue.enqueue(job.id, { kind: "upload", collection: "help", persisted });
    return job.id;
  }

  /** Takes the next job as a worker does, leased under `workerKey` (a lock nobody holds: a dead worker). */
  async function takeAs(queue: JobQueue, workerKey: number): Promise<string | undefined> {
    return queue.transaction(async (client, db) => {
      const [job] = await queue.boss.fetch(queueName, { batchSize: 1, db });
      if (!job) return undefined;
      await client.query(
        `INSERT INTO ${queue.schema}.running_jobs (job_id, worker_key, worker) VALUES ($1, $2, 'gone:1')`,
        [job.id, workerKey],
      );
      return job.id;
    });
  }

  it("queues a dead worker's job again while it has retries left, then fails it in the store", async () => {
    const { store, queue } = await open(1);
    try {
      const id = await accepted(store, queue);
      expect(await takeAs(queue, 1001)).toBe(id);
      expect(await queue.look(id)).toMatchObject({ state: "running", worker: "gone:1", attempts: 1 });

      expect(await queue.reclaim()).toMatchObject([{ id, givenUp: false }]);
      expect(await queue.look(id)).toMatchObject({ state: "queued" });
      expect((await store.listJobs()).find((job) => job.id === id)?.status).toBe("running");

      expect(await takeAs(queue, 1002)).toBe(id);
      expect(await queue.reclaim()).toMatchObject([{ id, givenUp: true }]);
      expect(await queue.look(id)).toMatchObject({ state: "failed", attempts: 2 });
      const stored = (await store.listJobs()).find((job) => job.id === id);
      expect(stored).toMatchObject({
        status: "failed",
        summary: { paths: ["/nowhere/a.md"], error: { code: "E_INTERNAL" } },
      });
      expect(JSON.stringify(stored?.summary.error)).toContain("stopped before finishing it, 2 times");
      expect(await queue.reclaim()).toEqual([]);
    } finally {
      await queue.close();
      await store.close();
    }
  });

  it("leaves alone the job of a worker that still holds its lock", async () => {
    const { url, store, queue } = await open(3);
    const alive = new pg.Client({ connectionString: url });
    await alive.connect();
    try {
      await alive.query("SELECT pg_advisory_lock($1::int, $2::int)", [0x56525459, 2001]);
      const id = await accepted(store, queue);
      expect(await takeAs(queue, 2001)).toBe(id);
      expect(await queue.reclaim()).toEqual([]);
      expect(await queue.look(id)).toMatchObject({ state: "running" });

      await alive.end(); // the worker dies: its lock goes with its connection
      expect(await queue.reclaim()).toMatchObject([{ id, givenUp: false }]);
    } finally {
      await alive.end().catch(() => undefined);
      await queue.close();
      await store.close();
    }
  });

  it("is set up once when several queues, each with its own connections, open a new database at once", async () => {
    server ??= startPostgresServer();
    for (let round = 0; round < 6; round++) {
      const url = await (await server).createDatabase();
      const store = await createPostgresStore({ url });
      // Each queue has its own connections, as each replica or worker has.
      const opened = await Promise.allSettled(
        Array.from({ length: 5 }, () =>
          createJobQueue({ url, store, logger: noopLogger, checkMs: 3_600_000 }),
        ),
      );
      const queues = opened.flatMap((each) => (each.status === "fulfilled" ? [each.value] : []));
      try {
        const failures = opened.flatMap((each) => (each.status === "rejected" ? [String(each.reason)] : []));
        expect(failures, `round ${round}`).toEqual([]);
        const [first] = queues;
        if (!first) throw new Error("no queue");
        const id = await accepted(store, first);
        expect(await queues.at(-1)?.look(id)).toMatchObject({ state: "queued" });
      } finally {
        await Promise.all(queues.map((queue) => queue.close()));
        await store.close();
      }
    }
  });
});
