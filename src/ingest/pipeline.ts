// Ingestion: discover files, skip unchanged bytes, extract, chunk, and store each file in one
// transaction. A failing file is reported and the rest go on; nothing stored is ever lost to a bad file.
import { createHash } from "node:crypto";
import { constants, createReadStream } from "node:fs";
import { lstat, open, realpath, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
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
  type LoadProblem,
  loadedDocuments,
  type PartialLoad,
} from "./extracted.js";
import { createGroupsOf, type GroupRule } from "./group-rules.js";
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
  /**
   * Remove what was stored from files that no longer exist under the folders (or at the file paths)
   * named (default false: they are only reported, in `gone`).
   */
  prune?: boolean;
  /**
   * Access groups of every document ingested (default none: readable by anyone who may read the
   * collection). Re-ingesting an unchanged file under other groups changes its groups, not its chunks.
   */
  groups?: readonly string[];
  /**
   * More groups for the files whose path, relative to a folder named, matches a rule's glob (e.g.
   * `{ match: "hr/**", groups: ["hr"] }`); a file gets `groups` and those of every rule it matches.
   */
  groupRules?: readonly GroupRule[];
}

/** What the ingestion of some paths knows beyond its options. */
export interface IngestContext {
  /**
   * Folders `groupRules` globs are relative to; default the folders among the paths ingested. A
   * watcher names the folders it watches, as it ingests the files that changed in them one by one.
   */
  ruleFolders?: readonly string[];
}

/** `partial`: stored, but part of the file was unusable (malformed JSONL lines), listed in `problems`. */
export type FileStatus = "added" | "updated" | "unchanged" | "partial" | "failed";

export interface FileOutcome {
  path: string;
  status: FileStatus;
  documents: number;
  chunks: number;
  /** The file's bytes were unchanged but its access groups were not: its documents got the new ones. */
  regrouped?: boolean;
  /** Why the file failed, or (partial) its first problem. */
  error?: { code: ErrorCode; message: string };
  /** Partial files: what was left out, the first `maxListedProblems` of `problemCount`. */
  problems?: LoadProblem[];
  problemCount?: number;
  /** What a loader noted while reading the file (e.g. HTML too deeply nested for Readability). */
  warnings?: string[];
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
  /** Files stored with part of them left out (see each one's `problems` in `errors`). */
  partial: number;
  /** Files stored with warnings from their loader (each outcome's `warnings`). */
  warnings: FileOutcome[];
  /** Files stored earlier under the paths named that no longer exist: kept, unless `prune` removed them. */
  gone: string[];
  /** Documents removed because their files are gone (`prune`). */
  pruned: number;
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
  context: IngestContext = {},
): Promise<IngestSummary> {
  const started = performance.now();
  const limits = { ...defaultLoaderLimits, ...options.limits };
  validateCollection(options.collection);
  const groupsOf = await createGroupsOf(context.ruleFolders ?? paths, options);
  const discovery = await discoverFiles(paths, {
    include: options.include,
    exclude: options.exclude,
    extensions: supportedExtensions(options.fileLoaders),
    followSymlinks: options.followSymlinks,
  });
  const job = await store.startJob("ingest", options.collection, { paths: [...paths] });
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
      const outcome = await ingestFile(store, file.path, options, limits, groupsOf(file.path));
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
    await store.finishJob(job.id, "failed", { error: (error as Error).message });
    throw error;
  }
  let gone: GoneFiles;
  try {
    gone = await goneFiles(store, options.collection, paths, { prune: options.prune === true });
  } catch (error) {
    await store.finishJob(job.id, "failed", { error: (error as Error).message });
    throw error;
  }
  const summary = {
    ...summarise(job.id, options.collection, outcomes, discovery.skipped, bytesDone, started),
    ...gone,
  };
  await store.finishJob(job.id, summary.failed > 0 ? "failed" : "succeeded", {
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
  groups: readonly string[],
): Promise<FileOutcome> {
  const failed = (code: ErrorCode, message: string): FileOutcome => ({
    path,
    status: "failed",
    documents: 0,
    chunks: 0,
    error: { code, message },
  });
  let extracted: ExtractedDocument[];
  let partial: PartialLoad | undefined;
  let contentHash: string;
  let size: number;
  let loader: Loader | FileLoader;
  let stored: SourceFile | undefined;
  /** The same bytes as stored: only the file's access groups may need to change. */
  const unchanged = async (): Promise<FileOutcome> =>
    (await store.setFileGroups(options.collection, path, groups)) > 0
      ? { path, status: "updated", documents: 0, chunks: 0, regrouped: true }
      : { path, status: "unchanged", documents: 0, chunks: 0 };
  try {
    loader = loaderFor(path, options.fileLoaders);
    if ("loadFile" in loader) {
      // Recordings are hashed as a stream and read by the loader itself: never whole in memory. The
      // loader's version (its transcription engine) is part of the hash, so another engine re-ingests.
      size = await fileSize(path, loader.maxFileBytes);
      contentHash = `${await hashFile(path)}:${loader.version}`;
      stored = await store.getFile(options.collection, path);
      if (stored?.contentHash === contentHash) return unchanged();
      extracted = await loader.loadFile({ path, limits, onProgress: options.onFileProgress });
    } else {
      const bytes = await readBytes(path, limits.maxFileBytes);
      contentHash = createHash("sha256").update(bytes).digest("hex");
      size = bytes.byteLength;
      stored = await store.getFile(options.collection, path);
      if (stored?.contentHash === contentHash) return unchanged();
      const loaded = await loader.load({ path, bytes, limits });
      extracted = loadedDocuments(loaded);
      partial = Array.isArray(loaded) ? undefined : loaded;
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
    result = await storeDocuments(store, {
      collection: options.collection,
      path,
      contentHash,
      size,
      mediaType: loader.mediaType,
      documents: extracted,
      chunker: options.chunker,
      groups,
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
  const changed = result.added + result.replaced + result.removed + result.regrouped > 0;
  const warnings = loaderWarnings(extracted);
  const outcome: FileOutcome = {
    path,
    status: stored ? (changed ? "updated" : "unchanged") : "added",
    documents: extracted.length,
    chunks: result.chunks,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  if (!partial) return outcome;
  const [first] = partial.problems;
  return {
    ...outcome,
    status: "partial",
    ...(first ? { error: { code: first.code, message: first.message } } : {}),
    problems: partial.problems,
    problemCount: partial.problemCount,
  };
}

/** The distinct warnings a loader left in its documents' metadata (`warnings`, `decodeWarnings`), at most five. */
function loaderWarnings(documents: readonly ExtractedDocument[]): string[] {
  const found = new Set<string>();
  for (const document of documents) {
    for (const key of ["warnings", "decodeWarnings"]) {
      const value = document.metadata?.[key];
      if (Array.isArray(value))
        for (const warning of value) if (typeof warning === "string") found.add(warning);
    }
    if (found.size >= 5) break;
  }
  return [...found].slice(0, 5);
}

export interface GoneFiles {
  /** Stored files at or under the paths given that no longer exist. */
  gone: string[];
  /** Documents removed with them (when pruning). */
  pruned: number;
}

/**
 * Stored files of the collection, at or under `paths`, that no longer exist on disk, removed with
 * everything derived from them when `prune`. Stored paths are real paths, so each path is compared by
 * its real path when it still exists.
 */
export async function goneFiles(
  store: Store,
  collection: string,
  paths: readonly string[],
  options: { prune: boolean },
): Promise<GoneFiles> {
  const gone = await findGone(store, collection, paths);
  let pruned = 0;
  if (options.prune) for (const path of gone) pruned += await store.removeFile(collection, path);
  return { gone, pruned };
}

async function findGone(store: Store, collection: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0 || !(await store.hasCollection(collection))) return [];
  const roots = await Promise.all(paths.map((path) => realpath(resolve(path)).catch(() => resolve(path))));
  const under = (file: string) =>
    roots.some((root) => file === root || file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`));
  const gone: string[] = [];
  for (const file of await store.listFiles(collection)) {
    if (!under(file.path)) continue;
    const exists = await lstat(file.path).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code !== "ENOENT" && error.code !== "ENOTDIR",
    );
    if (!exists) gone.push(file.path);
  }
  return gone;
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
    const info = await stat(path);
    if (!info.isFile()) throw notAFile(path);
    size = info.size;
  } catch (error) {
    if (error instanceof VerityError) throw error;
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

/**
 * The file's bytes. It is opened without blocking and checked through the open handle, so a file
 * swapped for a pipe after discovery fails at once instead of waiting for a writer forever.
 */
async function readBytes(path: string, maxFileBytes: number): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notAFile(path);
      if (info.size > maxFileBytes) throw tooLarge(path, info.size, maxFileBytes);
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof VerityError) throw error;
    throw unreadable(path, error);
  }
  // The file may have grown between stat and read.
  if (bytes.byteLength > maxFileBytes) throw tooLarge(path, bytes.byteLength, maxFileBytes);
  return bytes;
}

function notAFile(path: string): VerityError {
  return new VerityError(
    "E_UNREADABLE",
    `${path} is not a regular file (a pipe, socket or device); name a file or a folder`,
  );
}

function tooLarge(path: string, size: number, limit: number): VerityError {
  const mb = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;
  return new VerityError(
    "E_TOO_LARGE",
    `${path} is ${mb(size)}, over the ${mb(limit)} limit; split it or raise the limit`,
    { option: "limits.maxFileBytes" },
  );
}

function summarise(
  jobId: string,
  collection: string,
  outcomes: FileOutcome[],
  skipped: readonly SkippedPath[],
  bytes: number,
  started: number,
): Omit<IngestSummary, "gone" | "pruned"> {
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
    partial: count("partial"),
    skipped: skipped.length,
    skippedBy,
    documents: outcomes.reduce((sum, outcome) => sum + outcome.documents, 0),
    chunks: outcomes.reduce((sum, outcome) => sum + outcome.chunks, 0),
    bytes,
    durationMs: Math.round(performance.now() - started),
    errors: outcomes.filter((outcome) => outcome.status === "failed" || outcome.status === "partial"),
    warnings: outcomes.filter((outcome) => outcome.warnings !== undefined),
  };
}
