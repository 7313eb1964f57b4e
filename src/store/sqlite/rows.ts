// Row shapes of the embedded store's tables and their mapping to domain types.
import type { Chunk, DocumentRecord, SourceFile } from "../../core/document.js";
import type { Location } from "../../core/location.js";
import type { JobStatus } from "../store.js";

export interface DocumentRow {
  id: string;
  collection: string;
  source: string;
  file: string;
  title: string;
  media_type: string;
  content_hash: string;
  size: number;
  created_at: string;
  updated_at: string;
  metadata: string;
  chunk_count: number;
  /** JSON array of the document's access groups. */
  groups: string;
}

export interface ChunkRow {
  rowid: number;
  id: string;
  document_id: string;
  ordinal: number;
  text: string;
  location: string;
}

export interface JobRow {
  id: string;
  kind: string;
  collection: string;
  status: JobStatus;
  started_at: string;
  finished_at: string | null;
  summary: string;
}

export interface SourceFileRow {
  id: number;
  collection: string;
  path: string;
  content_hash: string;
  size: number;
  media_type: string;
  ingested_at: string;
}

export interface Bm25Row extends ChunkRow {
  source: string;
  title: string;
  media_type: string;
  score: number;
}

export function rowToDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    collection: row.collection,
    source: row.source,
    file: row.file,
    title: row.title,
    mediaType: row.media_type,
    contentHash: row.content_hash,
    size: row.size,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    chunkCount: row.chunk_count,
    groups: (JSON.parse(row.groups) as string[]).sort(),
  };
}

export function rowToFile(row: SourceFileRow): SourceFile {
  return {
    collection: row.collection,
    path: row.path,
    contentHash: row.content_hash,
    size: row.size,
    mediaType: row.media_type,
    ingestedAt: row.ingested_at,
  };
}

export function rowToChunk(row: ChunkRow): Chunk {
  return {
    id: row.id,
    documentId: row.document_id,
    ordinal: row.ordinal,
    text: row.text,
    location: JSON.parse(row.location) as Location,
  };
}
