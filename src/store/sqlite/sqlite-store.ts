// The embedded store: SQLite through better-sqlite3, WAL, FTS5 for BM25. The only place that writes SQL.
// This factory opens the database and composes the store from its parts, one file per concern:
// collections, documents, BM25 search, jobs, the ledger, API keys and vector spaces, all writing
// through one writer whose transactions take the write lock when they begin. Reads apply the caller's
// access inside their queries (access-filter.ts).
import type { Access } from "../../core/access.js";
import { type Logger, noopLogger } from "../../core/logger.js";
import type { Store, StoreStats } from "../store.js";
import { collectionCondition, groupCondition, readsEverything } from "./access-filter.js";
import { type AnnOptions, checkAnnOptions, createAnnIndexes } from "./ann-index.js";
import { createApiKeyStore } from "./api-keys.js";
import { createBm25Search } from "./bm25-search.js";
import { createCollections } from "./collections.js";
import { createDocumentStore } from "./documents.js";
import { createJobStore, markAbandonedJobs } from "./jobs.js";
import { createLedger } from "./ledger.js";
import { openDatabase } from "./open-database.js";
import type { Bm25Ranking } from "./ranking-kind.js";
import { asyncStore, type Synchronous, storeError } from "./store-errors.js";
import { createSqliteVectorIndex } from "./vector-index.js";
import { createWriter } from "./writer.js";

export type { AnnOptions, Bm25Ranking };

export interface SqliteStoreOptions {
  /** Database file path, or `:memory:`. */
  path: string;
  /**
   * How long a write waits for another process's write lock, in ms (default 10 000). Writers hold it
   * for one file or one answer at a time, so many processes can share a data dir.
   */
  busyTimeoutMs?: number;
  /** BM25 weight of the title/heading column relative to the body. */
  titleWeight?: number;
  /**
   * BM25 ranking function: `auto` (default) uses Verity's native verity_bm25() when it was built at
   * install and FTS5's bm25() otherwise; both give the same scores, bm25() slower on large indexes.
   */
  ranking?: Bm25Ranking | "auto";
  /**
   * Open read-only: questions, listings and stats work, and every write throws E_STORE. Default:
   * read-only exactly when the database file or its folder is not writable (read-only storage, a
   * shared index); `false` opens read-write regardless (and then fails on the first write there).
   */
  readOnly?: boolean;
  /**
   * HNSW indexes for large embedding spaces, kept in `vector-indexes/` beside the database file and
   * rebuilt from it whenever missing, damaged or stale (see ann-index.ts). Queries through one are
   * approximate and say so (`VectorHit.method`). Not for in-memory or read-only stores.
   */
  vectorIndex?: AnnOptions;
  /** Where background index builds report (default: nowhere). */
  logger?: Logger;
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  // Checked before the database is opened, so a wrong option leaves nothing open.
  const vectorIndex = checkAnnOptions(options.vectorIndex ?? {});
  const { db, ranking, readOnlyReason } = openDatabase({
    path: options.path,
    busyTimeoutMs,
    readOnly: options.readOnly,
    ranking: options.ranking ?? "auto",
  });
  const errorContext = { path: options.path, busyTimeoutMs, readOnlyReason };
  const writer = createWriter(
    db,
    readOnlyReason === undefined ? undefined : { path: options.path, reason: readOnlyReason },
  );
  try {
    markAbandonedJobs(db, writer, now);
  } catch (error) {
    db.close();
    throw storeError(error, errorContext);
  }

  let changes = 0;
  const collections = createCollections(db, writer, now);
  const search = createBm25Search({
    db,
    ranking,
    titleWeight: options.titleWeight ?? 1,
    collections,
    changes: () => changes,
  });
  const ann = createAnnIndexes({
    db,
    writer,
    databasePath: options.path,
    busyTimeoutMs,
    logger: options.logger ?? noopLogger,
    options: vectorIndex,
  });
  const vectors = createSqliteVectorIndex({
    db,
    writer,
    ann,
    collectionId: (name, create) => (create ? collections.findOrCreate(name).id : collections.find(name)?.id),
    hydrate: search.hydrate,
    now,
  });
  const { dropSpacesOf, ...vectorStore } = vectors;
  const deleteCollection = db.prepare("DELETE FROM collections WHERE name = ?");
  const countIn = db.prepare<[string], { files: number; documents: number }>(
    `SELECT (SELECT count(*) FROM files f WHERE f.collection_id = c.id) AS files,
       (SELECT count(*) FROM documents d WHERE d.collection_id = c.id) AS documents
     FROM collections c WHERE c.name = ?`,
  );
  const removeCollection = writer.transaction((name: string) => {
    changes++;
    const counts = countIn.get(name);
    if (!counts) return undefined;
    // Vector tables are not rows the collection owns: drop them first, then the rows cascade.
    dropSpacesOf(name);
    deleteCollection.run(name);
    return counts;
  });

  const count = (sql: string) => (db.prepare<[], { n: number }>(sql).get() as { n: number }).n;
  type Counts = Omit<StoreStats, "databaseBytes" | "bm25Ranking">;
  /**
   * Counts over what `access` may read: collections, files (every document of which it may read),
   * documents, chunks and text bytes.
   */
  function readableCounts(access: Access): Counts {
    const collection = collectionCondition(access, "c.name") ?? { sql: "1", parameters: [] };
    const ofDocument = (documentId: string) =>
      groupCondition(access, documentId) ?? { sql: "1", parameters: [] };
    const fileDocuments = ofDocument("d.id");
    const measures = [
      {
        name: "files",
        value: "count(*)",
        from: "files f",
        alias: "f",
        where: {
          sql: `NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id AND NOT ${fileDocuments.sql})`,
          parameters: fileDocuments.parameters,
        },
      },
      { name: "documents", value: "count(*)", from: "documents d", alias: "d", where: ofDocument("d.id") },
      { name: "chunks", value: "count(*)", from: "chunks k", alias: "k", where: ofDocument("k.document_id") },
      {
        name: "textBytes",
        value: "coalesce(sum(length(CAST(d.text AS BLOB))), 0)",
        from: "documents d",
        alias: "d",
        where: ofDocument("d.id"),
      },
    ] as const;
    const counts: Counts = {
      collections: (
        db
          .prepare<unknown[], { n: number }>(
            `SELECT count(*) AS n FROM collections c WHERE ${collection.sql}`,
          )
          .get(...collection.parameters) as { n: number }
      ).n,
      files: 0,
      documents: 0,
      chunks: 0,
      textBytes: 0,
    };
    for (const measure of measures) {
      const row = db
        .prepare<unknown[], { n: number }>(
          `SELECT ${measure.value} AS n FROM ${measure.from} JOIN collections c ON c.id = ${measure.alias}.collection_id
           WHERE ${collection.sql} AND ${measure.where.sql}`,
        )
        .get(...collection.parameters, ...measure.where.parameters) as { n: number };
      counts[measure.name] = row.n;
    }
    return counts;
  }

  const store: Synchronous<Store> = {
    readOnly: writer.readOnly,
    ...vectorStore,
    ...createLedger(db, writer),
    ...createApiKeyStore(db, writer, now),
    ...createDocumentStore({ db, writer, collections, now, changed: () => changes++ }),
    ...createJobStore(db, writer, now),
    searchBm25: search.searchBm25,
    termStatistics: search.termStatistics,

    listCollections: (access) => collections.list(access),
    hasCollection: (name) => collections.find(name) !== undefined,
    removeCollection: (name) => removeCollection(name),
    createCollection: (name, settings) => collections.create(name, settings),
    collectionSettings(name) {
      const row = collections.find(name);
      return row ? { tokenizer: row.tokenizer } : undefined;
    },

    stats(access): StoreStats {
      if (access !== undefined && !readsEverything(access)) {
        return { ...readableCounts(access), databaseBytes: 0, bm25Ranking: ranking };
      }
      const pageCount = db.pragma("page_count", { simple: true }) as number;
      const pageSize = db.pragma("page_size", { simple: true }) as number;
      return {
        collections: count("SELECT count(*) AS n FROM collections"),
        files: count("SELECT count(*) AS n FROM files"),
        documents: count("SELECT count(*) AS n FROM documents"),
        chunks: count("SELECT count(*) AS n FROM chunks"),
        textBytes: count("SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) AS n FROM documents"),
        databaseBytes: pageCount * pageSize,
        bm25Ranking: ranking,
      };
    },

    close() {
      ann.close();
      if (db.open) db.close();
    },
  };
  return asyncStore<Store>(store, errorContext);
}

function now(): string {
  return new Date().toISOString();
}
