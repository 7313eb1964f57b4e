// `ask` and `search` stop when the caller gives up (their signal), rejecting with the caller's own
// reason rather than falling back to another answer; and a follow-up question is retrieved as one that
// stands alone, given the conversation before it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Answerer } from "../src/answer/answerer.js";
import { VerityError } from "../src/core/errors.js";
import type { Embedder } from "../src/embed/embedder.js";
import { createVerity, type Verity } from "../src/engine.js";
import { parseModelCatalogue } from "../src/models/catalogue.js";
import { type FakeChatServer, startFakeChatServer } from "./fakes/fake-chat-server.js";
import { fakeEmbedding } from "./fakes/fake-embedding-server.js";

let dir: string;
let verity: Verity | undefined;
let chat: FakeChatServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-signal-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(
    join(dir, "docs", "leave.md"),
    "# Leave\n\nNew staff get 25 vacation days a year.\n\nPart-time staff get 12 vacation days a year.\n",
  );
});

afterEach(async () => {
  await verity?.close();
  verity = undefined;
  await chat?.close();
  chat = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function engineWith(options: Parameters<typeof createVerity>[0] = {}): Promise<Verity> {
  verity = createVerity({ dataDir: join(dir, "data"), ...options });
  await verity.ingest([join(dir, "docs")], { collection: "hr" });
  return verity;
}

/** A reason no code path would make up on its own. */
const reason = new Error("the caller hung up");

describe("a caller that gives up", () => {
  it("gets its own reason when the signal was aborted before asking, and nothing is recorded", async () => {
    const engine = await engineWith();
    await expect(
      engine.ask("How many vacation days do new staff get?", {
        collection: "hr",
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason);
    await expect(
      engine.search("vacation days", { collection: "hr", signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(await engine.listAnswers()).toEqual([]);
  });

  it("stops the answerer under way and gets its reason, not an extractive fallback", async () => {
    const controller = new AbortController();
    // A provider that reports the abort as its own failure, which would otherwise be answered extractively.
    const hanging: Answerer = {
      id: "hanging",
      doAnswer: (request) =>
        new Promise((_, reject) => {
          request.signal?.addEventListener("abort", () =>
            reject(new VerityError("E_PROVIDER_TIMEOUT", "the model was cut off")),
          );
          controller.abort(reason);
        }),
    };
    const engine = await engineWith({ answerer: hanging });
    await expect(
      engine.ask("How many vacation days do new staff get?", { collection: "hr", signal: controller.signal }),
    ).rejects.toBe(reason);
    expect(await engine.listAnswers()).toEqual([]);
  });

  it("stops the embedding request of a hybrid question and gets its reason, not BM25 alone", async () => {
    const controller = new AbortController();
    let hang = false;
    const embedder: Embedder = {
      provider: "test",
      model: "words",
      dimensions: 32,
      maxBatchSize: 16,
      doEmbed: ({ texts, signal }) =>
        hang
          ? new Promise((_, reject) => {
              signal?.addEventListener("abort", () => reject(new Error("embedding request cancelled")));
              controller.abort(reason);
            })
          : Promise.resolve({ embeddings: texts.map((text) => fakeEmbedding(text)) }),
    };
    const engine = await engineWith({ embedder });
    const { space } = await engine.reindex({ collection: "hr" });
    await engine.store.activateSpace("hr", space.name);
    hang = true;
    await expect(
      engine.search("vacation days", { collection: "hr", signal: controller.signal }),
    ).rejects.toBe(reason);
  });

  it("stops a routed model call, records nothing, and lets go of the budget it held", async () => {
    const controller = new AbortController();
    chat = await startFakeChatServer(({ index }) => {
      if (index > 0) return { content: "New staff get 25 vacation days a year [1]." };
      controller.abort(reason);
      return { content: "too late", delayMs: 60_000 };
    });
    const models = parseModelCatalogue({
      models: [
        {
          id: "paid",
          provider: "openai-compatible",
          model: "fake",
          baseUrl: `${chat.url}/v1`,
          price: { input: 3, output: 15 },
          contextWindow: 8192,
          tier: "large",
          local: false,
          maxRetries: 0,
        },
      ],
      // Room for one call's worst case (about $0.017), not for two held at once.
      routing: { budget: { daily: 0.03 } },
    });
    const engine = await engineWith({ models });
    const question = "How many vacation days do new staff get?";
    await expect(engine.ask(question, { collection: "hr", signal: controller.signal })).rejects.toBe(reason);
    expect(await engine.listAnswers()).toEqual([]);
    // Had the aborted call kept its hold on the budget, this one would be skipped and answered without a model.
    const answer = await engine.ask(question, { collection: "hr" });
    expect(answer.trace.answerer).toBe("generative:paid");
  });
});

describe("a follow-up question", () => {
  const history = [
    { role: "user" as const, content: "How many vacation days do new staff get?" },
    { role: "assistant" as const, content: "New staff get 25 vacation days a year." },
  ];

  it("is retrieved as a question that stands alone, and keeps the question as asked", async () => {
    const engine = await engineWith();
    // Alone, the follow-up shares no searchable word with the documents.
    const alone = await engine.ask("And for contractors?", { collection: "hr" });
    expect(alone.abstention?.reason).toBe("no_relevant_sources");
    const answer = await engine.ask("And for contractors?", { collection: "hr", history });
    expect(answer.question).toBe("And for contractors?");
    expect(answer.trace.retrievalQuestion).toMatch(/^And for contractors\? \(.*vacation days.*\)$/u);
    expect(answer.trace.passages).toBeGreaterThan(0);
  });

  it("that stands alone already is retrieved as asked, with no retrieval question in the trace", async () => {
    const engine = await engineWith();
    const answer = await engine.ask("How many vacation days do part-time staff get?", {
      collection: "hr",
      history,
    });
    expect(answer.trace.retrievalQuestion).toBeUndefined();
    expect(answer.sentences[0]?.text).toContain("12 vacation days");
  });
});
