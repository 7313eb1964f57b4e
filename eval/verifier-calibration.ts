// Calibrations fitted on the verifier's own signals, for evaluation: (1) the coverage threshold of the
// shipped rules, chosen for macro-F1; (2) a one-vs-rest logistic regression per verdict over the
// signals (coverage, negation, antonym, number, date and name flags), the most likely verdict wins.
import { fitLogistic } from "../scripts/logistic.js";
import { type LogisticModel, probability } from "../src/answer/sentence-features.js";
import { type Verdict, type VerificationSignals, verificationFrom } from "../src/answer/verify/verifier.js";
import { classificationScores } from "./classification-metrics.js";

export const verdicts = ["supported", "unsupported", "contradicted"] as const satisfies readonly Verdict[];

export const calibrationFeatureNames = [
  "bias",
  "coverage",
  "negated",
  "negationMismatch",
  "antonym",
  "numberConflict",
  "missingNumber",
  "dateConflict",
  "missingDate",
  "missingNames",
  "words",
] as const;

const flag = (value: boolean) => (value ? 1 : 0);

/** The feature vector of one sentence's signals, in the order of `calibrationFeatureNames`. */
export function calibrationFeatures(signals: VerificationSignals): number[] {
  return [
    1,
    signals.coverage,
    flag(signals.negated),
    flag(signals.negationMismatch !== null),
    flag(signals.antonyms.length > 0),
    flag(signals.numberConflicts.length > 0),
    flag(signals.missingNumbers.length > 0),
    flag(signals.dateConflicts.length > 0),
    flag(signals.missingDates.length > 0),
    Math.min(signals.missingNames.length, 3) / 3,
    Math.min(signals.words, 20) / 20,
  ];
}

export type VerdictCalibration = Record<Verdict, LogisticModel>;

/** One logistic regression per verdict (that verdict against the other two). */
export function fitVerdictCalibration(
  vectors: readonly number[][],
  gold: readonly Verdict[],
): VerdictCalibration {
  const oneAgainstRest = (verdict: Verdict): LogisticModel => ({
    features: calibrationFeatureNames,
    weights: fitLogistic(
      vectors,
      gold.map((label) => flag(label === verdict)),
    ),
  });
  return {
    supported: oneAgainstRest("supported"),
    unsupported: oneAgainstRest("unsupported"),
    contradicted: oneAgainstRest("contradicted"),
  };
}

export function calibratedVerdict(calibration: VerdictCalibration, vector: number[]): Verdict {
  let best: Verdict = "unsupported";
  let bestProbability = -1;
  for (const verdict of verdicts) {
    const value = probability(calibration[verdict], vector);
    if (value > bestProbability) {
      best = verdict;
      bestProbability = value;
    }
  }
  return best;
}

export const minCoverageGrid = Array.from({ length: 15 }, (_, index) =>
  Number((0.25 + index * 0.05).toFixed(2)),
);

/** The shipped rules' coverage threshold with the best macro-F1 on these examples (ties: the lower). */
export function fitMinCoverage(signals: readonly VerificationSignals[], gold: readonly Verdict[]): number {
  let best = { minCoverage: 0.7, macroF1: -1 };
  for (const minCoverage of minCoverageGrid) {
    const predicted = signals.map((each) => verificationFrom(each, { minCoverage }).verdict);
    const { macroF1 } = classificationScores(verdicts, gold, predicted);
    if (macroF1 > best.macroF1 + 1e-12) best = { minCoverage, macroF1 };
  }
  return best.minCoverage;
}
