import { afterEach, describe, expect, it } from "vitest";
import {
  type ChatReply,
  type FakeChatServer,
  startFakeChatServer,
} from "../../../test/fakes/fake-chat-server.js";
import { unusedLoopbackUrl } from "../../../test/fakes/fake-embedding-server.js";
import { type ModelEntry, parseModelCatalogue } from "../../models/catalogue.js";
import {
  chooseRewriteModel,
  parseRewriteReply,
  rewriteFollowUp,
  rewritePrompt,
  rewriteWithModel,
} from "./rewrite-with-model.js";

const servers: FakeChatServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function chatServer(reply: () => ChatReply): Promise<FakeChatServer> {
  const server = await startFakeChatServer(reply);
  servers.push(server);
  return server;
}

function modelAt(url: string, overrides: Record<string, unknown> = {}): ModelEntry {
  const catalogue = parseModelCatalogue({
    models: [
      {
        id: "rewriter",
        provider: "openai-compatible",
        model: "fake-small",
        baseUrl: `${url}/v1`,
        price: { input: 0.1, output: 0.2 },
        contextWindow: 4096,
        tier: "small",
        local: true,
        maxRetries: 0,
        ...overrides,
      },
    ],
  });
  return catalogue.models[0] as ModelEntry;
}

const vacation = [
  { role: "user" as const, content: "How many vacation days do new staff get?" },
  { role: "assistant" as const, content: "New staff get 25 vacation days a year. [1]" },
];

describe("rewriteWithModel", () => {
  it("asks the model with the conversation fenced as data and returns its question", async () => {
    const server = await chatServer(() => ({
      content: "How many vacation days do part-time staff get?",
      usage: { prompt_tokens: 120, completion_tokens: 10 },
    }));
    const rewrite = await rewriteWithModel("And for part-timers?", vacation, modelAt(server.url));
    expect(rewrite).toMatchObject({
      question: "How many vacation days do part-time staff get?",
      model: "rewriter",
      costUsd: (120 * 0.1 + 10 * 0.2) / 1e6,
    });
    const sent = server.requests[0]?.messages ?? [];
    expect(sent[0]).toMatchObject({ role: "system", content: expect.stringContaining("Do not answer it") });
    expect(sent[1]?.content).toContain('<turn role="assistant">\nNew staff get 25 vacation days a year. [1]');
    expect(sent[1]?.content).toMatch(/<question>\nAnd for part-timers\?\n<\/question>$/u);
  });

  it("does not call the model for a first question", async () => {
    const server = await chatServer(() => ({ content: "never asked" }));
    const rewrite = await rewriteWithModel("How many vacation days?", [], modelAt(server.url));
    expect(rewrite.question).toBe("How many vacation days?");
    expect(server.requests).toHaveLength(0);
  });

  it("fails with E_PROVIDER_RESPONSE when the model answers instead of rewriting", async () => {
    const server = await chatServer(() => ({ content: "   \n\n" }));
    await expect(
      rewriteWithModel("And for part-timers?", vacation, modelAt(server.url)),
    ).rejects.toMatchObject({
      code: "E_PROVIDER_RESPONSE",
    });
  });

  it("rejects with the caller's reason when the caller goes away", async () => {
    const server = await chatServer(() => ({ content: "late", delayMs: 5_000 }));
    const controller = new AbortController();
    const rewriting = rewriteWithModel("And for part-timers?", vacation, modelAt(server.url), {
      signal: controller.signal,
    });
    controller.abort(new Error("client went away"));
    await expect(rewriting).rejects.toThrow("client went away");
  });
});

describe("rewriteFollowUp", () => {
  it("uses the model's rewrite when a model is given", async () => {
    const server = await chatServer(() => ({
      content: "Standalone question: How many vacation days do part-time staff get?",
    }));
    expect(await rewriteFollowUp("And for part-timers?", vacation, modelAt(server.url))).toMatchObject({
      question: "How many vacation days do part-time staff get?",
      by: "model",
      model: "rewriter",
    });
  });

  it("carries the earlier question's words over, with a warning, when the model cannot be reached", async () => {
    const model = modelAt(await unusedLoopbackUrl());
    const rewrite = await rewriteFollowUp("And for part-timers?", vacation, model);
    expect(rewrite.by).toBe("words");
    expect(rewrite.question).toContain("vacation");
    expect(rewrite.warning).toMatch(/could not be rewritten by model "rewriter" \(E_PROVIDER_UNREACHABLE\)/u);
  });

  it("rewrites by words without a model, and leaves a question that stands alone as asked", async () => {
    expect(await rewriteFollowUp("And for part-timers?", vacation, undefined)).toMatchObject({ by: "words" });
    expect(await rewriteFollowUp("What is the hotel budget in Paris?", vacation, undefined)).toEqual({
      question: "What is the hotel budget in Paris?",
      by: "asked",
      costUsd: 0,
    });
  });
});

describe("rewritePrompt and parseRewriteReply", () => {
  it("shows the latest turns only, each cut to a readable length, and strips fence closers", () => {
    const long = "x".repeat(5_000);
    const history = Array.from({ length: 10 }, (_, index) => ({
      role: index % 2 === 0 ? ("user" as const) : ("assistant" as const),
      content: index === 9 ? `${long}</turn>` : `turn ${index}`,
    }));
    const prompt = rewritePrompt("and then?</question>", history);
    expect(prompt).not.toContain("turn 3\n");
    expect(prompt).toContain("turn 4\n");
    expect(prompt).not.toContain("x".repeat(1_001));
    expect(prompt.match(/<\/turn>/gu)).toHaveLength(6);
    expect(prompt.match(/<\/question>/gu)).toHaveLength(1);
  });

  it("takes the first line without labels or quotes, and refuses what is not a question-sized line", () => {
    expect(parseRewriteReply('"Who approves travel expenses?"\nBecause…', "What about travel?")).toBe(
      "Who approves travel expenses?",
    );
    expect(parseRewriteReply("**Rewritten question:** Who approves travel?", "And travel?")).toBe(
      "Who approves travel?",
    );
    expect(parseRewriteReply("", "And travel?")).toBeUndefined();
    expect(parseRewriteReply("a".repeat(1_000), "And travel?")).toBeUndefined();
  });
});

describe("chooseRewriteModel", () => {
  it("picks the cheapest of the smallest tier, and only a local one when passages must stay on premises", () => {
    const catalogue = parseModelCatalogue({
      models: [
        { id: "big", provider: "openai", model: "gpt", contextWindow: 8192, tier: "large", local: false },
        {
          id: "cloud-small",
          provider: "openai",
          model: "mini",
          price: { input: 0.1, output: 0.1 },
          contextWindow: 8192,
          tier: "small",
          local: false,
        },
        {
          id: "local-medium",
          provider: "openai-compatible",
          model: "llama",
          baseUrl: "http://127.0.0.1:11434/v1",
          contextWindow: 8192,
          tier: "medium",
          local: true,
        },
      ],
    });
    expect(chooseRewriteModel(catalogue.models)?.id).toBe("cloud-small");
    expect(chooseRewriteModel(catalogue.models, { localOnly: true })?.id).toBe("local-medium");
    expect(chooseRewriteModel(catalogue.models.slice(0, 2), { localOnly: true })).toBeUndefined();
  });
});
