// Creating and removing collections through the engine, and removing files and documents on behalf
// of a caller who may not read everything: what it may not read is "not found", never removed.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Access } from "../src/core/access.js";
import type { Embedder } from "../src/embed/embedder.js";
import { createVerity, type Verity } from "../src/engine.js";
import { fakeEmbedding } from "./fakes/fake-embedding-server.js";

let dir: string;
let docs: string;
let verity: Verity;

const embedder: Embedder = {
  provider: "test",
  model: "words",
  dimensions: 32,
  maxBatchSize: 16,
  doEmbed: async ({ texts }) => ({ embeddings: texts.map((text) => fakeEmbedding(text)) }),
};
const noGroup: Access = { collections: "*", groups: [] };
const hr: Access = { collections: "*", groups: ["hr"] };

beforeEach(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "verity-collections-")));
  docs = join(dir, "docs");
  mkdirSync(join(docs, "hr"), { recursive: true });
  writeFileSync(join(docs, "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
  writeFileSync(join(docs, "hr", "salaries.md"), "# Salaries\n\nThe top salary is 900000 euros.\n");
  verity = createVerity({ dataDir: join(dir, "data"), embedder });
  await verity.ingest([docs], { collection: "handbook", groupRules: [{ match: "hr/**", groups: ["hr"] }] });
  await verity.ingest([join(docs, "leave.md")], { collection: "other" });
});

afterEach(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("creating a collection", () => {
  it("creates an empty one with its settings, and returns an existing one's", async () => {
    expect(await verity.createCollection("cjk-notes", { tokenizer: "cjk" })).toEqual({ tokenizer: "cjk" });
    expect(
      (await verity.listCollections()).find((collection) => collection.name === "cjk-notes"),
    ).toMatchObject({
      documentCount: 0,
    });
    expect(await verity.createCollection("cjk-notes")).toEqual({ tokenizer: "cjk" });
  });

  it("refuses a name that is not a plain name, and settings that differ from an existing one's", async () => {
    await expect(verity.createCollection("../etc")).rejects.toThrow(
      expect.objectContaining({ code: "E_INVALID_INPUT", option: "collection" }),
    );
    await expect(verity.createCollection("handbook", { tokenizer: "cjk" })).rejects.toThrow(
      expect.objectContaining({ code: "E_INVALID_INPUT", option: "tokenizer" }),
    );
  });
});

describe("removing a collection", () => {
  it("removes everything derived from it, embedding spaces included, and leaves the others", async () => {
    const { space } = await verity.reindex({ collection: "handbook" });
    await verity.store.activateSpace("handbook", space.name);
    expect(await verity.removeCollection("handbook")).toEqual({
      collection: "handbook",
      files: 2,
      documents: 2,
    });
    expect((await verity.listCollections()).map((collection) => collection.name)).toEqual(["other"]);
    expect(await verity.store.listSpaces()).toEqual([]);
    expect((await verity.stats()).store).toMatchObject({ files: 1, documents: 1, chunks: 1 });
    const answer = await verity.ask("How many vacation days do new staff get?", { collection: "other" });
    expect(answer.status).toBe("answered");
    // Ingesting again builds it afresh.
    await verity.ingest([docs], { collection: "handbook" });
    expect(await verity.listDocuments("handbook")).toHaveLength(2);
  });

  it("says a collection that does not exist, or that the caller may not read, is not found", async () => {
    await expect(verity.removeCollection("nowhere")).rejects.toThrow(
      expect.objectContaining({ code: "E_NOT_FOUND" }),
    );
    await expect(
      verity.removeCollection("handbook", { access: { collections: ["other"], groups: "*" } }),
    ).rejects.toThrow(
      expect.objectContaining({
        code: "E_NOT_FOUND",
        message: expect.stringContaining('"handbook" does not exist'),
      }),
    );
    expect(await verity.listDocuments("handbook")).toHaveLength(2);
  });

  it("forbids a caller that may not read every group, which would remove documents it cannot see", async () => {
    await expect(verity.removeCollection("handbook", { access: hr })).rejects.toThrow(
      expect.objectContaining({ code: "E_FORBIDDEN" }),
    );
    expect(await verity.listDocuments("handbook")).toHaveLength(2);
  });
});

describe("removing files and documents for a caller", () => {
  const salaries = () => join(docs, "hr", "salaries.md");

  it("treats a file or document the caller may not read as not there", async () => {
    const id = (await verity.getDocument(salaries(), { collection: "handbook" }))?.id as string;
    for (const target of [salaries(), id, join(docs, "hr")]) {
      await expect(verity.remove(target, "handbook", noGroup)).rejects.toThrow(
        expect.objectContaining({ code: "E_NOT_FOUND" }),
      );
    }
    expect(await verity.getDocument(id)).toBeDefined();
  });

  it("removes from a folder only the files the caller may read", async () => {
    expect(await verity.remove(docs, "handbook", noGroup)).toEqual({ target: docs, documents: 1 });
    expect((await verity.listDocuments("handbook")).map((document) => document.source)).toEqual([salaries()]);
    expect(await verity.remove(salaries(), "handbook", hr)).toEqual({ target: salaries(), documents: 1 });
    expect(await verity.listDocuments("handbook")).toEqual([]);
  });

  it("removes nothing from a collection the caller may not read", async () => {
    await expect(
      verity.remove(join(docs, "leave.md"), "handbook", { collections: ["other"], groups: "*" }),
    ).rejects.toThrow(expect.objectContaining({ code: "E_NOT_FOUND" }));
    expect(await verity.listDocuments("handbook")).toHaveLength(2);
  });
});
