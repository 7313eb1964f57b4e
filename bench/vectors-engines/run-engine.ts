// The harness every engine of bench/vectors.ts runs in, one engine and size per process so each peak
// memory is its own: builds the engine's index over the first `--count` vectors of the data file
// (timed), warms up, times every query once (k = 10), and prints one JSON line (VectorMeasurement) on
// stdout. Progress and errors go to stderr.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { quantile } from "../report.js";
import { dimensions, readVectors, vectorBatches } from "./dataset.js";

export const neighbours = 10;
const warmUpQueries = 20;

export interface VectorInput {
  /** The data file: raw float32 rows of `dimensions`. */
  path: string;
  /** How many of its rows to index; row numbers are the ids engines return. */
  count: number;
  /** An empty folder for the engine's files, removed afterwards. */
  dir: string;
  /** Consecutive slices of the rows to index. */
  batches(batch?: number): Generator<{ start: number; vectors: Float32Array }>;
}

export interface VectorIndex {
  /** Row numbers of the `limit` nearest vectors by cosine, nearest first. */
  search(query: Float32Array, limit: number): number[] | Promise<number[]>;
  /** Releases files and handles; called after the queries, before `sizeBytes`. */
  close?(): void | Promise<void>;
  /** What the index takes at rest, in bytes. */
  sizeBytes(): number;
}

export interface VectorEngine {
  name: string;
  version: string;
  /** Parameters used, in a few words, for the report. */
  options: string;
  /** How `sizeBytes` measures, in a few words. */
  sizeMethod: string;
  /** Work before the timed build that a user would not repeat per index (copying fixtures). */
  setUp?(input: VectorInput): void;
  build(input: VectorInput): VectorIndex | Promise<VectorIndex>;
}

export interface VectorMeasurement {
  engine: string;
  version: string;
  options: string;
  sizeMethod: string;
  count: number;
  buildSeconds: number;
  indexBytes: number;
  /** maxRSS of the whole process after the queries. */
  peakRssBytes: number;
  /** RSS before anything was read or built: Node, tsx, the harness and the engine's code. */
  baselineRssBytes: number;
  p50Ms: number;
  p95Ms: number;
  /** Row numbers of the top `neighbours` per query, in query order. */
  results: number[][];
}

/** A `--name=value` option of the engine's command line (engines take any they need). */
export function engineOption(name: string): string | undefined {
  const value = parseArgs({ strict: false }).values[name];
  return typeof value === "string" ? value : undefined;
}

export async function runVectorEngine(engine: VectorEngine): Promise<void> {
  const baselineRssBytes = process.memoryUsage().rss;
  const vectorsPath = engineOption("vectors");
  const queriesPath = engineOption("queries");
  const count = Number(engineOption("count"));
  if (!vectorsPath || !queriesPath || !Number.isInteger(count) || count < 1) {
    throw new Error(`usage: ${engine.name} engine --vectors=<file> --queries=<file> --count=<rows>`);
  }
  const available = statSync(vectorsPath).size / (dimensions * 4);
  if (available < count) throw new Error(`${vectorsPath} holds ${available} vectors, fewer than ${count}`);
  const queries = readVectors(queriesPath, 0, statSync(queriesPath).size / (dimensions * 4));
  const queryCount = queries.length / dimensions;
  const query = (row: number) => queries.subarray(row * dimensions, (row + 1) * dimensions);
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-vectors-"));
  try {
    const input: VectorInput = {
      path: vectorsPath,
      count,
      dir,
      batches: (batch) => vectorBatches(vectorsPath, count, batch),
    };
    engine.setUp?.(input);
    const started = performance.now();
    const index = await engine.build(input);
    const buildSeconds = (performance.now() - started) / 1000;
    process.stderr.write(`  ${engine.name}: built ${count} in ${buildSeconds.toFixed(1)} s\n`);

    for (let row = 0; row < Math.min(warmUpQueries, queryCount); row++)
      await index.search(query(row), neighbours);
    const results: number[][] = [];
    const latencies: number[] = [];
    for (let row = 0; row < queryCount; row++) {
      const before = performance.now();
      results.push(await index.search(query(row), neighbours));
      latencies.push(performance.now() - before);
    }
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    await index.close?.();
    const measurement: VectorMeasurement = {
      engine: engine.name,
      version: engine.version,
      options: engine.options,
      sizeMethod: engine.sizeMethod,
      count,
      buildSeconds,
      indexBytes: index.sizeBytes(),
      peakRssBytes,
      baselineRssBytes,
      p50Ms: quantile(latencies, 0.5),
      p95Ms: quantile(latencies, 0.95),
      results,
    };
    process.stdout.write(`${JSON.stringify(measurement)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
