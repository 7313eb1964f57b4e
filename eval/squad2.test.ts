import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateSquad, readSquad, squadScores } from "./squad2.js";

const dir = mkdtempSync(join(tmpdir(), "verity-squad-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A two-article SQuAD v2 file written here (the real set is not part of the repository). */
function fixture(value: unknown): string {
  const path = join(dir, `squad-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

const small = {
  version: "v2.0",
  data: [
    {
      title: "Harbour_Lighthouse",
      paragraphs: [
        {
          context: "The Harbour Lighthouse was built in 1871 by the port authority. It is 34 metres tall.",
          qas: [
            { id: "q1", question: "When was the Harbour Lighthouse built?", answers: [{ text: "1871" }] },
            {
              id: "q2",
              question: "Who painted the Harbour Lighthouse in 1990?",
              answers: [],
              is_impossible: true,
            },
          ],
        },
      ],
    },
  ],
};

describe("eval:squad2", () => {
  it("answers a question its article answers and counts it right", async () => {
    const scores = await evaluateSquad(readSquad(fixture(small)));
    expect(scores).toMatchObject({ questions: 2, hasAnswer: 1, hasAnswerRight: 1 });
  });

  it("scores always abstaining as it should: every no-answer question right, none of the others", () => {
    const scores = squadScores([
      { hasAnswer: true, abstained: true, holdsAnswer: false },
      { hasAnswer: false, abstained: true, holdsAnswer: false },
    ]);
    expect(scores).toMatchObject({ hasAnswerRight: 0, noAnswerRight: 1, overall: 0.5 });
    expect(scores.noAnswerF1).toBeCloseTo(2 / 3, 9);
  });

  it("refuses a file that is not SQuAD v2, saying where", () => {
    expect(() => readSquad(fixture("{nope"))).toThrow(/cannot read .* as JSON/u);
    expect(() => readSquad(fixture({ data: [{ title: "t", paragraphs: [{ qas: [] }] }] }))).toThrow(
      /not SQuAD v2: data\.0\.paragraphs\.0\.context/u,
    );
  });
});
