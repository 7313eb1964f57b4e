// Copies a collection's files, documents (with their groups) and chunks, a batch of files per
// transaction. Rows keep their ids, hashes and times; each chunk's index terms and the BM25
// statistics are made by the Postgres store's own functions (chunk-terms.ts), as its putFile makes
// them. A file already in the target with the same hash and time was copied by an earlier run and is
// skipped; one that differs (the source changed between runs) is copied again, and one the source no
// longer has is removed, so a second run leaves the target equal to the source.
import type Database from "better-sqlite3";
import type { Location } from "../../core/location.js";
import { chunkTerms, IndexDelta } from "../postgres/chunk-terms.js";
import type { Queryable } from "../postgres/client.js";
import type { CollectionRow } from "../postgres/collections.js";
import { indexForm } from "../postgres/documents.js";
import { sql } from "../postgres/sql.js";
import { restoredText, storedText } from "../postgres/stored-text.js";
import { type SourceCollection, type SourceFile, sourceFileContents, sourceFiles } from "./source.js";
import type { Target } from "./target.js";

export interface FileBatchLimits {
  /** Files per transaction, at most (default 50). */
  files: number;
  /** Chunks per transaction, about (a larger file still goes in whole; default 2000). */
  chunks: number;
}

export interface FilesCopied {
  files: number;
  chunks: number;
  /** Files the target already held from an earlier run. */
  skipped: number;
  /** Files in the target the source no longer has, removed. */
  removed: number;
}

/** The collection in the target, made with the source's time and tokenizer when missing. */
export async function copyCollection(target: Target, collection: SourceCollection): Promise<CollectionRow> {
  const { client, t } = target;
  await client.query(
    sql`INSERT INTO ${t.collections} (name, created_at, tokenizer)
        VALUES (${collection.name}, ${collection.created_at}, ${collection.tokenizer})
        ON CONFLICT (name) DO NOTHING`,
  );
  const [row] = await client.query<CollectionRow>(
    sql`SELECT id, name, tokenizer FROM ${t.collections} WHERE name = ${collection.name}`,
  );
  return { ...(row as CollectionRow), id: Number(row?.id) };
}

/**
 * The files of a collection still to copy (all of them in a first run), how many of those the target
 * holds in another version (`stale`), and the paths it holds that the source no longer has (`gone`).
 */
export async function filesToCopy(
  target: Target,
  db: Database.Database,
  source: SourceCollection,
  collection: CollectionRow,
): Promise<{ pending: SourceFile[]; all: SourceFile[]; gone: string[]; stale: number }> {
  const all = sourceFiles(db, source.id);
  const present = new Map(
    (
      await target.client.query<{ path: string; content_hash: string; ingested_at: string }>(
        sql`SELECT path, content_hash, ingested_at FROM ${target.t.files} WHERE collection_id = ${collection.id}`,
      )
    ).map((row) => [restoredText(row.path), `${restoredText(row.content_hash)}\u0000${row.ingested_at}`]),
  );
  const pending = all.filter(
    (file) => present.get(file.path) !== `${file.content_hash}\u0000${file.ingested_at}`,
  );
  const paths = new Set(all.map((file) => file.path));
  const gone = [...present.keys()].filter((path) => !paths.has(path));
  const stale = pending.filter((file) => present.has(file.path)).length;
  return { pending, all, gone, stale };
}

/** Splits files into transactions of at most `limits.files` files and about `limits.chunks` chunks. */
export function batchesOf(files: readonly SourceFile[], limits: FileBatchLimits): SourceFile[][] {
  const batches: SourceFile[][] = [];
  let current: SourceFile[] = [];
  let chunks = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= limits.files || chunks + file.chunks > limits.chunks)) {
      batches.push(current);
      current = [];
      chunks = 0;
    }
    current.push(file);
    chunks += file.chunks;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Copies one batch of files in one transaction: all of it is in the target afterwards, or none. */
export async function copyFileBatch(
  target: Target,
  db: Database.Database,
  collection: CollectionRow,
  files: readonly SourceFile[],
): Promise<number> {
  const { t } = target;
  const { documents, chunks } = sourceFileContents(
    db,
    files.map((file) => file.id),
  );
  const indexed = indexForm(collection);
  const titles = new Map(documents.map((document) => [document.id, document.title]));
  const terms = chunks.map((chunk) => {
    const location = JSON.parse(chunk.location) as Location;
    const heading = [titles.get(chunk.document_id) ?? "", ...(location.headingPath ?? [])].join(" ");
    return chunkTerms(indexed(heading), indexed(chunk.text));
  });
  await target.client.transaction(async (tx) => {
    const delta = new IndexDelta();
    // What an earlier run copied of these files (or of their documents, had they moved) goes first.
    await removeFiles(
      tx,
      target,
      collection,
      files.map((file) => file.path),
      delta,
    );
    const ids = documents.map((document) => document.id);
    await delta.removeChunks(tx, t, sql`k.document_id = ANY(${ids}::text[])`);
    await tx.query(sql`DELETE FROM ${t.documents} WHERE id = ANY(${ids}::text[])`);

    const inserted = await tx.query<{ id: number; path: string }>(
      sql`INSERT INTO ${t.files} (collection_id, path, content_hash, size, media_type, ingested_at)
          SELECT ${collection.id}, u.path, u.content_hash, u.size, u.media_type, u.ingested_at
          FROM unnest(${files.map((file) => storedText(file.path))}::text[],
            ${files.map((file) => storedText(file.content_hash))}::text[], ${files.map((file) => file.size)}::bigint[],
            ${files.map((file) => storedText(file.media_type))}::text[], ${files.map((file) => file.ingested_at)}::text[])
            AS u(path, content_hash, size, media_type, ingested_at)
          RETURNING id, path`,
    );
    const fileIds = new Map(inserted.map((row) => [restoredText(row.path), Number(row.id)]));
    const targetFile = new Map(files.map((file) => [file.id, fileIds.get(file.path) as number]));
    if (documents.length > 0) {
      await tx.query(
        sql`INSERT INTO ${t.documents} (id, collection_id, file_id, source, title, media_type, content_hash, size,
              text, metadata, created_at, updated_at)
            SELECT u.id, ${collection.id}, u.file_id, u.source, u.title, u.media_type, u.content_hash, u.size, u.text,
              u.metadata, u.created_at, u.updated_at
            FROM unnest(${ids}::text[], ${documents.map((document) => targetFile.get(document.file_id))}::integer[],
              ${documents.map((document) => storedText(document.source))}::text[],
              ${documents.map((document) => storedText(document.title))}::text[],
              ${documents.map((document) => storedText(document.media_type))}::text[],
              ${documents.map((document) => document.content_hash)}::text[],
              ${documents.map((document) => document.size)}::bigint[],
              ${documents.map((document) => storedText(document.text))}::text[],
              ${documents.map((document) => document.metadata)}::text[],
              ${documents.map((document) => document.created_at)}::text[],
              ${documents.map((document) => document.updated_at)}::text[])
              AS u(id, file_id, source, title, media_type, content_hash, size, text, metadata, created_at, updated_at)`,
      );
    }
    const groups = documents.flatMap((document) => document.groups.map((group) => [document.id, group]));
    if (groups.length > 0) {
      await tx.query(
        sql`INSERT INTO ${t.document_groups} (document_id, group_name)
            SELECT * FROM unnest(${groups.map(([id]) => id)}::text[], ${groups.map(([, group]) => group)}::text[])`,
      );
    }
    if (chunks.length > 0) {
      // In the source's order (WITH ORDINALITY), so row ids, and so ties between equal scores, follow it.
      await tx.query(
        sql`INSERT INTO ${t.chunks} (id, document_id, collection_id, ordinal, text, location, terms, term_count,
              title_positions)
            SELECT u.id, u.document_id, ${collection.id}, u.ordinal, u.text, u.location, u.terms::tsvector,
              u.term_count, u.title_positions
            FROM unnest(${chunks.map((chunk) => chunk.id)}::text[], ${chunks.map((chunk) => chunk.document_id)}::text[],
              ${chunks.map((chunk) => chunk.ordinal)}::integer[], ${chunks.map((chunk) => storedText(chunk.text))}::text[],
              ${chunks.map((chunk) => chunk.location)}::text[], ${terms.map((entry) => entry.vector)}::text[],
              ${terms.map((entry) => entry.count)}::integer[], ${terms.map((entry) => entry.titlePositions)}::integer[])
              WITH ORDINALITY AS u(id, document_id, ordinal, text, location, terms, term_count, title_positions, n)
            ORDER BY u.n`,
      );
      for (const entry of terms) delta.added(entry);
    }
    await delta.apply(tx, t);
  });
  return chunks.length;
}

/** Removes files (by path) of the collection from the target, with their documents and chunks. */
export async function removeTargetFiles(
  target: Target,
  collection: CollectionRow,
  paths: readonly string[],
): Promise<void> {
  if (paths.length === 0) return;
  await target.client.transaction(async (tx) => {
    const delta = new IndexDelta();
    await removeFiles(tx, target, collection, paths, delta);
    await delta.apply(tx, target.t);
  });
}

async function removeFiles(
  tx: Queryable,
  target: Target,
  collection: CollectionRow,
  paths: readonly string[],
  delta: IndexDelta,
): Promise<void> {
  const { t } = target;
  const stored = paths.map(storedText);
  const files = sql`SELECT id FROM ${t.files} WHERE collection_id = ${collection.id} AND path = ANY(${stored}::text[])`;
  await delta.removeChunks(
    tx,
    t,
    sql`k.document_id IN (SELECT d.id FROM ${t.documents} d WHERE d.file_id IN (${files}))`,
  );
  await tx.query(sql`DELETE FROM ${t.files} WHERE id IN (${files})`);
}
