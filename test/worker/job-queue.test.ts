// The shared job queue with real processes on a real PostgreSQL 15 (test/support/postgres-server.ts):
// `verity serve` replicas only queueing (--no-worker) and `verity worker`s running the jobs, all on one
// database and one data dir. Uploads to either replica are ingested once, by one worker, and either
// replica reports every job; a worker killed mid-job leaves it to another, which skips the files
// already stored; a worker that cannot read a staged upload fails the job naming the file; a replica
// that cannot listen exits rather than living on with the queue open; and a worker without a database
// URL says how to give one.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { json, readEvents, uploadForm } from "../server/server-harness.js";
import { type ServerProcess, startServerProcess } from "../server/server-process.js";
import { runCliProcess } from "../support/cli-process.js";
import { type PostgresServer, startPostgresServer } from "../support/postgres-server.js";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.js";

interface NoteFile {
  name: string;
  contents: string;
}

function notes(prefix: string, count: number): NoteFile[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `${prefix}-${index}.md`,
    contents: `# ${prefix} ${index}\n\nThis note mentions marker${prefix}${index} and lanterns.\n\n${"Lanterns light the way home. ".repeat(index % 7)}\n`,
  }));
}

let dir: string;
const processes: (ServerProcess | WorkerProcess)[] = [];
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "verity-queue-")));
});
afterEach(async () => {
  for (const running of processes.splice(0)) {
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill("SIGKILL");
      await running.exited;
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const dataDir = () => join(dir, "data");

async function replica(url: string): Promise<ServerProcess> {
  const config = join(dir, "verity.json");
  writeFileSync(config, JSON.stringify({ server: { limits: { uploadFiles: 1000 } } }));
  const running = await startServerProcess(
    ["--port", "0", "--data-dir", dataDir(), "--config", config, "--no-worker"],
    { VERITY_DATABASE_URL: url },
  );
  processes.push(running);
  return running;
}

async function worker(url: string, ...args: string[]): Promise<WorkerProcess> {
  const running = await startWorkerProcess([
    "worker",
    "--database-url",
    url,
    "--data-dir",
    dataDir(),
    ...args,
  ]);
  processes.push(running);
  return running;
}

async function createCollection(base: string, name: string): Promise<void> {
  const response = await fetch(`${base}/api/v1/collections`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(201);
}

async function upload(base: string, collection: string, files: NoteFile[]): Promise<string> {
  const accepted = await fetch(`${base}/api/v1/collections/${collection}/documents`, {
    method: "POST",
    body: uploadForm(files),
  });
  expect(accepted.status).toBe(202);
  return (await json(accepted)).job.id;
}

/** The job's events on a replica, to the end: the last is `done` with the job as it ended. */
async function followToEnd(base: string, id: string) {
  const events = await readEvents(await fetch(`${base}/api/v1/jobs/${id}/events`));
  expect(events.at(-1)?.event).toBe("done");
  return events.at(-1)?.data as Record<string, unknown>;
}

/** Counts after ingesting `files` afresh with `verity ingest` into their own collection. */
async function cleanIngest(url: string, collection: string, files: NoteFile[]) {
  const folder = join(dir, `clean-${collection}`);
  mkdirSync(folder);
  for (const file of files) writeFileSync(join(folder, file.name), file.contents);
  const run = await runCliProcess(["ingest", "--database-url", url, "-c", collection, "--json", folder]);
  expect(run.code, run.stderr).toBe(0);
}

/** Waits until a worker has stored more than `done` files of the job; the worker's name (host:pid). */
async function runningJob(url: string, id: string, done: number): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let worker = "";
    await vi.waitFor(
      async () => {
        const { rows } = await client.query(
          "SELECT worker, done FROM verity_queue.running_jobs WHERE job_id = $1",
          [id],
        );
        expect(rows[0]?.done).toBeGreaterThan(done);
        worker = rows[0].worker;
      },
      { timeout: 60_000, interval: 20 },
    );
    return worker;
  } finally {
    await client.end();
  }
}

async function collectionCounts(base: string, name: string) {
  const collection = await json(await fetch(`${base}/api/v1/collections/${name}`));
  return { documents: collection.documentCount, chunks: collection.chunkCount };
}

/** Documents per title (every note's title is unique): each stored once means every count is 1. */
async function documentsPerTitle(base: string, collection: string): Promise<Map<string, number>> {
  const { documents } = await json(await fetch(`${base}/api/v1/collections/${collection}/documents`));
  const counts = new Map<string, number>();
  for (const document of documents as { title: string }[])
    counts.set(document.title, (counts.get(document.title) ?? 0) + 1);
  return counts;
}

describe("verity worker without a database URL", () => {
  it("says how to give one, and exits with E_CONFIG's code", async () => {
    const run = await runCliProcess(["worker", "--data-dir", join(dir, "data")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("E_CONFIG");
    expect(run.stderr).toContain("--database-url");
  });
});

describe("replicas and workers on one PostgreSQL", { tags: ["postgresql"], timeout: 60_000 }, () => {
  let server: Promise<PostgresServer> | undefined;
  const database = async () => {
    server ??= startPostgresServer();
    return (await server).createDatabase();
  };
  afterAll(async () => {
    if (server !== undefined) await (await server).stop();
  });

  it("ingests each upload to either replica once, by one worker, and either replica reports every job", async () => {
    const url = await database();
    const [first, second] = await Promise.all([replica(url), replica(url)]);
    await createCollection(first.url, "help");

    // Queued before any worker runs: a staged file that disappears fails its job, naming the file.
    const lost = await upload(second.url, "help", [{ name: "lost.md", contents: "# Lost\n\nGone.\n" }]);
    const staged = join(dataDir(), "uploads", "help");
    const lostJob = await json(await fetch(`${first.url}/api/v1/jobs/${lost}`));
    expect(lostJob.status).toBe("queued");
    const [lostPath] = (await readdirRecursive(staged)).filter((path) => path.endsWith("lost.md"));
    unlinkSync(lostPath as string);

    const workers = await Promise.all([worker(url), worker(url)]);
    const batches = [notes("alpha", 30), notes("beta", 30), notes("gamma", 30), notes("delta", 30)];
    const jobs = await Promise.all(
      batches.map((files, index) => upload(index % 2 === 0 ? first.url : second.url, "help", files)),
    );

    // Each job followed to its end on the replica that did not accept it, then read from both.
    for (const [index, id] of jobs.entries()) {
      const other = index % 2 === 0 ? second.url : first.url;
      const ended = await followToEnd(other, id);
      expect(ended).toMatchObject({ status: "succeeded", progress: { done: 30, total: 30 } });
      const [fromFirst, fromSecond] = await Promise.all(
        [first.url, second.url].map(async (base) => json(await fetch(`${base}/api/v1/jobs/${id}`))),
      );
      expect(fromFirst).toEqual(fromSecond);
      expect(fromFirst.result).toMatchObject({ added: 30, unchanged: 0, failed: 0 });
    }
    const failed = await followToEnd(first.url, lost);
    expect(failed).toMatchObject({ status: "failed", error: { code: "E_UNREADABLE" } });
    expect((failed.error as { message: string }).message).toContain(lostPath);
    expect((failed.error as { message: string }).message).toContain("uploads folder");

    // A reindex queued on one replica runs on a worker, which has no embedder: it fails saying so.
    const reindexing = await fetch(`${first.url}/api/v1/collections/help/reindex`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(reindexing.status).toBe(202);
    const reindex = (await json(reindexing)).id;
    expect(await followToEnd(second.url, reindex)).toMatchObject({
      kind: "reindex",
      status: "failed",
      error: { code: "E_INVALID_INPUT", message: expect.stringContaining("embedder") },
    });

    // One worker ran each job, once; the replicas ran none.
    const finishedBy = workers.flatMap((each) =>
      each
        .lines()
        .filter((line) => line.msg === "job finished")
        .map((line) => line.job),
    );
    expect(finishedBy.sort()).toEqual([...jobs, lost, reindex].sort());
    for (const replicaProcess of [first, second]) expect(replicaProcess.log()).not.toContain("job finished");

    const all = batches.flat();
    await cleanIngest(url, "clean", all);
    expect(await collectionCounts(first.url, "help")).toEqual(await collectionCounts(first.url, "clean"));
    const perTitle = await documentsPerTitle(second.url, "help");
    expect(perTitle.size).toBe(all.length);
    expect([...perTitle.values()].every((count) => count === 1)).toBe(true);

    // SIGTERM: a worker with nothing to do stops at once and exits 0.
    workers[0]?.child.kill("SIGTERM");
    expect(await workers[0]?.exited).toEqual({ code: 0, signal: null });
  });

  it("leaves the job of a worker killed mid-way to another, which stores each file once", async () => {
    const url = await database();
    const [accepting, ...workers] = await Promise.all([replica(url), worker(url), worker(url)]);
    if (!accepting) throw new Error("no replica");
    await createCollection(accepting.url, "help");
    const files = notes("note", 600);
    const id = await upload(accepting.url, "help", files);

    // The worker running it, from the queue's table, once it has stored some files.
    const running = await runningJob(url, id, 20);
    const victim = workers.find((each) => each.name === running);
    const survivor = workers.find((each) => each !== victim);
    if (!victim || !survivor) throw new Error(`no worker named ${running}`);
    victim.child.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");

    const ended = await followToEnd(accepting.url, id);
    expect(ended).toMatchObject({ status: "succeeded", progress: { done: 600, total: 600 } });
    // The survivor found the files the killed worker had stored, and kept them as they were.
    const result = ended.result as { added: number; unchanged: number; updated: number };
    expect(result.unchanged).toBeGreaterThanOrEqual(20);
    expect(result.added + result.unchanged).toBe(600);
    expect(result.updated).toBe(0);
    const survivorLines = survivor.lines();
    expect(survivorLines).toContainEqual(
      expect.objectContaining({ msg: "job finished", job: id, status: "succeeded" }),
    );
    expect(survivorLines).toContainEqual(
      expect.objectContaining({ msg: "job finished", job: id, attempt: 2 }),
    );

    await cleanIngest(url, "clean", files);
    expect(await collectionCounts(accepting.url, "help")).toEqual(
      await collectionCounts(accepting.url, "clean"),
    );
    const perTitle = await documentsPerTitle(accepting.url, "help");
    expect(perTitle.size).toBe(600);
    expect([...perTitle.values()].every((count) => count === 1)).toBe(true);
  });

  it("on SIGTERM a worker finishes its job and exits 0; given no grace, it hands the job back", async () => {
    const url = await database();
    const [accepting, patient] = await Promise.all([replica(url), worker(url)]);
    if (!accepting || !patient) throw new Error("not started");
    await createCollection(accepting.url, "help");

    const finished = await upload(accepting.url, "help", notes("finished", 300));
    expect(await runningJob(url, finished, 10)).toBe(patient.name);
    patient.child.kill("SIGTERM");
    expect(await patient.exited).toEqual({ code: 0, signal: null });
    expect(patient.lines()).toContainEqual(
      expect.objectContaining({ msg: "job finished", job: finished, status: "succeeded" }),
    );
    expect(patient.lines()).toContainEqual(expect.objectContaining({ msg: "stopped", released: 0 }));
    expect((await json(await fetch(`${accepting.url}/api/v1/jobs/${finished}`))).status).toBe("succeeded");

    const impatient = await worker(url, "--grace", "0");
    const handedBack = await upload(accepting.url, "help", notes("handed", 300));
    expect(await runningJob(url, handedBack, 10)).toBe(impatient.name);
    impatient.child.kill("SIGTERM");
    expect(await impatient.exited).toEqual({ code: 0, signal: null });
    expect(impatient.lines()).toContainEqual(expect.objectContaining({ msg: "stopped", released: 1 }));
    expect((await json(await fetch(`${accepting.url}/api/v1/jobs/${handedBack}`))).status).toBe("queued");

    const next = await worker(url);
    const ended = await followToEnd(accepting.url, handedBack);
    expect(ended).toMatchObject({ status: "succeeded", progress: { done: 300, total: 300 } });
    expect((ended.result as { unchanged: number }).unchanged).toBeGreaterThan(10);
    expect(next.lines()).toContainEqual(
      expect.objectContaining({ msg: "job finished", job: handedBack, attempt: 2 }),
    );
    const perTitle = await documentsPerTitle(accepting.url, "help");
    expect(perTitle.size).toBe(600);
    expect([...perTitle.values()].every((count) => count === 1)).toBe(true);
  });

  it("runs the jobs in serve itself by default, so one server needs no worker", async () => {
    const url = await database();
    const running = await startServerProcess(["--port", "0", "--data-dir", dataDir()], {
      VERITY_DATABASE_URL: url,
    });
    processes.push(running);
    await createCollection(running.url, "help");
    const response = await fetch(`${running.url}/api/v1/collections/help/documents?wait=true`, {
      method: "POST",
      body: uploadForm(notes("single", 3)),
    });
    expect(response.status).toBe(201);
    expect((await json(response)).job).toMatchObject({ status: "succeeded", result: { added: 3 } });
    running.child.kill("SIGTERM");
    expect(await running.exited).toEqual({ code: 0, signal: null });
  });

  it("a replica that cannot listen closes the queue and exits, instead of living on unseen", async () => {
    const url = await database();
    const running = await replica(url);
    const port = new URL(running.url).port;
    const args = ["--database-url", url, "--data-dir", dataDir(), "--no-worker"];
    const second = await runCliProcess(["serve", "--port", port, ...args]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`127.0.0.1:${port} is in use`);
    expect(second.stderr).not.toContain("unexpected error");
    expect((await fetch(`${running.url}/api/v1/collections`)).status).toBe(200);
  });
});

async function readdirRecursive(folder: string): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
