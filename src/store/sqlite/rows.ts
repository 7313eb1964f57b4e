// Row shapes of the embedded store's tables and their mapping to domain types.
import type { Chunk, DocumentRecord, SourceFile } from "../../core/document.js";
import {
  type ChunkRowFields,
  chunkFromRow,
  type DocumentRowFields,
  documentFromRow,
  fileFromRow,
  type SourceFileRowFields,
} from "../record-rows.js";

export interface DocumentRow extends DocumentRowFields {
  size: number;
  chunk_count: number;
  /** JSON array of the document's access groups. */
  groups: string;
}

export interface ChunkRow extends ChunkRowFields {
  rowid: number;
}

export interface SourceFileRow extends SourceFileRowFields {
  id: number;
  size: number;
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
