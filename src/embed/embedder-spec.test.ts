import { describe, expect, it } from "vitest";
import { VerityError } from "../core/errors.js";
import { createEmbedderFromSpec, parseEmbedderSpec } from "./embedder-spec.js";

describe("embedder specs", () => {
  it("reads an openai-compatible model at a base URL", () => {
    expect(parseEmbedderSpec("openai-compatible:nomic-embed-text@http://127.0.0.1:11434/v1")).toEqual({
      provider: "openai-compatible",
      model: "nomic-embed-text",
      baseUrl: "http://127.0.0.1:11434/v1",
    });
  });

  it("reads an ollama model with a tag, defaulting to the local server", () => {
    expect(parseEmbedderSpec("ollama:bge-m3:latest")).toEqual({
      provider: "ollama",
      model: "bge-m3:latest",
      baseUrl: "http://127.0.0.1:11434",
    });
    expect(parseEmbedderSpec("ollama:bge-m3@http://gpu-box:11434").baseUrl).toBe("http://gpu-box:11434");
  });

  it("reads an openai model at api.openai.com", () => {
    expect(parseEmbedderSpec("openai:text-embedding-3-small")).toEqual({
      provider: "openai",
      model: "text-embedding-3-small",
      baseUrl: "https://api.openai.com/v1",
    });
  });

  it.each([
    ["", "unknown provider"],
    ["nomic-embed-text", "unknown provider"],
    ["cohere:embed-v4", 'unknown provider "cohere"'],
    ["ollama:", "model name is missing"],
    ["openai-compatible:nomic-embed-text", "needs @<baseUrl>"],
    ["openai-compatible:m@127.0.0.1:8080/v1", "must start with http:// or https://"],
    ["openai-compatible:m@http://", "not a URL"],
    ["openai:text-embedding-3-small@http://127.0.0.1:1/v1", "use openai-compatible"],
  ])("rejects %j with an error that shows the accepted forms", (spec, problem) => {
    let error: unknown;
    try {
      parseEmbedderSpec(spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VerityError);
    expect((error as VerityError).code).toBe("E_CONFIG");
    expect((error as VerityError).message).toContain(problem);
    expect((error as VerityError).message).toContain("e.g. ollama:nomic-embed-text");
  });

  it("builds an openai embedder without OPENAI_API_KEY set, because the key is read when it embeds", () => {
    const embedder = createEmbedderFromSpec("openai:text-embedding-3-small");
    expect([embedder.provider, embedder.model]).toEqual(["openai", "text-embedding-3-small"]);
  });

  it("builds each provider the spec names", () => {
    expect(createEmbedderFromSpec("ollama:bge-m3").provider).toBe("ollama");
    const compatible = createEmbedderFromSpec("openai-compatible:m@http://127.0.0.1:8080/v1", {
      maxBatchSize: 8,
    });
    expect([compatible.provider, compatible.maxBatchSize]).toEqual(["openai-compatible", 8]);
  });
});
