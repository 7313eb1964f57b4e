// Which models a question goes to, in which order, before any is called. The plan is a chain: the
// first model answers; the next is tried when a model fails (429, 5xx, timeout, network), and, for
// the escalating policies, when the answer is not grounded in the sources.
import type { ModelEntry } from "../models/catalogue.js";
import type { LearnedAssessment, WeakModelSuccess } from "./learned/learned-router.js";
import { byCost, type RoutePolicy, type RouteRule, type RouteSettings } from "./settings.js";

export interface RouteRequest {
  question: string;
  /** Tokens of the retrieved passages (an estimate is fine). */
  contextTokens: number;
}

export interface RoutePlan {
  policy: RoutePolicy;
  chain: ModelEntry[];
  /** Whether an ungrounded answer or a decline moves on to the next model (cascade, learned). */
  escalates: boolean;
  /** Why this chain, in words. */
  reason: string;
  /** Models left out, and why (on-premise-only collections). */
  excluded: { model: string; reason: string }[];
}

export type Task = NonNullable<RouteRule["when"]["task"]>;

/** The kind of request a question is, by its wording. */
export function taskOf(question: string): Task {
  const text = question.toLowerCase();
  if (/\b(summari[sz]e|summary|overview|outline|key points)\b/u.test(text)) return "summary";
  if (/\b(compare|comparison|difference|differ|versus|vs\.?)\b/u.test(text)) return "comparison";
  if (/^\s*why\b|\bexplain\b|\bhow (does|do|did|can|could|would)\b/u.test(text)) return "explanation";
  return "lookup";
}

const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

export function ruleMatches(rule: RouteRule, request: RouteRequest): boolean {
  const { when } = rule;
  const words = wordsOf(request.question);
  if (when.keywords && !when.keywords.some((keyword) => hasPhrase(words, wordsOf(keyword)))) return false;
  if (when.minQuestionWords !== undefined && words.length < when.minQuestionWords) return false;
  if (when.maxQuestionWords !== undefined && words.length > when.maxQuestionWords) return false;
  if (when.minContextTokens !== undefined && request.contextTokens < when.minContextTokens) return false;
  if (when.task !== undefined && taskOf(request.question) !== when.task) return false;
  return true;
}

function hasPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false;
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((word, offset) => words[start + offset] === word)) return true;
  }
  return false;
}

export interface PlanOptions {
  /**
   * The learned policy's estimate that the cheapest model answers this question correctly. The
   * learned router's also says how familiar the question is; one unlike its training data goes to
   * the cascade.
   */
  weakModelSuccess?: WeakModelSuccess;
}

export function planRoute(
  request: RouteRequest,
  route: RouteSettings,
  models: readonly ModelEntry[],
  options: PlanOptions = {},
): RoutePlan {
  const listed = route.models
    ? route.models.map((id) => models.find((model) => model.id === id) as ModelEntry)
    : byCost(models);
  const excluded = route.onPremiseOnly
    ? listed
        .filter((model) => !model.local)
        .map((model) => ({
          model: model.id,
          reason: "the collection is on-premise only and this model is not local",
        }))
    : [];
  const candidates = route.onPremiseOnly ? listed.filter((model) => model.local) : listed;
  const plan = (chain: ModelEntry[], escalates: boolean, reason: string): RoutePlan => ({
    policy: route.policy,
    chain: chain.slice(0, route.maxSteps),
    escalates,
    reason,
    excluded,
  });
  if (candidates.length === 0) return plan([], false, "no model may receive this collection's passages");
  const startingWith = (first: ModelEntry) => [first, ...candidates.filter((model) => model !== first)];

  switch (route.policy) {
    case "fixed":
      return plan(candidates, false, `fixed: ${candidates[0]?.id}, the others only if it fails`);
    case "rules": {
      for (const [index, rule] of route.rules.entries()) {
        const model = candidates.find((candidate) => candidate.id === rule.use);
        if (model && ruleMatches(rule, request)) {
          return plan(startingWith(model), false, `rule ${index + 1} matched: start with ${model.id}`);
        }
      }
      return plan(candidates, false, `no rule matched: start with ${candidates[0]?.id}`);
    }
    case "learned": {
      const estimate = options.weakModelSuccess;
      if (!estimate) {
        return plan(candidates, true, "learned router unavailable: cascade from the cheapest model");
      }
      const assessment: LearnedAssessment = estimate.assess?.(request.question) ?? {
        weakSuccess: estimate(request.question),
        familiarity: undefined,
      };
      const chance = assessment.weakSuccess;
      const threshold = route.learned.threshold;
      const known = assessment.familiarity;
      const minimum = route.learned.minFamiliarity ?? known?.threshold;
      if (known && minimum !== undefined && known.value < minimum) {
        // The same chain as the cascade: deferring can never make the route worse than it.
        const digits = known.value.toFixed(2) === minimum.toFixed(2) ? 3 : 2;
        const outside =
          known.outside.length > 0
            ? `, ${known.outside.length} of its features outside the range the training prompts spanned`
            : "";
        return plan(
          candidates,
          true,
          `learned: deferred to the cascade, the question is unlike the router's training data (familiarity ${known.value.toFixed(digits)} < ${minimum.toFixed(digits)}: ${Math.round(100 * known.knownWords)}% of its words known${outside}); cheapest first (${candidates.map((model) => model.id).join(" → ")})`,
        );
      }
      const familiarity = known
        ? `; familiarity ${known.value.toFixed(2)}`
        : estimate.assess
          ? "; familiarity not checked: these weights predate it, refit them with npm run fit:router"
          : "";
      const strongest = candidates[candidates.length - 1] as ModelEntry;
      const strongChance = assessment.strongSuccess;
      if (strongChance !== undefined) {
        // Weights that rank by the gain of a strong call: the strongest goes first only when it is
        // expected to answer right that much more often (1 − threshold) than the cheapest.
        const gain = strongChance - chance;
        const needed = Math.round((1 - threshold) * 1000) / 1000;
        const chances = `strongest ${strongChance.toFixed(2)} against cheapest ${chance.toFixed(2)}`;
        return gain > needed
          ? plan(
              startingWith(strongest),
              true,
              `learned: start with the strongest model (expected gain ${gain.toFixed(2)} > ${needed}: ${chances}${familiarity})`,
            )
          : plan(
              candidates,
              true,
              `learned: the strongest model is not expected to gain enough (${gain.toFixed(2)} ≤ ${needed}: ${chances}${familiarity})`,
            );
      }
      if (chance >= threshold) {
        return plan(
          candidates,
          true,
          `learned: the cheapest model is likely enough to answer (${chance.toFixed(2)} ≥ ${threshold}${familiarity})`,
        );
      }
      return plan(
        startingWith(strongest),
        true,
        `learned: start with the strongest model (cheapest model's chance ${chance.toFixed(2)} < ${threshold}${familiarity})`,
      );
    }
    case "cascade":
      return plan(
        candidates,
        true,
        `cascade: cheapest first (${candidates.map((model) => model.id).join(" → ")})`,
      );
  }
}
