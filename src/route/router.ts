// Runs a question through its route: the plan's models in order, each answer verified; a model that
// fails hands over to the next (fallback), and on an escalating route an answer that is not grounded,
// or a decline while retrieval found the question's words, hands over too (escalation). Each call is
// retried with jittered backoff that honours Retry-After, passes its provider's circuit breaker, and
// is checked against the budgets first; the first step may be hedged with the next model. Every call
// is recorded with its tokens, cost, latency and outcome. A caller that gives up (the request's
// `signal`) stops the model call under way and every later one: the run rejects with the signal's
// reason, and lets go of the budget it held.
import type { AnswerDraft, Answerer, AnswerRequest } from "../answer/answerer.js";
import type { AnswerSentence } from "../core/answer.js";
import { isVerityError, type VerityError } from "../core/errors.js";
import type { ModelCallRecord } from "../core/ledger.js";
import { stem, tokens } from "../core/terms.js";
import { costOf, type ModelCatalogue, type ModelEntry } from "../models/catalogue.js";
import {
  type BudgetGuard,
  type BudgetScope,
  budgetError,
  type Reservation,
  worstCaseCost,
} from "./budget.js";
import type { WeakModelSuccess } from "./learned/learned-router.js";
import { planRoute, type RoutePlan } from "./plan.js";
import { type CircuitBreakers, hedged, providerKey, withRetries } from "./reliability/index.js";
import { byCost, type RouteSettings } from "./settings.js";

export interface RouterOptions {
  catalogue: ModelCatalogue;
  budget: BudgetGuard;
  /** One breaker per provider: a provider that keeps failing is skipped until its cooldown ends. */
  breakers?: CircuitBreakers;
  /** The learned policy's estimate that the cheapest model answers a question correctly. */
  /** The learned policy's estimate; with `assess`, questions unlike its training data go to the cascade. */
  weakModelSuccess?: WeakModelSuccess;
}

export interface RouteRun {
  /** Undefined when no model answered (all failed, skipped or none allowed): answer without one. */
  draft: AnswerDraft | undefined;
  model: ModelEntry | undefined;
  plan: RoutePlan;
  calls: ModelCallRecord[];
  /** Why each step moved on, in order. */
  escalations: string[];
  costUsd: number;
  /** The final answer's tokens priced at the catalogue's strongest model. */
  strongestCostUsd: number | undefined;
  /** Why no model answered, when none did. */
  unanswered: string | undefined;
  /** The last provider failure, if any: model, error code and message. */
  lastFailure: { model: string; code: string; message: string } | undefined;
  /** Lets go of the budget this answer held; call once the ledger has recorded it. */
  release(): void;
}

export interface RouteQuestion extends AnswerRequest {
  route: RouteSettings;
  budgetScopes: readonly BudgetScope[];
  onSentence?: (sentence: AnswerSentence) => void;
  /** The answerer that writes with a model (generative, with this ask's policy and the judge). */
  answererFor: (model: ModelEntry, onSentence?: (sentence: AnswerSentence) => void) => Answerer;
}

type Outcome = "grounded" | "ungrounded" | "declined";

function failingSentences(draft: AnswerDraft): number {
  const verification = draft.details.verification as
    | { unsupported?: number; contradicted?: number }
    | undefined;
  return (verification?.unsupported ?? 0) + (verification?.contradicted ?? 0);
}

function outcomeOf(draft: AnswerDraft): Outcome {
  if (draft.status === "abstained" && draft.abstention?.reason === "model_declined") return "declined";
  return draft.status === "answered" && failingSentences(draft) === 0 ? "grounded" : "ungrounded";
}

function describeFailure(draft: AnswerDraft): string {
  if (draft.status === "abstained") return draft.abstention?.detail ?? "it abstained";
  return `${failingSentences(draft)} of its sentences are not backed by the sources`;
}

/** Whether the best passage holds at least half of the question's content words: retrieval is strong. */
export function retrievalIsStrong(question: string, passages: AnswerRequest["passages"]): boolean {
  const wanted = new Set(tokens(question).map(stem));
  const best = passages[0];
  if (!best || wanted.size === 0) return false;
  const held = new Set(tokens(best.chunk.text).map(stem));
  let found = 0;
  for (const word of wanted) if (held.has(word)) found++;
  return found / wanted.size >= 0.5;
}

const usageOf = (draft: AnswerDraft) =>
  (draft.details.usage as { inputTokens?: number; outputTokens?: number } | undefined) ?? {};

const isProviderError = (error: unknown): error is VerityError =>
  isVerityError(error) && error.code.startsWith("E_PROVIDER_");

export function createRouter(options: RouterOptions) {
  const strongest = byCost(options.catalogue.models).at(-1) as ModelEntry;

  function plan(question: string, route: RouteSettings, contextTokens: number): RoutePlan {
    return planRoute({ question, contextTokens }, route, options.catalogue.models, {
      weakModelSuccess: options.weakModelSuccess,
    });
  }

  async function run(question: RouteQuestion): Promise<RouteRun> {
    const reservations: Reservation[] = [];
    try {
      return await runHolding(question, reservations);
    } catch (error) {
      // An abort, a budget that stops the answer, anything unexpected: nothing it held stays held.
      options.budget.release(reservations);
      throw error;
    }
  }

  async function runHolding(question: RouteQuestion, reservations: Reservation[]): Promise<RouteRun> {
    question.signal?.throwIfAborted();
    const promptCharacters =
      question.question.length +
      question.passages.reduce((sum, passage) => sum + passage.chunk.text.length, 0);
    const route = plan(question.question, question.route, Math.ceil(promptCharacters / 4));
    const calls: ModelCallRecord[] = [];
    const escalations: string[] = [];
    const skipped: string[] = [];
    const strong = retrievalIsStrong(question.question, question.passages);
    let best: { draft: AnswerDraft; model: ModelEntry; badness: number } | undefined;
    let lastFailure: RouteRun["lastFailure"];
    let costUsd = 0;

    /** Why `model` may not be called now (open breaker, budget), or a hold on the budget for it. */
    async function admit(model: ModelEntry): Promise<Reservation | string> {
      const breaker = options.breakers?.for(providerKey(model));
      if (breaker && breaker.state() === "open") return breaker.unavailableError().message;
      const reservation = await options.budget.reserve(
        question.budgetScopes,
        worstCaseCost(model, promptCharacters),
      );
      if ("exceeded" in reservation) {
        if (question.route.budget?.onExhausted === "error") throw budgetError(reservation.exceeded);
        return reservation.exceeded;
      }
      reservations.push(reservation);
      return reservation;
    }

    /** One model's answer: its own retries (jittered, Retry-After), through its provider's breaker. */
    function answerWith(
      model: ModelEntry,
      signal?: AbortSignal,
      onFirstToken?: () => void,
    ): Promise<AnswerDraft> {
      // A route that may escalate shows sentences only once an answer is accepted.
      const answerer = question.answererFor(
        { ...model, maxRetries: 0 },
        route.escalates ? undefined : question.onSentence,
      );
      const { question: text, passages, termWeights } = question;
      const once = (attemptSignal: AbortSignal | undefined) =>
        answerer.doAnswer({ question: text, passages, termWeights, signal: attemptSignal, onFirstToken });
      const breaker = options.breakers?.for(providerKey(model));
      // The hedge's signal (another model answered first) and the caller's (it gave up) both stop it.
      const stop =
        signal && question.signal ? AbortSignal.any([signal, question.signal]) : (signal ?? question.signal);
      return withRetries(
        ({ signal: attemptSignal }) =>
          breaker ? breaker.run(() => once(attemptSignal), { signal: attemptSignal }) : once(attemptSignal),
        { maxRetries: model.maxRetries, signal: stop },
      ).then((retried) => retried.value);
    }

    const failed = (model: ModelEntry, error: VerityError, started: number, reservation: Reservation) => {
      reservation.settle(0);
      calls.push({ model: model.id, outcome: "failed", costUsd: 0, latencyMs: performance.now() - started });
      escalations.push(`${model.id} failed (${error.code}): ${error.message}`);
      lastFailure = { model: model.id, code: error.code, message: error.message };
    };

    for (let step = 0; step < route.chain.length; step++) {
      question.signal?.throwIfAborted();
      const model = route.chain[step] as ModelEntry;
      const admitted = await admit(model);
      if (typeof admitted === "string") {
        calls.push({ model: model.id, outcome: "skipped", costUsd: 0, latencyMs: 0 });
        skipped.push(`${model.id}: ${admitted}`);
        escalations.push(`${model.id} skipped: ${admitted}`);
        continue;
      }
      const started = performance.now();
      let draft: AnswerDraft;
      let answeredBy = model;
      const next = route.chain[step + 1];
      const hedgeAfterMs = question.route.hedgeAfterMs;
      const hedgeWith = step === 0 && next && hedgeAfterMs !== undefined ? await admit(next) : undefined;
      if (hedgeWith !== undefined && typeof hedgeWith !== "string" && next && hedgeAfterMs !== undefined) {
        // Hedged: the next model starts too if the first has sent no token after hedgeAfterMs.
        const pair = [model, next];
        try {
          const result = await hedged(
            pair.map(
              (entry) =>
                ({ signal, onFirstToken }: { signal: AbortSignal; onFirstToken(): void }) =>
                  answerWith(entry, signal, onFirstToken),
            ),
            { hedgeAfterMs, ...(question.signal ? { signal: question.signal } : {}) },
          );
          draft = result.value;
          answeredBy = pair[result.winner] as ModelEntry;
          const loser = pair[1 - result.winner] as ModelEntry;
          const report = result.attempts[1 - result.winner];
          if (report?.outcome !== "not-started") {
            calls.push({
              model: loser.id,
              outcome: report?.outcome === "failed" ? "failed" : "hedge-cancelled",
              costUsd: 0,
              latencyMs: performance.now() - started,
            });
          }
          (result.winner === 0 ? hedgeWith : admitted).settle(0);
          if (result.winner === 1) step++;
        } catch (error) {
          if (!isProviderError(error)) throw error;
          failed(model, error, started, admitted);
          failed(next, error, started, hedgeWith);
          step++;
          continue;
        }
      } else {
        if (typeof hedgeWith === "string" && next) escalations.push(`${next.id} not hedged: ${hedgeWith}`);
        try {
          draft = await answerWith(model);
        } catch (error) {
          if (!isProviderError(error)) throw error;
          failed(model, error, started, admitted);
          continue;
        }
      }
      const usage = usageOf(draft);
      const spent = (draft.details.costUsd as number | undefined) ?? costOf(answeredBy, usage);
      (answeredBy === model ? admitted : (hedgeWith as Reservation)).settle(spent);
      costUsd += spent;
      const outcome = outcomeOf(draft);
      calls.push({
        model: answeredBy.id,
        outcome,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costUsd: spent,
        latencyMs: performance.now() - started,
      });
      // The answer kept when none is grounded: fewest failing sentences, an answer before an abstention.
      const badness =
        outcome === "grounded" ? 0 : draft.status === "answered" ? 1 + failingSentences(draft) : 1000;
      if (!best || badness <= best.badness) best = { draft, model: answeredBy, badness };
      const last = step >= route.chain.length - 1;
      if (outcome === "grounded" || !route.escalates || last) break;
      if (outcome === "declined" && !(question.route.escalateOnDecline && strong)) break;
      escalations.push(
        outcome === "declined"
          ? `${answeredBy.id} declined although the best passage holds the question's words`
          : `${answeredBy.id}'s answer is not grounded: ${describeFailure(draft)}`,
      );
    }

    const failures = [...skipped, ...escalations.filter((entry) => entry.includes(" failed ("))];
    return {
      draft: best?.draft,
      model: best?.model,
      plan: route,
      calls,
      escalations,
      costUsd,
      strongestCostUsd: best ? costOf(strongest, usageOf(best.draft)) : undefined,
      unanswered: best
        ? undefined
        : route.chain.length === 0
          ? route.reason
          : `no model answered (${failures.join("; ")})`,
      lastFailure,
      release: () => options.budget.release(reservations),
    };
  }

  return { plan, run };
}
