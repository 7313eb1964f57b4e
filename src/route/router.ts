// Runs a question through its route: the plan's models in order, each answer verified; a model that
// fails hands over to the next (fallback), and on an escalating route an answer that is not grounded,
// or a decline while retrieval found the question's words, hands over too (escalation). Budgets are
// checked before each call; every call is recorded with its tokens, cost, latency and outcome.

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
import { planRoute, type RoutePlan } from "./plan.js";
import { byCost, type RouteSettings } from "./settings.js";

/** Per-provider health: a provider that keeps failing is skipped until its cooldown ends. */
export interface ProviderHealth {
  /** Undefined when calls may pass; otherwise why not. */
  blocked(model: ModelEntry): string | undefined;
  succeeded(model: ModelEntry): void;
  failed(model: ModelEntry): void;
}

/** Runs two answers side by side: the second starts when the first has no token after `afterMs`. */
export type Hedge = (
  attempts: readonly ((signal: AbortSignal, onFirstToken: () => void) => Promise<AnswerDraft>)[],
  afterMs: number,
) => Promise<{ winner: number; draft: AnswerDraft }>;

export interface RouterOptions {
  catalogue: ModelCatalogue;
  budget: BudgetGuard;
  health?: ProviderHealth;
  hedge?: Hedge;
  /** The learned policy's estimate that the cheapest model answers a question correctly. */
  weakModelSuccess?: (question: string) => number;
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

export function createRouter(options: RouterOptions) {
  const strongest = byCost(options.catalogue.models).at(-1) as ModelEntry;

  return {
    plan(question: string, route: RouteSettings, contextTokens: number): RoutePlan {
      return planRoute({ question, contextTokens }, route, options.catalogue.models, {
        weakModelSuccess: options.weakModelSuccess,
      });
    },

    async run(question: RouteQuestion): Promise<RouteRun> {
      const promptCharacters =
        question.question.length +
        question.passages.reduce((sum, passage) => sum + passage.chunk.text.length, 0);
      const plan = this.plan(question.question, question.route, Math.ceil(promptCharacters / 4));
      const calls: ModelCallRecord[] = [];
      const escalations: string[] = [];
      const reservations: Reservation[] = [];
      const strong = retrievalIsStrong(question.question, question.passages);
      let best: { draft: AnswerDraft; model: ModelEntry; badness: number } | undefined;
      let costUsd = 0;
      const skipped: string[] = [];
      let lastFailure: RouteRun["lastFailure"];

      const call = async (
        model: ModelEntry,
        signal?: AbortSignal,
        onFirstToken?: () => void,
      ): Promise<AnswerDraft> => {
        // A route that may escalate shows sentences only once an answer is accepted.
        const stream = plan.escalates ? undefined : question.onSentence;
        const { question: text, passages, termWeights } = question;
        return question
          .answererFor(model, stream)
          .doAnswer({ question: text, passages, termWeights, signal, onFirstToken });
      };

      for (let step = 0; step < plan.chain.length; step++) {
        const model = plan.chain[step] as ModelEntry;
        const blocked = options.health?.blocked(model);
        if (blocked) {
          calls.push({ model: model.id, outcome: "skipped", costUsd: 0, latencyMs: 0 });
          skipped.push(`${model.id}: ${blocked}`);
          escalations.push(`${model.id} skipped: ${blocked}`);
          continue;
        }
        const reservation = options.budget.reserve(
          question.budgetScopes,
          worstCaseCost(model, promptCharacters),
        );
        if ("exceeded" in reservation) {
          if (question.route.budget?.onExhausted === "error") throw budgetError(reservation.exceeded);
          calls.push({ model: model.id, outcome: "skipped", costUsd: 0, latencyMs: 0 });
          skipped.push(`${model.id}: ${reservation.exceeded}`);
          escalations.push(`${model.id} skipped: ${reservation.exceeded}`);
          continue;
        }
        reservations.push(reservation);
        const started = performance.now();
        let draft: AnswerDraft;
        let answeredBy = model;
        try {
          const next = plan.chain[step + 1];
          if (options.hedge && question.route.hedgeAfterMs !== undefined && next && step === 0) {
            // The hedge may start the next model too; it is reserved and counted like any call.
            const nextReservation = options.budget.reserve(
              question.budgetScopes,
              worstCaseCost(next, promptCharacters),
            );
            const attempts = [
              (signal: AbortSignal, onFirstToken: () => void) => call(model, signal, onFirstToken),
              ...("exceeded" in nextReservation
                ? []
                : [(signal: AbortSignal, onFirstToken: () => void) => call(next, signal, onFirstToken)]),
            ];
            if (!("exceeded" in nextReservation)) reservations.push(nextReservation);
            const { winner, draft: won } = await options.hedge(attempts, question.route.hedgeAfterMs);
            draft = won;
            if (winner === 1) {
              answeredBy = next;
              calls.push({
                model: model.id,
                outcome: "hedge-lost",
                costUsd: 0,
                latencyMs: performance.now() - started,
              });
              if (!("exceeded" in nextReservation)) reservation.settle(0);
              step++;
            }
          } else {
            draft = await call(model);
          }
        } catch (error) {
          if (!isVerityError(error) || !error.code.startsWith("E_PROVIDER_")) throw error;
          reservation.settle(0);
          options.health?.failed(model);
          calls.push({
            model: model.id,
            outcome: "failed",
            costUsd: 0,
            latencyMs: performance.now() - started,
          });
          escalations.push(`${model.id} failed (${error.code}): ${error.message}`);
          lastFailure = { model: model.id, code: error.code, message: error.message };
          continue;
        }
        options.health?.succeeded(answeredBy);
        const usage = usageOf(draft);
        const spent = (draft.details.costUsd as number | undefined) ?? costOf(answeredBy, usage);
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
        const last = step === plan.chain.length - 1;
        if (outcome === "grounded" || !plan.escalates || last) break;
        if (outcome === "declined" && !(question.route.escalateOnDecline && strong)) break;
        escalations.push(
          outcome === "declined"
            ? `${answeredBy.id} declined although the best passage holds the question's words`
            : `${answeredBy.id}'s answer is not grounded: ${describeFailure(draft)}`,
        );
      }

      return {
        draft: best?.draft,
        model: best?.model,
        plan,
        calls,
        escalations,
        costUsd,
        strongestCostUsd: best ? costOf(strongest, usageOf(best.draft)) : undefined,
        unanswered: best
          ? undefined
          : plan.chain.length === 0
            ? plan.reason
            : `no model answered (${[...skipped, ...escalations.filter((entry) => entry.includes("failed"))].join("; ")})`,
        lastFailure,
        release: () => options.budget.release(reservations),
      };
    },
  };
}

function describeFailure(draft: AnswerDraft): string {
  if (draft.status === "abstained") return draft.abstention?.detail ?? "it abstained";
  return `${failingSentences(draft)} of its sentences are not backed by the sources`;
}
