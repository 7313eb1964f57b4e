// BM25 over FTS5: the MATCH expression built from a question's terms, and the ranking function.
// FTS5's own bm25() counts each phrase's document frequency by walking its whole doclist on every
// query, so a common term costs time in proportion to the index, however few chunks match. Verity's
// verity_bm25() (native/verity_fts5.c, compiled at install) scores identically but takes the
// frequencies from the vocabulary table; without a compiler the store falls back to bm25().
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { stem } from "../../core/terms.js";
import type { Bm25Ranking } from "./ranking-kind.js";

/**
 * A token indexed with every chunk. FTS5 has no "optional" operator, so `(anchors) AND (others OR
 * everyChunk)` is how a query requires an anchor while still scoring the other terms; the token's own
 * BM25 weight is nil because every chunk holds it.
 */
export const everyChunk = "x0verity0every0chunk";

export interface FtsQuery {
  expression: string;
  /** The expression's phrases in the order FTS5 numbers them. */
  phrases: string[];
}

/**
 * An FTS5 query: any of the terms when there are no anchors, else chunks holding an anchor, scored
 * on all terms. Each term is quoted so user text can never be FTS syntax. Undefined when no term is left.
 */
export function ftsQuery(terms: readonly string[], anchors?: readonly string[]): FtsQuery | undefined {
  const clean = (list: readonly string[]) => [
    ...new Set(list.map((term) => term.trim()).filter((term) => term.length > 0)),
  ];
  const quote = (list: readonly string[]) => list.map((term) => `"${term.replaceAll('"', '""')}"`);
  const all = clean(terms);
  if (all.length === 0) return undefined;
  const required = anchors === undefined ? all : clean(anchors).filter((term) => all.includes(term));
  const optional = all.filter((term) => !required.includes(term));
  if (required.length === 0 || optional.length === 0) {
    return { expression: quote(all).join(" OR "), phrases: all };
  }
  const phrases = [...required, ...optional, everyChunk];
  return {
    expression: `(${quote(required).join(" OR ")}) AND (${quote([...optional, everyChunk]).join(" OR ")})`,
    phrases,
  };
}

const libraryExtension = { darwin: "dylib", win32: "dll" }[process.platform as string] ?? "so";
export const rankingLibraryPath = fileURLToPath(
  new URL(`../../../build/native/verity_fts5.${libraryExtension}`, import.meta.url),
);

/** Loads verity_bm25() into the connection when it was built; says which ranking the store uses. */
export function loadRanking(
  db: Database.Database,
  wanted: Bm25Ranking | "auto",
  library = rankingLibraryPath,
): Bm25Ranking {
  if (wanted === "bm25") return "bm25";
  if (!existsSync(library)) {
    if (wanted === "auto") return "bm25";
    throw new Error(
      `the ranking function ${library} is not built; run npm run build:native (needs a C compiler)`,
    );
  }
  try {
    // SQLite derives the entry point from the file name: sqlite3_verityfts_init.
    db.loadExtension(library);
    return "verity_bm25";
  } catch (error) {
    if (wanted === "verity_bm25") throw error;
    return "bm25";
  }
}

// A single FTS5 token that the Porter stemmer maps exactly as FTS5's porter tokenizer does (checked
// on every word of the SciFact corpus); anything else is counted by the ranking function itself.
const plainToken = /^[a-z0-9]+$/;

/**
 * Each phrase's document frequency as verity_bm25() takes it: native float64s, -1 where only FTS5 can
 * tell (a phrase that tokenises into several tokens, or a non-ASCII word). `documentFrequency` takes
 * an indexed term (stemmed), or `everyChunk`.
 */
export function phraseFrequencies(
  phrases: readonly string[],
  documentFrequency: (indexedTerm: string) => number,
): Buffer {
  const frequencies = new Float64Array(phrases.length);
  phrases.forEach((phrase, index) => {
    if (phrase === everyChunk) frequencies[index] = documentFrequency(everyChunk);
    else frequencies[index] = plainToken.test(phrase) ? documentFrequency(stem(phrase)) : -1;
  });
  return Buffer.from(frequencies.buffer);
}
