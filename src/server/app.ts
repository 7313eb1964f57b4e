// The HTTP server's composition root: Fastify with its JSON logger, limits, auth, rate limits and
// multipart uploads; the native API under /api/v1 (one file per concept), its OpenAPI document,
// the operations endpoints, and the OpenAI-compatible and MCP plugins. Thin over the engine.
import { randomUUID } from "node:crypto";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Verity } from "../engine.js";
import type { ModelCatalogue } from "../models/catalogue.js";
import { addAskRoutes } from "./ask/ask-routes.js";
import { createAuthenticator } from "./auth/authenticator.js";
import { mediaTokenSecret } from "./auth/media-token-secret.js";
import { createMediaTokens } from "./auth/media-tokens.js";
import { addSessionRoute } from "./auth/session-route.js";
import { addCollectionRoutes } from "./collections/collection-routes.js";
import type { ServerContext } from "./context.js";
import { addDocumentRoutes } from "./documents/document-routes.js";
import { createUploadArea, type UploadArea } from "./documents/upload-area.js";
import { addHealthRoutes } from "./health/health-routes.js";
import { errorReply } from "./http/error-body.js";
import { createRouteTable, type RouteDescription } from "./http/route.js";
import { addJobRoutes } from "./jobs/job-routes.js";
import { createJobRunner, type JobRunner } from "./jobs/job-runner.js";
import { addKeyRoutes } from "./keys/key-routes.js";
import { createAskSlots, RetryLaterError } from "./limits/ask-slots.js";
import { servedVerity } from "./limits/served-verity.js";
import { mcpRoutes } from "./mcp/mcp-routes.js";
import { createServerMetrics, type ServerMetrics } from "./metrics/server-metrics.js";
import { openAiRoutes } from "./openai/openai-routes.js";
import { addOpenApiRoute } from "./openapi/openapi-route.js";
import type { ServerSettings } from "./settings/server-settings.js";
import { createRoutingLookup } from "./stats/daily-stats.js";
import { addStatsRoutes } from "./stats/stats-routes.js";
import { addWebApp } from "./web/web-app.js";

export interface ServerAppOptions {
  /** The engine; the app never closes it. */
  verity: Verity;
  settings: ServerSettings;
  /** The data folder (its real path): uploads go under it. */
  dataDir: string;
  /** --no-auth: no key is asked for or checked. */
  noAuth?: boolean;
  /** pino logger (the server's JSON log); default silent. */
  logger?: FastifyBaseLogger;
  /** The model catalogue the engine answers with: its routing section's budgets show on the dashboard. */
  models?: ModelCatalogue;
  /** The built web app's folder (default dist/web of this package). */
  webRoot?: string;
  /**
   * On a Postgres database: jobs go to the shared queue there (jobs/queue/), and this server runs
   * `concurrency` of them at once itself (0: only queues them, for `verity worker`s to run).
   */
  jobQueue?: { url: string; concurrency: number };
}

export interface ServerApp {
  app: FastifyInstance;
  /**
   * Stops accepting connections and waits for the requests in flight (at most `graceMs`), then drops
   * every connection left: keep-alive ones, ones that never sent a request, and requests past the grace.
   */
  drain(graceMs: number): Promise<void>;
  context: ServerContext;
  /** The native routes as the OpenAPI document describes them. */
  routes: readonly RouteDescription[];
  jobs: JobRunner;
  uploads: UploadArea;
  metrics: ServerMetrics;
}

/** A request id a client or proxy sent, when it is safe to log and echo; otherwise a new one. */
function requestId(header: string | string[] | undefined): string {
  return typeof header === "string" && /^[\w.:-]{1,64}$/u.test(header) ? header : randomUUID();
}

export async function createServerApp(options: ServerAppOptions): Promise<ServerApp> {
  const { settings } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "requestId" }),
    genReqId: (raw) => requestId(raw.headers["x-request-id"]),
    bodyLimit: settings.limits.bodyBytes,
    requestTimeout: settings.timeouts.requestMs,
    keepAliveTimeout: settings.timeouts.keepAliveMs,
    trustProxy: settings.trustProxy,
  });
  const metrics = createServerMetrics();
  const uploads = createUploadArea(options.dataDir, settings.limits.uploadBytes);
  const verity = servedVerity(options.verity, {
    slots: createAskSlots(settings.concurrentAsksPerKey),
    metrics,
    askTimeoutMs: settings.timeouts.askMs,
  });
  const logger = app.log;
  const context: ServerContext = {
    verity,
    logger,
    authenticate: createAuthenticator({ keys: options.verity.keys, disabled: options.noAuth === true }),
  };
  const mediaTokens = createMediaTokens({
    secret: await mediaTokenSecret(options.dataDir),
    keys: options.verity.keys,
    disabled: options.noAuth === true,
    lifetimeMs: settings.timeouts.mediaLinkMs,
  });
  // On a database, the job runner holds the queue's connections and timers: an app that fails to
  // come up stops it, or the process would live on without serving.
  const jobs = options.jobQueue
    ? await (await import("./jobs/queue/queued-job-runner.js")).createQueuedJobRunner({
        verity,
        uploads,
        metrics,
        logger,
        graceMs: settings.timeouts.shutdownMs,
        ...options.jobQueue,
      })
    : createJobRunner({ verity, uploads, metrics, logger });
  try {
    app.setErrorHandler((error, request, reply) => {
      const { status, body, unexpected } = errorReply(error, settings.limits);
      if (unexpected) request.log.error({ err: unexpected }, "unexpected error");
      if (error instanceof RetryLaterError) reply.header("retry-after", String(error.retryAfterSeconds));
      if (status === 401) reply.header("www-authenticate", 'Bearer realm="verity"');
      return reply.code(status).type("application/json; charset=utf-8").send(body);
    });
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({
        error: {
          code: "E_NOT_FOUND",
          message: `no route ${request.method} ${request.url.split("?")[0]}; /api/v1/openapi.json lists them`,
        },
      }),
    );

    // Who is calling, before anything else runs; the rate limit (a route hook) then counts per key.
    app.addHook("onRequest", async (request, reply) => {
      reply.header("x-request-id", request.id);
      if (request.is404 || request.routeOptions.config.public === true) return;
      const token = (request.query as { token?: unknown }).token;
      if (
        request.routeOptions.config.mediaToken === true &&
        request.headers.authorization === undefined &&
        typeof token === "string"
      ) {
        const { name, id } = request.params as { name?: string; id?: string };
        request.caller = await mediaTokens.authenticate(token, {
          collection: name ?? "",
          documentId: id ?? "",
        });
        return;
      }
      request.caller = await context.authenticate(request.headers.authorization);
    });
    // One log line and one metric per request: no headers, bodies, questions or answers, and no URL
    // (its route pattern only), so a media link's token never reaches the log.
    app.addHook("onResponse", async (request, reply) => {
      const route = request.routeOptions.url ?? "unmatched";
      metrics.observeRequest({
        method: request.method,
        route,
        status: reply.statusCode,
        seconds: reply.elapsedTime / 1000,
      });
      request.log.info(
        {
          method: request.method,
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          ...(request.caller?.keyId ? { keyId: request.caller.keyId } : {}),
        },
        "request",
      );
    });

    await app.register(rateLimit, {
      global: true,
      max: settings.rateLimit.max,
      timeWindow: settings.rateLimit.windowMs,
      allowList: (request) => request.routeOptions.config.public === true,
      keyGenerator: (request) =>
        request.caller?.keyId ? `key:${request.caller.keyId}` : `address:${request.ip}`,
      errorResponseBuilder: (_request, limit) =>
        new RetryLaterError(
          `too many requests for this API key: at most ${limit.max} per ${settings.rateLimit.windowMs / 1000} s; retry in ${limit.after} (server.rateLimit)`,
          Math.max(1, Math.ceil(limit.ttl / 1000)),
        ),
    });
    await app.register(multipart, {
      throwFileSizeLimit: true,
      limits: {
        fileSize: settings.limits.uploadBytes,
        files: settings.limits.uploadFiles,
        fields: 20,
        fieldSize: 64 * 1024,
        parts: settings.limits.uploadFiles + 20,
        headerPairs: 100,
      },
    });

    const routes = createRouteTable(app);
    addHealthRoutes(routes, {
      metrics,
      checkReady: async () => {
        await options.verity.store.hasCollection("");
      },
    });
    addCollectionRoutes(routes, context, uploads, jobs);
    addDocumentRoutes(routes, context, uploads, jobs, mediaTokens);
    const endJobStreams = addJobRoutes(routes, jobs);
    addAskRoutes(routes, context, settings.limits);
    addStatsRoutes(routes, context, createRoutingLookup(options.models));
    addKeyRoutes(routes, context);
    addSessionRoute(routes, context);
    addOpenApiRoute(routes);
    app.addHook("preClose", async () => endJobStreams());

    // The OpenAI-compatible endpoint (/v1) and MCP (/mcp): the other adapters over the same context.
    await app.register(openAiRoutes(context));
    await app.register(mcpRoutes(context));
    // The web app at `/`: static files only, talking to the API above like any other client.
    await addWebApp(app, options.webRoot);

    // Requests in flight, counted on the raw server so hijacked responses (event streams) count too.
    let inFlight = 0;
    let idle: (() => void) | undefined;
    app.server.on("request", (_request, response) => {
      inFlight++;
      response.once("close", () => {
        inFlight--;
        if (inFlight === 0) idle?.();
      });
    });
    const drain = async (graceMs: number) => {
      const closed = app.close();
      const quiet = new Promise<void>((resolve) => {
        idle = resolve;
        if (inFlight === 0) resolve();
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([quiet, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      app.server.closeAllConnections();
      await closed;
    };

    return { app, drain, context, routes: routes.routes, jobs, uploads, metrics };
  } catch (error) {
    await jobs.stop().catch(() => undefined);
    await app.close().catch(() => undefined);
    throw error;
  }
}
