// Stats and the answer ledger, filtered to what the caller may see: counts over the documents it may
// read, the answers of its collections summed, jobs only for a key that reads every group, and in
// the ledger's listing only the answers asked with its own key (all of them for a key that reads all).
import { z } from "zod";
import type { ServerContext } from "../context.js";
import { collectionName, keyedErrors } from "../http/common-schemas.js";
import type { RouteTable } from "../http/route.js";
import { dailyStats, type RoutingLookup } from "./daily-stats.js";

const since = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), "not a date; use ISO 8601, e.g. 2026-11-01")
  .transform((value) => new Date(value).toISOString())
  .optional()
  .describe("From this date or time on (ISO 8601)");

const statsQuery = z.object({ since, collection: collectionName.optional() }).strict();
const ledgerQuery = statsQuery
  .extend({ limit: z.coerce.number().int().min(1).max(1000).default(50) })
  .strict();

const statsSchema = z.object({
  store: z.looseObject({ collections: z.number(), documents: z.number(), chunks: z.number() }),
  collections: z.array(z.looseObject({ name: z.string() })),
  jobs: z.array(z.looseObject({ id: z.string(), kind: z.string(), status: z.string() })),
  answers: z.looseObject({
    answers: z.number(),
    answered: z.number(),
    abstained: z.number(),
    costUsd: z.number(),
  }),
});

const ledgerSchema = z.object({
  answers: z.array(
    z.looseObject({
      id: z.number(),
      at: z.string(),
      collection: z.string(),
      status: z.enum(["answered", "abstained"]),
      costUsd: z.number(),
      latencyMs: z.number(),
    }),
  ),
});

const dailyQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(366).default(30).describe("UTC days, today included"),
    collection: collectionName.optional(),
  })
  .strict();

const money = z.object({ spentUsd: z.number(), limitUsd: z.number().nullable() });

const dailySchema = z.object({
  since: z.string().describe("The first day counted, midnight UTC"),
  days: z.array(
    z.object({
      date: z.string().describe("UTC day, e.g. 2026-11-29; days without answers are left out"),
      answers: z.number(),
      answered: z.number(),
      abstained: z.number(),
      escalated: z.number(),
      costUsd: z.number(),
      answeredCostUsd: z
        .number()
        .describe("Cost of the answered ones: divide by answered for cost per answer"),
      p50Ms: z.number(),
      p95Ms: z.number(),
    }),
  ),
  models: z.array(
    z.object({
      model: z.string(),
      calls: z.number(),
      failed: z.number(),
      costUsd: z.number(),
      p50Ms: z.number(),
      p95Ms: z.number(),
    }),
  ),
  budgets: z
    .array(
      z.object({
        kind: z.enum(["collection", "apiKey"]),
        name: z.string().describe("The collection, or the API key's id"),
        daily: money,
        monthly: money,
      }),
    )
    .describe("Spending today and this month (UTC) against each configured budget the key may see"),
});

export function addStatsRoutes(routes: RouteTable, context: ServerContext, routing: RoutingLookup): void {
  const { verity } = context;

  routes.add({
    method: "GET",
    url: "/api/v1/stats",
    summary:
      "Counts, sizes, recent jobs and the answers' cost, abstention and escalation rates, over what this key may read",
    tag: "stats",
    scope: "read",
    query: statsQuery,
    responses: { 200: { description: "Stats", schema: statsSchema }, ...keyedErrors },
    handler: async ({ query, caller }) =>
      verity.stats({
        ...(query.since ? { since: query.since } : {}),
        ...(query.collection ? { collection: query.collection } : {}),
        access: caller.access,
      }),
  });

  routes.add({
    method: "GET",
    url: "/api/v1/ledger",
    summary:
      "Recorded answers, newest first: this key's own, or every answer for a key that reads everything",
    tag: "stats",
    scope: "read",
    query: ledgerQuery,
    responses: { 200: { description: "Answers in the ledger", schema: ledgerSchema }, ...keyedErrors },
    handler: async ({ query, caller }) => ({
      answers: await verity.listAnswers({
        ...(query.since ? { since: query.since } : {}),
        ...(query.collection ? { collection: query.collection } : {}),
        limit: query.limit,
        access: caller.access,
        ...(caller.keyId !== undefined ? { apiKey: caller.keyId } : {}),
      }),
    }),
  });

  routes.add({
    method: "GET",
    url: "/api/v1/stats/daily",
    summary:
      "The ledger per UTC day (answers, abstentions, escalations, cost, latency), latency per model and budget use, over the collections this key may read",
    tag: "stats",
    scope: "read",
    query: dailyQuery,
    responses: { 200: { description: "Daily figures", schema: dailySchema }, ...keyedErrors },
    handler: async ({ query, caller }) =>
      dailyStats(verity.store, routing, {
        days: query.days,
        ...(query.collection ? { collection: query.collection } : {}),
        access: caller.access,
        ...(caller.keyId !== undefined ? { keyId: caller.keyId } : {}),
      }),
  });
}
