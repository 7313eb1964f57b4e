// One step of the scale benchmark in a process of its own, on one store (bench/scale-store.ts):
//   ingest: ingests the JSONL files given into the store (the bench starts one or two at once);
//   query:  times BM25 retrieval (as `verity ask` runs it), stores one synthetic vector per chunk and
//           times the vector search (through the HNSW index, and exact) and the engine's hybrid `ask`.
// Progress goes to stderr; the result is one JSON line on stdout. Started by bench/scale.ts.
import { parseArgs } from "node:util";
import { readBeir } from "../eval/beir-data.js";
import type { Embedder } from "../src/embed/embedder.js";
import { retrieveBm25 } from "../src/retrieve/bm25-retriever.js";
import type { VectorHit } from "../src/store/vectors.js";
import { quantile } from "./report.js";
import { openScaleStore, type ScaleStoreSpec } from "./scale-store.js";
import { createVectorSource, dimensions } from "./vectors-engines/dataset.js";

export interface Timings {
  p50Ms: number;
  p95Ms: number;
}

export interface IngestMeasurement {
  chunks: number;
  /** Wall-clock milliseconds (Date.now) around `ingest`, so concurrent processes can be put on one clock. */
  startedAt: number;
  finishedAt: number;
}

export interface QueryMeasurement {
  chunks: number;
  queries: number;
  peakRssBytes: number;
  bm25: Timings;
  /** Absent when the store has no vector search (PostgreSQL without pgvector): `vectorsMissing` says why. */
  vectors?: {
    /** Seconds in putVectors, batches of `vectorBatch`; on Postgres the HNSW index is kept up to date inside it. */
    insertSeconds: number;
    /** SQLite: seconds from the last putVectors until searches go through the HNSW index. */
    indexSeconds?: number;
    ann: Timings;
    /** How the default (non-exact) searches were answered. */
    method: VectorHit["method"];
    exact: Timings;
    recallAt10: number;
  };
  vectorsMissing?: string;
  /** The engine's `ask` (extractive answerer): hybrid when the store has vectors, else BM25 alone. */
  ask: Timings & { mode: "bm25" | "hybrid" };
}

export const collection = "scale";
const warmUpQueries = 20;
const vectorBatch = 10_000;
export const vectorNeighbours = 10;
/** The synthetic vectors of bench/vectors.ts: its cluster model, one stream for chunks, one for queries. */
const modelSeed = 1;
const chunkSeed = 2;
const querySeed = 3;

const { values } = parseArgs({
  options: {
    mode: { type: "string" },
    store: { type: "string" },
    files: { type: "string" },
    beir: { type: "string" },
  },
});
if (!values.store || (values.mode === "ingest" ? !values.files : values.mode !== "query" || !values.beir)) {
  throw new Error(
    "usage: scale-worker.ts --store <JSON spec> (--mode ingest --files <a.jsonl,b.jsonl> | --mode query --beir <BEIR folder>)",
  );
}
const spec = JSON.parse(values.store) as ScaleStoreSpec;
const queryTexts = values.beir ? readBeir(values.beir).queries.map((query) => query.text.trim()) : [];
// The claims' vectors, one per claim, answered by a tiny in-process embedder for hybrid `ask`.
const queryVectors = new Float32Array(queryTexts.length * dimensions);
createVectorSource(modelSeed, querySeed).fill(queryVectors);
const vectorOf = new Map(
  queryTexts.map((text, index) => [
    text,
    queryVectors.subarray(index * dimensions, (index + 1) * dimensions),
  ]),
);
const embedder: Embedder = {
  provider: "bench",
  model: "synthetic",
  dimensions,
  maxBatchSize: 64,
  async doEmbed({ texts }) {
    return {
      embeddings: texts.map((text) => {
        const vector = vectorOf.get(text);
        if (!vector) throw new Error(`the bench embedder has no vector for ${JSON.stringify(text)}`);
        return vector;
      }),
    };
  },
};

const opened = await openScaleStore(spec, { embedder, annIndex: values.mode === "query" });
const { verity } = opened;
try {
  const result = values.mode === "ingest" ? await ingest((values.files as string).split(",")) : await query();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await opened.close();
}

async function ingest(files: string[]): Promise<IngestMeasurement> {
  const startedAt = Date.now();
  const summary = await verity.ingest(files, { collection });
  const finishedAt = Date.now();
  if (summary.failed > 0) throw new Error(`ingestion failed: ${JSON.stringify(summary.errors.slice(0, 3))}`);
  return { chunks: summary.chunks, startedAt, finishedAt };
}

async function query(): Promise<QueryMeasurement> {
  const { chunks } = await verity.store.stats();
  const bm25 = await time(queryTexts, (text) => retrieveBm25(verity.store, text, { collection, limit: 8 }));
  let vectors: QueryMeasurement["vectors"];
  if (opened.vectorsMissing === undefined) vectors = await measureVectors();
  progress("  timing ask");
  let mode: "bm25" | "hybrid" | undefined;
  const ask = await time(queryTexts, async (text) => {
    const answer = await verity.ask(text, { collection });
    mode ??= answer.trace.retrieval === "hybrid" ? "hybrid" : "bm25";
  });
  return {
    chunks,
    queries: queryTexts.length,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    bm25,
    ...(vectors ? { vectors } : {}),
    ...(opened.vectorsMissing !== undefined ? { vectorsMissing: opened.vectorsMissing } : {}),
    ask: { ...ask, mode: mode ?? "bm25" },
  };
}

async function measureVectors(): Promise<NonNullable<QueryMeasurement["vectors"]>> {
  const { store } = verity;
  const space = "bench:synthetic:1";
  await store.createSpace({
    collection,
    name: space,
    provider: embedder.provider,
    model: embedder.model,
    dimensions,
    normalised: true,
    version: "1",
    quantization: "float32",
  });
  const source = createVectorSource(modelSeed, chunkSeed);
  let insertMs = 0;
  let stored = 0;
  let after: number | undefined;
  for (;;) {
    const page = await store.chunksToEmbed(collection, space, vectorBatch, after);
    if (page.length === 0) break;
    after = page.at(-1)?.cursor;
    const rows = new Float32Array(page.length * dimensions);
    source.fill(rows);
    const started = performance.now();
    stored += await store.putVectors(
      collection,
      space,
      page.map((chunk, row) => ({
        chunkId: chunk.chunkId,
        vector: rows.subarray(row * dimensions, (row + 1) * dimensions),
      })),
    );
    insertMs += performance.now() - started;
    progress(`  stored ${stored.toLocaleString("en")} vectors, ${(insertMs / 1000).toFixed(1)} s`);
  }
  await store.activateSpace(collection, space);
  const inserted = performance.now();
  const probe = queryVectors.subarray(0, dimensions);
  let indexSeconds: number | undefined;
  if (opened.kind === "sqlite") {
    // The store builds its HNSW index in the background; searches scan until it is ready.
    while ((await store.searchVectors({ collection, vector: probe, limit: 1 }))[0]?.method !== "ann") {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    indexSeconds = (performance.now() - inserted) / 1000;
  }
  progress("  timing vector searches");
  const probes = queryTexts.map((_, index) =>
    queryVectors.subarray(index * dimensions, (index + 1) * dimensions),
  );
  const annIds: string[][] = [];
  const exactIds: string[][] = [];
  let method: VectorHit["method"] = "exact";
  const search = async (vector: Float32Array, exact: boolean) =>
    store.searchVectors({ collection, vector, limit: vectorNeighbours, ...(exact ? { exact } : {}) });
  const ann = await time(probes, async (vector) => {
    const hits = await search(vector, false);
    method = hits[0]?.method ?? method;
    annIds.push(hits.map((hit) => hit.chunk.id));
  });
  const exact = await time(probes, async (vector) => {
    exactIds.push((await search(vector, true)).map((hit) => hit.chunk.id));
  });
  let found = 0;
  let wanted = 0;
  // The timed runs follow the warm-up runs: the last `probes.length` entries are the timed ones.
  const timedAnn = annIds.slice(-probes.length);
  exactIds.slice(-probes.length).forEach((truth, index) => {
    const returned = new Set(timedAnn[index]);
    found += truth.filter((id) => returned.has(id)).length;
    wanted += truth.length;
  });
  return {
    insertSeconds: insertMs / 1000,
    ...(indexSeconds !== undefined ? { indexSeconds } : {}),
    ann,
    method,
    exact,
    recallAt10: found / wanted,
  };
}

/** Runs `operation` on the first `warmUpQueries` inputs untimed, then on every input timed. */
async function time<T>(inputs: readonly T[], operation: (input: T) => Promise<unknown>): Promise<Timings> {
  for (const input of inputs.slice(0, warmUpQueries)) await operation(input);
  const times: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await operation(input);
    times.push(performance.now() - started);
  }
  return { p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95) };
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
