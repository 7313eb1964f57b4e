// Many `verity` processes on one data dir, as a team or a server runs them: ingests and questions at
// once all finish, and a data dir that cannot be used (or a limit that makes no sense) ends in a clear
// error, never a stack trace. Real processes, spawned from source.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerity } from "../src/engine.js";
import type { StoreStats } from "../src/store/store.js";
import { type CliRun, repositoryRoot, runCliProcess } from "./support/cli-process.js";

type Run = CliRun;

/** Runs the CLI from source in its own process. */
const verity = (args: readonly string[]): Promise<Run> => runCliProcess(args);

/** What a run printed when it did not exit 0, so a failure shows why. */
const failures = (runs: readonly Run[]) =>
  runs.filter((run) => run.code !== 0).map((run) => `exit ${run.code}: ${run.stderr.slice(0, 400)}`);

const storeCounts = (stats: {
  store: Pick<StoreStats, "collections" | "files" | "documents" | "chunks">;
}) => ({
  collections: stats.store.collections,
  files: stats.store.files,
  documents: stats.store.documents,
  chunks: stats.store.chunks,
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-concurrency-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("many processes on one data dir", () => {
  it("three ingests and twenty questions at once all finish, leaving what one clean ingest leaves", async () => {
    const docs = join(dir, "lanterns");
    const folders = ["north", "east", "south"];
    for (const folder of folders) mkdirSync(join(docs, folder), { recursive: true });
    for (let index = 0; index < 450; index++) {
      writeFileSync(
        join(docs, folders[index % 3] as string, `lantern-${index}.md`),
        `# Lantern ${index}\n\nLantern ${index} is lit at dusk by keeper${index}. It burns oil from the harbour.\n`,
      );
    }
    writeFileSync(join(docs, "keepers.md"), "# Keepers\n\nEvery keeper trims the wick before dusk.\n");
    const dataDir = join(dir, "shared");
    // The collection exists before the questions come, so each of them has something to ask.
    expect(failures([await verity(["--data-dir", dataDir, "ingest", join(docs, "keepers.md")])])).toEqual([]);

    // Each ingest covers two of the three folders, so every file is stored by two processes racing.
    const ingests = folders.map((folder, index) =>
      verity([
        "--data-dir",
        dataDir,
        "ingest",
        join(docs, folder),
        join(docs, folders[(index + 1) % 3] as string),
        "--json",
      ]),
    );
    const questions = Array.from({ length: 20 }, (_, index) =>
      verity(["--data-dir", dataDir, "ask", `Who lights lantern ${index * 20}?`, "--json"]),
    );
    const ingestRuns = await Promise.all(ingests);
    const questionRuns = await Promise.all(questions);
    expect(failures([...ingestRuns, ...questionRuns])).toEqual([]);
    for (const run of ingestRuns) expect(JSON.parse(run.stdout)).toMatchObject({ files: 300, failed: 0 });
    for (const run of questionRuns)
      expect(["answered", "abstained"]).toContain(JSON.parse(run.stdout).status);

    const stats = JSON.parse((await verity(["--data-dir", dataDir, "stats", "--json"])).stdout);
    // Every answer was recorded: no ledger write lost to a busy ingest.
    expect(stats.answers.answers).toBe(20);
    expect(stats.jobs.map((job: { status: string }) => job.status)).toEqual(Array(4).fill("succeeded"));

    const clean = createVerity({ dataDir: join(dir, "clean") });
    try {
      await clean.ingest([join(docs, "keepers.md")]);
      await clean.ingest([docs]);
      expect(storeCounts(stats)).toEqual(storeCounts(await clean.stats()));
    } finally {
      await clean.close();
    }
  }, 120_000);

  it("two processes opening a brand-new data dir at once both succeed, every time", async () => {
    writeFileSync(join(dir, "first.md"), "# First\n\nThe first note.\n");
    writeFileSync(join(dir, "second.md"), "# Second\n\nThe second note.\n");
    for (let attempt = 0; attempt < 3; attempt++) {
      const dataDir = join(dir, `new-${attempt}`);
      const runs = await Promise.all([
        verity(["--data-dir", dataDir, "ingest", join(dir, "first.md"), "--json"]),
        verity(["--data-dir", dataDir, "ingest", join(dir, "second.md"), "--json"]),
        verity(["--data-dir", dataDir, "stats", "--json"]),
      ]);
      expect(failures(runs)).toEqual([]);
      const db = new Database(join(dataDir, "verity.db"), { readonly: true });
      try {
        expect(db.prepare("SELECT count(*) AS n FROM files").get()).toEqual({ n: 2 });
      } finally {
        db.close();
      }
    }
  }, 120_000);

  it("a process opening a data dir while another is creating it waits, then finds it ready", async () => {
    const dataDir = join(dir, "being-created");
    mkdirSync(dataDir);
    // Another process creates Verity's tables in a transaction it holds open for a while.
    const creator = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", creatingProcess, join(dataDir, "verity.db")],
      { cwd: repositoryRoot, stdio: ["ignore", "pipe", "inherit"] },
    );
    const created = new Promise<number | null>((resolve) => creator.on("close", resolve));
    await new Promise<void>((resolve, reject) => {
      creator.stdout.on("data", (data: Buffer) => data.includes("creating") && resolve());
      creator.on("close", () => reject(new Error("the creating process ended before it began")));
    });
    writeFileSync(join(dir, "waiting.md"), "# Waiting\n\nA note stored after the wait.\n");
    const run = await verity(["--data-dir", dataDir, "ingest", join(dir, "waiting.md"), "--json"]);
    expect(await created).toBe(0);
    expect(failures([run])).toEqual([]);
    expect(JSON.parse(run.stdout)).toMatchObject({ added: 1, failed: 0 });
  }, 60_000);
});

/** Runs Verity's migrations in a transaction that holds the write lock for two seconds. */
const creatingProcess = `
import Database from "better-sqlite3";
import { migrate } from "./src/store/sqlite/migrations.ts";
const path = process.argv[1];
const db = new Database(path);
db.pragma("journal_mode = WAL");
db.exec("BEGIN IMMEDIATE");
migrate(db, { path, readOnly: false });
process.stdout.write("creating\\n");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
db.exec("COMMIT");
db.close();
`;

describe("a data dir that cannot be used, or a limit that makes no sense", () => {
  const noStackTrace = (run: Run) => expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);

  it("refuses ask --limit 1e9 with the range it accepts", async () => {
    const dataDir = join(dir, "limit");
    writeFileSync(join(dir, "limit.md"), "# Limits\n\nA lantern has a limit of one flame.\n");
    expect((await verity(["--data-dir", dataDir, "ingest", join(dir, "limit.md")])).code).toBe(0);
    const run = await verity([
      "--data-dir",
      dataDir,
      "ask",
      "What limit does a lantern have?",
      "--limit",
      "1e9",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "E_INVALID_INPUT: a question retrieves from 1 to 1000 passages, not 1000000000",
    );
    noStackTrace(run);
  });

  it("says a --data-dir that is a file is not a folder, without a stack trace", async () => {
    const file = join(dir, "not-a-folder.txt");
    writeFileSync(file, "just a file\n");
    const run = await verity(["--data-dir", file, "ask", "anything?"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`E_STORE: the data dir ${file} is a file, not a folder`);
    expect(run.stderr).toContain("--data-dir");
    noStackTrace(run);
    expect(readFileSync(file, "utf8")).toBe("just a file\n");
  });

  it("says a database of random bytes is not a Verity database, what to do, and leaves it alone", async () => {
    const dataDir = join(dir, "garbage");
    mkdirSync(dataDir);
    const garbage = Buffer.from(Array.from({ length: 8192 }, (_, index) => (index * 7919 + 13) % 256));
    writeFileSync(join(dataDir, "verity.db"), garbage);
    const run = await verity(["--data-dir", dataDir, "list"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("is not a usable Verity database: it is not an SQLite database file");
    expect(run.stderr).toContain("Restore it from a backup, or move it aside");
    expect(run.stderr).not.toContain("permissions");
    noStackTrace(run);
    expect(readFileSync(join(dataDir, "verity.db")).equals(garbage)).toBe(true);
  });

  it("says a database cut short is damaged, and what to do", async () => {
    const dataDir = join(dir, "truncated");
    const many = join(dir, "many");
    mkdirSync(many);
    for (let index = 0; index < 200; index++) {
      writeFileSync(join(many, `note-${index}.md`), `# Note ${index}\n\n${"A line of text. ".repeat(40)}\n`);
    }
    expect((await verity(["--data-dir", dataDir, "ingest", many])).code).toBe(0);
    const path = join(dataDir, "verity.db");
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));
    const run = await verity(["--data-dir", dataDir, "ask", "What does a note say?"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("is not a usable Verity database: the file is cut short");
    expect(run.stderr).toContain("Restore it from a backup, or move it aside");
    noStackTrace(run);
  });
});
