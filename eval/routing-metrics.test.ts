import { describe, expect, it } from "vitest";
import {
  accuracyAt,
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  costRelativeToStrong,
  oracleEscalation,
  qualityCostCurve,
  withDeferral,
} from "./routing-metrics.js";

// Five prompts, worked by hand. Weak right on 2 (0.4), strong right on 3 (0.6): the gap is one prompt.
//   p0 weak ✗ strong ✓ (escalating gains 1)   p1 ✗ ✓ (gains 1)   p2 ✓ ✓   p3 ✓ ✗ (loses 1)   p4 ✗ ✗
const outcomes = [
  { weakCorrect: false, strongCorrect: true },
  { weakCorrect: false, strongCorrect: true },
  { weakCorrect: true, strongCorrect: true },
  { weakCorrect: true, strongCorrect: false },
  { weakCorrect: false, strongCorrect: false },
];
// The router escalates in the order p0, p2, p1, p3, p4. Accuracy after k strong calls:
//   k 0: 0.4 (PGR 0)  1: 0.6 (1)  2: 0.6 (1)  3: 0.8 (2)  4: 0.6 (1)  5: 0.6 (1)
const scores = [0.9, 0.5, 0.7, 0.3, 0.1];

describe("qualityCostCurve", () => {
  it("adds each escalated prompt's gain in the order of the scores", () => {
    const curve = qualityCostCurve(outcomes, scores);
    expect(curve.weakAccuracy).toBeCloseTo(0.4, 12);
    expect(curve.strongAccuracy).toBeCloseTo(0.6, 12);
    expect(curve.accuracies.map((value) => Number(value.toFixed(12)))).toEqual([
      0.4, 0.6, 0.6, 0.8, 0.6, 0.6,
    ]);
    expect(accuracyAt(curve, 0.1)).toBeCloseTo(0.5, 12);
  });

  it("splits the calls evenly among tied prompts, so a constant router is the random router", () => {
    const curve = qualityCostCurve(
      outcomes,
      outcomes.map(() => 0.5),
    );
    for (const [calls, accuracy] of curve.accuracies.entries())
      expect(accuracy).toBeCloseTo(0.4 + (0.2 * calls) / 5, 12);
    expect(averagePerformanceGapRecovered(curve)).toBeCloseTo(0.5, 12);
    expect(callPerformanceThreshold(curve, 0.5)).toBeCloseTo(0.5, 12);
    expect(callPerformanceThreshold(curve, 0.8)).toBeCloseTo(0.8, 12);
  });

  it("ranks for the oracle every prompt only the strong model gets right first", () => {
    const curve = qualityCostCurve(outcomes, oracleEscalation(outcomes));
    expect(curve.accuracies.map((value) => Number(value.toFixed(12)))).toEqual([
      0.4, 0.6, 0.8, 0.8, 0.8, 0.6,
    ]);
  });
});

describe("withDeferral", () => {
  it("gives every deferred prompt the same score, so they take their calls at random among themselves", () => {
    // p0 and p1 deferred at 0.6 come after p2 (0.7) and before p3 (0.3); the two calls they share gain
    // one prompt each, in whichever order a coin would pick.
    const deferring = withDeferral(scores, [true, true, false, false, false], 0.6);
    expect(deferring).toEqual([0.6, 0.6, 0.7, 0.3, 0.1]);
    const curve = qualityCostCurve(outcomes, deferring);
    expect(curve.accuracies.map((value) => Number(value.toFixed(12)))).toEqual([
      0.4, 0.4, 0.6, 0.8, 0.6, 0.6,
    ]);
  });

  it("turns a router that defers everything into the random router", () => {
    const curve = qualityCostCurve(
      outcomes,
      withDeferral(
        scores,
        outcomes.map(() => true),
        0.3,
      ),
    );
    expect(averagePerformanceGapRecovered(curve)).toBeCloseTo(0.5, 12);
  });

  it("takes one tie score per prompt when folds of different routers are pooled", () => {
    expect(withDeferral([0.9, 0.8], [true, true], [0.2, 0.4])).toEqual([0.2, 0.4]);
  });
});

describe("APGR and CPT", () => {
  const curve = qualityCostCurve(outcomes, scores);

  it("APGR is the trapezoid area under PGR against the share of strong calls", () => {
    // (1/5) × [(0+1)/2 + (1+1)/2 + (1+2)/2 + (2+1)/2 + (1+1)/2] = 5.5 / 5
    expect(averagePerformanceGapRecovered(curve)).toBeCloseTo(1.1, 12);
    // The decile grid holds every breakpoint of this curve, so it gives the same area.
    expect(averagePerformanceGapRecovered(curve, 10)).toBeCloseTo(1.1, 12);
    // Two intervals (shares 0, 0.5, 1 → PGR 0, 1.5, 1: area 1.0) miss the peak.
    expect(averagePerformanceGapRecovered(curve, 2)).toBeCloseTo(1.0, 12);
  });

  it("CPT(x) is the smallest share of strong calls whose PGR reaches x, interpolated within a prompt", () => {
    expect(callPerformanceThreshold(curve, 0.5)).toBeCloseTo(0.1, 12);
    expect(callPerformanceThreshold(curve, 0.8)).toBeCloseTo(0.16, 12);
    // PGR 1.5 is first reached halfway through the third call (k from 2 to 3), not later.
    expect(callPerformanceThreshold(curve, 1.5)).toBeCloseTo(2.5 / 5, 12);
  });

  it("is undefined when both models are equally accurate", () => {
    const tied = qualityCostCurve([outcomes[0], outcomes[3]] as typeof outcomes, [1, 0]);
    expect(averagePerformanceGapRecovered(tied)).toBeNaN();
    expect(callPerformanceThreshold(tied, 0.5)).toBeNaN();
  });
});

describe("costRelativeToStrong", () => {
  it("charges strong calls at full price and weak calls at the price ratio", () => {
    expect(costRelativeToStrong(0.25, 1, 100)).toBeCloseTo(0.25 + 0.75 * 0.01, 12);
    expect(costRelativeToStrong(1, 1, 100)).toBe(1);
  });
});
