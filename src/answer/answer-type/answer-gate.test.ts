import { describe, expect, it } from "vitest";
import { createAnswerGate } from "./answer-gate.js";
import type { AnswerUnit } from "./answer-unit.js";
import { loadLanguageModel } from "./language-model.js";

function unit(text: string, passage = text, context = ""): AnswerUnit {
  return { text, passage, context };
}

/** The gate with a loader that counts how often the language model was asked for. */
function countingGate() {
  const loads = { count: 0 };
  const gate = createAnswerGate(() => {
    loads.count++;
    return loadLanguageModel();
  });
  return { gate, loads };
}

async function verdict(question: string, answer: AnswerUnit) {
  return (await createAnswerGate().prepare(question)).check(answer);
}

describe("the answer gate", () => {
  it("passes a sentence that names a winner in the year asked about", async () => {
    const result = await verdict(
      "Who won the Marlow Cup in 2019?",
      unit("Ada Brennan won the 2019 Marlow Cup after a late sprint."),
    );
    expect(result).toMatchObject({ passes: true, holdsAnswer: true, unmet: [] });
    expect([...result.values].sort()).toEqual(["ada", "brennan"]);
  });

  it("turns down a sentence about the same cup in another year", async () => {
    const result = await verdict(
      "Who won the Marlow Cup in 2019?",
      unit("Ada Brennan won the Marlow Cup in 2017.", "The Marlow Cup was first held in 2019."),
    );
    expect(result.passes).toBe(false);
    expect(result.unmet).toEqual([{ kind: "number", value: "2019" }]);
  });

  it("does not take a year inside a length of time for the year asked about", async () => {
    const result = await verdict(
      "Who won the Marlow Cup in 2019?",
      unit("Ada Brennan has won the Marlow Cup every year since 2019."),
    );
    expect(result.unmet).toContainEqual({ kind: "number", value: "2019" });
  });

  it("turns down a sentence that never says the thing asked about", async () => {
    const result = await verdict(
      "Who acquired Fernhill Press?",
      unit("Fernhill Press was founded by Ida Vance in 1921."),
    );
    expect(result.unmet).toEqual([{ kind: "focus", value: "acquired" }]);
  });

  it("turns down a sentence with no answer of the expected kind", async () => {
    const result = await verdict(
      "When did the Fernhill gallery open?",
      unit("The Fernhill gallery opened to great acclaim."),
    );
    expect(result).toMatchObject({ passes: false, holdsAnswer: false });
  });

  it("wants more than the year already asked about when asked for a date", async () => {
    const question = "When was the 2021 Marlow Cup held?";
    expect((await verdict(question, unit("The 2021 Marlow Cup was held in 2021."))).holdsAnswer).toBe(false);
    expect((await verdict(question, unit("The 2021 Marlow Cup was held on 4 June 2021."))).passes).toBe(true);
  });

  it("never lets a sentence that asks a question answer one", async () => {
    const result = await verdict(
      "Who won the Marlow Cup in 2019?",
      unit("Who won the 2019 Marlow Cup, Ada Brennan?"),
    );
    expect(result.unmet).toContainEqual({ kind: "asks" });
  });

  it("accepts names met elsewhere in the passage, and spelled differently", async () => {
    const passage = "The US Open ended on Sunday. Lena Ortiz won the women's singles title in 2022.";
    const result = await verdict(
      "Who won the women's singles at the U.S. Open in 2022?",
      unit("Lena Ortiz won the women's singles title in 2022.", passage),
    );
    expect(result.passes).toBe(true);
  });

  it("lets the headings above a list item meet the question's constraints", async () => {
    const result = await verdict(
      "What is the default buffer size of the cache?",
      unit("Default: 16384", "Type: integer\nDefault: 16384", "Configuration\ncache\nbuffer size"),
    );
    expect(result.passes).toBe(true);
  });

  it("checks a count with digits alone, without loading the language model", async () => {
    const { gate, loads } = countingGate();
    const question = await gate.prepare("How many vacation days do new staff get?");
    expect(await question.check(unit("New staff get 25 vacation days a year."))).toMatchObject({
      passes: true,
    });
    expect(loads.count).toBe(0);
    expect(question.usedLanguageModel).toBe(false);
  });

  it("loads the language model when a count is written in words", async () => {
    const { gate, loads } = countingGate();
    const question = await gate.prepare("How many vacation days do new staff get?");
    expect(await question.check(unit("New staff get twenty vacation days a year."))).toMatchObject({
      passes: true,
    });
    expect(loads.count).toBe(1);
    expect(question.usedLanguageModel).toBe(true);
  });

  it("passes a flag the question did not name for a which-flag question", async () => {
    const question = await createAnswerGate().prepare("Which flag disables colour output?");
    expect((await question.check(unit("Pass --no-colour to disable colour output."))).passes).toBe(true);
    expect((await question.check(unit("Colour output can be disabled."))).holdsAnswer).toBe(false);
  });
});
