// The migration's source: an embedded data dir, opened read-only (never migrated, never written, so
// a read-only data dir works and the source stays exactly as it was), read through its own tables.

import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type Database from "better-sqlite3";
import { VerityError } from "../../core/errors.js";
import { openDatabase } from "../sqlite/open-database.js";
import type { ChunkRow } from "../sqlite/rows.js";
import type { SpaceRow } from "../sqlite/vector-index.js";

export interface SourceDatabase {
  /** The data dir, resolved. */
  dataDir: string;
  db: Database.Database;
  close(): void;
}

/** Opens `<dataDir>/verity.db` read-only; errors name what is wrong with the folder and what to pass instead. */
export function openSource(dataDir: string): SourceDatabase {
  const folder = resolve(dataDir);
  const path = join(folder, "verity.db");
  if (!existsSync(folder)) {
    throw new VerityError(
      "E_NOT_FOUND",
      `there is no data dir at ${folder}; pass the folder that holds verity.db (the --data-dir Verity was run with, default ./.verity)`,
      { option: "from" },
    );
  }
  if (!statSync(folder).isDirectory()) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${folder} is a file, not a data dir; pass the folder that holds verity.db (the --data-dir Verity was run with)`,
      { option: "from" },
    );
  }
  if (!existsSync(path)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${folder} is not a Verity data dir (it holds no verity.db); pass the folder Verity was run with as --data-dir (default ./.verity)`,
      { option: "from" },
    );
  }
  const { db } = openDatabase({ path, busyTimeoutMs: 10_000, readOnly: true, ranking: "auto" });
  return { dataDir: folder, db, close: () => db.close() };
}

export interface SourceCollection {
  id: number;
  name: string;
  created_at: string;
  tokenizer: string;
}

export interface SourceFile {
  id: number;
  path: string;
  content_hash: string;
  size: number;
  media_type: string;
  ingested_at: string;
  chunks: number;
}

export function sourceCollections(db: Database.Database): SourceCollection[] {
  return db
    .prepare<[], SourceCollection>("SELECT id, name, created_at, tokenizer FROM collections ORDER BY name")
    .all();
}

/**
 * A collection's files in the order their chunks were stored (files without chunks last), so the
 * target gives chunks row ids in the source's order and equal BM25 scores tie the same way.
 */
export function sourceFiles(db: Database.Database, collectionId: number): SourceFile[] {
  return db
    .prepare<[number], SourceFile & { first: number | null }>(
      `SELECT f.id, f.path, f.content_hash, f.size, f.media_type, f.ingested_at,
         (SELECT min(k.rowid) FROM chunks k JOIN documents d ON d.id = k.document_id WHERE d.file_id = f.id) AS first,
         (SELECT count(*) FROM chunks k JOIN documents d ON d.id = k.document_id WHERE d.file_id = f.id) AS chunks
       FROM files f WHERE f.collection_id = ? ORDER BY first IS NULL, first, f.id`,
    )
    .all(collectionId)
    .map(({ first: _first, ...file }) => file);
}

export interface SourceDocument {
  id: string;
  file_id: number;
  source: string;
  title: string;
  media_type: string;
  content_hash: string;
  size: number;
  text: string;
  metadata: string;
  created_at: string;
  updated_at: string;
  groups: string[];
}

/** A chunk as the data dir stores it. */
export type SourceChunk = ChunkRow;

/** Documents (with their groups) and chunks, in stored order, of the files `fileIds`. */
export function sourceFileContents(
  db: Database.Database,
  fileIds: readonly number[],
): { documents: SourceDocument[]; chunks: SourceChunk[] } {
  const ids = JSON.stringify(fileIds);
  const documents = db
    .prepare<[string], Omit<SourceDocument, "groups"> & { groups: string }>(
      `SELECT d.id, d.file_id, d.source, d.title, d.media_type, d.content_hash, d.size, d.text, d.metadata,
         d.created_at, d.updated_at,
         (SELECT json_group_array(group_name) FROM (SELECT group_name FROM document_groups g
            WHERE g.document_id = d.id ORDER BY group_name)) AS groups
       FROM documents d WHERE d.file_id IN (SELECT value FROM json_each(?))
       ORDER BY (SELECT min(rowid) FROM chunks k WHERE k.document_id = d.id) IS NULL,
         (SELECT min(rowid) FROM chunks k WHERE k.document_id = d.id), d.id`,
    )
    .all(ids)
    .map((row) => ({ ...row, groups: JSON.parse(row.groups) as string[] }));
  const chunks = db
    .prepare<[string], SourceChunk>(
      `SELECT k.rowid, k.id, k.document_id, k.ordinal, k.text, k.location FROM chunks k
       JOIN documents d ON d.id = k.document_id WHERE d.file_id IN (SELECT value FROM json_each(?))
       ORDER BY k.rowid`,
    )
    .all(ids);
  return { documents, chunks };
}

/** An embedding space as the data dir stores it. */
export type SourceSpace = SpaceRow;

export function sourceSpaces(db: Database.Database): SourceSpace[] {
  return db
    .prepare<[], SourceSpace>(
      `SELECT s.id, c.name AS collection, s.name, s.provider, s.model, s.dimensions, s.normalised, s.version,
         s.quantization, s.active, s.created_at
       FROM embedding_spaces s JOIN collections c ON c.id = s.collection_id ORDER BY c.name, s.name`,
    )
    .all();
}

export interface SourceVector {
  rowid: number;
  chunkId: string;
  vector: Float32Array;
}

/**
 * Up to `limit` vectors of a space after chunk rowid `after`, as float32: a float32 space's own
 * vectors, a quantised space's full-precision copies (kept beside its index for rescoring).
 */
export function sourceVectors(
  db: Database.Database,
  space: SourceSpace,
  after: number,
  limit: number,
): SourceVector[] {
  const table =
    space.quantization === "float32"
      ? `SELECT rowid, embedding AS bytes FROM space_${space.id}`
      : `SELECT rowid, vector AS bytes FROM space_${space.id}_full`;
  return db
    .prepare<[number, number], { rowid: number; id: string; bytes: Buffer }>(
      `SELECT v.rowid, k.id, v.bytes FROM (${table}) v JOIN chunks k ON k.rowid = v.rowid
       WHERE v.rowid > ? ORDER BY v.rowid LIMIT ?`,
    )
    .all(after, limit)
    .map((row) => ({ rowid: row.rowid, chunkId: row.id, vector: float32Of(row.bytes) }));
}

/** Vectors of a space (up to chunk rowid `upTo`, when given). */
export function sourceVectorCount(db: Database.Database, space: SourceSpace, upTo?: number): number {
  const table = space.quantization === "float32" ? `space_${space.id}` : `space_${space.id}_full`;
  return (
    db
      .prepare<[number], { n: number }>(
        `SELECT count(*) AS n FROM ${table} v JOIN chunks k ON k.rowid = v.rowid WHERE v.rowid <= ?`,
      )
      .get(upTo ?? Number.MAX_SAFE_INTEGER)?.n ?? 0
  );
}

function float32Of(bytes: Buffer): Float32Array {
  // A copy: the buffer's offset need not be 4-aligned.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
