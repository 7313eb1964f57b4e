// Choosing PostgreSQL instead of the embedded store: --database-url, VERITY_DATABASE_URL or the config
// file's databaseUrl, checked before anything opens; and the CLI end to end on a real PostgreSQL 15
// (test/support/postgres-server.ts), where nothing is written to the embedded database.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveVerityOptions } from "../src/resolve-options.js";
import { runCliProcess } from "./support/cli-process.js";
import { type PostgresServer, startPostgresServer } from "./support/postgres-server.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-database-url-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the database URL", () => {
  it("comes from the flag, else the config file, else VERITY_DATABASE_URL", async () => {
    const config = join(dir, "verity.json");
    writeFileSync(config, JSON.stringify({ databaseUrl: "postgres://verity@db.internal/file" }));
    const env = { VERITY_DATABASE_URL: "postgres://verity@db.internal/env" };
    expect(
      (await resolveVerityOptions({ databaseUrl: "postgresql://verity@db/flag", config, env, cwd: dir }))
        .databaseUrl,
    ).toBe("postgresql://verity@db/flag");
    expect((await resolveVerityOptions({ config, env, cwd: dir })).databaseUrl).toBe(
      "postgres://verity@db.internal/file",
    );
    expect((await resolveVerityOptions({ env, cwd: dir })).databaseUrl).toBe(
      "postgres://verity@db.internal/env",
    );
    expect((await resolveVerityOptions({ env: {}, cwd: dir })).databaseUrl).toBeUndefined();
  });

  it("refuses a URL that is not postgres://, and a password in the config file, without repeating it", async () => {
    await expect(
      resolveVerityOptions({ databaseUrl: "mysql://root:hunter2@db/verity", env: {}, cwd: dir }),
    ).rejects.toMatchObject({
      code: "E_CONFIG",
      option: "databaseUrl",
      message: expect.not.stringContaining("hunter2"),
    });
    const config = join(dir, "verity.json");
    writeFileSync(config, JSON.stringify({ databaseUrl: "postgres://verity:hunter2@db/verity" }));
    const refused = resolveVerityOptions({ config, env: {}, cwd: dir });
    await expect(refused).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("PGPASSWORD"),
    });
    await expect(refused).rejects.toMatchObject({ message: expect.not.stringContaining("hunter2") });
  });
});

describe("the CLI on PostgreSQL 15", { tags: ["postgresql"] }, () => {
  let server: Promise<PostgresServer> | undefined;
  afterAll(async () => {
    if (server !== undefined) await (await server).stop();
  });

  it("ingests, lists and answers with everything kept in PostgreSQL, and nothing in the data dir's database", async () => {
    server ??= startPostgresServer();
    const url = await (await server).createDatabase();
    const docs = join(dir, "docs");
    mkdirSync(docs);
    writeFileSync(join(docs, "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
    writeFileSync(join(docs, "parking.md"), "# Parking\n\nParking is free for staff.\n");
    const dataDir = join(dir, "data");
    const base = ["--data-dir", dataDir, "--database-url", url];

    const ingest = await runCliProcess([...base, "ingest", docs, "--collection", "handbook", "--json"]);
    expect(ingest.stderr).toBe("");
    expect(JSON.parse(ingest.stdout)).toMatchObject({ added: 2, failed: 0 });
    const again = await runCliProcess([...base, "ingest", docs, "--collection", "handbook", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, unchanged: 2 });

    const list = await runCliProcess([...base, "list", "--json"]);
    expect(
      (JSON.parse(list.stdout) as { source: string }[]).map((document) => document.source).sort(),
    ).toEqual([join(docs, "leave.md"), join(docs, "parking.md")]);
    const ask = await runCliProcess([
      ...base,
      "ask",
      "How many vacation days do new staff get?",
      "--collection",
      "handbook",
      "--json",
    ]);
    const answer = JSON.parse(ask.stdout) as { status: string; sentences: { text: string }[] };
    expect(answer.status).toBe("answered");
    expect(answer.sentences[0]?.text).toContain("25 vacation days");
    const stats = JSON.parse((await runCliProcess([...base, "stats", "--json"])).stdout);
    expect(stats).toMatchObject({
      store: { documents: 2, bm25Ranking: "postgres_bm25" },
      answers: { answers: 1 },
    });
    expect(existsSync(join(dataDir, "verity.db"))).toBe(false);
  });

  it("names the database and the fix when the server cannot be reached, never the password", async () => {
    const result = await runCliProcess([
      "--data-dir",
      join(dir, "data"),
      "--database-url",
      "postgres://verity:hunter2@127.0.0.1:1/verity",
      "list",
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/E_STORE/);
    expect(result.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(result.stderr).not.toContain("hunter2");
  });
});
