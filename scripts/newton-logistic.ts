// L2-regularised logistic regression by Newton's method: the exact optimum in a handful of passes
// over the rows, which makes it cheap enough to fit the learned router many times over while
// cross-validation chooses its target and regularisation. Deterministic; feature 0 is the bias and is
// not regularised.

/** Weights minimising mean log-loss + (l2 / 2)·|w without the bias|² over `rows` (each starting with 1). */
export function fitLogisticNewton(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  l2: number,
  maxIterations = 50,
): number[] {
  const dimensions = rows[0]?.length ?? 0;
  const weights = new Array<number>(dimensions).fill(0);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const gradient = new Array<number>(dimensions).fill(0);
    const hessian = Array.from({ length: dimensions }, () => new Array<number>(dimensions).fill(0));
    for (let row = 0; row < rows.length; row++) {
      const features = rows[row] as readonly number[];
      let z = 0;
      for (let d = 0; d < dimensions; d++) z += (weights[d] as number) * (features[d] as number);
      const probability = 1 / (1 + Math.exp(-z));
      const error = (probability - (labels[row] as number)) / rows.length;
      const curvature = (probability * (1 - probability)) / rows.length;
      for (let i = 0; i < dimensions; i++) {
        const x = features[i] as number;
        gradient[i] = (gradient[i] as number) + error * x;
        const line = hessian[i] as number[];
        for (let j = 0; j <= i; j++) line[j] = (line[j] as number) + curvature * x * (features[j] as number);
      }
    }
    for (let i = 0; i < dimensions; i++) {
      const line = hessian[i] as number[];
      // A tiny ridge on the bias too keeps the system solvable when a class is absent.
      line[i] = (line[i] as number) + (i === 0 ? 1e-9 : l2);
      if (i > 0) gradient[i] = (gradient[i] as number) + l2 * (weights[i] as number);
      for (let j = 0; j < i; j++) (hessian[j] as number[])[i] = line[j] as number;
    }
    const step = solve(hessian, gradient);
    let largest = 0;
    for (let d = 0; d < dimensions; d++) {
      weights[d] = (weights[d] as number) - (step[d] as number);
      largest = Math.max(largest, Math.abs(step[d] as number));
    }
    if (largest < 1e-9) break;
  }
  return weights;
}

/** Solves `matrix · x = vector` by Gaussian elimination with partial pivoting. */
function solve(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((line, index) => [...line, vector[index] as number]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) {
      if (Math.abs(rows[row]?.[column] as number) > Math.abs(rows[pivot]?.[column] as number)) pivot = row;
    }
    [rows[column], rows[pivot]] = [rows[pivot] as number[], rows[column] as number[]];
    const top = rows[column] as number[];
    const divisor = (top[column] as number) || 1e-12;
    for (let row = 0; row < size; row++) {
      const line = rows[row] as number[];
      if (row === column || line[column] === 0) continue;
      const factor = (line[column] as number) / divisor;
      for (let k = column; k <= size; k++) line[k] = (line[k] as number) - factor * (top[k] as number);
    }
  }
  return rows.map((line, index) => (line[size] as number) / ((line[index] as number) || 1e-12));
}
