// Collections: created with settings (or by the first write into them), listed with counts, removed
// with everything derived from them.
import { expect, it } from "vitest";
import type { ConformanceContext } from "../context.js";
import { answerOf, fileOf, isoTime, spaceOf } from "../fixtures.js";

export function collectionCases(context: ConformanceContext): void {
  const { store } = context;

  it("creates a collection with the default tokenizer and returns an existing one's settings", async () => {
    expect(await store().hasCollection("c")).toBe(false);
    expect(await store().collectionSettings("c")).toBeUndefined();
    expect(await store().createCollection("c")).toEqual({ tokenizer: "default" });
    expect(await store().hasCollection("c")).toBe(true);
    expect(await store().createCollection("c")).toEqual({ tokenizer: "default" });
    expect(await store().createCollection("c", { tokenizer: "default" })).toEqual({ tokenizer: "default" });
    expect(await store().collectionSettings("c")).toEqual({ tokenizer: "default" });
  });

  it("keeps a collection's tokenizer, and refuses to change it, naming the option", async () => {
    expect(await store().createCollection("cjk", { tokenizer: "cjk" })).toEqual({ tokenizer: "cjk" });
    expect(await store().createCollection("cjk")).toEqual({ tokenizer: "cjk" });
    expect(await store().collectionSettings("cjk")).toEqual({ tokenizer: "cjk" });
    await expect(store().createCollection("cjk", { tokenizer: "default" })).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      option: "tokenizer",
    });
    expect(await store().collectionSettings("cjk")).toEqual({ tokenizer: "cjk" });
  });

  it("creates a collection with the defaults when a file is first written into it", async () => {
    await store().putFile(fileOf("/a.txt", ["alpha"], { collection: "fresh" }));
    expect(await store().collectionSettings("fresh")).toEqual({ tokenizer: "default" });
  });

  it("lists collections by name with their document and chunk counts", async () => {
    await store().createCollection("empty");
    await store().putFile(fileOf("/a.txt", ["alpha", "beta"], { collection: "b" }));
    await store().putFile(fileOf("/b.txt", ["gamma"], { collection: "b" }));
    await store().putFile(fileOf("/c.txt", ["delta"], { collection: "a" }));
    const listed = await store().listCollections();
    expect(
      listed.map(({ name, documentCount, chunkCount }) => ({ name, documentCount, chunkCount })),
    ).toEqual([
      { name: "a", documentCount: 1, chunkCount: 1 },
      { name: "b", documentCount: 2, chunkCount: 3 },
      { name: "empty", documentCount: 0, chunkCount: 0 },
    ]);
    for (const collection of listed) expect(collection.createdAt).toEqual(isoTime);
  });

  it("removes a collection's files, documents, chunks and spaces, keeps the others and the ledger", async () => {
    await store().putFile(fileOf("/a.txt", ["alpha beta"], { groups: ["hr"] }));
    await store().putFile(fileOf("/b.txt", ["alpha gamma"]));
    await store().putFile(fileOf("/o.txt", ["alpha delta"], { collection: "other" }));
    if (context.capabilities.vectors) await store().createSpace(spaceOf("s"));
    await store().recordAnswer(answerOf({ collection: "c" }));
    expect(await store().removeCollection("c")).toEqual({ files: 2, documents: 2 });
    expect(await store().hasCollection("c")).toBe(false);
    expect(await store().listDocuments("c")).toEqual([]);
    if (context.capabilities.vectors) expect(await store().listSpaces()).toEqual([]);
    expect(await store().searchBm25({ collection: "c", terms: ["alpha"], limit: 5 })).toEqual([]);
    expect(await store().searchBm25({ collection: "other", terms: ["alpha"], limit: 5 })).toHaveLength(1);
    expect(await store().stats()).toMatchObject({ collections: 1, files: 1, documents: 1, chunks: 1 });
    expect(await store().ledgerSummary({ collection: "c" })).toMatchObject({ answers: 1 });
    expect(await store().removeCollection("c")).toBeUndefined();
  });

  it("starts a collection afresh after it was removed", async () => {
    await store().putFile(fileOf("/a.txt", ["alpha"]));
    await store().removeCollection("c");
    const result = await store().putFile(fileOf("/a.txt", ["alpha"]));
    expect(result).toMatchObject({ added: 1, unchanged: 0 });
    expect(await store().searchBm25({ collection: "c", terms: ["alpha"], limit: 5 })).toHaveLength(1);
  });
}
