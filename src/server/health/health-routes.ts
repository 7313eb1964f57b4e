// Operations endpoints: /healthz (the process is up and serving), /readyz (the store is open and its
// migrations done, so questions can be answered), /metrics (Prometheus text, for an admin key).
import { z } from "zod";
import { VerityError } from "../../core/errors.js";
import type { RouteTable } from "../http/route.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";

const status = z.object({ status: z.string() });

export interface HealthRouteOptions {
  metrics: ServerMetrics;
  /** Throws (E_STORE…) when the store cannot serve; resolves when it can. */
  checkReady(): Promise<void> | void;
}

export function addHealthRoutes(routes: RouteTable, options: HealthRouteOptions): void {
  routes.add({
    method: "GET",
    url: "/healthz",
    summary: "The process is up",
    tag: "operations",
    scope: "public",
    responses: { 200: { description: "Up", schema: status } },
    handler: async () => ({ status: "ok" }),
  });

  routes.add({
    method: "GET",
    url: "/readyz",
    summary: "The store is open and migrated: questions can be answered",
    tag: "operations",
    scope: "public",
    responses: {
      200: { description: "Ready", schema: status },
      503: { description: "Not ready (E_STORE), with the reason" },
    },
    handler: async () => {
      try {
        await options.checkReady();
      } catch (error) {
        throw new VerityError("E_STORE", `the store cannot serve: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return { status: "ready" };
    },
  });

  routes.add({
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics: requests, latency, answers, model calls and cost, ingestion",
    tag: "operations",
    scope: "admin",
    responses: { 200: { description: "Prometheus text format", contentType: "text/plain; version=0.0.4" } },
    handler: async ({ reply }) =>
      reply.type(options.metrics.contentType).send(await options.metrics.render()),
  });
}
