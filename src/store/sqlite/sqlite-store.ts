// The embedded store: SQLite through better-sqlite3, WAL, FTS5 for BM25. The only place that writes SQL.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import type { Collection } from "../../core/document.js";
import { VerityError } from "../../core/errors.js";
import type {
  Bm25Hit,
  Bm25Query,
  Job,
  NewDocument,
  PutFileInput,
  PutFileResult,
  Store,
  StoreStats,
  TermStatistics,
} from "../store.js";
import { everyChunk, type FtsQuery, ftsQuery, loadRanking, phraseFrequencies } from "./bm25-ranking.js";
import { createLedger } from "./ledger.js";
import { migrate } from "./migrations.js";
import {
  type Bm25Row,
  type ChunkRow,
  type DocumentRow,
  type JobRow,
  rowToChunk,
  rowToDocument,
  rowToFile,
  type SourceFileRow,
} from "./rows.js";
import { createSqliteVectorIndex } from "./vector-index.js";

/** How BM25 is scored: Verity's native `verity_bm25()` or FTS5's built-in `bm25()` (same scores). */
export type Bm25Ranking = "verity_bm25" | "bm25";

export interface SqliteStoreOptions {
  /** Database file path, or `:memory:`. */
  path: string;
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
  /** BM25 weight of the title/heading column relative to the body. */
  titleWeight?: number;
  /**
   * BM25 ranking function: `auto` (default) uses Verity's native verity_bm25() when it was built at
   * install and FTS5's bm25() otherwise; both give the same scores, bm25() slower on large indexes.
   */
  ranking?: Bm25Ranking | "auto";
}

const documentColumns = `
  d.id, c.name AS collection, d.source, f.path AS file, d.title, d.media_type, d.content_hash, d.size,
  d.created_at, d.updated_at, d.metadata,
  (SELECT count(*) FROM chunks k WHERE k.document_id = d.id) AS chunk_count`;

export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  let db: Database.Database;
  let ranking: Bm25Ranking;
  try {
    db = new Database(options.path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    // Vector spaces live in sqlite-vec tables, and their triggers run on every chunk delete.
    sqliteVec.load(db);
    ranking = loadRanking(db, options.ranking ?? "auto");
    migrate(db);
  } catch (error) {
    throw new VerityError(
      "E_STORE",
      `cannot open the Verity database at ${options.path}: ${(error as Error).message}. Check the path and its permissions, or pass another --data-dir.`,
      { cause: error },
    );
  }
  const titleWeight = options.titleWeight ?? 1;
  markAbandonedJobs(db);

  const statements = {
    collectionId: db.prepare<[string], { id: number }>("SELECT id FROM collections WHERE name = ?"),
    insertCollection: db.prepare("INSERT INTO collections (name, created_at) VALUES (?, ?)"),
    getFile: db.prepare<[string, string], SourceFileRow>(
      `SELECT f.*, c.name AS collection FROM files f JOIN collections c ON c.id = f.collection_id
       WHERE c.name = ? AND f.path = ?`,
    ),
    upsertFile: db.prepare(
      `INSERT INTO files (collection_id, path, content_hash, size, media_type, ingested_at)
       VALUES (@collectionId, @path, @contentHash, @size, @mediaType, @now)
       ON CONFLICT (collection_id, path) DO UPDATE SET content_hash = excluded.content_hash,
         size = excluded.size, media_type = excluded.media_type, ingested_at = excluded.ingested_at
       RETURNING id`,
    ),
    documentsOfFile: db.prepare<[number], { id: string; source: string; content_hash: string }>(
      "SELECT id, source, content_hash FROM documents WHERE file_id = ?",
    ),
    documentBySource: db.prepare<[number, string], { id: string; file_id: number; content_hash: string }>(
      "SELECT id, file_id, content_hash FROM documents WHERE collection_id = ? AND source = ?",
    ),
    deleteDocument: db.prepare("DELETE FROM documents WHERE id = ?"),
    deleteChunksOfDocument: db.prepare("DELETE FROM chunks WHERE document_id = ?"),
    insertDocument: db.prepare(
      `INSERT INTO documents (id, collection_id, file_id, source, title, media_type, content_hash, size, text,
         metadata, created_at, updated_at)
       VALUES (@id, @collectionId, @fileId, @source, @title, @mediaType, @contentHash, @size, @text, @metadata,
         @now, @now)
       ON CONFLICT (id) DO UPDATE SET file_id = excluded.file_id, title = excluded.title,
         media_type = excluded.media_type, content_hash = excluded.content_hash, size = excluded.size,
         text = excluded.text, metadata = excluded.metadata, updated_at = excluded.updated_at`,
    ),
    insertChunk: db.prepare(
      `INSERT INTO chunks (id, document_id, collection_id, ordinal, text, location)
       VALUES (@id, @documentId, @collectionId, @ordinal, @text, @location)`,
    ),
    insertFts: db.prepare("INSERT INTO chunks_fts (rowid, title, body) VALUES (?, ?, ?)"),
    deleteFile: db.prepare("DELETE FROM files WHERE id = ?"),
    chunksOfDocument: db.prepare<[string], ChunkRow>(
      "SELECT rowid, id, document_id, ordinal, text, location FROM chunks WHERE document_id = ? ORDER BY ordinal",
    ),
    documentText: db.prepare<[string], { text: string }>("SELECT text FROM documents WHERE id = ?"),
    insertJob: db.prepare(
      `INSERT INTO jobs (id, kind, collection, status, pid, started_at, summary)
       VALUES (?, ?, ?, 'running', ?, ?, ?)`,
    ),
    termFrequency: db.prepare<[string], { doc: number }>("SELECT doc FROM chunks_vocab WHERE term = ?"),
    chunkCount: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM chunks"),
    finishJob: db.prepare("UPDATE jobs SET status = ?, finished_at = ?, summary = ? WHERE id = ?"),
  };

  function collectionId(name: string, create: boolean): number | undefined {
    const row = statements.collectionId.get(name);
    if (row) return row.id;
    if (!create) return undefined;
    return Number(statements.insertCollection.run(name, now()).lastInsertRowid);
  }

  function writeDocument(
    collection: { id: number; name: string },
    fileId: number,
    document: NewDocument,
  ): { status: "added" | "replaced" | "unchanged"; chunks: number } {
    // Text and metadata: a recording transcribed again by another engine has new metadata (and new
    // times) even when the words come out the same, so its chunks are replaced.
    const contentHash = sha256(`${document.text}\u0000${JSON.stringify(document.metadata ?? {})}`);
    const existing = statements.documentBySource.get(collection.id, document.source);
    if (existing && existing.content_hash === contentHash && existing.file_id === fileId) {
      return { status: "unchanged", chunks: 0 };
    }
    const id = documentId(collection.name, document.source);
    if (existing) statements.deleteChunksOfDocument.run(existing.id);
    statements.insertDocument.run({
      id,
      collectionId: collection.id,
      fileId,
      source: document.source,
      title: document.title,
      mediaType: document.mediaType,
      contentHash,
      size: document.size,
      text: document.text,
      metadata: JSON.stringify(document.metadata ?? {}),
      now: now(),
    });
    for (const chunk of document.chunks) {
      const info = statements.insertChunk.run({
        id: chunkId(id, contentHash, chunk.ordinal),
        documentId: id,
        collectionId: collection.id,
        ordinal: chunk.ordinal,
        text: chunk.text,
        location: JSON.stringify(chunk.location),
      });
      const heading = [everyChunk, document.title, ...(chunk.location.headingPath ?? [])].join(" ");
      statements.insertFts.run(info.lastInsertRowid, heading, chunk.text);
    }
    return { status: existing ? "replaced" : "added", chunks: document.chunks.length };
  }

  let writes = 0;
  const putFileTransaction = db.transaction((input: PutFileInput): PutFileResult => {
    writes++;
    const id = collectionId(input.collection, true) as number;
    const collection = { id, name: input.collection };
    const fileRow = statements.upsertFile.get({
      collectionId: id,
      path: input.path,
      contentHash: input.contentHash,
      size: input.size,
      mediaType: input.mediaType,
      now: now(),
    }) as { id: number };
    const result: PutFileResult = { added: 0, replaced: 0, unchanged: 0, removed: 0, chunks: 0 };
    const keep = new Set<string>();
    for (const document of input.documents) {
      if (keep.has(document.source)) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `${input.path} holds two documents named ${document.source}`,
        );
      }
      keep.add(document.source);
      const written = writeDocument(collection, fileRow.id, document);
      result[written.status]++;
      result.chunks += written.chunks;
    }
    for (const old of statements.documentsOfFile.all(fileRow.id)) {
      if (!keep.has(old.source)) {
        statements.deleteDocument.run(old.id);
        result.removed++;
      }
    }
    return result;
  });

  // Counting a million rows costs milliseconds, and FTS5's vocabulary table counts a term's chunks by
  // walking its whole doclist, so both are kept until any connection writes.
  let cache = { version: -1, chunks: 0, frequencies: new Map<string, number>() };
  const maxCachedTerms = 100_000;
  function currentCache() {
    const version = (db.pragma("data_version", { simple: true }) as number) * 1e9 + writes;
    if (cache.version !== version) {
      cache = { version, chunks: statements.chunkCount.get()?.n ?? 0, frequencies: new Map() };
    }
    return cache;
  }
  const chunkCount = () => currentCache().chunks;
  /** Chunks holding an indexed (stemmed) term. */
  /** Looks terms up in one cache snapshot, so a query checks the data version once, not per term. */
  function documentFrequencies(): (term: string) => number {
    const snapshot = currentCache();
    return (term) => documentFrequency(snapshot, term);
  }
  function documentFrequency(snapshot: typeof cache, term: string): number {
    if (term === everyChunk) return snapshot.chunks;
    const { frequencies } = snapshot;
    let frequency = frequencies.get(term);
    if (frequency === undefined) {
      frequency = statements.termFrequency.get(term)?.doc ?? 0;
      if (frequencies.size >= maxCachedTerms) frequencies.clear();
      frequencies.set(term, frequency);
    }
    return frequency;
  }

  // BM25 in two steps: rank rowids in the full-text index alone (FTS5 scores every match, so nothing
  // else may run per match), then load only the winners. A join inside the ranking query made SQLite
  // fetch the chunk and document row of every match and cost 5x at 100k chunks.
  const rankedBy = (score: string, order: string) =>
    `SELECT rowid, ${score} AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY ${order} LIMIT ?`;
  const topHitsNative =
    ranking === "verity_bm25"
      ? db.prepare<[Buffer, string, number], { rowid: number; score: number }>(
          rankedBy(`verity_bm25(chunks_fts, ?, ${titleWeight}, 1.0)`, "score DESC"),
        )
      : undefined;
  const topHitsBuiltin = db.prepare<[string, number], { rowid: number; score: number }>(
    rankedBy(`-bm25(chunks_fts, ${titleWeight}, 1.0)`, `bm25(chunks_fts, ${titleWeight}, 1.0)`),
  );
  function rankChunks(query: FtsQuery, limit: number): { rowid: number; score: number }[] {
    if (!topHitsNative) return topHitsBuiltin.all(query.expression, limit);
    const frequencies = phraseFrequencies(query.phrases, documentFrequencies());
    return topHitsNative.all(frequencies, query.expression, limit);
  }

  const hydrate = db.prepare<[string, number], Omit<Bm25Row, "score">>(
    `SELECT k.rowid, k.id, k.document_id, k.ordinal, k.text, k.location, d.source, d.title, d.media_type
     FROM chunks k JOIN documents d ON d.id = k.document_id
     WHERE k.rowid IN (SELECT value FROM json_each(?)) AND k.collection_id = ?`,
  );
  const collectionCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM collections");

  /** Hits for ranked rowids that belong to `collection`, in rank order. */
  function hydrateHits(ranked: readonly { rowid: number; score: number }[], collection: number): Bm25Hit[] {
    const rows = new Map(
      hydrate.all(JSON.stringify(ranked.map((hit) => hit.rowid)), collection).map((row) => [row.rowid, row]),
    );
    const hits: Bm25Hit[] = [];
    for (const hit of ranked) {
      const row = rows.get(hit.rowid);
      if (!row) continue;
      hits.push({
        chunk: rowToChunk(row),
        document: { id: row.document_id, source: row.source, title: row.title, mediaType: row.media_type },
        score: hit.score,
      });
    }
    return hits;
  }

  const chunkOwners = db.prepare<[string, number], { rowid: number; document_id: string }>(
    `SELECT rowid, document_id FROM chunks
     WHERE rowid IN (SELECT value FROM json_each(?)) AND collection_id = ?`,
  );

  /** The first (best) ranked chunk of each document in `collection`, at most `limit` of them. */
  function bestPerDocument(
    ranked: readonly { rowid: number; score: number }[],
    collection: number,
    limit: number,
  ): { rowid: number; score: number }[] {
    const owners = new Map(
      chunkOwners
        .all(JSON.stringify(ranked.map((hit) => hit.rowid)), collection)
        .map((row) => [row.rowid, row.document_id]),
    );
    const seen = new Set<string>();
    const best: { rowid: number; score: number }[] = [];
    for (const hit of ranked) {
      const document = owners.get(hit.rowid);
      if (document === undefined || seen.has(document)) continue;
      seen.add(document);
      best.push(hit);
      if (best.length === limit) break;
    }
    return best;
  }

  function searchCollection(
    query: FtsQuery,
    collection: number,
    limit: number,
    perDocument: boolean,
  ): Bm25Hit[] {
    // The index spans every collection, and a document has several chunks: over-fetch (four times
    // when other collections exist, three chunks per wanted document) and widen until enough are left.
    const othersExist = (collectionCount.get()?.n ?? 1) > 1;
    let fetch = limit * (othersExist ? 4 : 1) * (perDocument ? 3 : 1);
    for (;;) {
      const ranked = rankChunks(query, fetch);
      const wanted = perDocument ? bestPerDocument(ranked, collection, limit) : ranked;
      const hits = hydrateHits(wanted, collection);
      if (hits.length >= limit || ranked.length < fetch) return hits.slice(0, limit);
      fetch *= perDocument ? 3 : 4;
    }
  }

  const vectors = createSqliteVectorIndex({ db, collectionId, hydrate: hydrateHits, now });

  return {
    ...vectors,
    ...createLedger(db),

    listCollections(): Collection[] {
      const rows = db
        .prepare<[], { name: string; created_at: string; documents: number; chunks: number }>(
          `SELECT c.name, c.created_at,
             (SELECT count(*) FROM documents d WHERE d.collection_id = c.id) AS documents,
             (SELECT count(*) FROM chunks k WHERE k.collection_id = c.id) AS chunks
           FROM collections c ORDER BY c.name`,
        )
        .all();
      return rows.map((row) => ({
        name: row.name,
        createdAt: row.created_at,
        documentCount: row.documents,
        chunkCount: row.chunks,
      }));
    },

    hasCollection(name) {
      return collectionId(name, false) !== undefined;
    },

    getFile(collection, path) {
      const row = statements.getFile.get(collection, path);
      return row ? rowToFile(row) : undefined;
    },

    putFile(input) {
      return putFileTransaction(input);
    },

    removeFile(collection, path) {
      writes++;
      return db.transaction(() => {
        const row = statements.getFile.get(collection, path);
        if (!row) return 0;
        const count = statements.documentsOfFile.all(row.id).length;
        statements.deleteFile.run(row.id);
        return count;
      })();
    },

    removeDocument(collection, idOrSource) {
      writes++;
      return db.transaction(() => {
        const id = collectionId(collection, false);
        if (id === undefined) return false;
        const row = db
          .prepare<[number, string, string], { id: string; file_id: number }>(
            "SELECT id, file_id FROM documents WHERE collection_id = ? AND (id = ? OR source = ?)",
          )
          .get(id, idOrSource, idOrSource);
        if (!row) return false;
        statements.deleteDocument.run(row.id);
        const remaining = statements.documentsOfFile.all(row.file_id).length;
        // A file with no documents left is forgotten, so ingesting it again adds it back.
        if (remaining === 0) statements.deleteFile.run(row.file_id);
        return true;
      })();
    },

    listDocuments(collection) {
      const where = collection === undefined ? "" : "WHERE c.name = ?";
      const rows = db
        .prepare<unknown[], DocumentRow>(
          `SELECT ${documentColumns} FROM documents d
           JOIN collections c ON c.id = d.collection_id JOIN files f ON f.id = d.file_id
           ${where} ORDER BY c.name, d.source`,
        )
        .all(...(collection === undefined ? [] : [collection]));
      return rows.map(rowToDocument);
    },

    getDocument(idOrSource, collection) {
      const row = db
        .prepare<unknown[], DocumentRow>(
          `SELECT ${documentColumns} FROM documents d
           JOIN collections c ON c.id = d.collection_id JOIN files f ON f.id = d.file_id
           WHERE (d.id = ? OR d.source = ?) ${collection === undefined ? "" : "AND c.name = ?"}
           LIMIT 1`,
        )
        .get(idOrSource, idOrSource, ...(collection === undefined ? [] : [collection]));
      return row ? rowToDocument(row) : undefined;
    },

    getDocumentText(documentId) {
      return statements.documentText.get(documentId)?.text;
    },

    getChunks(documentId) {
      return statements.chunksOfDocument.all(documentId).map(rowToChunk);
    },

    searchBm25(query: Bm25Query): Bm25Hit[] {
      const fts = ftsQuery(query.terms, query.anchors);
      if (!fts || query.limit <= 0) return [];
      const id = collectionId(query.collection, false);
      if (id === undefined) return [];
      return searchCollection(fts, id, query.limit, query.perDocument ?? false);
    },

    termStatistics(stems): TermStatistics {
      const frequencyOf = documentFrequencies();
      const frequencies = new Map<string, number>();
      for (const term of stems) frequencies.set(term, frequencyOf(term));
      return { chunks: chunkCount(), documentFrequency: frequencies };
    },

    startJob(kind, collection, summary = {}) {
      const job: Job = {
        id: randomUUID(),
        kind,
        collection,
        status: "running",
        startedAt: now(),
        finishedAt: null,
        summary,
      };
      statements.insertJob.run(job.id, kind, collection, process.pid, job.startedAt, JSON.stringify(summary));
      return job;
    },

    finishJob(id, status, summary) {
      statements.finishJob.run(status, now(), JSON.stringify(summary), id);
    },

    listJobs(limit = 20) {
      return db
        .prepare<[number], JobRow>("SELECT * FROM jobs ORDER BY started_at DESC LIMIT ?")
        .all(limit)
        .map((row) => ({
          id: row.id,
          kind: row.kind,
          collection: row.collection,
          status: row.status,
          startedAt: row.started_at,
          finishedAt: row.finished_at,
          summary: JSON.parse(row.summary) as Record<string, unknown>,
        }));
    },

    stats(): StoreStats {
      const count = (sql: string) => (db.prepare<[], { n: number }>(sql).get() as { n: number }).n;
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
      if (db.open) db.close();
    },
  };
}

/** Jobs left `running` by a process that no longer exists were interrupted (killed, crashed). */
function markAbandonedJobs(db: Database.Database): void {
  const running = db.prepare<[], { id: string; pid: number | null }>(
    "SELECT id, pid FROM jobs WHERE status = 'running'",
  );
  const mark = db.prepare("UPDATE jobs SET status = 'interrupted', finished_at = ? WHERE id = ?");
  for (const job of running.all()) {
    if (job.pid === null || !processExists(job.pid)) mark.run(now(), job.id);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function documentId(collection: string, source: string): string {
  return `doc_${sha256(`${collection}\u0000${source}`).slice(0, 20)}`;
}

function chunkId(documentIdValue: string, contentHash: string, ordinal: number): string {
  return `chk_${sha256(`${documentIdValue}\u0000${contentHash}\u0000${ordinal}`).slice(0, 20)}`;
}

function now(): string {
  return new Date().toISOString();
}
