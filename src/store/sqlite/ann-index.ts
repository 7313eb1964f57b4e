// Approximate nearest neighbours for large embedding spaces: an HNSW index (USearch) kept in a file
// beside the database, which stays the system of record. A space gets one once it holds `threshold`
// vectors. From then on every write to the space is logged (`vector_changes`, in the writing
// transaction), so this process and any other can tell how far behind its index is: a few changes are
// applied at query time (to a small in-memory index beside the mapped file, and a list of rowids the
// file must no longer return); more start a catch-up in a worker thread. Until an index is current the
// exact scan answers, so a missing, damaged or stale index costs speed, never results.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import type { Index } from "usearch";
import { VerityError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { AnnBuildRequest, AnnBuildResult } from "./ann-build.js";
import { createAnnIndex } from "./ann-build.js";
import { readChanges } from "./ann-changes.js";
import { type AnnSettings, type AnnStamp, annDirectory, removeIndexFiles } from "./ann-files.js";
import type { Writer } from "./writer.js";

export interface AnnOptions {
  /**
   * Vectors a space must hold to get an HNSW index (default 50 000): below it the exact scan is fast
   * enough. 0: every space; Infinity: never (always the exact scan).
   */
  threshold?: number;
  /** Candidates HNSW examines per query (USearch `expansion_search`, default 128): more is slower and finds more. */
  expansionSearch?: number;
  /** Links per node of the graph (USearch `connectivity`, default 16). Changing it rebuilds the index. */
  connectivity?: number;
  /** Candidates examined per insertion (USearch `expansion_add`, default 64). Changing it rebuilds the index. */
  expansionAdd?: number;
  /** Wait before a background build starts, in ms (default 2000), so short-lived processes start none. */
  buildDelayMs?: number;
}

export const defaultAnnOptions = {
  threshold: 50_000,
  expansionSearch: 128,
  connectivity: 16,
  expansionAdd: 64,
  buildDelayMs: 2000,
} as const;

/** Changes applied at query time; more are left to a background catch-up (the scan answers meanwhile). */
const maxChangesAtQuery = 256;
/** A failed build is tried again after this long. */
const retryMs = 30_000;

export interface AnnSpace {
  id: number;
  name: string;
  created_at: string;
  dimensions: number;
  quantization: string;
}

export interface AnnIndexes {
  /**
   * The `count` nearest vectors of the space by cosine (rowid, similarity), nearest first, or
   * undefined when the exact scan must answer (no index, or one not yet current).
   */
  nearest(
    space: AnnSpace,
    vector: Float32Array,
    count: number,
  ): { rowid: number; score: number }[] | undefined;
  /** The space was removed: drops its index, in memory and on disk. */
  forget(spaceId: number): void;
  close(): void;
}

interface SpaceState {
  space: AnnSpace;
  /** The mapped index file, and its stamp. */
  base?: Index;
  stamp?: AnnStamp;
  /** Vectors stored since the file was saved, and rowids whose vector in the file is out of date. */
  recent?: Index;
  outdated: Set<number>;
  /** The last log seq that base, recent and outdated reflect together. */
  applied: number;
  building: boolean;
  notBefore: number;
}

export function createAnnIndexes(context: {
  db: Database.Database;
  writer: Writer;
  databasePath: string;
  busyTimeoutMs: number;
  logger: Logger;
  options: AnnOptions;
}): AnnIndexes {
  const { db, writer, logger } = context;
  const options = checkAnnOptions(context.options);
  const settings: AnnSettings = { connectivity: options.connectivity, expansionAdd: options.expansionAdd };
  const directory = annDirectory(context.databasePath);
  const disabled =
    options.threshold === Number.POSITIVE_INFINITY || context.databasePath === ":memory:" || writer.readOnly;
  const states = new Map<number, SpaceState>();
  const workers = new Set<Worker>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const position = db.prepare<[number, number], { pruned: number; latest: number | null; pending: number }>(
    `SELECT s.ann_pruned AS pruned,
       (SELECT max(seq) FROM vector_changes WHERE space_id = s.id) AS latest,
       (SELECT count(*) FROM vector_changes WHERE space_id = s.id AND seq > ?) AS pending
     FROM embedding_spaces s WHERE s.id = ?`,
  );
  const markIndexed = writer.transaction((spaceId: number) => {
    db.prepare("UPDATE embedding_spaces SET ann = 1 WHERE id = ? AND ann = 0").run(spaceId);
  });
  const prune = writer.transaction((spaceId: number, seq: number) => {
    db.prepare("DELETE FROM vector_changes WHERE space_id = ? AND seq <= ?").run(spaceId, seq);
    db.prepare("UPDATE embedding_spaces SET ann_pruned = max(ann_pruned, ?) WHERE id = ?").run(seq, spaceId);
  });

  function vectorCount(space: AnnSpace): number {
    const table = space.quantization === "float32" ? `space_${space.id}_rowids` : `space_${space.id}_full`;
    return db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;
  }

  function schedule(state: SpaceState): void {
    if (state.building || closed || Date.now() < state.notBefore) return;
    state.building = true;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) runBuild(state);
    }, options.buildDelayMs);
    timer.unref();
    timers.add(timer);
  }

  function runBuild(state: SpaceState): void {
    const request: AnnBuildRequest = {
      databasePath: context.databasePath,
      directory,
      space: {
        id: state.space.id,
        name: state.space.name,
        createdAt: state.space.created_at,
        dimensions: state.space.dimensions,
        quantization: state.space.quantization,
      },
      settings,
      busyTimeoutMs: context.busyTimeoutMs,
    };
    logger.info({ space: state.space.name }, "building or catching up the vector index in the background");
    const worker = startWorker(request);
    worker.unref();
    workers.add(worker);
    let answered = false;
    let finished = false;
    const finish = (failure?: string) => {
      if (finished) return;
      finished = true;
      workers.delete(worker);
      state.building = false;
      if (failure) {
        state.notBefore = Date.now() + retryMs;
        logger.warn(
          { space: state.space.name, error: failure },
          "the vector index could not be built; queries use the exact scan until it is",
        );
      }
    };
    worker.on("message", (message: { result?: AnnBuildResult; error?: string }) => {
      answered = true;
      if (closed || states.get(state.space.id) !== state) return finish();
      if (!message.result) return finish(message.error ?? "the build worker gave no result");
      try {
        adopt(state, message.result);
        finish();
      } catch (error) {
        finish((error as Error).message);
      }
    });
    worker.on("error", (error) => finish(error.message));
    worker.on("exit", (code) => {
      if (!answered && !closed) finish(`the build worker exited with code ${code}`);
    });
  }

  /** Maps the file a build left current and starts over from its seq; prunes the log it covers. */
  function adopt(state: SpaceState, result: AnnBuildResult): void {
    if (result.problem) {
      logger.warn(
        { space: state.space.name, problem: result.problem },
        "the vector index file was unusable and has been rebuilt",
      );
    }
    const index = createAnnIndex(state.space.dimensions, settings, options.expansionSearch);
    index.view(`${directory}/${result.stamp.file}`);
    state.base = index;
    state.stamp = result.stamp;
    state.recent = undefined;
    state.outdated = new Set();
    state.applied = result.stamp.seq;
    logger.info(
      { space: state.space.name, vectors: result.stamp.vectors, how: result.how, seconds: result.seconds },
      "vector index ready",
    );
    prune(state.space.id, result.stamp.seq);
  }

  /** Applies the log after `state.applied` to the in-memory part; false when too much is pending. */
  function catchUp(state: SpaceState): boolean {
    const at = position.get(state.applied, state.space.id);
    if (!at) return false;
    if (at.pruned > state.applied) {
      // Another process saved a newer file and pruned the log this index still needed.
      state.base = undefined;
      schedule(state);
      return false;
    }
    const latest = at.latest ?? state.applied;
    if (latest <= state.applied) return true;
    if (at.pending > maxChangesAtQuery) {
      schedule(state);
      return false;
    }
    const changes = readChanges(db, state.space, state.applied, latest);
    state.recent ??= createAnnIndex(state.space.dimensions, settings, options.expansionSearch);
    for (const change of changes) {
      const key = BigInt(change.rowid);
      state.outdated.add(change.rowid);
      if (state.recent.contains(key)) state.recent.remove(key);
      if (change.vector) state.recent.add(key, change.vector);
    }
    state.applied = latest;
    // Fold a grown in-memory part into a new file while this one keeps answering.
    if (state.outdated.size > Math.max(1000, (state.base?.size() ?? 0) * 0.05)) schedule(state);
    return true;
  }

  return {
    nearest(space, vector, count) {
      if (disabled || closed) return undefined;
      let state = states.get(space.id);
      if (state && state.space.created_at !== space.created_at) {
        states.delete(space.id);
        state = undefined;
      }
      if (!state) {
        if (vectorCount(space) < options.threshold) return undefined;
        markIndexed(space.id);
        state = { space, outdated: new Set(), applied: 0, building: false, notBefore: 0 };
        states.set(space.id, state);
      }
      if (!state.base) {
        schedule(state);
        return undefined;
      }
      if (!catchUp(state) || !state.base) return undefined;
      const base = state.base.search(vector, Math.min(count + state.outdated.size, count * 4 + 1000), 1);
      const ranked: { rowid: number; score: number }[] = [];
      base.keys.forEach((key, position) => {
        const rowid = Number(key);
        if (!state.outdated.has(rowid)) {
          ranked.push({ rowid, score: 1 - (base.distances[position] as number) });
        }
      });
      if (state.recent && state.recent.size() > 0) {
        const recent = state.recent.search(vector, count, 1);
        recent.keys.forEach((key, position) => {
          ranked.push({ rowid: Number(key), score: 1 - (recent.distances[position] as number) });
        });
      }
      return ranked.sort((a, b) => b.score - a.score).slice(0, count);
    },

    forget(spaceId) {
      states.delete(spaceId);
      if (!disabled) removeIndexFiles(directory, spaceId);
    },

    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const worker of workers) void worker.terminate();
      states.clear();
    },
  };
}

/** The options with their defaults, or an E_CONFIG error naming the one that is wrong. */
export function checkAnnOptions(given: AnnOptions): Required<AnnOptions> {
  const options = { ...defaultAnnOptions, ...given };
  const wrong = (name: keyof AnnOptions, what: string) =>
    new VerityError("E_CONFIG", `vectorIndex.${name} must be ${what}, not ${options[name]}`, {
      option: `vectorIndex.${name}`,
    });
  if (!(options.threshold >= 0)) throw wrong("threshold", "0 or more (Infinity: never index)");
  for (const name of ["expansionSearch", "connectivity", "expansionAdd"] as const) {
    if (!Number.isInteger(options[name]) || options[name] < 1 || options[name] > 4096) {
      throw wrong(name, "a whole number from 1 to 4096");
    }
  }
  if (!(options.buildDelayMs >= 0)) throw wrong("buildDelayMs", "0 or more");
  return options;
}

/**
 * A worker thread running ann-build-worker: the compiled JavaScript, or in development (tests, tsx)
 * the TypeScript source, loaded through tsx's loader registered inside the worker.
 */
function startWorker(request: AnnBuildRequest): Worker {
  const compiled = new URL("./ann-build-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: request });
  const source = new URL("./ann-build-worker.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })
    .catch((error) => require("node:worker_threads").parentPort.postMessage({ error: String(error) }));`;
  return new Worker(bootstrap, { eval: true, workerData: request });
}
