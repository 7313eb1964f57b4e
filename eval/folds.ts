// Cross-validation folds by example id, seeded: the same ids and seed give the same folds on every
// machine and whatever order the file lists them in.
import { mulberry32 } from "../bench/scale-corpus.js";

/** Assigns each id to one of `folds` folds of near-equal size (id → fold, 0-based). */
export function foldsById(ids: readonly string[], folds: number, seed: number): Map<string, number> {
  if (!Number.isInteger(folds) || folds < 2)
    throw new Error(`folds must be an integer of 2 or more, got ${folds}`);
  const order = [...new Set(ids)].sort();
  const random = mulberry32(seed);
  // Fisher–Yates on the sorted ids, then folds dealt round-robin.
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as string, order[index] as string];
  }
  return new Map(order.map((id, position) => [id, position % folds]));
}
