// The name of a BM25 ranking function, apart from the code that loads it (which needs better-sqlite3's
// types), so the store's public options can name it.

/** How BM25 is scored: Verity's native `verity_bm25()` or FTS5's built-in `bm25()` (same scores). */
export type Bm25Ranking = "verity_bm25" | "bm25";
