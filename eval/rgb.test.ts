import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateRgb } from "./rgb.js";
import { containsAnswer, passagesFor, readRgb } from "./rgb-data.js";

const dir = mkdtempSync(join(tmpdir(), "verity-rgb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small RGB-format file written here (the real set is research-only and never committed). */
function fixture(lines: unknown[]): string {
  const path = join(dir, `rgb-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    path,
    lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n"),
  );
  return path;
}

const lighthouse = {
  id: 1,
  query: "When was the Harbour Lighthouse built?",
  answer: "1871",
  fakeanswer: "1903",
  positive: ["The Harbour Lighthouse was built in 1871 by the port authority."],
  positive_wrong: ["The Harbour Lighthouse was built in 1903 by the port authority."],
  negative: [
    "The Harbour Lighthouse museum opens at ten in the morning.",
    "Tickets for the lighthouse tour cost five euros.",
  ],
};

describe("readRgb", () => {
  it("reads answers as parts with alternatives", () => {
    const [question] = readRgb(fixture([{ ...lighthouse, answer: [["Paris", "Paris, France"], ["1998"]] }]));
    expect(question?.answer).toEqual([["Paris", "Paris, France"], ["1998"]]);
  });

  it("names the line of a malformed record and what it lacks", () => {
    expect(() => readRgb(fixture([lighthouse, { id: 2, query: "q" }]))).toThrow(
      /line 2 is not an RGB record: answer/u,
    );
    expect(() => readRgb(fixture([lighthouse, "{oops"]))).toThrow(/line 2 is not JSON/u);
    expect(() => readRgb(fixture([]))).toThrow(/holds no questions/u);
  });
});

describe("RGB passages and scoring", () => {
  it("draws noise passages by rate, the same for the same seed", () => {
    const [question] = readRgb(fixture([lighthouse]));
    if (!question) throw new Error("no question");
    const noisy = passagesFor(question, { kind: "noise", rate: 0.4 }, 1);
    expect(noisy.filter((passage) => question.negative.includes(passage))).toHaveLength(2);
    expect(noisy).toEqual(passagesFor(question, { kind: "noise", rate: 0.4 }, 1));
    expect(
      passagesFor(question, { kind: "negative-only" }, 1).every((p) => question.negative.includes(p)),
    ).toBe(true);
  });

  it("counts an answer only when every part appears as a whole word", () => {
    expect(containsAnswer("Built in 1871.", [["1871"]])).toBe(true);
    expect(containsAnswer("Built in 18712.", [["1871"]])).toBe(false);
    expect(containsAnswer("Paris in 1998", [["Paris, France", "Paris"], ["1998"]])).toBe(true);
    expect(containsAnswer("Paris", [["Paris"], ["1998"]])).toBe(false);
  });

  it("answers from the true passage, declines on noise alone, and counts a quoted false answer", async () => {
    const rows = await evaluateRgb(readRgb(fixture([lighthouse])));
    const row = (name: string) => rows.find((entry) => entry.setting === name);
    expect(row("noise 0.0")).toMatchObject({ questions: 1, answered: 1, correct: 1 });
    expect(row("counterfactual only")).toMatchObject({ questions: 1, fake: 1, correct: 0 });
    expect(row("negative only (answer absent)")?.correct).toBe(0);
  });
});
