// Access groups at ingestion: given for everything ingested, or by folder rules whose globs are
// relative to the folder named; changed on a re-ingest of unchanged bytes without chunking again; kept
// by `watch` for files that arrive later; set from the command line with --group and --group-rule.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import type { Access } from "../src/core/access.js";
import { createVerity, type Verity } from "../src/engine.js";
import { Capture } from "./support/capture.js";

let dir: string;
let docs: string;
let verity: Verity;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "verity-groups-")));
  docs = join(dir, "docs");
  mkdirSync(join(docs, "hr", "pay"), { recursive: true });
  writeFileSync(join(docs, "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
  writeFileSync(join(docs, "hr", "reviews.md"), "# Reviews\n\nSalary reviews happen every March.\n");
  writeFileSync(join(docs, "hr", "pay", "salaries.md"), "# Salaries\n\nThe top salary is 900000 euros.\n");
  writeFileSync(
    join(docs, "records.jsonl"),
    '{"_id":"r1","text":"Record one is public."}\n{"_id":"r2","text":"Record two is public too."}\n',
  );
  verity = createVerity({ dataDir: join(dir, "data") });
});

afterEach(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each stored document's path below `docs` (with its record id) and groups. */
async function groupsByPath(): Promise<Record<string, string[]>> {
  return Object.fromEntries(
    (await verity.listDocuments("handbook")).map((document) => [
      document.source.slice(docs.length + 1),
      document.groups,
    ]),
  );
}

const noGroup: Access = { collections: "*", groups: [] };

describe("groups for everything ingested", () => {
  it("gives every document of every file the groups, JSONL records included", async () => {
    await verity.ingest([docs], { collection: "handbook", groups: ["staff", "hr"] });
    expect(new Set(Object.values(await groupsByPath()).map((groups) => groups.join(",")))).toEqual(
      new Set(["hr,staff"]),
    );
    expect(Object.keys(await groupsByPath())).toContain("records.jsonl#r2");
    expect(await verity.listDocuments("handbook", noGroup)).toEqual([]);
  });
});

describe("folder rules", () => {
  it("match paths relative to the folder named, adding to the groups given for everything", async () => {
    await verity.ingest([docs], {
      collection: "handbook",
      groups: ["staff"],
      groupRules: [
        { match: "hr/**", groups: ["hr"] },
        { match: "hr/pay/*.md", groups: ["payroll"] },
      ],
    });
    expect(await groupsByPath()).toMatchObject({
      "leave.md": ["staff"],
      "hr/reviews.md": ["hr", "staff"],
      "hr/pay/salaries.md": ["hr", "payroll", "staff"],
    });
  });

  it("are relative to each folder named, not to where the command runs", async () => {
    await verity.ingest([join(docs, "hr")], {
      collection: "handbook",
      groupRules: [{ match: "pay/**", groups: ["payroll"] }],
    });
    expect(await groupsByPath()).toEqual({ "hr/reviews.md": [], "hr/pay/salaries.md": ["payroll"] });
  });

  it("do not apply to a file named on its own", async () => {
    await verity.ingest([join(docs, "hr", "reviews.md")], {
      collection: "handbook",
      groupRules: [{ match: "**", groups: ["hr"] }],
    });
    expect(await groupsByPath()).toEqual({ "hr/reviews.md": [] });
  });

  it("refuse a rule with no glob or no group, and a group that is not a plain name", async () => {
    const ingest = (options: Parameters<Verity["ingest"]>[1]) =>
      verity.ingest([docs], { collection: "handbook", ...options });
    await expect(ingest({ groupRules: [{ match: "", groups: ["hr"] }] })).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      option: "groupRules",
    });
    await expect(ingest({ groupRules: [{ match: "hr/**", groups: [] }] })).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      option: "groupRules",
      message: expect.stringContaining("names no group"),
    });
    await expect(ingest({ groups: ["hr, finance"] })).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      option: "groups",
    });
    expect(await verity.listDocuments()).toEqual([]);
  });
});

describe("changing groups on a re-ingest", () => {
  it("updates an unchanged file's groups without chunking it again, and takes effect at once", async () => {
    await verity.ingest([docs], { collection: "handbook" });
    const reviews = await verity.getDocument(join(docs, "hr", "reviews.md"), { collection: "handbook" });
    const chunks = await verity.getChunks(reviews?.id as string);
    expect(await verity.getDocument(reviews?.id as string, { access: noGroup })).toBeDefined();

    const summary = await verity.ingest([docs], {
      collection: "handbook",
      groupRules: [{ match: "hr/**", groups: ["hr"] }],
    });
    expect(summary).toMatchObject({ updated: 2, unchanged: 2, chunks: 0 });
    expect(summary.errors).toEqual([]);
    expect(await verity.getChunks(reviews?.id as string)).toEqual(chunks);
    expect(await verity.getDocument(reviews?.id as string, { access: noGroup })).toBeUndefined();
    const search = await verity.search("When are salary reviews?", {
      collection: "handbook",
      access: noGroup,
    });
    expect(search.passages.map((passage) => passage.documentId)).not.toContain(reviews?.id);
  });

  it("leaves a file whose bytes and groups are both unchanged unchanged", async () => {
    const options = { collection: "handbook", groupRules: [{ match: "hr/**", groups: ["hr"] }] };
    await verity.ingest([docs], options);
    expect(await verity.ingest([docs], options)).toMatchObject({ updated: 0, unchanged: 4 });
  });

  it("takes the groups away again when the rule is dropped", async () => {
    await verity.ingest([docs], { collection: "handbook", groups: ["hr"] });
    await verity.ingest([docs], { collection: "handbook" });
    expect(await verity.listDocuments("handbook", noGroup)).toHaveLength(5);
  });
});

describe("watching a folder", () => {
  it("gives files that arrive later the groups of the rules, relative to the folder watched", async () => {
    const watcher = await verity.watch([docs], {
      collection: "handbook",
      groupRules: [{ match: "hr/**", groups: ["hr"] }],
      debounceMs: 50,
    });
    try {
      writeFileSync(join(docs, "hr", "pay", "bonus.md"), "# Bonus\n\nBonuses are paid in June.\n");
      await vi.waitFor(async () => expect((await groupsByPath())["hr/pay/bonus.md"]).toEqual(["hr"]), {
        timeout: 20_000,
      });
      expect((await groupsByPath())["leave.md"]).toEqual([]);
    } finally {
      await watcher.close();
    }
  });
});

describe("the command line", () => {
  async function cli(args: string[]) {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(["--data-dir", join(dir, "cli-data"), ...args], {
      stdout,
      stderr,
      env: {},
      cwd: dir,
    });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it("sets groups with --group and --group-rule, and lists them", async () => {
    const ingested = await cli([
      "ingest",
      "docs",
      "-c",
      "handbook",
      "--group",
      "staff",
      "--group-rule",
      "hr/**=hr,people",
      "--json",
    ]);
    expect(ingested.code).toBe(0);
    const listed = JSON.parse((await cli(["list", "--json"])).stdout) as {
      source: string;
      groups: string[];
    }[];
    const reviews = listed.find((document) => document.source.endsWith("reviews.md"));
    expect(reviews?.groups).toEqual(["hr", "people", "staff"]);
  });

  it("refuses a --group-rule without groups, saying the form it takes", async () => {
    const result = await cli(["ingest", "docs", "--group-rule", "hr/**"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected <glob>=<group>");
  });

  it("names the flag when a group is not a plain name", async () => {
    const result = await cli(["ingest", "docs", "--group", "hr team"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/E_INVALID_INPUT: invalid access group "hr team".*--group <group>/u);
  });
});
