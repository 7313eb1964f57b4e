// Files and their documents: putFile's counts and idempotence, regrouping, reads by id and by source,
// the text and the chunks with their locations, and removal.
import { expect, it } from "vitest";
import type { ConformanceContext } from "../context.js";
import { documentOf, fileOf, filesDocuments, isoTime, sources, tick } from "../fixtures.js";

export function documentCases(context: ConformanceContext): void {
  const { store } = context;
  const bm25 = (term: string, collection = "c") =>
    store().searchBm25({ collection, terms: [term], limit: 10 });

  it("adds a file's documents and says how many chunks it stored", async () => {
    const result = await store().putFile(
      filesDocuments("/f.jsonl", [
        documentOf("/f.jsonl#1", ["one", "two"]),
        documentOf("/f.jsonl#2", ["three"]),
      ]),
    );
    expect(result).toEqual({ added: 2, replaced: 0, unchanged: 0, removed: 0, chunks: 3, regrouped: 0 });
  });

  it("re-putting identical content changes nothing, chunks included", async () => {
    const input = fileOf("/a.txt", ["same text", "and more"]);
    await store().putFile(input);
    const [document] = await store().listDocuments();
    const before = await store().getChunks(document?.id as string);
    expect(await store().putFile(input)).toEqual({
      added: 0,
      replaced: 0,
      unchanged: 1,
      removed: 0,
      chunks: 0,
      regrouped: 0,
    });
    expect(await store().getChunks(document?.id as string)).toEqual(before);
    expect(await store().stats()).toMatchObject({ files: 1, documents: 1, chunks: 2 });
  });

  it("replaces a changed document's chunks, and its old text is no longer found", async () => {
    await store().putFile(fileOf("/a.txt", ["old wording about pineapples"]));
    const result = await store().putFile(fileOf("/a.txt", ["new wording about bananas", "second part"]));
    expect(result).toMatchObject({ added: 0, replaced: 1, unchanged: 0, removed: 0, chunks: 2 });
    expect(await bm25("pineapples")).toEqual([]);
    expect(await bm25("bananas")).toHaveLength(1);
    expect(await store().stats()).toMatchObject({ documents: 1, chunks: 2 });
    expect((await store().getFile("c", "/a.txt"))?.contentHash).toBe(
      fileOf("/a.txt", ["new wording about bananas", "second part"]).contentHash,
    );
  });

  it("keeps a replaced document's first time, and moves its update time", async () => {
    await store().putFile(fileOf("/a.txt", ["first version"]));
    const first = await store().getDocument("/a.txt");
    await tick();
    await store().putFile(fileOf("/a.txt", ["second version"]));
    const second = await store().getDocument("/a.txt");
    expect(second?.createdAt).toBe(first?.createdAt);
    expect(Date.parse(second?.updatedAt ?? "")).toBeGreaterThan(Date.parse(first?.updatedAt ?? ""));
    await tick();
    await store().putFile(fileOf("/a.txt", ["second version"]));
    expect((await store().getDocument("/a.txt"))?.updatedAt).toBe(second?.updatedAt);
  });

  it("replaces a document whose metadata changed although its text did not", async () => {
    await store().putFile(
      filesDocuments("/r.wav", [documentOf("/r.wav", ["spoken words"], { metadata: { engine: "a" } })]),
    );
    const result = await store().putFile(
      filesDocuments("/r.wav", [documentOf("/r.wav", ["spoken words"], { metadata: { engine: "b" } })]),
    );
    expect(result).toMatchObject({ replaced: 1, unchanged: 0 });
    expect((await store().getDocument("/r.wav"))?.metadata).toEqual({ engine: "b" });
  });

  it("removes documents dropped from a multi-document file, with their chunks", async () => {
    await store().putFile(
      filesDocuments("/c.jsonl", [
        documentOf("/c.jsonl#1", ["alpha one"]),
        documentOf("/c.jsonl#2", ["beta two"]),
      ]),
    );
    const result = await store().putFile(
      filesDocuments("/c.jsonl", [documentOf("/c.jsonl#1", ["alpha one"])]),
    );
    expect(result).toMatchObject({ added: 0, replaced: 0, unchanged: 1, removed: 1 });
    expect((await store().listDocuments()).map((document) => document.source)).toEqual(["/c.jsonl#1"]);
    expect(await bm25("beta")).toEqual([]);
    expect(await store().stats()).toMatchObject({ documents: 1, chunks: 1 });
  });

  it("refuses a file that names a document twice, and keeps what the file held before", async () => {
    await store().putFile(filesDocuments("/f.jsonl", [documentOf("/f.jsonl#1", ["kept text"])]));
    const twice = filesDocuments("/f.jsonl", [
      documentOf("/f.jsonl#1", ["first"]),
      documentOf("/f.jsonl#1", ["second"]),
    ]);
    await expect(store().putFile(twice)).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      message: "/f.jsonl holds two documents named /f.jsonl#1",
    });
    expect((await store().listDocuments()).map((document) => document.source)).toEqual(["/f.jsonl#1"]);
    expect(await bm25("kept")).toHaveLength(1);
    expect(await bm25("first")).toEqual([]);
  });

  it("removes every document of a file put again with none", async () => {
    await store().putFile(
      filesDocuments("/c.jsonl", [
        documentOf("/c.jsonl#1", ["alpha one"]),
        documentOf("/c.jsonl#2", ["beta two"]),
      ]),
    );
    const result = await store().putFile(filesDocuments("/c.jsonl", []));
    expect(result).toEqual({ added: 0, replaced: 0, unchanged: 0, removed: 2, chunks: 0, regrouped: 0 });
    expect(await store().listDocuments()).toEqual([]);
    expect(await store().stats()).toMatchObject({ documents: 0, chunks: 0 });
    expect(await store().searchBm25({ collection: "c", terms: ["alpha"], limit: 5 })).toEqual([]);
  });

  it("keeps the stored file's size, hash, media type and time", async () => {
    const input = fileOf("/a.txt", ["alpha"]);
    await store().putFile({ ...input, size: 1234, mediaType: "text/markdown" });
    const file = await store().getFile("c", "/a.txt");
    expect(file).toMatchObject({
      collection: "c",
      path: "/a.txt",
      contentHash: input.contentHash,
      size: 1234,
      mediaType: "text/markdown",
    });
    expect(file?.ingestedAt).toEqual(isoTime);
    expect(await store().getFile("c", "/missing.txt")).toBeUndefined();
    expect(await store().getFile("other", "/a.txt")).toBeUndefined();
  });

  it("lists a collection's files by path", async () => {
    await store().putFile(fileOf("/b.txt", ["beta"]));
    await store().putFile(fileOf("/a.txt", ["alpha"]));
    await store().putFile(fileOf("/c.txt", ["gamma"], { collection: "other" }));
    expect((await store().listFiles("c")).map((file) => file.path)).toEqual(["/a.txt", "/b.txt"]);
    expect(await store().listFiles("missing")).toEqual([]);
  });

  it("orders files, documents and collections by the bytes of their names, whatever the database's locale", async () => {
    const names = ["/B.txt", "/a.txt", "/a-b.txt", "/a_b.txt", "/ab.txt", "/é.txt", "/z.txt"];
    for (const name of names) await store().putFile(fileOf(name, ["words"]));
    for (const name of ["beta", "Zeta", "alpha", "_x"]) await store().createCollection(name);
    const byteOrder = ["/B.txt", "/a-b.txt", "/a.txt", "/a_b.txt", "/ab.txt", "/z.txt", "/é.txt"];
    expect((await store().listFiles("c")).map((file) => file.path)).toEqual(byteOrder);
    expect((await store().listDocuments("c")).map((document) => document.source)).toEqual(byteOrder);
    expect((await store().listCollections()).map((collection) => collection.name)).toEqual([
      "Zeta",
      "_x",
      "alpha",
      "beta",
      "c",
    ]);
  });

  it("returns a document by id and by source, with every field as stored", async () => {
    await store().putFile(
      filesDocuments(
        "/f.jsonl",
        [
          documentOf("/f.jsonl#7", ["first chunk", "second chunk"], {
            title: "Seven",
            metadata: { n: 7, tags: ["x"] },
          }),
        ],
        { groups: ["hr", "finance", "hr"] },
      ),
    );
    const bySource = await store().getDocument("/f.jsonl#7");
    expect(bySource).toMatchObject({
      collection: "c",
      source: "/f.jsonl#7",
      file: "/f.jsonl",
      title: "Seven",
      mediaType: "text/plain",
      size: Buffer.byteLength("first chunk\nsecond chunk"),
      metadata: { n: 7, tags: ["x"] },
      chunkCount: 2,
      groups: ["finance", "hr"],
    });
    expect(bySource?.contentHash).toMatch(/^[0-9a-f]{64}$/u);
    expect(bySource?.createdAt).toEqual(isoTime);
    expect(bySource?.updatedAt).toEqual(isoTime);
    expect(await store().getDocument(bySource?.id as string)).toEqual(bySource);
    expect(await store().getDocument("/f.jsonl#7", "c")).toEqual(bySource);
    expect(await store().getDocument("/f.jsonl#7", "other")).toBeUndefined();
    expect(await store().getDocument("/nothing")).toBeUndefined();
  });

  it("lists documents of one collection or all, by collection and source", async () => {
    await store().putFile(fileOf("/b.txt", ["beta"], { collection: "z" }));
    await store().putFile(fileOf("/b.txt", ["beta"]));
    await store().putFile(fileOf("/a.txt", ["alpha"]));
    const all = (await store().listDocuments()).map(
      (document) => `${document.collection}:${document.source}`,
    );
    expect(all).toEqual(["c:/a.txt", "c:/b.txt", "z:/b.txt"]);
    expect((await store().listDocuments("z")).map((document) => document.source)).toEqual(["/b.txt"]);
    expect(await store().listDocuments("missing")).toEqual([]);
  });

  it("returns a document's full text, and its chunks in order with their locations", async () => {
    const timeline: [number, number, number][] = [
      [0, 0, 900],
      [6, 900, 2000],
    ];
    const document = documentOf("/talk.md", ["Intro text", "Body, spoken", "Café ☕ 北京"], {
      locations: [
        { page: 1, headingPath: ["Talk"] },
        { page: 2, headingPath: ["Talk", "Body"], startMs: 0, endMs: 2000, timeline },
        {},
      ],
    });
    // Chunks handed over out of order are read back by ordinal.
    await store().putFile(
      filesDocuments("/talk.md", [{ ...document, chunks: [...document.chunks].reverse() }]),
    );
    const stored = await store().getDocument("/talk.md");
    expect(await store().getDocumentText(stored?.id as string)).toBe(
      "Intro text\nBody, spoken\nCafé ☕ 北京",
    );
    const chunks = await store().getChunks(stored?.id as string);
    expect(
      chunks.map(({ documentId, ordinal, text, location }) => ({ documentId, ordinal, text, location })),
    ).toEqual(document.chunks.map((chunk) => ({ documentId: stored?.id, ...chunk })));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(3);
    expect(await store().getDocumentText("doc_missing")).toBeUndefined();
    expect(await store().getChunks("doc_missing")).toEqual([]);
  });

  it("keeps text, titles and sources holding control characters, NUL included, as given", async () => {
    // A JSONL record's "\u0000" escape, or a PDF's extracted text, can put a NUL in what is stored.
    const texts = ["before\u0000after", "bell\u0007 and escape\u001b[31m"];
    const document = documentOf("/f.jsonl#id\u0000", texts, {
      title: "Title\u0000",
      metadata: { note: "n\u0000" },
    });
    await store().putFile(filesDocuments("/f.jsonl", [document]));
    const stored = await store().getDocument("/f.jsonl#id\u0000");
    expect(stored).toMatchObject({ title: "Title\u0000", metadata: { note: "n\u0000" } });
    expect(await store().getDocumentText(stored?.id as string)).toBe(texts.join("\n"));
    expect((await store().getChunks(stored?.id as string)).map((chunk) => chunk.text)).toEqual(texts);
    expect(sources(await store().searchBm25({ collection: "c", terms: ["after"], limit: 5 }))).toEqual([
      "/f.jsonl#id\u0000",
    ]);
  });

  it("stores a file of more chunks than one statement can carry parameters for", async () => {
    // PostgreSQL takes at most 65,535 parameters a statement: 11,000 chunks of six values each are more.
    const texts = Array.from({ length: 11_000 }, (_, index) => `chunk ${index} lantern`);
    expect(await store().putFile(fileOf("/book.txt", texts))).toMatchObject({ added: 1, chunks: 11_000 });
    expect(await store().stats()).toMatchObject({ documents: 1, chunks: 11_000 });
    expect((await store().getDocument("/book.txt"))?.chunkCount).toBe(11_000);
    expect(await store().putFile(fileOf("/book.txt", texts.slice(1)))).toMatchObject({
      replaced: 1,
      chunks: 10_999,
    });
    expect((await store().termStatistics(["lantern"])).documentFrequency.get("lantern")).toBe(10_999);
  });

  it("gives an unchanged document new groups without chunking it again", async () => {
    await store().putFile(fileOf("/a.txt", ["alpha"], { groups: ["hr"] }));
    const id = (await store().getDocument("/a.txt"))?.id as string;
    const before = await store().getChunks(id);
    const result = await store().putFile(fileOf("/a.txt", ["alpha"], { groups: ["finance"] }));
    expect(result).toMatchObject({ unchanged: 1, regrouped: 1, chunks: 0 });
    expect((await store().getDocument("/a.txt"))?.groups).toEqual(["finance"]);
    expect(await store().getChunks(id)).toEqual(before);
    expect(await store().putFile(fileOf("/a.txt", ["alpha"], { groups: ["finance"] }))).toMatchObject({
      unchanged: 1,
      regrouped: 0,
    });
  });

  it("regroups a stored file's documents and says how many changed", async () => {
    await store().putFile(
      filesDocuments("/f.jsonl", [documentOf("/f.jsonl#1", ["one"]), documentOf("/f.jsonl#2", ["two"])]),
    );
    expect(await store().setFileGroups("c", "/f.jsonl", ["hr", "hr", "finance"])).toBe(2);
    expect((await store().listDocuments()).map((document) => document.groups)).toEqual([
      ["finance", "hr"],
      ["finance", "hr"],
    ]);
    expect(await store().setFileGroups("c", "/f.jsonl", ["finance", "hr"])).toBe(0);
    expect(await store().setFileGroups("c", "/f.jsonl", [])).toBe(2);
    expect((await store().getDocument("/f.jsonl#1"))?.groups).toEqual([]);
    expect(await store().setFileGroups("c", "/missing", ["hr"])).toBe(0);
  });

  it("removes a file with its documents, chunks and index entries", async () => {
    await store().putFile(
      filesDocuments("/f.jsonl", [
        documentOf("/f.jsonl#1", ["removable one"]),
        documentOf("/f.jsonl#2", ["two"]),
      ]),
    );
    await store().putFile(fileOf("/keep.txt", ["kept removable"]));
    expect(await store().removeFile("c", "/f.jsonl")).toBe(2);
    expect(await store().stats()).toMatchObject({ files: 1, documents: 1, chunks: 1 });
    expect((await bm25("removable")).map((hit) => hit.document.source)).toEqual(["/keep.txt"]);
    expect(await store().removeFile("c", "/f.jsonl")).toBe(0);
    expect(await store().removeFile("missing", "/keep.txt")).toBe(0);
  });

  it("removes one document by id or by source, and forgets a file left with none", async () => {
    await store().putFile(
      filesDocuments("/f.jsonl", [documentOf("/f.jsonl#1", ["one"]), documentOf("/f.jsonl#2", ["two"])]),
    );
    const first = (await store().getDocument("/f.jsonl#1"))?.id as string;
    expect(await store().removeDocument("c", first)).toBe(true);
    expect(await store().getDocument(first)).toBeUndefined();
    expect(await store().getFile("c", "/f.jsonl")).toBeDefined();
    expect(await store().removeDocument("other", "/f.jsonl#2")).toBe(false);
    const secondId = (await store().getDocument("/f.jsonl#2"))?.id as string;
    expect(await store().removeDocument("other", secondId)).toBe(false);
    expect(await store().removeDocument("c", "/f.jsonl#2")).toBe(true);
    expect(await store().getFile("c", "/f.jsonl")).toBeUndefined();
    expect(await store().removeDocument("c", "/f.jsonl#2")).toBe(false);
    expect(await store().stats()).toMatchObject({ files: 0, documents: 0, chunks: 0 });
    // Forgotten, so ingesting the same file again adds it back.
    const again = await store().putFile(
      filesDocuments("/f.jsonl", [documentOf("/f.jsonl#1", ["one"]), documentOf("/f.jsonl#2", ["two"])]),
    );
    expect(again).toMatchObject({ added: 2, unchanged: 0 });
  });

  it("keeps documents of the same source in two collections apart", async () => {
    await store().putFile(fileOf("/a.txt", ["shared words"], { collection: "one" }));
    await store().putFile(fileOf("/a.txt", ["shared words"], { collection: "two" }));
    const one = await store().getDocument("/a.txt", "one");
    const two = await store().getDocument("/a.txt", "two");
    expect(one?.id).not.toBe(two?.id);
    expect(await store().removeFile("one", "/a.txt")).toBe(1);
    expect(await store().getDocument("/a.txt", "two")).toEqual(two);
  });

  it("counts collections, files, documents, chunks and text bytes, and says how it ranks", async () => {
    await store().putFile(fileOf("/a.txt", ["Café", "naïve"]));
    await store().putFile(fileOf("/b.txt", ["plain"], { collection: "other" }));
    const stats = await store().stats();
    expect(stats).toMatchObject({
      collections: 2,
      files: 2,
      documents: 2,
      chunks: 3,
      textBytes: Buffer.byteLength("Café\nnaïve") + Buffer.byteLength("plain"),
    });
    expect(stats.databaseBytes).toBeGreaterThan(0);
    expect(stats.bm25Ranking).toMatch(/\S/u);
  });

  it("is writable when opened so", () => {
    expect(store().readOnly).toBe(false);
  });
}
