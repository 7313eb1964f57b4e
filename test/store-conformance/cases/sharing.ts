// Several stores on one database, as several processes (workers, server replicas) share it: writes at
// once from both are all kept, the same file written by both is stored once, and each store sees what
// the other wrote.
import { expect, it } from "vitest";
import { type ConformanceContext, vectorCase } from "../context.js";
import { answerOf, documentOf, fileOf, filesDocuments, spaceOf, tilted } from "../fixtures.js";

export function sharingCases(context: ConformanceContext): void {
  const { store } = context;

  it("keeps every file two stores write at once", async () => {
    const second = await context.openAnother();
    const writes = [];
    for (let index = 0; index < 8; index++) {
      const writer = index % 2 === 0 ? store() : second;
      writes.push(
        writer.putFile(fileOf(`/f${index}.txt`, [`lantern number ${index}`, `second part ${index}`])),
      );
    }
    const results = await Promise.all(writes);
    expect(results.every((result) => result.added === 1 && result.chunks === 2)).toBe(true);
    for (const reader of [store(), second]) {
      expect(await reader.stats()).toMatchObject({ collections: 1, files: 8, documents: 8, chunks: 16 });
      expect(await reader.searchBm25({ collection: "c", terms: ["lantern"], limit: 20 })).toHaveLength(8);
      expect((await reader.termStatistics(["lantern"])).documentFrequency.get("lantern")).toBe(8);
    }
  });

  it("stores one copy of a file both stores write at once", async () => {
    const second = await context.openAnother();
    const input = filesDocuments("/same.jsonl", [
      documentOf("/same.jsonl#1", ["same words one", "more"]),
      documentOf("/same.jsonl#2", ["same words two"]),
    ]);
    const results = await Promise.all([store().putFile(input), second.putFile(input)]);
    const summary = results
      .map((result) => `added ${result.added}, unchanged ${result.unchanged}, replaced ${result.replaced}`)
      .sort();
    expect(summary).toEqual(["added 0, unchanged 2, replaced 0", "added 2, unchanged 0, replaced 0"]);
    for (const reader of [store(), second]) {
      expect(await reader.stats()).toMatchObject({ files: 1, documents: 2, chunks: 3 });
      expect((await reader.listCollections()).map((collection) => collection.name)).toEqual(["c"]);
    }
  });

  it("creates a collection once when both stores write into it first", async () => {
    const second = await context.openAnother();
    await Promise.all([
      store().putFile(fileOf("/a.txt", ["alpha"], { collection: "new" })),
      second.putFile(fileOf("/b.txt", ["beta"], { collection: "new" })),
      store().createCollection("cjk", { tokenizer: "cjk" }),
      second.createCollection("cjk", { tokenizer: "cjk" }),
    ]);
    expect(await store().listCollections()).toMatchObject([
      { name: "cjk", documentCount: 0 },
      { name: "new", documentCount: 2 },
    ]);
    expect(await second.collectionSettings("cjk")).toEqual({ tokenizer: "cjk" });
  });

  it("sees what the other store wrote, changed and removed", async () => {
    const second = await context.openAnother();
    await store().putFile(fileOf("/a.txt", ["first words"]));
    expect((await second.getDocument("/a.txt"))?.source).toBe("/a.txt");
    expect(await second.searchBm25({ collection: "c", terms: ["first"], limit: 5 })).toHaveLength(1);
    await second.putFile(fileOf("/a.txt", ["second words"]));
    expect(await store().searchBm25({ collection: "c", terms: ["first"], limit: 5 })).toEqual([]);
    expect((await store().termStatistics(["first", "second"])).documentFrequency).toEqual(
      new Map([
        ["first", 0],
        ["second", 1],
      ]),
    );
    await store().removeFile("c", "/a.txt");
    expect(await second.stats()).toMatchObject({ files: 0, documents: 0, chunks: 0 });
    const job = await second.startJob("ingest", "c");
    expect((await store().listJobs()).map((listed) => listed.id)).toEqual([job.id]);
  });

  it("adds up the answers two stores record at once", async () => {
    const second = await context.openAnother();
    const records = Array.from({ length: 12 }, (_, index) =>
      (index % 2 === 0 ? store() : second).recordAnswer(answerOf({ costUsd: 0.25, apiKey: "k1" })),
    );
    await Promise.all(records);
    for (const reader of [store(), second]) {
      expect(await reader.spent({ collection: "c" }, "2026-12-01")).toBe(3);
      expect(await reader.spent({ apiKey: "k1" }, "2026-12")).toBe(3);
      expect(await reader.ledgerSummary()).toMatchObject({ answers: 12, costUsd: 3 });
    }
    expect(new Set((await second.listAnswers()).map((answer) => answer.id)).size).toBe(12);
  });

  it("verifies a key the other store created, and honours its revocation", async () => {
    const second = await context.openAnother();
    const { secret, key } = await store().createApiKey({
      name: "k",
      scopes: ["read"],
      collections: "*",
      groups: [],
    });
    expect((await second.verifyApiKey(secret)).status).toBe("valid");
    expect(await second.hasApiKeys()).toBe(true);
    await second.revokeApiKey(key.id);
    expect((await store().verifyApiKey(secret)).status).toBe("revoked");
  });

  vectorCase(context, "searches the vectors the other store put, in the space it made active", async () => {
    const second = await context.openAnother();
    await store().putFile(fileOf("/a.txt", ["near", "far"]));
    await second.createSpace(spaceOf("v1"));
    const pending = await store().chunksToEmbed("c", "v1", 10);
    await second.putVectors(
      "c",
      "v1",
      pending.map((chunk) => ({ chunkId: chunk.chunkId, vector: tilted(chunk.text === "near" ? 0 : 1) })),
    );
    await second.activateSpace("c", "v1");
    const [hit] = await store().searchVectors({ collection: "c", vector: tilted(0.1), limit: 1 });
    expect(hit?.chunk.text).toBe("near");
    expect(await store().getSpace("c", "v1")).toMatchObject({ active: true, embeddedChunks: 2 });
  });
}
