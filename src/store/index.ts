export { type Bm25Ranking, type FtsQuery, ftsQuery } from "./sqlite/bm25-ranking.js";
export { createSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
export type * from "./store.js";
export type * from "./vectors.js";
