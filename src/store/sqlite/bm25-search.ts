// BM25 search over the full-text index: ranked chunk rowids first, then only the winners loaded
// (those of the collection, that the caller may read), with the index statistics (chunk count, term
// frequencies) cached until any connection writes.
import type Database from "better-sqlite3";
import { type Access, fullAccess, mayReadCollection } from "../../core/access.js";
import type { Bm25Hit, Store, TermStatistics } from "../store.js";
import { groupCondition } from "./access-filter.js";
import { everyChunk, type FtsQuery, ftsQuery, phraseFrequencies } from "./bm25-ranking.js";
import type { Collections } from "./collections.js";
import { indexForm } from "./documents.js";
import type { Bm25Ranking } from "./ranking-kind.js";
import { type Bm25Row, rowToChunk } from "./rows.js";
import { createStatementCache } from "./statement-cache.js";
import type { Synchronous } from "./store-errors.js";

export interface Bm25SearchContext {
  db: Database.Database;
  ranking: Bm25Ranking;
  titleWeight: number;
  collections: Collections;
  /** Counts this connection's own changes to chunks, which SQLite's data_version does not. */
  changes(): number;
}

export type RankedRow = { rowid: number; score: number };

export interface Bm25Search extends Synchronous<Pick<Store, "searchBm25" | "termStatistics">> {
  /** Hits for ranked rowids that belong to `collection` and that `access` may read, in rank order. */
  hydrate(ranked: readonly RankedRow[], collection: number, access?: Access): Bm25Hit[];
}

export function createBm25Search(context: Bm25SearchContext): Bm25Search {
  const { db, ranking, titleWeight, collections } = context;
  const prepare = createStatementCache(db);
  const termFrequency = db.prepare<[string], { doc: number }>("SELECT doc FROM chunks_vocab WHERE term = ?");
  const chunkCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM chunks");
  const collectionCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM collections");

  // Counting a million rows costs milliseconds, and FTS5's vocabulary table counts a term's chunks by
  // walking its whole doclist, so both are kept until any connection writes.
  let cache = { version: -1, chunks: 0, frequencies: new Map<string, number>() };
  const maxCachedTerms = 100_000;
  function currentCache() {
    const version = (db.pragma("data_version", { simple: true }) as number) * 1e9 + context.changes();
    if (cache.version !== version) {
      cache = { version, chunks: chunkCount.get()?.n ?? 0, frequencies: new Map() };
    }
    return cache;
  }
  /** Looks terms up in one cache snapshot, so a query checks the data version once, not per term. */
  function documentFrequencies(): (term: string) => number {
    const snapshot = currentCache();
    return (term) => documentFrequency(snapshot, term);
  }
  /** Chunks holding an indexed (stemmed) term. */
  function documentFrequency(snapshot: typeof cache, term: string): number {
    if (term === everyChunk) return snapshot.chunks;
    const { frequencies } = snapshot;
    let frequency = frequencies.get(term);
    if (frequency === undefined) {
      frequency = termFrequency.get(term)?.doc ?? 0;
      if (frequencies.size >= maxCachedTerms) frequencies.clear();
      frequencies.set(term, frequency);
    }
    return frequency;
  }

  // BM25 in two steps: rank rowids in the full-text index alone (FTS5 scores every match, so nothing
  // else may run per match), then load only the winners. A join inside the ranking query made SQLite
  // fetch the chunk and document row of every match and cost 5x at 100k chunks.
  const rankedBy = (score: string, order: string) =>
    `SELECT rowid, ${score} AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY ${order} LIMIT ?`;
  const topHitsNative =
    ranking === "verity_bm25"
      ? db.prepare<[Buffer, string, number], RankedRow>(
          rankedBy(`verity_bm25(chunks_fts, ?, ${titleWeight}, 1.0)`, "score DESC"),
        )
      : undefined;
  const topHitsBuiltin = db.prepare<[string, number], RankedRow>(
    rankedBy(`-bm25(chunks_fts, ${titleWeight}, 1.0)`, `bm25(chunks_fts, ${titleWeight}, 1.0)`),
  );
  function rankChunks(query: FtsQuery, limit: number): RankedRow[] {
    if (!topHitsNative) return topHitsBuiltin.all(query.expression, limit);
    const frequencies = phraseFrequencies(query.phrases, documentFrequencies());
    return topHitsNative.all(frequencies, query.expression, limit);
  }

  // Only the ranked chunks are checked against the caller's groups, so the check costs the same
  // however large the index is.
  function hydrate(ranked: readonly RankedRow[], collection: number, access = fullAccess): Bm25Hit[] {
    if (ranked.length === 0) return [];
    const groups = groupCondition(access, "k.document_id");
    const rows = new Map(
      prepare<unknown[], Omit<Bm25Row, "score">>(
        `SELECT k.rowid, k.id, k.document_id, k.ordinal, k.text, k.location, d.source, d.title, d.media_type
         FROM chunks k JOIN documents d ON d.id = k.document_id
         WHERE k.rowid IN (SELECT value FROM json_each(?)) AND k.collection_id = ? AND ${groups?.sql ?? "1"}`,
      )
        .all(JSON.stringify(ranked.map((hit) => hit.rowid)), collection, ...(groups?.parameters ?? []))
        .map((row) => [row.rowid, row]),
    );
    const hits: Bm25Hit[] = [];
    for (const hit of ranked) {
      const row = rows.get(hit.rowid);
      if (!row) continue;
      hits.push({
        chunk: rowToChunk(row),
        document: { id: row.document_id, source: row.source, title: row.title, mediaType: row.media_type },
        score: hit.score,
      });
    }
    return hits;
  }

  /**
   * The best `limit` ranked chunks of `collection` that `access` may read (with `perDocument`, each
   * document's best chunk only), found without reading any text: only these are hydrated.
   */
  function bestReadable(
    ranked: readonly RankedRow[],
    collection: number,
    limit: number,
    access: Access,
    perDocument: boolean,
  ): RankedRow[] {
    const groups = groupCondition(access, "k.document_id");
    const owners = new Map(
      prepare<unknown[], { rowid: number; document_id: string }>(
        `SELECT k.rowid, k.document_id FROM chunks k
         WHERE k.rowid IN (SELECT value FROM json_each(?)) AND k.collection_id = ? AND ${groups?.sql ?? "1"}`,
      )
        .all(JSON.stringify(ranked.map((hit) => hit.rowid)), collection, ...(groups?.parameters ?? []))
        .map((row) => [row.rowid, row.document_id]),
    );
    const seen = new Set<string>();
    const best: RankedRow[] = [];
    for (const hit of ranked) {
      const document = owners.get(hit.rowid);
      if (document === undefined || (perDocument && seen.has(document))) continue;
      seen.add(document);
      best.push(hit);
      if (best.length === limit) break;
    }
    return best;
  }

  function searchCollection(
    query: FtsQuery,
    collection: number,
    limit: number,
    perDocument: boolean,
    access: Access,
  ): Bm25Hit[] {
    // The index spans every collection and every access group, and a document has several chunks:
    // over-fetch (four times when other collections exist, twice when only some documents may be
    // unreadable, three chunks per wanted document) and widen until enough readable hits are left,
    // or none are.
    const othersExist = (collectionCount.get()?.n ?? 1) > 1;
    const overFetch = othersExist ? 4 : access.groups !== "*" ? 2 : 1;
    let fetch = limit * overFetch * (perDocument ? 3 : 1);
    for (;;) {
      const ranked = rankChunks(query, fetch);
      const wanted =
        perDocument || access.groups !== "*"
          ? bestReadable(ranked, collection, limit, access, perDocument)
          : ranked;
      const hits = hydrate(wanted, collection, access);
      if (hits.length >= limit || ranked.length < fetch) return hits.slice(0, limit);
      fetch *= perDocument ? 3 : 4;
    }
  }

  return {
    hydrate,

    searchBm25(query) {
      if (query.limit <= 0) return [];
      const access = query.access ?? fullAccess;
      if (!mayReadCollection(access, query.collection)) return [];
      const collection = collections.find(query.collection);
      if (!collection) return [];
      // Terms are put in the form the collection's index holds (CJK words as bigram phrases).
      const indexed = indexForm(collection);
      const fts = ftsQuery(query.terms.map(indexed), query.anchors?.map(indexed));
      if (!fts) return [];
      return searchCollection(fts, collection.id, query.limit, query.perDocument ?? false, access);
    },

    // Counted over the whole index for every caller, whatever it may read. The numbers are counts,
    // never text, and the ranking function takes the index's chunk count and average length from
    // FTS5 in any case. Counting only the chunks a caller may read walks each term's whole posting
    // list and joins every entry to its document: about 270 ms a question at 100,000 chunks, against
    // 6 ms for the search itself. What a caller can learn from them, through the scores of passages
    // it may read, is how many chunks of the whole index hold a word: never which, nor what they say.
    termStatistics(stems): TermStatistics {
      const frequencyOf = documentFrequencies();
      const frequencies = new Map<string, number>();
      for (const term of stems) frequencies.set(term, frequencyOf(term));
      return { chunks: currentCache().chunks, documentFrequency: frequencies };
    },
  };
}
