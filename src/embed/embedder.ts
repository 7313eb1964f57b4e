// The Embedder seam (providers implement `doEmbed`) and the friendly `embedAll` callers use.
import { VerityError } from "../core/errors.js";
import type { EmbeddingSpaceSpec } from "../store/vectors.js";

export type { EmbeddingSpaceSpec } from "../store/vectors.js";

export interface EmbedderUsage {
  /** Input tokens the provider counted, when it reports them. */
  tokens: number;
}

/** Turns texts into vectors. Call `embedAll`, not `doEmbed`: it batches and checks the vectors. */
export interface Embedder {
  /** e.g. `openai-compatible`, `ollama`, `openai`. */
  readonly provider: string;
  readonly model: string;
  /** Vector length, when known without asking the provider. */
  readonly dimensions: number | undefined;
  /** Most texts one `doEmbed` call accepts. */
  readonly maxBatchSize: number;
  /** Embeds at most `maxBatchSize` texts, one vector per text, in order. */
  doEmbed(input: { texts: string[]; signal?: AbortSignal }): Promise<{
    embeddings: Float32Array[];
    usage?: EmbedderUsage;
  }>;
}

export interface EmbedAllOptions {
  /** Texts per request; never more than the embedder's `maxBatchSize`. */
  batchSize?: number;
  /** Called after each batch. */
  onProgress?: (progress: { done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface EmbedAllResult {
  /** One vector per input text, in input order. */
  embeddings: Float32Array[];
  /** Summed over the batches that reported usage; absent when none did. */
  usage: EmbedderUsage | undefined;
}

/** Embeds any number of texts in batches, checking every vector has the same length. */
export async function embedAll(
  embedder: Embedder,
  texts: readonly string[],
  options: EmbedAllOptions = {},
): Promise<EmbedAllResult> {
  const batchSize = Math.min(options.batchSize ?? embedder.maxBatchSize, embedder.maxBatchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new VerityError("E_INVALID_INPUT", `batchSize must be a positive integer, got ${batchSize}`);
  }
  const embeddings: Float32Array[] = [];
  let usage: EmbedderUsage | undefined;
  let dimensions = embedder.dimensions;
  for (let start = 0; start < texts.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = texts.slice(start, start + batchSize);
    const result = await embedder.doEmbed(
      options.signal ? { texts: batch, signal: options.signal } : { texts: batch },
    );
    if (result.embeddings.length !== batch.length) {
      throw badResponse(embedder, `returned ${result.embeddings.length} vectors for ${batch.length} texts`);
    }
    for (const vector of result.embeddings) {
      dimensions ??= vector.length;
      if (vector.length !== dimensions) {
        const expected = embedder.dimensions === undefined ? "earlier vectors had" : "it declares";
        throw badResponse(
          embedder,
          `returned a vector of ${vector.length} dimensions where ${expected} ${dimensions}`,
        );
      }
      if (!vector.every(Number.isFinite))
        throw badResponse(embedder, "returned a vector with NaN or Infinity");
    }
    embeddings.push(...result.embeddings);
    if (result.usage) usage = { tokens: (usage?.tokens ?? 0) + result.usage.tokens };
    options.onProgress?.({ done: embeddings.length, total: texts.length });
  }
  return { embeddings, usage };
}

/** Embeds one text. */
export async function embedOne(
  embedder: Embedder,
  text: string,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const { embeddings } = await embedAll(embedder, [text], signal ? { signal } : {});
  return embeddings[0] as Float32Array;
}

export interface DescribeEmbeddingSpaceOptions {
  /** Whether vectors will be L2-normalised before they are stored. Default true. */
  normalised?: boolean;
  /** Bump when anything else changes the vectors (a prompt prefix, a model revision). Default "1". */
  version?: string;
  signal?: AbortSignal;
}

/** The embedding space an embedder's vectors live in; embeds one probe text if dimensions are undeclared. */
export async function describeEmbeddingSpace(
  embedder: Embedder,
  options: DescribeEmbeddingSpaceOptions = {},
): Promise<EmbeddingSpaceSpec> {
  const dimensions =
    embedder.dimensions ?? (await embedOne(embedder, "dimension probe", options.signal)).length;
  return {
    provider: embedder.provider,
    model: embedder.model,
    dimensions,
    normalised: options.normalised ?? true,
    version: options.version ?? "1",
  };
}

/** The vector scaled to length 1 (a new array); an all-zero vector is returned as a zero copy. */
export function normalise(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const length = Math.sqrt(sumOfSquares);
  const result = new Float32Array(vector.length);
  if (length === 0) return result;
  for (let index = 0; index < vector.length; index++) result[index] = (vector[index] as number) / length;
  return result;
}

function badResponse(embedder: Embedder, problem: string): VerityError {
  return new VerityError(
    "E_PROVIDER_RESPONSE",
    `embedder ${embedder.provider}:${embedder.model} ${problem}; ` +
      "check the model name, and that all vectors in a space come from one model",
  );
}
