import { describe, expect, it } from "vitest";
import { answerSentences, parseCitations, splitAnswer } from "./citations.js";

describe("parseCitations", () => {
  it.each([
    ["The window is 30 days [1].", [1]],
    ["The window is 30 days [1, 2].", [1, 2]],
    ["The window is 30 days [1][2].", [1, 2]],
    ["The window is 30 days [1-3].", [1, 2, 3]],
    ["The window is 30 days 【2】.", [2]],
    ["The window is 30 days 【2†source】.", [2]],
    ["The window is 30 days (Source 2).", [2]],
    ["The window is 30 days (sources 1 and 3).", [1, 3]],
    ["The window is 30 days [Source 3; Source 1].", [3, 1]],
    ["The window is 30 days [^2].", [2]],
    ["The window is 30 days [2] [2].", [2]],
  ])("reads %s", (sentence, cited) => {
    const parsed = parseCitations(sentence, 3);
    expect(parsed.cited).toEqual(cited);
    expect(parsed.text).toBe("The window is 30 days.");
    expect(parsed.invalid).toEqual([]);
  });

  it("keeps out-of-range numbers apart and leaves ordinary brackets and numbers alone", () => {
    expect(parseCitations("Refunds take 5 days [7].", 3)).toEqual({
      text: "Refunds take 5 days.",
      cited: [],
      invalid: [7],
    });
    expect(parseCitations("Refunds take 5 days [0] (see [a]).", 3)).toEqual({
      text: "Refunds take 5 days (see [a]).",
      cited: [],
      invalid: [0],
    });
    expect(parseCitations("Plans cost (1) 10 dollars.", 3).cited).toEqual([]);
    expect(parseCitations("No citation here.", 3)).toEqual({
      text: "No citation here.",
      cited: [],
      invalid: [],
    });
    expect(parseCitations("A typo [1-999].", 3)).toMatchObject({ cited: [1], invalid: [] });
  });
});

describe("splitAnswer", () => {
  it("gives markers after the full stop to the sentence before them", () => {
    const sentences = answerSentences("Refunds take 5 days. [2] Dr. Lee approves them [1]. Ask support.", 2);
    expect(sentences).toEqual([
      { text: "Refunds take 5 days.", cited: [2], invalid: [] },
      { text: "Dr. Lee approves them.", cited: [1], invalid: [] },
      { text: "Ask support.", cited: [], invalid: [] },
    ]);
  });

  it("treats list items as sentences and keeps decimals and versions whole", () => {
    const sentences = answerSentences(
      "You can:\n- export notes as PDF [1]\n- share a link valid for 2.5 days [2]\n\nVersion 3.1 added it [2].",
      2,
    );
    expect(sentences.map((s) => [s.text, s.cited])).toEqual([
      ["You can:", []],
      ["export notes as PDF", [1]],
      ["share a link valid for 2.5 days", [2]],
      ["Version 3.1 added it.", [2]],
    ]);
  });

  it("holds back the last sentence while streaming until the next one has begun", () => {
    expect(splitAnswer("Refunds take 5 days.", 2).complete).toEqual([]);
    expect(splitAnswer("Refunds take 5 days. [2]", 2).complete).toEqual([]);
    expect(splitAnswer("Refunds take 5 days. [", 2).complete).toEqual([]);
    expect(splitAnswer("Refunds take 5 days. (Source 2", 2).complete).toEqual([]);
    const split = splitAnswer("Refunds take 5 days. [2] They are", 2);
    expect(split.complete).toEqual([{ text: "Refunds take 5 days.", cited: [2], invalid: [] }]);
    expect(split.pending).toBe(" They are");
  });
});
