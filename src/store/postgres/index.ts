// The Postgres store's public entry.
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
