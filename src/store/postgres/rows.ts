// Row shapes of the Postgres store's tables and their mapping to domain types. Numbers that Postgres
// returns as bigint arrive as strings through `pg`, so they are converted here.
import type { Chunk, DocumentRecord, SourceFile } from "../../core/document.js";
import type { Location } from "../../core/location.js";
import { restoredText } from "./stored-text.js";

export interface DocumentRow {
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
  groups: string[] | null;
}

export interface ChunkRow {
  rowid: number | string;
  id: string;
  document_id: string;
  ordinal: number;
  text: string;
  location: string;
}

export interface SourceFileRow {
  id: number;
  collection: string;
  path: string;
  content_hash: string;
  size: number | string;
  media_type: string;
  ingested_at: string;
}

export function rowToDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    collection: row.collection,
    source: restoredText(row.source),
    file: restoredText(row.file),
    title: restoredText(row.title),
    mediaType: restoredText(row.media_type),
    contentHash: row.content_hash,
    size: Number(row.size),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    chunkCount: Number(row.chunk_count),
    groups: [...(row.groups ?? [])].sort(),
  };
}

export function rowToFile(row: SourceFileRow): SourceFile {
  return {
    collection: row.collection,
    path: restoredText(row.path),
    contentHash: restoredText(row.content_hash),
    size: Number(row.size),
    mediaType: restoredText(row.media_type),
    ingestedAt: row.ingested_at,
  };
}

export function rowToChunk(row: ChunkRow): Chunk {
  return {
    id: row.id,
    documentId: row.document_id,
    ordinal: Number(row.ordinal),
    text: restoredText(row.text),
    location: JSON.parse(row.location) as Location,
  };
}
