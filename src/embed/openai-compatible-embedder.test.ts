import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type FakeEmbeddingServer,
  fakeEmbedding,
  startFakeEmbeddingServer,
} from "../../test/fakes/fake-embedding-server.js";
import { embedAll } from "./embedder.js";
import { describeEmbedderContract, expectVerityError, fastRetries } from "./embedder-test-support.js";
import {
  createOpenAiCompatibleEmbedder,
  type OpenAiCompatibleEmbedderOptions,
} from "./openai-compatible-embedder.js";

describeEmbedderContract({
  name: "openai-compatible embedder",
  path: "/v1/embeddings",
  create: (rootUrl, settings) =>
    createOpenAiCompatibleEmbedder({ ...settings, baseUrl: `${rootUrl}/v1`, model: "fake-model" }),
});

describe("openai-compatible embedder", () => {
  let server: FakeEmbeddingServer;
  const embedder = (options: Partial<OpenAiCompatibleEmbedderOptions> = {}) =>
    createOpenAiCompatibleEmbedder({
      ...fastRetries,
      baseUrl: `${server.url}/v1`,
      model: "fake-model",
      ...options,
    });

  beforeEach(async () => {
    server = await startFakeEmbeddingServer();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    return server.close();
  });

  it("posts the model, the texts and encoding_format float", async () => {
    await embedAll(embedder({ baseUrl: `${server.url}/v1/` }), ["one", "two"]);
    expect(server.requests[0]?.path).toBe("/v1/embeddings");
    expect(server.requests[0]?.body).toEqual({
      model: "fake-model",
      input: ["one", "two"],
      encoding_format: "float",
    });
  });

  it("asks for the configured dimensions", async () => {
    server.script({ dimensions: 16 });
    const { embeddings } = await embedAll(embedder({ dimensions: 16 }), ["short"]);
    expect(server.requests[0]?.body).toMatchObject({ dimensions: 16 });
    expect(embeddings[0]).toHaveLength(16);
  });

  it("puts vectors back in input order when the server lists them out of order", async () => {
    server.script({ reverseOrder: true });
    const texts = ["first text", "second text", "third text"];
    const { embeddings } = await embedAll(embedder(), texts);
    expect(embeddings).toEqual(texts.map((text) => fakeEmbedding(text, 32)));
  });

  it("decodes base64 float32 vectors", async () => {
    server.script({ base64: true });
    const { embeddings } = await embedAll(embedder(), ["encoded as base64"]);
    expect(embeddings[0]).toEqual(fakeEmbedding("encoded as base64", 32));
  });

  it("rejects duplicate indexes with E_PROVIDER_RESPONSE", async () => {
    server.script({
      body: JSON.stringify({
        data: [
          { embedding: [1], index: 0 },
          { embedding: [1], index: 0 },
        ],
      }),
    });
    await expectVerityError(embedAll(embedder(), ["a", "b"]), "E_PROVIDER_RESPONSE");
  });

  it("reports usage.prompt_tokens as token usage, summed over batches", async () => {
    const { usage } = await embedAll(embedder({ maxBatchSize: 1 }), ["three words here", "two words"]);
    expect(usage).toEqual({ tokens: 5 });
  });

  it("sends the API key as a Bearer token", async () => {
    await embedAll(embedder({ apiKey: "sk-test-secret" }), ["x"]);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-test-secret");
  });

  it("never puts the API key in an error message, even when the server echoes it", async () => {
    server.script({ status: 401, body: '{"error":"Incorrect API key provided: sk-test-secret"}' });
    const error = await expectVerityError(
      embedAll(embedder({ apiKey: "sk-test-secret" }), ["x"]),
      "E_PROVIDER_HTTP",
    );
    expect(error.message).toContain("status code 401");
    expect(error.message).not.toContain("sk-test-secret");
  });

  it("reads the key from apiKeyEnv in the env it was given when it embeds, not when it is created", async () => {
    const env: Record<string, string> = {};
    const created = embedder({ apiKeyEnv: "VERITY_TEST_EMBED_KEY", env });
    env.VERITY_TEST_EMBED_KEY = "sk-from-env";
    await embedAll(created, ["x"]);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-from-env");
  });

  it("never reads the process environment behind the caller's back", async () => {
    vi.stubEnv("VERITY_TEST_EMBED_KEY", "sk-process-secret");
    const error = await expectVerityError(
      embedAll(embedder({ apiKeyEnv: "VERITY_TEST_EMBED_KEY" }), ["x"]),
      "E_CONFIG",
    );
    expect(error.message).not.toContain("sk-process-secret");
    expect(server.requests).toHaveLength(0);
  });

  it("says which variable to set when apiKeyEnv is empty", async () => {
    const error = await expectVerityError(
      embedAll(embedder({ apiKeyEnv: "VERITY_TEST_EMBED_KEY", env: { VERITY_TEST_EMBED_KEY: "" } }), ["x"]),
      "E_CONFIG",
    );
    expect(error.message).toContain("VERITY_TEST_EMBED_KEY set");
    expect(error.option).toBe("apiKey");
    expect(server.requests).toHaveLength(0);
  });

  it("never sends OPENAI_API_KEY to a server other than api.openai.com", async () => {
    await embedAll(embedder({ env: { OPENAI_API_KEY: "sk-openai-secret" } }), ["x"]);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("asks for OPENAI_API_KEY before calling api.openai.com without a key", async () => {
    const openAi = createOpenAiCompatibleEmbedder({
      baseUrl: "https://api.openai.com/v1",
      model: "text-embedding-3-small",
      env: { OPENAI_API_KEY: "" },
      fetch: () => Promise.reject(new Error("no request expected")),
    });
    const error = await expectVerityError(embedAll(openAi, ["x"]), "E_CONFIG");
    expect(error.message).toBe(
      "the embedder at https://api.openai.com/v1 needs an API key: pass 'apiKey', or 'env' with OPENAI_API_KEY set",
    );
  });

  it("refuses more texts than maxBatchSize in one doEmbed call", async () => {
    await expectVerityError(embedder({ maxBatchSize: 1 }).doEmbed({ texts: ["a", "b"] }), "E_INVALID_INPUT");
  });
});
