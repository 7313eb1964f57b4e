import { describe, expect, it } from "vitest";
import { fitLogisticNewton } from "./newton-logistic.js";

// Rows start with 1 (the bias); one feature, labels that overlap so the optimum is finite.
const rows = [-2, -1, -0.5, 0, 0.5, 1, 2, 3].map((x) => [1, x]);
const labels = [0, 0, 1, 0, 1, 0, 1, 1];

/** The gradient of mean log-loss + (l2 / 2)·|w without the bias|² at `weights`. */
function gradient(weights: number[], l2: number): number[] {
  const result = weights.map((weight, d) => (d === 0 ? 0 : l2 * weight));
  rows.forEach((row, index) => {
    const z = row.reduce((sum, value, d) => sum + value * (weights[d] as number), 0);
    const error = 1 / (1 + Math.exp(-z)) - (labels[index] as number);
    row.forEach((value, d) => {
      result[d] = (result[d] as number) + (error * value) / rows.length;
    });
  });
  return result;
}

describe("fitLogisticNewton", () => {
  it("reaches the regularised optimum: the gradient vanishes there", () => {
    for (const l2 of [0.001, 0.1, 1]) {
      for (const value of gradient(fitLogisticNewton(rows, labels, l2), l2))
        expect(Math.abs(value)).toBeLessThan(1e-9);
    }
  });

  it("shrinks the slope as L2 grows and leaves the bias free", () => {
    const light = fitLogisticNewton(rows, labels, 0.001);
    const heavy = fitLogisticNewton(rows, labels, 10);
    expect(Math.abs(heavy[1] as number)).toBeLessThan(Math.abs(light[1] as number));
    // With the slope near 0, the bias alone fits the base rate: half the labels are 1.
    expect(1 / (1 + Math.exp(-(heavy[0] as number)))).toBeCloseTo(0.5, 1);
  });
});
