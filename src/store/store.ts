// The Store seam: everything Verity persists goes through it. `sqlite/` is the embedded default.
// Every read that can return document content or metadata takes the caller's `Access` (default: read
// everything) and applies it inside its own queries: what a caller may not read never leaves the store.
import type { Access } from "../core/access.js";
import type { Chunk, Collection, DocumentRecord, SourceFile } from "../core/document.js";
import type { Ledger } from "../core/ledger.js";
import type { Location } from "../core/location.js";
import type { ApiKeyStore } from "./api-keys.js";
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
  /**
   * Access groups of every document of the file (default none: readable by anyone who may read the
   * collection). Unchanged documents whose groups differ get these, without being chunked again.
   */
  groups?: readonly string[];
}

/** The Store methods about files, documents and chunks (each store implements them in one module). */
export type DocumentMethods =
  | "getFile"
  | "listFiles"
  | "setFileGroups"
  | "putFile"
  | "removeFile"
  | "removeDocument"
  | "listDocuments"
  | "getDocument"
  | "getDocumentText"
  | "getChunks";

export interface PutFileResult {
  added: number;
  replaced: number;
  unchanged: number;
  removed: number;
  chunks: number;
  /** Unchanged documents whose access groups changed. */
  regrouped: number;
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
  /** What the caller may read (default everything): other documents are never returned. */
  access?: Access;
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

/** Counts over what the caller may read. */
export interface StoreStats {
  collections: number;
  files: number;
  documents: number;
  chunks: number;
  textBytes: number;
  /**
   * Size of the database file, for a caller that may read everything; 0 for one that may not (the
   * file's size would tell how much there is that it may not read).
   */
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

export interface Store extends VectorStore, Ledger, ApiKeyStore {
  /**
   * True when the store was opened read-only (its file or folder is not writable, or it was asked
   * to be): reads work, and every write throws E_STORE without changing anything.
   */
  readonly readOnly: boolean;
  /** Collections the caller may read, with the counts of the documents and chunks it may read. */
  listCollections(access?: Access): Promise<Collection[]>;
  /** Whether the collection exists (whoever may read it: check the caller's access as well). */
  hasCollection(name: string): Promise<boolean>;
  /**
   * Creates an empty collection with these settings (defaults for those not given), or returns an
   * existing one's; E_INVALID_INPUT when it exists with other settings. Writing into a collection
   * that does not exist creates it with the defaults.
   */
  createCollection(name: string, settings?: Partial<CollectionSettings>): Promise<CollectionSettings>;
  /** The collection's settings, or undefined when there is no such collection. */
  collectionSettings(name: string): Promise<CollectionSettings | undefined>;
  /**
   * Removes a collection and everything derived from it (files, documents, chunks, embedding spaces
   * and their vectors). The ledger keeps its answers. Returns what was removed, or undefined when
   * there is no such collection.
   */
  removeCollection(name: string): Promise<{ files: number; documents: number } | undefined>;
  /** A stored file, when the caller may read every document it holds. */
  getFile(collection: string, path: string, access?: Access): Promise<SourceFile | undefined>;
  /** The collection's stored files the caller may read (every document of each), by path. */
  listFiles(collection: string, access?: Access): Promise<SourceFile[]>;
  /**
   * Gives every document of a stored file these access groups, without touching its chunks (a
   * re-ingest of unchanged bytes under other groups). Returns the number of documents changed;
   * writes nothing when none differ.
   */
  setFileGroups(collection: string, path: string, groups: readonly string[]): Promise<number>;
  /**
   * Makes the file's documents exactly `documents`, in one transaction: unchanged documents are
   * kept, changed ones replaced with their chunks, ones no longer in the file removed.
   */
  putFile(input: PutFileInput): Promise<PutFileResult>;
  /**
   * Removes a file and every document and chunk derived from it. Returns the number of documents
   * removed: 0 when there is no such file, or `access` may not read every document of it.
   */
  removeFile(collection: string, path: string, access?: Access): Promise<number>;
  /** Removes one document (by id or source) and everything derived from it, if `access` may read it. */
  removeDocument(collection: string, idOrSource: string, access?: Access): Promise<boolean>;
  /** Documents the caller may read, of one collection or all, by collection and source. */
  listDocuments(collection?: string, access?: Access): Promise<DocumentRecord[]>;
  /** A document by id or source, undefined alike when there is none and when the caller may not read it. */
  getDocument(idOrSource: string, collection?: string, access?: Access): Promise<DocumentRecord | undefined>;
  /** The document's full extracted text, when the caller may read it. */
  getDocumentText(documentId: string, access?: Access): Promise<string | undefined>;
  /** The document's chunks in order; none when the caller may not read it. */
  getChunks(documentId: string, access?: Access): Promise<Chunk[]>;
  searchBm25(query: Bm25Query): Promise<Bm25Hit[]>;
  /**
   * Index statistics for already-stemmed terms (Porter, lower case), for IDF weighting. Counted over
   * the whole index, whatever `access` says: they are counts, never text, and scoping them to a
   * caller would walk each term's whole posting list per question (see sqlite/bm25-search.ts). A
   * caller may read back from its scores how many chunks of the whole index hold a word; never which
   * document, nor anything it says.
   */
  termStatistics(stems: readonly string[], access?: Access): Promise<TermStatistics>;
  startJob(kind: string, collection: string, summary?: Record<string, unknown>): Promise<Job>;
  finishJob(
    id: string,
    status: Exclude<JobStatus, "running">,
    summary: Record<string, unknown>,
  ): Promise<void>;
  /**
   * Recent jobs, newest first. Job summaries name files of every group, so a caller sees the jobs of
   * the collections it may read only when it may read every group.
   */
  listJobs(limit?: number, access?: Access): Promise<Job[]>;
  /** Counts over what the caller may read. */
  stats(access?: Access): Promise<StoreStats>;
  close(): Promise<void>;
}
