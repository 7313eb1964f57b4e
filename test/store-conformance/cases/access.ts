// A caller's access, applied inside every read: a document it may not read is never listed, counted,
// found, fetched or removed for it, however it ranks.
import { expect, it } from "vitest";
import type { Access } from "../../../src/core/access.js";
import { type ConformanceContext, vectorCase } from "../context.js";
import {
  documentOf,
  fileOf,
  filesDocuments,
  hr,
  otherOnly,
  publicOnly,
  sources,
  spaceOf,
  tilted,
} from "../fixtures.js";

export function accessCases(context: ConformanceContext): void {
  const { store } = context;

  /** c: /public.txt, /hr.txt (group hr), /multi.jsonl (two documents); other: /other.txt. */
  async function seed(): Promise<{ hrId: string; publicId: string }> {
    await store().putFile(fileOf("/public.txt", ["open lantern text"]));
    await store().putFile(fileOf("/hr.txt", ["secret lantern salary"], { groups: ["hr"] }));
    await store().putFile(
      filesDocuments("/multi.jsonl", [
        documentOf("/multi.jsonl#1", ["multi open part"]),
        documentOf("/multi.jsonl#2", ["multi second part"]),
      ]),
    );
    await store().putFile(fileOf("/other.txt", ["other lantern text"], { collection: "other" }));
    const hrId = (await store().getDocument("/hr.txt"))?.id as string;
    const publicId = (await store().getDocument("/public.txt"))?.id as string;
    return { hrId, publicId };
  }

  it("never shows a reader without the group a restricted document, by any read", async () => {
    const { hrId } = await seed();
    expect((await store().listDocuments("c", publicOnly)).map((document) => document.source)).toEqual([
      "/multi.jsonl#1",
      "/multi.jsonl#2",
      "/public.txt",
    ]);
    expect(
      (await store().listDocuments(undefined, publicOnly)).map((document) => document.source),
    ).not.toContain("/hr.txt");
    expect(await store().getDocument(hrId, undefined, publicOnly)).toBeUndefined();
    expect(await store().getDocument("/hr.txt", undefined, publicOnly)).toBeUndefined();
    expect(await store().getDocument("/hr.txt", "c", publicOnly)).toBeUndefined();
    expect(await store().getDocumentText(hrId, publicOnly)).toBeUndefined();
    expect(await store().getChunks(hrId, publicOnly)).toEqual([]);
    expect(await store().getFile("c", "/hr.txt", publicOnly)).toBeUndefined();
    expect((await store().listFiles("c", publicOnly)).map((file) => file.path)).toEqual([
      "/multi.jsonl",
      "/public.txt",
    ]);
    for (const perDocument of [false, true]) {
      const found = await store().searchBm25({
        collection: "c",
        terms: ["salary", "lantern"],
        limit: 10,
        perDocument,
        access: publicOnly,
      });
      expect(sources(found)).toEqual(["/public.txt"]);
      const anchored = await store().searchBm25({
        collection: "c",
        terms: ["salary", "secret"],
        anchors: ["salary"],
        limit: 10,
        perDocument,
        access: publicOnly,
      });
      expect(anchored).toEqual([]);
    }
  });

  it("shows a reader in the group the restricted document", async () => {
    const { hrId } = await seed();
    expect((await store().getDocument("/hr.txt", "c", hr))?.groups).toEqual(["hr"]);
    expect(await store().getDocumentText(hrId, hr)).toBe("secret lantern salary");
    expect(await store().getChunks(hrId, hr)).toHaveLength(1);
    expect((await store().getFile("c", "/hr.txt", hr))?.path).toBe("/hr.txt");
    const found = await store().searchBm25({ collection: "c", terms: ["salary"], limit: 10, access: hr });
    expect(sources(found)).toEqual(["/hr.txt"]);
  });

  it("returns documents a caller shares one group with, and none of another group", async () => {
    await store().putFile(fileOf("/hr.txt", ["bonus rules"], { groups: ["hr"] }));
    await store().putFile(fileOf("/both.txt", ["bonus budget"], { groups: ["finance", "hr"] }));
    await store().putFile(fileOf("/finance.txt", ["bonus accounts"], { groups: ["finance"] }));
    const found = await store().searchBm25({ collection: "c", terms: ["bonus"], limit: 10, access: hr });
    expect(sources(found).sort()).toEqual(["/both.txt", "/hr.txt"]);
    expect((await store().listDocuments("c", hr)).map((document) => document.source)).toEqual([
      "/both.txt",
      "/hr.txt",
    ]);
  });

  it("skips restricted chunks that outrank every readable one, however many there are", async () => {
    for (let index = 0; index < 40; index++) {
      await store().putFile(
        fileOf(`/hr/${index}.txt`, [`salary salary salary review ${index}`], { groups: ["hr"] }),
      );
    }
    await store().putFile(fileOf("/public.txt", ["the salary review is yearly for everyone"]));
    const search = (access: Access, perDocument: boolean) =>
      store().searchBm25({ collection: "c", terms: ["salary"], limit: 1, perDocument, access });
    expect(sources(await search(publicOnly, false))).toEqual(["/public.txt"]);
    expect(sources(await search(publicOnly, true))).toEqual(["/public.txt"]);
    expect(sources(await search(hr, false))[0]).toMatch(/^\/hr\//u);
  });

  it("shows a caller only the collections it may read", async () => {
    const { publicId } = await seed();
    expect((await store().listCollections(otherOnly)).map((collection) => collection.name)).toEqual([
      "other",
    ]);
    expect((await store().listDocuments(undefined, otherOnly)).map((document) => document.source)).toEqual([
      "/other.txt",
    ]);
    expect(await store().getDocument(publicId, undefined, otherOnly)).toBeUndefined();
    expect(await store().getDocumentText(publicId, otherOnly)).toBeUndefined();
    expect(await store().getChunks(publicId, otherOnly)).toEqual([]);
    expect(await store().listFiles("c", otherOnly)).toEqual([]);
    expect(await store().getFile("c", "/public.txt", otherOnly)).toBeUndefined();
    expect(
      await store().searchBm25({ collection: "c", terms: ["lantern"], limit: 5, access: otherOnly }),
    ).toEqual([]);
    expect(
      sources(
        await store().searchBm25({ collection: "other", terms: ["lantern"], limit: 5, access: otherOnly }),
      ),
    ).toEqual(["/other.txt"]);
    // Whether a collection exists is not a secret of its documents.
    expect(await store().hasCollection("c")).toBe(true);
  });

  it("counts collections, files, documents, chunks and text over what the caller may read", async () => {
    await seed();
    expect(
      (await store().listCollections(publicOnly)).map(({ name, documentCount, chunkCount }) => ({
        name,
        documentCount,
        chunkCount,
      })),
    ).toEqual([
      { name: "c", documentCount: 3, chunkCount: 3 },
      { name: "other", documentCount: 1, chunkCount: 1 },
    ]);
    expect(await store().stats(publicOnly)).toMatchObject({
      collections: 2,
      files: 3,
      documents: 4,
      chunks: 4,
      textBytes: ["open lantern text", "multi open part", "multi second part", "other lantern text"]
        .map((text) => Buffer.byteLength(text))
        .reduce((sum, bytes) => sum + bytes),
      databaseBytes: 0,
    });
    expect(await store().stats(otherOnly)).toMatchObject({
      collections: 1,
      files: 1,
      documents: 1,
      chunks: 1,
      databaseBytes: 0,
    });
    expect(await store().stats(hr)).toMatchObject({ collections: 2, files: 4, documents: 5, chunks: 5 });
    expect(await store().stats()).toMatchObject({ files: 4, documents: 5, chunks: 5 });
    expect((await store().stats()).databaseBytes).toBeGreaterThan(0);
  });

  it("lists and counts a restricted file of several documents only for its group", async () => {
    await store().putFile(
      filesDocuments(
        "/multi.jsonl",
        [documentOf("/multi.jsonl#1", ["one"]), documentOf("/multi.jsonl#2", ["two"])],
        {
          groups: ["hr"],
        },
      ),
    );
    await store().putFile(fileOf("/public.txt", ["open"]));
    expect((await store().listFiles("c", publicOnly)).map((file) => file.path)).toEqual(["/public.txt"]);
    expect((await store().listFiles("c", hr)).map((file) => file.path)).toEqual([
      "/multi.jsonl",
      "/public.txt",
    ]);
    expect(await store().stats(publicOnly)).toMatchObject({ files: 1, documents: 1, chunks: 1 });
    expect(await store().stats(hr)).toMatchObject({ files: 2, documents: 3, chunks: 3 });
  });

  it("removes nothing the caller may not read", async () => {
    const { hrId } = await seed();
    expect(await store().removeFile("c", "/hr.txt", publicOnly)).toBe(0);
    expect(await store().removeDocument("c", "/hr.txt", publicOnly)).toBe(false);
    expect(await store().removeDocument("c", hrId, publicOnly)).toBe(false);
    expect(await store().removeFile("c", "/public.txt", otherOnly)).toBe(0);
    expect(await store().getDocument("/hr.txt")).toBeDefined();
    expect(await store().getDocument("/public.txt")).toBeDefined();
    expect(await store().removeDocument("c", "/hr.txt", hr)).toBe(true);
    expect(await store().removeFile("c", "/public.txt", publicOnly)).toBe(1);
    expect(await store().stats()).toMatchObject({ documents: 3 });
  });

  it("shows jobs only to a caller that reads every group, of the collections it may read", async () => {
    await store().startJob("ingest", "c");
    await store().startJob("ingest", "other");
    expect(await store().listJobs(10, publicOnly)).toEqual([]);
    expect(await store().listJobs(10, hr)).toEqual([]);
    expect((await store().listJobs(10, otherOnly)).map((job) => job.collection)).toEqual(["other"]);
    expect(await store().listJobs(10)).toHaveLength(2);
  });

  const restrictedNearer = async () => {
    // 60 restricted chunks nearer the query than the one public chunk: more than a search that
    // over-fetches a few times the limit would see.
    await store().putFile(
      fileOf(
        "/hr.txt",
        Array.from({ length: 60 }, (_, index) => `secret ${index}`),
        { groups: ["hr"] },
      ),
    );
    await store().putFile(fileOf("/public.txt", ["open"]));
    await store().putFile(fileOf("/other.txt", ["open"], { collection: "other" }));
    await store().createSpace(spaceOf("s"));
    const pending = await store().chunksToEmbed("c", "s", 100);
    await store().putVectors(
      "c",
      "s",
      pending.map((chunk) => ({
        chunkId: chunk.chunkId,
        vector: chunk.text === "open" ? tilted(1.2) : tilted(0.01 * Number(chunk.text.split(" ")[1])),
      })),
    );
  };

  for (const exact of [true, false]) {
    vectorCase(
      context,
      `returns the nearest readable chunk when many restricted ones are nearer (exact: ${exact})`,
      async () => {
        await restrictedNearer();
        const query = { collection: "c", space: "s", vector: tilted(0), limit: 1, exact };
        expect(sources(await store().searchVectors({ ...query, access: publicOnly }))).toEqual([
          "/public.txt",
        ]);
        expect(sources(await store().searchVectors({ ...query, access: hr }))).toEqual(["/hr.txt"]);
        expect(await store().searchVectors({ ...query, access: otherOnly })).toEqual([]);
        const several = await store().searchVectors({ ...query, limit: 5, access: publicOnly });
        expect(sources(several)).toEqual(["/public.txt"]);
      },
    );
  }
}
