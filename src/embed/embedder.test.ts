import { describe, expect, it } from "vitest";
import { describeEmbeddingSpace, type Embedder, embedAll, normalise } from "./embedder.js";
import { expectVerityError } from "./embedder-test-support.js";

/** An in-memory embedder: each text becomes [length, 1, 0…] of `size` dimensions. */
function stubEmbedder(
  overrides: Partial<Embedder> & { size?: number; tokensPerText?: number } = {},
): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  const size = overrides.size ?? 3;
  return {
    provider: "stub",
    model: "stub-model",
    dimensions: undefined,
    maxBatchSize: 2,
    calls,
    async doEmbed({ texts }) {
      calls.push(texts);
      const embeddings = texts.map((text) =>
        Float32Array.from({ length: size }, (_, i) => [text.length, 1][i] ?? 0),
      );
      const tokens = overrides.tokensPerText;
      return tokens === undefined ? { embeddings } : { embeddings, usage: { tokens: tokens * texts.length } };
    },
    ...overrides,
  };
}

describe("embedAll", () => {
  it("reports progress after each batch", async () => {
    const progress: { done: number; total: number }[] = [];
    await embedAll(stubEmbedder(), ["a", "b", "c"], { onProgress: (update) => progress.push(update) });
    expect(progress).toEqual([
      { done: 2, total: 3 },
      { done: 3, total: 3 },
    ]);
  });

  it("uses a smaller batchSize but never exceeds maxBatchSize", async () => {
    const small = stubEmbedder();
    await embedAll(small, ["a", "b", "c"], { batchSize: 1 });
    expect(small.calls).toEqual([["a"], ["b"], ["c"]]);
    const large = stubEmbedder();
    await embedAll(large, ["a", "b", "c"], { batchSize: 100 });
    expect(large.calls).toEqual([["a", "b"], ["c"]]);
  });

  it("sums token usage over batches, and leaves it undefined when the provider reports none", async () => {
    expect((await embedAll(stubEmbedder({ tokensPerText: 4 }), ["a", "b", "c"])).usage).toEqual({
      tokens: 12,
    });
    expect((await embedAll(stubEmbedder(), ["a"])).usage).toBeUndefined();
  });

  it("rejects a batch answered with the wrong number of vectors", async () => {
    const short = stubEmbedder({ doEmbed: async () => ({ embeddings: [new Float32Array(3)] }) });
    const error = await expectVerityError(embedAll(short, ["a", "b"]), "E_PROVIDER_RESPONSE");
    expect(error.message).toContain("stub:stub-model returned 1 vectors for 2 texts");
  });

  it("rejects a vector holding NaN", async () => {
    const broken = stubEmbedder({ doEmbed: async () => ({ embeddings: [Float32Array.of(Number.NaN, 1)] }) });
    await expectVerityError(embedAll(broken, ["a"]), "E_PROVIDER_RESPONSE");
  });

  it("stops before the next batch once the signal is aborted", async () => {
    const controller = new AbortController();
    const embedder = stubEmbedder();
    const running = embedAll(embedder, ["a", "b", "c"], {
      onProgress: () => controller.abort(),
      signal: controller.signal,
    });
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
    expect(embedder.calls).toHaveLength(1);
  });
});

describe("embedding spaces", () => {
  it("probes one text to learn undeclared dimensions", async () => {
    const embedder = stubEmbedder({ size: 5 });
    const space = await describeEmbeddingSpace(embedder);
    expect(space).toEqual({
      provider: "stub",
      model: "stub-model",
      dimensions: 5,
      normalised: true,
      version: "1",
    });
    expect(embedder.calls).toHaveLength(1);
  });

  it("uses declared dimensions without a request", async () => {
    const embedder = stubEmbedder({ dimensions: 768 });
    const space = await describeEmbeddingSpace(embedder, { normalised: false, version: "search_document:" });
    expect(space).toMatchObject({ dimensions: 768, normalised: false, version: "search_document:" });
    expect(embedder.calls).toHaveLength(0);
  });
});

describe("normalise", () => {
  it("scales a vector to unit length", () => {
    expect(Array.from(normalise(Float32Array.of(3, 4)))).toEqual([0.6000000238418579, 0.800000011920929]);
  });

  it("leaves an all-zero vector at zero instead of dividing by zero", () => {
    expect(Array.from(normalise(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
