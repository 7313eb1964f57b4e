// Row shapes of the Postgres store's tables and their mapping to domain types. Numbers that Postgres
// returns as bigint arrive as strings through `pg`, so they are converted here.
import type { Chunk, DocumentRecord, SourceFile } from "../../core/document.js";
import { chunkFromRow, documentFromRow, fileFromRow } from "../record-rows.js";
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

export const rowToDocument = (row: DocumentRow): DocumentRecord =>
  documentFromRow(row, row.groups ?? [], restoredText);

export const rowToFile = (row: SourceFileRow): SourceFile => fileFromRow(row, restoredText);

export const rowToChunk = (row: ChunkRow): Chunk => chunkFromRow(row, restoredText);
