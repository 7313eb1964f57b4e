import { describe, expect, it } from "vitest";
import { createAnswerGate } from "./answer-gate.js";
import { type ConflictSide, mayRestate, readSide, sourceConflict } from "./source-conflict.js";

/** One side of a possible disagreement, its answers read by the gate as the answerer reads them. */
async function side(question: string, text: string, documentId: string): Promise<ConflictSide> {
  const verdict = await (await createAnswerGate().prepare(question)).check({
    text,
    passage: text,
    context: "",
  });
  expect(verdict.passes).toBe(true);
  return { text, documentId, values: verdict.values };
}

const who = "Who won the women's singles title at Marlow in 2018?";
const byAda = "Ada Brennan won the 2018 Marlow women's singles title, beating Mia Ross in the final.";
const byLena = "Lena Ortiz won the 2018 Marlow women's singles title, beating Mia Ross in the final.";

describe("sources that disagree", () => {
  it("sees one name put where another document puts another", async () => {
    const a = await side(who, byAda, "a");
    const b = await side(who, byLena, "b");
    expect(mayRestate(a.text)(b.text)).toBe(true);
    expect(sourceConflict(a, b)).toEqual({ chosenGives: ["ada", "brennan"], otherGives: ["lena", "ortiz"] });
  });

  it("sees two dates for one event, and reads Nov. as November", async () => {
    const question = "When did the Marlow bridge open?";
    const a = await side(question, "The Marlow bridge opened to traffic on November 12, 2019.", "a");
    const b = await side(question, "The Marlow bridge opened to traffic on March 3, 2020.", "b");
    expect(sourceConflict(a, b)).toMatchObject({ chosenGives: expect.arrayContaining(["november"]) });
    const same = await side(question, "The Marlow bridge opened to traffic on Nov. 12, 2019.", "c");
    expect(sourceConflict(a, same)).toBeUndefined();
  });

  it("is no disagreement when one adds a name the other leaves out, or says it in other words", async () => {
    const a = await side(who, byAda, "a");
    const added = await side(
      who,
      "Ada Brennan of Leeds won the 2018 Marlow women's singles title, beating Mia Ross in the final.",
      "b",
    );
    expect(sourceConflict(a, added)).toBeUndefined();
    const reworded = await side(
      who,
      "Fans cheered as Lena Ortiz, a teacher from Leeds, won the 2018 Marlow singles title.",
      "c",
    );
    expect(sourceConflict(a, reworded)).toBeUndefined();
  });

  it("is no disagreement within one document, or when the statements differ", async () => {
    const a = await side(who, byAda, "a");
    const b = await side(who, byLena, "a");
    expect(sourceConflict(a, b)).toBeUndefined();
    const other = await side(
      who,
      "Lena Ortiz, the 2018 Marlow women's singles winner, signed with a new coach.",
      "b",
    );
    expect(sourceConflict(a, other)).toBeUndefined();
  });

  it("is no restatement when two long texts hold the same words in another order", () => {
    const words = Array.from({ length: 3000 }, (_, index) => `w${index}`);
    const shuffled = words.map((_, index) => words[(index * 7) % words.length] as string);
    const a = readSide(`Ada ${words.join(" ")}`, "a", new Set(["ada"]));
    const b = readSide(`Lena ${shuffled.join(" ")}`, "b", new Set(["lena"]));
    expect(sourceConflict(a, b)).toBeUndefined();
  });
});
