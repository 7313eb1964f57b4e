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
  type PromptVocabulary,
  promptFeatureNames,
  promptFeatures,
} from "../src/route/learned/prompt-features.js";
import { fitLogisticNewton } from "./newton-logistic.js";

export const trainingDefaults = { minDocuments: 3, maxWords: 2000, repeats: 2 } as const;

/**
 * What the router ranks prompts by. "weak failure": 1 − the weak model's chance (one model).
 * "gain": the strong model's chance minus the weak one's (two models on the same features), what a
 * strong call buys; a subject both models fail gains nothing from it.
 */
export type RouterTarget = "weak failure" | "gain";

export interface RouterCandidate {
  target: RouterTarget;
  l2: number;
}

/**
 * The candidates cross-validation by subject chooses among, the first winning ties: the earlier
 * router (weak failure, light L2) first, then stronger regularisation and the gain target.
 */
export const routerCandidates: readonly RouterCandidate[] = (["weak failure", "gain"] as const).flatMap(
  (target) => [0.001, 0.01, 0.1, 1].map((l2) => ({ target, l2 })),
);

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
  /** How the target and L2 were chosen: each candidate's APGR per held-out fold of subjects. */
  selection: Selection;
}

export interface CandidateSummary extends RouterCandidate {
  /** Mean over the held-out folds (every repeat) of each fold's APGR, its own model ranking unseen subjects. */
  apgr: number;
  /** The worst of those folds. */
  worstFold: number;
}

export interface Selection {
  /** How many times the subjects were dealt into folds (seeds seed, seed + 1…). */
  repeats: number;
  chosen: RouterCandidate;
  candidates: CandidateSummary[];
}

export interface FittedRouter {
  model: LearnedRouterModel;
  crossValidation: CrossValidation | null;
}

/** The model fitted on every example, its target, L2 and deferral threshold chosen by cross-validation by subject. */
export function fitRouter(data: RoutingData, folds = 4, seed = 1): FittedRouter {
  const crossValidation = crossValidateBySubject(data, folds, seed);
  const percentile = crossValidation?.deferral.percentile ?? (familiarityPercentiles[0] as number);
  const candidate = crossValidation?.selection.chosen ?? (routerCandidates[0] as RouterCandidate);
  return { model: fitRouterModel(data.examples, candidate, percentile), crossValidation };
}

/**
 * Fits the scoring part of the weights on `examples` for `candidate`, with the familiarity threshold
 * at `familiarityPercentile` of the training prompts' own familiarity. Deterministic: same examples,
 * same weights.
 */
export function fitRouterModel(
  examples: readonly RoutingExample[],
  candidate: RouterCandidate = routerCandidates[0] as RouterCandidate,
  familiarityPercentile: number = familiarityPercentiles[0],
): LearnedRouterModel {
  const fitted = fitCandidate(standardise(examples), examples, candidate);
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

/** The training prompts' vocabulary and standardised features: what every candidate fits on. */
interface Standardised {
  vocabulary: PromptVocabulary;
  mean: number[];
  scale: number[];
  /** Each prompt's standardised features after a leading 1 (the intercept). */
  rows: number[][];
  range: { low: number[]; high: number[] };
  trainingFamiliarity: number[];
}

function standardise(examples: readonly RoutingExample[]): Standardised {
  const { minDocuments, maxWords } = trainingDefaults;
  const vocabulary = buildPromptVocabulary(
    examples.map((example) => example.prompt),
    { minDocuments, maxWords },
  );
  const raw = examples.map((example) => promptFeatures(example.prompt, vocabulary));
  const dimensions = promptFeatureNames.length;
  const mean = new Array<number>(dimensions).fill(0);
  const variance = new Array<number>(dimensions).fill(0);
  for (const row of raw)
    for (let d = 0; d < dimensions; d++) mean[d] = (mean[d] as number) + (row[d] as number) / raw.length;
  for (const row of raw) {
    for (let d = 0; d < dimensions; d++)
      variance[d] = (variance[d] as number) + ((row[d] as number) - (mean[d] as number)) ** 2 / raw.length;
  }
  // A feature constant in training (standard deviation 0) keeps scale 1 and so contributes nothing.
  const deviations = variance.map((value) => (value > 1e-12 ? Math.sqrt(value) : 1));
  const storedMean = mean.map(round);
  const storedScale = deviations.map(round);
  // The range is stored unrounded, so that every training prompt lies inside it.
  const range = featureRange(raw);
  return {
    vocabulary,
    mean: storedMean,
    scale: storedScale,
    rows: raw.map((row) => [
      1,
      ...row.map((value, d) => (value - (storedMean[d] as number)) / (storedScale[d] as number)),
    ]),
    range,
    trainingFamiliarity: raw.map((row) => familiarity(row, range, storedScale).value),
  };
}

function fitCandidate(
  features: Standardised,
  examples: readonly RoutingExample[],
  candidate: RouterCandidate,
): UnthresholdedFit {
  const fitFor = (label: (example: RoutingExample) => boolean) =>
    fitLogisticNewton(
      features.rows,
      examples.map((example) => (label(example) ? 1 : 0)),
      candidate.l2,
    ).map(round);
  const weak = fitFor((example) => example.weakCorrect);
  const strong = candidate.target === "gain" ? fitFor((example) => example.strongCorrect) : undefined;
  const words = [...features.vocabulary.frequencies.keys()];
  return {
    model: {
      features: [...promptFeatureNames],
      scaling: { mean: features.mean, scale: features.scale },
      intercept: weak[0] as number,
      coefficients: weak.slice(1),
      ...(strong
        ? {
            strong: {
              predicts: "probability that the strong model answers the prompt correctly",
              intercept: strong[0] as number,
              coefficients: strong.slice(1),
            },
          }
        : {}),
      vocabulary: {
        documents: features.vocabulary.documents,
        minDocuments: trainingDefaults.minDocuments,
        words,
        documentFrequencies: words.map((word) => features.vocabulary.frequencies.get(word) as number),
      },
      familiarity: { low: features.range.low, high: features.range.high, threshold: 0, percentile: 0 },
    },
    trainingFamiliarity: features.trainingFamiliarity,
  };
}

/**
 * Cross-validation by subject on the training data: each fold of subjects scored by models fitted on
 * the others, so the figures say how the router does on subjects it never saw. A router's risk is a
 * wrong guess about a whole unseen subject, so each candidate (target and L2) is judged as the
 * held-out evaluation judges it: one model ranking one fold of unseen subjects, APGR per fold,
 * averaged over the folds of `trainingDefaults.repeats` deals of the subjects; the best mean wins.
 * Then, for the chosen candidate, each deferral threshold with the fold's unfamiliar prompts scored
 * alike. Null with fewer than two subjects.
 */
export function crossValidateBySubject(data: RoutingData, folds = 4, seed = 1): CrossValidation | null {
  const count = Math.min(folds, data.subjects.length);
  if (count < 2) return null;
  const perFold = routerCandidates.map(() => [] as number[]);
  // From the first deal, every candidate's pooled scores, for the figures and the deferral threshold.
  const escalation = routerCandidates.map(() => new Array<number>(data.examples.length).fill(0));
  const familiarityOf = routerCandidates.map(() => new Array<number>(data.examples.length).fill(1));
  const thresholds: number[][][] = routerCandidates.map(() => []);
  const tied = routerCandidates.map(() => [] as number[]);
  const firstFold: number[] = [];
  for (let repeat = 0; repeat < trainingDefaults.repeats; repeat++) {
    const foldOf = foldsById(data.subjects, count, seed + repeat);
    const fold = data.examples.map((example) => foldOf.get(example.subject) as number);
    if (repeat === 0) firstFold.push(...fold);
    for (let held = 0; held < count; held++) {
      const training = data.examples.filter((_, index) => fold[index] !== held);
      const heldOut = data.examples.flatMap((_, index) => (fold[index] === held ? [index] : []));
      const features = standardise(training);
      routerCandidates.forEach((candidate, which) => {
        const fitted = fitCandidate(features, training, candidate);
        const router = createLearnedRouter(fitted.model);
        const scores = heldOut.map((index) => {
          const assessment = router.assess((data.examples[index] as RoutingExample).prompt);
          if (repeat === 0) {
            (escalation[which] as number[])[index] = assessment.escalation;
            (familiarityOf[which] as number[])[index] = assessment.familiarity?.value ?? 1;
          }
          return assessment.escalation;
        });
        (perFold[which] as number[]).push(
          averagePerformanceGapRecovered(
            qualityCostCurve(
              heldOut.map((index) => data.examples[index] as RoutingExample),
              scores,
            ),
          ),
        );
        if (repeat === 0) {
          (thresholds[which] as number[][]).push(
            familiarityPercentiles.map((percentile) => quantile(fitted.trainingFamiliarity, percentile)),
          );
          (tied[which] as number[]).push(deferredEscalation(training, candidate.target));
        }
      });
    }
  }
  const summaries: CandidateSummary[] = routerCandidates.map((candidate, which) => {
    const apgrs = (perFold[which] as number[]).filter((value) => !Number.isNaN(value));
    return {
      ...candidate,
      apgr: round(apgrs.reduce((sum, value) => sum + value, 0) / apgrs.length),
      worstFold: round(Math.min(...apgrs)),
    };
  });
  // Rounded as reported, so that a difference too small to print never buys a change.
  const best = summaries.reduce((top, candidate) => (candidate.apgr > top.apgr + 5e-4 ? candidate : top));
  const chosen = summaries.indexOf(best);
  const summary = (scores: readonly number[]) => {
    const curve = qualityCostCurve(data.examples, scores);
    return {
      apgr: round(averagePerformanceGapRecovered(curve)),
      cpt50: round(callPerformanceThreshold(curve, 0.5)),
      cpt80: round(callPerformanceThreshold(curve, 0.8)),
    };
  };
  const chosenEscalation = escalation[chosen] as number[];
  const candidates = familiarityPercentiles.map((percentile, candidate) => {
    const deferred = data.examples.map(
      (_, index) =>
        ((familiarityOf[chosen] as number[])[index] as number) <
        ((thresholds[chosen] as number[][])[firstFold[index] as number]?.[candidate] as number),
    );
    const scores = withDeferral(
      chosenEscalation,
      deferred,
      data.examples.map((_, index) => (tied[chosen] as number[])[firstFold[index] as number] as number),
    );
    return {
      percentile,
      deferred: round(deferred.filter(Boolean).length / deferred.length),
      ...summary(scores),
    };
  });
  const deferral = candidates.reduce((top, candidate) =>
    candidate.apgr > top.apgr + 5e-4 ? candidate : top,
  );
  return {
    folds: count,
    seed,
    by: "subject",
    ...summary(chosenEscalation),
    deferral,
    candidates,
    selection: {
      repeats: trainingDefaults.repeats,
      chosen: { target: best.target, l2: best.l2 },
      candidates: summaries,
    },
  };
}

/**
 * The escalation score a deferred prompt gets: what a router that knows nothing of the prompt would
 * estimate from the training prompts, their rate of weak-model failures or, for the gain target, the
 * strong model's accuracy minus the weak one's. Every deferred prompt gets the same score, so the tie
 * rule orders them at random among themselves.
 */
export function deferredEscalation(training: readonly RoutingExample[], target: RouterTarget): number {
  const rate = (right: (example: RoutingExample) => boolean) =>
    training.filter(right).length / training.length;
  const weak = rate((example) => example.weakCorrect);
  return target === "gain" ? rate((example) => example.strongCorrect) - weak : 1 - weak;
}

/** Six significant digits: enough for the model, and a weights file that diffs readably. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
