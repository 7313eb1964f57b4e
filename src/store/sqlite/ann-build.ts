// Bringing a space's HNSW index file up to date with the database, on its own connection: the saved
// index is checked (stamp, size, checksum) and caught up from the change log, or, when it is missing,
// damaged or older than the log reaches back, built again from every stored vector. Runs in a worker
// thread (ann-build-worker.ts): USearch's add is synchronous, and a build takes minutes.
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import type { Index } from "usearch";
import { type AnnChange, readChanges, vectorSource } from "./ann-changes.js";
import {
  type AnnSettings,
  type AnnSpaceIdentity,
  type AnnStamp,
  checkIndexFile,
  newIndexFile,
  publishIndexFile,
  readStamp,
} from "./ann-files.js";

export interface AnnBuildRequest {
  databasePath: string;
  directory: string;
  space: AnnSpaceIdentity & { quantization: string };
  settings: AnnSettings;
  busyTimeoutMs: number;
}

export interface AnnBuildResult {
  /** The stamp of the index file now current (this build's, or a newer one another process saved). */
  stamp: AnnStamp;
  /** `built`: from every vector; `caught-up`: the saved index plus the log; `current`: nothing to do. */
  how: "built" | "caught-up" | "current";
  /** Why the saved index could not be used, when it was rebuilt for a reason other than absence. */
  problem?: string;
  seconds: number;
}

let usearch: typeof import("usearch") | undefined;
/**
 * USearch, loaded on first use (a store whose spaces stay small never loads it). Its CommonJS build:
 * the ES module finds its native binary from the calling script's folder, which in a worker thread
 * started from source is the working directory, not USearch's own.
 */
function loadUsearch(): typeof import("usearch") {
  usearch ??= createRequire(import.meta.url)("usearch") as typeof import("usearch");
  return usearch;
}

/** Vectors added to USearch per call: each call spreads its vectors over every core. */
const addBatch = 10_000;

export function createAnnIndex(dimensions: number, settings: AnnSettings, expansionSearch = 0): Index {
  const { Index, MetricKind, ScalarKind } = loadUsearch();
  return new Index({
    dimensions,
    metric: MetricKind.Cos,
    quantization: ScalarKind.F32,
    connectivity: settings.connectivity,
    expansion_add: settings.expansionAdd,
    expansion_search: expansionSearch,
    multi: false,
  });
}

export function buildAnnIndex(request: AnnBuildRequest): AnnBuildResult {
  const started = performance.now();
  const { space, settings, directory } = request;
  const db = new Database(request.databasePath, {
    readonly: true,
    fileMustExist: true,
    timeout: request.busyTimeoutMs,
  });
  try {
    sqliteVec.load(db);
    const found = readStamp(directory, space, settings);
    let problem = "missing" in found && !found.missing ? found.problem : undefined;
    // One read transaction: the vectors, the log and its pruning point are one snapshot.
    const result = db.transaction(() => {
      const pruned =
        db
          .prepare<[number], { ann_pruned: number }>("SELECT ann_pruned FROM embedding_spaces WHERE id = ?")
          .get(space.id)?.ann_pruned ?? 0;
      const latest =
        db
          .prepare<[number], { seq: number | null }>(
            "SELECT max(seq) AS seq FROM vector_changes WHERE space_id = ?",
          )
          .get(space.id)?.seq ?? pruned;
      if ("stamp" in found) {
        const damage = checkIndexFile(directory, found.stamp);
        if (damage) problem = damage;
        else if (found.stamp.seq < pruned) problem = undefined;
        else if (found.stamp.seq >= latest) return { stamp: found.stamp, how: "current" as const };
        else return catchUp(db, request, found.stamp, latest);
      }
      return build(db, request, Math.max(latest, pruned));
    })();
    return { ...result, ...(problem ? { problem } : {}), seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

function build(
  db: Database.Database,
  request: AnnBuildRequest,
  seq: number,
): { stamp: AnnStamp; how: "built" | "current" } {
  const { space, settings, directory } = request;
  const index = createAnnIndex(space.dimensions, settings);
  const keys = new BigUint64Array(addBatch);
  const vectors = new Float32Array(addBatch * space.dimensions);
  let pending = 0;
  const flush = () => {
    if (pending === 0) return;
    index.add(keys.subarray(0, pending), vectors.subarray(0, pending * space.dimensions), 0);
    pending = 0;
  };
  const rows = db
    .prepare<[], { rowid: number; vector: Buffer }>(vectorSource(space.id, space.quantization))
    .iterate();
  for (const row of rows) {
    keys[pending] = BigInt(row.rowid);
    vectors.set(
      new Float32Array(row.vector.buffer, row.vector.byteOffset, space.dimensions),
      pending * space.dimensions,
    );
    pending++;
    if (pending === addBatch) flush();
  }
  flush();
  return save(index, directory, { space, settings, seq }, "built");
}

function catchUp(
  db: Database.Database,
  request: AnnBuildRequest,
  stamp: AnnStamp,
  latest: number,
): { stamp: AnnStamp; how: "caught-up" | "current" } {
  const { space, settings, directory } = request;
  const index = createAnnIndex(space.dimensions, settings);
  index.load(`${directory}/${stamp.file}`);
  const changes: AnnChange[] = readChanges(db, space, stamp.seq, latest);
  const added = changes.filter((change) => change.vector !== undefined);
  for (const change of changes) {
    if (index.contains(BigInt(change.rowid))) index.remove(BigInt(change.rowid));
  }
  for (let start = 0; start < added.length; start += addBatch) {
    const slice = added.slice(start, start + addBatch);
    const keys = BigUint64Array.from(slice, (change) => BigInt(change.rowid));
    const vectors = new Float32Array(slice.length * space.dimensions);
    slice.forEach((change, row) => {
      vectors.set(change.vector as Float32Array, row * space.dimensions);
    });
    index.add(keys, vectors, 0);
  }
  return save(index, directory, { space, settings, seq: latest }, "caught-up");
}

function save<How extends "built" | "caught-up">(
  index: Index,
  directory: string,
  what: { space: AnnSpaceIdentity; settings: AnnSettings; seq: number },
  how: How,
): { stamp: AnnStamp; how: How | "current" } {
  const file = newIndexFile(directory, what.space.id);
  index.save(`${directory}/${file}`);
  const space = {
    id: what.space.id,
    name: what.space.name,
    createdAt: what.space.createdAt,
    dimensions: what.space.dimensions,
  };
  const published = publishIndexFile(directory, {
    format: 1,
    space,
    settings: what.settings,
    file,
    seq: what.seq,
    vectors: index.size(),
  });
  if (published) return { stamp: published, how };
  const newer = readStamp(directory, space, what.settings);
  if (!("stamp" in newer)) throw new Error(`a newer index of space ${space.id} vanished: ${newer.problem}`);
  return { stamp: newer.stamp, how: "current" };
}
