// The Store's vector side: embedding spaces and the vectors that belong to them.
import type { Access } from "../core/access.js";
import type { Chunk } from "../core/document.js";
import { VerityError } from "../core/errors.js";

export type Quantization = "float32" | "int8" | "binary";

/** How vectors were made: every vector belongs to exactly one space. */
export interface EmbeddingSpaceSpec {
  provider: string;
  model: string;
  dimensions: number;
  /** Vectors are L2-normalised (so cosine = dot product). */
  normalised: boolean;
  /** Anything else that changes the vectors (a prompt prefix, a model revision). */
  version: string;
}

export interface EmbeddingSpace extends EmbeddingSpaceSpec {
  collection: string;
  /** Stable name within the collection, e.g. `ollama:nomic-embed-text:v1`. */
  name: string;
  quantization: Quantization;
  /** The one space queries use; a collection has at most one. */
  active: boolean;
  createdAt: string;
  /** Chunks of the collection with a vector in this space, and in all. */
  embeddedChunks: number;
  totalChunks: number;
}

export interface NewEmbeddingSpace extends EmbeddingSpaceSpec {
  collection: string;
  name: string;
  quantization: Quantization;
}

export interface ChunkToEmbed {
  chunkId: string;
  text: string;
  /** Pass the last one back as `after` to continue the listing without rescanning. */
  cursor: number;
}

export interface VectorQuery {
  collection: string;
  /** Space to search; default the collection's active space. */
  space?: string;
  vector: Float32Array;
  limit: number;
  /** What the caller may read (default everything): the `limit` nearest chunks it may read. */
  access?: Access;
  /** Always scan every vector, even where the space has an approximate (HNSW) index. */
  exact?: boolean;
}

export interface VectorHit {
  chunk: Chunk;
  document: { id: string; source: string; title: string; mediaType: string };
  /** Cosine similarity (higher is better). */
  score: number;
  /**
   * How the hit was found: `exact` by scanning every vector, `ann` through the space's HNSW index,
   * which is approximate (it can miss some of the true nearest chunks).
   */
  method: "ann" | "exact";
}

export interface VectorStore {
  /** Creates the space, or returns it if one of that name exists with the same spec. */
  createSpace(space: NewEmbeddingSpace): Promise<EmbeddingSpace>;
  listSpaces(collection?: string): Promise<EmbeddingSpace[]>;
  getSpace(collection: string, name: string): Promise<EmbeddingSpace | undefined>;
  /** Chunks of the space's collection with no vector in it yet, oldest first, after the cursor `after`. */
  chunksToEmbed(collection: string, space: string, limit: number, after?: number): Promise<ChunkToEmbed[]>;
  /** Stores vectors in one transaction; chunks deleted meanwhile are skipped. Returns how many were stored. */
  putVectors(
    collection: string,
    space: string,
    vectors: readonly { chunkId: string; vector: Float32Array }[],
  ): Promise<number>;
  /** Makes `space` the collection's active space, atomically. */
  activateSpace(collection: string, space: string): Promise<void>;
  /** Drops a space and its vectors (not the active one). */
  removeSpace(collection: string, space: string): Promise<void>;
  searchVectors(query: VectorQuery): Promise<VectorHit[]>;
}

/**
 * E_INVALID_INPUT unless a space of the same name already stored (read back as `existing`) has the
 * settings of the one being created: creating it again is then a no-op (every store).
 */
export function checkSameSpace(
  existing: EmbeddingSpaceSpec & { quantization: Quantization },
  space: NewEmbeddingSpace,
): void {
  const same =
    existing.provider === space.provider &&
    existing.model === space.model &&
    existing.dimensions === space.dimensions &&
    existing.normalised === space.normalised &&
    existing.version === space.version &&
    existing.quantization === space.quantization;
  if (!same) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `embedding space "${space.name}" already exists in "${space.collection}" with other settings; choose another name or remove it first`,
    );
  }
}

/** E_INVALID_INPUT unless a new space's dimensions, quantisation and name can be stored (every store). */
export function checkNewSpace(space: NewEmbeddingSpace): void {
  if (!Number.isInteger(space.dimensions) || space.dimensions <= 0 || space.dimensions > 8192) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `embedding dimensions must be a whole number from 1 to 8192, not ${space.dimensions}`,
    );
  }
  if (space.quantization === "binary" && space.dimensions % 8 !== 0) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `binary quantisation needs dimensions divisible by 8, not ${space.dimensions}`,
    );
  }
  if (!/^[\w.:@/-]{1,200}$/.test(space.name)) {
    throw new VerityError("E_INVALID_INPUT", `invalid embedding space name ${JSON.stringify(space.name)}`);
  }
}
