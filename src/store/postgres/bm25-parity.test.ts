// The Postgres store's BM25 against the SQLite store's on the same documents: the same hits, in the
// same order, with the same scores, and the same index statistics, through writes that replace and
// remove chunks. Retrieval quality (nDCG@10) follows from equal scores; a small generated corpus with
// known relevant chunks checks it end to end.
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteStore } from "../sqlite/sqlite-store.js";
import type { Bm25Query, PutFileInput, Store } from "../store.js";
import { createPostgresStore } from "./index.js";

function file(
  collection: string,
  path: string,
  chunks: string[],
  title = path,
  headings: string[] = [],
): PutFileInput {
  const text = chunks.join("\n");
  return {
    collection,
    path,
    contentHash: `${path}:${text.length}:${chunks.length}`,
    size: text.length,
    mediaType: "text/plain",
    documents: [
      {
        source: path,
        title,
        mediaType: "text/plain",
        text,
        size: text.length,
        chunks: chunks.map((chunk, ordinal) => ({
          ordinal,
          text: chunk,
          location: {
            charStart: 0,
            charEnd: chunk.length,
            ...(headings.length > 0 ? { headingPath: headings } : {}),
          },
        })),
      },
    ],
  };
}

const corpus: PutFileInput[] = [
  file(
    "docs",
    "rivers.md",
    [
      "The river runs through the valley, and runners run along the river bank every morning.",
      "Flooding of the river in spring damages the bank; the town builds levees against floods.",
      "O'Neil's bakery sells bread by the river; the bread is baked before dawn.",
    ],
    "Rivers and runners",
    ["Geography", "Water"],
  ),
  file(
    "docs",
    "databases.md",
    [
      "Relational databases store rows in tables; generalizations of relational algebra describe queries.",
      "An index speeds up a query: B-trees, GIN and HNSW indexes answer different questions.",
      "Running a database on one machine is simple; replicas and sharding take it past one machine.",
    ],
    "Databases",
  ),
  file(
    "docs",
    "cafe.md",
    [
      "Le café naïve sert un résumé des crêpes; the café opens at seven.",
      "Straße and strasse are the same street.",
    ],
    "Café",
  ),
  file("docs", "short.md", ["river"], "Short"),
  file(
    "other",
    "other.md",
    ["The river in another collection counts in the statistics, never in the hits."],
    "Other",
  ),
];

const queries: Omit<Bm25Query, "collection" | "limit">[] = [
  { terms: ["river"] },
  { terms: ["river", "bank", "runners"] },
  { terms: ["running", "databases"] },
  { terms: ["river", "bread", "dawn"], anchors: ["bread"] },
  { terms: ["river", "flood"], anchors: ["flood"], perDocument: true },
  { terms: ["o'neil", "bakery"] },
  { terms: ["café", "naive", "resume"] },
  { terms: ["strasse"] },
  { terms: ["relational algebra", "queries"] },
  { terms: ["geography"] },
  { terms: ["river"], perDocument: true },
  { terms: ["!!!", "river"] },
  { terms: ["absent", "nowhere"] },
];

async function bothStores(
  titleWeight: number,
): Promise<{ sqlite: Store; postgres: Store; close(): Promise<void> }> {
  const pglite = await PGlite.create();
  const postgres = await createPostgresStore({ pglite, titleWeight });
  const sqlite = createSqliteStore({ path: ":memory:", titleWeight });
  return {
    sqlite,
    postgres,
    async close() {
      await postgres.close();
      await sqlite.close();
      await pglite.close();
    },
  };
}

async function expectSameSearch(sqlite: Store, postgres: Store, collection: string): Promise<void> {
  for (const query of queries) {
    const asked = { collection, limit: 10, ...query };
    const expected = await sqlite.searchBm25(asked);
    const actual = await postgres.searchBm25(asked);
    expect(
      actual.map((hit) => hit.chunk.id),
      JSON.stringify(query),
    ).toEqual(expected.map((hit) => hit.chunk.id));
    actual.forEach((hit, index) => {
      expect(hit.score).toBeCloseTo(expected[index]?.score as number, 12);
    });
  }
}

describe("BM25 on Postgres, against the SQLite store", () => {
  for (const titleWeight of [1, 2.5]) {
    describe(`with title weight ${titleWeight}`, () => {
      let stores: Awaited<ReturnType<typeof bothStores>>;
      beforeAll(async () => {
        stores = await bothStores(titleWeight);
        for (const input of corpus) {
          await stores.sqlite.putFile(input);
          await stores.postgres.putFile(input);
        }
      });
      afterAll(() => stores.close());

      it("finds the same chunks in the same order with the same scores", async () => {
        await expectSameSearch(stores.sqlite, stores.postgres, "docs");
      });

      it("counts the same chunks for each stemmed term", async () => {
        const stems = [
          "river",
          "run",
          "runner",
          "the",
          "cafe",
          "naiv",
          "strass",
          "absent",
          "x0verity0every0chunk",
        ];
        const expected = await stores.sqlite.termStatistics(stems);
        const actual = await stores.postgres.termStatistics(stems);
        expect(actual.chunks).toBe(expected.chunks);
        expect([...actual.documentFrequency]).toEqual([...expected.documentFrequency]);
      });
    });
  }

  // SQLite's contentless FTS5 table keeps counting deleted rows in the chunk count and average
  // length its bm25 uses (its term counts do drop them), so after a replacement the SQLite store scores
  // as if the old chunks were still there. Postgres counts what is stored: its scores equal those of
  // a SQLite store that ingested the current files afresh.
  it("keeps scores and statistics equal to a fresh index through replaced, removed and regrouped files", async () => {
    const pglite = await PGlite.create();
    const postgres = await createPostgresStore({ pglite });
    const current = new Map<string, PutFileInput>();
    const put = (input: PutFileInput) => async () => {
      current.set(`${input.collection}/${input.path}`, input);
      await postgres.putFile(input);
    };
    const changes: (() => Promise<unknown>)[] = [
      ...corpus.map(put),
      put(file("docs", "rivers.md", ["Only one river chunk is left of this file."], "Rivers")),
      async () => {
        current.delete("docs/databases.md");
        await postgres.removeFile("docs", "databases.md");
      },
      async () => {
        current.delete("docs/cafe.md");
        await postgres.removeDocument("docs", "cafe.md");
      },
      put({ ...file("docs", "short.md", ["river"], "Short"), groups: ["hr"] }),
      async () => {
        current.delete("other/other.md");
        await postgres.removeCollection("other");
      },
      put(file("docs", "new.md", ["A new river, a new bank, new runners running."], "New")),
    ];
    try {
      for (const change of changes) {
        await change();
        const sqlite = createSqliteStore({ path: ":memory:" });
        for (const input of current.values()) await sqlite.putFile(input);
        await expectSameSearch(sqlite, postgres, "docs");
        const stems = ["river", "bank", "run", "the"];
        const expected = await sqlite.termStatistics(stems);
        const actual = await postgres.termStatistics(stems);
        expect(actual.chunks).toBe(expected.chunks);
        expect([...actual.documentFrequency]).toEqual([...expected.documentFrequency]);
        await sqlite.close();
      }
    } finally {
      await postgres.close();
      await pglite.close();
    }
  });

  it("scores a cjk collection's bigrams as the SQLite store does", async () => {
    const stores = await bothStores(1);
    try {
      for (const store of [stores.sqlite, stores.postgres]) {
        await store.createCollection("zh", { tokenizer: "cjk" });
        await store.putFile(
          file("zh", "a.txt", ["北京大学在北京。东京大学在东京。", "富士山高3776メートル。"], "大学"),
        );
        await store.putFile(file("zh", "b.txt", ["北京是中国的首都, Beijing is the capital."], "北京"));
      }
      for (const terms of [
        ["北京"],
        ["北京大学"],
        ["大学", "东京"],
        ["メートル", "3776"],
        ["beijing", "capital"],
      ]) {
        const expected = await stores.sqlite.searchBm25({ collection: "zh", terms, limit: 10 });
        const actual = await stores.postgres.searchBm25({ collection: "zh", terms, limit: 10 });
        expect(
          actual.map((hit) => hit.chunk.id),
          terms.join(" "),
        ).toEqual(expected.map((hit) => hit.chunk.id));
        for (const [index, hit] of actual.entries()) {
          expect(hit.score).toBeCloseTo(expected[index]?.score as number, 12);
        }
      }
    } finally {
      await stores.close();
    }
  });

  it("gives the same nDCG@10 as the SQLite store on a generated corpus with known relevant chunks", async () => {
    const stores = await bothStores(1);
    try {
      const { files, topics } = generatedCorpus(60, 12);
      for (const input of files) {
        await stores.sqlite.putFile(input);
        await stores.postgres.putFile(input);
      }
      const ndcg = async (store: Store) => {
        let total = 0;
        for (const topic of topics) {
          const hits = await store.searchBm25({ collection: "gen", terms: topic.terms, limit: 10 });
          const gains = hits.map((hit) => (topic.relevant.has(hit.document.source) ? 1 : 0));
          const dcg = gains.reduce((sum: number, gain, rank) => sum + gain / Math.log2(rank + 2), 0);
          const ideal = [...Array(Math.min(10, topic.relevant.size))].reduce(
            (sum: number, _, rank) => sum + 1 / Math.log2(rank + 2),
            0,
          );
          total += ideal === 0 ? 0 : dcg / ideal;
        }
        return total / topics.length;
      };
      const expected = await ndcg(stores.sqlite);
      expect(expected).toBeGreaterThan(0.3);
      expect(Math.abs((await ndcg(stores.postgres)) - expected)).toBeLessThan(0.005);
    } finally {
      await stores.close();
    }
  });
});

/** Documents of common words with a few topic words each; a topic's documents are its relevant ones. */
function generatedCorpus(documents: number, topicCount: number) {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const common = "the of and a to in is was for on that with as by it from at are be this an which or".split(
    " ",
  );
  const topicWords = [...Array(topicCount)].map((_, topic) =>
    [...Array(4)].map((__, word) => `topic${String.fromCharCode(97 + topic)}${"word".repeat(1 + word)}ing`),
  );
  const files: PutFileInput[] = [];
  const topics = topicWords.map((terms) => ({ terms: terms.slice(0, 2), relevant: new Set<string>() }));
  for (let index = 0; index < documents; index++) {
    const topic = Math.floor(random() * topicCount);
    const words: string[] = [];
    for (let count = 0; count < 40 + Math.floor(random() * 80); count++) {
      const roll = random();
      words.push(
        roll < 0.12
          ? (topicWords[topic]?.[Math.floor(random() * 4)] as string)
          : roll < 0.16
            ? (topicWords[Math.floor(random() * topicCount)]?.[Math.floor(random() * 4)] as string)
            : (common[Math.floor(random() * common.length)] as string),
      );
    }
    const source = `doc${index}.txt`;
    topics[topic]?.relevant.add(source);
    files.push(
      file(
        "gen",
        source,
        [words.slice(0, 50).join(" "), words.slice(50).join(" ") || "the"],
        `Document ${index}`,
      ),
    );
  }
  return { files, topics };
}
