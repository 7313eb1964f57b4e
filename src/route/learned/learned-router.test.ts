import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  committedLearnedRouterWeights,
  createLearnedRouter,
  type LearnedRouterModel,
  loadLearnedRouterWeights,
} from "./learned-router.js";
import { promptFeatureNames } from "./prompt-features.js";

const dir = mkdtempSync(join(tmpdir(), "verity-learned-router-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const prompt = "What is the value of p in 24 = 2p?\nA. p = 4\nB. p = 8\nC. p = 12\nD. p = 24\nAnswer:";

/** A model that ignores every feature: the probability is the logistic of the intercept; no familiarity. */
function constantModel(intercept: number): LearnedRouterModel {
  const zeros = promptFeatureNames.map(() => 0);
  return {
    features: [...promptFeatureNames],
    scaling: { mean: zeros, scale: promptFeatureNames.map(() => 1) },
    intercept,
    coefficients: zeros,
    vocabulary: { documents: 1, minDocuments: 1, words: [], documentFrequencies: [] },
  };
}

function writeWeights(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

function thrown(action: () => unknown): Error & { code?: string } {
  try {
    action();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected an error");
}

describe("learned router", () => {
  it("scores with the committed weights: a probability strictly between 0 and 1, the same every time", () => {
    const router = createLearnedRouter();
    const probability = router.weakSuccessProbability(prompt);
    expect(probability).toBeGreaterThan(0);
    expect(probability).toBeLessThan(1);
    expect(router.weakSuccessProbability(prompt)).toBe(probability);
    expect(committedLearnedRouterWeights().training.heldOutSubjects.length).toBeGreaterThan(0);
  });

  it("applies the logistic function to the standardised features", () => {
    expect(createLearnedRouter(constantModel(0)).weakSuccessProbability(prompt)).toBeCloseTo(0.5, 12);
    expect(createLearnedRouter(constantModel(Math.log(3))).weakSuccessProbability(prompt)).toBeCloseTo(
      0.75,
      12,
    );
  });

  it("assesses the probability and the familiarity together, and hands plans the same assessment", () => {
    const router = createLearnedRouter();
    const assessment = router.assess(prompt);
    expect(assessment.weakSuccess).toBe(router.weakSuccessProbability(prompt));
    expect(assessment.familiarity?.threshold).toBe(committedLearnedRouterWeights().familiarity?.threshold);
    expect(router.weakSuccessProbability.assess(prompt)).toEqual(assessment);
  });

  it("finds an exam question familiar and a support question not, with the committed weights", () => {
    const router = createLearnedRouter();
    const exam = router.assess(prompt).familiarity;
    const support = router.assess("How much is the Team plan?").familiarity;
    expect(exam && exam.value >= exam.threshold).toBe(true);
    expect(support && support.value < support.threshold).toBe(true);
    expect(support?.outside).toContain("options");
  });

  it("reports no familiarity for weights that have none (format 1)", () => {
    expect(createLearnedRouter(constantModel(0)).assess(prompt)).toEqual({
      weakSuccess: 0.5,
      escalation: 0.5,
      familiarity: undefined,
    });
  });

  it("ranks by the strong model's chance minus the weak one's when the weights carry a strong model", () => {
    const strong = {
      predicts: "strong",
      intercept: Math.log(3),
      coefficients: promptFeatureNames.map(() => 0),
    };
    const gain = createLearnedRouter({ ...constantModel(0), strong }).assess(prompt);
    expect(gain.weakSuccess).toBeCloseTo(0.5, 12);
    expect(gain.strongSuccess).toBeCloseTo(0.75, 12);
    expect(gain.escalation).toBeCloseTo(0.75 - 0.5, 12);
    // Without one, by the weak model's failures alone.
    expect(createLearnedRouter(constantModel(Math.log(3))).assess(prompt).escalation).toBeCloseTo(0.25, 12);
  });
});

describe("loadLearnedRouterWeights", () => {
  const valid = committedLearnedRouterWeights();

  it("loads a file the fitting script wrote", () => {
    expect(loadLearnedRouterWeights(writeWeights("good.json", valid)).coefficients).toEqual(
      valid.coefficients,
    );
  });

  it("says how to make the weights when the file is missing", () => {
    const error = thrown(() => loadLearnedRouterWeights(join(dir, "absent.json")));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toContain("absent.json");
    expect(error.message).toContain("npm run fit:router");
  });

  it("rejects a file that is not JSON", () => {
    const error = thrown(() => loadLearnedRouterWeights(writeWeights("broken.json", "{ not json")));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toMatch(/broken\.json is not valid JSON/);
  });

  it("names the field when the weights do not fit together", () => {
    const path = writeWeights("short.json", { ...valid, coefficients: valid.coefficients.slice(1) });
    const error = thrown(() => loadLearnedRouterWeights(path));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toMatch(/coefficients: \d+ values for \d+ features/);
  });

  it("rejects weights fitted for other features than this version computes", () => {
    const features = [...valid.features.slice(0, -1), "somethingElse"];
    const error = thrown(() => loadLearnedRouterWeights(writeWeights("other.json", { ...valid, features })));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toContain("other prompt features");
    expect(error.message).toContain("somethingElse");
  });

  it("reads weights of format 1, which predate the familiarity", () => {
    const { familiarity: _familiarity, ...older } = valid;
    const path = writeWeights("format-1.json", { ...older, format: "verity-learned-router/1" });
    expect(loadLearnedRouterWeights(path).familiarity).toBeUndefined();
  });

  it("reads weights of format 2, which predate the strong model, ranking by the weak model's failures", () => {
    const { strong: _strong, ...older } = valid;
    const weights = loadLearnedRouterWeights(
      writeWeights("format-2.json", { ...older, format: "verity-learned-router/2" }),
    );
    const assessment = createLearnedRouter(weights).assess(prompt);
    expect(assessment.escalation).toBeCloseTo(1 - assessment.weakSuccess, 12);
  });

  it("names the strong model's coefficients when they do not fit the features", () => {
    const strong = { predicts: "strong", intercept: 0, coefficients: [1, 2] };
    const error = thrown(() =>
      loadLearnedRouterWeights(writeWeights("short-strong.json", { ...valid, strong })),
    );
    expect(error.message).toMatch(/strong\.coefficients: 2 values for \d+ features/);
  });

  it("asks for the familiarity in formats 2 and 3, and names its ranges when they do not fit the features", () => {
    const { familiarity, ...withoutIt } = valid;
    const missing = thrown(() => loadLearnedRouterWeights(writeWeights("no-familiarity.json", withoutIt)));
    expect(missing.message).toMatch(/familiarity: required in verity-learned-router\/3/);
    const short = writeWeights("short-range.json", {
      ...valid,
      familiarity: { ...familiarity, low: familiarity?.low.slice(1) },
    });
    expect(thrown(() => loadLearnedRouterWeights(short)).message).toMatch(
      /familiarity\.low: \d+ values for \d+ features/,
    );
  });

  it("rejects a file of another format", () => {
    const error = thrown(() => loadLearnedRouterWeights(writeWeights("empty.json", {})));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toContain("format");
  });
});
