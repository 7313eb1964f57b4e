// A folder ingestion killed with SIGKILL part-way, then run again, leaves every file present exactly once.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createVerity } from "../src/engine.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const fileCount = 3000;

function countDocuments(dbPath: string): number {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM documents").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet, or mid-migration
  }
}

describe("killed ingestion", () => {
  const dir = mkdtempSync(join(tmpdir(), "verity-kill-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resumes to a consistent store with every file exactly once", async () => {
    const docs = join(dir, "docs");
    mkdirSync(docs);
    for (let index = 0; index < fileCount; index++) {
      writeFileSync(
        join(docs, `note-${String(index).padStart(4, "0")}.md`),
        `# Note ${index}\n\nThis note mentions marker${index} and a few ordinary words about lanterns.\n`,
      );
    }
    const dataDir = join(dir, ".verity");
    const dbPath = join(dataDir, "verity.db");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "--data-dir", dataDir, "ingest", docs, "--json"],
      {
        cwd: root,
        stdio: "ignore",
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    let seenAtKill = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      seenAtKill = countDocuments(dbPath);
      if (seenAtKill >= 100) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const afterKill = countDocuments(dbPath);
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(fileCount); // it really was killed part-way

    const verity = createVerity({ dataDir });
    try {
      expect((await verity.stats()).jobs[0]?.status).toBe("interrupted");
      const summary = await verity.ingest([docs]);
      expect(summary.failed).toBe(0);
      expect(summary.unchanged).toBeGreaterThanOrEqual(afterKill);
      expect(summary.added + summary.unchanged).toBe(fileCount);
      const documents = await verity.listDocuments();
      expect(documents).toHaveLength(fileCount);
      expect(new Set(documents.map((document) => document.source)).size).toBe(fileCount);
      expect(documents.every((document) => document.chunkCount === 1)).toBe(true);
      for (const index of [0, afterKill - 1, afterKill, fileCount - 1]) {
        const hits = await verity.store.searchBm25({
          collection: "default",
          terms: [`marker${index}`],
          limit: 5,
        });
        expect(hits, `marker${index}`).toHaveLength(1);
      }
      expect((await verity.stats()).store.chunks).toBe(fileCount);
    } finally {
      await verity.close();
    }
  }, 120_000);
});
