// The model catalogue: which language models Verity may call, how to reach them, what they cost and
// how much context they take. One JSON file, validated once; keys come from environment variables.

import { z } from "zod";
import { readJsonConfig } from "../core/config-file.js";
import { VerityError } from "../core/errors.js";

const modelSchema = z
  .object({
    /** Name used with `--model` and in traces. */
    id: z.string().regex(/^[\w.:@/-]{1,64}$/u, "letters, digits and . _ : @ / - only, at most 64"),
    provider: z.enum(["openai", "anthropic", "openai-compatible"]),
    /** The provider's own model name, e.g. `gpt-4o-mini`, `claude-sonnet-4-5`, `llama3.2:3b`. */
    model: z.string().min(1),
    /** Endpoint; required for `openai-compatible` (e.g. `http://127.0.0.1:11434/v1` for Ollama). */
    baseUrl: z.url({ protocol: /^https?$/u }).optional(),
    /** Environment variable holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY; none for openai-compatible). */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/u, "an environment variable name, e.g. OPENAI_API_KEY")
      .optional(),
    /** US dollars per million tokens. */
    price: z.object({ input: z.number().min(0), output: z.number().min(0) }).default({ input: 0, output: 0 }),
    /** Context window in tokens (prompt and answer together). */
    contextWindow: z.number().int().min(512),
    /** Most tokens the answer may take (default 1024). */
    maxOutputTokens: z.number().int().min(16).default(1024),
    /** Rough capability: routing tries `small` before `medium` before `large`. */
    tier: z.enum(["small", "medium", "large"]),
    /** True when the model runs on the user's own machines (passages never leave them). */
    local: z.boolean(),
    /** Whole-request timeout in milliseconds (default 60 000). */
    timeoutMs: z.number().int().min(100).default(60_000),
    /** Retries on 429, 5xx and network errors, honouring Retry-After (default 2). */
    maxRetries: z.number().int().min(0).max(10).default(2),
  })
  .strict()
  .superRefine((model, context) => {
    if (model.provider === "openai-compatible" && !model.baseUrl) {
      context.addIssue({
        code: "custom",
        path: ["baseUrl"],
        message: "openai-compatible models need baseUrl, e.g. http://127.0.0.1:11434/v1",
      });
    }
  });

/** `flagged`: only sentences layer one did not accept, for word-level reasons only. `all`: every sentence. */
export const judgeScopes = ["flagged", "all"] as const;
export type JudgeScope = (typeof judgeScopes)[number];

/** Layer two of verification (src/answer/verify/judge.ts): a model or an NLI endpoint as judge. */
const judgeSettingsSchema = z
  .object({
    /** A catalogue model id; default the cheapest `small` model in the catalogue. */
    model: z.string().optional(),
    /** An NLI classifier instead of a model: Hugging Face text-embeddings-inference `/predict`. */
    nli: z
      .object({
        baseUrl: z.url({ protocol: /^https?$/u }),
        /** The classifier's label names, when they are not entailment / neutral / contradiction. */
        labels: z
          .object({ entailment: z.string(), neutral: z.string(), contradiction: z.string() })
          .optional(),
        timeoutMs: z.number().int().min(100).default(30_000),
      })
      .strict()
      .optional(),
    scope: z.enum(judgeScopes).default("flagged"),
  })
  .strict()
  .refine((settings) => !(settings.model && settings.nli), { message: "give either model or nli, not both" });
export type JudgeSettings = z.infer<typeof judgeSettingsSchema>;

const catalogueSchema = z
  .object({
    models: z.array(modelSchema).min(1, "list at least one model"),
    /** The model `verity ask` uses when `--model` is not given (default: the first). */
    default: z.string().optional(),
    /** A second opinion on answer sentences; off when absent. */
    judge: judgeSettingsSchema.optional(),
    /** Which model answers which question; validated by src/route/settings.ts. */
    routing: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((catalogue, context) => {
    const seen = new Set<string>();
    catalogue.models.forEach((model, index) => {
      if (seen.has(model.id)) {
        context.addIssue({
          code: "custom",
          path: ["models", index, "id"],
          message: `duplicate id "${model.id}"`,
        });
      }
      seen.add(model.id);
    });
    if (catalogue.judge?.model !== undefined && !seen.has(catalogue.judge.model)) {
      context.addIssue({
        code: "custom",
        path: ["judge", "model"],
        message: `no model has id "${catalogue.judge.model}"`,
      });
    }
    if (catalogue.default !== undefined && !seen.has(catalogue.default)) {
      context.addIssue({
        code: "custom",
        path: ["default"],
        message: `no model has id "${catalogue.default}"`,
      });
    }
  });

export type ModelEntry = z.infer<typeof modelSchema>;
export type ModelCatalogue = z.infer<typeof catalogueSchema>;

/** Validates a parsed catalogue; `origin` names it in errors (a file path). */
export function parseModelCatalogue(value: unknown, origin = "model catalogue"): ModelCatalogue {
  const result = catalogueSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
  throw new VerityError(
    "E_CONFIG",
    `${origin} is not valid: ${problems.join("; ")}. See "Models" in the README for the format.`,
  );
}

export function loadModelCatalogue(path: string): ModelCatalogue {
  const value = readJsonConfig(
    path,
    "the model catalogue",
    'Create it (see "Models" in the README) or name another file.',
  );
  return parseModelCatalogue(value, path);
}

/** The named model, or the catalogue's default. */
export function findModel(catalogue: ModelCatalogue, id?: string): ModelEntry {
  const wanted = id ?? catalogue.default ?? catalogue.models[0]?.id;
  const model = catalogue.models.find((entry) => entry.id === wanted);
  if (!model) {
    throw new VerityError(
      "E_NOT_FOUND",
      `no model "${wanted}" in the catalogue; known: ${catalogue.models.map((entry) => entry.id).join(", ")}`,
    );
  }
  return model;
}

/** What a call cost in US dollars, from the tokens the provider reported. */
export function costOf(model: ModelEntry, usage: { inputTokens?: number; outputTokens?: number }): number {
  return (
    ((usage.inputTokens ?? 0) * model.price.input + (usage.outputTokens ?? 0) * model.price.output) / 1e6
  );
}
