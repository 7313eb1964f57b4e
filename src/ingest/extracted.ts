// What a loader hands to the chunker: the document's extracted text and its structure.
import type { ErrorCode } from "../core/errors.js";

/** A contiguous span of the extracted text: a heading, or a block of body text (paragraph, list item, table row, page). */
export interface TextBlock {
  kind: "heading" | "text";
  /** Offset of the block's first character in `ExtractedDocument.text`. */
  charStart: number;
  /** Offset one past the block's last character. */
  charEnd: number;
  /** Heading level 1–6, for headings. */
  level?: number;
  /** 1-based page the block is on, for paginated sources. */
  page?: number;
  /** Time range the block was spoken in, for recordings (ms from the start). */
  startMs?: number;
  endMs?: number;
}

export interface ExtractedDocument {
  /** Record id inside a multi-document file (JSONL); absent for one-document files. */
  recordId?: string;
  title: string;
  /** Normalised plain text (LF line ends, NFC). Every location Verity reports is an offset into it. */
  text: string;
  /** Headings and body blocks in reading order; spans never overlap and lie within `text`. */
  blocks: TextBlock[];
  metadata?: Record<string, unknown>;
}

export interface LoaderLimits {
  /** Largest source file accepted, in bytes. */
  maxFileBytes: number;
  /** Largest total uncompressed size of an archive-based format (DOCX), in bytes. */
  maxUncompressedBytes: number;
  /** Largest compression ratio accepted for any archive entry. */
  maxCompressionRatio: number;
}

export const defaultLoaderLimits: LoaderLimits = {
  maxFileBytes: 100 * 1024 * 1024,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 200,
};

export interface LoaderInput {
  /** Path of the file, for error messages and titles. */
  path: string;
  bytes: Uint8Array;
  limits: LoaderLimits;
}

/** A part of a file a loader had to leave out (a malformed JSONL line), while keeping the rest. */
export interface LoadProblem {
  /** 1-based line of the file, when the problem is on one line. */
  line?: number;
  code: ErrorCode;
  message: string;
}

/** What a loader read from a file that was partly unusable: the documents kept, and what was not. */
export interface PartialLoad {
  documents: ExtractedDocument[];
  problems: LoadProblem[];
  /** All problems found; `problems` lists at most the first `maxListedProblems`. */
  problemCount: number;
}

/** The documents a loader kept, whether or not part of the file was left out. */
export function loadedDocuments(loaded: ExtractedDocument[] | PartialLoad): ExtractedDocument[] {
  return Array.isArray(loaded) ? loaded : loaded.documents;
}

/** How many problems of one file are listed; the rest are counted. */
export const maxListedProblems = 20;

export interface Loader {
  /** IANA media type of what this loader reads. */
  mediaType: string;
  /** Lower-case file extensions with the dot, e.g. `.md`. */
  extensions: readonly string[];
  /** The file's documents, or, when part of it was unusable, the documents kept and the problems. */
  load(input: LoaderInput): Promise<ExtractedDocument[] | PartialLoad>;
}

/** Progress inside one long file (a recording): how far along, in the loader's own unit. */
export interface FileProgress {
  path: string;
  /** What the loader is doing, e.g. `decoding`, `transcribing`. */
  phase: string;
  done: number;
  total: number;
  unit: "ms" | "bytes";
  /** Estimated milliseconds left for this file, once it can be estimated. */
  etaMs?: number;
}

export interface FileLoaderInput {
  path: string;
  limits: LoaderLimits;
  signal?: AbortSignal;
  onProgress?: (progress: FileProgress) => void;
}

/**
 * A loader that reads the file itself instead of taking its bytes (recordings: too large to hold in
 * memory, decoded by an external tool). `version` names what else shapes its output (the
 * transcription engine), so changing it re-ingests the file.
 */
export interface FileLoader {
  mediaType: string;
  extensions: readonly string[];
  readonly version: string;
  /** Largest file accepted, in bytes. */
  maxFileBytes: number;
  loadFile(input: FileLoaderInput): Promise<ExtractedDocument[]>;
}
