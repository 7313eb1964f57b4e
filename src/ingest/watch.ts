// Keeping a collection in sync with folders: the folders are watched, one full ingest runs (pruning
// files that are gone), and each burst of changes is stored once it settles, after that ingest: new and changed files are
// ingested, deleted files and folders removed. Filters and link rules are those of a full ingest.
import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import type { FSWatcher } from "chokidar";
import type { Store } from "../store/store.js";
import { createPathFilter } from "./discover.js";
import { supportedExtensions } from "./loaders/registry.js";
import { goneFiles, type IngestOptions, type IngestSummary, ingestPaths } from "./pipeline.js";

export interface WatchOptions extends IngestOptions {
  /** Quiet time after the last change before a burst is stored (an editor's save is several events). Default 300 ms. */
  debounceMs?: number;
  /** Called with the first full ingest's summary, then once per burst of changes stored. */
  onSync?: (summary: IngestSummary, phase: "initial" | "change") => void;
  /** A burst that could not be stored (the store failed); watching goes on. */
  onError?: (error: Error) => void;
}

export interface Watcher {
  /** Stops watching; waits for a burst being stored to finish. */
  close(): Promise<void>;
}

export async function watchPaths(
  store: Store,
  paths: readonly string[],
  options: WatchOptions,
): Promise<Watcher> {
  const roots = await Promise.all(paths.map((path) => realpath(resolve(path)).catch(() => resolve(path))));
  const filter = createPathFilter(roots, {
    include: options.include,
    exclude: options.exclude,
    extensions: supportedExtensions(options.fileLoaders),
    followSymlinks: options.followSymlinks,
  });
  const { watch } = await import("chokidar");
  const watcher: FSWatcher = watch(roots, {
    ignoreInitial: true,
    followSymlinks: true,
    // A file still being written is stored once its size stops changing.
    awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 },
    ignored: (path) => filter.excluded(path),
  });

  const changed = new Set<string>();
  const removed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const storeBurst = async (): Promise<void> => {
    const toIngest = [...changed];
    const toPrune = [...removed];
    changed.clear();
    removed.clear();
    const kept = (
      await Promise.all(toIngest.map(async (path) => ((await filter.keeps(path)) ? path : undefined)))
    ).filter((path): path is string => path !== undefined);
    if (kept.length === 0 && toPrune.length === 0) return;
    // Rules' globs stay relative to the folders watched, though the files are named one by one.
    const ingested = await ingestPaths(store, kept, { ...options, prune: false }, { ruleFolders: roots });
    const gone = await goneFiles(store, options.collection, toPrune, { prune: true });
    options.onSync?.({ ...ingested, ...gone }, "change");
  };
  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(storeBurst).catch((error: unknown) => options.onError?.(error as Error));
    }, options.debounceMs ?? 300);
  };
  watcher.on("add", (path) => {
    changed.add(path);
    schedule();
  });
  watcher.on("change", (path) => {
    changed.add(path);
    schedule();
  });
  watcher.on("unlink", (path) => {
    changed.delete(path);
    removed.add(path);
    schedule();
  });
  watcher.on("unlinkDir", (path) => {
    removed.add(path);
    schedule();
  });
  watcher.on("error", (error) => options.onError?.(error as Error));
  // Watch first, then ingest: a change made while the first ingest runs (or just after it reported)
  // is an event, stored in the next burst, never lost between the two.
  await new Promise<void>((ready) => watcher.once("ready", () => ready()));
  let initial: IngestSummary;
  try {
    const first = ingestPaths(store, paths, { ...options, prune: true });
    running = first.then(() => undefined);
    initial = await first;
  } catch (error) {
    closed = true;
    clearTimeout(timer);
    await watcher.close();
    throw error;
  }
  options.onSync?.(initial, "initial");

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
