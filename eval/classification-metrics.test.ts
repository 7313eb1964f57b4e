import { describe, expect, it } from "vitest";
import { classificationScores, scoresOfMatrix } from "./classification-metrics.js";

const labels = ["a", "b", "c"] as const;
// Rows gold, columns predicted. Worked by hand:
//   a: precision 5/8, recall 5/8, F1 0.625
//   b: precision 6/9, recall 6/7, F1 0.75
//   c: precision 2/3, recall 2/5, F1 0.5
const matrix = [
  [5, 2, 1],
  [1, 6, 0],
  [2, 1, 2],
];

/** Gold and predicted label lists that produce `matrix`. */
function pairsOf(cells: number[][]) {
  const gold: (typeof labels)[number][] = [];
  const predicted: (typeof labels)[number][] = [];
  for (const [goldIndex, row] of cells.entries()) {
    for (const [predictedIndex, count] of row.entries()) {
      for (let n = 0; n < count; n++) {
        gold.push(labels[goldIndex] as (typeof labels)[number]);
        predicted.push(labels[predictedIndex] as (typeof labels)[number]);
      }
    }
  }
  return { gold, predicted };
}

describe("classificationScores", () => {
  it("computes per-class precision, recall and F1, accuracy and macro-F1 from paired labels", () => {
    const { gold, predicted } = pairsOf(matrix);
    const scores = classificationScores(labels, gold, predicted);
    expect(scores.matrix).toEqual(matrix);
    expect(scores.total).toBe(20);
    expect(scores.accuracy).toBeCloseTo(13 / 20, 12);
    const byLabel = Object.fromEntries(scores.perClass.map((entry) => [entry.label, entry]));
    expect(byLabel.a).toMatchObject({ support: 8, predicted: 8 });
    expect(byLabel.a?.precision).toBeCloseTo(0.625, 12);
    expect(byLabel.a?.f1).toBeCloseTo(0.625, 12);
    expect(byLabel.b).toMatchObject({ support: 7, predicted: 9 });
    expect(byLabel.b?.precision).toBeCloseTo(2 / 3, 12);
    expect(byLabel.b?.recall).toBeCloseTo(6 / 7, 12);
    expect(byLabel.b?.f1).toBeCloseTo(0.75, 12);
    expect(byLabel.c).toMatchObject({ support: 5, predicted: 3 });
    expect(byLabel.c?.recall).toBeCloseTo(0.4, 12);
    expect(byLabel.c?.f1).toBeCloseTo(0.5, 12);
    expect(scores.macroF1).toBeCloseTo((0.625 + 0.75 + 0.5) / 3, 12);
  });

  it("scores a class that is never predicted as 0, not NaN", () => {
    const scores = scoresOfMatrix(labels, [
      [3, 0, 0],
      [1, 2, 0],
      [1, 1, 0],
    ]);
    const c = scores.perClass[2];
    expect(c).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 2, predicted: 0 });
    expect(Number.isNaN(scores.macroF1)).toBe(false);
  });

  it("refuses labels outside the list and lists of different lengths", () => {
    expect(() => classificationScores(labels, ["a"], ["z" as "a"])).toThrow(/unknown label "z"/);
    expect(() => classificationScores(labels, ["a", "b"], ["a"])).toThrow(/2 gold labels but 1/);
  });
});
