// Operating the server: health and readiness, Prometheus metrics, the OpenAPI document (and every
// response matching the schema it publishes), rate limits and concurrent asks per key, request ids,
// and JSON logs that never hold a key, a question's sources or an answer.
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseModelCatalogue } from "../../src/models/catalogue.js";
import { type FakeChatServer, startFakeChatServer } from "../fakes/fake-chat-server.js";
import { json, readEvents, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

let server: TestServer | undefined;
let model: FakeChatServer | undefined;
afterEach(async () => {
  await server?.close();
  await model?.close();
  server = undefined;
  model = undefined;
});

const plans = "# Plans\n\nThe Team plan costs $8 per user per month, billed annually.\n";

async function withPlans(target: TestServer, key?: string): Promise<string> {
  const headers = key ? { authorization: `Bearer ${key}` } : undefined;
  await target.send("/api/v1/collections", { name: "help" }, key ? { key } : {});
  const response = await target.fetch("/api/v1/collections/help/documents?wait=true", {
    method: "POST",
    ...(headers ? { headers } : {}),
    body: uploadForm([{ name: "plans.md", contents: plans }]),
  });
  return (await json(response)).job.result.files[0].documents[0];
}

describe("health", () => {
  it("/healthz says the process is up and /readyz that the store can serve, without a key", async () => {
    server = await startTestServer();
    await server.verity.keys.create({ name: "admin", scopes: ["admin"] });
    expect(await json(await server.fetch("/healthz"))).toEqual({ status: "ok" });
    expect(await json(await server.fetch("/readyz"))).toEqual({ status: "ready" });
  });

  it("/readyz is 503 E_STORE once the store is closed", async () => {
    server = await startTestServer();
    await server.verity.store.close();
    const response = await server.fetch("/readyz");
    expect(response.status).toBe(503);
    expect((await json(response)).error.code).toBe("E_STORE");
  });
});

describe("metrics", () => {
  it("count requests by route and status, their latency, and ingested files, in Prometheus text", async () => {
    server = await startTestServer();
    await withPlans(server);
    await server.fetch("/api/v1/collections/nowhere");
    const response = await server.fetch("/metrics");
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain(
      'verity_http_requests_total{method="GET",route="/api/v1/collections/:name",status="404"} 1',
    );
    expect(text).toMatch(
      /verity_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/collections",status="201"\} 1/u,
    );
    expect(text).toContain('verity_ingested_files_total{status="added"} 1');
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("need an admin key once keys exist", async () => {
    server = await startTestServer();
    const reader = await server.verity.keys.create({ name: "reader", scopes: ["read"] });
    const admin = await server.verity.keys.create({ name: "admin", scopes: ["admin"] });
    expect(
      (await server.fetch("/metrics", { headers: { authorization: `Bearer ${reader.secret}` } })).status,
    ).toBe(403);
    expect(
      (await server.fetch("/metrics", { headers: { authorization: `Bearer ${admin.secret}` } })).status,
    ).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 listing every native route with its scope, inputs and responses", async () => {
    server = await startTestServer();
    const document = await json(await server.fetch("/api/v1/openapi.json"));
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      server.routes.map((route) => `${route.method} ${route.url.replace(/:(\w+)/gu, "{$1}")}`).sort(),
    );
    const ask = document.paths["/api/v1/ask"].post;
    expect(ask.requestBody.content["application/json"].schema.properties.question).toMatchObject({
      type: "string",
      maxLength: 4000,
    });
    expect(ask.responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Answer",
    });
    expect(ask.description).toContain('"read" scope');
    expect(document.paths["/healthz"].get.security).toEqual([]);
    const upload = document.paths["/api/v1/collections/{name}/documents"].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(["multipart/form-data"]);
    expect(upload.parameters).toContainEqual(
      expect.objectContaining({ name: "name", in: "path", required: true }),
    );
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(["Answer", "Citation", "Location", "Abstention", "Document", "Job", "Error"]),
    );
  });

  it("describes what the routes answer: each response here parses with its documented schema", async () => {
    server = await startTestServer();
    const id = await withPlans(server);
    const calls: [string, string, Promise<Response>][] = [
      ["GET", "/api/v1/collections", server.fetch("/api/v1/collections")],
      ["GET", "/api/v1/collections/:name", server.fetch("/api/v1/collections/help")],
      ["GET", "/api/v1/collections/:name/documents", server.fetch("/api/v1/collections/help/documents")],
      [
        "GET",
        "/api/v1/collections/:name/documents/:id",
        server.fetch(`/api/v1/collections/help/documents/${id}`),
      ],
      [
        "POST",
        "/api/v1/ask",
        server.send("/api/v1/ask", { question: "How much is the Team plan?", collection: "help" }),
      ],
      [
        "POST",
        "/api/v1/ask",
        server.send("/api/v1/ask", { question: "Where is the office?", collection: "help" }),
      ],
      [
        "POST",
        "/api/v1/search",
        server.send("/api/v1/search", { question: "Team plan", collection: "help" }),
      ],
      ["GET", "/api/v1/stats", server.fetch("/api/v1/stats")],
      ["GET", "/api/v1/ledger", server.fetch("/api/v1/ledger")],
      ["GET", "/api/v1/jobs", server.fetch("/api/v1/jobs")],
      ["POST", "/api/v1/keys", server.send("/api/v1/keys", { name: "reader", scopes: ["read"] })],
      ["GET", "/api/v1/keys", server.fetch("/api/v1/keys")],
      ["GET", "/api/v1/collections/:name", server.fetch("/api/v1/collections/nowhere")],
    ];
    for (const [method, url, pending] of calls) {
      const response = await pending;
      const route = server.routes.find((candidate) => candidate.method === method && candidate.url === url);
      const schema = route?.responses[response.status]?.schema;
      expect(schema, `${method} ${url} documents ${response.status}`).toBeDefined();
      const parsed = schema?.safeParse(await json(response));
      expect(parsed?.error, `${method} ${url}`).toBeUndefined();
    }
  });
});

describe("limits per key", () => {
  it("a key past its rate limit gets 429 E_RATE_LIMITED with Retry-After, while other keys go on", async () => {
    server = await startTestServer({ server: { rateLimit: { max: 3, windowMs: 60_000 } } });
    const first = await server.verity.keys.create({ name: "first", scopes: ["read"] });
    const second = await server.verity.keys.create({ name: "second", scopes: ["read"] });
    const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
    for (let index = 0; index < 3; index++)
      expect((await server.fetch("/api/v1/collections", as(first.secret))).status).toBe(200);
    const limited = await server.fetch("/api/v1/collections", as(first.secret));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await json(limited)).error).toMatchObject({
      code: "E_RATE_LIMITED",
      message: expect.stringContaining("server.rateLimit"),
    });
    expect((await server.fetch("/api/v1/collections", as(second.secret))).status).toBe(200);
    expect((await server.fetch("/healthz")).status).toBe(200);
  });

  it("a key with as many questions in flight as allowed gets 429 with Retry-After for one more", async () => {
    model = await startFakeChatServer(() => ({
      content: "The Team plan costs $8 per user per month, billed annually [1].",
      delayMs: 10_000,
    }));
    const models = parseModelCatalogue({
      models: [
        {
          id: "slow",
          provider: "openai-compatible",
          model: "slow",
          baseUrl: `${model.url}/v1`,
          contextWindow: 8192,
          tier: "small",
          local: true,
          maxRetries: 0,
        },
      ],
    });
    server = await startTestServer({ verity: { models }, server: { concurrentAsksPerKey: 1 } });
    const admin = await server.verity.keys.create({ name: "admin", scopes: ["admin"], groups: "*" });
    const other = await server.verity.keys.create({ name: "other", scopes: ["read"] });
    await withPlans(server, admin.secret);
    const question = { question: "How much is the Team plan?", collection: "help" };
    const client = new AbortController();
    const ask = (key: string) =>
      fetch(`${server?.url}/api/v1/ask`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(question),
        signal: client.signal,
      }).catch(() => undefined);
    const first = ask(admin.secret);
    await vi.waitFor(() => expect(model?.requests).toHaveLength(1));

    const second = await server.send("/api/v1/ask", question, { key: admin.secret });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    expect((await json(second)).error.message).toContain("server.concurrentAsksPerKey");
    const stream = await server.send("/api/v1/ask", { ...question, stream: true }, { key: admin.secret });
    expect(stream.status).toBe(429);

    const elsewhere = ask(other.secret);
    await vi.waitFor(() => expect(model?.requests).toHaveLength(2));
    client.abort();
    await Promise.all([first, elsewhere]);
  });
});

describe("logs", () => {
  it("hold one JSON line per request with its id, and never the key, the question, the sources or the answer", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: "info" }, sink);
    server = await startTestServer({ logger, verity: { logger } });
    const admin = await server.verity.keys.create({ name: "admin", scopes: ["admin"], groups: "*" });
    await withPlans(server, admin.secret);
    const response = await server.send(
      "/api/v1/ask",
      { question: "How much is the Team plan per user?", collection: "help" },
      { key: admin.secret, headers: { "x-request-id": "trace-123" } },
    );
    expect(response.headers.get("x-request-id")).toBe("trace-123");
    const events = await readEvents(
      await server.send(
        "/api/v1/ask",
        { question: "How much is the Team plan per user?", collection: "help", stream: true },
        { key: admin.secret },
      ),
    );
    expect(events.at(-1)?.event).toBe("done");

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        requestId: "trace-123",
        route: "/api/v1/ask",
        status: 200,
        keyId: admin.key.id,
        msg: "request",
      }),
    );
    const log = lines.join("\n");
    for (const secret of [admin.secret, "Team plan per user?", "$8 per user per month", "billed annually"]) {
      expect(log).not.toContain(secret);
    }
  });
});
