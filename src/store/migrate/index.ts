// Moving an embedded data dir into PostgreSQL: the one place that knows both stores' tables.
export {
  type MigrateOptions,
  type MigrationPhase,
  type MigrationProgress,
  type MigrationSummary,
  migrateToPostgres,
  type SpaceNotCopied,
} from "./migrate-to-postgres.js";
