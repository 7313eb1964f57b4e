// Answer triggering: given how the candidate sentences scored, is the best one likely to answer the
// question at all? A second small model, so abstention looks at the whole field, not one score.
// Nothing here may depend on how many candidates there are: WikiQA fields are one short article,
// Verity's are a fixed number of retrieved passages, and the model must carry over.
import type { FeatureVector } from "./sentence-features.js";
import { featureNames } from "./sentence-features.js";

export const triggerFeatureNames = [
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
] as const;

const questionWords = ["what", "who", "when", "where", "how", "which", "why"] as const;
const indexOf = (name: (typeof featureNames)[number]) => featureNames.indexOf(name);

/**
 * Features of a question's candidate field: `probabilities` sorted best first, `top` the best
 * candidate's sentence features.
 */
export function triggerFeatures(
  question: string,
  probabilities: readonly number[],
  top: FeatureVector,
): FeatureVector {
  const lower = ` ${question.toLowerCase()} `;
  const best = probabilities[0] ?? 0;
  return [
    1,
    best,
    best - (probabilities[1] ?? 0),
    best > 0 ? 1 - (probabilities[1] ?? 0) / best : 0,
    ...questionWords.map((word) => (lower.startsWith(` ${word}`) || lower.includes(` ${word} `) ? 1 : 0)),
    top[indexOf("coverage")] ?? 0,
    top[indexOf("idfCoverage")] ?? 0,
    top[indexOf("answerType")] ?? 0,
    top[indexOf("globalIdfCoverage")] ?? 0,
  ];
}
