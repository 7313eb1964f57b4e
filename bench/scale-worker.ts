// One size of the scale benchmark, in its own process so its peak memory is its own: ingests a synthetic
// corpus folder into a fresh store, then times BM25 retrieval (as `verity ask` runs it) for every query.
// Progress goes to stderr; the result is one JSON line on stdout. Started by bench/scale.ts.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readBeir } from "../eval/beir-data.js";
import { stem } from "../src/core/terms.js";
import { createVerity } from "../src/engine.js";
import { queryTerms, retrieveBm25 } from "../src/retrieve/bm25-retriever.js";
import { quantile } from "./report.js";

export interface QueryTimings {
  p50Ms: number;
  p95Ms: number;
  slowest: { query: string; ms: number; terms: number; postings: number };
}

export interface ScaleMeasurement {
  chunks: number;
  documents: number;
  buildSeconds: number;
  databaseBytes: number;
  peakRssBytes: number;
  queries: number;
  /** Median over queries of the chunks matching each query term, summed: the postings BM25 reads. */
  medianPostings: number;
  limit8: QueryTimings;
  limit100: QueryTimings;
  /**
   * The same queries without term pruning (every term may match alone, so every chunk holding any of
   * them is scored): its cost, and how much of its top 8 the pruned search returns (mean share).
   */
  exhaustive: { p50Ms: number; p95Ms: number; agreementAt8: number };
}

const collection = "scale";
const warmUpQueries = 20;

const { values } = parseArgs({
  options: {
    corpus: { type: "string" },
    "data-dir": { type: "string" },
    beir: { type: "string" },
  },
});
if (!values.corpus || !values["data-dir"] || !values.beir) {
  throw new Error("usage: scale-worker.ts --corpus <folder> --data-dir <folder> --beir <BEIR folder>");
}
const queries = readBeir(values.beir).queries.map((query) => query.text);
const verity = createVerity({ dataDir: values["data-dir"] });
try {
  const started = performance.now();
  let chunks = 0;
  const summary = await verity.ingest([values.corpus], {
    collection,
    onProgress: ({ filesDone, filesTotal, last }) => {
      chunks += last.chunks;
      if (filesDone % Math.max(1, Math.floor(filesTotal / 20)) !== 0 && filesDone !== filesTotal) return;
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `  ingest ${filesDone}/${filesTotal} files, ${chunks.toLocaleString("en")} chunks, ${seconds.toFixed(0)} s, ${Math.round(chunks / seconds).toLocaleString("en")} chunks/s\n`,
      );
    },
  });
  const buildSeconds = (performance.now() - started) / 1000;
  if (summary.failed > 0) throw new Error(`ingestion failed: ${JSON.stringify(summary.errors.slice(0, 3))}`);
  const databasePath = join(values["data-dir"], "verity.db");
  const databaseBytes = [databasePath, `${databasePath}-wal`]
    .filter((path) => existsSync(path))
    .reduce((sum, path) => sum + statSync(path).size, 0);

  for (const query of queries.slice(0, warmUpQueries))
    await retrieveBm25(verity.store, query, { collection, limit: 8 });
  process.stderr.write(`  timing ${queries.length} queries at limit 8 and 100\n`);
  const limit8 = await timeQueries(queries, 8);
  const limit100 = await timeQueries(queries, 100);
  process.stderr.write(`  comparing with exhaustive BM25 (no term pruning) at limit 8\n`);
  const exhaustive = await compareExhaustive(queries);
  const measurement: ScaleMeasurement = {
    chunks: summary.chunks,
    documents: summary.documents,
    buildSeconds,
    databaseBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    queries: queries.length,
    medianPostings: quantile(await Promise.all(queries.map(postingsOf)), 0.5),
    limit8,
    limit100,
    exhaustive,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
} finally {
  await verity.close();
}

async function timeQueries(texts: readonly string[], limit: number): Promise<QueryTimings> {
  const times: number[] = [];
  for (const query of texts) {
    const started = performance.now();
    await retrieveBm25(verity.store, query, { collection, limit });
    times.push(performance.now() - started);
  }
  const slowestIndex = times.indexOf(Math.max(...times));
  const query = texts[slowestIndex] as string;
  return {
    p50Ms: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    slowest: {
      query,
      ms: times[slowestIndex] as number,
      terms: new Set(queryTerms(query).map(stem)).size,
      postings: await postingsOf(query),
    },
  };
}

async function compareExhaustive(texts: readonly string[]): Promise<ScaleMeasurement["exhaustive"]> {
  const unpruned = { anchorBudget: Number.POSITIVE_INFINITY, minAnchors: Number.POSITIVE_INFINITY };
  const times: number[] = [];
  const agreement: number[] = [];
  for (const query of texts) {
    const pruned = await retrieveBm25(verity.store, query, { collection, limit: 8 });
    const started = performance.now();
    const full = await retrieveBm25(verity.store, query, { collection, limit: 8, pruning: unpruned });
    times.push(performance.now() - started);
    if (full.length === 0) {
      agreement.push(1);
      continue;
    }
    const found = new Set(pruned.map((passage) => passage.chunk.id));
    agreement.push(full.filter((passage) => found.has(passage.chunk.id)).length / full.length);
  }
  return {
    p50Ms: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    agreementAt8: agreement.reduce((sum, share) => sum + share, 0) / agreement.length,
  };
}

/** Chunks matching each of the query's terms, summed: what FTS5 has to score for an OR query. */
async function postingsOf(query: string): Promise<number> {
  const stems = [...new Set(queryTerms(query).map(stem))];
  const { documentFrequency } = await verity.store.termStatistics(stems);
  return [...documentFrequency.values()].reduce((sum, count) => sum + count, 0);
}
