// The store applies a caller's access inside its own queries: what the caller may not read is never
// returned, however it ranks, and counts cover only what it may read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Access } from "../../core/access.js";
import type { AnswerRecord } from "../../core/ledger.js";
import type { NewDocument, PutFileInput, Store } from "../store.js";
import type { Quantization } from "../vectors.js";
import { createSqliteStore } from "./sqlite-store.js";

const publicOnly: Access = { collections: "*", groups: [] };
const hr: Access = { collections: "*", groups: ["hr"] };
const otherCollection: Access = { collections: ["other"], groups: "*" };

function documentOf(source: string, texts: readonly string[]): NewDocument {
  const text = texts.join("\n");
  let offset = 0;
  const chunks = texts.map((chunk, ordinal) => {
    const location = { charStart: offset, charEnd: offset + chunk.length };
    offset += chunk.length + 1;
    return { ordinal, text: chunk, location };
  });
  return { source, title: source, mediaType: "text/plain", text, size: text.length, chunks };
}

function fileOf(
  path: string,
  texts: readonly string[],
  groups: readonly string[] = [],
  collection = "c",
): PutFileInput {
  return {
    collection,
    path,
    contentHash: `hash of ${texts.join("|")}`,
    size: 10,
    mediaType: "text/plain",
    documents: [documentOf(path, texts)],
    groups,
  };
}

let store: Store;
afterEach(async () => await store?.close());

function open(): Store {
  store = createSqliteStore({ path: ":memory:" });
  return store;
}

const sources = (hits: readonly { document: { source: string } }[]) => hits.map((hit) => hit.document.source);

describe("BM25 search with an access", () => {
  it("skips restricted chunks that outrank every readable one, however many there are", async () => {
    open();
    // Forty restricted documents say "salary" three times; the one public document only once.
    for (let index = 0; index < 40; index++) {
      await store.putFile(fileOf(`/hr/${index}.txt`, [`salary salary salary review ${index}`], ["hr"]));
    }
    await store.putFile(fileOf("/public.txt", ["the salary review is yearly for everyone"]));
    const search = (access: Access, perDocument: boolean) =>
      store.searchBm25({ collection: "c", terms: ["salary"], limit: 1, perDocument, access });
    expect(sources(await search(publicOnly, false))).toEqual(["/public.txt"]);
    expect(sources(await search(publicOnly, true))).toEqual(["/public.txt"]);
    expect(sources(await search(hr, false))[0]).toMatch(/^\/hr\//u);
  });

  it("returns documents a caller shares one group with, and none of another group", async () => {
    open();
    await store.putFile(fileOf("/hr.txt", ["bonus rules"], ["hr"]));
    await store.putFile(fileOf("/both.txt", ["bonus budget"], ["finance", "hr"]));
    await store.putFile(fileOf("/finance.txt", ["bonus accounts"], ["finance"]));
    const found = await store.searchBm25({ collection: "c", terms: ["bonus"], limit: 10, access: hr });
    expect(sources(found).sort()).toEqual(["/both.txt", "/hr.txt"]);
  });

  it("finds nothing in a collection the caller may not read", async () => {
    open();
    await store.putFile(fileOf("/a.txt", ["lantern oil"]));
    expect(
      await store.searchBm25({ collection: "c", terms: ["lantern"], limit: 5, access: otherCollection }),
    ).toEqual([]);
  });
});

describe("vector search with an access", () => {
  const dimensions = 8;
  /** Unit vectors along the first axis, tilted by `angle`: a smaller angle is nearer the query. */
  const tilted = (angle: number) => {
    const vector = new Float32Array(dimensions);
    vector[0] = Math.cos(angle);
    vector[1] = Math.sin(angle);
    return vector;
  };

  for (const quantization of ["float32", "int8"] as const satisfies readonly Quantization[]) {
    it(`returns the nearest readable chunk when more restricted ones are nearer than it over-fetches (${quantization})`, async () => {
      open();
      // 60 restricted chunks nearer the query than the one public chunk: more than the over-fetch
      // window, so the store must search again with the readable chunks as its filter.
      await store.putFile(
        fileOf(
          "/hr.txt",
          Array.from({ length: 60 }, (_, index) => `secret ${index}`),
          ["hr"],
        ),
      );
      await store.putFile(fileOf("/public.txt", ["open"]));
      await store.createSpace({
        collection: "c",
        name: "s",
        provider: "test",
        model: "axis",
        dimensions,
        normalised: true,
        version: "1",
        quantization,
      });
      const pending = await store.chunksToEmbed("c", "s", 100);
      await store.putVectors(
        "c",
        "s",
        pending.map((chunk) => ({
          chunkId: chunk.chunkId,
          vector: chunk.text === "open" ? tilted(1.2) : tilted(0.01 * Number(chunk.text.split(" ")[1])),
        })),
      );
      const query = { collection: "c", space: "s", vector: tilted(0), limit: 1 };
      expect(sources(await store.searchVectors({ ...query, access: publicOnly }))).toEqual(["/public.txt"]);
      expect(sources(await store.searchVectors({ ...query, access: hr }))).toEqual(["/hr.txt"]);
      expect(await store.searchVectors({ ...query, access: otherCollection })).toEqual([]);
    });
  }
});

describe("documents, files and counts with an access", () => {
  async function seeded(): Promise<Store> {
    open();
    await store.putFile(fileOf("/public.txt", ["open text"]));
    await store.putFile(fileOf("/hr.txt", ["hr text"], ["hr"]));
    await store.putFile(fileOf("/other.txt", ["other text"], [], "other"));
    return store;
  }
  const idOf = async (source: string) => (await store.getDocument(source))?.id as string;

  it("lists, gets and reads only documents the caller may read", async () => {
    await seeded();
    expect((await store.listDocuments("c", publicOnly)).map((document) => document.source)).toEqual([
      "/public.txt",
    ]);
    expect(
      (await store.listDocuments(undefined, otherCollection)).map((document) => document.source),
    ).toEqual(["/other.txt"]);
    const hrId = await idOf("/hr.txt");
    expect(await store.getDocument(hrId, undefined, publicOnly)).toBeUndefined();
    expect((await store.getDocument("/hr.txt", "c", hr))?.groups).toEqual(["hr"]);
    expect(await store.getDocumentText(hrId, publicOnly)).toBeUndefined();
    expect(await store.getDocumentText(hrId, hr)).toBe("hr text");
    expect(await store.getChunks(hrId, publicOnly)).toEqual([]);
    expect(await store.getChunks(hrId, hr)).toHaveLength(1);
  });

  it("lists only files whose every document the caller may read, and removes nothing else", async () => {
    await seeded();
    expect((await store.listFiles("c", publicOnly)).map((file) => file.path)).toEqual(["/public.txt"]);
    expect(await store.getFile("c", "/hr.txt", publicOnly)).toBeUndefined();
    expect(await store.removeFile("c", "/hr.txt", publicOnly)).toBe(0);
    expect(await store.removeDocument("c", "/hr.txt", publicOnly)).toBe(false);
    expect(await store.getDocument("/hr.txt")).toBeDefined();
    expect(await store.removeDocument("c", "/hr.txt", hr)).toBe(true);
  });

  it("counts collections, files, documents, chunks and text over what the caller may read", async () => {
    await seeded();
    expect(await store.listCollections(publicOnly)).toMatchObject([
      { name: "c", documentCount: 1, chunkCount: 1 },
      { name: "other", documentCount: 1, chunkCount: 1 },
    ]);
    expect((await store.listCollections(otherCollection)).map((collection) => collection.name)).toEqual([
      "other",
    ]);
    expect(await store.stats(publicOnly)).toMatchObject({
      collections: 2,
      files: 2,
      documents: 2,
      chunks: 2,
      textBytes: "open text".length + "other text".length,
      databaseBytes: 0,
    });
    expect(await store.stats(otherCollection)).toMatchObject({ collections: 1, files: 1, documents: 1 });
    expect((await store.stats()).databaseBytes).toBeGreaterThan(0);
  });

  it("shows jobs only to a caller that reads every group, of the collections it may read", async () => {
    await seeded();
    await store.startJob("ingest", "c");
    await store.startJob("ingest", "other");
    expect(await store.listJobs(10, publicOnly)).toEqual([]);
    expect((await store.listJobs(10, otherCollection)).map((job) => job.collection)).toEqual(["other"]);
    expect(await store.listJobs(10)).toHaveLength(2);
  });
});

describe("access groups as stored", () => {
  it("changes an unchanged document's groups without chunking it again", async () => {
    open();
    await store.putFile(fileOf("/a.txt", ["alpha"], ["hr"]));
    const chunksBefore = await store.getChunks((await store.getDocument("/a.txt"))?.id as string);
    const result = await store.putFile(fileOf("/a.txt", ["alpha"], ["finance"]));
    expect(result).toMatchObject({ unchanged: 1, regrouped: 1, chunks: 0 });
    expect((await store.getDocument("/a.txt"))?.groups).toEqual(["finance"]);
    expect(await store.getChunks((await store.getDocument("/a.txt"))?.id as string)).toEqual(chunksBefore);
  });

  it("regroups a stored file's documents and says how many changed", async () => {
    open();
    await store.putFile(fileOf("/a.txt", ["alpha"]));
    expect(await store.setFileGroups("c", "/a.txt", ["hr", "hr", "finance"])).toBe(1);
    expect((await store.getDocument("/a.txt"))?.groups).toEqual(["finance", "hr"]);
    expect(await store.setFileGroups("c", "/a.txt", ["finance", "hr"])).toBe(0);
  });

  it("rejects an access group name that is not a plain word", async () => {
    open();
    await expect(store.putFile(fileOf("/a.txt", ["alpha"], ["hr team"]))).rejects.toThrow(
      expect.objectContaining({ code: "E_INVALID_INPUT", option: "groups" }),
    );
  });

  it("checks groups on a read-only store without writing, and refuses to change them there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verity-groups-read-only-"));
    try {
      const path = join(dir, "verity.db");
      const writable = createSqliteStore({ path });
      await writable.putFile(fileOf("/a.txt", ["alpha"], ["hr"]));
      await writable.close();
      store = createSqliteStore({ path, readOnly: true });
      expect(await store.setFileGroups("c", "/a.txt", ["hr"])).toBe(0);
      await expect(store.setFileGroups("c", "/a.txt", ["finance"])).rejects.toThrow(
        expect.objectContaining({ code: "E_STORE" }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("removing a collection", () => {
  it("removes its files, documents, chunks, groups and embedding spaces, and leaves the others", async () => {
    open();
    await store.putFile(fileOf("/a.txt", ["alpha beta"], ["hr"]));
    await store.putFile(fileOf("/b.txt", ["alpha gamma"], [], "other"));
    await store.createSpace({
      collection: "c",
      name: "s",
      provider: "test",
      model: "m",
      dimensions: 4,
      normalised: true,
      version: "1",
      quantization: "int8",
    });
    expect(await store.removeCollection("c")).toEqual({ files: 1, documents: 1 });
    expect(await store.hasCollection("c")).toBe(false);
    expect(await store.listSpaces()).toEqual([]);
    expect(await store.searchBm25({ collection: "other", terms: ["alpha"], limit: 5 })).toHaveLength(1);
    expect(await store.stats()).toMatchObject({ collections: 1, files: 1, documents: 1, chunks: 1 });
    expect(await store.removeCollection("c")).toBeUndefined();
  });
});

describe("the ledger with an access", () => {
  const answer = (collection: string, apiKey?: string): AnswerRecord => ({
    at: "2026-12-01T10:00:00.000Z",
    collection,
    ...(apiKey ? { apiKey } : {}),
    status: "answered",
    answerer: "extractive",
    escalated: false,
    costUsd: 0.5,
    latencyMs: 3,
    trace: { question: collection },
    calls: [{ model: "m", outcome: "grounded", costUsd: 0.5, latencyMs: 3 }],
  });

  it("sums only the answers of collections the caller may read", async () => {
    open();
    await store.recordAnswer(answer("c", "k1"));
    await store.recordAnswer(answer("other", "k2"));
    expect(await store.ledgerSummary({ access: otherCollection })).toMatchObject({
      answers: 1,
      costUsd: 0.5,
    });
    expect(await store.ledgerSummary()).toMatchObject({ answers: 2, costUsd: 1 });
  });

  it("lists a restricted caller's own answers only, and every answer to a caller that reads everything", async () => {
    open();
    await store.recordAnswer(answer("c", "k1"));
    await store.recordAnswer(answer("c", "k2"));
    await store.recordAnswer(answer("c"));
    expect((await store.listAnswers({ access: hr, apiKey: "k1" })).map((entry) => entry.apiKey)).toEqual([
      "k1",
    ]);
    expect(await store.listAnswers({ access: hr })).toEqual([]);
    expect(await store.listAnswers({ access: otherCollection, apiKey: "k1" })).toEqual([]);
    const all = await store.listAnswers();
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({ collection: "c", calls: [{ model: "m", outcome: "grounded" }] });
  });

  it("rejects a listing limit outside 1 to 1000", async () => {
    open();
    await expect(store.listAnswers({ limit: 0 })).rejects.toThrow(
      expect.objectContaining({ option: "limit" }),
    );
  });
});
