// A data dir on read-only storage (a shipped or shared index): questions, listings and stats work,
// nothing is written, and every change is refused at once with an error that says what to do.
// Tests run as root here, where file modes do not stop writes, so the processes that must meet
// read-only storage run as `nobody`; the library is also tested with the store forced read-only.
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Embedder } from "../src/embed/embedder.js";
import { createVerity } from "../src/engine.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { type CliRun, runCliProcess } from "./support/cli-process.js";

const notRecorded = "not recorded in the ledger: the store is read-only";

let dir: string;
let docs: string;
/** A data dir written by a writable Verity and closed cleanly: no -wal or -shm file is left. */
let original: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-read-only-"));
  chmodSync(dir, 0o755); // `nobody` must reach the data dirs inside
  docs = join(dir, "docs");
  mkdirSync(docs);
  writeFileSync(join(docs, "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
  writeFileSync(join(docs, "travel.md"), "# Travel\n\nTrain tickets are refunded within 14 days.\n");
  original = join(dir, "original");
  const verity = createVerity({ dataDir: original });
  await verity.ingest([docs], { collection: "handbook" });
  await verity.ask("How many vacation days do new staff get?", { collection: "handbook" });
  await verity.close();
});

afterAll(() => {
  makeWritable(dir);
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of a data dir's files, so each test can make its own read-only. */
function copyDataDir(from: string, name: string, files = readdirSync(from)): string {
  const to = join(dir, name);
  mkdirSync(to);
  for (const file of files) copyFileSync(join(from, file), join(to, file));
  return to;
}

function makeReadOnly(path: string): void {
  for (const file of readdirSync(path)) chmodSync(join(path, file), 0o444);
  chmodSync(path, 0o555);
}

function makeWritable(path: string): void {
  if (!statSync(path).isDirectory()) {
    chmodSync(path, 0o644);
    return;
  }
  chmodSync(path, 0o755);
  for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

function checksum(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The CLI from source, as a user without write access (root ignores file modes). */
function verityAsReader(args: readonly string[]): Promise<CliRun> {
  return runCliProcess(args, process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {});
}

describe("a store opened read-only", () => {
  it("answers, lists and reports stats, and records nothing", async () => {
    const dataDir = copyDataDir(original, "forced");
    const before = checksum(join(dataDir, "verity.db"));
    const store = createSqliteStore({ path: join(dataDir, "verity.db"), readOnly: true });
    const verity = createVerity({ store });
    try {
      expect(store.readOnly).toBe(true);
      const answer = await verity.ask("How many vacation days do new staff get?", { collection: "handbook" });
      expect(answer.status).toBe("answered");
      expect(answer.trace.warnings).toEqual([notRecorded]);
      expect(await verity.listDocuments("handbook")).toHaveLength(2);
      expect(await verity.stats()).toMatchObject({ store: { documents: 2 }, answers: { answers: 1 } });
    } finally {
      await verity.close();
    }
    expect(checksum(join(dataDir, "verity.db"))).toBe(before);
  });

  it("refuses ingest, remove and reindex at once with E_STORE, and stores nothing", async () => {
    const dataDir = copyDataDir(original, "refusing");
    const before = checksum(join(dataDir, "verity.db"));
    const verity = createVerity({
      store: createSqliteStore({ path: join(dataDir, "verity.db"), readOnly: true }),
    });
    const readOnlyError = {
      code: "E_STORE",
      option: "dataDir",
      message: expect.stringMatching(
        /is read-only \(it was opened with readOnly\).*Make the data dir and verity.db writable/,
      ),
    };
    let embedded = 0;
    const embedder: Embedder = {
      provider: "test",
      model: "never-called",
      dimensions: 4,
      maxBatchSize: 8,
      async doEmbed({ texts }) {
        embedded += texts.length;
        return { embeddings: texts.map(() => new Float32Array([1, 0, 0, 0])) };
      },
    };
    try {
      writeFileSync(join(docs, "new.md"), "# New\n\nA note that must not be stored.\n");
      await expect(verity.ingest([join(docs, "new.md")], { collection: "handbook" })).rejects.toMatchObject(
        readOnlyError,
      );
      await expect(verity.remove(join(docs, "leave.md"), "handbook")).rejects.toThrow(
        expect.objectContaining(readOnlyError),
      );
      await expect(verity.reindex({ collection: "handbook", embedder })).rejects.toMatchObject(readOnlyError);
      expect(embedded).toBe(0);
      expect(await verity.listDocuments("handbook")).toHaveLength(2);
      expect((await verity.stats()).jobs).toHaveLength(1);
    } finally {
      await verity.close();
      rmSync(join(docs, "new.md"));
    }
    expect(checksum(join(dataDir, "verity.db"))).toBe(before);
  });

  it("reads the changes still held in a write-ahead log left by a process that did not close", async () => {
    const live = join(dir, "live");
    const writer = createSqliteStore({ path: join(live, "verity.db") });
    await writer.putFile({
      collection: "handbook",
      path: "/late.md",
      contentHash: "h",
      size: 1,
      mediaType: "text/markdown",
      documents: [
        {
          source: "/late.md",
          title: "Late",
          mediaType: "text/markdown",
          text: "A late note about lanterns.",
          size: 1,
          chunks: [
            { ordinal: 0, text: "A late note about lanterns.", location: { charStart: 0, charEnd: 27 } },
          ],
        },
      ],
    });
    // Copied while the writer is still open, as a crash would leave them.
    expect(existsSync(join(live, "verity.db-wal"))).toBe(true);
    const copy = copyDataDir(live, "crashed");
    await writer.close();
    const reader = createSqliteStore({ path: join(copy, "verity.db"), readOnly: true });
    try {
      expect(await reader.searchBm25({ collection: "handbook", terms: ["lanterns"], limit: 5 })).toHaveLength(
        1,
      );
    } finally {
      await reader.close();
    }
  });
});

describe("a data dir on read-only storage", () => {
  it("serves ask, list and stats from a cleanly closed database", async () => {
    expect(readdirSync(original)).toEqual(["verity.db"]);
    const dataDir = copyDataDir(original, "shipped");
    makeReadOnly(dataDir);
    const asked = await verityAsReader([
      "--data-dir",
      dataDir,
      "ask",
      "How many vacation days do new staff get?",
      "--collection",
      "handbook",
      "--json",
    ]);
    expect(asked.stderr).toBe("");
    expect(asked.code).toBe(0);
    const answer = JSON.parse(asked.stdout);
    expect(answer.status).toBe("answered");
    expect(answer.trace.warnings).toEqual([notRecorded]);
    const listed = await verityAsReader(["--data-dir", dataDir, "list", "--json"]);
    expect(JSON.parse(listed.stdout)).toHaveLength(2);
    const stats = await verityAsReader(["--data-dir", dataDir, "stats", "--json"]);
    expect(JSON.parse(stats.stdout)).toMatchObject({ store: { documents: 2 }, answers: { answers: 1 } });
    expect(readdirSync(dataDir)).toEqual(["verity.db"]);
  });

  it("refuses ingest and remove at once, saying the store is read-only and what to do", async () => {
    const dataDir = copyDataDir(original, "refused");
    makeReadOnly(dataDir);
    const before = checksum(join(dataDir, "verity.db"));
    for (const command of [
      ["ingest", docs, "--collection", "handbook"],
      ["remove", join(docs, "leave.md"), "--collection", "handbook"],
    ]) {
      const run = await verityAsReader(["--data-dir", dataDir, ...command]);
      expect(run.code).toBe(5);
      expect(run.stderr).toMatch(
        /^verity: E_STORE: the Verity database at .* is read-only \(verity\.db is not writable\)/,
      );
      expect(run.stderr).toContain("Make the data dir and verity.db writable, or use a writable copy");
    }
    expect(checksum(join(dataDir, "verity.db"))).toBe(before);
  });

  it("reads a database whose write-ahead log and its index were left behind", async () => {
    const live = join(dir, "left-behind");
    const writer = createVerity({ dataDir: live });
    await writer.ingest([docs], { collection: "handbook" });
    const dataDir = copyDataDir(live, "left-behind-copy", ["verity.db", "verity.db-wal", "verity.db-shm"]);
    await writer.close();
    makeReadOnly(dataDir);
    const run = await verityAsReader(["--data-dir", dataDir, "list", "--json"]);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toHaveLength(2);
  });

  it("says how to fold in a write-ahead log that cannot be read without its index", async () => {
    const live = join(dir, "no-index");
    const writer = createVerity({ dataDir: live });
    await writer.ingest([docs], { collection: "handbook" });
    const dataDir = copyDataDir(live, "no-index-copy", ["verity.db", "verity.db-wal"]);
    await writer.close();
    makeReadOnly(dataDir);
    const run = await verityAsReader(["--data-dir", dataDir, "list"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("with changes still in verity.db-wal");
    expect(run.stderr).toContain("open the data dir once where it is writable");
  });
});
