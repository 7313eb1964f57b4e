// The migration's target: a Postgres store (opened, and so migrated, through createPostgresStore),
// plus a client of its own for the tables the store's API does not write as-is (ids and times kept).
// The target records whose migration it is in a `migration` table, written before anything else: a
// database holding anything else is refused, and one holding this migration's partial state resumes.
import type { PGlite } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";
import { VerityError } from "../../core/errors.js";
import { type Client, pgliteClient, poolClient } from "../postgres/client.js";
import { createPostgresStore, type PostgresStore } from "../postgres/postgres-store.js";
import { identifier, raw, type Sql, sql } from "../postgres/sql.js";
import { redactUrl, type StoreErrorContext, storeError, urlPassword } from "../postgres/store-errors.js";
import { schemaTables, type Tables } from "../postgres/tables.js";

export interface TargetOptions {
  url?: string;
  pglite?: PGlite;
  schema?: string;
  vectorType?: "float32" | "halfvec" | "binary";
}

export interface Target {
  store: PostgresStore;
  client: Client;
  t: Tables;
  /** The migration's own table. */
  migration: Sql;
  schema: string;
  /** Where the target is, for messages (never with its password). */
  errorContext: StoreErrorContext;
  /** Why vectors cannot be copied, when pgvector is missing. */
  vectorsMissing: string | undefined;
  close(): Promise<void>;
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  const schema = options.schema ?? "verity";
  const errorContext: StoreErrorContext = options.url
    ? { where: redactUrl(options.url), secret: urlPassword(options.url) }
    : { where: "the in-process PGlite database" };
  // The store opens (and migrates) the database first: a wrong URL fails there, said in its words.
  const store = await createPostgresStore(
    options.pglite
      ? { pglite: options.pglite, schema, vectorType: options.vectorType }
      : { url: options.url, schema, vectorType: options.vectorType },
  );
  let client: Client;
  let lock: PoolClient | undefined;
  let pool: Pool | undefined;
  if (options.pglite) client = pgliteClient(options.pglite);
  else {
    const pg = await import("pg");
    pool = new pg.default.Pool({ connectionString: options.url, max: 3 });
    // An idle connection's failure surfaces at the next query, never as an unhandled event.
    pool.on("error", () => {});
    client = poolClient(pool, true);
  }
  const t = schemaTables(schema);
  const migration = raw(`${identifier(schema)}.${identifier("migration")}`);
  let vectorsMissing: string | undefined;
  try {
    if (pool) lock = await lockTarget(pool, schema, errorContext);
    if (!store.vectorsAvailable) vectorsMissing = await whyNoVectors(client);
  } catch (error) {
    // Closed, not returned to the pool: the session lock goes with the connection.
    lock?.release(true);
    await client.close();
    await store.close();
    throw storeError(error, errorContext);
  }
  return {
    store,
    client,
    t,
    migration,
    schema,
    errorContext,
    vectorsMissing,
    async close() {
      lock?.release(true);
      await client.close();
      await store.close();
    },
  };
}

/**
 * Holds a session lock on the target for the whole run, on a connection of its own, so a second
 * migration into the same schema at once is refused rather than racing the first batch by batch.
 */
async function lockTarget(pool: Pool, schema: string, context: StoreErrorContext): Promise<PoolClient> {
  const connection = await pool.connect();
  const { rows } = await connection.query<{ locked: boolean }>(
    "SELECT pg_try_advisory_lock(hashtext($1)) AS locked",
    [`verity-migrate-run:${schema}`],
  );
  if (rows[0]?.locked) return connection;
  connection.release(true);
  throw new VerityError(
    "E_STORE",
    `another verity migrate is copying into ${context.where} (schema "${schema}") right now; wait for it to finish (or stop it), then run this again to continue or verify`,
  );
}

async function whyNoVectors(client: Client): Promise<string> {
  const available = await client.query(sql`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  return available.length === 0
    ? "the server has no pgvector extension"
    : "pgvector is on the server but not installed in this database (CREATE EXTENSION vector needs a superuser once)";
}

/** What identifies a source: its collections and when each was made. */
export interface SourceIdentity {
  dataDir: string;
  collections: { name: string; createdAt: string }[];
}

export interface MigrationState {
  startedAt: string;
  finishedAt: string | null;
  /** Per space (`collection/space`), the last source chunk rowid whose vector was copied. */
  vectors: Record<string, number>;
}

/**
 * Claims the target for this migration, or finds its own partial state there. Refuses a target that
 * holds other data (anything at all when it has no migration record; a record of another source).
 */
export async function claimTarget(target: Target, source: SourceIdentity): Promise<MigrationState> {
  const { client, t, migration, schema } = target;
  return client.transaction(async (tx) => {
    await tx.query(sql`SELECT pg_advisory_xact_lock(hashtext(${`verity-migrate-from-sqlite:${schema}`}))`);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${identifier(schema)}.migration (
         id integer PRIMARY KEY CHECK (id = 1),
         source text NOT NULL,
         collections text NOT NULL,
         started_at text NOT NULL,
         finished_at text,
         vectors text NOT NULL DEFAULT '{}'
       )`,
    );
    const [row] = await tx.query<{
      source: string;
      collections: string;
      started_at: string;
      finished_at: string | null;
      vectors: string;
    }>(sql`SELECT source, collections, started_at, finished_at, vectors FROM ${migration} WHERE id = 1`);
    const where = `${target.errorContext.where} (schema "${schema}")`;
    const targetCollections = (
      await tx.query<{ name: string }>(sql`SELECT name FROM ${t.collections} ORDER BY name COLLATE "C"`)
    ).map((collection) => collection.name);
    if (row) {
      const recorded = JSON.parse(row.collections) as SourceIdentity["collections"];
      const current = new Map(
        source.collections.map((collection) => [collection.name, collection.createdAt]),
      );
      const same = recorded.every((collection) => current.get(collection.name) === collection.createdAt);
      if (!same) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `${where} holds a migration from another data dir (${row.source}, collections ${recorded.map((collection) => collection.name).join(", ") || "none"}), not from ${source.dataDir}; migrate into an empty database or another schema`,
          { option: "to" },
        );
      }
      const foreign = targetCollections.filter((name) => !current.has(name));
      if (foreign.length > 0) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `${where} holds collections that ${source.dataDir} does not (${foreign.join(", ")}), added after the migration began; migrate into an empty database or another schema`,
          { option: "to" },
        );
      }
      return {
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        vectors: JSON.parse(row.vectors) as Record<string, number>,
      };
    }
    const [held] = await tx.query<Record<string, string | number>>(
      sql`SELECT (SELECT count(*) FROM ${t.collections}) AS collections, (SELECT count(*) FROM ${t.documents}) AS documents,
                 (SELECT count(*) FROM ${t.answers}) AS answers, (SELECT count(*) FROM ${t.api_keys}) AS api_keys,
                 (SELECT count(*) FROM ${t.jobs}) AS jobs`,
    );
    const nonEmpty = Object.entries(held ?? {}).filter(([, count]) => Number(count) > 0);
    if (nonEmpty.length > 0) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `${where} already holds Verity data (${nonEmpty.map(([table, count]) => `${count} ${table.replace("_", " ")}`).join(", ")}${targetCollections.length > 0 ? `; collections ${targetCollections.join(", ")}` : ""}) that is not from a migration of ${source.dataDir}; migrate into an empty database, or choose another schema`,
        { option: "to" },
      );
    }
    const startedAt = new Date().toISOString();
    await tx.query(
      sql`INSERT INTO ${migration} (id, source, collections, started_at) VALUES (1, ${source.dataDir},
            ${JSON.stringify(source.collections)}, ${startedAt})`,
    );
    return { startedAt, finishedAt: null, vectors: {} };
  });
}

export async function recordVectorProgress(target: Target, space: string, rowid: number): Promise<void> {
  await target.client.query(
    sql`UPDATE ${target.migration} SET vectors = (vectors::jsonb || jsonb_build_object(${space}::text, ${rowid}::bigint))::text
        WHERE id = 1`,
  );
}

/** Forgets how far the spaces `keys` were copied, so their vectors are all put again. */
export async function resetVectorProgress(target: Target, keys: readonly string[]): Promise<void> {
  await target.client.query(
    sql`UPDATE ${target.migration} SET vectors = (vectors::jsonb - ${[...keys]}::text[])::text WHERE id = 1`,
  );
}

export async function recordFinished(target: Target): Promise<string> {
  const finishedAt = new Date().toISOString();
  await target.client.query(sql`UPDATE ${target.migration} SET finished_at = ${finishedAt} WHERE id = 1`);
  return finishedAt;
}
