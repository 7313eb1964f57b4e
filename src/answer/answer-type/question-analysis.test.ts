import { beforeAll, describe, expect, it } from "vitest";
import { expectedAnswer } from "./expected-answer.js";
import { type AnalyseText, loadLanguageModel } from "./language-model.js";
import {
  analyseQuestion,
  needsLanguageModel,
  questionNumbers,
  readableQuestion,
} from "./question-analysis.js";

describe("the answer a question expects", () => {
  it.each([
    ["Who founded the Orrin Glassworks?", "person"],
    ["Where is the Orrin Glassworks?", "place"],
    ["When did the Orrin Glassworks open?", "date"],
    ["In which year did the glassworks close?", "date"],
    ["What is the opening date of the new gallery?", "date"],
    ["Which city hosts the glass fair?", "place"],
    ["Which company bought the glassworks?", "organisation"],
    ["How many furnaces does the glassworks run?", "number"],
    ["How much does a guided tour cost?", "money"],
    ["What was the glassworks' revenue in 2019?", "money"],
    ["What percentage of the glass is recycled?", "percent"],
    ["How long does a tour take?", "duration"],
    ["Which flag disables colour output?", "option"],
    ["What is the default buffer size of the cache?", "number"],
    ["Is the gallery open on Sundays?", "yes-no"],
    ["Glass fair 2024 location", "place"],
    ["What is annealing?", "none"],
    ["How do I reset my password?", "none"],
    ["Why is the furnace kept hot?", "none"],
  ])("%s → %s", (question, type) => {
    expect(expectedAnswer(question).type).toBe(type);
  });

  it("keeps the noun that named the answer, so it is not taken for the thing asked about", () => {
    expect(expectedAnswer("Which movie won the Silver Kettle?")).toEqual({ type: "none", noun: "movie" });
    expect(analyseQuestion("Which city hosted the glass fair?").focus.map((term) => term.word)).toEqual([
      "hosted",
      "glass",
      "fair",
    ]);
  });
});

describe("numbers in a question", () => {
  it("asks the answering sentence itself for years and ordinals, and the passage for numbers in names", () => {
    expect(questionNumbers("Who won the 3rd Marlow Cup in 2019 with the Falcon 9?")).toEqual([
      { value: "3", scope: "unit" },
      { value: "2019", scope: "unit" },
      { value: "9", scope: "passage" },
    ]);
  });
});

describe("reading a question with the language model", () => {
  let analyse: AnalyseText;
  beforeAll(async () => {
    analyse = await loadLanguageModel();
  });

  it("finds proper names and leaves the verb as the thing asked about", () => {
    const question = "Who won the Marlow Cup in 2019?";
    const needs = analyseQuestion(question, analyse(question));
    expect(needs.names).toEqual([["marlow", "cup"]]);
    expect(needs.focus).toEqual([{ word: "won", stem: "won", lemma: "win", verb: true }]);
  });

  it("takes no lower-case word for a name in a question that capitalises its names", () => {
    const question = "Who is the new director of Fernhill Museum?";
    expect(analyseQuestion(question, analyse(question)).names).toEqual([["fernhill", "museum"]]);
  });

  it("reads a question written in capitals in lower case", () => {
    expect(readableQuestion("HOW MANY FURNACES ARE THERE")).toBe("how many furnaces are there");
    expect(readableQuestion("How many furnaces?")).toBe("How many furnaces?");
  });
});

describe("when the language model is needed", () => {
  it("is needed for names, dates and lengths of time, and for questions that may name something", () => {
    expect(needsLanguageModel("Who founded it?")).toBe(true);
    expect(needsLanguageModel("When did it open?")).toBe(true);
    expect(needsLanguageModel("How many furnaces does Orrin run?")).toBe(true);
  });

  it("is not needed for a count, a flag or a default asked in common words", () => {
    expect(needsLanguageModel("How many vacation days do new staff get?")).toBe(false);
    expect(needsLanguageModel("Which flag disables colour output?")).toBe(false);
    expect(needsLanguageModel("What is the default buffer size of the cache?")).toBe(false);
  });
});
