import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { queryTerms } from "../../retrieve/bm25-retriever.js";
import type { Store } from "../store.js";
import { everyChunk, ftsQuery, loadRanking, phraseFrequencies } from "./bm25-ranking.js";
import { createSqliteStore } from "./sqlite-store.js";

// A seeded corpus with a Zipf-like vocabulary, so some terms are in most chunks and some in few,
// plus words the fast path must leave to FTS5 (accents, apostrophes, other scripts, hyphens).
function corpus(documents: number): string[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const vocabulary = Array.from(
    { length: 600 },
    (_, index) => `w${index.toString(36)}ord${"xyz"[index % 3]}`,
  );
  const special = ["café", "naïve", "don't", "Ωmega", "covid-19", "Running", "connections", "2026"];
  return Array.from({ length: documents }, () => {
    const length = 5 + Math.floor(random() * 60);
    return Array.from({ length }, () =>
      random() < 0.05
        ? special[Math.floor(random() * special.length)]
        : vocabulary[Math.floor(vocabulary.length * random() ** 3)],
    ).join(" ");
  });
}

async function fill(store: Store, texts: readonly string[]): Promise<void> {
  for (const [index, text] of texts.entries()) {
    const source = `/doc-${index}.txt`;
    await store.putFile({
      collection: index % 5 === 0 ? "other" : "main",
      path: source,
      contentHash: String(index),
      size: text.length,
      mediaType: "text/plain",
      documents: [
        {
          source,
          title: `Title ${index % 7 === 0 ? "café" : "plain"}`,
          mediaType: "text/plain",
          text,
          size: text.length,
          chunks: [{ ordinal: 0, text, location: { charStart: 0, charEnd: text.length } }],
        },
      ],
    });
  }
}

describe("verity_bm25 ranking", () => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it("ranks and scores exactly as FTS5's bm25(), anchored or not, with words only FTS5 can count", async () => {
    const texts = corpus(1500);
    const native = createSqliteStore({ path: ":memory:", ranking: "verity_bm25", titleWeight: 2 });
    const builtin = createSqliteStore({ path: ":memory:", ranking: "bm25", titleWeight: 2 });
    stores.push(native, builtin);
    await fill(native, texts);
    await fill(builtin, texts);
    expect((await native.stats()).bm25Ranking).toBe("verity_bm25");
    expect((await builtin.stats()).bm25Ranking).toBe("bm25");

    let compared = 0;
    for (let index = 0; index < 60; index++) {
      const terms = queryTerms(texts[index * 23]?.split(" ").slice(0, 12).join(" ") ?? "");
      const anchorSets = [undefined, terms.slice(-2), [terms[0] ?? ""]];
      for (const anchors of anchorSets) {
        const query = { collection: "main", terms, anchors, limit: 20 };
        const expected = await builtin.searchBm25(query);
        const actual = await native.searchBm25(query);
        expect(actual.map((hit) => hit.chunk.id)).toEqual(expected.map((hit) => hit.chunk.id));
        for (const [rank, hit] of actual.entries()) {
          expect(hit.score).toBeCloseTo(expected[rank]?.score ?? Number.NaN, 9);
        }
        compared += actual.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("builds anchored expressions whose phrases are numbered as FTS5 numbers them", () => {
    expect(ftsQuery(["alpha", "beta"], ["beta"])).toEqual({
      expression: `("beta") AND ("alpha" OR "${everyChunk}")`,
      phrases: ["beta", "alpha", everyChunk],
    });
    expect(ftsQuery([" ", ""])).toBeUndefined();
    expect(ftsQuery(["a", "a", "b"])?.phrases).toEqual(["a", "b"]);
  });

  it("passes frequencies it can look up and leaves the rest (-1) for FTS5 to count", () => {
    const looked: string[] = [];
    const frequencies = phraseFrequencies(["running", "café", "don't", "42"], (term) => {
      looked.push(term);
      return 3;
    });
    expect([...new Float64Array(frequencies.buffer, frequencies.byteOffset, 4)]).toEqual([3, -1, -1, 3]);
    expect(looked).toEqual(["run", "42"]);
  });

  it("falls back to bm25() when the library is missing or unloadable, and says so when it was required", () => {
    const folder = mkdtempSync(join(tmpdir(), "verity-ranking-"));
    const db = new Database(":memory:");
    try {
      expect(loadRanking(db, "auto", join(folder, "missing.so"))).toBe("bm25");
      const corrupt = join(folder, "verity_fts5.so");
      writeFileSync(corrupt, "not a shared library");
      expect(loadRanking(db, "auto", corrupt)).toBe("bm25");
      expect(() => loadRanking(db, "verity_bm25", join(folder, "missing.so"))).toThrow(
        /npm run build:native/,
      );
      expect(loadRanking(db, "bm25")).toBe("bm25");
    } finally {
      db.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
