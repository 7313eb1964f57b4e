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
  /**
   * Holds `worstCaseUsd` against every scope, or says which budget it would break. Questions asked at
   * once are checked one after another: together they never pass a budget one of them would break.
   */
  reserve(scopes: readonly BudgetScope[], worstCaseUsd: number): Promise<Reservation | { exceeded: string }>;
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

  // Holds released while a question was reading the ledger: the answer they were for may be recorded
  // after its read, so that question counts them again (over-counting for a moment is safe).
  let releases = 0;
  const released: { seq: number; key: string; usd: number }[] = [];
  const reading = new Map<number, number>();

  return {
    async reserve(scopes, worstCaseUsd) {
      const at = now();
      const checks = scopes.flatMap((scope) =>
        [
          { name: "daily", limit: scope.budget.daily, period: dayOf(at) },
          { name: "monthly", limit: scope.budget.monthly, period: monthOf(at) },
        ].flatMap(({ name, limit, period }) =>
          limit === undefined
            ? []
            : [{ name, limit, period, scope, key: `${JSON.stringify(scope.ledger)}|${period}` }],
        ),
      );
      // The ledger is read first; the check and the hold then happen without awaiting, so questions
      // asked at once cannot both pass on the same remainder.
      const since = releases;
      reading.set(since, (reading.get(since) ?? 0) + 1);
      const recorded: number[] = [];
      try {
        for (const check of checks) recorded.push(await ledger.spent(check.scope.ledger, check.period));
      } finally {
        const left = (reading.get(since) ?? 1) - 1;
        if (left > 0) reading.set(since, left);
        else reading.delete(since);
      }
      const releasedSince = (key: string) =>
        released.reduce((sum, entry) => (entry.seq > since && entry.key === key ? sum + entry.usd : sum), 0);
      const extra = checks.map((check) => releasedSince(check.key));
      const oldest = Math.min(releases, ...reading.keys());
      while (released.length > 0 && (released[0] as { seq: number }).seq <= oldest) released.shift();
      const keys: string[] = [];
      for (const [index, check] of checks.entries()) {
        const spent = (recorded[index] as number) + (extra[index] as number) + (pending.get(check.key) ?? 0);
        if (spent + worstCaseUsd > check.limit) {
          return {
            exceeded: `the ${check.name} budget of ${money(check.limit)} for ${check.scope.label} has ${money(Math.max(0, check.limit - spent))} left, and this call could cost up to ${money(worstCaseUsd)}`,
          };
        }
        keys.push(check.key);
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
      releases++;
      for (const reservation of reservations) {
        for (const [key, amount] of holds.get(reservation) ?? []) {
          add(key, -amount);
          if (reading.size > 0) released.push({ seq: releases, key, usd: amount });
        }
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
