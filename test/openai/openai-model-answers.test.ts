// The OpenAI-compatible endpoint when a model writes the answer (a fake OpenAI-compatible model on
// loopback): the stream carries only sentences that passed verification, in order, and the same text
// as the whole reply.
import Fastify, { type FastifyInstance } from "fastify";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseModelCatalogue } from "../../src/models/catalogue.js";
import type { VerityField } from "../../src/server/openai/chat-completion.js";
import { openAiRoutes } from "../../src/server/openai/openai-routes.js";
import { type FakeChatServer, startFakeChatServer } from "../fakes/fake-chat-server.js";
import { createHandbook, type Handbook } from "./handbook-fixture.js";

/** The number the prompt gave the source holding `text`. */
function sourceNumber(prompt: string, text: string): string {
  const blocks = prompt.split(/(?=<source id=")/u);
  const block = blocks.find((candidate) => candidate.includes(text));
  return /^<source id="(\d+)"/u.exec(block ?? "")?.[1] ?? "0";
}

let model: FakeChatServer;
let slowRequestArrived: () => void;
const slowRequest = new Promise<void>((resolve) => {
  slowRequestArrived = resolve;
});
let handbook: Handbook;
let app: FastifyInstance;
let client: OpenAI;

beforeAll(async () => {
  // Two faithful sentences around one the sources do not state.
  model = await startFakeChatServer(({ prompt }) => {
    // A model that has not answered by the time the client gives up.
    if (prompt.includes("Question: Take your time")) {
      slowRequestArrived();
      return { content: "Too late.", delayMs: 20_000 };
    }
    const days = sourceNumber(prompt, "25 vacation days");
    const expiry = sourceNumber(prompt, "end of March");
    return {
      content: `New staff get 25 vacation days a year [${days}]. New staff also get a company car [${days}]. Unused vacation days expire at the end of March of the following year [${expiry}].`,
      chunkSize: 5,
    };
  });
  const models = parseModelCatalogue({
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
      },
    ],
  });
  handbook = await createHandbook({ models });
  app = Fastify();
  await app.register(openAiRoutes(handbook.context));
  client = new OpenAI({
    apiKey: "staff-key",
    baseURL: `${await app.listen({ host: "127.0.0.1", port: 0 })}/v1`,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await app.close();
  handbook.close();
  await model.close();
});

const question = [
  { role: "user" as const, content: "What should new staff know about their vacation days?" },
];

describe("answers written by a model", () => {
  it("streams only the verified sentences, in order, and the same text as the whole reply", async () => {
    const stream = await client.chat.completions.create({
      model: "verity/handbook",
      messages: question,
      stream: true,
    });
    const deltas: string[] = [];
    let verity: VerityField | undefined;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
      verity ??= (chunk as unknown as { verity?: VerityField }).verity;
    }
    expect(deltas.slice(0, 2)).toEqual([
      "New staff get 25 vacation days a year. [1]",
      " Unused vacation days expire at the end of March of the following year. [2]",
    ]);
    expect(deltas.join("")).not.toContain("company car");
    expect(verity?.sentences.map((sentence) => sentence.verification?.verdict)).toEqual([
      "supported",
      "supported",
    ]);
    expect(verity?.trace).toMatchObject({ answerer: expect.stringContaining("small") });
    expect(verity?.trace.verification).toMatchObject({
      dropped: [{ text: "New staff also get a company car.", verdict: "unsupported" }],
    });

    const whole = await client.chat.completions.create({ model: "verity/handbook", messages: question });
    expect(whole.choices[0]?.message.content).toBe(deltas.join(""));
    expect(whole.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("stops the model call when the client goes away before the answer", async () => {
    const controller = new AbortController();
    const request = client.chat.completions.create(
      {
        model: "verity/handbook",
        messages: [{ role: "user", content: "Take your time: how many vacation days?" }],
        stream: true,
      },
      { signal: controller.signal },
    );
    await slowRequest;
    controller.abort();
    await expect(request).rejects.toThrow();
    // The engine hangs up on the model once it hears the client is gone.
    await vi.waitFor(() => expect(model.abandoned).toBe(1), { timeout: 15_000 });
  });
});
