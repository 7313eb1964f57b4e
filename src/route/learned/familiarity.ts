// How much a prompt looks like the prompts the learned router was fitted on, from 0 (nothing alike)
// to 1: the share of its content words the training vocabulary knows, discounted for every feature
// that lies outside the range the training prompts spanned. A logistic regression extrapolates
// linearly outside that range, and a question it has never seen the like of gets a confident
// probability that means nothing; the router defers such questions to the cascade instead.
import { promptFeatureNames } from "./prompt-features.js";

/** Each feature's smallest and largest value over the training prompts, in `promptFeatureNames` order. */
export interface FeatureRange {
  low: readonly number[];
  high: readonly number[];
}

export interface FamiliarityScore {
  /** 0–1: `knownWords` × exp(−the distance outside the training range, in feature scales). */
  value: number;
  /** Share (0–1) of the prompt's content words that the training vocabulary holds. */
  knownWords: number;
  /** The features whose value lies outside the training range, by name. */
  outside: string[];
}

const rareWordShare = promptFeatureNames.indexOf("rareWordShare");

/** The range each feature spans over `rows` (one row of features per training prompt). */
export function featureRange(rows: readonly (readonly number[])[]): { low: number[]; high: number[] } {
  const dimensions = rows[0]?.length ?? 0;
  const low = new Array<number>(dimensions).fill(Number.POSITIVE_INFINITY);
  const high = new Array<number>(dimensions).fill(Number.NEGATIVE_INFINITY);
  for (const row of rows) {
    for (let d = 0; d < dimensions; d++) {
      const value = row[d] as number;
      if (value < (low[d] as number)) low[d] = value;
      if (value > (high[d] as number)) high[d] = value;
    }
  }
  return { low, high };
}

/**
 * The familiarity of a prompt from its features (`promptFeatures`), the training range and the
 * features' scales (standard deviations over the training prompts). A prompt inside the range scores
 * its share of known words; each scale it lies beyond the range divides that by e.
 */
export function familiarity(
  features: readonly number[],
  range: FeatureRange,
  scale: readonly number[],
): FamiliarityScore {
  let distance = 0;
  const outside: string[] = [];
  for (let d = 0; d < features.length; d++) {
    const value = features[d] as number;
    const beyond = Math.max(0, (range.low[d] as number) - value, value - (range.high[d] as number));
    if (beyond > 0) {
      distance += beyond / (scale[d] as number);
      outside.push(promptFeatureNames[d] ?? `feature ${d}`);
    }
  }
  const knownWords = 1 - (features[rareWordShare] as number);
  return { value: knownWords * Math.exp(-distance), knownWords, outside };
}
