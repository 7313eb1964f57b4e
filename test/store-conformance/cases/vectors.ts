// Embedding spaces and their vectors: spaces created once per spec, chunks listed for embedding with a
// cursor, vectors stored (a deleted chunk's skipped), the active space, and the nearest chunks in order.
import { expect } from "vitest";
import { type ConformanceContext, vectorCase } from "../context.js";
import { fileOf, isoTime, sources, spaceOf, tilted } from "../fixtures.js";

export function vectorCases(context: ConformanceContext): void {
  const { store } = context;

  /** A document of `count` chunks `chunk <i>`, in collection `c`. */
  const chunks = (count: number) =>
    store().putFile(
      fileOf(
        "/a.txt",
        Array.from({ length: count }, (_, index) => `chunk ${index}`),
      ),
    );
  /** Embeds every pending chunk `chunk <i>` at angle `i / 10` from the first axis. */
  async function embedAll(space: string): Promise<number> {
    const pending = await store().chunksToEmbed("c", space, 1000);
    return store().putVectors(
      "c",
      space,
      pending.map((chunk) => ({
        chunkId: chunk.chunkId,
        vector: tilted(Number(chunk.text.split(" ")[1]) / 10),
      })),
    );
  }

  vectorCase(
    context,
    "creates a space once, returns it again for the same spec, refuses another spec",
    async () => {
      await chunks(3);
      const space = await store().createSpace(spaceOf("v1"));
      expect(space).toMatchObject({
        ...spaceOf("v1"),
        active: false,
        embeddedChunks: 0,
        totalChunks: 3,
      });
      expect(space.createdAt).toEqual(isoTime);
      expect(await store().createSpace(spaceOf("v1"))).toEqual(space);
      await expect(store().createSpace({ ...spaceOf("v1"), model: "other" })).rejects.toMatchObject({
        code: "E_INVALID_INPUT",
      });
      await expect(store().createSpace({ ...spaceOf("v1"), dimensions: 16 })).rejects.toMatchObject({
        code: "E_INVALID_INPUT",
      });
      expect(await store().getSpace("c", "v1")).toEqual(space);
      expect(await store().getSpace("c", "missing")).toBeUndefined();
    },
  );

  vectorCase(context, "lists spaces of one collection or all, in the order they were made", async () => {
    await chunks(1);
    await store().createSpace(spaceOf("b"));
    await store().createSpace(spaceOf("a"));
    await store().createSpace(spaceOf("z", "float32", "other"));
    expect((await store().listSpaces("c")).map((space) => space.name)).toEqual(["b", "a"]);
    expect((await store().listSpaces()).map((space) => `${space.collection}:${space.name}`)).toEqual([
      "c:b",
      "c:a",
      "other:z",
    ]);
    expect(await store().listSpaces("missing")).toEqual([]);
  });

  vectorCase(
    context,
    "lists chunks still to embed, so an interrupted build resumes where it stopped",
    async () => {
      await chunks(10);
      await store().createSpace(spaceOf("v1"));
      const first = await store().chunksToEmbed("c", "v1", 4);
      expect(first.map((chunk) => chunk.text)).toEqual(["chunk 0", "chunk 1", "chunk 2", "chunk 3"]);
      expect(
        await store().putVectors(
          "c",
          "v1",
          first.map((chunk) => ({ chunkId: chunk.chunkId, vector: tilted(0) })),
        ),
      ).toBe(4);
      expect(await store().getSpace("c", "v1")).toMatchObject({ embeddedChunks: 4, totalChunks: 10 });
      const rest = await store().chunksToEmbed("c", "v1", 100);
      expect(rest.map((chunk) => chunk.text)).toEqual([4, 5, 6, 7, 8, 9].map((index) => `chunk ${index}`));
      const cursors = rest.map((chunk) => chunk.cursor);
      expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
      const afterCursor = await store().chunksToEmbed("c", "v1", 2, rest[1]?.cursor);
      expect(afterCursor.map((chunk) => chunk.chunkId)).toEqual(
        rest.slice(2, 4).map((chunk) => chunk.chunkId),
      );
    },
  );

  vectorCase(context, "skips vectors of chunks deleted meanwhile, and of other collections", async () => {
    await chunks(2);
    await store().putFile(fileOf("/o.txt", ["elsewhere"], { collection: "other" }));
    await store().createSpace(spaceOf("v1"));
    const pending = await store().chunksToEmbed("c", "v1", 10);
    await store().createSpace(spaceOf("v1", "float32", "other"));
    const [foreign] = await store().chunksToEmbed("other", "v1", 10);
    // The document changes while its chunks are embedded: the old chunks are gone.
    await store().putFile(fileOf("/a.txt", ["chunk 0", "chunk 1 changed"]));
    const stored = await store().putVectors("c", "v1", [
      ...pending.map((chunk) => ({ chunkId: chunk.chunkId, vector: tilted(0) })),
      { chunkId: foreign?.chunkId as string, vector: tilted(0) },
      { chunkId: "chk_missing", vector: tilted(0) },
    ]);
    expect(stored).toBe(0);
    expect(await store().getSpace("c", "v1")).toMatchObject({ embeddedChunks: 0, totalChunks: 2 });
    expect(await store().getSpace("other", "v1")).toMatchObject({ embeddedChunks: 0 });
  });

  vectorCase(context, "drops a chunk's vector with the chunk when its document changes or goes", async () => {
    await chunks(3);
    await store().createSpace(spaceOf("v1"));
    expect(await embedAll("v1")).toBe(3);
    await store().putFile(fileOf("/a.txt", ["chunk 9"]));
    expect(await store().getSpace("c", "v1")).toMatchObject({ embeddedChunks: 0, totalChunks: 1 });
    expect(
      await store().searchVectors({ collection: "c", space: "v1", vector: tilted(0), limit: 5 }),
    ).toEqual([]);
    expect(await embedAll("v1")).toBe(1);
    await store().removeFile("c", "/a.txt");
    expect(await store().getSpace("c", "v1")).toMatchObject({ embeddedChunks: 0, totalChunks: 0 });
  });

  for (const exact of [true, false]) {
    vectorCase(
      context,
      `returns the nearest chunks in order, scored by cosine similarity (exact: ${exact})`,
      async () => {
        await chunks(12);
        await store().putFile(fileOf("/b.txt", ["chunk 3"]));
        await store().createSpace(spaceOf("v1"));
        expect(await embedAll("v1")).toBe(13);
        const hits = await store().searchVectors({
          collection: "c",
          space: "v1",
          vector: tilted(0.52),
          limit: 4,
          exact,
        });
        expect(hits.map((hit) => hit.chunk.text)).toEqual(["chunk 5", "chunk 6", "chunk 4", "chunk 7"]);
        hits.forEach((hit, index) => {
          const angle = [0.02, 0.08, 0.12, 0.18][index] as number;
          expect(hit.score).toBeCloseTo(Math.cos(angle), 4);
        });
        if (exact) expect(hits.every((hit) => hit.method === "exact")).toBe(true);
        else expect(hits.every((hit) => hit.method === "exact" || hit.method === "ann")).toBe(true);
        const document = await store().getDocument("/a.txt");
        expect(hits[0]?.document).toEqual({
          id: document?.id,
          source: "/a.txt",
          title: "/a.txt",
          mediaType: "text/plain",
        });
        expect(hits[0]?.chunk).toMatchObject({ documentId: document?.id, ordinal: 5, text: "chunk 5" });
        const both = await store().searchVectors({
          collection: "c",
          space: "v1",
          vector: tilted(0.3),
          limit: 2,
          exact,
        });
        expect(sources(both).sort()).toEqual(["/a.txt", "/b.txt"]);
      },
    );
  }

  for (const quantization of ["int8", "binary"] as const) {
    vectorCase(context, `finds the nearest chunk in a ${quantization} space, rescored exactly`, async () => {
      await chunks(12);
      await store().createSpace(spaceOf(quantization, quantization));
      expect(await embedAll(quantization)).toBe(12);
      const hits = await store().searchVectors({
        collection: "c",
        space: quantization,
        vector: tilted(0.7),
        limit: 3,
        exact: true,
      });
      expect(hits[0]?.chunk.text).toBe("chunk 7");
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
    });
  }

  vectorCase(context, "searches the active space by default, and switches spaces atomically", async () => {
    await chunks(5);
    await store().createSpace(spaceOf("old"));
    await store().createSpace(spaceOf("new"));
    await embedAll("old");
    expect(await store().searchVectors({ collection: "c", vector: tilted(0.1), limit: 1 })).toEqual([]);
    await store().activateSpace("c", "old");
    const [hit] = await store().searchVectors({ collection: "c", vector: tilted(0.1), limit: 1 });
    expect(hit?.chunk.text).toBe("chunk 1");
    await store().activateSpace("c", "new");
    expect((await store().listSpaces("c")).map((space) => [space.name, space.active])).toEqual([
      ["old", false],
      ["new", true],
    ]);
    expect(await store().searchVectors({ collection: "c", vector: tilted(0.1), limit: 1 })).toEqual([]);
    await store().activateSpace("c", "old");
    const [again] = await store().searchVectors({ collection: "c", vector: tilted(0.2), limit: 1 });
    expect(again?.chunk.text).toBe("chunk 2");
  });

  vectorCase(context, "removes an inactive space with its vectors, and refuses the active one", async () => {
    await chunks(3);
    await store().createSpace(spaceOf("keep"));
    await store().createSpace(spaceOf("drop"));
    await store().activateSpace("c", "keep");
    await embedAll("drop");
    await expect(store().removeSpace("c", "keep")).rejects.toMatchObject({ code: "E_INVALID_INPUT" });
    await store().removeSpace("c", "drop");
    expect((await store().listSpaces("c")).map((space) => space.name)).toEqual(["keep"]);
    await expect(store().chunksToEmbed("c", "drop", 1)).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    // Chunks deleted afterwards do not trip over the dropped space.
    expect(await store().removeFile("c", "/a.txt")).toBe(1);
    // The name is free again.
    expect((await store().createSpace(spaceOf("drop"))).embeddedChunks).toBe(0);
  });

  vectorCase(
    context,
    "finds nothing in an unknown collection, one without an active space, or with limit 0",
    async () => {
      await chunks(2);
      await store().createSpace(spaceOf("v1"));
      await embedAll("v1");
      expect(await store().searchVectors({ collection: "missing", vector: tilted(0), limit: 3 })).toEqual([]);
      expect(await store().searchVectors({ collection: "c", vector: tilted(0), limit: 3 })).toEqual([]);
      expect(
        await store().searchVectors({ collection: "c", space: "v1", vector: tilted(0), limit: 0 }),
      ).toEqual([]);
    },
  );
}
