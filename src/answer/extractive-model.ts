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
      -4.56901, 0.3819, 0.56654, 0.17868, 0.34082, 0.86196, 0.0239, 0.571, 1.04451, -0.42884, 0.50345,
      -0.49647, -0.30683, 0.59804, 0.82223, 0.26982,
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
      -3.75112, 0.29086, 0.56124, 0.76191, 0.09466, -0.52649, 0.20122, -0.38612, -0.50754, -0.06448, -0.20417,
      0.55574, 0.73778, 1.02152, 0.77799,
    ],
  },
  threshold: 0.15534,
};
