// Written by scripts/fit-extractive.ts (npm run fit:extractive) from WikiQA train (2118 questions):
// do not edit by hand. Cross-validated question-level answer-triggering F1 on train: 0.348.
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
      -4.572, 0.46038, 0.73216, 0.1392, 0.36152, 0.87028, 0.01478, 0.57835, 1.0371, -0.3945, 0.50757,
      -0.57678, -0.20809, 0.52853, 0.70232, 0.28804,
    ],
  },
  trigger: {
    features: [
      "bias",
      "topProbability",
      "margin",
      "candidates",
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
      -3.00647, 0.15344, 1.00943, -1.03788, 0.273, -0.63726, 0.10777, -0.44459, -0.3377, -0.03475, -0.22863,
      0.79709, 0.7325, 1.31698, 0.78653,
    ],
  },
  threshold: 0.19022,
};
