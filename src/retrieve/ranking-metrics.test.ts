import { describe, expect, it } from "vitest";
import { mrrAt, ndcgAt, recallAt } from "./ranking-metrics.js";

const judged = new Map([
  ["a", 1],
  ["b", 2],
  ["z", 0],
]);

describe("ranking metrics", () => {
  it("nDCG@k is 1 for the ideal order and uses linear gains with log2 discounts", () => {
    expect(ndcgAt(["b", "a"], judged, 10)).toBeCloseTo(1);
    const dcg = 1 / Math.log2(2) + 2 / Math.log2(3);
    const ideal = 2 / Math.log2(2) + 1 / Math.log2(3);
    expect(ndcgAt(["a", "b"], judged, 10)).toBeCloseTo(dcg / ideal);
    expect(ndcgAt(["x", "y"], judged, 10)).toBe(0);
  });

  it("nDCG@k ignores documents ranked below k", () => {
    expect(ndcgAt(["x", "b"], judged, 1)).toBe(0);
  });

  it("recall@k counts only documents judged relevant", () => {
    expect(recallAt(["a", "z", "x"], judged, 100)).toBe(0.5);
    expect(recallAt(["x", "a"], judged, 1)).toBe(0);
  });

  it("MRR@k is the reciprocal rank of the first relevant document", () => {
    expect(mrrAt(["z", "x", "b"], judged, 10)).toBeCloseTo(1 / 3);
    expect(mrrAt(["z", "x", "b"], judged, 2)).toBe(0);
  });
});
