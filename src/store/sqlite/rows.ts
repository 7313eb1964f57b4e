// Row shapes of the embedded store's tables and their mapping to domain types.
import type { Chunk, DocumentRecord, SourceFile } from "../../core/document.js";
import { chunkFromRow, documentFromRow, fileFromRow } from "../record-rows.js";

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

export const rowToDocument = (row: DocumentRow): DocumentRecord =>
  documentFromRow(row, JSON.parse(row.groups) as string[]);

export const rowToFile = (row: SourceFileRow): SourceFile => fileFromRow(row);

export const rowToChunk = (row: ChunkRow): Chunk => chunkFromRow(row);
