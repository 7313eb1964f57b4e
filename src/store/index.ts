export { type Bm25Ranking, createSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
export type * from "./store.js";
export type * from "./vectors.js";
