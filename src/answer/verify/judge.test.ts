import { afterEach, describe, expect, it } from "vitest";
import { type FakeChatServer, startFakeChatServer } from "../../../test/fakes/fake-chat-server.js";
import { unusedLoopbackUrl } from "../../../test/fakes/fake-embedding-server.js";
import { type FakeNliServer, startFakeNliServer } from "../../../test/fakes/fake-nli-server.js";
import { type ModelEntry, parseModelCatalogue } from "../../models/catalogue.js";
import type { RetrievedPassage } from "../../retrieve/bm25-retriever.js";
import { createGenerativeAnswerer } from "../generative/generative-answerer.js";
import { createModelJudge, createNliJudge, type Judge, judgeFrom, parseJudgeReply } from "./judge.js";

const servers: (FakeChatServer | FakeNliServer)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function modelAt(url: string, overrides: Record<string, unknown> = {}): ModelEntry {
  const catalogue = parseModelCatalogue({
    models: [
      {
        id: "judge-small",
        provider: "openai-compatible",
        model: "fake-judge",
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

const source = "Refunds are issued within 30 days of purchase. The billing team approves each refund.";
const passages: RetrievedPassage[] = [
  {
    chunk: {
      id: "chunk-0",
      documentId: "doc-0",
      ordinal: 0,
      text: source,
      location: { charStart: 0, charEnd: source.length },
    },
    document: { id: "doc-0", source: "/help/refunds.md", title: "Refunds", mediaType: "text/markdown" },
    score: 5,
    rank: 0,
  },
];

describe("parseJudgeReply", () => {
  it("reads the verdict word however the model dresses it, and rejects anything else", () => {
    expect(parseJudgeReply("SUPPORTED\nThe passage states it.")).toEqual({
      verdict: "supported",
      reason: "The passage states it.",
    });
    expect(parseJudgeReply("**Contradicted**\nIt says 14 days.")?.verdict).toBe("contradicted");
    expect(parseJudgeReply("not enough info")?.verdict).toBe("unsupported");
    expect(parseJudgeReply("NOT_ENOUGH_INFO.")).toEqual({
      verdict: "unsupported",
      reason: "not_enough_info",
    });
    expect(parseJudgeReply("I think the claim is supported")).toBeUndefined();
    expect(parseJudgeReply("")).toBeUndefined();
  });
});

describe("model judge", () => {
  it("asks the model with the passages fenced and the claim, and reports cost", async () => {
    const server = await startFakeChatServer(() => ({
      content: "SUPPORTED\nPassage 1 says refunds come within 30 days.",
      usage: { prompt_tokens: 200, completion_tokens: 12 },
    }));
    servers.push(server);
    const judgement = await createModelJudge(modelAt(server.url)).judge("Money back in 30 days.", [source]);
    expect(judgement).toMatchObject({
      verdict: "supported",
      by: "model:judge-small",
      costUsd: (200 * 0.1 + 12 * 0.2) / 1e6,
    });
    const request = server.requests[0];
    expect(request?.messages[0]?.content).toContain("NOT_ENOUGH_INFO");
    expect(request?.messages[1]?.content).toContain(`<passage id="1">\n${source}\n</passage>`);
    expect(request?.messages[1]?.content).toContain("Claim: Money back in 30 days.");
  });

  it("fails with E_PROVIDER_RESPONSE when the model does not give a verdict", async () => {
    const server = await startFakeChatServer(() => ({ content: "Sure! Happy to help." }));
    servers.push(server);
    await expect(createModelJudge(modelAt(server.url)).judge("x", [source])).rejects.toMatchObject({
      code: "E_PROVIDER_RESPONSE",
    });
  });
});

describe("NLI judge (text-embeddings-inference /predict)", () => {
  it("sends the passages as premise and the claim as hypothesis, and maps the top label", async () => {
    const server = await startFakeNliServer(({ hypothesis }) =>
      hypothesis.includes("14")
        ? { entailment: 0.05, neutral: 0.1, contradiction: 0.85 }
        : { entailment: 0.9, neutral: 0.08, contradiction: 0.02 },
    );
    servers.push(server);
    const judge = createNliJudge({ baseUrl: server.url, timeoutMs: 2000 });
    expect(await judge.judge("Refunds take 14 days.", [source])).toMatchObject({
      verdict: "contradicted",
      confidence: 0.85,
      by: `nli:${server.url}`,
    });
    expect((await judge.judge("Refunds come within 30 days.", [source])).verdict).toBe("supported");
    expect(server.pairs[0]).toEqual({ premise: source, hypothesis: "Refunds take 14 days." });
  });

  it("uses the classifier's own label names when configured, and explains unknown labels", async () => {
    const server = await startFakeNliServer(() => ({ LABEL_0: 0.1, LABEL_1: 0.7, LABEL_2: 0.2 }));
    servers.push(server);
    const labelled = createNliJudge({
      baseUrl: server.url,
      timeoutMs: 2000,
      labels: { entailment: "LABEL_0", neutral: "LABEL_1", contradiction: "LABEL_2" },
    });
    expect((await labelled.judge("x", [source])).verdict).toBe("unsupported");
    const plain = createNliJudge({ baseUrl: server.url, timeoutMs: 2000 });
    await expect(plain.judge("x", [source])).rejects.toMatchObject({
      code: "E_PROVIDER_RESPONSE",
      message: expect.stringContaining("judge.nli.labels"),
    });
  });

  it("names the endpoint when it is unreachable or answers an error", async () => {
    const unreachable = createNliJudge({ baseUrl: await unusedLoopbackUrl(), timeoutMs: 2000 });
    await expect(unreachable.judge("x", [source])).rejects.toMatchObject({ code: "E_PROVIDER_UNREACHABLE" });
    const server = await startFakeNliServer(() => ({ status: 413, body: '{"error":"too long"}' }));
    servers.push(server);
    const failing = createNliJudge({ baseUrl: server.url, timeoutMs: 2000 });
    await expect(failing.judge("x", [source])).rejects.toMatchObject({
      code: "E_PROVIDER_HTTP",
      message: expect.stringContaining("413"),
    });
  });
});

describe("judge settings", () => {
  const models = (entries: Record<string, unknown>[]) =>
    entries.map((entry, index) => ({
      id: `m${index}`,
      provider: "openai-compatible",
      model: "x",
      baseUrl: "http://127.0.0.1:1/v1",
      contextWindow: 4096,
      local: true,
      ...entry,
    }));

  it("defaults to the cheapest small model, and rejects a judge the catalogue does not hold", () => {
    const catalogue = parseModelCatalogue({
      models: models([
        { tier: "large", price: { input: 0, output: 0 } },
        { tier: "small", price: { input: 2, output: 2 } },
        { tier: "small", price: { input: 0.1, output: 0.4 } },
      ]),
      judge: {},
    });
    expect(catalogue.judge?.scope).toBe("flagged");
    expect(judgeFrom(catalogue.judge ?? { scope: "flagged" }, catalogue.models).id).toBe("model:m2");
    expect(() =>
      parseModelCatalogue({ models: models([{ tier: "small" }]), judge: { model: "nope" } }),
    ).toThrow(/judge\.model: no model has id "nope"/u);
    expect(() =>
      judgeFrom({ scope: "all" }, parseModelCatalogue({ models: models([{ tier: "large" }]) }).models),
    ).toThrow(/no "small" tier model/u);
    expect(() =>
      parseModelCatalogue({
        models: models([{ tier: "small" }]),
        judge: { model: "m0", nli: { baseUrl: "http://127.0.0.1:9/" } },
      }),
    ).toThrow(/either model or nli/u);
  });
});

describe("generative answers with a judge", () => {
  async function ask(content: string, judge: Judge, scope: "flagged" | "all") {
    const server = await startFakeChatServer(() => ({ content }));
    servers.push(server);
    const answerer = createGenerativeAnswerer({
      model: modelAt(server.url, { id: "answer-small" }),
      judge: { judge, scope },
    });
    return answerer.doAnswer({ question: "How long do refunds take?", passages });
  }

  it("accepts a faithful paraphrase layer one found too loose, and records both verdicts", async () => {
    const nli = await startFakeNliServer(() => ({ entailment: 0.93, neutral: 0.05, contradiction: 0.02 }));
    servers.push(nli);
    const draft = await ask(
      "Customers get their money back no later than 30 days after buying.",
      createNliJudge({ baseUrl: nli.url, timeoutMs: 2000 }),
      "flagged",
    );
    expect(draft.status).toBe("answered");
    const verification = draft.sentences[0]?.verification;
    expect(verification).toMatchObject({ verdict: "supported", judge: { layerOne: "unsupported" } });
    expect(draft.sentences[0]?.citations[0]?.chunkId).toBe("chunk-0");
    expect(draft.details.judge).toMatchObject({ calls: 1, scope: "flagged" });
  });

  it("never puts a wrong number to the judge, and leaves supported sentences alone when flagged", async () => {
    const nli = await startFakeNliServer(() => ({ entailment: 0.99, neutral: 0.005, contradiction: 0.005 }));
    servers.push(nli);
    const draft = await ask(
      "Refunds are issued within 45 days of purchase [1]. The billing team approves each refund [1].",
      createNliJudge({ baseUrl: nli.url, timeoutMs: 2000 }),
      "flagged",
    );
    expect(nli.pairs).toHaveLength(0);
    expect(draft.sentences.map((sentence) => sentence.text)).toEqual([
      "The billing team approves each refund.",
    ]);
  });

  it("lets the judge reject a sentence layer one accepted (scope all)", async () => {
    const nli = await startFakeNliServer(({ hypothesis }) =>
      hypothesis.includes("billing")
        ? { entailment: 0.1, neutral: 0.1, contradiction: 0.8 }
        : { entailment: 0.9, neutral: 0.05, contradiction: 0.05 },
    );
    servers.push(nli);
    const draft = await ask(
      "Refunds are issued within 30 days of purchase [1]. The billing team approves each refund [1].",
      createNliJudge({ baseUrl: nli.url, timeoutMs: 2000 }),
      "all",
    );
    expect(nli.pairs).toHaveLength(2);
    expect(draft.sentences.map((sentence) => sentence.text)).toEqual([
      "Refunds are issued within 30 days of purchase.",
    ]);
    expect(draft.details.verification).toMatchObject({ contradicted: 1 });
  });

  it("keeps layer one's verdict and warns when the judge fails", async () => {
    const draft = await ask(
      "Customers get their money back no later than 30 days after buying.",
      createNliJudge({ baseUrl: await unusedLoopbackUrl(), timeoutMs: 2000 }),
      "flagged",
    );
    expect(draft.status).toBe("abstained");
    expect(String(draft.details.warnings)).toContain("the judge failed on 1 sentence");
  });
});
