import { describe, expect, it } from "vitest";
import { familiarity, featureRange } from "./familiarity.js";
import { buildPromptVocabulary, promptFeatureNames, promptFeatures } from "./prompt-features.js";

const feature = (name: (typeof promptFeatureNames)[number]) => promptFeatureNames.indexOf(name);
const dimensions = promptFeatureNames.length;

/** Features that are all 0 but for the share of rare words and the ones given. */
function features(rareWordShare: number, values: Record<number, number> = {}): number[] {
  const row = new Array<number>(dimensions).fill(0);
  row[feature("rareWordShare")] = rareWordShare;
  for (const [index, value] of Object.entries(values)) row[Number(index)] = value;
  return row;
}

const range = { low: new Array<number>(dimensions).fill(0), high: new Array<number>(dimensions).fill(1) };
const scale = new Array<number>(dimensions).fill(0.5);

describe("featureRange", () => {
  it("spans each feature's smallest and largest training value", () => {
    expect(
      featureRange([
        [1, 5],
        [3, -2],
        [2, 0],
      ]),
    ).toEqual({ low: [1, -2], high: [3, 5] });
  });
});

describe("familiarity", () => {
  it("is the share of known words for a prompt inside the training range", () => {
    const score = familiarity(features(0.25), range, scale);
    expect(score.value).toBeCloseTo(0.75, 12);
    expect(score.knownWords).toBeCloseTo(0.75, 12);
    expect(score.outside).toEqual([]);
  });

  it("divides by e for each feature scale outside the range, and names the features", () => {
    const options = feature("options");
    // One scale (0.5) above the range on one feature, two scales below it on another.
    const score = familiarity(features(0, { [options]: 1.5, [feature("logLines")]: -1 }), range, scale);
    expect(score.value).toBeCloseTo(Math.exp(-3), 12);
    expect(score.knownWords).toBe(1);
    expect(score.outside).toEqual(["logLines", "options"]);
  });

  it("finds a plain question unlike multiple-choice exam prompts, and an exam prompt like them", () => {
    const exams = [
      "Which gas do plants take in?\nA. oxygen\nB. carbon dioxide\nC. helium\nD. neon\nAnswer:",
      "Which planet is largest?\nA. Mars\nB. Venus\nC. Jupiter\nD. Mercury\nAnswer:",
      "Which organ pumps blood?\nA. liver\nB. heart\nC. lung\nD. kidney\nAnswer:",
      "Which gas do animals breathe out?\nA. oxygen\nB. carbon dioxide\nC. argon\nD. neon\nAnswer:",
    ];
    const vocabulary = buildPromptVocabulary(exams, { minDocuments: 1 });
    const rows = exams.map((prompt) => promptFeatures(prompt, vocabulary));
    const training = featureRange(rows);
    const spread = new Array<number>(dimensions).fill(1);
    const of = (prompt: string) => familiarity(promptFeatures(prompt, vocabulary), training, spread);
    expect(of(exams[0] as string).value).toBe(1);
    const question = of("How much is the Team plan?");
    expect(question.value).toBeLessThan(0.05);
    expect(question.outside).toContain("options");
  });
});
