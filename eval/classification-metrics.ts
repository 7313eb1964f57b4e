// Scores of a classifier against gold labels: confusion matrix, accuracy, per-class precision,
// recall and F1, and their unweighted mean (macro-F1), as scikit-learn defines them.

export interface ClassScores<Label extends string> {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  /** Gold examples of this class. */
  support: number;
  /** Examples predicted as this class. */
  predicted: number;
}

export interface ClassificationScores<Label extends string> {
  labels: readonly Label[];
  /** `matrix[gold][predicted]`, rows and columns in the order of `labels`. */
  matrix: number[][];
  total: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassScores<Label>[];
}

/** Scores paired gold and predicted labels; a class never predicted (or never present) scores 0, not NaN. */
export function classificationScores<Label extends string>(
  labels: readonly Label[],
  gold: readonly Label[],
  predicted: readonly Label[],
): ClassificationScores<Label> {
  if (gold.length !== predicted.length) {
    throw new Error(`${gold.length} gold labels but ${predicted.length} predictions`);
  }
  const matrix = labels.map(() => labels.map(() => 0));
  gold.forEach((label, index) => {
    const row = labels.indexOf(label);
    const column = labels.indexOf(predicted[index] as Label);
    if (row < 0 || column < 0) throw new Error(`unknown label "${row < 0 ? label : predicted[index]}"`);
    (matrix[row] as number[])[column] = ((matrix[row] as number[])[column] as number) + 1;
  });
  return scoresOfMatrix(labels, matrix);
}

/** Scores of a confusion matrix `matrix[gold][predicted]`. */
export function scoresOfMatrix<Label extends string>(
  labels: readonly Label[],
  matrix: number[][],
): ClassificationScores<Label> {
  const cell = (row: number, column: number) => matrix[row]?.[column] ?? 0;
  const total = matrix.flat().reduce((sum, count) => sum + count, 0);
  const perClass = labels.map((label, index) => {
    const hits = cell(index, index);
    const support = labels.reduce((sum, _, column) => sum + cell(index, column), 0);
    const predicted = labels.reduce((sum, _, row) => sum + cell(row, index), 0);
    const precision = predicted > 0 ? hits / predicted : 0;
    const recall = support > 0 ? hits / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support, predicted };
  });
  const correct = labels.reduce((sum, _, index) => sum + cell(index, index), 0);
  return {
    labels,
    matrix,
    total,
    accuracy: total > 0 ? correct / total : 0,
    macroF1: perClass.reduce((sum, scores) => sum + scores.f1, 0) / Math.max(1, labels.length),
    perClass,
  };
}
