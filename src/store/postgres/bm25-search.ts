// BM25 in Postgres, scored exactly as the SQLite store's FTS5 index scores it (native/verity_fts5.c:
// k1 1.2, b 0.75, the title column weighted, IDF ln((N - n + 0.5) / (n + 0.5)) floored at 1e-6).
// Query terms become FTS5's phrases (one per term, in the same order); the GIN index over chunk
// tsvectors finds the candidates, each phrase's occurrences per column are counted from the
// tsvector's positions, and the chunk count, average length and term frequencies come from the
// statistics kept with every write (chunk-terms.ts), never from a scan.
import { type Access, fullAccess, mayReadCollection } from "../../core/access.js";
import type { Bm25Hit, Store, TermStatistics } from "../store.js";
import { groupCondition, orTrue } from "./access-filter.js";
import type { Client, Queryable } from "./client.js";
import type { Collections } from "./collections.js";
import { indexForm } from "./documents.js";
import { indexTerms } from "./fts5-terms.js";
import { type ChunkRow, rowToChunk } from "./rows.js";
import { sql } from "./sql.js";
import { restoredText } from "./stored-text.js";
import type { Tables } from "./tables.js";

/** The SQLite index's every-chunk token (sqlite/bm25-ranking.ts): in every chunk, weight ~0. */
const everyChunk = "x0verity0every0chunk";
const k1 = 1.2;
const b = 0.75;

export type RankedRow = { rowid: number; score: number };

export interface Bm25Search extends Pick<Store, "searchBm25" | "termStatistics"> {
  /** Hits for ranked rowids that belong to `collection` and that `access` may read, in rank order. */
  hydrate(
    db: Queryable,
    ranked: readonly RankedRow[],
    collection: number,
    access?: Access,
  ): Promise<Bm25Hit[]>;
}

interface Phrase {
  tokens: string[];
}

/** The phrases FTS5 would number for these terms (sqlite/bm25-ranking.ts `ftsQuery`), split into groups. */
export function queryPhrases(
  terms: readonly string[],
  anchors: readonly string[] | undefined,
): { required: Phrase[]; optional: Phrase[]; everyChunk: boolean } | undefined {
  const clean = (list: readonly string[]) => [
    ...new Set(list.map((term) => term.trim()).filter((term) => term.length > 0)),
  ];
  const phrase = (term: string): Phrase => ({ tokens: indexTerms(term) });
  const all = clean(terms);
  if (all.length === 0) return undefined;
  const required = anchors === undefined ? all : clean(anchors).filter((term) => all.includes(term));
  const optional = all.filter((term) => !required.includes(term));
  if (required.length === 0 || optional.length === 0) {
    return { required: all.map(phrase), optional: [], everyChunk: false };
  }
  return { required: required.map(phrase), optional: optional.map(phrase), everyChunk: true };
}

/** tsquery text for chunks holding any of the phrases (positions adjacent for several tokens). */
function anyOf(phrases: readonly Phrase[]): string {
  const quote = (token: string) => `'${token.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
  return phrases
    .filter((phrase) => phrase.tokens.length > 0)
    .map((phrase) => `(${phrase.tokens.map(quote).join(" <-> ")})`)
    .join(" | ");
}

export function createBm25Search(
  client: Client,
  t: Tables,
  collections: Collections,
  titleWeight: number,
): Bm25Search {
  async function totals(db: Queryable): Promise<{ chunks: number; terms: number }> {
    const [row] = await db.query<{ chunks: string | number; terms: string | number }>(
      sql`SELECT chunks, terms FROM ${t.index_totals} WHERE id = 1`,
    );
    return { chunks: Number(row?.chunks ?? 0), terms: Number(row?.terms ?? 0) };
  }

  async function termFrequencies(db: Queryable, terms: readonly string[]): Promise<Map<string, number>> {
    const rows = await db.query<{ term: string; chunks: string | number }>(
      sql`SELECT term, chunks FROM ${t.term_stats} WHERE term = ANY(${[...new Set(terms)]}::text[])`,
    );
    return new Map(rows.map((row) => [row.term, Number(row.chunks)]));
  }

  /** Chunks holding each phrase: kept counts for one token, the GIN index for several. */
  async function documentFrequencies(db: Queryable, phrases: readonly Phrase[]): Promise<number[]> {
    const single = await termFrequencies(
      db,
      phrases.filter((phrase) => phrase.tokens.length === 1).map((phrase) => phrase.tokens[0] as string),
    );
    const frequencies: number[] = [];
    for (const phrase of phrases) {
      if (phrase.tokens.length === 0) frequencies.push(0);
      else if (phrase.tokens.length === 1) frequencies.push(single.get(phrase.tokens[0] as string) ?? 0);
      else {
        const [row] = await db.query<{ n: string | number }>(
          sql`SELECT count(*) AS n FROM ${t.chunks} WHERE terms @@ ${anyOf([phrase])}::tsquery`,
        );
        frequencies.push(Number(row?.n ?? 0));
      }
    }
    return frequencies;
  }

  async function hydrate(
    db: Queryable,
    ranked: readonly RankedRow[],
    collection: number,
    access = fullAccess,
  ) {
    if (ranked.length === 0) return [];
    const groups = orTrue(groupCondition(t, access, sql`k.document_id`));
    const rows = await db.query<ChunkRow & { source: string; title: string; media_type: string }>(
      sql`SELECT k.rowid, k.id, k.document_id, k.ordinal, k.text, k.location, d.source, d.title, d.media_type
          FROM ${t.chunks} k JOIN ${t.documents} d ON d.id = k.document_id
          WHERE k.rowid = ANY(${ranked.map((hit) => hit.rowid)}::bigint[]) AND k.collection_id = ${collection} AND ${groups}`,
    );
    const byRowid = new Map(rows.map((row) => [Number(row.rowid), row]));
    const hits: Bm25Hit[] = [];
    for (const hit of ranked) {
      const row = byRowid.get(hit.rowid);
      if (!row) continue;
      hits.push({
        chunk: rowToChunk(row),
        document: {
          id: row.document_id,
          source: restoredText(row.source),
          title: restoredText(row.title),
          mediaType: restoredText(row.media_type),
        },
        score: hit.score,
      });
    }
    return hits;
  }

  return {
    hydrate,

    async searchBm25(query) {
      if (query.limit <= 0) return [];
      const access = query.access ?? fullAccess;
      if (!mayReadCollection(access, query.collection)) return [];
      const collection = await collections.find(client, query.collection);
      if (!collection) return [];
      const indexed = indexForm(collection);
      const groups = queryPhrases(query.terms.map(indexed), query.anchors?.map(indexed));
      if (!groups) return [];
      const candidates = anyOf(groups.required);
      if (candidates === "") return [];
      const phrases = [...groups.required, ...groups.optional];
      const [index, frequencies] = await Promise.all([totals(client), documentFrequencies(client, phrases)]);
      const rows = index.chunks;
      const averageLength = rows > 0 ? index.terms / rows : 1;
      const scored = phrases.map((phrase, number) => ({ phrase, number, hits: frequencies[number] ?? 0 }));
      const tokens = scored.flatMap(({ phrase, number }) =>
        phrase.tokens.map((token, offset) => ({ number, offset, token })),
      );
      // The every-chunk token, last of the phrases: in each title once (so its frequency is the title
      // weight) and in every chunk (so its IDF is the floor).
      const everyChunkIdf = groups.everyChunk ? 1e-6 : 0;
      const readable = orTrue(groupCondition(t, access, sql`k.document_id`));
      const queryLexemes = [...new Set(tokens.map((entry) => entry.token))];
      const norm = sql`(${k1}::float8 * (1.0::float8 - ${b}::float8 + ${b}::float8 * c.term_count::float8 / ${averageLength}::float8))`;
      const ranking = sql`
        WITH query_tokens AS (
          SELECT * FROM unnest(${tokens.map((entry) => entry.number)}::integer[], ${tokens.map((entry) => entry.offset)}::integer[],
            ${tokens.map((entry) => entry.token)}::text[]) AS q(phrase, token_offset, token)
        ), phrase_hits AS (
          SELECT * FROM unnest(${scored.map((entry) => entry.number)}::integer[],
            ${scored.map((entry) => entry.phrase.tokens.length)}::integer[], ${scored.map((entry) => entry.hits)}::float8[])
            AS p(phrase, size, hits)
        ), query_phrases AS (
          -- ln as the server's C library computes it, as SQLite's log() does.
          SELECT phrase, size, CASE WHEN idf <= 0 THEN 1e-6::float8 ELSE idf END AS idf
          FROM (SELECT phrase, size, ln((${rows}::float8 - hits + 0.5::float8) / (hits + 0.5::float8)) AS idf FROM phrase_hits) i
        ), candidates AS MATERIALIZED (
          SELECT k.rowid, k.document_id, k.term_count, k.title_positions,
            -- Only the query's terms: setweight finds them by binary search, ts_filter keeps them.
            ts_filter(setweight(k.terms, 'B', ${queryLexemes}::text[]), '{b}') AS terms
          FROM ${t.chunks} k
          WHERE k.terms @@ ${candidates}::tsquery AND k.collection_id = ${collection.id} AND ${readable}
        ), occurrences AS (
          SELECT c.rowid, q.phrase, e.position - q.token_offset AS start,
            (e.position <= c.title_positions) AS in_title
          FROM candidates c CROSS JOIN LATERAL unnest(c.terms) AS l
          JOIN query_tokens q ON q.token = l.lexeme
          CROSS JOIN LATERAL unnest(l.positions) AS e(position)
        ), instances AS (
          SELECT o.rowid, o.phrase, bool_and(o.in_title) AS in_title
          FROM occurrences o JOIN query_phrases p ON p.phrase = o.phrase
          GROUP BY o.rowid, o.phrase, o.start, p.size HAVING count(*) = p.size
        ), frequencies AS (
          SELECT rowid, phrase, sum(CASE WHEN in_title THEN ${titleWeight}::float8 ELSE 1.0::float8 END) AS f
          FROM instances GROUP BY rowid, phrase
        ), scored AS (
          SELECT c.rowid, c.document_id,
            sum(p.idf * ((fr.f * (${k1}::float8 + 1.0::float8)) / (fr.f + ${norm})) ORDER BY p.phrase)
              + ${everyChunkIdf}::float8 * ((${titleWeight}::float8 * (${k1}::float8 + 1.0::float8)) / (${titleWeight}::float8 + ${norm})) AS score
          FROM candidates c JOIN frequencies fr ON fr.rowid = c.rowid JOIN query_phrases p ON p.phrase = fr.phrase
          GROUP BY c.rowid, c.document_id, c.term_count
        )`;
      const ranked = await client.query<{ rowid: string | number; score: number }>(
        query.perDocument
          ? sql`${ranking}
            SELECT rowid, score FROM (
              SELECT DISTINCT ON (document_id) rowid, score FROM scored ORDER BY document_id, score DESC, rowid
            ) best ORDER BY score DESC, rowid LIMIT ${query.limit}`
          : sql`${ranking} SELECT rowid, score FROM scored ORDER BY score DESC, rowid LIMIT ${query.limit}`,
      );
      return hydrate(
        client,
        ranked.map((row) => ({ rowid: Number(row.rowid), score: Number(row.score) })),
        collection.id,
        access,
      );
    },

    // Counted over the whole index for every caller, as the SQLite store counts them (see there).
    async termStatistics(stems): Promise<TermStatistics> {
      const [index, found] = await Promise.all([totals(client), termFrequencies(client, stems)]);
      const documentFrequency = new Map<string, number>();
      for (const term of stems) {
        documentFrequency.set(term, term === everyChunk ? index.chunks : (found.get(term) ?? 0));
      }
      return { chunks: index.chunks, documentFrequency };
    },
  };
}
