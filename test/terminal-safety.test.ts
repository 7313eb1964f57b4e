// Terminal safety through the CLI in-process: document text and file names are untrusted, and the
// terminal must show their escape sequences, never obey them; `--json` stays exactly as it was.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import { createVerity } from "../src/engine.js";
import { Capture } from "./support/capture.js";

const clearScreen = "\u001b[2J";
const setTitle = "\u001b]0;pwned\u0007";
const hostileQuote = `Refunds are paid within 14${clearScreen} days of the request${setTitle} by bank transfer.`;
const hostileText = `# Refunds\n\n${hostileQuote}\n`;
/** A file name with a newline (splits a `list` line) and an ESC (colours the rest red). */
const hostileName = "refunds\n\u001b[31mred.md";

let dir: string;

async function cli(args: string[], tty = false) {
  const stdout = new Capture(tty);
  const stderr = new Capture(tty);
  const code = await runCli(args, { stdout, stderr, env: {}, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** ESC, BEL, CR and the other C0/C1 controls except line feed and tab. */
const rawControl = /(?![\n\t])\p{Cc}/u;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-terminal-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(join(dir, "docs", hostileName), hostileText);
  writeFileSync(join(dir, "docs", "plans.md"), "# Plans\n\nThe Team plan costs $8 per user per month.\n");
  expect((await cli(["ingest", "docs"])).code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("output for people", () => {
  it("ask shows the document's escape sequences escaped, and the file name quoted", async () => {
    const result = await cli(["ask", "When are refunds paid?"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(rawControl);
    expect(result.stdout).toContain("within 14\\x1b[2J days of the request\\x1b]0;pwned\\x07 by bank");
    expect(result.stdout).toContain('"docs/refunds\\n\\x1b[31mred.md"');
  });

  it("an abstention's closest sources are escaped too", async () => {
    const result = await cli(["ask", "Who is the head of the request team?"]);
    expect(result.stdout).toMatch(/^I don't know/);
    expect(result.stdout).not.toMatch(rawControl);
    expect(result.stdout).toContain("\\x1b[2J");
  });

  it("list prints one line per document, the hostile name quoted and escaped", async () => {
    const result = await cli(["list"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(rawControl);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.find((line) => line.includes("refunds"))).toContain('"docs/refunds\\n\\x1b[31mred.md"');
  });

  it("an error line that quotes a name shows its escape sequences escaped", async () => {
    const result = await cli(["remove", `missing${clearScreen}.md`]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^verity: E_NOT_FOUND: nothing named missing\\x1b\[2J\.md/);
    expect(result.stderr).not.toMatch(rawControl);
  });

  it("ingest's summary on a terminal shows a failing file's name escaped", async () => {
    const result = await cli(["ingest", `missing${clearScreen}.md`], true);
    expect(result.stdout).toMatch(
      /✗ "missing\\x1b\[2J\.md": E_NOT_FOUND .*missing\\x1b\[2J\.md does not exist/,
    );
    expect(result.stdout).not.toMatch(rawControl);
  });
});

describe("--json", () => {
  it("list --json is byte for byte the stored documents, raw characters and all", async () => {
    const result = await cli(["list", "--json"]);
    const verity = createVerity({ dataDir: join(dir, ".verity") });
    const documents = await verity.listDocuments();
    await verity.close();
    expect(result.stdout).toBe(`${JSON.stringify(documents)}\n`);
    const sources = (JSON.parse(result.stdout) as { source: string }[]).map((document) => document.source);
    expect(sources).toContain(join(dir, "docs", hostileName));
  });

  it("ask --json keeps the quoted text exactly as the document has it", async () => {
    const answer = JSON.parse((await cli(["ask", "When are refunds paid?", "--json"])).stdout);
    const citation = answer.sentences[0].citations[0];
    expect(citation.quote).toBe(hostileQuote);
    expect(citation.source).toBe(join(dir, "docs", hostileName));
  });
});
