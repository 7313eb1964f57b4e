// Fitting the learned router, shared by `npm run fit:router` (which writes the committed weights) and
// `npm run eval:routing` (which fits in-process on a training folder): a vocabulary of the training
// prompts, standardised prompt features, a logistic regression for "the weak model is right", and the
// familiarity threshold below which the router defers to the cascade, chosen on the training subjects
// alone by cross-validation by subject.

import { quantile } from "../bench/report.js";
import { foldsById } from "../eval/folds.js";
import type { RoutingData, RoutingExample } from "../eval/routellm-data.js";
import {
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  qualityCostCurve,
  withDeferral,
} from "../eval/routing-metrics.js";
import { familiarity, featureRange } from "../src/route/learned/familiarity.js";
import { createLearnedRouter, type LearnedRouterModel } from "../src/route/learned/learned-router.js";
import {
  buildPromptVocabulary,
  promptFeatureNames,
  promptFeatures,
} from "../src/route/learned/prompt-features.js";
import { fitLogistic } from "./logistic.js";

export const trainingDefaults = { l2: 0.001, epochs: 1500, minDocuments: 3, maxWords: 2000 } as const;

/**
 * Candidate thresholds for deferral, as shares of the training prompts less familiar than the
 * threshold; cross-validation by subject chooses one. The smallest still defers every prompt far
 * outside the training data (a question without answer options, to a router fitted on exams).
 */
export const familiarityPercentiles = [0.01, 0.025, 0.05, 0.1, 0.2] as const;

export interface DeferralSummary {
  /** Share (0–1) of the training prompts less familiar than the threshold. */
  percentile: number;
  /** Share (0–1) of the held-out prompts deferred. */
  deferred: number;
  apgr: number;
  cpt50: number;
  cpt80: number;
}

export interface CrossValidation {
  folds: number;
  seed: number;
  by: "subject";
  apgr: number;
  cpt50: number;
  cpt80: number;
  /** At the chosen percentile: the one whose deferral gives the highest APGR (the smaller on a tie). */
  deferral: DeferralSummary;
  /** Every candidate percentile, in order. */
  candidates: DeferralSummary[];
}

export interface FittedRouter {
  model: LearnedRouterModel;
  crossValidation: CrossValidation | null;
}

/** The model fitted on every example, its deferral threshold chosen by cross-validation by subject. */
export function fitRouter(data: RoutingData, folds = 4, seed = 1): FittedRouter {
  const crossValidation = crossValidateBySubject(data, folds, seed);
  const percentile = crossValidation?.deferral.percentile ?? (familiarityPercentiles[0] as number);
  return { model: fitRouterModel(data.examples, percentile), crossValidation };
}

/**
 * Fits the scoring part of the weights on `examples`, with the familiarity threshold at
 * `familiarityPercentile` of the training prompts' own familiarity. Deterministic: same examples,
 * same weights.
 */
export function fitRouterModel(
  examples: readonly RoutingExample[],
  familiarityPercentile: number = familiarityPercentiles[0],
): LearnedRouterModel {
  const fitted = fitUnthresholded(examples);
  return withThreshold(fitted, familiarityPercentile);
}

interface UnthresholdedFit {
  model: LearnedRouterModel & { familiarity: NonNullable<LearnedRouterModel["familiarity"]> };
  /** The familiarity of each training prompt, as the fitted router measures it. */
  trainingFamiliarity: number[];
}

function withThreshold(fitted: UnthresholdedFit, percentile: number): LearnedRouterModel {
  return {
    ...fitted.model,
    familiarity: {
      ...fitted.model.familiarity,
      threshold: round(quantile(fitted.trainingFamiliarity, percentile)),
      percentile,
    },
  };
}

function fitUnthresholded(examples: readonly RoutingExample[]): UnthresholdedFit {
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
  const storedScale = deviations.map(round);
  // The range is stored unrounded, so that every training prompt lies inside it.
  const range = featureRange(rows);
  return {
    model: {
      features: [...promptFeatureNames],
      scaling: { mean: mean.map(round), scale: storedScale },
      intercept: round(fitted[0] as number),
      coefficients: fitted.slice(1).map(round),
      vocabulary: {
        documents: vocabulary.documents,
        minDocuments,
        words,
        documentFrequencies: words.map((word) => vocabulary.frequencies.get(word) as number),
      },
      familiarity: { low: range.low, high: range.high, threshold: 0, percentile: 0 },
    },
    trainingFamiliarity: rows.map((row) => familiarity(row, range, storedScale).value),
  };
}

/**
 * Cross-validation by subject on the training data: each fold of subjects scored by a model fitted on
 * the others, so the figures say how the router does on subjects it never saw; with each candidate
 * deferral threshold, the fold's unfamiliar prompts scored alike. Null with fewer than two subjects.
 */
export function crossValidateBySubject(data: RoutingData, folds = 4, seed = 1): CrossValidation | null {
  const count = Math.min(folds, data.subjects.length);
  if (count < 2) return null;
  const foldOf = foldsById(data.subjects, count, seed);
  const escalation = new Array<number>(data.examples.length).fill(0);
  const familiarityOf = new Array<number>(data.examples.length).fill(0);
  const fold = data.examples.map((example) => foldOf.get(example.subject) as number);
  const thresholds: number[][] = [];
  const tied: number[] = [];
  for (let held = 0; held < count; held++) {
    const training = data.examples.filter((_, index) => fold[index] !== held);
    const fitted = fitUnthresholded(training);
    thresholds.push(
      familiarityPercentiles.map((percentile) => quantile(fitted.trainingFamiliarity, percentile)),
    );
    tied.push(deferredEscalation(training));
    const router = createLearnedRouter(fitted.model);
    data.examples.forEach((example, index) => {
      if (fold[index] !== held) return;
      const assessment = router.assess(example.prompt);
      escalation[index] = 1 - assessment.weakSuccess;
      familiarityOf[index] = assessment.familiarity?.value ?? 1;
    });
  }
  const summary = (scores: readonly number[]) => {
    const curve = qualityCostCurve(data.examples, scores);
    return {
      apgr: round(averagePerformanceGapRecovered(curve)),
      cpt50: round(callPerformanceThreshold(curve, 0.5)),
      cpt80: round(callPerformanceThreshold(curve, 0.8)),
    };
  };
  const candidates = familiarityPercentiles.map((percentile, candidate) => {
    const deferred = data.examples.map(
      (_, index) =>
        (familiarityOf[index] as number) < (thresholds[fold[index] as number]?.[candidate] as number),
    );
    const scores = withDeferral(
      escalation,
      deferred,
      data.examples.map((_, index) => tied[fold[index] as number] as number),
    );
    return {
      percentile,
      deferred: round(deferred.filter(Boolean).length / deferred.length),
      ...summary(scores),
    };
  });
  // Rounded as reported, so that a difference too small to print never buys more deferral.
  const chosen = candidates.reduce((best, candidate) =>
    candidate.apgr > best.apgr + 5e-4 ? candidate : best,
  );
  return { folds: count, seed, by: "subject", ...summary(escalation), deferral: chosen, candidates };
}

/**
 * The escalation score a deferred prompt gets: the training prompts' rate of weak-model failures,
 * what a router that knows nothing of the prompt would estimate. Every deferred prompt gets the same
 * score, so the tie rule orders them at random among themselves.
 */
export function deferredEscalation(training: readonly RoutingExample[]): number {
  return training.filter((example) => !example.weakCorrect).length / training.length;
}

/** Six significant digits: enough for the model, and a weights file that diffs readably. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
