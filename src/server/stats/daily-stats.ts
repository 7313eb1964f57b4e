// The dashboard's figures, aggregated in the store rather than sent answer by answer: the ledger per
// UTC day, latency per model, and spending against the configured budgets. Like GET /api/v1/stats,
// answers are counted over the collections the caller may read; a key sees the budgets of those
// collections and its own key's budget (every key's budget only for a key that reads everything).
import type { Access } from "../../core/access.js";
import { mayReadCollection } from "../../core/access.js";
import type { LedgerDay, LedgerSummary } from "../../core/ledger.js";
import type { ModelCatalogue } from "../../models/catalogue.js";
import type { BudgetSettings, RoutingSettings } from "../../route/settings.js";
import type { Store } from "../../store/store.js";

export interface BudgetUse {
  /** `collection` or `apiKey`. */
  kind: "collection" | "apiKey";
  name: string;
  daily: { spentUsd: number; limitUsd: number | null };
  monthly: { spentUsd: number; limitUsd: number | null };
}

export interface DailyStats {
  since: string;
  days: LedgerDay[];
  models: LedgerSummary["perModel"];
  budgets: BudgetUse[];
}

export interface DailyStatsQuery {
  days: number;
  collection?: string;
  access: Access;
  keyId?: string;
  now?: Date;
}

/** The routing settings of a catalogue, loaded only when one is configured. */
export type RoutingLookup = () => Promise<
  { settings: RoutingSettings; routeFor: (collection: string) => { budget?: BudgetSettings } } | undefined
>;

export function createRoutingLookup(models: ModelCatalogue | undefined): RoutingLookup {
  if (!models) return async () => undefined;
  let loaded: ReturnType<RoutingLookup> | undefined;
  return () => {
    loaded ??= import("../../route/settings.js").then((module) => {
      const settings = module.parseRoutingSettings(models);
      return { settings, routeFor: (collection: string) => module.routeFor(settings, collection) };
    });
    return loaded;
  };
}

const readsEverything = (access: Access) => access.collections === "*" && access.groups === "*";

export async function dailyStats(
  store: Store,
  routing: RoutingLookup,
  query: DailyStatsQuery,
): Promise<DailyStats> {
  const now = query.now ?? new Date();
  const start = new Date(now.getTime());
  start.setUTCHours(0, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() - (query.days - 1));
  const since = start.toISOString();
  const ledgerQuery = {
    since,
    access: query.access,
    ...(query.collection !== undefined ? { collection: query.collection } : {}),
  };
  const days = await store.ledgerDays(ledgerQuery);
  const models = (await store.ledgerSummary(ledgerQuery)).perModel;

  const budgets: BudgetUse[] = [];
  const found = await routing();
  if (found) {
    const day = now.toISOString().slice(0, 10);
    const month = day.slice(0, 7);
    const use = async (
      kind: BudgetUse["kind"],
      name: string,
      budget: BudgetSettings,
      scope: { collection: string } | { apiKey: string },
    ): Promise<BudgetUse> => ({
      kind,
      name,
      daily: { spentUsd: await store.spent(scope, day), limitUsd: budget.daily ?? null },
      monthly: { spentUsd: await store.spent(scope, month), limitUsd: budget.monthly ?? null },
    });
    for (const collection of await store.listCollections(query.access)) {
      if (query.collection !== undefined && collection.name !== query.collection) continue;
      if (!mayReadCollection(query.access, collection.name)) continue;
      const budget = found.routeFor(collection.name).budget;
      if (budget)
        budgets.push(await use("collection", collection.name, budget, { collection: collection.name }));
    }
    for (const [keyId, budget] of Object.entries(found.settings.apiKeys)) {
      if (keyId === query.keyId || readsEverything(query.access))
        budgets.push(await use("apiKey", keyId, budget, { apiKey: keyId }));
    }
  }
  return { since, days, models, budgets };
}
