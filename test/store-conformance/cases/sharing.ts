// Several stores on one database, as several processes (workers, server replicas) share it: writes at
// once from both are all kept, the same file written by both is stored once, and each store sees what
// the other wrote.
import { expect, it } from "vitest";
import type { Store } from "../../../src/store/store.js";
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

  it("keeps every file one store writes many at once", async () => {
    const writes = Array.from({ length: 16 }, (_, index) =>
      store().putFile(fileOf(`/f${index}.txt`, [`lantern number ${index}`])),
    );
    expect((await Promise.all(writes)).map((result) => result.added)).toEqual(Array(16).fill(1));
    expect(await store().stats()).toMatchObject({ files: 16, documents: 16, chunks: 16 });
    expect((await store().termStatistics(["lantern"])).documentFrequency.get("lantern")).toBe(16);
  });

  it("ends with one whole version of a file two stores replace at once", async () => {
    const second = await context.openAnother();
    const version = (name: string, parts: number) =>
      fileOf(
        "/a.txt",
        Array.from({ length: parts }, (_, index) => `${name} part ${index}`),
      );
    for (let round = 0; round < 4; round++) {
      await Promise.all([store().putFile(version("lemon", 3)), second.putFile(version("plum", 2))]);
      await consistent(store(), "/a.txt", { lemon: 3, plum: 2 });
    }
  });

  it("ends with the file whole or gone when one store removes it as the other rewrites it", async () => {
    const second = await context.openAnother();
    for (let round = 0; round < 4; round++) {
      await store().putFile(fileOf("/a.txt", ["lemon part 0", "lemon part 1", "lemon part 2"]));
      await Promise.all([
        store().removeFile("c", "/a.txt"),
        second.putFile(fileOf("/a.txt", ["plum part 0", "plum part 1"])),
      ]);
      await consistent(second, "/a.txt", { plum: 2 });
    }
  });

  it("regroups a file once when both stores regroup it at once", async () => {
    const second = await context.openAnother();
    await store().putFile(
      filesDocuments("/f.jsonl", [documentOf("/f.jsonl#1", ["one"]), documentOf("/f.jsonl#2", ["two"])]),
    );
    const changed = await Promise.all([
      store().setFileGroups("c", "/f.jsonl", ["hr"]),
      second.setFileGroups("c", "/f.jsonl", ["hr"]),
    ]);
    expect(changed.sort()).toEqual([0, 2]);
    expect((await store().listDocuments()).map((document) => document.groups)).toEqual([["hr"], ["hr"]]);
  });

  it("keeps every job and key both stores make at once", async () => {
    const second = await context.openAnother();
    await Promise.all(
      Array.from({ length: 6 }, (_, index) => (index % 2 === 0 ? store() : second).startJob("ingest", "c")),
    );
    const keys = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 === 0 ? store() : second).createApiKey({
          name: `k${index}`,
          scopes: ["read"],
          collections: "*",
          groups: [],
        }),
      ),
    );
    expect(await second.listJobs()).toHaveLength(6);
    expect(new Set((await store().listApiKeys()).map((key) => key.id)).size).toBe(6);
    for (const { secret } of keys) expect((await second.verifyApiKey(secret)).status).toBe("valid");
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

  vectorCase(
    context,
    "leaves one active space when both stores activate different ones at once",
    async () => {
      const second = await context.openAnother();
      await store().putFile(fileOf("/a.txt", ["words"]));
      await store().createSpace(spaceOf("old"));
      await store().createSpace(spaceOf("new"));
      for (let round = 0; round < 4; round++) {
        await Promise.all([store().activateSpace("c", "old"), second.activateSpace("c", "new")]);
        const active = (await second.listSpaces("c")).filter((space) => space.active);
        expect(active).toHaveLength(1);
      }
    },
  );

  vectorCase(context, "creates a space once, and keeps the vectors both stores put at once", async () => {
    const second = await context.openAnother();
    await store().putFile(
      fileOf(
        "/a.txt",
        Array.from({ length: 10 }, (_, index) => `chunk ${index}`),
      ),
    );
    const [one, two] = await Promise.all([
      store().createSpace(spaceOf("v1")),
      second.createSpace(spaceOf("v1")),
    ]);
    expect(one.name).toBe("v1");
    expect(two.name).toBe("v1");
    expect(await store().listSpaces()).toHaveLength(1);
    const pending = await store().chunksToEmbed("c", "v1", 100);
    const vectors = pending.map((chunk) => ({
      chunkId: chunk.chunkId,
      vector: tilted(pending.indexOf(chunk) / 10),
    }));
    const stored = await Promise.all([
      store().putVectors("c", "v1", vectors.slice(0, 5)),
      second.putVectors("c", "v1", vectors.slice(5)),
    ]);
    expect(stored).toEqual([5, 5]);
    expect(await second.getSpace("c", "v1")).toMatchObject({ embeddedChunks: 10, totalChunks: 10 });
    expect(await store().chunksToEmbed("c", "v1", 100)).toEqual([]);
  });
}

/**
 * The file is stored whole as one of `versions` (name → its number of chunks) or not at all: its
 * document, chunks, index entries and counts all agree, and nothing of another version is left.
 */
async function consistent(store: Store, path: string, versions: Record<string, number>): Promise<void> {
  const document = await store.getDocument(path);
  const stats = await store.stats();
  const statistics = await store.termStatistics(Object.keys(versions));
  if (!document) {
    expect(await store.getFile("c", path)).toBeUndefined();
    expect(stats).toMatchObject({ files: 0, documents: 0, chunks: 0 });
    expect(statistics.chunks).toBe(0);
    return;
  }
  const chunks = await store.getChunks(document.id);
  const name = chunks[0]?.text.split(" ")[0] as string;
  expect(Object.keys(versions)).toContain(name);
  expect(chunks.map((chunk) => chunk.text)).toEqual(
    Array.from({ length: versions[name] as number }, (_, index) => `${name} part ${index}`),
  );
  expect(document.chunkCount).toBe(chunks.length);
  expect(await store.getDocumentText(document.id)).toBe(chunks.map((chunk) => chunk.text).join("\n"));
  expect(stats).toMatchObject({ files: 1, documents: 1, chunks: chunks.length });
  for (const [other, count] of Object.entries(versions)) {
    const found = await store.searchBm25({ collection: "c", terms: [other], limit: 10 });
    expect(found.length, other).toBe(other === name ? count : 0);
    expect(statistics.documentFrequency.get(other), other).toBe(other === name ? count : 0);
  }
  expect(statistics.chunks).toBe(chunks.length);
}
