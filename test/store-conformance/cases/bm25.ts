// BM25 search: ranking on a corpus small enough that the order is plain, stemming, titles, anchors,
// one hit per document, collections kept apart, CJK collections, and the index statistics.
import { expect, it } from "vitest";
import { tokens } from "../../../src/core/terms.js";
import type { ConformanceContext } from "../context.js";
import { documentOf, fileOf, filesDocuments, otherOnly, publicOnly, sources } from "../fixtures.js";

export function bm25Cases(context: ConformanceContext): void {
  const { store } = context;
  const search = (
    terms: string[],
    extra: { anchors?: string[]; perDocument?: boolean; limit?: number } = {},
  ) => store().searchBm25({ collection: "c", terms, limit: extra.limit ?? 10, ...extra });

  /** Six short documents, where the order of every query below is plain. */
  async function corpus(): Promise<void> {
    const texts: Record<string, string> = {
      "/rare.txt": "zebra apple orchard fence gate road",
      "/many.txt": "apple apple apple orchard fence gate",
      "/once.txt": "apple orchard fence gate road hill river",
      "/none.txt": "orchard fence gate road hill river",
      "/long.txt": "apple orchard fence gate road hill river meadow valley stream bridge tower",
      "/zonly.txt": "zebra orchard fence gate road hill",
    };
    for (const [path, text] of Object.entries(texts)) await store().putFile(fileOf(path, [text]));
  }

  it("finds the chunks holding a term, scored positive, with their chunk and document", async () => {
    await store().putFile(fileOf("/a.txt", ["Refunds are issued within 30 days of purchase."]));
    await store().putFile(fileOf("/b.txt", ["Sync runs every five minutes when online."]));
    const hits = await search(["refunds", "days"]);
    expect(sources(hits)).toEqual(["/a.txt"]);
    const [hit] = hits;
    const document = await store().getDocument("/a.txt");
    expect(hit?.score).toBeGreaterThan(0);
    expect(hit?.document).toEqual({
      id: document?.id,
      source: "/a.txt",
      title: "/a.txt",
      mediaType: "text/plain",
    });
    expect(hit?.chunk).toMatchObject({
      documentId: document?.id,
      ordinal: 0,
      text: "Refunds are issued within 30 days of purchase.",
      location: { charStart: 0, charEnd: 46 },
    });
  });

  it("ranks more occurrences above fewer, and a short chunk above a long one", async () => {
    await corpus();
    const hits = await search(["apple"]);
    expect(sources(hits)).toEqual(["/many.txt", "/rare.txt", "/once.txt", "/long.txt"]);
    const scores = hits.map((hit) => hit.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(new Set(scores).size).toBeGreaterThanOrEqual(3);
  });

  it("weighs a rare term above a common one", async () => {
    await corpus();
    expect(sources(await search(["zebra", "apple"], { limit: 2 }))).toEqual(["/rare.txt", "/zonly.txt"]);
  });

  it("with anchors, returns only chunks holding one, still scored on every term", async () => {
    await corpus();
    const hits = await search(["zebra", "apple"], { anchors: ["zebra"] });
    expect(sources(hits)).toEqual(["/rare.txt", "/zonly.txt"]);
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Number.POSITIVE_INFINITY);
  });

  it("scores every hit as the reference store does (FTS5's BM25 in SQLite), over the whole index", async () => {
    const texts: Record<string, string> = {
      "/d1.txt": "the keeper lights the lamp at dusk",
      "/d2.txt": "the lamp needs oil and a clean wick",
      "/d3.txt": "storms break over the harbour wall",
      "/d4.txt": "the keeper logs every storm in the book",
      "/d5.txt": "oil oil oil for the lamp of the lighthouse keeper",
      "/d6.txt": "a boat waits in the harbour",
      "/d7.txt": "fish market opens at dawn",
      "/d8.txt": "the wick is trimmed each morning",
    };
    for (const [path, text] of Object.entries(texts)) await store().putFile(fileOf(path, [text]));
    await store().putFile(
      filesDocuments("/guide.md", [
        documentOf("/guide.md", ["how the light turns at night", "trim the wick and refill the oil"], {
          title: "Lighthouse handbook",
          locations: [{}, { headingPath: ["Maintenance"] }],
        }),
      ]),
    );
    // Another collection's chunk counts in the index statistics, as in SQLite's one index.
    await store().putFile(
      fileOf("/o.txt", ["keeper lamp oil in another collection"], { collection: "other" }),
    );
    // Scores of SQLite's verity_bm25() and FTS5's bm25(), which agree: [source, ordinal, score].
    const reference: [string[], string[] | undefined, [string, number, number][]][] = [
      [
        ["keeper", "lamp"],
        undefined,
        [
          ["/d1.txt", 0, 1.0178311971673002],
          ["/d5.txt", 0, 0.9060353888985547],
          ["/d2.txt", 0, 0.4888107924145435],
          ["/d4.txt", 0, 0.4888107924145435],
        ],
      ],
      [
        ["oil", "wick"],
        undefined,
        [
          ["/d2.txt", 0, 1.3378742647258623],
          ["/guide.md", 1, 1.3378742647258623],
          ["/d8.txt", 0, 0.9219034062444389],
          ["/d5.txt", 0, 0.7524323377093649],
        ],
      ],
      [
        ["harbour", "storms"],
        undefined,
        [
          ["/d3.txt", 0, 2.7741183345096636],
          ["/d6.txt", 0, 1.3870591672548318],
          ["/d4.txt", 0, 1.2774671021644661],
        ],
      ],
      [
        ["lighthouse"],
        undefined,
        [
          ["/guide.md", 0, 0.9219034062444389],
          ["/guide.md", 1, 0.8490634723113188],
          ["/d5.txt", 0, 0.786890925152428],
        ],
      ],
      [
        ["keeper", "lamp", "oil"],
        ["oil"],
        [
          ["/d5.txt", 0, 1.6584686134422393],
          ["/d2.txt", 0, 0.9776225417325187],
          ["/guide.md", 1, 0.4888117493179753],
        ],
      ],
      [
        ["maintenance", "wick"],
        undefined,
        [
          ["/guide.md", 1, 2.711111571846292],
          ["/d8.txt", 0, 0.9219034062444389],
          ["/d2.txt", 0, 0.8490634723113188],
        ],
      ],
    ];
    for (const [terms, anchors, expected] of reference) {
      const hits = await search(terms, anchors ? { anchors } : {});
      const scored = hits.map((hit): [string, number, number] => [
        hit.document.source,
        hit.chunk.ordinal,
        hit.score,
      ]);
      const key = ([source, ordinal]: [string, number, number]) => `${source}#${ordinal}`;
      const byKey = (list: [string, number, number][]) =>
        [...list].sort((a, b) => key(a).localeCompare(key(b)) || a[2] - b[2]);
      expect(byKey(scored).map(key), JSON.stringify(terms)).toEqual(byKey(expected).map(key));
      for (const [index, hit] of byKey(scored).entries()) {
        expect(hit[2], `${JSON.stringify(terms)} ${key(hit)}`).toBeCloseTo(
          byKey(expected)[index]?.[2] as number,
          9,
        );
      }
      // In rank order, ties (equal to the 9th decimal) in either order.
      const falls = scored.slice(1).map((hit, index) => (scored[index]?.[2] as number) - hit[2]);
      expect(falls.every((fall) => fall > -1e-9)).toBe(true);
    }
  });

  it("stems terms so a question's word forms match the text", async () => {
    await store().putFile(fileOf("/a.txt", ["The exporter exported all notes."]));
    expect(sources(await search(["exporting"]))).toEqual(["/a.txt"]);
    expect(sources(await search(["EXPORTS"]))).toEqual(["/a.txt"]);
  });

  it("finds a chunk by a word of its document's title or its headings", async () => {
    await store().putFile(
      filesDocuments("/guide.md", [
        documentOf("/guide.md", ["the first part", "the second part"], {
          title: "Lighthouse handbook",
          locations: [{}, { headingPath: ["Maintenance"] }],
        }),
      ]),
    );
    expect((await search(["lighthouse"])).length).toBeGreaterThanOrEqual(1);
    expect((await search(["maintenance"])).map((hit) => hit.chunk.ordinal)).toEqual([1]);
  });

  it("returns each document's best chunk once with perDocument, the best chunks without", async () => {
    await store().putFile(
      fileOf("/big.txt", [
        "lantern lantern lantern wick",
        "lantern lantern oil wick",
        "lantern glass wick stand",
      ]),
    );
    await store().putFile(fileOf("/small.txt", ["a lantern on a long shelf among other things"]));
    const chunks = await search(["lantern"], { limit: 2 });
    expect(sources(chunks)).toEqual(["/big.txt", "/big.txt"]);
    expect(chunks.map((hit) => hit.chunk.ordinal)).toEqual([0, 1]);
    const documents = await search(["lantern"], { limit: 2, perDocument: true });
    expect(sources(documents)).toEqual(["/big.txt", "/small.txt"]);
    expect(documents[0]?.chunk.ordinal).toBe(0);
  });

  it("keeps collections apart, and finds a small collection's matches beside a big one's", async () => {
    for (let index = 0; index < 30; index++) {
      await store().putFile(fileOf(`/big/${index}.txt`, ["lantern lantern lantern"], { collection: "big" }));
    }
    for (let index = 0; index < 3; index++) {
      await store().putFile(
        fileOf(`/small/${index}.txt`, [`a long text that mentions a lantern once, number ${index}`]),
      );
    }
    expect(sources(await search(["lantern"], { limit: 3 })).sort()).toEqual([
      "/small/0.txt",
      "/small/1.txt",
      "/small/2.txt",
    ]);
    expect(await store().searchBm25({ collection: "big", terms: ["lantern"], limit: 100 })).toHaveLength(30);
  });

  it("indexes every word, common ones too", async () => {
    await store().putFile(fileOf("/a.txt", ["near and not or"]));
    expect(sources(await search(["not"]))).toEqual(["/a.txt"]);
    expect(sources(await search(["and", "or"]))).toEqual(["/a.txt"]);
  });

  it("finds nothing for no terms, a zero limit, an unknown collection or an absent word", async () => {
    await store().putFile(fileOf("/a.txt", ["alpha beta"]));
    expect(await search([])).toEqual([]);
    expect(await search(["", "  "])).toEqual([]);
    expect(await search(["alpha"], { limit: 0 })).toEqual([]);
    expect(await store().searchBm25({ collection: "missing", terms: ["alpha"], limit: 5 })).toEqual([]);
    expect(await search(["omega"])).toEqual([]);
  });

  it("treats hostile query text as plain terms, never as query syntax", async () => {
    await store().putFile(fileOf("/a.txt", ["near and not or"]));
    const terms = [
      "NEAR(a b)",
      '"',
      "*",
      "col:umn",
      "NOT",
      ")",
      "'; DROP TABLE chunks; --",
      "a & b | !c",
      "\\",
      "%_",
    ];
    await expect(search(terms)).resolves.toBeInstanceOf(Array);
    expect(await store().stats()).toMatchObject({ documents: 1, chunks: 1 });
    expect(sources(await search(["near"]))).toEqual(["/a.txt"]);
  });

  it("finds Chinese and Japanese words in a cjk collection, and English words too", async () => {
    await store().createCollection("cjk", { tokenizer: "cjk" });
    const put = (path: string, text: string) => store().putFile(fileOf(path, [text], { collection: "cjk" }));
    await put("/peking.md", "北京大学创办于1898年，是中国第一所国立综合性大学。");
    await put("/fuji.md", "富士山は日本で最も高い山で、標高は3776メートルです。");
    await put("/lighthouse.md", "The keeper lights the lamp at dusk.");
    const find = (question: string) =>
      store().searchBm25({ collection: "cjk", terms: tokens(question), limit: 5 });
    expect(sources(await find("北京大学"))).toEqual(["/peking.md"]);
    expect(sources(await find("富士山の標高"))[0]).toBe("/fuji.md");
    expect(sources(await find("lamp keeper"))).toEqual(["/lighthouse.md"]);
  });

  it("counts chunks and each stemmed term's chunks over the whole index", async () => {
    await store().putFile(fileOf("/a.txt", ["lantern oil", "the exporter exported"]));
    await store().putFile(fileOf("/b.txt", ["lanterns glow"], { groups: ["hr"] }));
    await store().putFile(fileOf("/c.txt", ["a lantern"], { collection: "other" }));
    const statistics = await store().termStatistics(["lantern", "export", "oil", "absent"]);
    expect(statistics.chunks).toBe(4);
    expect(Object.fromEntries(statistics.documentFrequency)).toEqual({
      lantern: 3,
      export: 1,
      oil: 1,
      absent: 0,
    });
    expect(await store().termStatistics([])).toMatchObject({ chunks: 4 });
    // Counts, never text: the same for every caller, whatever it may read.
    expect(await store().termStatistics(["lantern", "export", "oil", "absent"], publicOnly)).toEqual(
      statistics,
    );
    expect(await store().termStatistics(["lantern"], otherOnly)).toMatchObject({ chunks: 4 });
  });

  it("counts a new chunk in the statistics as soon as it is stored", async () => {
    await store().putFile(fileOf("/a.txt", ["lantern"]));
    expect((await store().termStatistics(["lantern"])).documentFrequency.get("lantern")).toBe(1);
    await store().putFile(fileOf("/b.txt", ["lantern"]));
    const statistics = await store().termStatistics(["lantern"]);
    expect(statistics.chunks).toBe(2);
    expect(statistics.documentFrequency.get("lantern")).toBe(2);
    await store().removeFile("c", "/a.txt");
    expect((await store().termStatistics(["lantern"])).documentFrequency.get("lantern")).toBe(1);
  });
}
