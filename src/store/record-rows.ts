// The mapping from a store's rows to domain records, shared by the SQLite and Postgres stores. Their rows
// differ only in how values arrive: Postgres returns bigint counts as strings and escapes NUL in stored
// text (see postgres/stored-text.ts), and each keeps a document's groups its own way, so each store
// passes the groups read and how to read its text.
import type { Chunk, DocumentRecord, SourceFile } from "../core/document.js";
import type { Location } from "../core/location.js";

/** How a store reads text back as it was written. */
export type ReadText = (stored: string) => string;

const asStored: ReadText = (stored) => stored;

export interface DocumentRowFields {
  id: string;
  collection: string;
  source: string;
  file: string;
  title: string;
  media_type: string;
  content_hash: string;
  size: number | string;
  created_at: string;
  updated_at: string;
  metadata: string;
  chunk_count: number | string;
}

export interface ChunkRowFields {
  id: string;
  document_id: string;
  ordinal: number;
  text: string;
  location: string;
}

export interface SourceFileRowFields {
  collection: string;
  path: string;
  content_hash: string;
  size: number | string;
  media_type: string;
  ingested_at: string;
}

export function documentFromRow(
  row: DocumentRowFields,
  groups: readonly string[],
  text: ReadText = asStored,
): DocumentRecord {
  return {
    id: row.id,
    collection: row.collection,
    source: text(row.source),
    file: text(row.file),
    title: text(row.title),
    mediaType: text(row.media_type),
    contentHash: row.content_hash,
    size: Number(row.size),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    chunkCount: Number(row.chunk_count),
    groups: [...groups].sort(),
  };
}

export function fileFromRow(row: SourceFileRowFields, text: ReadText = asStored): SourceFile {
  return {
    collection: row.collection,
    path: text(row.path),
    contentHash: text(row.content_hash),
    size: Number(row.size),
    mediaType: text(row.media_type),
    ingestedAt: row.ingested_at,
  };
}

export function chunkFromRow(row: ChunkRowFields, text: ReadText = asStored): Chunk {
  return {
    id: row.id,
    documentId: row.document_id,
    ordinal: Number(row.ordinal),
    text: text(row.text),
    location: JSON.parse(row.location) as Location,
  };
}
