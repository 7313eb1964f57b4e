// The CLI in-process: output formats, the JSON contract of `ask --json`, exit codes.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import { Capture } from "./support/capture.js";

let dir: string;

async function cli(args: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = new Capture(options.tty);
  const stderr = new Capture(options.tty);
  const code = await runCli(args, { stdout, stderr, env: options.env ?? {}, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-cli-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(
    join(dir, "docs", "plans.md"),
    "# Plans\n\n## Team plan\n\nThe Team plan costs $8 per user per month, billed annually.\n\n## Free plan\n\nThe Free plan includes 3 notebooks.",
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("verity CLI", () => {
  it("ingest prints one JSON summary line when stdout is not a terminal", async () => {
    const result = await cli(["ingest", "docs"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ added: 1, failed: 0, collection: "default" });
  });

  it("ingest shows a progress bar and a readable summary on a terminal", async () => {
    const result = await cli(["ingest", "docs"], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/ingesting \[.*\] 100% \| 1\/1 files/);
    expect(result.stdout).toMatch(/^Ingested into "default": 1 added, 0 updated, 0 unchanged, 0 failed/);
  });

  it("ask --json prints one object that follows the documented contract", async () => {
    await cli(["ingest", "docs", "--collection", "help"]);
    const result = await cli([
      "ask",
      "How much does the Team plan cost per user?",
      "--collection",
      "help",
      "--json",
    ]);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(Object.keys(answer).sort()).toEqual(["abstention", "question", "sentences", "status", "trace"]);
    expect(answer.status).toBe("answered");
    expect(answer.abstention).toBeNull();
    const citation = answer.sentences[0].citations[0];
    expect(Object.keys(citation).sort()).toEqual(["chunkId", "documentId", "location", "quote", "source"]);
    expect(citation.quote).toBe("The Team plan costs $8 per user per month, billed annually.");
    expect(citation.location.headingPath).toEqual(["Plans", "Team plan"]);
    expect(answer.sentences[0].text).toBe(citation.quote);
    expect(answer.trace).toMatchObject({ answerer: "extractive", collection: "help" });
    for (const key of ["retrievalMs", "totalMs"]) expect(typeof answer.trace[key]).toBe("number");
  });

  it("the quoted text is exactly the cited span of the stored document", async () => {
    await cli(["ingest", "docs"]);
    const answer = JSON.parse(
      (await cli(["ask", "How many notebooks does the Free plan include?", "--json"])).stdout,
    );
    const { location, quote, documentId } = answer.sentences[0].citations[0];
    const { createVerity } = await import("../src/engine.js");
    const verity = createVerity({ dataDir: join(dir, ".verity") });
    const text = (await verity.store.getDocumentText(documentId)) ?? "";
    await verity.close();
    expect(text.slice(location.charStart, location.charEnd)).toBe(quote);
  });

  it("ask --json abstains with a reason and the closest sources", async () => {
    await cli(["ingest", "docs"]);
    const answer = JSON.parse(
      (await cli(["ask", "What is the phone number of the Berlin office?", "--json"])).stdout,
    );
    expect(answer.status).toBe("abstained");
    expect(answer.sentences).toEqual([]);
    expect(["no_relevant_sources", "unsupported_by_sources"]).toContain(answer.abstention.reason);
    expect(typeof answer.abstention.detail).toBe("string");
    expect(Array.isArray(answer.abstention.closestSources)).toBe(true);
  });

  it("ask prints cited sentences for people", async () => {
    await cli(["ingest", "docs"]);
    const result = await cli(["ask", "How much does the Team plan cost per user?"]);
    expect(result.stdout).toContain("The Team plan costs $8 per user per month, billed annually. [1]");
    expect(result.stdout).toMatch(/\[1\] docs\/plans\.md \(Plans › Team plan, chars \d+–\d+\)/);
  });

  it("exits non-zero with a summary when a file fails, after ingesting the rest", async () => {
    writeFileSync(join(dir, "docs", "empty.txt"), "");
    const result = await cli(["ingest", "docs"]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ added: 1, failed: 1 });
    expect(summary.errors[0].error.code).toBe("E_EMPTY");
  });

  it("uses VERITY_DATA_DIR, and --data-dir over it", async () => {
    await cli(["ingest", "docs"], { env: { VERITY_DATA_DIR: join(dir, "env-store") } });
    const fromEnv = await cli(["list", "--json"], { env: { VERITY_DATA_DIR: join(dir, "env-store") } });
    expect(JSON.parse(fromEnv.stdout)).toHaveLength(1);
    const fromFlag = await cli(["--data-dir", join(dir, "other"), "list", "--json"], {
      env: { VERITY_DATA_DIR: join(dir, "env-store") },
    });
    expect(JSON.parse(fromFlag.stdout)).toHaveLength(0);
  });

  it("list, stats and remove work together", async () => {
    await cli(["ingest", "docs"]);
    expect((await cli(["list"])).stdout).toContain("docs/plans.md");
    expect(JSON.parse((await cli(["stats", "--json"])).stdout).store).toMatchObject({ documents: 1 });
    const removed = await cli(["remove", "docs/plans.md"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain("removed docs/plans.md (1 document)");
    expect(JSON.parse((await cli(["list", "--json"])).stdout)).toEqual([]);
  });

  it("gives a clear error and exit code for an unknown collection, an empty question and a bad flag", async () => {
    await cli(["ingest", "docs"]);
    const unknown = await cli(["ask", "anything", "--collection", "nope"]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/E_NOT_FOUND: collection "nope" does not exist/);
    const empty = await cli(["ask", "   "]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/question is empty/);
    const badFlag = await cli(["ingest", "docs", "--chunk-size", "-5"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/chunk-size/);
  });

  it("names the command-line flag beside the library option an error asks for", async () => {
    await cli(["ingest", "docs"]);
    const result = await cli(["reindex"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/E_INVALID_INPUT: re-embedding needs an embedder; pass 'embedder'/u);
    expect(result.stderr).toContain("(command line: --embedder <spec>)");
  });

  it("ingest --tokenizer cjk makes a new collection's Chinese text answerable", async () => {
    writeFileSync(
      join(dir, "docs", "tea.md"),
      "# 茶\n\n唐代陆羽撰写了《茶经》，这是世界上第一部关于茶的专著。\n",
    );
    expect((await cli(["ingest", "docs", "--collection", "zh", "--tokenizer", "cjk"])).code).toBe(0);
    const answer = JSON.parse(
      (await cli(["ask", "谁撰写了《茶经》？", "--collection", "zh", "--json"])).stdout,
    );
    expect(answer.status).toBe("answered");
    expect(answer.sentences[0].text).toContain("陆羽");
    const refused = await cli(["ingest", "docs", "--tokenizer", "klingon"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/default, cjk/u);
  });

  it("ingest follows a link out of the folder only with --follow-symlinks", async () => {
    const outside = join(dir, "outside");
    mkdirSync(outside);
    writeFileSync(
      join(outside, "hotel.md"),
      "# Hotels\n\nHotel stays are refunded up to 150 euros a night.\n",
    );
    symlinkSync(outside, join(dir, "docs", "linked"), "dir");
    const plain = JSON.parse((await cli(["ingest", "docs", "--collection", "one"])).stdout);
    expect(plain).toMatchObject({ files: 1, failed: 0 });
    const followed = JSON.parse(
      (await cli(["ingest", "docs", "--collection", "two", "--follow-symlinks"])).stdout,
    );
    expect(followed).toMatchObject({ files: 2, added: 2 });
  });
});
