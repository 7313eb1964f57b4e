// The endpoints the web app reads besides the engine's: the dashboard's daily figures (aggregated in
// the store, counted only over collections the key may read, with budgets it may see), who the caller
// is, and a document's extracted text (what citations' character offsets count in).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnswerRecord } from "../../src/core/ledger.js";
import { parseModelCatalogue } from "../../src/models/catalogue.js";
import { json, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

let server: TestServer;
let admin: string;
let adminId: string;
let sales: string;
let salesId: string;
let hrDocument: string;
let secretDocument: string;

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function answer(collection: string, at: string, fields: Partial<AnswerRecord> = {}): AnswerRecord {
  return {
    at,
    collection,
    status: "answered",
    answerer: "generative:small",
    escalated: false,
    costUsd: 0.01,
    latencyMs: 100,
    trace: {},
    calls: [{ model: "small", outcome: "grounded", costUsd: 0.01, latencyMs: 100 }],
    ...fields,
  };
}

beforeAll(async () => {
  const models = parseModelCatalogue({
    models: [
      {
        id: "small",
        provider: "openai-compatible",
        model: "fake",
        baseUrl: "http://127.0.0.1:9/v1",
        contextWindow: 8192,
        tier: "small",
        local: true,
      },
    ],
    routing: {
      budget: { daily: 1, monthly: 20 },
      collections: { hr: { budget: { daily: 0.5 } } },
      apiKeys: {},
    },
  });
  server = await startTestServer({ models });
  const created = await server.verity.keys.create({ name: "admin", scopes: ["admin"], groups: "*" });
  admin = created.secret;
  adminId = created.key.id;
  const salesKey = await server.verity.keys.create({
    name: "sales",
    scopes: ["read"],
    collections: ["sales"],
  });
  sales = salesKey.secret;
  salesId = salesKey.key.id;
  for (const name of ["hr", "sales"]) await server.send("/api/v1/collections", { name }, { key: admin });
  const upload = async (collection: string, name: string, contents: string, groups?: string) => {
    const response = await server.fetch(`/api/v1/collections/${collection}/documents?wait=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
      body: uploadForm([{ name, contents }], groups ? { groups } : {}),
    });
    return (await json(response)).job.result.files[0].documents[0] as string;
  };
  hrDocument = await upload("hr", "leave.md", "# Leave\n\nNew staff get 25 vacation days a year.\n");
  secretDocument = await upload("sales", "bonus.md", "# Bonus\n\nThe bonus pool is secret.\n", "board");
  const store = server.verity.store;
  await store.recordAnswer(answer("hr", daysAgo(2), { latencyMs: 200 }));
  await store.recordAnswer(
    answer("hr", daysAgo(2), { status: "abstained", costUsd: 0.002, escalated: true }),
  );
  await store.recordAnswer(answer("hr", new Date().toISOString(), { costUsd: 0.1 }));
  await store.recordAnswer(answer("sales", new Date().toISOString(), { costUsd: 0.3, apiKey: salesId }));
});
afterAll(async () => server?.close());

const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe("GET /api/v1/stats/daily", () => {
  it("sums the ledger per UTC day: answers, abstentions, escalations, cost of answered ones, latency", async () => {
    const body = await json(await server.fetch("/api/v1/stats/daily?days=7&collection=hr", as(admin)));
    expect(body.since.slice(0, 10)).toBe(daysAgo(6).slice(0, 10));
    expect(body.days).toHaveLength(2);
    const [earlier, latest] = body.days;
    expect(earlier).toMatchObject({ answers: 2, answered: 1, abstained: 1, escalated: 1 });
    expect(earlier.costUsd).toBeCloseTo(0.012);
    expect(earlier.answeredCostUsd).toBeCloseTo(0.01);
    expect(earlier.p95Ms).toBeGreaterThan(earlier.p50Ms);
    expect(latest).toMatchObject({ date: today, answers: 1, answered: 1 });
    expect(body.models).toEqual([expect.objectContaining({ model: "small", calls: 3 })]);
  });

  it("counts only the collections the key may read, and shows only their budgets", async () => {
    const everything = await json(await server.fetch("/api/v1/stats/daily", as(admin)));
    expect(everything.days.reduce((sum: number, day: { answers: number }) => sum + day.answers, 0)).toBe(4);
    expect(everything.budgets.map((budget: { name: string }) => budget.name).sort()).toEqual(["hr", "sales"]);
    const hr = everything.budgets.find((budget: { name: string }) => budget.name === "hr");
    expect(hr.daily.limitUsd).toBe(0.5);
    expect(hr.daily.spentUsd).toBeCloseTo(0.1);
    // A collection's budget replaces the default one whole: hr has a daily limit only.
    expect(hr.monthly.limitUsd).toBeNull();
    const salesBudget = everything.budgets.find((budget: { name: string }) => budget.name === "sales");
    expect(salesBudget.monthly).toEqual({ spentUsd: expect.closeTo(0.3), limitUsd: 20 });

    const salesView = await json(await server.fetch("/api/v1/stats/daily", as(sales)));
    expect(salesView.days).toEqual([expect.objectContaining({ date: today, answers: 1 })]);
    expect(salesView.days[0].costUsd).toBeCloseTo(0.3);
    expect(salesView.budgets.map((budget: { name: string }) => budget.name)).toEqual(["sales"]);
    expect(JSON.stringify(salesView)).not.toContain('"hr"');
  });

  it("is in the OpenAPI document and refuses bad input in words", async () => {
    const document = await json(await server.fetch("/api/v1/openapi.json"));
    expect(document.paths["/api/v1/stats/daily"]).toBeDefined();
    expect(document.paths["/api/v1/session"]).toBeDefined();
    expect(document.paths["/api/v1/collections/{name}/documents/{id}/text"]).toBeDefined();
    const bad = await server.fetch("/api/v1/stats/daily?days=0", as(admin));
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toContain("days");
    expect((await server.fetch("/api/v1/stats/daily")).status).toBe(401);
  });
});

describe("GET /api/v1/session", () => {
  it("describes the calling key only, never its secret", async () => {
    const body = await json(await server.fetch("/api/v1/session", as(sales)));
    expect(body).toEqual({
      keyRequired: true,
      key: { id: salesId, name: "sales" },
      scopes: ["read"],
      collections: ["sales"],
      groups: [],
    });
    const mine = await json(await server.fetch("/api/v1/session", as(admin)));
    expect(mine.key.id).toBe(adminId);
    expect(JSON.stringify(mine)).not.toContain(admin);
  });

  it("answers 401 with the reason for a wrong key", async () => {
    const response = await server.fetch("/api/v1/session", as("vty_nope_nope"));
    expect(response.status).toBe(401);
    expect((await json(response)).error.message).toMatch(/unknown API key|not a Verity key/u);
  });
});

describe("GET …/documents/:id/text", () => {
  it("returns the extracted text that citations' offsets count in", async () => {
    const body = await json(
      await server.fetch(`/api/v1/collections/hr/documents/${hrDocument}/text`, as(admin)),
    );
    expect(body.text).toContain("New staff get 25 vacation days a year.");
    expect(body.mediaType).toBe("text/markdown");
  });

  it("answers 404 for a document the key may not read, as for one that does not exist", async () => {
    const hidden = await server.fetch(
      `/api/v1/collections/sales/documents/${secretDocument}/text`,
      as(sales),
    );
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain("secret");
    const elsewhere = await server.fetch(`/api/v1/collections/hr/documents/${hrDocument}/text`, as(sales));
    expect(elsewhere.status).toBe(404);
  });
});
