// Budgets in money, per collection and per API key, per UTC day and month. A call is checked before it
// is made against its worst case (the whole prompt and the longest answer the model may write), and
// settled after with the tokens the provider reported. Every call counts, whichever model makes it:
// a free model's paid fallback is still paid.
import { VerityError } from "../core/errors.js";
import type { Ledger } from "../core/ledger.js";
import type { ModelEntry } from "../models/catalogue.js";
import type { BudgetSettings } from "./settings.js";

export interface BudgetScope {
  /** What the budget belongs to, for messages: `collection "legal"`, `API key "team-a"`. */
  label: string;
  ledger: { collection: string } | { apiKey: string };
  budget: BudgetSettings;
}

export interface Reservation {
  /** Release what was held and count what was spent instead (until the ledger holds the answer). */
  settle(actualUsd: number): void;
}

export interface BudgetGuard {
  /** Holds `worstCaseUsd` against every scope, or says which budget it would break. */
  reserve(scopes: readonly BudgetScope[], worstCaseUsd: number): Reservation | { exceeded: string };
  /** Forgets what this answer holds, once the ledger has recorded it. */
  release(reservations: readonly Reservation[]): void;
}

/** Characters per token assumed for the worst case: fewer than any tokenizer's average for prose. */
const charactersPerToken = 3;
/** The system prompt and framing around the passages. */
const promptOverheadTokens = 400;

/** The most a call to `model` with a prompt of `promptCharacters` can cost, in US dollars. */
export function worstCaseCost(model: ModelEntry, promptCharacters: number): number {
  const input = Math.min(
    model.contextWindow,
    Math.ceil(promptCharacters / charactersPerToken) + promptOverheadTokens,
  );
  return (input * model.price.input + model.maxOutputTokens * model.price.output) / 1e6;
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const monthOf = (at: Date) => at.toISOString().slice(0, 7);
const money = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;

export function createBudgetGuard(ledger: Ledger, now: () => Date = () => new Date()): BudgetGuard {
  // Money held or spent by answers not yet in the ledger, per scope and period.
  const pending = new Map<string, number>();
  const holds = new WeakMap<Reservation, Map<string, number>>();
  const add = (key: string, usd: number) => pending.set(key, (pending.get(key) ?? 0) + usd);

  return {
    reserve(scopes, worstCaseUsd) {
      const at = now();
      const keys: string[] = [];
      for (const scope of scopes) {
        const periods = [
          { name: "daily", limit: scope.budget.daily, period: dayOf(at) },
          { name: "monthly", limit: scope.budget.monthly, period: monthOf(at) },
        ];
        for (const period of periods) {
          if (period.limit === undefined) continue;
          const key = `${JSON.stringify(scope.ledger)}|${period.period}`;
          const spent = ledger.spent(scope.ledger, period.period) + (pending.get(key) ?? 0);
          if (spent + worstCaseUsd > period.limit) {
            return {
              exceeded: `the ${period.name} budget of ${money(period.limit)} for ${scope.label} has ${money(Math.max(0, period.limit - spent))} left, and this call could cost up to ${money(worstCaseUsd)}`,
            };
          }
          keys.push(key);
        }
      }
      const held = new Map(keys.map((key) => [key, worstCaseUsd]));
      for (const key of keys) add(key, worstCaseUsd);
      const reservation: Reservation = {
        settle(actualUsd) {
          for (const [key, amount] of held) {
            add(key, actualUsd - amount);
            held.set(key, actualUsd);
          }
        },
      };
      holds.set(reservation, held);
      return reservation;
    },

    release(reservations) {
      for (const reservation of reservations) {
        for (const [key, amount] of holds.get(reservation) ?? []) add(key, -amount);
        holds.delete(reservation);
      }
    },
  };
}

/** A budget that stops the answer: the caller configured `onExhausted: "error"`. */
export function budgetError(reason: string): VerityError {
  return new VerityError(
    "E_BUDGET_EXHAUSTED",
    `${reason}. Raise the budget in the catalogue's routing section, wait for the next period, or set onExhausted to "cheaper" to answer without a paid model.`,
  );
}
