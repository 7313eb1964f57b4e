// Keeping a collection in step with its folders: files that are gone are reported and, when asked,
// pruned; `watch` follows additions, changes and deletions; files that are partly unusable are
// stored with what could be read and say what could not.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import { createVerity, type Verity } from "../src/engine.js";
import type { IngestSummary } from "../src/ingest/pipeline.js";
import { Capture } from "./support/capture.js";
import { repositoryRoot } from "./support/cli-process.js";

let dir: string;
let docs: string;
let verity: Verity;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "verity-sync-")));
  docs = join(dir, "docs");
  mkdirSync(join(docs, "old"), { recursive: true });
  writeFileSync(join(docs, "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
  writeFileSync(
    join(docs, "old", "hotels.md"),
    "# Hotels\n\nHotel stays are refunded up to 150 euros a night.\n",
  );
  verity = createVerity({ dataDir: join(dir, "data") });
});

afterEach(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

const files = async () => (await verity.listDocuments("handbook")).map((document) => document.file);

describe("files that are gone", () => {
  it("are reported when their folder is ingested again, and kept", async () => {
    await verity.ingest([docs], { collection: "handbook" });
    unlinkSync(join(docs, "old", "hotels.md"));
    const summary = await verity.ingest([docs], { collection: "handbook" });
    expect(summary).toMatchObject({ gone: [join(docs, "old", "hotels.md")], pruned: 0, failed: 0 });
    expect(await files()).toContain(join(docs, "old", "hotels.md"));
  });

  it("are removed with everything derived from them when pruning, a deleted folder's too", async () => {
    writeFileSync(join(docs, "old", "taxis.md"), "# Taxis\n\nTaxis are refunded after 10 pm.\n");
    await verity.ingest([docs], { collection: "handbook" });
    rmSync(join(docs, "old"), { recursive: true });
    const summary = await verity.ingest([docs], { collection: "handbook", prune: true });
    expect(summary.gone.sort()).toEqual([join(docs, "old", "hotels.md"), join(docs, "old", "taxis.md")]);
    expect(summary.pruned).toBe(2);
    expect(await files()).toEqual([join(docs, "leave.md")]);
    const answer = await verity.ask("How much are hotel stays refunded?", { collection: "handbook" });
    expect(
      answer.sentences.flatMap((sentence) => sentence.citations.map((citation) => citation.source)),
    ).toEqual([]);
  });

  it("are only looked for under the paths named in this ingest", async () => {
    await verity.ingest([join(docs, "old")], { collection: "handbook" });
    await verity.ingest([join(docs, "leave.md")], { collection: "handbook" });
    unlinkSync(join(docs, "old", "hotels.md"));
    const summary = await verity.ingest([join(docs, "leave.md")], { collection: "handbook", prune: true });
    expect(summary).toMatchObject({ gone: [], pruned: 0 });
    expect(await files()).toContain(join(docs, "old", "hotels.md"));
  });
});

describe("files partly unusable", () => {
  it("store their good JSONL records, with status partial and every bad line named", async () => {
    const records = [
      JSON.stringify({ _id: "1", text: "Parking is free for staff." }),
      "{broken",
      JSON.stringify({ _id: "2", text: "Bicycles are stored in the basement." }),
      JSON.stringify({ title: "no id", text: "Lost." }),
    ];
    writeFileSync(join(docs, "faq.jsonl"), records.join("\n"));
    const summary = await verity.ingest([join(docs, "faq.jsonl")], { collection: "handbook" });
    expect(summary).toMatchObject({ partial: 1, failed: 0, documents: 2 });
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]).toMatchObject({ status: "partial", problemCount: 2 });
    expect(summary.errors[0]?.problems?.map((problem) => problem.line)).toEqual([2, 4]);
    const answer = await verity.ask("Where are bicycles stored?", { collection: "handbook" });
    expect(answer.sentences[0]?.text).toBe("Bicycles are stored in the basement.");
  });

  it("through the CLI: the summary names each bad line and the exit code is 1", async () => {
    writeFileSync(
      join(docs, "faq.jsonl"),
      `${JSON.stringify({ _id: "1", text: "Parking is free." })}\n{oops\n`,
    );
    const stdout = new Capture(true);
    const stderr = new Capture(true);
    const code = await runCli(["--data-dir", join(dir, "cli"), "ingest", join(docs, "faq.jsonl")], {
      stdout,
      stderr,
      env: {},
      cwd: dir,
    });
    expect(code).toBe(1);
    expect(stdout.text).toMatch(/0 failed, 1 partial/u);
    expect(stdout.text).toMatch(
      /! docs\/faq\.jsonl: stored without 1 unusable part:\n\s+E_CORRUPT .*line 2: not valid JSON/u,
    );
  });

  it("a loader's warning reaches the summary (HTML nested too deep for Readability)", async () => {
    const depth = 2000;
    writeFileSync(
      join(docs, "deep.html"),
      `<html><body>${"<div>".repeat(depth)}<p>Deep text survives.</p>${"</div>".repeat(depth)}</body></html>`,
    );
    const summary = await verity.ingest([join(docs, "deep.html")], { collection: "handbook" });
    expect(summary.failed).toBe(0);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]?.warnings?.[0]).toMatch(/nest/u);
  });

  it("a Markdown file too large for the Markdown parser is read as plain text, with a warning", async () => {
    const line = "2026-12-07T10:00:00Z INFO worker 7 finished job 1234 in 87 ms\n";
    writeFileSync(join(docs, "log.md"), line.repeat(Math.ceil((16 * 1024 * 1024) / line.length)));
    const summary = await verity.ingest([join(docs, "log.md")], { collection: "handbook" });
    expect(summary).toMatchObject({ failed: 0, added: 1 });
    expect(summary.warnings[0]?.warnings).toEqual(["too large for Markdown parsing; read as plain text"]);
  }, 120_000);
});

describe("watch", () => {
  it("follows additions, changes and deletions until closed, ignoring excluded files", async () => {
    const synced: IngestSummary[] = [];
    const watcher = await verity.watch([docs], {
      collection: "handbook",
      exclude: ["**/drafts/**"],
      debounceMs: 100,
      onSync: (summary) => synced.push(summary),
    });
    try {
      expect(synced[0]).toMatchObject({ added: 2 });
      writeFileSync(join(docs, "parking.md"), "# Parking\n\nParking is free for staff.\n");
      mkdirSync(join(docs, "drafts"));
      writeFileSync(join(docs, "drafts", "secret.md"), "# Draft\n\nNot ready.\n");
      await vi.waitFor(async () => expect(await files()).toContain(join(docs, "parking.md")), {
        timeout: 10_000,
      });
      writeFileSync(join(docs, "leave.md"), "# Leave\n\nNew staff get 30 vacation days a year.\n");
      await vi.waitFor(
        async () => {
          const answer = await verity.ask("How many vacation days do new staff get?", {
            collection: "handbook",
          });
          expect(answer.sentences[0]?.text).toContain("30 vacation days");
        },
        { timeout: 10_000 },
      );
      unlinkSync(join(docs, "old", "hotels.md"));
      await vi.waitFor(async () => expect(await files()).not.toContain(join(docs, "old", "hotels.md")), {
        timeout: 10_000,
      });
      expect(await files()).not.toContain(join(docs, "drafts", "secret.md"));
    } finally {
      await watcher.close();
    }
    // Closed: nothing changes any more.
    const after = await files();
    writeFileSync(join(docs, "late.md"), "# Late\n\nToo late.\n");
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await files()).toEqual(after);
  }, 40_000);

  it("the CLI's ingest --watch prints a summary per change and exits 0 on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "--data-dir",
        join(dir, "watched"),
        "ingest",
        docs,
        "--watch",
        "--json",
      ],
      { cwd: repositoryRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    const summaries: IngestSummary[] = [];
    let stderr = "";
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) summaries.push(JSON.parse(line) as IngestSummary);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(summaries).toHaveLength(1), { timeout: 20_000 });
      expect(summaries[0]).toMatchObject({ added: 2, failed: 0 });
      writeFileSync(join(docs, "parking.md"), "# Parking\n\nParking is free for staff.\n");
      await vi.waitFor(() => expect(summaries).toHaveLength(2), { timeout: 20_000 });
      expect(summaries[1]).toMatchObject({ added: 1 });
      unlinkSync(join(docs, "leave.md"));
      await vi.waitFor(() => expect(summaries).toHaveLength(3), { timeout: 20_000 });
      expect(summaries[2]).toMatchObject({ gone: [join(docs, "leave.md")], pruned: 1 });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
  }, 60_000);
});
