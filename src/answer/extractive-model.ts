// Written by scripts/fit-extractive.ts (npm run fit:extractive) from WikiQA train (2118 questions):
// do not edit by hand. Cross-validated question-level answer-triggering F1 on train: 0.344.
import type { ExtractiveModel } from "./sentence-features.js";

export const extractiveModel: ExtractiveModel = {
  sentence: {
    features: [
      "bias",
      "coverage",
      "idfCoverage",
      "bigramCoverage",
      "coverageGap",
      "passageRank",
      "passageScoreRatio",
      "leadSentence",
      "answerType",
      "novelty",
      "length",
      "questionLength",
      "titleCoverage",
      "nonTitleCoverage",
      "definitionLead",
      "globalIdfCoverage",
    ],
    weights: [
      -4.55563, 0.38411, 0.56713, 0.1805, 0.33785, 0.87306, -0.00638, 0.57117, 1.04646, -0.43064, 0.49953,
      -0.49319, -0.3017, 0.59737, 0.81844, 0.27234,
    ],
  },
  trigger: {
    features: [
      "bias",
      "topProbability",
      "margin",
      "relativeMargin",
      "askWhat",
      "askWho",
      "askWhen",
      "askWhere",
      "askHow",
      "askWhich",
      "askWhy",
      "topCoverage",
      "topIdfCoverage",
      "topAnswerType",
      "topGlobalIdfCoverage",
    ],
    weights: [
      -3.77668, 0.30606, 0.55271, 0.77824, 0.09023, -0.53232, 0.201, -0.38978, -0.50616, -0.06445, -0.20301,
      0.56365, 0.7277, 1.04425, 0.77326,
    ],
  },
  threshold: 0.15487,
};
