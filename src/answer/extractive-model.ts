// Written by scripts/fit-extractive.ts (npm run fit:extractive) from WikiQA train (2118 questions):
// do not edit by hand. Cross-validated question-level answer-triggering F1 on train: 0.346.
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
      -4.55858, 0.38432, 0.56696, 0.17944, 0.33762, 0.87633, -0.00557, 0.5717, 1.04646, -0.43102, 0.49916,
      -0.49326, -0.30147, 0.59713, 0.8172, 0.27237,
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
      -3.756, 0.3372, 0.57093, 0.78085, 0.09003, -0.54026, 0.19902, -0.3931, -0.50542, -0.06639, -0.20245,
      0.54997, 0.74412, 1.06304, 0.7142,
    ],
  },
  threshold: 0.155,
};
