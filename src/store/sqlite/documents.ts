// Files, documents and chunks in SQLite: each file stored or removed in one write transaction, its
// chunks indexed for BM25 with the collection's tokenizer, its documents given their access groups.
// Reads take the caller's access and filter inside their queries.

import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { type Access, fullAccess } from "../../core/access.js";
import { accessGroups } from "../../core/document.js";
import { cjkIndexText } from "../../core/terms.js";
import { putFileTally, type WrittenDocument } from "../put-file-tally.js";
import type { DocumentMethods, NewDocument, PutFileInput, PutFileResult, Store } from "../store.js";
import {
  collectionCondition,
  documentCondition,
  groupCondition,
  readsEverything,
  type SqlCondition,
} from "./access-filter.js";
import { everyChunk } from "./bm25-ranking.js";
import type { CollectionRow, Collections } from "./collections.js";
import {
  type ChunkRow,
  type DocumentRow,
  rowToChunk,
  rowToDocument,
  rowToFile,
  type SourceFileRow,
} from "./rows.js";
import { createStatementCache } from "./statement-cache.js";
import type { Synchronous } from "./store-errors.js";
import type { Writer } from "./writer.js";

export type DocumentStore = Synchronous<Pick<Store, DocumentMethods>>;

export interface DocumentContext {
  db: Database.Database;
  writer: Writer;
  collections: Collections;
  now(): string;
  /** Called on every change to chunks, so caches of index statistics are dropped. */
  changed(): void;
}

const documentColumns = `
  d.id, c.name AS collection, d.source, f.path AS file, d.title, d.media_type, d.content_hash, d.size,
  d.created_at, d.updated_at, d.metadata,
  (SELECT count(*) FROM chunks k WHERE k.document_id = d.id) AS chunk_count,
  (SELECT json_group_array(g.group_name) FROM document_groups g WHERE g.document_id = d.id) AS groups`;

/** The condition that the collection `c` of the file `f`, and every document of the file, may be read. */
function fileCondition(access: Access): SqlCondition {
  const parts: SqlCondition[] = [];
  const collection = collectionCondition(access, "c.name");
  if (collection) parts.push(collection);
  const groups = groupCondition(access, "d.id");
  if (groups) {
    parts.push({
      sql: `NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id AND NOT ${groups.sql})`,
      parameters: groups.parameters,
    });
  }
  return {
    sql: parts.length === 0 ? "1" : parts.map((part) => part.sql).join(" AND "),
    parameters: parts.flatMap((part) => part.parameters),
  };
}

/** The text a collection's full-text index is given: CJK runs as bigrams in `cjk` collections. */
export function indexForm(collection: Pick<CollectionRow, "tokenizer">): (text: string) => string {
  return collection.tokenizer === "cjk" ? cjkIndexText : (text) => text;
}

export function createDocumentStore(context: DocumentContext): DocumentStore {
  const { db, writer, collections, now, changed } = context;
  const prepare = createStatementCache(db);
  const statements = {
    getFile: db.prepare<[string, string], SourceFileRow>(
      `SELECT f.*, c.name AS collection FROM files f JOIN collections c ON c.id = f.collection_id
       WHERE c.name = ? AND f.path = ?`,
    ),
    groupsOf: db.prepare<[string], { group_name: string }>(
      "SELECT group_name FROM document_groups WHERE document_id = ? ORDER BY group_name",
    ),
    clearGroups: db.prepare("DELETE FROM document_groups WHERE document_id = ?"),
    addGroup: db.prepare("INSERT INTO document_groups (document_id, group_name) VALUES (?, ?)"),
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
    documentByIdOrSource: db.prepare<[number, string, string], { id: string; file_id: number }>(
      "SELECT id, file_id FROM documents WHERE collection_id = ? AND (id = ? OR source = ?)",
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
  };

  /** Whether a document has exactly `groups` (sorted, distinct). */
  function hasGroups(documentId: string, groups: readonly string[]): boolean {
    const current = statements.groupsOf.all(documentId).map((row) => row.group_name);
    return current.length === groups.length && current.every((group, index) => group === groups[index]);
  }

  /** Gives a document exactly `groups` (sorted, distinct); true when they changed. */
  function setDocumentGroups(documentId: string, groups: readonly string[]): boolean {
    if (hasGroups(documentId, groups)) return false;
    statements.clearGroups.run(documentId);
    for (const group of groups) statements.addGroup.run(documentId, group);
    return true;
  }

  function writeDocument(
    collection: CollectionRow,
    fileId: number,
    document: NewDocument,
    groups: readonly string[],
  ): WrittenDocument {
    // Text and metadata: a recording transcribed again by another engine has new metadata (and new
    // times) even when the words come out the same, so its chunks are replaced.
    const contentHash = sha256(`${document.text}\u0000${JSON.stringify(document.metadata ?? {})}`);
    const existing = statements.documentBySource.get(collection.id, document.source);
    if (existing && existing.content_hash === contentHash && existing.file_id === fileId) {
      return { status: "unchanged", chunks: 0, regrouped: setDocumentGroups(existing.id, groups) };
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
    const indexed = indexForm(collection);
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
      statements.insertFts.run(info.lastInsertRowid, indexed(heading), indexed(chunk.text));
    }
    // A new document has no groups yet (its rows go with a deleted document), so only a replaced one is read.
    if (existing || groups.length > 0) setDocumentGroups(id, groups);
    return { status: existing ? "replaced" : "added", chunks: document.chunks.length, regrouped: false };
  }

  // One transaction per file, never per ingestion: a long ingestion lets other processes' writes
  // (an answer's ledger entry) in between its files.
  const storeFile = writer.transaction((input: PutFileInput, groups: readonly string[]): PutFileResult => {
    changed();
    const collection = collections.findOrCreate(input.collection);
    const fileRow = statements.upsertFile.get({
      collectionId: collection.id,
      path: input.path,
      contentHash: input.contentHash,
      size: input.size,
      mediaType: input.mediaType,
      now: now(),
    }) as { id: number };
    const tally = putFileTally(input.path);
    for (const document of input.documents) {
      tally.claim(document.source);
      tally.count(writeDocument(collection, fileRow.id, document, groups));
    }
    const { result } = tally;
    for (const old of statements.documentsOfFile.all(fileRow.id)) {
      if (!tally.keeps(old.source)) {
        statements.deleteDocument.run(old.id);
        result.removed++;
      }
    }
    return result;
  });

  const regroupFile = writer.transaction((collection: string, path: string, groups: readonly string[]) => {
    const file = statements.getFile.get(collection, path);
    if (!file) return 0;
    let regrouped = 0;
    for (const document of statements.documentsOfFile.all(file.id)) {
      if (setDocumentGroups(document.id, groups)) regrouped++;
    }
    return regrouped;
  });

  /** Whether every document of the file already has exactly `groups`, read without the write lock. */
  function fileHasGroups(collection: string, path: string, groups: readonly string[]): boolean {
    const file = statements.getFile.get(collection, path);
    if (!file) return true;
    return statements.documentsOfFile.all(file.id).every((document) => hasGroups(document.id, groups));
  }

  const removeFile = writer.transaction((collection: string, path: string, access?: Access): number => {
    changed();
    const row = statements.getFile.get(collection, path);
    if (!row) return 0;
    if (!readsEverything(access) && readableFiles(collection, path, access).length === 0) return 0;
    const count = statements.documentsOfFile.all(row.id).length;
    statements.deleteFile.run(row.id);
    return count;
  });

  const removeDocument = writer.transaction(
    (collection: string, idOrSource: string, access?: Access): boolean => {
      changed();
      const id = collections.find(collection)?.id;
      if (id === undefined) return false;
      const row = statements.documentByIdOrSource.get(id, idOrSource, idOrSource);
      if (!row) return false;
      if (!readsEverything(access)) {
        const where = { sql: "d.id = ?", parameters: [row.id] };
        if (readableDocuments(where, access, 1).length === 0) return false;
      }
      statements.deleteDocument.run(row.id);
      const remaining = statements.documentsOfFile.all(row.file_id).length;
      // A file with no documents left is forgotten, so ingesting it again adds it back.
      if (remaining === 0) statements.deleteFile.run(row.file_id);
      return true;
    },
  );

  /** The condition that the document `d` of the collection `c` may be read. */
  const readable = (access: Access | undefined) =>
    documentCondition(access, { documentId: "d.id", collectionName: "c.name" });

  /** Files of the collection (one, or all by path) the caller may read. */
  function readableFiles(collection: string, path: string | undefined, access: Access | undefined) {
    const condition = fileCondition(access ?? fullAccess);
    return prepare<unknown[], SourceFileRow>(
      `SELECT f.*, c.name AS collection FROM files f JOIN collections c ON c.id = f.collection_id
       WHERE c.name = ? ${path === undefined ? "" : "AND f.path = ?"} AND ${condition.sql} ORDER BY f.path`,
    )
      .all(collection, ...(path === undefined ? [] : [path]), ...condition.parameters)
      .map(rowToFile);
  }

  /** Documents the caller may read, joined as `documentColumns` expects, matching `where`. */
  function readableDocuments(where: SqlCondition, access: Access | undefined, limit?: number): DocumentRow[] {
    const condition = readable(access);
    return prepare<unknown[], DocumentRow>(
      `SELECT ${documentColumns} FROM documents d
       JOIN collections c ON c.id = d.collection_id JOIN files f ON f.id = d.file_id
       WHERE ${where.sql} AND ${condition.sql} ORDER BY c.name, d.source
       ${limit === undefined ? "" : `LIMIT ${limit}`}`,
    ).all(...where.parameters, ...condition.parameters);
  }

  return {
    getFile(collection, path, access) {
      if (readsEverything(access)) {
        const row = statements.getFile.get(collection, path);
        return row ? rowToFile(row) : undefined;
      }
      return readableFiles(collection, path, access)[0];
    },
    listFiles: (collection, access) => readableFiles(collection, undefined, access),
    setFileGroups(collection, path, groups) {
      const wanted = accessGroups(groups);
      // Re-ingesting unchanged files checks every one: only a file whose groups differ takes the lock.
      return fileHasGroups(collection, path, wanted) ? 0 : regroupFile(collection, path, wanted);
    },
    putFile: (input) => storeFile(input, accessGroups(input.groups ?? [])),
    removeFile,
    removeDocument,

    listDocuments(collection, access) {
      const where =
        collection === undefined
          ? { sql: "1", parameters: [] }
          : { sql: "c.name = ?", parameters: [collection] };
      return readableDocuments(where, access).map(rowToDocument);
    },

    getDocument(idOrSource, collection, access) {
      const where: SqlCondition = {
        sql: `(d.id = ? OR d.source = ?)${collection === undefined ? "" : " AND c.name = ?"}`,
        parameters: [idOrSource, idOrSource, ...(collection === undefined ? [] : [collection])],
      };
      const [row] = readableDocuments(where, access, 1);
      return row ? rowToDocument(row) : undefined;
    },

    getDocumentText(documentId, access) {
      if (readsEverything(access)) return statements.documentText.get(documentId)?.text;
      const condition = readable(access);
      return prepare<unknown[], { text: string }>(
        `SELECT d.text FROM documents d JOIN collections c ON c.id = d.collection_id
         WHERE d.id = ? AND ${condition.sql}`,
      ).get(documentId, ...condition.parameters)?.text;
    },

    getChunks(documentId, access) {
      if (readsEverything(access)) return statements.chunksOfDocument.all(documentId).map(rowToChunk);
      const condition = readable(access);
      return prepare<unknown[], ChunkRow>(
        `SELECT k.rowid, k.id, k.document_id, k.ordinal, k.text, k.location FROM chunks k
         JOIN documents d ON d.id = k.document_id JOIN collections c ON c.id = d.collection_id
         WHERE k.document_id = ? AND ${condition.sql} ORDER BY k.ordinal`,
      )
        .all(documentId, ...condition.parameters)
        .map(rowToChunk);
    },
  };
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
