// Routing through the engine against two real OpenAI-compatible servers on loopback, a "small" local
// model and a "large" remote one: escalation when the small answer is not grounded, fallback when a
// model fails, budgets, the on-premise-only rule, and the ledger every answer is recorded in.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createVerity, type Verity } from "../src/engine.js";
import { parseModelCatalogue } from "../src/models/catalogue.js";
import { type ChatReply, type FakeChatServer, startFakeChatServer } from "./fakes/fake-chat-server.js";

const faithful = "The Team plan costs $8 per user per month, billed annually [1].";
const invented = "The Team plan costs $12 per user per month [1].";

let dir: string;
let verity: Verity | undefined;
const servers: FakeChatServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-routing-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(
    join(dir, "docs", "plans.md"),
    "# Plans\n\n## Team plan\n\nThe Team plan costs $8 per user per month, billed annually.\n\n## Free plan\n\nThe Free plan includes 3 notebooks.",
  );
});

afterEach(async () => {
  await verity?.close();
  verity = undefined;
  await Promise.all(servers.splice(0).map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(reply: (index: number) => ChatReply): Promise<FakeChatServer> {
  const server = await startFakeChatServer(({ index }) => reply(index));
  servers.push(server);
  return server;
}

async function engine(
  small: FakeChatServer,
  large: FakeChatServer,
  routing: Record<string, unknown> = {},
  overrides: { small?: Record<string, unknown>; large?: Record<string, unknown> } = {},
): Promise<Verity> {
  const models = parseModelCatalogue({
    models: [
      {
        id: "small",
        provider: "openai-compatible",
        model: "fake-small",
        baseUrl: `${small.url}/v1`,
        contextWindow: 8192,
        tier: "small",
        local: true,
        maxRetries: 0,
        ...overrides.small,
      },
      {
        id: "large",
        provider: "openai-compatible",
        model: "fake-large",
        baseUrl: `${large.url}/v1`,
        price: { input: 3, output: 15 },
        contextWindow: 8192,
        tier: "large",
        local: false,
        maxRetries: 0,
        ...overrides.large,
      },
    ],
    routing,
  });
  verity = createVerity({ dataDir: join(dir, "data"), models });
  await verity.ingest([join(dir, "docs")], { collection: "help" });
  return verity;
}

const calls = (answer: { trace: Record<string, unknown> }) =>
  ((answer.trace.route as { calls: { model: string; outcome: string }[] }).calls ?? []).map(
    (call) => `${call.model}:${call.outcome}`,
  );

describe("cascade routing", () => {
  it("keeps a grounded small-model answer and never calls the large model", async () => {
    const small = await serve(() => ({ content: faithful }));
    const large = await serve(() => ({ content: faithful }));
    const answer = await (await engine(small, large)).ask("How much is the Team plan?", {
      collection: "help",
    });
    expect(answer.status).toBe("answered");
    expect(answer.trace.answerer).toBe("generative:small");
    expect(calls(answer)).toEqual(["small:grounded"]);
    expect(large.requests).toHaveLength(0);
  });

  it("hands the accepted answer's sentences to onSentence, never the rejected model's", async () => {
    const small = await serve(() => ({ content: invented }));
    const large = await serve(() => ({ content: faithful }));
    const heard: string[] = [];
    const answer = await (await engine(small, large)).ask("How much is the Team plan?", {
      collection: "help",
      onSentence: (sentence) => heard.push(sentence.text),
    });
    expect(answer.trace.answerer).toBe("generative:large");
    expect(heard).toEqual(answer.sentences.map((sentence) => sentence.text));
    expect(heard.join(" ")).not.toContain("$12");
  });

  it("escalates an ungrounded small-model answer to the large model, and records why and what it cost", async () => {
    const small = await serve(() => ({ content: invented }));
    const large = await serve(() => ({
      content: faithful,
      usage: { prompt_tokens: 1000, completion_tokens: 100 },
    }));
    const v = await engine(small, large);
    const answer = await v.ask("How much is the Team plan?", { collection: "help" });
    expect(answer.trace.answerer).toBe("generative:large");
    expect(answer.sentences.map((sentence) => sentence.text)).toEqual([
      "The Team plan costs $8 per user per month, billed annually.",
    ]);
    expect(calls(answer)).toEqual(["small:ungrounded", "large:grounded"]);
    const route = answer.trace.route as { escalations: string[]; policy: string };
    expect(route.policy).toBe("cascade");
    expect(route.escalations[0]).toContain("small's answer is not grounded");
    expect(answer.trace.costUsd).toBeCloseTo((1000 * 3 + 100 * 15) / 1e6, 9);
    const summary = await v.store.ledgerSummary();
    expect(summary).toMatchObject({ answers: 1, answered: 1, escalated: 1 });
    expect(summary.perModel.map((model) => [model.model, model.calls])).toEqual([
      ["large", 1],
      ["small", 1],
    ]);
  });

  it("falls back to the next model on a 500 and on a timeout", async () => {
    const failing = await serve(() => ({ status: 500 }));
    const large = await serve(() => ({ content: faithful }));
    const first = await (await engine(failing, large)).ask("How much is the Team plan?", {
      collection: "help",
    });
    expect(calls(first)).toEqual(["small:failed", "large:grounded"]);
    // A fallback after a failure is not an escalation.
    expect(await verity?.store.ledgerSummary()).toMatchObject({ answers: 1, escalated: 0 });
    await verity?.close();
    const slow = await serve(() => ({ content: faithful, delayMs: 2000 }));
    const second = await (await engine(slow, large, {}, { small: { timeoutMs: 200 } })).ask(
      "How much is the Team plan?",
      { collection: "help" },
    );
    expect(calls(second)).toEqual(["small:failed", "large:grounded"]);
    expect((second.trace.route as { escalations: string[] }).escalations[0]).toContain("E_PROVIDER_TIMEOUT");
  });

  it("answers extractively, with the reason, when every model fails", async () => {
    const failing = await serve(() => ({ status: 503 }));
    const alsoFailing = await serve(() => ({ status: 500 }));
    const answer = await (await engine(failing, alsoFailing)).ask("How much is the Team plan?", {
      collection: "help",
    });
    expect(answer.trace.answerer).toBe("extractive");
    expect(answer.status).toBe("answered");
    expect(answer.trace.fallback).toMatchObject({ from: "generative:large", code: "E_PROVIDER_HTTP" });
  });
});

describe("reliability", () => {
  it("hedges a slow first model with the next one, keeps the faster answer and cancels the slower", async () => {
    const slow = await serve(() => ({ content: faithful, delayMs: 1500 }));
    const fast = await serve(() => ({ content: faithful }));
    const v = await engine(slow, fast, { hedgeAfterMs: 100 });
    const answer = await v.ask("How much is the Team plan?", { collection: "help" });
    expect(answer.trace.answerer).toBe("generative:large");
    expect(calls(answer)).toEqual(["small:hedge-cancelled", "large:grounded"]);
    await vi.waitFor(() => expect(slow.abandoned).toBe(1));
  });

  it("opens a failing provider's circuit, skips it while open, and closes it when a probe succeeds", async () => {
    let healthy = false;
    const flaky = await serve(() => (healthy ? { content: faithful } : { status: 500 }));
    const large = await serve(() => ({ content: faithful }));
    const v = await engine(flaky, large, { circuitBreaker: { failureThreshold: 2, cooldownMs: 300 } });
    const ask = () => v.ask("How much is the Team plan?", { collection: "help" });
    expect(calls(await ask())).toEqual(["small:failed", "large:grounded"]);
    expect(calls(await ask())).toEqual(["small:failed", "large:grounded"]);
    const open = await ask();
    expect(calls(open)).toEqual(["small:skipped", "large:grounded"]);
    expect((open.trace.route as { escalations: string[] }).escalations[0]).toContain("is skipped since");
    expect(flaky.requests).toHaveLength(2);
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(calls(await ask())).toEqual(["small:grounded"]);
    expect(calls(await ask())).toEqual(["small:grounded"]);
    expect(flaky.requests).toHaveLength(4);
  });

  it("retries a 429 as Retry-After says before moving on", async () => {
    const limited = await serve((index) =>
      index === 0 ? { status: 429, headers: { "retry-after": "0" } } : { content: faithful },
    );
    const large = await serve(() => ({ content: faithful }));
    const answer = await (await engine(limited, large, {}, { small: { maxRetries: 1 } })).ask(
      "How much is the Team plan?",
      { collection: "help" },
    );
    expect(calls(answer)).toEqual(["small:grounded"]);
    expect(limited.requests).toHaveLength(2);
    expect(large.requests).toHaveLength(0);
  });
});

describe("budgets and data sensitivity", () => {
  it("skips a paid model whose worst case would break the daily budget, and errors when told to", async () => {
    const small = await serve(() => ({ content: invented }));
    const large = await serve(() => ({ content: faithful }));
    const cheap = await engine(small, large, { budget: { daily: 0.001 } });
    const answer = await cheap.ask("How much is the Team plan?", { collection: "help" });
    expect(large.requests).toHaveLength(0);
    expect(calls(answer)).toEqual(["small:ungrounded", "large:skipped"]);
    expect((answer.trace.route as { escalations: string[] }).escalations[1]).toMatch(
      /daily budget of \$0\.0010 for collection "help"/u,
    );
    await verity?.close();
    const strict = await engine(small, large, { budget: { daily: 0.001, onExhausted: "error" } });
    await expect(strict.ask("How much is the Team plan?", { collection: "help" })).rejects.toMatchObject({
      code: "E_BUDGET_EXHAUSTED",
    });
  });

  it("holds each API key to its own budget", async () => {
    const small = await serve(() => ({ content: invented }));
    const large = await serve(() => ({ content: faithful }));
    const v = await engine(small, large, { apiKeys: { "team-a": { daily: 0.001 } } });
    const limited = await v.ask("How much is the Team plan?", { collection: "help", apiKey: "team-a" });
    expect(calls(limited)).toEqual(["small:ungrounded", "large:skipped"]);
    expect((limited.trace.route as { escalations: string[] }).escalations[1]).toContain('API key "team-a"');
    const other = await v.ask("How much is the Team plan?", { collection: "help", apiKey: "team-b" });
    expect(calls(other)).toEqual(["small:ungrounded", "large:grounded"]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await v.store.spent({ apiKey: "team-b" }, today)).toBeGreaterThan(0);
    expect(await v.store.spent({ apiKey: "team-a" }, today)).toBe(0);
  });

  it("counts a free model's paid fallback against the budget", async () => {
    const failing = await serve(() => ({ status: 500 }));
    const large = await serve(() => ({
      content: faithful,
      usage: { prompt_tokens: 2000, completion_tokens: 200 },
    }));
    const v = await engine(failing, large, { budget: { daily: 1 } });
    await v.ask("How much is the Team plan?", { collection: "help" });
    const spent = (2000 * 3 + 200 * 15) / 1e6;
    const today = new Date().toISOString().slice(0, 10);
    expect(await v.store.spent({ collection: "help" }, today)).toBeCloseTo(spent, 9);
    expect(await v.store.spent({ collection: "help" }, today.slice(0, 7))).toBeCloseTo(spent, 9);
    expect(await v.store.spent({ collection: "other" }, today)).toBe(0);
  });

  it("never sends an on-premise-only collection's passages to a remote model", async () => {
    const small = await serve(() => ({ content: invented }));
    const large = await serve(() => ({ content: faithful }));
    const v = await engine(small, large, { collections: { help: { onPremiseOnly: true } } });
    const answer = await v.ask("How much is the Team plan?", { collection: "help" });
    expect(large.requests).toHaveLength(0);
    expect(calls(answer)).toEqual(["small:ungrounded"]);
    expect((answer.trace.route as { excluded: { model: string }[] }).excluded).toEqual([
      { model: "large", reason: "the collection is on-premise only and this model is not local" },
    ]);
    await expect(
      v.ask("How much is the Team plan?", { collection: "help", model: "large" }),
    ).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
    });
    expect(large.requests).toHaveLength(0);
  });
});

describe("routing settings", () => {
  it("fails the first question with E_CONFIG when a route names a model the catalogue does not hold", async () => {
    const small = await serve(() => ({ content: faithful }));
    const large = await serve(() => ({ content: faithful }));
    const ask = (v: Verity) => v.ask("How much is the Team plan?", { collection: "help" });
    const unknownModel = await engine(small, large, { models: ["small", "huge"] });
    await expect(ask(unknownModel)).rejects.toThrow(/routing\.models: no model has id "huge"/u);
    // A configuration error is not cached as if it were an answer: it fails again, the same way.
    await expect(ask(unknownModel)).rejects.toMatchObject({ code: "E_CONFIG" });
    await unknownModel.close();
    await expect(ask(await engine(small, large, { policy: "smart" }))).rejects.toMatchObject({
      code: "E_CONFIG",
    });
    expect([...small.requests, ...large.requests]).toHaveLength(0);
  });

  it("routes with the committed learned router, and says so; a missing weights file is a clear error", async () => {
    const small = await serve(() => ({ content: faithful }));
    const large = await serve(() => ({ content: faithful }));
    const v = await engine(small, large, { policy: "learned" });
    const answer = await v.ask("How much is the Team plan?", { collection: "help" });
    const route = answer.trace.route as { reason: string; chain: string[] };
    expect(route.reason).toMatch(/^learned: .*0\.\d\d/u);
    expect(route.chain).toHaveLength(2);
    await verity?.close();
    const missingWeights = await engine(small, large, {
      policy: "learned",
      learned: { weights: join(dir, "nope.json") },
    });
    await expect(
      missingWeights.ask("How much is the Team plan?", { collection: "help" }),
    ).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("cannot read learned router weights"),
    });
  });

  it("starts with the model a matching rule names", async () => {
    const small = await serve(() => ({ content: faithful }));
    const large = await serve(() => ({ content: faithful }));
    const v = await engine(small, large, {
      policy: "rules",
      rules: [{ when: { keywords: ["team plan"] }, use: "large" }],
    });
    const answer = await v.ask("How much is the Team plan?", { collection: "help" });
    expect(calls(answer)).toEqual(["large:grounded"]);
    expect((answer.trace.route as { reason: string }).reason).toContain("rule 1 matched");
  });
});

describe("follow-up questions with a model", () => {
  it("are rewritten by the cheapest model to stand alone, retrieved and answered as rewritten, and the rewrite is in the trace", async () => {
    const rewritten = "How many notebooks does the Free plan include?";
    const server = await serve(() => ({ content: "" }));
    const replies = await startFakeChatServer(({ body }) =>
      body.messages.some((message) => message.role === "system" && message.content.startsWith("You rewrite"))
        ? { content: rewritten }
        : { content: "The Free plan includes 3 notebooks [1]." },
    );
    servers.push(replies);
    const v = await engine(replies, server, { policy: "fixed", models: ["small"] });
    const answer = await v.ask("And the free one?", {
      collection: "help",
      history: [
        { role: "user", content: "How much does the Team plan cost?" },
        { role: "assistant", content: "The Team plan costs $8 per user per month, billed annually. [1]" },
      ],
    });
    expect(answer.question).toBe("And the free one?");
    expect(answer.trace).toMatchObject({
      retrievalQuestion: rewritten,
      rewrite: { by: "model", model: "small" },
    });
    expect(answer.sentences.map((sentence) => sentence.text)).toEqual([
      "The Free plan includes 3 notebooks.",
    ]);
    const [rewriteRequest, answerRequest] = replies.requests;
    expect(JSON.stringify(rewriteRequest?.messages)).toContain("How much does the Team plan cost?");
    expect(JSON.stringify(answerRequest?.messages)).toContain(rewritten);
    expect(server.requests).toHaveLength(0);
  });

  it("fall back to carrying the earlier question's words, with a warning, when the model fails", async () => {
    const failing = await serve(() => ({ status: 500 }));
    const large = await serve(() => ({ content: faithful }));
    const v = await engine(failing, large, {}, { small: { maxRetries: 0 } });
    const answer = await v.ask("And what does it cost per user?", {
      collection: "help",
      history: [{ role: "user", content: "Tell me about the Team plan." }],
    });
    expect(answer.trace).toMatchObject({ rewrite: { by: "words" } });
    expect(answer.trace.retrievalQuestion).toContain("team");
    expect(answer.trace.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/could not be rewritten by model "small"/u)]),
    );
  });
});
