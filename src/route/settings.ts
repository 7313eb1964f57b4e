// Routing settings: the `routing` section of the model catalogue, with per-collection overrides. Which
// models a question may go to, in which order, what a day or a month may cost, and whether a
// collection's passages may leave the user's machines at all.
import { z } from "zod";
import { VerityError } from "../core/errors.js";
import type { ModelCatalogue, ModelEntry } from "../models/catalogue.js";

export const routePolicies = ["fixed", "rules", "learned", "cascade"] as const;
export type RoutePolicy = (typeof routePolicies)[number];

const ruleSchema = z
  .object({
    /** Every condition given must hold. */
    when: z
      .object({
        /** Words that, any of them, appear in the question (case-insensitive, whole words). */
        keywords: z.array(z.string().min(1)).min(1).optional(),
        minQuestionWords: z.number().int().min(0).optional(),
        maxQuestionWords: z.number().int().min(0).optional(),
        /** Tokens of retrieved context the answer would be written from. */
        minContextTokens: z.number().int().min(0).optional(),
        /** The kind of request, read from the question: lookup, summary, comparison, explanation. */
        task: z.enum(["lookup", "summary", "comparison", "explanation"]).optional(),
      })
      .strict(),
    /** The model to start with when the rule matches. */
    use: z.string(),
  })
  .strict();

const budgetSchema = z
  .object({
    /** US dollars per day (UTC) and per month; absent means no limit. */
    daily: z.number().min(0).optional(),
    monthly: z.number().min(0).optional(),
    /** When a call would exceed a budget: fail with E_BUDGET_EXHAUSTED, or answer without a paid model. */
    onExhausted: z.enum(["error", "cheaper"]).default("cheaper"),
  })
  .strict();

const routeSettingsSchema = z
  .object({
    policy: z.enum(routePolicies).default("cascade"),
    /** Models in the order the cascade tries them; default every catalogue model, cheapest tier first. */
    models: z.array(z.string()).min(1).optional(),
    /** Most models tried for one question, fallbacks and escalations together. */
    maxSteps: z.number().int().min(1).max(10).default(3),
    rules: z.array(ruleSchema).default([]),
    /** The `learned` policy: start with the strong model when the weak one is less likely right than this. */
    learned: z
      .object({
        threshold: z.number().min(0).max(1).default(0.5),
        /** Weights written by `npm run fit:router`; default the ones committed with Verity. */
        weights: z.string().min(1).optional(),
        /**
         * Questions less familiar than this (0–1) go to the cascade instead; default the threshold
         * fitted with the weights, 0 never defers.
         */
        minFamiliarity: z.number().min(0).max(1).optional(),
      })
      .strict()
      .default({ threshold: 0.5 }),
    /** Escalate when a model declines although retrieval found passages holding the question's words. */
    escalateOnDecline: z.boolean().default(true),
    /** Start the next model too when the first has sent no token after this long (off when absent). */
    hedgeAfterMs: z.number().int().min(1).optional(),
    budget: budgetSchema.optional(),
    /** Never send this collection's passages to a model that is not `local`. */
    onPremiseOnly: z.boolean().default(false),
  })
  .strict();

const routingSchema = routeSettingsSchema
  .extend({
    /** Per-collection settings; each field given replaces the default one. */
    collections: z.record(z.string(), routeSettingsSchema.partial()).default({}),
    /** Budgets per API key (the HTTP API's keys), in the same form. */
    apiKeys: z.record(z.string(), budgetSchema).default({}),
    /** A provider that fails this many times in a row is skipped for cooldownMs, then probed again. */
    circuitBreaker: z
      .object({
        failureThreshold: z.number().int().min(1).default(5),
        cooldownMs: z.number().int().min(0).default(30_000),
      })
      .strict()
      .default({ failureThreshold: 5, cooldownMs: 30_000 }),
  })
  .strict();

export type RouteSettings = z.infer<typeof routeSettingsSchema>;
export type RoutingSettings = z.infer<typeof routingSchema>;
export type BudgetSettings = z.infer<typeof budgetSchema>;
export type RouteRule = z.infer<typeof ruleSchema>;

const tierOrder = { small: 0, medium: 1, large: 2 } as const;
const pricePerMillion = (model: ModelEntry) => model.price.input + model.price.output;

/** Cheapest first: by tier, then by price. */
export function byCost(models: readonly ModelEntry[]): ModelEntry[] {
  return [...models].sort(
    (a, b) => tierOrder[a.tier] - tierOrder[b.tier] || pricePerMillion(a) - pricePerMillion(b),
  );
}

/** Validates the catalogue's `routing` section against the catalogue's models. */
export function parseRoutingSettings(catalogue: ModelCatalogue): RoutingSettings {
  const result = routingSchema.safeParse(catalogue.routing ?? {});
  const fail = (problems: string[]) => {
    throw new VerityError(
      "E_CONFIG",
      `the model catalogue's routing section is not valid: ${problems.join("; ")}. See "Routing" in the README.`,
    );
  };
  if (!result.success) {
    fail(
      result.error.issues
        .slice(0, 5)
        .map((issue) => `routing.${issue.path.join(".") || "(top level)"}: ${issue.message}`),
    );
  }
  const settings = result.data as RoutingSettings;
  const known = new Set(catalogue.models.map((model) => model.id));
  const unknown: string[] = [];
  const check = (ids: readonly string[] | undefined, where: string) => {
    for (const id of ids ?? []) if (!known.has(id)) unknown.push(`${where}: no model has id "${id}"`);
  };
  const checkRoute = (route: Partial<RouteSettings>, where: string) => {
    check(route.models, `${where}models`);
    for (const [index, rule] of (route.rules ?? []).entries())
      check([rule.use], `${where}rules.${index}.use`);
  };
  checkRoute(settings, "routing.");
  for (const [name, route] of Object.entries(settings.collections))
    checkRoute(route, `routing.collections.${name}.`);
  if (unknown.length > 0) fail(unknown.slice(0, 5));
  return settings;
}

/** The settings that apply to one collection: its overrides over the defaults. */
export function routeFor(settings: RoutingSettings, collection: string): RouteSettings {
  const { collections: _collections, apiKeys: _apiKeys, circuitBreaker: _breaker, ...defaults } = settings;
  const override = settings.collections[collection] ?? {};
  const defined = Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined));
  return { ...defaults, ...defined } as RouteSettings;
}
