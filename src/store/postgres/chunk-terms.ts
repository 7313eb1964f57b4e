// A chunk's index terms as Postgres keeps them, mirroring the SQLite store's FTS5 row of two
// columns (title: the document title and heading path; body: the chunk text): a tsvector with each
// term's positions (the title's first, weighted A, then the body's) and the row's length in terms.
// Title and body positions are one apart, so no phrase matches across them (FTS5 phrases stay inside
// a column), and the title's last position tells the columns apart.
// The chunk count, term count and per-term chunk counts that BM25 needs are kept in step through
// `IndexDelta`, applied once at the end of each write transaction.
import type { Queryable } from "./client.js";
import { indexTerms } from "./fts5-terms.js";
import { type Sql, sql } from "./sql.js";
import type { Tables } from "./tables.js";

/** Postgres refuses longer lexemes; FTS5 would index them, and none occurs in ordinary text. */
const maxLexemeBytes = 2046;

export interface ChunkTerms {
  /** tsvector input text. */
  vector: string;
  /** Terms of title and body, with the SQLite index's every-chunk token. */
  count: number;
  /** Positions up to this one are the title's (the body's start two later). */
  titlePositions: number;
  /** The distinct terms, as the tsvector holds them. */
  distinct: string[];
}

function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

export function chunkTerms(title: string, body: string): ChunkTerms {
  const titleTerms = indexTerms(title);
  const bodyTerms = indexTerms(body);
  const positions = new Map<string, string[]>();
  const add = (term: string, position: number, weight: string) => {
    if (Buffer.byteLength(term) > maxLexemeBytes) return;
    const list = positions.get(term);
    const entry = `${Math.min(position, 16383)}${weight}`;
    if (list) list.push(entry);
    else positions.set(term, [entry]);
  };
  titleTerms.forEach((term, index) => {
    add(term, index + 1, "A");
  });
  bodyTerms.forEach((term, index) => {
    add(term, titleTerms.length + 2 + index, "");
  });
  const vector = [...positions].map(([term, list]) => `${quoteLexeme(term)}:${list.join(",")}`).join(" ");
  // The SQLite index's title column also holds one every-chunk token (bm25-ranking.ts).
  return {
    vector,
    count: titleTerms.length + bodyTerms.length + 1,
    titlePositions: titleTerms.length,
    distinct: [...positions.keys()],
  };
}

/** Changes to the index statistics made by one transaction. */
export class IndexDelta {
  readonly terms = new Map<string, number>();
  chunks = 0;
  termCount = 0;

  added(chunk: ChunkTerms): void {
    this.chunks++;
    this.termCount += chunk.count;
    for (const term of chunk.distinct) this.terms.set(term, (this.terms.get(term) ?? 0) + 1);
  }

  /** Deletes chunks matching `where` (a condition on `k`), counting what they held. Returns how many. */
  async removeChunks(tx: Queryable, t: Tables, where: Sql): Promise<number> {
    const rows = await tx.query<{ term: string | null; n: number | string; terms: number | string | null }>(
      sql`WITH gone AS (DELETE FROM ${t.chunks} k WHERE ${where} RETURNING k.terms, k.term_count)
          SELECT l.term, count(*) AS n, NULL::bigint AS terms FROM gone, unnest(tsvector_to_array(gone.terms)) AS l(term)
          GROUP BY l.term
          UNION ALL SELECT NULL, count(*), coalesce(sum(term_count), 0) FROM gone`,
    );
    let removed = 0;
    for (const row of rows) {
      if (row.term === null) {
        removed = Number(row.n);
        this.chunks -= removed;
        this.termCount -= Number(row.terms);
      } else this.terms.set(row.term, (this.terms.get(row.term) ?? 0) - Number(row.n));
    }
    return removed;
  }

  /**
   * Writes the changes. Rows are locked in term order and the totals last, at the very end of the
   * transaction, so concurrent writers never wait on each other in a cycle and hold the shared rows
   * only briefly.
   */
  async apply(tx: Queryable, t: Tables): Promise<void> {
    const changed = [...this.terms]
      .filter(([, n]) => n !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (changed.length > 0) {
      await tx.query(
        sql`INSERT INTO ${t.term_stats} AS s (term, chunks)
            SELECT term, n FROM unnest(${changed.map(([term]) => term)}::text[], ${changed.map(([, n]) => n)}::bigint[]) AS d(term, n)
            ORDER BY term COLLATE "C"
            ON CONFLICT (term) DO UPDATE SET chunks = s.chunks + excluded.chunks`,
      );
    }
    if (this.chunks !== 0 || this.termCount !== 0) {
      await tx.query(
        sql`UPDATE ${t.index_totals} SET chunks = chunks + ${this.chunks}, terms = terms + ${this.termCount} WHERE id = 1`,
      );
    }
    this.terms.clear();
    this.chunks = 0;
    this.termCount = 0;
  }
}
