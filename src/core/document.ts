// The stored shapes of collections, source files, documents and chunks.
import type { Location } from "./location.js";

export interface Collection {
  name: string;
  createdAt: string;
  documentCount: number;
  chunkCount: number;
}

/** A source a user ingested: one file on disk (which may hold several documents, e.g. JSONL). */
export interface SourceFile {
  collection: string;
  path: string;
  contentHash: string;
  size: number;
  mediaType: string;
  ingestedAt: string;
}

export interface DocumentRecord {
  id: string;
  collection: string;
  /** Unique name of the document within its collection: the file path, or `path#recordId`. */
  source: string;
  /** The file the document came from. */
  file: string;
  title: string;
  mediaType: string;
  /** sha256 of the extracted text. */
  contentHash: string;
  /** Size in bytes of the original source. */
  size: number;
  createdAt: string;
  updatedAt: string;
  metadata: Record<string, unknown>;
  chunkCount: number;
}

export interface Chunk {
  id: string;
  documentId: string;
  ordinal: number;
  text: string;
  location: Location;
}
