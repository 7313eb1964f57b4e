// Asking over HTTP: JSON answers, Server-Sent Events where each sentence arrives once verified and a
// final event carries the trace or the abstention, search without an answer, and what happens when
// the client leaves, the answer takes too long, or a key asks too much at once.
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseModelCatalogue } from "../../src/models/catalogue.js";
import { type ChatReply, type FakeChatServer, startFakeChatServer } from "../fakes/fake-chat-server.js";
import { json, readEvents, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

let server: TestServer | undefined;
let model: FakeChatServer | undefined;
afterEach(async () => {
  await server?.close();
  await model?.close();
  server = undefined;
  model = undefined;
});

const twoSentences =
  "The Team plan costs $8 per user per month, billed annually [1]. The Free plan includes 3 notebooks [1].";

/**
 * A server whose catalogue holds one streaming model on a fake OpenAI-compatible endpoint, on a fixed
 * route: with nothing to escalate to, each sentence may go out as soon as it is verified.
 */
async function serverWithModel(
  reply: () => ChatReply,
  server_: Record<string, unknown> = {},
): Promise<TestServer> {
  model = await startFakeChatServer(reply);
  const models = parseModelCatalogue({
    routing: { policy: "fixed" },
    models: [
      {
        id: "small",
        provider: "openai-compatible",
        model: "fake-small",
        baseUrl: `${model.url}/v1`,
        contextWindow: 8192,
        tier: "small",
        local: true,
        maxRetries: 0,
        price: { input: 1, output: 2 },
      },
    ],
  });
  const started = await startTestServer({ verity: { models }, server: server_ });
  await withPlans(started);
  return started;
}

async function withPlans(target: TestServer): Promise<void> {
  await target.send("/api/v1/collections", { name: "help" });
  const response = await target.fetch("/api/v1/collections/help/documents?wait=true", {
    method: "POST",
    body: uploadForm([
      {
        name: "plans.md",
        contents:
          "# Plans\n\nThe Team plan costs $8 per user per month, billed annually. The Free plan includes 3 notebooks.\n",
      },
    ]),
  });
  expect(response.status).toBe(201);
}

const question = {
  question: "How much is the Team plan, and what does the Free plan include?",
  collection: "help",
};

describe("POST /api/v1/ask", () => {
  it("answers as JSON with cited sentences and the trace", async () => {
    server = await startTestServer();
    await withPlans(server);
    const response = await server.send("/api/v1/ask", {
      question: "How much is the Team plan?",
      collection: "help",
    });
    expect(response.status).toBe(200);
    const answer = await json(response);
    expect(answer.status).toBe("answered");
    expect(answer.sentences[0].text).toContain("$8 per user per month");
    expect(answer.sentences[0].citations[0]).toMatchObject({
      source: expect.stringMatching(/plans\.md$/u),
      location: { charStart: expect.any(Number) },
    });
    expect(answer.trace).toMatchObject({ answerer: "extractive", collection: "help" });
  });

  it("streams each verified sentence as an event, then the whole answer with its trace", async () => {
    server = await serverWithModel(() => ({ content: twoSentences, chunkSize: 5 }));
    const response = await server.send("/api/v1/ask", question, { headers: { accept: "text/event-stream" } });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = await readEvents(response);
    expect(events.map((event) => event.event)).toEqual(["sentence", "sentence", "done"]);
    expect(events[0]?.data).toMatchObject({
      index: 0,
      sentence: { text: expect.stringContaining("$8"), verification: { verdict: "supported" } },
    });
    expect(events[1]?.data).toMatchObject({
      index: 1,
      sentence: { text: expect.stringContaining("3 notebooks") },
    });
    expect(events[2]?.data).toMatchObject({
      status: "answered",
      trace: { answerer: "generative:small", route: { calls: [{ model: "small", outcome: "grounded" }] } },
    });
  });

  it("sends a verified sentence while the model is still writing the next one", async () => {
    // The model writes its first sentence at once and the rest slowly. A client that leaves as soon as
    // the first sentence arrives finds the model call still running, and cancelled with it.
    server = await serverWithModel(() => ({ content: twoSentences, chunkSize: 64, chunkDelayMs: 2000 }));
    const client = new AbortController();
    const response = await fetch(`${server.url}/api/v1/ask`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify(question),
      signal: client.signal,
    });
    const decoder = new TextDecoder();
    let received = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      received += decoder.decode(chunk, { stream: true });
      if (received.includes("event: sentence")) break;
    }
    client.abort();
    expect(received).toContain("$8 per user per month");
    expect(received).not.toContain("event: done");
    await vi.waitFor(() => expect(model?.abandoned).toBe(1));
  });

  it("streams with stream: true as with the Accept header", async () => {
    server = await serverWithModel(() => ({ content: twoSentences }));
    const events = await readEvents(await server.send("/api/v1/ask", { ...question, stream: true }));
    expect(events.map((event) => event.event)).toEqual(["sentence", "sentence", "done"]);
  });

  it("streams an abstention as one final event with the reason and the closest sources", async () => {
    server = await serverWithModel(() => ({ content: "I cannot answer that from the sources." }));
    const events = await readEvents(
      await server.send("/api/v1/ask", {
        question: "How do I reset my password?",
        collection: "help",
        stream: true,
      }),
    );
    expect(events.map((event) => event.event)).toEqual(["done"]);
    expect(events[0]?.data).toMatchObject({
      status: "abstained",
      abstention: { reason: expect.any(String), closestSources: expect.any(Array) },
    });
  });

  it("refuses before streaming with an ordinary JSON error, e.g. for a collection that does not exist", async () => {
    server = await serverWithModel(() => ({ content: twoSentences }));
    const response = await server.send("/api/v1/ask", {
      question: "Anything?",
      collection: "nowhere",
      stream: true,
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect((await json(response)).error.code).toBe("E_NOT_FOUND");
  });

  it("stops the answer and the model call when the client disconnects mid-stream", async () => {
    server = await serverWithModel(() => ({ content: twoSentences, delayMs: 10_000 }));
    const client = new AbortController();
    const request = fetch(`${server.url}/api/v1/ask`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify(question),
      signal: client.signal,
    }).catch((error: Error) => error);
    await vi.waitFor(() => expect(model?.requests).toHaveLength(1));
    client.abort();
    expect(await request).toMatchObject({ name: "AbortError" });
    await vi.waitFor(() => expect(model?.abandoned).toBe(1));
    await vi.waitFor(async () =>
      expect(await (await server?.fetch("/metrics"))?.text()).toContain(
        'verity_answers_total{outcome="failed",reason="cancelled"} 1',
      ),
    );
  });

  it("gives up on an answer that takes longer than the ask timeout, with 504 E_PROVIDER_TIMEOUT", async () => {
    server = await serverWithModel(() => ({ content: twoSentences, delayMs: 10_000 }), {
      timeouts: { askMs: 300 },
    });
    const response = await server.send("/api/v1/ask", question);
    expect(response.status).toBe(504);
    expect((await json(response)).error).toMatchObject({
      code: "E_PROVIDER_TIMEOUT",
      message: expect.stringContaining("server.timeouts.askMs"),
    });
  });

  it("counts answers, model calls, tokens and cost in the metrics", async () => {
    server = await serverWithModel(() => ({
      content: twoSentences,
      usage: { prompt_tokens: 1000, completion_tokens: 500 },
    }));
    await server.send("/api/v1/ask", question);
    const text = await (await server.fetch("/metrics")).text();
    expect(text).toContain('verity_answers_total{outcome="answered",reason=""} 1');
    expect(text).toContain('verity_model_calls_total{model="small",outcome="grounded"} 1');
    expect(text).toContain('verity_model_tokens_total{model="small",direction="input"} 1000');
    expect(text).toContain('verity_model_tokens_total{model="small",direction="output"} 500');
    expect(text).toContain('verity_model_cost_usd_total{model="small"} 0.002');
  });
});

describe("POST /api/v1/search", () => {
  it("returns passages with their locations and no answer", async () => {
    server = await startTestServer();
    await withPlans(server);
    const response = await server.send("/api/v1/search", {
      question: "Free plan notebooks",
      collection: "help",
      limit: 3,
    });
    expect(response.status).toBe(200);
    const result = await json(response);
    expect(result).toMatchObject({ mode: "bm25", warnings: [] });
    expect(result.passages[0]).toMatchObject({
      title: "Plans",
      text: expect.stringContaining("3 notebooks"),
      location: { charStart: expect.any(Number), charEnd: expect.any(Number), headingPath: ["Plans"] },
    });
    expect(result).not.toHaveProperty("sentences");
  });
});
