// The Store seam: everything Verity persists goes through it. `sqlite/` is the embedded default.
import type { Chunk, Collection, DocumentRecord, SourceFile } from "../core/document.js";
import type { Ledger } from "../core/ledger.js";
import type { Location } from "../core/location.js";
import type { VectorStore } from "./vectors.js";

export interface NewChunk {
  ordinal: number;
  text: string;
  location: Location;
}

export interface NewDocument {
  /** Unique within the collection: the file path, or `path#recordId` for multi-document files. */
  source: string;
  title: string;
  mediaType: string;
  /** The full extracted text; chunk locations are offsets into it. */
  text: string;
  size: number;
  metadata?: Record<string, unknown>;
  chunks: NewChunk[];
}

export interface PutFileInput {
  collection: string;
  path: string;
  contentHash: string;
  size: number;
  mediaType: string;
  documents: NewDocument[];
}

export interface PutFileResult {
  added: number;
  replaced: number;
  unchanged: number;
  removed: number;
  chunks: number;
}

export interface Bm25Query {
  collection: string;
  /** Terms to score; the store applies its own tokenizer and stemming. */
  terms: string[];
  /**
   * Terms of which a match must contain at least one (default: any of `terms`). Naming only the
   * rare terms here keeps common ones in the score without scanning every chunk that holds them.
   */
  anchors?: string[];
  limit: number;
  /**
   * At most one hit per document, its best chunk: `limit` then counts documents. Cheaper than
   * fetching chunks and grouping them, since only the winners' text is read.
   */
  perDocument?: boolean;
}

export interface Bm25Hit {
  chunk: Chunk;
  document: Pick<DocumentRecord, "id" | "source" | "title" | "mediaType">;
  /** Higher is better. */
  score: number;
}

export interface TermStatistics {
  /** Chunks in the index (all collections). */
  chunks: number;
  /** Chunks containing each index term (stemmed), for the terms asked about; absent terms are 0. */
  documentFrequency: Map<string, number>;
}

export type JobStatus = "running" | "succeeded" | "failed" | "interrupted";

export interface Job {
  id: string;
  kind: string;
  collection: string;
  status: JobStatus;
  startedAt: string;
  finishedAt: string | null;
  summary: Record<string, unknown>;
}

export interface StoreStats {
  collections: number;
  files: number;
  documents: number;
  chunks: number;
  textBytes: number;
  databaseBytes: number;
  /** How BM25 is computed (e.g. `verity_bm25`, or FTS5's slower built-in `bm25`). */
  bm25Ranking: string;
}

/**
 * How a collection's text is split into index terms, fixed when the collection is created:
 * `default` indexes words (Porter-stemmed), which suits languages written with spaces; `cjk` also
 * indexes Chinese, Japanese and Korean text, which has no spaces, as overlapping pairs of characters.
 */
export type CollectionTokenizer = "default" | "cjk";

export interface CollectionSettings {
  tokenizer: CollectionTokenizer;
}

export interface Store extends VectorStore, Ledger {
  /**
   * True when the store was opened read-only (its file or folder is not writable, or it was asked
   * to be): reads work, and every write throws E_STORE without changing anything.
   */
  readonly readOnly: boolean;
  /** Collections with their document and chunk counts. */
  listCollections(): Collection[];
  hasCollection(name: string): boolean;
  /**
   * Creates an empty collection with these settings (defaults for those not given), or returns an
   * existing one's; E_INVALID_INPUT when it exists with other settings. Writing into a collection
   * that does not exist creates it with the defaults.
   */
  createCollection(name: string, settings?: Partial<CollectionSettings>): CollectionSettings;
  /** The collection's settings, or undefined when there is no such collection. */
  collectionSettings(name: string): CollectionSettings | undefined;
  getFile(collection: string, path: string): SourceFile | undefined;
  /** The collection's stored files, by path (none when there is no such collection). */
  listFiles(collection: string): SourceFile[];
  /**
   * Makes the file's documents exactly `documents`, in one transaction: unchanged documents are
   * kept, changed ones replaced with their chunks, ones no longer in the file removed.
   */
  putFile(input: PutFileInput): PutFileResult;
  /** Removes a file and every document and chunk derived from it. Returns the number of documents removed. */
  removeFile(collection: string, path: string): number;
  /** Removes one document (by id or source) and everything derived from it. */
  removeDocument(collection: string, idOrSource: string): boolean;
  listDocuments(collection?: string): DocumentRecord[];
  getDocument(idOrSource: string, collection?: string): DocumentRecord | undefined;
  /** The document's full extracted text. */
  getDocumentText(documentId: string): string | undefined;
  getChunks(documentId: string): Chunk[];
  searchBm25(query: Bm25Query): Bm25Hit[];
  /** Index statistics for already-stemmed terms (Porter, lower case), for IDF weighting. */
  termStatistics(stems: readonly string[]): TermStatistics;
  startJob(kind: string, collection: string, summary?: Record<string, unknown>): Job;
  finishJob(id: string, status: Exclude<JobStatus, "running">, summary: Record<string, unknown>): void;
  listJobs(limit?: number): Job[];
  stats(): StoreStats;
  close(): void;
}
