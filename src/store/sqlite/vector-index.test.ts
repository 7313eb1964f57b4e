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
afterEach(() => store?.close());

function storeWithChunks(count: number): Store {
  store = createSqliteStore({ path: ":memory:" });
  const texts = Array.from({ length: count }, (_, index) => `chunk number ${index}`);
  store.putFile({
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
function embedAll(target: Store, space: string): void {
  const pending = target.chunksToEmbed("c", space, 1000);
  target.putVectors(
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
    it(`finds the nearest chunk in a ${quantization} space, scored by cosine similarity`, () => {
      const s = storeWithChunks(50);
      s.createSpace(spaceOf(quantization, quantization));
      embedAll(s, quantization);
      const hits = s.searchVectors({ collection: "c", space: quantization, vector: unitVector(7), limit: 3 });
      expect(hits[0]?.chunk.text).toBe("chunk number 7");
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      expect(hits[0]?.document.source).toBe("/a");
      expect((hits[1]?.score ?? 1) < (hits[0]?.score ?? 0)).toBe(true);
    });
  }

  it("lists chunks still to embed, so an interrupted build resumes where it stopped", () => {
    const s = storeWithChunks(10);
    s.createSpace(spaceOf("v1"));
    const first = s.chunksToEmbed("c", "v1", 4);
    s.putVectors(
      "c",
      "v1",
      first.map((chunk) => ({ chunkId: chunk.chunkId, vector: unitVector(1) })),
    );
    expect(s.getSpace("c", "v1")).toMatchObject({ embeddedChunks: 4, totalChunks: 10 });
    const rest = s.chunksToEmbed("c", "v1", 100);
    expect(rest).toHaveLength(6);
    expect(rest.map((chunk) => chunk.chunkId)).not.toContain(first[0]?.chunkId);
    const afterCursor = s.chunksToEmbed("c", "v1", 2, rest[1]?.cursor);
    expect(afterCursor.map((chunk) => chunk.chunkId)).toEqual(rest.slice(2, 4).map((chunk) => chunk.chunkId));
  });

  it("drops a chunk's vectors with the chunk when its document changes", () => {
    const s = storeWithChunks(3);
    s.createSpace(spaceOf("v1"));
    embedAll(s, "v1");
    s.putFile({
      collection: "c",
      path: "/a",
      contentHash: "h2",
      size: 1,
      mediaType: "text/plain",
      documents: [documentOf("/a", ["chunk number 9"])],
    });
    expect(s.getSpace("c", "v1")).toMatchObject({ embeddedChunks: 0, totalChunks: 1 });
    expect(s.searchVectors({ collection: "c", space: "v1", vector: unitVector(0), limit: 5 })).toEqual([]);
  });

  it("searches the active space by default and switches spaces atomically", () => {
    const s = storeWithChunks(5);
    s.createSpace(spaceOf("old"));
    s.createSpace(spaceOf("new"));
    embedAll(s, "old");
    expect(s.searchVectors({ collection: "c", vector: unitVector(1), limit: 1 })).toEqual([]);
    s.activateSpace("c", "old");
    expect(s.searchVectors({ collection: "c", vector: unitVector(1), limit: 1 })[0]?.chunk.text).toBe(
      "chunk number 1",
    );
    s.activateSpace("c", "new");
    expect(s.listSpaces("c").map((space) => [space.name, space.active])).toEqual([
      ["old", false],
      ["new", true],
    ]);
    s.activateSpace("c", "old");
    expect(s.searchVectors({ collection: "c", vector: unitVector(2), limit: 1 })[0]?.chunk.text).toBe(
      "chunk number 2",
    );
  });

  it("removes an inactive space with its vectors and refuses to remove the active one", () => {
    const s = storeWithChunks(3);
    s.createSpace(spaceOf("keep"));
    s.createSpace(spaceOf("drop"));
    s.activateSpace("c", "keep");
    embedAll(s, "drop");
    expect(() => s.removeSpace("c", "keep")).toThrow(/active embedding space/);
    s.removeSpace("c", "drop");
    expect(s.listSpaces("c").map((space) => space.name)).toEqual(["keep"]);
    // Deleting chunks afterwards must not trip over the dropped space's trigger.
    expect(s.removeFile("c", "/a")).toBe(1);
  });

  it("creating a space again with the same settings is a no-op, with other settings an error", () => {
    const s = storeWithChunks(1);
    s.createSpace(spaceOf("v1"));
    expect(s.createSpace(spaceOf("v1")).name).toBe("v1");
    expect(() => s.createSpace({ ...spaceOf("v1"), model: "other" })).toThrow(/already exists/);
  });

  it("rejects vectors and queries of the wrong dimension, and bad space settings", () => {
    const s = storeWithChunks(1);
    s.createSpace(spaceOf("v1"));
    const [chunk] = s.chunksToEmbed("c", "v1", 1);
    expect(() =>
      s.putVectors("c", "v1", [{ chunkId: chunk?.chunkId ?? "", vector: new Float32Array(3) }]),
    ).toThrow(/3 dimensions/);
    expect(() =>
      s.searchVectors({ collection: "c", space: "v1", vector: new Float32Array(3), limit: 1 }),
    ).toThrow(/3 dimensions/);
    expect(() => s.createSpace({ ...spaceOf("bad"), dimensions: 0 })).toThrow(/dimensions/);
    expect(() => s.createSpace({ ...spaceOf("bits", "binary"), dimensions: 12 })).toThrow(/divisible by 8/);
    expect(() => s.chunksToEmbed("c", "missing", 1)).toThrow(/no embedding space "missing"/);
  });
});
