import { afterEach, describe, expect, it } from "vitest";
import type { NewDocument, Store } from "../store.js";
import type { NewEmbeddingSpace, Quantization } from "../vectors.js";
import { createSqliteStore } from "./sqlite-store.js";

const dimensions = 16;

/** A deterministic unit vector per seed; nearby seeds are not similar. */
function unitVector(seed: number): Float32Array {
  let state = seed * 7919 + 17;
  const vector = new Float32Array(dimensions).map(() => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

function documentOf(source: string, texts: string[]): NewDocument {
  const text = texts.join(" ");
  let offset = 0;
  const chunks = texts.map((chunk, ordinal) => {
    const location = { charStart: offset, charEnd: offset + chunk.length };
    offset += chunk.length + 1;
    return { ordinal, text: chunk, location };
  });
  return { source, title: source, mediaType: "text/plain", text, size: text.length, chunks };
}

function spaceOf(name: string, quantization: Quantization = "float32"): NewEmbeddingSpace {
  return {
    collection: "c",
    name,
    provider: "test",
    model: "hash",
    dimensions,
    normalised: true,
    version: "1",
    quantization,
  };
}

let store: Store;
afterEach(async () => await store?.close());

async function storeWithChunks(count: number): Promise<Store> {
  store = createSqliteStore({ path: ":memory:" });
  const texts = Array.from({ length: count }, (_, index) => `chunk number ${index}`);
  await store.putFile({
    collection: "c",
    path: "/a",
    contentHash: "h",
    size: 1,
    mediaType: "text/plain",
    documents: [documentOf("/a", texts)],
  });
  return store;
}

/** Embeds every pending chunk with `unitVector(index of the chunk)`. */
async function embedAll(target: Store, space: string): Promise<void> {
  const pending = await target.chunksToEmbed("c", space, 1000);
  await target.putVectors(
    "c",
    space,
    pending.map((chunk) => ({
      chunkId: chunk.chunkId,
      vector: unitVector(Number(chunk.text.split(" ").pop())),
    })),
  );
}

describe("sqlite vector index", () => {
  for (const quantization of ["float32", "int8", "binary"] as const) {
    it(`finds the nearest chunk in a ${quantization} space, scored by cosine similarity`, async () => {
      const s = await storeWithChunks(50);
      await s.createSpace(spaceOf(quantization, quantization));
      await embedAll(s, quantization);
      const hits = await s.searchVectors({
        collection: "c",
        space: quantization,
        vector: unitVector(7),
        limit: 3,
      });
      expect(hits[0]?.chunk.text).toBe("chunk number 7");
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      expect(hits[0]?.document.source).toBe("/a");
      expect((hits[1]?.score ?? 1) < (hits[0]?.score ?? 0)).toBe(true);
    });
  }

  it("lists chunks still to embed, so an interrupted build resumes where it stopped", async () => {
    const s = await storeWithChunks(10);
    await s.createSpace(spaceOf("v1"));
    const first = await s.chunksToEmbed("c", "v1", 4);
    await s.putVectors(
      "c",
      "v1",
      first.map((chunk) => ({ chunkId: chunk.chunkId, vector: unitVector(1) })),
    );
    expect(await s.getSpace("c", "v1")).toMatchObject({ embeddedChunks: 4, totalChunks: 10 });
    const rest = await s.chunksToEmbed("c", "v1", 100);
    expect(rest).toHaveLength(6);
    expect(rest.map((chunk) => chunk.chunkId)).not.toContain(first[0]?.chunkId);
    const afterCursor = await s.chunksToEmbed("c", "v1", 2, rest[1]?.cursor);
    expect(afterCursor.map((chunk) => chunk.chunkId)).toEqual(rest.slice(2, 4).map((chunk) => chunk.chunkId));
  });

  it("drops a chunk's vectors with the chunk when its document changes", async () => {
    const s = await storeWithChunks(3);
    await s.createSpace(spaceOf("v1"));
    await embedAll(s, "v1");
    await s.putFile({
      collection: "c",
      path: "/a",
      contentHash: "h2",
      size: 1,
      mediaType: "text/plain",
      documents: [documentOf("/a", ["chunk number 9"])],
    });
    expect(await s.getSpace("c", "v1")).toMatchObject({ embeddedChunks: 0, totalChunks: 1 });
    expect(await s.searchVectors({ collection: "c", space: "v1", vector: unitVector(0), limit: 5 })).toEqual(
      [],
    );
  });

  it("searches the active space by default and switches spaces atomically", async () => {
    const s = await storeWithChunks(5);
    await s.createSpace(spaceOf("old"));
    await s.createSpace(spaceOf("new"));
    await embedAll(s, "old");
    expect(await s.searchVectors({ collection: "c", vector: unitVector(1), limit: 1 })).toEqual([]);
    await s.activateSpace("c", "old");
    expect((await s.searchVectors({ collection: "c", vector: unitVector(1), limit: 1 }))[0]?.chunk.text).toBe(
      "chunk number 1",
    );
    await s.activateSpace("c", "new");
    expect((await s.listSpaces("c")).map((space) => [space.name, space.active])).toEqual([
      ["old", false],
      ["new", true],
    ]);
    await s.activateSpace("c", "old");
    expect((await s.searchVectors({ collection: "c", vector: unitVector(2), limit: 1 }))[0]?.chunk.text).toBe(
      "chunk number 2",
    );
  });

  it("removes an inactive space with its vectors and refuses to remove the active one", async () => {
    const s = await storeWithChunks(3);
    await s.createSpace(spaceOf("keep"));
    await s.createSpace(spaceOf("drop"));
    await s.activateSpace("c", "keep");
    await embedAll(s, "drop");
    await expect(s.removeSpace("c", "keep")).rejects.toThrow(/active embedding space/);
    await s.removeSpace("c", "drop");
    expect((await s.listSpaces("c")).map((space) => space.name)).toEqual(["keep"]);
    // Deleting chunks afterwards must not trip over the dropped space's trigger.
    expect(await s.removeFile("c", "/a")).toBe(1);
  });

  it("creating a space again with the same settings is a no-op, with other settings an error", async () => {
    const s = await storeWithChunks(1);
    await s.createSpace(spaceOf("v1"));
    expect((await s.createSpace(spaceOf("v1"))).name).toBe("v1");
    await expect(s.createSpace({ ...spaceOf("v1"), model: "other" })).rejects.toThrow(/already exists/);
  });

  it("rejects vectors and queries of the wrong dimension, and bad space settings", async () => {
    const s = await storeWithChunks(1);
    await s.createSpace(spaceOf("v1"));
    const [chunk] = await s.chunksToEmbed("c", "v1", 1);
    await expect(
      s.putVectors("c", "v1", [{ chunkId: chunk?.chunkId ?? "", vector: new Float32Array(3) }]),
    ).rejects.toThrow(/3 dimensions/);
    await expect(
      s.searchVectors({ collection: "c", space: "v1", vector: new Float32Array(3), limit: 1 }),
    ).rejects.toThrow(/3 dimensions/);
    await expect(s.createSpace({ ...spaceOf("bad"), dimensions: 0 })).rejects.toThrow(/dimensions/);
    await expect(s.createSpace({ ...spaceOf("bits", "binary"), dimensions: 12 })).rejects.toThrow(
      /divisible by 8/,
    );
    await expect(s.chunksToEmbed("c", "missing", 1)).rejects.toThrow(/no embedding space "missing"/);
  });
});
