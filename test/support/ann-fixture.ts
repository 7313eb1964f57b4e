// Small synthetic vector collections for the HNSW index tests: files of one-chunk-per-seed documents
// (chunk text `seed <n>`), embedded with a deterministic unit vector per seed.
import type { Store } from "../../src/store/store.js";

const dimensions = 16;
const space = "test:hash:v1";

/** A deterministic unit vector per seed; nearby seeds are not similar. */
function vector(seed: number): Float32Array {
  let state = (seed * 7919 + 17) % 2147483648;
  const values = new Float32Array(dimensions).map(() => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

/** Stores one file of documents, one chunk each, for `seeds`. */
async function putFile(
  store: Store,
  path: string,
  seeds: readonly number[],
  groups?: readonly string[],
): Promise<void> {
  await store.putFile({
    collection: "c",
    path,
    contentHash: `${path}:${seeds.join(",")}`,
    size: seeds.length,
    mediaType: "text/plain",
    ...(groups ? { groups } : {}),
    documents: seeds.map((seed) => {
      const text = `seed ${seed}`;
      return {
        source: `${path}#${seed}`,
        title: "",
        mediaType: "text/plain",
        text,
        size: text.length,
        chunks: [{ ordinal: 0, text, location: { charStart: 0, charEnd: text.length } }],
      };
    }),
  });
}

/** Creates the space (once) and embeds every chunk without a vector. */
async function embed(store: Store): Promise<void> {
  await store.createSpace({
    collection: "c",
    name: space,
    provider: "test",
    model: "hash",
    dimensions,
    normalised: true,
    version: "1",
    quantization: "float32",
  });
  for (;;) {
    const pending = await store.chunksToEmbed("c", space, 1000);
    if (pending.length === 0) return;
    await store.putVectors(
      "c",
      space,
      pending.map((chunk) => ({ chunkId: chunk.chunkId, vector: vector(Number(chunk.text.split(" ")[1])) })),
    );
  }
}

export const annFixture = { dimensions, space, vector, putFile, embed };
