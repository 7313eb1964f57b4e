// Row shapes of the Postgres store's tables and their mapping to domain types. Numbers that Postgres
// returns as bigint arrive as strings through `pg`, so they are converted here.
import type { Chunk, DocumentRecord, SourceFile } from "../../core/document.js";
import {
  type ChunkRowFields,
  chunkFromRow,
  type DocumentRowFields,
  documentFromRow,
  fileFromRow,
  type SourceFileRowFields,
} from "../record-rows.js";
import { restoredText } from "./stored-text.js";

export interface DocumentRow extends DocumentRowFields {
  groups: string[] | null;
}

export interface ChunkRow extends ChunkRowFields {
  rowid: number | string;
}

export interface SourceFileRow extends SourceFileRowFields {
  id: number;
}

export const rowToDocument = (row: DocumentRow): DocumentRecord =>
  documentFromRow(row, row.groups ?? [], restoredText);

export const rowToFile = (row: SourceFileRow): SourceFile => fileFromRow(row, restoredText);

export const rowToChunk = (row: ChunkRow): Chunk => chunkFromRow(row, restoredText);
