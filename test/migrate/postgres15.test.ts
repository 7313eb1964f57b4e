// `verity migrate` into a real PostgreSQL 15 (Debian's, without pgvector): everything but the vectors
// is copied and verified, the copy answers as the data dir did, the vectors are reported as not
// copied and why; a migration killed with SIGKILL continues when run again; bad sources and targets
// are refused with errors that say what to do. Tagged `postgresql` like the store's own PG15 tests.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import type { MigrationSummary } from "../../src/store/migrate/index.js";
import { createPostgresStore } from "../../src/store/postgres/index.js";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { Capture } from "../support/capture.js";
import { repositoryRoot, runCliProcess } from "../support/cli-process.js";
import { type PostgresServer, startPostgresServer } from "../support/postgres-server.js";
import { makeSourceFixture, type SourceFixture } from "./source-fixture.js";

async function migrate(args: readonly string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(["migrate", ...args], { stdout, stderr, env: {}, cwd: repositoryRoot });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("verity migrate into PostgreSQL 15", { tags: ["postgresql"] }, () => {
  let server: PostgresServer;
  let fixture: SourceFixture;
  let source: Store;

  beforeAll(async () => {
    [server, fixture] = await Promise.all([startPostgresServer(), makeSourceFixture({ extraFiles: 120 })]);
    source = createSqliteStore({ path: join(fixture.dataDir, "verity.db"), readOnly: true });
  });
  afterAll(async () => {
    await source?.close();
    await server?.stop();
    if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
  });

  it("copies and verifies everything but the vectors, which it says were not copied and why", async () => {
    const url = await server.createDatabase();
    const run = await migrate(["--from", fixture.dataDir, "--to", url, "--json"]);
    expect(run.stderr).toMatch(/migrate: verifying/u);
    expect(run.stderr).toMatch(
      /vectors of embedding space test:fixed:v1 \(collection handbook\) were not copied: the server has no pgvector extension/u,
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as MigrationSummary;
    expect(summary).toMatchObject({
      verified: true,
      spacesNotCopied: ["binary", "int8", "v1"].map((name) => ({
        collection: "handbook",
        space: `test:fixed:${name}`,
        vectors: fixture.vectors.length,
        reason: "the server has no pgvector extension",
      })),
    });
    expect(summary.counts).toMatchObject({ "collection handbook: files": 124, "api keys": 2, answers: 3 });

    const target = await createPostgresStore({ url });
    try {
      expect(await target.stats()).toMatchObject({
        documents: (await source.stats()).documents,
        chunks: (await source.stats()).chunks,
      });
      for (const terms of [["salary"], ["harbour", "tide"], ["lighthouse"]]) {
        const query = { collection: "handbook", terms, limit: 10 };
        const expected = await source.searchBm25(query);
        const hits = await target.searchBm25(query);
        expect(hits.map((hit) => hit.chunk.id)).toEqual(expected.map((hit) => hit.chunk.id));
        hits.forEach((hit, index) => {
          expect(hit.score).toBeCloseTo(expected[index]?.score as number, 9);
        });
      }
      const cjk = { collection: "cjk", terms: ["茶经"], limit: 5 };
      expect((await target.searchBm25(cjk)).map((hit) => hit.chunk.id)).toEqual(
        (await source.searchBm25(cjk)).map((hit) => hit.chunk.id),
      );
      expect(await target.verifyApiKey(fixture.secrets.valid)).toMatchObject({
        status: "valid",
        access: { collections: ["handbook"], groups: ["hr"] },
      });
      expect(await target.verifyApiKey(fixture.secrets.revoked)).toMatchObject({ status: "revoked" });
      expect(await target.listAnswers({ limit: 100 })).toEqual(await source.listAnswers({ limit: 100 }));
      expect(await target.ledgerSummary()).toEqual(await source.ledgerSummary());
      expect(await target.spent({ collection: "handbook" }, "2026-12")).toBe(
        await source.spent({ collection: "handbook" }, "2026-12"),
      );
      expect(await target.listSpaces()).toEqual([]);
    } finally {
      await target.close();
    }

    const verified = await migrate(["--from", fixture.dataDir, "--to", url, "--verify-only", "--json"]);
    expect(verified.code).toBe(0);
    expect((JSON.parse(verified.stdout) as MigrationSummary).counts).toEqual(summary.counts);
  });

  it("continues a migration killed with SIGKILL and ends as an uninterrupted one, with no duplicates", async () => {
    const killedUrl = await server.createDatabase();
    const args = ["migrate", "--from", fixture.dataDir, "--to", killedUrl, "--batch-files", "2", "--json"];
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
      cwd: repositoryRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const killed = await killAfterProgress(child, 5);
    expect(killed.signal).toBe("SIGKILL");
    const partial = await createPostgresStore({ url: killedUrl });
    const filesBefore = (await partial.stats()).files;
    await partial.close();
    expect(filesBefore).toBeGreaterThan(0);
    expect(filesBefore).toBeLessThan(126);

    const resumed = await runCliProcess(args);
    expect(resumed.stderr).not.toMatch(/unexpected/u);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as MigrationSummary;
    expect(summary.resumed).toBe(true);
    expect(summary.copied.files).toBe(126 - filesBefore);

    const cleanUrl = await server.createDatabase();
    const clean = await migrate(["--from", fixture.dataDir, "--to", cleanUrl, "--json"]);
    expect((JSON.parse(clean.stdout) as MigrationSummary).counts).toEqual(summary.counts);
    const [afterKill, uninterrupted] = await Promise.all(
      [killedUrl, cleanUrl].map((url) => createPostgresStore({ url })),
    );
    try {
      const { databaseBytes: _a, ...killedStats } = await (afterKill as Store).stats();
      const { databaseBytes: _b, ...cleanStats } = await (uninterrupted as Store).stats();
      expect(killedStats).toEqual(cleanStats);
      const query = { collection: "handbook", terms: ["harbour"], limit: 200 };
      const hits = await (afterKill as Store).searchBm25(query);
      expect(new Set(hits.map((hit) => hit.chunk.id)).size).toBe(hits.length);
      expect(hits.map((hit) => [hit.chunk.id, hit.score])).toEqual(
        (await (uninterrupted as Store).searchBm25(query)).map((hit) => [hit.chunk.id, hit.score]),
      );
    } finally {
      await afterKill?.close();
      await uninterrupted?.close();
    }
  });

  it("reads a data dir on read-only storage, as another user, without writing to it", async () => {
    if (process.getuid?.() !== 0) return;
    const url = await server.createDatabase();
    const modes = () =>
      Object.fromEntries(
        readdirSync(fixture.dataDir).map((name) => [name, statSync(join(fixture.dataDir, name)).mtimeMs]),
      );
    const before = modes();
    chmodSync(fixture.dir, 0o755);
    for (const name of readdirSync(fixture.dataDir)) chmodSync(join(fixture.dataDir, name), 0o444);
    chmodSync(fixture.dataDir, 0o555);
    try {
      const run = await runCliProcess(["migrate", "--from", fixture.dataDir, "--to", url, "--json"], {
        uid: 65534,
        gid: 65534,
      });
      expect(run.stderr).not.toMatch(/E_STORE/u);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ verified: true });
    } finally {
      chmodSync(fixture.dataDir, 0o755);
      for (const name of readdirSync(fixture.dataDir)) chmodSync(join(fixture.dataDir, name), 0o644);
    }
    expect(modes()).toEqual(before);
  });

  it("refuses a second migration into the same target while the first runs, and verifies nothing not migrated", async () => {
    const url = await server.createDatabase();
    const verifyFirst = await migrate(["--from", fixture.dataDir, "--to", url, "--verify-only"]);
    expect(verifyFirst.code).toBe(4);
    expect(verifyFirst.stderr).toMatch(
      /holds no migration to verify; run verity migrate without --verify-only first/u,
    );

    const args = ["migrate", "--from", fixture.dataDir, "--to", url, "--batch-files", "1", "--json"];
    const first = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
      cwd: repositoryRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const firstDone = new Promise<number | null>((resolve) => first.on("close", resolve));
    await new Promise<void>((resolve) => {
      first.stderr?.on("data", (data: Buffer) => {
        if (data.toString().includes("migrate: copying files")) resolve();
      });
    });
    const second = await migrate(["--from", fixture.dataDir, "--to", url]);
    expect(second.code).toBe(5);
    expect(second.stderr).toMatch(
      /another verity migrate is copying into .* right now; wait for it to finish/u,
    );
    expect(await firstDone).toBe(0);
    expect((await migrate(["--from", fixture.dataDir, "--to", url, "--verify-only"])).code).toBe(0);
  });

  it("refuses a target holding other data, saying what it holds", async () => {
    const url = await server.createDatabase();
    const other = await createPostgresStore({ url });
    await other.createCollection("someone-else");
    await other.close();
    const run = await migrate(["--from", fixture.dataDir, "--to", url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /E_INVALID_INPUT: .*already holds Verity data .*someone-else.*migrate into an empty database/u,
    );
  });

  it("says a folder that is not a data dir is not one, and a missing one is missing", async () => {
    const url = await server.createDatabase();
    const notData = await migrate(["--from", join(fixture.dir, "docs"), "--to", url]);
    expect(notData.code).toBe(2);
    expect(notData.stderr).toMatch(/is not a Verity data dir \(it holds no verity\.db\).*--from <dir>/u);
    const missing = await migrate(["--from", join(fixture.dir, "nowhere"), "--to", url]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/there is no data dir at/u);
  });
});

it("says a server that cannot be reached cannot be reached, never printing the password", async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "verity-migrate-unreachable-"));
  try {
    const store = createSqliteStore({ path: join(dir, "verity.db") });
    await store.createCollection("c");
    await store.close();
    const run = await migrate(["--from", dir, "--to", "postgres://someone:hunter2secret@127.0.0.1:1/verity"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      /cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/verity/u,
    );
    expect(run.stderr).toContain("--to <url>");
    expect(run.stderr + run.stdout).not.toContain("hunter2secret");
    const notUrl = await migrate(["--from", dir, "--to", "mysql://db/verity"]);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toMatch(/--to is not a postgres:\/\/ URL/u);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Kills the child with SIGKILL once it has reported `batches` batches on stderr. */
function killAfterProgress(
  child: ChildProcess,
  batches: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr?.on("data", (data: Buffer) => {
      stderr += data;
      const lines = stderr.split("\n").filter((line) => line.startsWith("migrate: copying files")).length;
      if (lines > batches && child.exitCode === null) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}
