import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { NewDocument, PutFileInput, Store } from "../store.js";
import { ftsQuery } from "./bm25-ranking.js";
import { createSqliteStore } from "./sqlite-store.js";

function documentOf(source: string, text: string): NewDocument {
  return {
    source,
    title: source,
    mediaType: "text/plain",
    text,
    size: text.length,
    chunks: [{ ordinal: 0, text, location: { charStart: 0, charEnd: text.length } }],
  };
}

function fileOf(path: string, documents: NewDocument[], contentHash = "h1"): PutFileInput {
  return { collection: "default", path, contentHash, size: 10, mediaType: "text/plain", documents };
}

describe("sqlite store", () => {
  const stores: Store[] = [];
  const open = (path = ":memory:") => {
    const store = createSqliteStore({ path });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it("stores a file's documents and finds them with BM25", async () => {
    const store = open();
    await store.putFile(
      fileOf("/a.txt", [documentOf("/a.txt", "Refunds are issued within 30 days of purchase.")]),
    );
    await store.putFile(
      fileOf("/b.txt", [documentOf("/b.txt", "Sync runs every five minutes when online.")]),
    );
    const hits = await store.searchBm25({ collection: "default", terms: ["refunds", "days"], limit: 5 });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.document.source).toBe("/a.txt");
    expect(hits[0]?.score).toBeGreaterThan(0);
  });

  it("stems terms so a question's word forms match the text", async () => {
    const store = open();
    await store.putFile(fileOf("/a.txt", [documentOf("/a.txt", "The exporter exported all notes.")]));
    expect(await store.searchBm25({ collection: "default", terms: ["exporting"], limit: 5 })).toHaveLength(1);
  });

  it("re-putting identical content changes nothing", async () => {
    const store = open();
    const input = fileOf("/a.txt", [documentOf("/a.txt", "Same text.")]);
    await store.putFile(input);
    const before = await store.getChunks((await store.listDocuments())[0]?.id as string);
    const result = await store.putFile(input);
    expect(result).toMatchObject({ added: 0, replaced: 0, unchanged: 1, removed: 0 });
    expect(await store.getChunks((await store.listDocuments())[0]?.id as string)).toEqual(before);
  });

  it("a changed document replaces its old chunks and the old text is no longer found", async () => {
    const store = open();
    await store.putFile(fileOf("/a.txt", [documentOf("/a.txt", "Old wording about pineapples.")]));
    const result = await store.putFile(
      fileOf("/a.txt", [documentOf("/a.txt", "New wording about bananas.")], "h2"),
    );
    expect(result.replaced).toBe(1);
    expect(await store.searchBm25({ collection: "default", terms: ["pineapples"], limit: 5 })).toHaveLength(
      0,
    );
    expect(await store.searchBm25({ collection: "default", terms: ["bananas"], limit: 5 })).toHaveLength(1);
    expect((await store.stats()).chunks).toBe(1);
  });

  it("documents dropped from a multi-document file are removed with their chunks", async () => {
    const store = open();
    await store.putFile(
      fileOf("/c.jsonl", [documentOf("/c.jsonl#1", "alpha one"), documentOf("/c.jsonl#2", "beta two")]),
    );
    const result = await store.putFile(fileOf("/c.jsonl", [documentOf("/c.jsonl#1", "alpha one")], "h2"));
    expect(result).toMatchObject({ unchanged: 1, removed: 1 });
    expect((await store.listDocuments()).map((document) => document.source)).toEqual(["/c.jsonl#1"]);
    expect(await store.searchBm25({ collection: "default", terms: ["beta"], limit: 5 })).toHaveLength(0);
  });

  it("a failing write leaves the previously stored version intact", async () => {
    const store = open();
    await store.putFile(fileOf("/a.txt", [documentOf("/a.txt", "good version")]));
    const duplicate = fileOf(
      "/a.txt",
      [documentOf("/a.txt", "bad one"), documentOf("/a.txt", "bad two")],
      "h2",
    );
    await expect(store.putFile(duplicate)).rejects.toThrow(/two documents named/);
    expect((await store.getFile("default", "/a.txt"))?.contentHash).toBe("h1");
    expect(await store.searchBm25({ collection: "default", terms: ["good"], limit: 5 })).toHaveLength(1);
  });

  it("removing a file removes its documents, chunks and index entries", async () => {
    const store = open();
    await store.putFile(fileOf("/a.txt", [documentOf("/a.txt", "removable content")]));
    expect(await store.removeFile("default", "/a.txt")).toBe(1);
    expect(await store.stats()).toMatchObject({ files: 0, documents: 0, chunks: 0 });
    expect(await store.searchBm25({ collection: "default", terms: ["removable"], limit: 5 })).toHaveLength(0);
  });

  it("removing a document by source forgets its file so it can be ingested again", async () => {
    const store = open();
    await store.putFile(fileOf("/a.txt", [documentOf("/a.txt", "content")]));
    expect(await store.removeDocument("default", "/a.txt")).toBe(true);
    expect(await store.getFile("default", "/a.txt")).toBeUndefined();
    expect(await store.removeDocument("default", "/a.txt")).toBe(false);
  });

  it("keeps collections apart in search", async () => {
    const store = open();
    await store.putFile({
      ...fileOf("/a.txt", [documentOf("/a.txt", "shared words here")]),
      collection: "one",
    });
    await store.putFile({
      ...fileOf("/b.txt", [documentOf("/b.txt", "shared words here")]),
      collection: "two",
    });
    const hits = await store.searchBm25({ collection: "two", terms: ["shared"], limit: 5 });
    expect(hits.map((hit) => hit.document.source)).toEqual(["/b.txt"]);
    expect((await store.listCollections()).map((collection) => collection.name)).toEqual(["one", "two"]);
  });

  it("finds a small collection's matches even when a big one outranks them", async () => {
    const store = open();
    for (let index = 0; index < 60; index++) {
      await store.putFile({
        ...fileOf(`/big/${index}.txt`, [documentOf(`/big/${index}.txt`, "lantern lantern lantern")]),
        collection: "big",
      });
    }
    for (let index = 0; index < 3; index++) {
      await store.putFile({
        ...fileOf(`/small/${index}.txt`, [
          documentOf(`/small/${index}.txt`, `a long text that mentions a lantern once, number ${index}`),
        ]),
        collection: "small",
      });
    }
    const hits = await store.searchBm25({ collection: "small", terms: ["lantern"], limit: 3 });
    expect(hits.map((hit) => hit.document.source).sort()).toEqual([
      "/small/0.txt",
      "/small/1.txt",
      "/small/2.txt",
    ]);
    expect(await store.searchBm25({ collection: "big", terms: ["lantern"], limit: 100 })).toHaveLength(60);
  });

  it("treats hostile query text as plain terms, never as FTS syntax", async () => {
    const store = open();
    await store.putFile(fileOf("/a.txt", [documentOf("/a.txt", "near and not or")]));
    const terms = ["NEAR(a b)", '"', "*", "col:umn", "NOT", ")", "'; DROP TABLE chunks; --"];
    await expect(store.searchBm25({ collection: "default", terms, limit: 5 })).resolves.toBeInstanceOf(Array);
    expect((await store.stats()).chunks).toBe(1);
    expect(ftsQuery([`a"b`])?.expression).toBe(`"a""b"`);
  });

  it("persists across reopen and marks jobs of dead processes as interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-store-"));
    try {
      const path = join(dir, "verity.db");
      const first = createSqliteStore({ path });
      await first.putFile(fileOf("/a.txt", [documentOf("/a.txt", "durable")]));
      const job = await first.startJob("ingest", "default");
      await first.close();
      // Simulate a job whose process died: rewrite its pid to one that cannot exist.
      const raw = createSqliteStore({ path });
      await raw.close();
      const db = new Database(path);
      db.prepare("UPDATE jobs SET pid = 2147483646 WHERE id = ?").run(job.id);
      db.close();
      const second = open(path);
      expect((await second.stats()).documents).toBe(1);
      expect((await second.listJobs())[0]?.status).toBe("interrupted");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("answer ledger", () => {
  const answer = (at: string, collection: string, costUsd: number, apiKey?: string) => ({
    at,
    collection,
    ...(apiKey ? { apiKey } : {}),
    status: "answered" as const,
    answerer: "generative:m",
    escalated: false,
    costUsd,
    latencyMs: 10,
    strongestCostUsd: costUsd * 4,
    trace: {},
    calls: [{ model: "m", outcome: "grounded", costUsd, latencyMs: 10 }],
  });

  it("keeps spending per collection and API key by day and month, and backfills it on upgrade", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-ledger-"));
    try {
      const path = join(dir, "verity.db");
      const first = createSqliteStore({ path });
      await first.recordAnswer(answer("2026-11-28T10:00:00.000Z", "a", 0.5, "k1"));
      await first.recordAnswer(answer("2026-11-29T10:00:00.000Z", "a", 0.25));
      await first.recordAnswer(answer("2026-11-29T11:00:00.000Z", "b", 1, "k1"));
      expect(await first.spent({ collection: "a" }, "2026-11-29")).toBe(0.25);
      expect(await first.spent({ collection: "a" }, "2026-11")).toBe(0.75);
      expect(await first.spent({ apiKey: "k1" }, "2026-11")).toBe(1.5);
      expect(await first.ledgerSummary({ collection: "a" })).toMatchObject({
        answers: 2,
        costUsd: 0.75,
        modelAnswers: { count: 2, strongestCostUsd: 3 },
      });
      await first.close();
      // A database from before the running totals (and collection tokenizers, access groups, API keys
      // and the vector change log): they are rebuilt from the answers.
      const raw = new Database(path);
      raw.exec("DROP TRIGGER vector_changes_chunk_delete");
      raw.exec("DROP TABLE vector_changes");
      raw.exec("ALTER TABLE embedding_spaces DROP COLUMN ann");
      raw.exec("ALTER TABLE embedding_spaces DROP COLUMN ann_pruned");
      raw.exec("DROP TABLE api_keys");
      raw.exec("DROP TABLE document_groups");
      raw.exec("DROP TABLE spending");
      raw.exec("ALTER TABLE collections DROP COLUMN tokenizer");
      raw.pragma("user_version = 3");
      raw.close();
      const upgraded = createSqliteStore({ path });
      expect(await upgraded.spent({ collection: "a" }, "2026-11")).toBe(0.75);
      expect(await upgraded.spent({ apiKey: "k1" }, "2026-11-28")).toBe(0.5);
      await upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
