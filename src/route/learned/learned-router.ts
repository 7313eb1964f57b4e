// The `learned` routing policy's model: from cheap prompt features, the probability that the weak
// (cheap) model answers correctly; below a threshold the request starts with the strong model. Weights
// of format 3 also predict the strong model's chance, so that prompts are ranked by what escalating
// them gains (the strong model's chance minus the weak one's), not by the weak model's failures alone:
// a prompt both models fail gains nothing from the strong model. It also says how familiar a prompt is (familiarity.ts): a prompt unlike its training data is deferred
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

export const weightsFormat = "verity-learned-router/3";
/** Format 1 had no familiarity: such weights still route, but never defer. Format 2 had no strong model. */
const formats = ["verity-learned-router/1", "verity-learned-router/2", weightsFormat] as const;

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
    /** The strong model's chance on the same standardised features; absent when cross-validation chose to rank by the weak model's failures alone. */
    strong: z
      .object({ predicts: z.string(), intercept: z.number(), coefficients: z.array(z.number()) })
      .optional(),
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
      /** Format 1 and 2 weights were fitted by gradient descent for a number of epochs; format 3 by Newton's method to the optimum. */
      epochs: z.number().int().optional(),
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
          /** How cross-validation chose what the router ranks by and its L2: each candidate's mean APGR over held-out folds of subjects. */
          selection: z
            .object({
              repeats: z.number().int(),
              chosen: z.object({ target: z.enum(["weak failure", "gain"]), l2: z.number() }),
              candidates: z.array(
                z.object({
                  target: z.enum(["weak failure", "gain"]),
                  l2: z.number(),
                  apgr: z.number(),
                  worstFold: z.number(),
                }),
              ),
            })
            .optional(),
        })
        .nullable(),
    }),
  })
  .superRefine((weights, context) => {
    const dimensions = weights.features.length;
    if (weights.format !== "verity-learned-router/1" && !weights.familiarity) {
      context.addIssue({
        code: "custom",
        path: ["familiarity"],
        message: `required in ${weights.format} (the training range and the deferral threshold)`,
      });
    }
    for (const [path, length] of [
      ["scaling.mean", weights.scaling.mean.length],
      ["scaling.scale", weights.scaling.scale.length],
      ["coefficients", weights.coefficients.length],
      ...(weights.strong ? ([["strong.coefficients", weights.strong.coefficients.length]] as const) : []),
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
  "features" | "scaling" | "intercept" | "coefficients" | "strong" | "vocabulary" | "familiarity"
>;

/** The learned router's view of one prompt. */
export interface LearnedAssessment {
  /** Probability (0–1) that the weak model answers the prompt correctly. */
  weakSuccess: number;
  /**
   * Probability (0–1) that the strong model does, for weights fitted to rank by the gain of a strong
   * call (see `LearnedRouterAssessment.escalation`); undefined for weights that rank by the weak model alone.
   */
  strongSuccess?: number;
  /** How like the training prompts it is, and the threshold below which the router defers; undefined for format-1 weights. */
  familiarity: (FamiliarityScore & { threshold: number }) | undefined;
}

/** The learned router's own assessment: also what escalating the prompt is expected to gain. */
export interface LearnedRouterAssessment extends LearnedAssessment {
  /**
   * What sending the prompt to the strong model is expected to gain, the order in which prompts
   * deserve strong calls: the strong model's chance minus the weak one's, or 1 − the weak model's
   * chance for weights without a strong model.
   */
  escalation: number;
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
  weakSuccessProbability: WeakModelSuccess & { assess: (prompt: string) => LearnedRouterAssessment };
  /** The probabilities, the escalation gain and the familiarity together, from one pass over the prompt. */
  assess(prompt: string): LearnedRouterAssessment;
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
  const logistic = (intercept: number, coefficients: readonly number[]) => (features: readonly number[]) => {
    let z = intercept;
    for (let index = 0; index < features.length; index++) {
      z +=
        (coefficients[index] as number) *
        (((features[index] as number) - (mean[index] as number)) / (scale[index] as number));
    }
    return 1 / (1 + Math.exp(-z));
  };
  const probability = logistic(weights.intercept, weights.coefficients);
  const strong = weights.strong ? logistic(weights.strong.intercept, weights.strong.coefficients) : undefined;
  const range = weights.familiarity;
  const assess = (prompt: string): LearnedRouterAssessment => {
    const features = promptFeatures(prompt, vocabulary);
    const weakSuccess = probability(features);
    const strongSuccess = strong?.(features);
    return {
      weakSuccess,
      ...(strongSuccess === undefined ? {} : { strongSuccess }),
      escalation: strongSuccess === undefined ? 1 - weakSuccess : strongSuccess - weakSuccess,
      familiarity: range ? { ...familiarity(features, range, scale), threshold: range.threshold } : undefined,
    };
  };
  const weakSuccessProbability = Object.assign(
    (prompt: string) => probability(promptFeatures(prompt, vocabulary)),
    { assess },
  );
  return { weakSuccessProbability, assess };
}
