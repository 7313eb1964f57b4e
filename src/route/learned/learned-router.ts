// The `learned` routing policy's model: from cheap prompt features, the probability that the weak
// (cheap) model answers correctly; below a threshold the request starts with the strong model. It
// also says how familiar a prompt is (familiarity.ts): a prompt unlike its training data is deferred
// to the cascade rather than guessed at. The weights are fitted offline by `npm run fit:router` and
// committed as weights.json next to this file.

import { z } from "zod";
import { readJsonConfig } from "../../core/config-file.js";
import { VerityError } from "../../core/errors.js";
import { type FamiliarityScore, familiarity } from "./familiarity.js";
import { promptFeatureNames, promptFeatures, promptVocabulary } from "./prompt-features.js";
import committedWeights from "./weights.json" with { type: "json" };

const fitCommand = "npm run fit:router -- --train <folder of RouteLLM-format CSVs> --out <weights.json>";

const summarySchema = z.object({
  apgr: z.number(),
  cpt50: z.number(),
  cpt80: z.number(),
});

export const weightsFormat = "verity-learned-router/2";
/** Format 1 had no familiarity: such weights still route, but never defer. */
const formats = ["verity-learned-router/1", weightsFormat] as const;

const familiaritySchema = z.object({
  /** Each feature's smallest and largest value over the training prompts. */
  low: z.array(z.number()),
  high: z.array(z.number()),
  /** A prompt less familiar than this is deferred to the cascade. */
  threshold: z.number().min(0).max(1),
  /** The share (0–1) of training prompts less familiar than the threshold. */
  percentile: z.number().min(0).max(1),
});

/** Cross-validated figures with deferral at one threshold: its percentile and the share of held-out prompts deferred. */
const deferralSchema = summarySchema.extend({ percentile: z.number(), deferred: z.number() });

const weightsSchema = z
  .object({
    format: z.enum(formats),
    model: z.literal("logistic"),
    /** What the model predicts, in words. */
    predicts: z.string(),
    features: z.array(z.string()).min(1),
    /** Each feature is standardised as (value − mean) / scale before the coefficients apply. */
    scaling: z.object({ mean: z.array(z.number()), scale: z.array(z.number().positive()) }),
    intercept: z.number(),
    coefficients: z.array(z.number()),
    vocabulary: z.object({
      documents: z.number().int().positive(),
      minDocuments: z.number().int().positive(),
      words: z.array(z.string()),
      documentFrequencies: z.array(z.number().int().positive()),
    }),
    familiarity: familiaritySchema.optional(),
    training: z.object({
      data: z.string(),
      weakModel: z.string(),
      strongModel: z.string(),
      subjects: z.array(z.string()),
      heldOutSubjects: z.array(z.string()),
      split: z.string(),
      prompts: z.number().int().positive(),
      weakAccuracy: z.number(),
      strongAccuracy: z.number(),
      l2: z.number(),
      epochs: z.number().int(),
      date: z.string(),
      command: z.string(),
      crossValidation: summarySchema
        .extend({
          folds: z.number().int(),
          seed: z.number().int(),
          by: z.literal("subject"),
          /** The same folds with unfamiliar prompts deferred (scored alike, so at random among themselves), at the chosen threshold. */
          deferral: deferralSchema.optional(),
          /** Every candidate threshold tried. */
          candidates: z.array(deferralSchema).optional(),
        })
        .nullable(),
    }),
  })
  .superRefine((weights, context) => {
    const dimensions = weights.features.length;
    if (weights.format === weightsFormat && !weights.familiarity) {
      context.addIssue({
        code: "custom",
        path: ["familiarity"],
        message: `required in ${weightsFormat} (the training range and the deferral threshold)`,
      });
    }
    for (const [path, length] of [
      ["scaling.mean", weights.scaling.mean.length],
      ["scaling.scale", weights.scaling.scale.length],
      ["coefficients", weights.coefficients.length],
      ...(weights.familiarity
        ? ([
            ["familiarity.low", weights.familiarity.low.length],
            ["familiarity.high", weights.familiarity.high.length],
          ] as const)
        : []),
    ] as const) {
      if (length !== dimensions) {
        context.addIssue({
          code: "custom",
          path: path.split("."),
          message: `${length} values for ${dimensions} features`,
        });
      }
    }
    if (weights.vocabulary.words.length !== weights.vocabulary.documentFrequencies.length) {
      context.addIssue({
        code: "custom",
        path: ["vocabulary", "documentFrequencies"],
        message: `${weights.vocabulary.documentFrequencies.length} frequencies for ${weights.vocabulary.words.length} words`,
      });
    }
  });

export type LearnedRouterWeights = z.infer<typeof weightsSchema>;

/** The part of the weights that scores prompts (the rest records how they were fitted). */
export type LearnedRouterModel = Pick<
  LearnedRouterWeights,
  "features" | "scaling" | "intercept" | "coefficients" | "vocabulary" | "familiarity"
>;

/** The learned router's view of one prompt. */
export interface LearnedAssessment {
  /** Probability (0–1) that the weak model answers the prompt correctly. */
  weakSuccess: number;
  /** How like the training prompts it is, and the threshold below which the router defers; undefined for format-1 weights. */
  familiarity: (FamiliarityScore & { threshold: number }) | undefined;
}

/**
 * The weak model's chance on a question, as route plans take it. The learned router's carries
 * `assess` too, so that a plan can defer a question unlike the training data to the cascade; a plain
 * function (a test's, a caller's own estimate) is never deferred.
 */
export type WeakModelSuccess = ((question: string) => number) & {
  assess?: (question: string) => LearnedAssessment;
};

export interface LearnedRouter {
  /** Probability (0–1) that the weak model answers `prompt` correctly; carries `assess`. */
  weakSuccessProbability: WeakModelSuccess & { assess: (prompt: string) => LearnedAssessment };
  /** The probability and the familiarity together, from one pass over the prompt. */
  assess(prompt: string): LearnedAssessment;
}

/** Checks a parsed weights object; `origin` (a file path) names it in errors. */
export function parseLearnedRouterWeights(
  value: unknown,
  origin = "learned router weights",
): LearnedRouterWeights {
  const result = weightsSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
    throw new VerityError(
      "E_CONFIG",
      `${origin} are not valid learned router weights: ${problems.join("; ")}. Refit them with ${fitCommand}.`,
    );
  }
  const expected = promptFeatureNames.join(",");
  if (result.data.features.join(",") !== expected) {
    const missing = promptFeatureNames.filter((name) => !result.data.features.includes(name));
    const extra = result.data.features.filter(
      (name) => !(promptFeatureNames as readonly string[]).includes(name),
    );
    throw new VerityError(
      "E_CONFIG",
      `${origin} were fitted for other prompt features than this version computes (missing: ${missing.join(", ") || "none"}; unknown: ${extra.join(", ") || "none"}; or a different order). Refit them with ${fitCommand}.`,
    );
  }
  return result.data;
}

/** Reads and checks a weights file written by `npm run fit:router`. */
export function loadLearnedRouterWeights(path: string): LearnedRouterWeights {
  const value = readJsonConfig(path, "learned router weights", `Fit them with ${fitCommand}.`);
  return parseLearnedRouterWeights(value, path);
}

let committed: LearnedRouterWeights | undefined;

/** The weights committed with Verity (src/route/learned/weights.json), checked on first use. */
export function committedLearnedRouterWeights(): LearnedRouterWeights {
  committed ??= parseLearnedRouterWeights(committedWeights, "src/route/learned/weights.json");
  return committed;
}

export function createLearnedRouter(
  weights: LearnedRouterModel = committedLearnedRouterWeights(),
): LearnedRouter {
  const vocabulary = promptVocabulary(
    weights.vocabulary.documents,
    new Map(
      weights.vocabulary.words.map((word, index) => [
        word,
        weights.vocabulary.documentFrequencies[index] as number,
      ]),
    ),
  );
  const { mean, scale } = weights.scaling;
  const probability = (features: readonly number[]) => {
    let z = weights.intercept;
    for (let index = 0; index < features.length; index++) {
      z +=
        (weights.coefficients[index] as number) *
        (((features[index] as number) - (mean[index] as number)) / (scale[index] as number));
    }
    return 1 / (1 + Math.exp(-z));
  };
  const range = weights.familiarity;
  const assess = (prompt: string): LearnedAssessment => {
    const features = promptFeatures(prompt, vocabulary);
    return {
      weakSuccess: probability(features),
      familiarity: range ? { ...familiarity(features, range, scale), threshold: range.threshold } : undefined,
    };
  };
  const weakSuccessProbability = Object.assign(
    (prompt: string) => probability(promptFeatures(prompt, vocabulary)),
    { assess },
  );
  return { weakSuccessProbability, assess };
}
