// Ingestion: discover files, skip unchanged bytes, extract, chunk, and store each file in one
// transaction. A failing file is reported and the rest go on; nothing stored is ever lost to a bad file.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { SourceFile } from "../core/document.js";
import { type ErrorCode, VerityError } from "../core/errors.js";
import type { PutFileResult, Store } from "../store/store.js";
import type { ChunkerOptions } from "./chunker.js";
import { type DiscoverOptions, discoverFiles, type SkippedPath, type SkipReason } from "./discover.js";
import {
  defaultLoaderLimits,
  type ExtractedDocument,
  type FileLoader,
  type FileProgress,
  type Loader,
  type LoaderLimits,
} from "./extracted.js";
import { loaderFor, supportedExtensions } from "./loaders/registry.js";
import { storeDocuments, validateCollection } from "./store-documents.js";

export interface IngestOptions {
  collection: string;
  include?: DiscoverOptions["include"];
  exclude?: DiscoverOptions["exclude"];
  /**
   * Follow symbolic links in walked folders that lead outside every folder named (default false: they
   * are skipped and counted in `skippedBy.outsideFolder`). Links that stay inside are always followed.
   */
  followSymlinks?: DiscoverOptions["followSymlinks"];
  limits?: Partial<LoaderLimits>;
  chunker?: Partial<ChunkerOptions>;
  onProgress?: (progress: IngestProgress) => void;
  /** Loaders that read files themselves: recordings, when a transcriber is configured. */
  fileLoaders?: readonly FileLoader[];
  /** Progress inside one long file (decoding and transcribing a recording). */
  onFileProgress?: (progress: FileProgress) => void;
}

export type FileStatus = "added" | "updated" | "unchanged" | "failed";

export interface FileOutcome {
  path: string;
  status: FileStatus;
  documents: number;
  chunks: number;
  error?: { code: ErrorCode; message: string };
}

export interface IngestProgress {
  /** Files finished so far, and in all. */
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  last: FileOutcome;
}

export interface IngestSummary {
  jobId: string;
  collection: string;
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Entries of walked folders left out, for any reason in `skippedBy`. */
  skipped: number;
  /** `skipped`, by reason: unsupported types, special files, links leading outside, folders already walked. */
  skippedBy: Record<SkipReason, number>;
  documents: number;
  chunks: number;
  bytes: number;
  durationMs: number;
  errors: FileOutcome[];
}

export async function ingestPaths(
  store: Store,
  paths: readonly string[],
  options: IngestOptions,
): Promise<IngestSummary> {
  const started = performance.now();
  const limits = { ...defaultLoaderLimits, ...options.limits };
  validateCollection(options.collection);
  const discovery = await discoverFiles(paths, {
    include: options.include,
    exclude: options.exclude,
    extensions: supportedExtensions(options.fileLoaders),
    followSymlinks: options.followSymlinks,
  });
  const job = store.startJob("ingest", options.collection, { paths: [...paths] });
  const outcomes: FileOutcome[] = discovery.problems.map((problem) => ({
    path: problem.path,
    status: "failed",
    documents: 0,
    chunks: 0,
    error: { code: problem.code, message: problem.message },
  }));
  const bytesTotal = discovery.files.reduce((sum, file) => sum + file.size, 0);
  let bytesDone = 0;
  try {
    for (const [index, file] of discovery.files.entries()) {
      const outcome = await ingestFile(store, file.path, options, limits);
      outcomes.push(outcome);
      bytesDone += file.size;
      options.onProgress?.({
        filesDone: index + 1,
        filesTotal: discovery.files.length,
        bytesDone,
        bytesTotal,
        last: outcome,
      });
    }
  } catch (error) {
    store.finishJob(job.id, "failed", { error: (error as Error).message });
    throw error;
  }
  const summary = summarise(job.id, options.collection, outcomes, discovery.skipped, bytesDone, started);
  store.finishJob(job.id, summary.failed > 0 ? "failed" : "succeeded", {
    ...summary,
    errors: summary.errors.length,
  });
  return summary;
}

/** Ingests one file; every failure becomes an outcome, never a throw (store failures excepted). */
async function ingestFile(
  store: Store,
  path: string,
  options: IngestOptions,
  limits: LoaderLimits,
): Promise<FileOutcome> {
  const failed = (code: ErrorCode, message: string): FileOutcome => ({
    path,
    status: "failed",
    documents: 0,
    chunks: 0,
    error: { code, message },
  });
  let extracted: ExtractedDocument[];
  let contentHash: string;
  let size: number;
  let loader: Loader | FileLoader;
  let stored: SourceFile | undefined;
  try {
    loader = loaderFor(path, options.fileLoaders);
    if ("loadFile" in loader) {
      // Recordings are hashed as a stream and read by the loader itself: never whole in memory. The
      // loader's version (its transcription engine) is part of the hash, so another engine re-ingests.
      size = await fileSize(path, loader.maxFileBytes);
      contentHash = `${await hashFile(path)}:${loader.version}`;
      stored = store.getFile(options.collection, path);
      if (stored?.contentHash === contentHash) return { path, status: "unchanged", documents: 0, chunks: 0 };
      extracted = await loader.loadFile({ path, limits, onProgress: options.onFileProgress });
    } else {
      const bytes = await readBytes(path, limits.maxFileBytes);
      contentHash = createHash("sha256").update(bytes).digest("hex");
      size = bytes.byteLength;
      stored = store.getFile(options.collection, path);
      if (stored?.contentHash === contentHash) return { path, status: "unchanged", documents: 0, chunks: 0 };
      extracted = await loader.load({ path, bytes, limits });
    }
  } catch (error) {
    if (error instanceof VerityError) return failed(error.code, error.message);
    // A parser failure the loader did not anticipate still fails only this file.
    return failed(
      "E_CORRUPT",
      `${path} could not be read by its parser: ${(error as Error).message ?? String(error)}`,
    );
  }
  // Store failures (disk full, database locked) are not the file's fault: they stop the job.
  let result: PutFileResult;
  try {
    result = storeDocuments(store, {
      collection: options.collection,
      path,
      contentHash,
      size,
      mediaType: loader.mediaType,
      documents: extracted,
      chunker: options.chunker,
    });
  } catch (error) {
    if (error instanceof VerityError) {
      if (error.code === "E_STORE") throw error;
      return failed(error.code, error.message);
    }
    throw new VerityError(
      "E_STORE",
      `storing ${path} failed: ${(error as Error).message}; nothing of it was stored`,
      {
        cause: error,
      },
    );
  }
  const changed = result.added + result.replaced + result.removed > 0;
  return {
    path,
    status: stored ? (changed ? "updated" : "unchanged") : "added",
    documents: extracted.length,
    chunks: result.chunks,
  };
}

function unreadable(path: string, error: unknown): VerityError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied; check its permissions"
      : (error as Error).message;
  return new VerityError("E_UNREADABLE", `${path} cannot be read: ${why}`, { cause: error });
}

async function fileSize(path: string, maxFileBytes: number): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw unreadable(path, error);
  }
  if (size > maxFileBytes) throw tooLarge(path, size, maxFileBytes);
  return size;
}

/** SHA-256 of a file read as a stream, in constant memory. */
async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw unreadable(path, error);
  }
  return hash.digest("hex");
}

async function readBytes(path: string, maxFileBytes: number): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    const { size } = await stat(path);
    if (size > maxFileBytes) throw tooLarge(path, size, maxFileBytes);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof VerityError) throw error;
    throw unreadable(path, error);
  }
  // The file may have grown between stat and read.
  if (bytes.byteLength > maxFileBytes) throw tooLarge(path, bytes.byteLength, maxFileBytes);
  return bytes;
}

function tooLarge(path: string, size: number, limit: number): VerityError {
  const mb = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;
  return new VerityError(
    "E_TOO_LARGE",
    `${path} is ${mb(size)}, over the ${mb(limit)} limit; split it or raise the limit (--max-file-mb)`,
  );
}

function summarise(
  jobId: string,
  collection: string,
  outcomes: FileOutcome[],
  skipped: readonly SkippedPath[],
  bytes: number,
  started: number,
): IngestSummary {
  const count = (status: FileStatus) => outcomes.filter((outcome) => outcome.status === status).length;
  const skippedBy: Record<SkipReason, number> = {
    unsupportedType: 0,
    specialFile: 0,
    outsideFolder: 0,
    alreadyWalked: 0,
  };
  for (const entry of skipped) skippedBy[entry.reason]++;
  return {
    jobId,
    collection,
    files: outcomes.length,
    added: count("added"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    failed: count("failed"),
    skipped: skipped.length,
    skippedBy,
    documents: outcomes.reduce((sum, outcome) => sum + outcome.documents, 0),
    chunks: outcomes.reduce((sum, outcome) => sum + outcome.chunks, 0),
    bytes,
    durationMs: Math.round(performance.now() - started),
    errors: outcomes.filter((outcome) => outcome.status === "failed"),
  };
}
