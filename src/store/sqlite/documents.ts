// Files, documents and chunks in SQLite: each file stored or removed in one write transaction, its
// chunks indexed for BM25 with the collection's tokenizer.
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { VerityError } from "../../core/errors.js";
import { cjkIndexText } from "../../core/terms.js";
import type { NewDocument, PutFileInput, PutFileResult, Store } from "../store.js";
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
import type { Writer } from "./writer.js";

export type DocumentStore = Pick<
  Store,
  | "getFile"
  | "listFiles"
  | "putFile"
  | "removeFile"
  | "removeDocument"
  | "listDocuments"
  | "getDocument"
  | "getDocumentText"
  | "getChunks"
>;

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
  (SELECT count(*) FROM chunks k WHERE k.document_id = d.id) AS chunk_count`;

/** The text a collection's full-text index is given: CJK runs as bigrams in `cjk` collections. */
export function indexForm(collection: Pick<CollectionRow, "tokenizer">): (text: string) => string {
  return collection.tokenizer === "cjk" ? cjkIndexText : (text) => text;
}

export function createDocumentStore(context: DocumentContext): DocumentStore {
  const { db, writer, collections, now, changed } = context;
  const statements = {
    getFile: db.prepare<[string, string], SourceFileRow>(
      `SELECT f.*, c.name AS collection FROM files f JOIN collections c ON c.id = f.collection_id
       WHERE c.name = ? AND f.path = ?`,
    ),
    filesOf: db.prepare<[string], SourceFileRow>(
      `SELECT f.*, c.name AS collection FROM files f JOIN collections c ON c.id = f.collection_id
       WHERE c.name = ? ORDER BY f.path`,
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

  function writeDocument(
    collection: CollectionRow,
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
    return { status: existing ? "replaced" : "added", chunks: document.chunks.length };
  }

  // One transaction per file, never per ingestion: a long ingestion lets other processes' writes
  // (an answer's ledger entry) in between its files.
  const putFile = writer.transaction((input: PutFileInput): PutFileResult => {
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

  const removeFile = writer.transaction((collection: string, path: string): number => {
    changed();
    const row = statements.getFile.get(collection, path);
    if (!row) return 0;
    const count = statements.documentsOfFile.all(row.id).length;
    statements.deleteFile.run(row.id);
    return count;
  });

  const removeDocument = writer.transaction((collection: string, idOrSource: string): boolean => {
    changed();
    const id = collections.find(collection)?.id;
    if (id === undefined) return false;
    const row = statements.documentByIdOrSource.get(id, idOrSource, idOrSource);
    if (!row) return false;
    statements.deleteDocument.run(row.id);
    const remaining = statements.documentsOfFile.all(row.file_id).length;
    // A file with no documents left is forgotten, so ingesting it again adds it back.
    if (remaining === 0) statements.deleteFile.run(row.file_id);
    return true;
  });

  return {
    getFile(collection, path) {
      const row = statements.getFile.get(collection, path);
      return row ? rowToFile(row) : undefined;
    },
    listFiles: (collection) => statements.filesOf.all(collection).map(rowToFile),
    putFile,
    removeFile,
    removeDocument,

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
