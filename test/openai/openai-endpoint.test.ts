// The OpenAI-compatible endpoint as an application calls it: the official `openai` client pointed at
// Verity's /v1 on loopback, asking a collection by naming it as the model.
import Fastify, { type FastifyInstance } from "fastify";
import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerityField } from "../../src/server/openai/chat-completion.js";
import { openAiRoutes } from "../../src/server/openai/openai-routes.js";
import { createHandbook, type Handbook } from "./handbook-fixture.js";

let handbook: Handbook;
let app: FastifyInstance;
let baseURL: string;

beforeAll(async () => {
  handbook = await createHandbook();
  app = Fastify();
  await app.register(openAiRoutes(handbook.context));
  baseURL = `${await app.listen({ host: "127.0.0.1", port: 0 })}/v1`;
});

afterAll(async () => {
  await app.close();
  handbook.close();
});

const client = (apiKey = "staff-key") => new OpenAI({ apiKey, baseURL, maxRetries: 0 });
const extra = (value: unknown) => (value as { verity: VerityField }).verity;
const ask = (content: string): ChatCompletionMessageParam[] => [{ role: "user", content }];

/** Streams a completion and returns its content deltas and its chunks, in the order they came. */
async function streamed(
  messages: ChatCompletionMessageParam[],
  options: { includeUsage?: boolean; apiKey?: string } = {},
): Promise<{ deltas: string[]; chunks: ChatCompletionChunk[] }> {
  const stream = await client(options.apiKey).chat.completions.create({
    model: "verity/handbook",
    messages,
    stream: true,
    ...(options.includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ""));
  return { deltas: deltas.filter((delta) => delta !== ""), chunks };
}

describe("POST /v1/chat/completions", () => {
  it("answers with a marker after each sentence and the sources listed at the end, the citations in the verity field", async () => {
    const completion = await client().chat.completions.create({
      model: "verity/handbook",
      messages: ask("How many vacation days do new staff get?"),
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("verity/handbook");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    const text = completion.choices[0]?.message.content ?? "";
    expect(text).toMatch(/^New staff get 25 vacation days a year\. \[1\]/u);
    expect(text).toMatch(/\n\nSources:\n\[1\] leave\.md, Leave$/mu);
    const verity = extra(completion);
    expect(verity.status).toBe("answered");
    expect(verity.sentences[0]?.citations[0]).toMatchObject({
      source: expect.stringMatching(/leave\.md$/u),
      quote: "New staff get 25 vacation days a year.",
      location: { headingPath: ["Leave"] },
    });
    expect(verity.sources[0]).toMatchObject({ number: 1, label: "leave.md, Leave" });
    expect(verity.trace).toMatchObject({ answerer: "extractive", collection: "handbook" });
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it("streams the same text as the whole reply, the sources list and the verity field last, then [DONE]", async () => {
    const question = "How many vacation days do new staff get?";
    const whole = await client().chat.completions.create({
      model: "verity/handbook",
      messages: ask(question),
    });
    const { deltas, chunks } = await streamed(ask(question));
    expect(deltas.join("")).toBe(whole.choices[0]?.message.content);
    expect(deltas[0]).toBe("New staff get 25 vacation days a year. [1]");
    expect(deltas.at(-1)).toMatch(/^\n\nSources:\n\[1\] leave\.md/u);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const last = chunks.at(-1);
    expect(last?.object).toBe("chat.completion.chunk");
    expect(last?.choices[0]?.finish_reason).toBe("stop");
    expect(extra(last).sentences).toEqual(extra(whole).sentences);
    expect(chunks.slice(0, -1).every((chunk) => !("verity" in chunk))).toBe(true);
  });

  it("ends the stream with a usage chunk when stream_options.include_usage is set", async () => {
    const { chunks } = await streamed(ask("How many vacation days do new staff get?"), {
      includeUsage: true,
    });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 0 } });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("says it does not know, why, and the closest sources, as an ordinary assistant message", async () => {
    const completion = await client().chat.completions.create({
      model: "verity/handbook",
      messages: ask("How much does the staff canteen charge for vacation lunches?"),
    });
    const text = completion.choices[0]?.message.content ?? "";
    const verity = extra(completion);
    expect(verity.status).toBe("abstained");
    expect(text.startsWith(`I don't know. ${verity.abstention?.detail}`)).toBe(true);
    expect(text).toMatch(/\n\nClosest sources:\n\[1\] leave\.md, Leave[^\n]*: "/u);
    expect(completion.choices[0]?.message.role).toBe("assistant");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("answers a follow-up question from the conversation before it", async () => {
    const followUp = (earlier: string, reply: string): ChatCompletionMessageParam[] => [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: earlier },
      { role: "assistant", content: reply },
      { role: "user", content: "When do they expire?" },
    ];
    const vacation = await client().chat.completions.create({
      model: "verity/handbook",
      messages: followUp(
        "Tell me about vacation days.",
        "New staff get 25 vacation days a year. [1]\n\nSources:\n[1] leave.md, Leave",
      ),
    });
    expect(vacation.choices[0]?.message.content).toContain("end of March");
    expect(extra(vacation).trace.retrievalQuestion).toContain("vacation");
    const claims = await client().chat.completions.create({
      model: "verity/handbook",
      messages: followUp(
        "Tell me about travel expense claims.",
        "Travel expense claims must be filed within 90 days of the trip. [1]",
      ),
    });
    expect(claims.choices[0]?.message.content).toContain("are not paid");
    expect(extra(claims).question).toBe("When do they expire?");
  });

  it("keeps a document the caller's groups may not read out of the reply, its sources and the verity field", async () => {
    const question = "How much do senior engineers earn a year?";
    const hr = await client("hr-key").chat.completions.create({
      model: "verity/handbook",
      messages: ask(question),
    });
    expect(JSON.stringify(hr)).toContain("95,000");
    expect(JSON.stringify(hr)).toContain("salaries.md");

    const staff = await client("staff-key").chat.completions.create({
      model: "verity/handbook",
      messages: ask(question),
    });
    const { chunks } = await streamed(ask(question), { apiKey: "staff-key" });
    for (const reply of [JSON.stringify(staff), JSON.stringify(chunks)]) {
      expect(reply).not.toContain("95,000");
      expect(reply).not.toContain("salaries");
      expect(reply).not.toContain("Senior engineers");
    }
  });

  it("refuses a request it cannot answer with OpenAI's error shape and the field at fault", async () => {
    const request = client().chat.completions.create({
      model: "verity/handbook",
      messages: [
        { role: "user", content: "How many vacation days do new staff get?" },
        { role: "assistant", content: "25." },
      ],
    });
    await expect(request).rejects.toMatchObject({
      status: 400,
      type: "invalid_request_error",
      code: "E_INVALID_INPUT",
      param: "messages.1",
      message: expect.stringContaining("the last message must be the user's question"),
    });
    await expect(
      client().chat.completions.create({ model: "verity/handbook", messages: [] }),
    ).rejects.toMatchObject({ status: 400, param: "messages" });
    await expect(
      client().chat.completions.create({ model: "verity/handbook", messages: ask("Vacation?"), n: 2 }),
    ).rejects.toMatchObject({ status: 400, param: "n" });
  });

  it("keeps the engine's error code in the body, before and after a stream would start", async () => {
    const tooLong = ask(`How many vacation days ${"do new staff get ".repeat(300)}?`);
    const expected = { status: 400, code: "E_INVALID_INPUT", message: expect.stringContaining("4000") };
    await expect(
      client().chat.completions.create({ model: "verity/handbook", messages: tooLong }),
    ).rejects.toMatchObject(expected);
    await expect(streamed(tooLong)).rejects.toMatchObject(expected);
  });

  it("answers 404 model_not_found for a model that is no collection, and for a collection the caller may not read", async () => {
    for (const model of ["gpt-4o", "verity/nothing-here", "verity/finance"]) {
      await expect(
        client().chat.completions.create({ model, messages: ask("What is the hotel budget in Paris?") }),
      ).rejects.toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    }
  });

  it("answers 401 without a valid key and 403 for a key without the read scope", async () => {
    await expect(client("no-such-key").models.list()).rejects.toMatchObject({
      status: 401,
      type: "authentication_error",
      code: "E_UNAUTHORIZED",
    });
    await expect(
      client("ingest-only-key").chat.completions.create({
        model: "verity/handbook",
        messages: ask("Vacation?"),
      }),
    ).rejects.toMatchObject({ status: 403, type: "permission_error", code: "E_FORBIDDEN" });
  });

  it("answers a body that is not JSON with OpenAI's error shape", async () => {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer staff-key", "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "E_INVALID_INPUT" },
    });
  });
});

describe("GET /v1/models", () => {
  it("lists the collections the caller may read as verity/<collection> models", async () => {
    const ids = async (apiKey: string) => {
      const models = [];
      for await (const model of client(apiKey).models.list()) models.push(model);
      return models.map((model) => model.id).sort();
    };
    expect(await ids("staff-key")).toEqual(["verity/handbook"]);
    expect(await ids("hr-key")).toEqual(["verity/finance", "verity/handbook"]);
    const model = await client().models.retrieve("verity/handbook");
    expect(model).toMatchObject({ id: "verity/handbook", object: "model", owned_by: "verity" });
    await expect(client().models.retrieve("verity/finance")).rejects.toMatchObject({ status: 404 });
  });
});
