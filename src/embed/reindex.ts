// Building an embedding space in the background: embeds every chunk of a collection that has no
// vector in the space yet, batch by batch, each batch stored in one transaction. Killed, it resumes
// where it stopped; queries keep using the active space meanwhile, and nothing switches until asked.
import { VerityError } from "../core/errors.js";
import type { Store } from "../store/store.js";
import type { EmbeddingSpace, Quantization } from "../store/vectors.js";
import { describeEmbeddingSpace, type Embedder, embedAll, normalise } from "./embedder.js";

export interface ReindexOptions {
  collection: string;
  embedder: Embedder;
  /** Space name; default `<provider>:<model>:<version>`. */
  space?: string;
  /** Changes when the same model's vectors change (a prompt prefix, a revision). */
  version?: string;
  quantization?: Quantization;
  /** Chunks per embedding request; default the embedder's `maxBatchSize`. */
  batchSize?: number;
  onProgress?: (progress: ReindexProgress) => void;
  signal?: AbortSignal;
}

export interface ReindexProgress {
  space: string;
  embedded: number;
  total: number;
  /** Estimated time left at this run's pace, or undefined before the first batch. */
  etaMs: number | undefined;
}

export interface ReindexResult {
  space: EmbeddingSpace;
  /** Chunks embedded by this run (earlier runs' work is kept). */
  embeddedNow: number;
  durationMs: number;
}

export function defaultSpaceName(embedder: Pick<Embedder, "provider" | "model">, version = "1"): string {
  return `${embedder.provider}:${embedder.model}:${version}`;
}

export async function reindexCollection(store: Store, options: ReindexOptions): Promise<ReindexResult> {
  const { collection, embedder } = options;
  if (!(await store.hasCollection(collection))) {
    throw new VerityError(
      "E_NOT_FOUND",
      `collection "${collection}" does not exist; ingest documents into it first`,
    );
  }
  const version = options.version ?? "1";
  const name = options.space ?? defaultSpaceName(embedder, version);
  const started = performance.now();
  if (!(await store.getSpace(collection, name))) {
    const spec = await describeEmbeddingSpace(embedder, { version, signal: options.signal });
    await store.createSpace({ ...spec, collection, name, quantization: options.quantization ?? "float32" });
  }
  const job = await store.startJob("reindex", collection, { space: name });
  const batchSize = Math.max(1, options.batchSize ?? embedder.maxBatchSize);
  let embeddedNow = 0;
  let cursor = 0;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      // The cursor keeps each listing from rescanning chunks already done (quadratic at a million).
      const batch = await store.chunksToEmbed(collection, name, batchSize, cursor);
      if (batch.length === 0) break;
      cursor = (batch[batch.length - 1] as { cursor: number }).cursor;
      const { embeddings } = await embedAll(
        embedder,
        batch.map((chunk) => chunk.text),
        options.signal ? { signal: options.signal } : {},
      );
      const stored = await store.putVectors(
        collection,
        name,
        batch.map((chunk, index) => ({
          chunkId: chunk.chunkId,
          vector: normalise(embeddings[index] as Float32Array),
        })),
      );
      embeddedNow += stored;
      const current = (await store.getSpace(collection, name)) as EmbeddingSpace;
      const remaining = current.totalChunks - current.embeddedChunks;
      const elapsed = performance.now() - started;
      options.onProgress?.({
        space: name,
        embedded: current.embeddedChunks,
        total: current.totalChunks,
        etaMs: embeddedNow > 0 ? Math.round((elapsed / embeddedNow) * remaining) : undefined,
      });
    }
  } catch (error) {
    await store.finishJob(job.id, "failed", {
      space: name,
      embedded: embeddedNow,
      error: (error as Error).message,
    });
    throw error;
  }
  const space = (await store.getSpace(collection, name)) as EmbeddingSpace;
  await store.finishJob(job.id, "succeeded", {
    space: name,
    embedded: embeddedNow,
    total: space.totalChunks,
  });
  return { space, embeddedNow, durationMs: Math.round(performance.now() - started) };
}
