// Exact neighbours by a plain JavaScript scan, and recall against them: the check on the exact top 10
// that bench/vectors.ts takes from Verity's float32 space (or its fallback when that space did not run).
import { dimensions, readVectors, vectorBatches } from "./dataset.js";

export interface Neighbour {
  row: number;
  /** Dot product, which is the cosine for the unit vectors of the data set. */
  score: number;
}

/** The `limit` nearest of the first `count` rows for each of the first `queries` query vectors. */
export function exactNeighbours(
  vectorsPath: string,
  count: number,
  queriesPath: string,
  queries: number,
  limit: number,
): Neighbour[][] {
  const probes = readVectors(queriesPath, 0, queries);
  const best: Neighbour[][] = Array.from({ length: queries }, () => []);
  // One pass over the rows for all queries: the scan is bound by reading the file, not by the queries.
  for (const { start, vectors } of vectorBatches(vectorsPath, count)) {
    for (let query = 0; query < queries; query++) {
      const top = best[query] as Neighbour[];
      const offset = query * dimensions;
      for (let row = 0; row * dimensions < vectors.length; row++) {
        const base = row * dimensions;
        let score = 0;
        for (let i = 0; i < dimensions; i++) {
          score += (probes[offset + i] as number) * (vectors[base + i] as number);
        }
        if (top.length === limit && score <= (top[limit - 1] as Neighbour).score) continue;
        let position = top.length;
        while (position > 0 && (top[position - 1] as Neighbour).score < score) position--;
        top.splice(position, 0, { row: start + row, score });
        if (top.length > limit) top.pop();
      }
    }
  }
  return best;
}

/** Mean share of each query's true neighbours found among its results. */
export function recallAt(
  results: readonly (readonly number[])[],
  truth: readonly (readonly number[])[],
): number {
  let found = 0;
  let wanted = 0;
  truth.forEach((rows, query) => {
    const returned = new Set(results[query] ?? []);
    found += rows.filter((row) => returned.has(row)).length;
    wanted += rows.length;
  });
  return wanted === 0 ? Number.NaN : found / wanted;
}
