import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeEmbeddingServer,
  startFakeEmbeddingServer,
} from "../../test/fakes/fake-embedding-server.js";
import { embedAll } from "./embedder.js";
import { describeEmbedderContract, fastRetries } from "./embedder-test-support.js";
import { createOllamaEmbedder } from "./ollama-embedder.js";

describeEmbedderContract({
  name: "ollama embedder",
  path: "/api/embed",
  create: (rootUrl, settings) => createOllamaEmbedder({ ...settings, baseUrl: rootUrl, model: "fake-model" }),
});

describe("ollama embedder", () => {
  let server: FakeEmbeddingServer;
  beforeEach(async () => {
    server = await startFakeEmbeddingServer();
  });
  afterEach(() => server.close());

  it("posts the model and the texts in Ollama's native format", async () => {
    const embedder = createOllamaEmbedder({
      ...fastRetries,
      baseUrl: `${server.url}/`,
      model: "nomic-embed-text",
    });
    await embedAll(embedder, ["one", "two"]);
    expect(server.requests[0]?.path).toBe("/api/embed");
    expect(server.requests[0]?.body).toEqual({ model: "nomic-embed-text", input: ["one", "two"] });
  });

  it("reports prompt_eval_count as token usage", async () => {
    const embedder = createOllamaEmbedder({ ...fastRetries, baseUrl: server.url, model: "fake-model" });
    const { usage } = await embedAll(embedder, ["three words here", "two words"]);
    expect(usage).toEqual({ tokens: 5 });
  });

  it("posts to the local Ollama address by default", async () => {
    const urls: string[] = [];
    const embedder = createOllamaEmbedder({
      model: "bge-m3",
      fetch: async (url) => {
        urls.push(String(url));
        return Response.json({ embeddings: [[1, 0]] });
      },
    });
    await embedAll(embedder, ["x"]);
    expect(urls).toEqual(["http://127.0.0.1:11434/api/embed"]);
    expect(embedder.provider).toBe("ollama");
  });
});
