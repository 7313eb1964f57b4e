// `npm run eval:routing` as a user runs it: clear errors and exit codes on bad input, and a full run on
// a tiny synthetic folder.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "verity-eval-routing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function evalRouting(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "eval/routing.ts", ...args],
      { cwd: root },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

function folder(name: string, files: Record<string, string>): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
  return path;
}

/** A subject whose long questions the weak model gets wrong and the strong one right. */
function subject(seed: number): string {
  const rows = ["prompt,small,large"];
  for (let index = 0; index < 30; index++) {
    const hard = (index + seed) % 3 === 0;
    const question = hard
      ? `Calculate the integral of the polynomial ${index}x^2 + ${seed} over the interval, and explain why the result, a real number, is unique.`
      : `Who wrote book ${index} of series ${seed}?`;
    rows.push(`"${question}\nA. one\nB. two\nAnswer:",${hard ? "False,True" : "True,True"}`);
  }
  return `${rows.join("\n")}\n`;
}

/** The same questions without answer options: unlike every exam prompt a router was fitted on. */
function plainSubject(seed: number): string {
  const rows = ["prompt,small,large"];
  for (let index = 0; index < 30; index++) {
    const hard = (index + seed) % 3 === 0;
    rows.push(`Who signed treaty ${index} of era ${seed}?,${hard ? "False,True" : "True,True"}`);
  }
  return `${rows.join("\n")}\n`;
}

const cell = (line: string | undefined, column: number) => line?.split("|")[column]?.trim();

describe("eval:routing", () => {
  it("exits 4 naming a folder that does not exist", async () => {
    const missing = join(dir, "absent");
    const result = await evalRouting(["--train", missing, "--test", missing]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("eval:routing: E_NOT_FOUND: no folder");
  });

  it("exits 2 on a folder without CSV files and on a wrong header", async () => {
    const empty = folder("empty", { "readme.txt": "nothing" });
    const noCsv = await evalRouting(["--train", empty, "--test", empty]);
    expect(noCsv.code).toBe(2);
    expect(noCsv.stderr).toContain("holds no .csv files");
    const wrongHeader = "question,answer\nq,a\n";
    const wrong = folder("wrong", { "a.csv": wrongHeader, "b.csv": wrongHeader, "c.csv": wrongHeader });
    const badHeader = await evalRouting(["--train", wrong, "--test", wrong]);
    expect(badHeader.code).toBe(2);
    expect(badHeader.stderr).toMatch(
      /a\.csv: the header is "question,answer", expected "prompt,<weak model>,<strong model>"/,
    );
  });

  it("refuses to test on a subject it trains on", async () => {
    const data = folder("overlap", { "s_a.csv": subject(0), "s_b.csv": subject(1) });
    const result = await evalRouting([
      "--train",
      data,
      "--test",
      data,
      "--train-subjects",
      "a,b",
      "--test-subjects",
      "b",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("both in training and in testing");
  });

  it("trains on some subjects of a folder and reports APGR and CPT on the others", async () => {
    const data = folder("good", { "s_a.csv": subject(0), "s_b.csv": subject(1), "s_c.csv": subject(2) });
    const result = await evalRouting(["--train", data, "--test", data]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Weak model (column 2): small; strong model (column 3): large.");
    expect(result.stdout).toContain("Test subjects: c.");
    const learned = result.stdout.split("\n").find((line) => line.startsWith("| learned: logistic"));
    // Hard prompts are easy to spot here, so the router recovers the gap with few strong calls.
    expect(Number(learned?.split("|")[3])).toBeGreaterThan(0.8);
    expect(result.stdout).toMatch(
      /\| random router, expected value \(ours\) \|[^|]+\| 0\.500 \| 50\.0% \| 80\.0% \|/,
    );
  });

  it("defers a test subject unlike the training data whole, and scores it exactly as the random router", async () => {
    const data = folder("unlike", {
      "s_a.csv": subject(0),
      "s_b.csv": subject(1),
      "s_c.csv": plainSubject(2),
    });
    const result = await evalRouting(["--train", data, "--test", data, "--splits", "2", "--held-out", "1"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Test subjects: c.");
    const lines = result.stdout.split("\n");
    const deferring = lines.find((line) => line.startsWith("| learned, deferring prompts unlike"));
    // Every deferred prompt gets the same score, so the tie rule orders them at random.
    expect(deferring).toContain("(100.0% of them)");
    expect(cell(deferring, 3)).toBe("0.500");
    expect(cell(deferring, 4)).toBe("50.0%");
    const reported = lines.find((line) => line.startsWith("| reported:"));
    expect(cell(reported, 5)).toBe("100.0%");
    // The reported split, its two rotations and two random splits, each fitted on its own training subjects.
    expect(lines.filter((line) => /^\| (reported|rotated|random, seed)/u.test(line))).toHaveLength(5);
    expect(lines.some((line) => line.startsWith("| **median over 5 splits**"))).toBe(true);
    expect(lines.some((line) => line.startsWith("| **range over 5 splits**"))).toBe(true);
    expect(result.stdout).toMatch(
      /Below the random router \(APGR < 0\.500\): \d of 5 splits without deferral, \d with it\./,
    );
  });
});
