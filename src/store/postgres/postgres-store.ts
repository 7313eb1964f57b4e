// The Postgres store: the same Store as the embedded SQLite one, on PostgreSQL (with pgvector when
// the server has it). This factory connects, migrates and composes the store from its parts, one
// file per concern as in sqlite/: collections, documents, BM25 search, jobs, the ledger, API keys and
// vector spaces, all on one client seam (client.ts) so a pg pool and an in-process PGlite serve alike.
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import type { Access } from "../../core/access.js";
import { VerityError } from "../../core/errors.js";
import { type Logger, noopLogger } from "../../core/logger.js";
import type { Store, StoreStats } from "../store.js";
import { collectionCondition, groupCondition, orTrue, readsEverything } from "./access-filter.js";
import { createApiKeyStore } from "./api-keys.js";
import { createBm25Search } from "./bm25-search.js";
import { IndexDelta } from "./chunk-terms.js";
import { type Client, pgliteClient, poolClient } from "./client.js";
import { createCollections } from "./collections.js";
import { createDocumentStore } from "./documents.js";
import { createJobStore, markAbandonedJobs } from "./jobs.js";
import { createLedger } from "./ledger.js";
import { migrate } from "./migrations.js";
import { type Sql, sql } from "./sql.js";
import {
  guardStoreErrors,
  redactUrl,
  type StoreErrorContext,
  storeError,
  urlPassword,
} from "./store-errors.js";
import { schemaTables } from "./tables.js";
import { createPostgresVectorIndex } from "./vector-index.js";

export interface PostgresStoreOptions {
  /** postgres://… URL; a pg.Pool is made from it (the store owns and closes it). */
  url?: string;
  /** Or an existing pg.Pool (the caller closes it). */
  pool?: Pool;
  /** Or an in-process PGlite (tests; the caller closes it). */
  pglite?: PGlite;
  /** Schema to keep Verity's tables in (default "verity"); created if missing. Lets tests share one server. */
  schema?: string;
  /** Vector storage: "float32" = vector, "halfvec", or "binary" (bit + re-rank); default float32. */
  vectorType?: "float32" | "halfvec" | "binary";
  /** BM25 title weight, as the SQLite store's titleWeight (default 1). */
  titleWeight?: number;
  logger?: Logger;
}

export type PostgresStore = Store & { readonly vectorsAvailable: boolean };

const vectorTypes = ["float32", "halfvec", "binary"] as const;

export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const given = [options.url, options.pool, options.pglite].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw new VerityError(
      "E_CONFIG",
      `the Postgres store needs exactly one of url, pool or pglite (${given === 0 ? "none was" : `${given} were`} given); pass a postgres:// URL as databaseUrl`,
      { option: "databaseUrl" },
    );
  }
  const schema = options.schema ?? "verity";
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new VerityError(
      "E_CONFIG",
      `schema must be a plain SQL name (letters, digits and _, not starting with a digit), not ${JSON.stringify(schema)}`,
      { option: "schema" },
    );
  }
  const vectorType = options.vectorType ?? "float32";
  if (!vectorTypes.includes(vectorType)) {
    throw new VerityError(
      "E_CONFIG",
      `vectorType must be one of ${vectorTypes.join(", ")}, not ${JSON.stringify(vectorType)}`,
      { option: "vectorType" },
    );
  }
  const logger = options.logger ?? noopLogger;
  const errorContext: StoreErrorContext = {
    where: options.url
      ? redactUrl(options.url)
      : options.pglite
        ? "the in-process PGlite database"
        : "the given connection pool",
    secret: options.url ? urlPassword(options.url) : undefined,
  };

  let client: Client;
  if (options.pglite) client = pgliteClient(options.pglite);
  else if (options.pool) client = poolClient(options.pool, false);
  else {
    const pg = await import("pg");
    const pool = new pg.default.Pool({ connectionString: options.url });
    // An idle client's failure (the server restarting) must not crash the process; the next query reconnects.
    pool.on("error", (error) =>
      logger.warn({ err: storeError(error, errorContext).message }, "postgres connection lost"),
    );
    client = poolClient(pool, true);
  }

  const t = schemaTables(schema);
  const now = () => new Date().toISOString();
  let vectorsMissing: string | undefined;
  let iterativeScan = false;
  try {
    const migrated = await migrate(client, schema);
    vectorsMissing = migrated.vectors ? undefined : migrated.vectorsMissing;
    if (migrated.vectors) {
      const [row] = await client.query<{ version: string }>(
        sql`SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'`,
      );
      const [major = 0, minor = 0] = (row?.version ?? "0.0").split(".").map(Number);
      iterativeScan = major > 0 || minor >= 8;
    } else {
      logger.info({ reason: vectorsMissing }, "pgvector is not available: vector search is off, BM25 works");
    }
    await markAbandonedJobs(client, t, now);
  } catch (error) {
    await client.close().catch(() => {});
    throw storeError(error, errorContext);
  }

  const collections = createCollections(client, t, now);
  const search = createBm25Search(client, t, collections, options.titleWeight ?? 1);
  const vectors = createPostgresVectorIndex({
    client,
    t,
    collections,
    vectorType,
    vectorsMissing,
    iterativeScan,
    hydrate: search.hydrate,
    now,
  });
  const { dropSpacesOf, ...vectorStore } = vectors;

  async function readableCounts(access: Access): Promise<Omit<StoreStats, "databaseBytes" | "bm25Ranking">> {
    const collection = orTrue(collectionCondition(access, sql`c.name`));
    const ofDocument = (documentId: Sql) => orTrue(groupCondition(t, access, documentId));
    const [row] = await client.query<Record<string, string | number>>(
      sql`SELECT
        (SELECT count(*) FROM ${t.collections} c WHERE ${collection}) AS collections,
        (SELECT count(*) FROM ${t.files} f JOIN ${t.collections} c ON c.id = f.collection_id WHERE ${collection}
           AND NOT EXISTS (SELECT 1 FROM ${t.documents} d WHERE d.file_id = f.id AND NOT ${ofDocument(sql`d.id`)})) AS files,
        (SELECT count(*) FROM ${t.documents} d JOIN ${t.collections} c ON c.id = d.collection_id
           WHERE ${collection} AND ${ofDocument(sql`d.id`)}) AS documents,
        (SELECT count(*) FROM ${t.chunks} k JOIN ${t.collections} c ON c.id = k.collection_id
           WHERE ${collection} AND ${ofDocument(sql`k.document_id`)}) AS chunks,
        (SELECT coalesce(sum(octet_length(d.text)), 0) FROM ${t.documents} d JOIN ${t.collections} c ON c.id = d.collection_id
           WHERE ${collection} AND ${ofDocument(sql`d.id`)}) AS text_bytes`,
    );
    return countsOf(row);
  }

  const store: PostgresStore = {
    readOnly: false,
    vectorsAvailable: vectorsMissing === undefined,
    ...vectorStore,
    ...createLedger(client, t),
    ...createApiKeyStore(client, t, now),
    ...createDocumentStore({ client, t, schema, collections, now }),
    ...createJobStore(client, t, now),
    searchBm25: search.searchBm25,
    termStatistics: search.termStatistics,

    listCollections: (access) => collections.list(access),
    hasCollection: async (name) => (await collections.find(client, name)) !== undefined,
    createCollection: (name, settings) => collections.create(name, settings),
    async collectionSettings(name) {
      const row = await collections.find(client, name);
      return row ? { tokenizer: row.tokenizer } : undefined;
    },

    async removeCollection(name) {
      return client.transaction(async (tx) => {
        // FOR UPDATE: a writer adding a file to the collection (its foreign key takes a share lock on
        // the row) waits for the removal, then finds the collection gone and makes it anew.
        const [counts] = await tx.query<{ id: number; files: string | number; documents: string | number }>(
          sql`SELECT c.id, (SELECT count(*) FROM ${t.files} f WHERE f.collection_id = c.id) AS files,
                 (SELECT count(*) FROM ${t.documents} d WHERE d.collection_id = c.id) AS documents
              FROM ${t.collections} c WHERE c.name = ${name} FOR UPDATE`,
        );
        if (!counts) return undefined;
        await dropSpacesOf(tx, name);
        const delta = new IndexDelta();
        await delta.removeChunks(tx, t, sql`k.collection_id = ${counts.id}`);
        await tx.query(sql`DELETE FROM ${t.collections} WHERE id = ${counts.id}`);
        await delta.apply(tx, t);
        return { files: Number(counts.files), documents: Number(counts.documents) };
      });
    },

    async stats(access) {
      if (access !== undefined && !readsEverything(access)) {
        return { ...(await readableCounts(access)), databaseBytes: 0, bm25Ranking: "postgres_bm25" };
      }
      const [row] = await client.query<Record<string, string | number>>(
        sql`SELECT (SELECT count(*) FROM ${t.collections}) AS collections,
                   (SELECT count(*) FROM ${t.files}) AS files,
                   (SELECT count(*) FROM ${t.documents}) AS documents,
                   (SELECT chunks FROM ${t.index_totals} WHERE id = 1) AS chunks,
                   (SELECT coalesce(sum(octet_length(text)), 0) FROM ${t.documents}) AS text_bytes,
                   pg_database_size(current_database()) AS database_bytes`,
      );
      return {
        ...countsOf(row),
        databaseBytes: Number(row?.database_bytes ?? 0),
        bm25Ranking: "postgres_bm25",
      };
    },

    close: () => client.close(),
  };
  return guardStoreErrors(store, errorContext);
}

/** The counts of a stats query's row (Postgres returns count(*) as a string). */
function countsOf(
  row: Record<string, string | number> | undefined,
): Omit<StoreStats, "databaseBytes" | "bm25Ranking"> {
  return {
    collections: Number(row?.collections ?? 0),
    files: Number(row?.files ?? 0),
    documents: Number(row?.documents ?? 0),
    chunks: Number(row?.chunks ?? 0),
    textBytes: Number(row?.text_bytes ?? 0),
  };
}
