// Fitting the learned router, shared by `npm run fit:router` (which writes the committed weights) and
// `npm run eval:routing` (which fits in-process on a training folder): a vocabulary of the training
// prompts, standardised prompt features, and a logistic regression for "the weak model is right".
import { foldsById } from "../eval/folds.js";
import type { RoutingData, RoutingExample } from "../eval/routellm-data.js";
import {
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  qualityCostCurve,
} from "../eval/routing-metrics.js";
import { createLearnedRouter, type LearnedRouterModel } from "../src/route/learned/learned-router.js";
import {
  buildPromptVocabulary,
  promptFeatureNames,
  promptFeatures,
} from "../src/route/learned/prompt-features.js";
import { fitLogistic } from "./logistic.js";

export const trainingDefaults = { l2: 0.001, epochs: 1500, minDocuments: 3, maxWords: 2000 } as const;

export interface CrossValidation {
  folds: number;
  seed: number;
  by: "subject";
  apgr: number;
  cpt50: number;
  cpt80: number;
}

/** Fits the scoring part of the weights on `examples`. Deterministic: same examples, same weights. */
export function fitRouterModel(examples: readonly RoutingExample[]): LearnedRouterModel {
  const { minDocuments, maxWords, l2, epochs } = trainingDefaults;
  const vocabulary = buildPromptVocabulary(
    examples.map((example) => example.prompt),
    { minDocuments, maxWords },
  );
  const rows = examples.map((example) => promptFeatures(example.prompt, vocabulary));
  const dimensions = promptFeatureNames.length;
  const mean = new Array<number>(dimensions).fill(0);
  const scale = new Array<number>(dimensions).fill(0);
  for (const row of rows)
    for (let d = 0; d < dimensions; d++) mean[d] = (mean[d] as number) + (row[d] as number) / rows.length;
  for (const row of rows) {
    for (let d = 0; d < dimensions; d++)
      scale[d] = (scale[d] as number) + ((row[d] as number) - (mean[d] as number)) ** 2 / rows.length;
  }
  // A feature constant in training (standard deviation 0) keeps scale 1 and so contributes nothing.
  const deviations = scale.map((variance) => (variance > 1e-12 ? Math.sqrt(variance) : 1));
  const standardised = rows.map((row) => [
    1,
    ...row.map((value, d) => (value - (mean[d] as number)) / (deviations[d] as number)),
  ]);
  const fitted = fitLogistic(
    standardised,
    examples.map((example) => (example.weakCorrect ? 1 : 0)),
    l2,
    epochs,
  );
  const words = [...vocabulary.frequencies.keys()];
  return {
    features: [...promptFeatureNames],
    scaling: { mean: mean.map(round), scale: deviations.map(round) },
    intercept: round(fitted[0] as number),
    coefficients: fitted.slice(1).map(round),
    vocabulary: {
      documents: vocabulary.documents,
      minDocuments,
      words,
      documentFrequencies: words.map((word) => vocabulary.frequencies.get(word) as number),
    },
  };
}

/**
 * Cross-validation by subject on the training data: each fold of subjects scored by a model fitted on
 * the others, so the figures say how the router does on subjects it never saw. Null with fewer than
 * two subjects.
 */
export function crossValidateBySubject(data: RoutingData, folds = 4, seed = 1): CrossValidation | null {
  const count = Math.min(folds, data.subjects.length);
  if (count < 2) return null;
  const foldOf = foldsById(data.subjects, count, seed);
  const escalation = new Array<number>(data.examples.length).fill(0);
  for (let held = 0; held < count; held++) {
    const inFold = (example: RoutingExample) => foldOf.get(example.subject) === held;
    const router = createLearnedRouter(fitRouterModel(data.examples.filter((example) => !inFold(example))));
    data.examples.forEach((example, index) => {
      if (inFold(example)) escalation[index] = 1 - router.weakSuccessProbability(example.prompt);
    });
  }
  const curve = qualityCostCurve(data.examples, escalation);
  return {
    folds: count,
    seed,
    by: "subject",
    apgr: round(averagePerformanceGapRecovered(curve)),
    cpt50: round(callPerformanceThreshold(curve, 0.5)),
    cpt80: round(callPerformanceThreshold(curve, 0.8)),
  };
}

/** Six significant digits: enough for the model, and a weights file that diffs readably. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
