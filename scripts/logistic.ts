// Logistic regression by full-batch Adam with L2: deterministic and quick for tens of thousands of rows.

export function fitLogistic(
  rows: readonly number[][],
  labels: readonly number[],
  l2 = 0.001,
  epochs = 1500,
): number[] {
  const dimensions = rows[0]?.length ?? 0;
  const weights = new Array<number>(dimensions).fill(0);
  const first = new Array<number>(dimensions).fill(0);
  const second = new Array<number>(dimensions).fill(0);
  const rate = 0.05;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const gradient = new Array<number>(dimensions).fill(0);
    for (let row = 0; row < rows.length; row++) {
      const features = rows[row] as number[];
      let z = 0;
      for (let d = 0; d < dimensions; d++) z += (weights[d] as number) * (features[d] as number);
      const error = 1 / (1 + Math.exp(-z)) - (labels[row] as number);
      for (let d = 0; d < dimensions; d++)
        gradient[d] = (gradient[d] as number) + error * (features[d] as number);
    }
    for (let d = 0; d < dimensions; d++) {
      // The bias (feature 0) is not regularised.
      const g = (gradient[d] as number) / rows.length + (d === 0 ? 0 : l2 * (weights[d] as number));
      first[d] = 0.9 * (first[d] as number) + 0.1 * g;
      second[d] = 0.999 * (second[d] as number) + 0.001 * g * g;
      const corrected = (first[d] as number) / (1 - 0.9 ** epoch);
      const scale = Math.sqrt((second[d] as number) / (1 - 0.999 ** epoch)) + 1e-8;
      weights[d] = (weights[d] as number) - (rate * corrected) / scale;
    }
  }
  return weights;
}
