// Answering through the router: the collection's route settings, its budgets and the caller's API
// key's, the data-sensitivity rule, and the extractive answer (no model, nothing leaves the machine)
// when no model answered. What it returns is what the ledger records.
import type { AnswerDraft, AnswerRequest } from "../answer/answerer.js";
import { createExtractiveAnswerer } from "../answer/extractive-answerer.js";
import { createGenerativeAnswerer } from "../answer/generative/generative-answerer.js";
import type { AnswerPolicy } from "../answer/verify/answer-policy.js";
import { type Judge, judgeFrom } from "../answer/verify/judge.js";
import { createSentenceVerifier, type SentenceVerifier } from "../answer/verify/verifier.js";
import type { AnswerSentence } from "../core/answer.js";
import { VerityError } from "../core/errors.js";
import type { Ledger, ModelCallRecord } from "../core/ledger.js";
import { findModel, type ModelCatalogue, type ModelEntry } from "../models/catalogue.js";
import { type BudgetScope, createBudgetGuard } from "./budget.js";
import type { WeakModelSuccess } from "./learned/learned-router.js";
import { createLearnedRouter, loadLearnedRouterWeights } from "./learned/learned-router.js";
import { type CircuitBreakers, createCircuitBreakers } from "./reliability/index.js";
import { createRouter } from "./router.js";
import { parseRoutingSettings, type RouteSettings, routeFor } from "./settings.js";

export interface RoutingOptions {
  catalogue: ModelCatalogue;
  ledger: Ledger;
  env?: NodeJS.ProcessEnv;
  /** The answer policy when an ask names none; default `balanced`. */
  policy?: AnswerPolicy;
  /** Provider circuit breakers; default one set per routing instance (closed until failures). */
  breakers?: CircuitBreakers;
  /** The learned policy's estimate; with `assess`, questions unlike its training data go to the cascade. */
  weakModelSuccess?: WeakModelSuccess;
  /** Checks model sentences against their sources; default one of its own. */
  verifier?: SentenceVerifier;
}

export interface RoutedRequest extends AnswerRequest {
  collection: string;
  apiKey?: string;
  /** A model the caller chose: the route is then that model alone. */
  model?: string;
  policy?: AnswerPolicy;
  onSentence?: (sentence: AnswerSentence) => void;
}

export interface RoutedAnswer {
  draft: AnswerDraft;
  answerer: string;
  calls: ModelCallRecord[];
  escalated: boolean;
  costUsd: number;
  strongestCostUsd: number | undefined;
  /** For the trace: policy, chain, reason, excluded models, escalations, calls. */
  route: Record<string, unknown>;
  /** Lets go of the budget the answer held; call once the ledger has recorded it. */
  release(): void;
}

export function createRouting(options: RoutingOptions) {
  const settings = parseRoutingSettings(options.catalogue);
  const budget = createBudgetGuard(options.ledger);
  // The learned policy's classifier, loaded (and its weights checked) only when a route uses it.
  const usesLearned = [settings, ...Object.values(settings.collections)].some(
    (route) => route.policy === "learned",
  );
  const learned = usesLearned
    ? createLearnedRouter(
        settings.learned.weights ? loadLearnedRouterWeights(settings.learned.weights) : undefined,
      )
    : undefined;
  const router = createRouter({
    catalogue: options.catalogue,
    budget,
    breakers: options.breakers ?? createCircuitBreakers(settings.circuitBreaker),
    weakModelSuccess: options.weakModelSuccess ?? learned?.weakSuccessProbability,
  });
  const extractive = createExtractiveAnswerer();
  // The verifier remembers the sources it has read: one per routing instance, so per engine.
  const verifier = options.verifier ?? createSentenceVerifier();
  const judging = options.catalogue.judge;
  let judge: Judge | undefined;

  function budgetScopes(route: RouteSettings, collection: string, apiKey?: string): BudgetScope[] {
    const scopes: BudgetScope[] = [];
    if (route.budget)
      scopes.push({ label: `collection "${collection}"`, ledger: { collection }, budget: route.budget });
    const keyBudget = apiKey === undefined ? undefined : settings.apiKeys[apiKey];
    if (apiKey !== undefined && keyBudget)
      scopes.push({ label: `API key "${apiKey}"`, ledger: { apiKey }, budget: keyBudget });
    return scopes;
  }

  return {
    settings,

    async answer(request: RoutedRequest): Promise<RoutedAnswer> {
      let route = routeFor(settings, request.collection);
      if (request.model !== undefined) {
        const chosen = findModel(options.catalogue, request.model);
        if (route.onPremiseOnly && !chosen.local) {
          throw new VerityError(
            "E_INVALID_INPUT",
            `collection "${request.collection}" is on-premise only, and model "${chosen.id}" is not local: its passages may not be sent there. Choose a local model or none.`,
          );
        }
        route = { ...route, policy: "fixed", models: [chosen.id], maxSteps: 1, hedgeAfterMs: undefined };
      }
      const policy = request.policy ?? options.policy;
      if (judging) judge ??= judgeFrom(judging, options.catalogue.models, { env: options.env });
      const answererFor = (model: ModelEntry, onSentence?: (sentence: AnswerSentence) => void) =>
        createGenerativeAnswerer({
          model,
          policy,
          onSentence,
          env: options.env,
          verify: { verifier },
          ...(judge && judging ? { judge: { judge, scope: judging.scope } } : {}),
        });
      const run = await router.run({
        question: request.question,
        passages: request.passages,
        termWeights: request.termWeights,
        route,
        budgetScopes: budgetScopes(route, request.collection, request.apiKey),
        onSentence: request.onSentence,
        answererFor,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const trace = {
        policy: run.plan.policy,
        chain: run.plan.chain.map((model) => model.id),
        reason: run.plan.reason,
        ...(run.plan.excluded.length > 0 ? { excluded: run.plan.excluded } : {}),
        escalations: run.escalations,
        calls: run.calls.map((call) => ({ ...call, latencyMs: Math.round(call.latencyMs) })),
      };
      // Escalated: a model answered, was not grounded (or declined), and the next one was asked. A
      // fallback after a failure or a hedge is not an escalation.
      const escalated = run.calls
        .slice(0, -1)
        .some((call) => call.outcome === "ungrounded" || call.outcome === "declined");
      if (run.draft && run.model) {
        return {
          draft: run.draft,
          answerer: `generative:${run.model.id}`,
          calls: run.calls,
          escalated,
          costUsd: run.costUsd,
          strongestCostUsd: run.strongestCostUsd,
          route: trace,
          release: run.release,
        };
      }
      // No model answered: the extractive answer needs none and sends nothing anywhere.
      const draft = await extractive.doAnswer(request);
      return {
        draft: {
          ...draft,
          details: {
            ...draft.details,
            fallback: run.lastFailure
              ? {
                  from: `generative:${run.lastFailure.model}`,
                  code: run.lastFailure.code,
                  reason: run.unanswered ?? run.lastFailure.message,
                }
              : { from: "router", reason: run.unanswered ?? "no model answered" },
          },
        },
        answerer: extractive.id,
        calls: run.calls,
        escalated,
        costUsd: run.costUsd,
        strongestCostUsd: undefined,
        route: trace,
        release: run.release,
      };
    },
  };
}
