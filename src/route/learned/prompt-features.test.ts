import { describe, expect, it } from "vitest";
import {
  buildPromptVocabulary,
  type PromptFeatureName,
  promptFeatureNames,
  promptFeatures,
} from "./prompt-features.js";

const statements = `Statement 1| Linear regression estimator has the smallest variance among all unbiased estimators. Statement 2| The coefficients assigned by AdaBoost are always non-negative.
A. True, True
B. False, False
C. True, False
D. False, True
Answer:`;

const arithmetic = `What is the value of p in 24 = 2p?
A. p = 4
B. p = 8
C. p = 12
D. p = 24
Answer:`;

const lawCase = `A defendant was convicted of murder after a jury trial. On appeal, the defendant argues that the court admitted hearsay evidence. Which of the following is NOT a valid ground?
A. The statute of limitations had run.
B. The plaintiff lacked standing.
C. The testimony was admissible.
D. None of the above.
Answer:`;

const vocabulary = buildPromptVocabulary([statements, arithmetic, lawCase, lawCase], { minDocuments: 2 });

function named(prompt: string): Record<PromptFeatureName, number> {
  const values = promptFeatures(prompt, vocabulary);
  return Object.fromEntries(promptFeatureNames.map((name, index) => [name, values[index]])) as Record<
    PromptFeatureName,
    number
  >;
}

describe("promptFeatures", () => {
  it("gives one finite value per feature name, the same on every call", () => {
    for (const prompt of [statements, arithmetic, lawCase, "", "no options at all"]) {
      const first = promptFeatures(prompt, vocabulary);
      expect(first).toHaveLength(promptFeatureNames.length);
      expect(first.every(Number.isFinite)).toBe(true);
      expect(promptFeatures(prompt, vocabulary)).toEqual(first);
    }
  });

  it("reads the answer options apart from the question stem", () => {
    const features = named(statements);
    expect(features.options).toBe(4);
    expect(features.pairedOptions).toBe(1);
    expect(features.statementPair).toBe(1);
    expect(features.stemShare).toBeGreaterThan(0.5);
  });

  it("tells a calculation from a negated question about a case", () => {
    const calculation = named(arithmetic);
    expect(calculation.asksCalculation).toBe(1);
    expect(calculation.negativeStem).toBe(0);
    const legal = named(lawCase);
    expect(legal.asksCalculation).toBe(0);
    expect(legal.negativeStem).toBe(1);
    expect(legal.whichOfTheFollowing).toBe(1);
    expect(legal.aboveOptions).toBe(1);
    expect(legal.vignette).toBe(1);
  });

  it("counts words the training prompts rarely used as rare", () => {
    const unseen = named("Which enzyme catalyses glycogenolysis in hepatocytes?\nA. x\nB. y\nAnswer:");
    expect(unseen.rareWordShare).toBeGreaterThan(named(lawCase).rareWordShare);
    expect(unseen.meanIdf).toBeGreaterThan(named(lawCase).meanIdf);
  });
});

describe("buildPromptVocabulary", () => {
  it("keeps words seen in at least the minimum number of prompts, without stopwords or numbers", () => {
    expect(vocabulary.documents).toBe(4);
    expect(vocabulary.frequencies.get("defendant")).toBe(2);
    expect(vocabulary.frequencies.has("adaboost")).toBe(false);
    expect(vocabulary.frequencies.has("the")).toBe(false);
    expect(vocabulary.frequencies.has("24")).toBe(false);
  });
});
