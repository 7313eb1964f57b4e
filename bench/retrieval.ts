// Verity's BM25 side by side with the JavaScript search libraries a user would otherwise pick, on one
// BEIR set (default SciFact): build time, index size, peak memory, query latency, nDCG@10, Recall@100.
// Each run starts every engine in a process of its own (bench/retrieval-engines/<engine>.ts), engines
// taking turns so that background load spreads over all of them; timings are medians over the runs.
// An engine that fails is reported and left out of the later runs.
//   npm run bench:retrieval -- [--data ../shared/data/beir-scifact] [--runs 3] [--engines verity,orama] [--write]
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readBeir } from "../eval/beir-data.js";
import { queryTerms } from "../src/retrieve/bm25-retriever.js";
import { mean, ndcgAt, recallAt } from "../src/retrieve/ranking-metrics.js";
import { runMeasurement } from "./child-measurement.js";
import { markdownTable, median, sharedData, writeSection } from "./report.js";
import type { EngineMeasurement } from "./retrieval-engines/run-engine.js";

const engines = ["verity", "minisearch", "flexsearch", "orama", "lancedb"];
const engineTimeoutMs = 10 * 60 * 1000;
/** Verity's goal: the best nDCG@10 at a p50 no worse than this many times the fastest engine's. */
const latencyBudget = 1.5;

const { values } = parseArgs({
  options: {
    data: {
      type: "string",
      default: sharedData("beir-scifact"),
    },
    runs: { type: "string", default: "3" },
    engines: { type: "string", default: engines.join(",") },
    write: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs takes a whole number >= 1; got ${values.runs}`);
const chosen = (values.engines as string).split(",").map((name) => name.trim().toLowerCase());
const unknown = chosen.filter((name) => !engines.includes(name));
if (unknown.length > 0)
  throw new Error(`unknown engine ${unknown.join(", ")}; choose from ${engines.join(", ")}`);
const folder = values.data as string;
const beir = readBeir(folder);

interface EngineResult {
  /** The first run's measurement; the timings below are medians over all runs. */
  measurement: EngineMeasurement;
  buildSeconds: number;
  peakRssBytes: number;
  p50Ms: number;
  p95Ms: number;
  ndcg10: number;
  recall100: number;
}

const measurements = new Map<string, EngineMeasurement[]>();
const failures: { engine: string; reason: string }[] = [];
for (let run = 1; run <= runs; run++) {
  for (const engine of chosen) {
    if (failures.some((failure) => failure.engine === engine)) continue;
    console.error(`run ${run}/${runs}, ${engine}: indexing ${folder}, ${beir.queries.length} queries`);
    try {
      const measurement = await measure(engine);
      measurements.set(engine, [...(measurements.get(engine) ?? []), measurement]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.error(`${engine}: left out, ${reason}`);
      failures.push({ engine, reason });
      measurements.delete(engine);
    }
  }
}
const results: EngineResult[] = [...measurements.values()].map((all) => ({
  measurement: all[0] as EngineMeasurement,
  buildSeconds: median(all.map((measurement) => measurement.buildSeconds)),
  peakRssBytes: median(all.map((measurement) => measurement.peakRssBytes)),
  p50Ms: median(all.map((measurement) => measurement.p50Ms)),
  p95Ms: median(all.map((measurement) => measurement.p95Ms)),
  ...score((all[0] as EngineMeasurement).rankings),
}));
if (results.length === 0) throw new Error("no engine ran; the reasons are above");

const fastest = Math.min(...results.map((result) => result.p50Ms));
const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const table = markdownTable(
  [
    "engine",
    "version",
    "index s",
    "index MB",
    "peak RSS MB",
    "query p50 ms",
    "query p95 ms",
    "p50 vs fastest",
    "nDCG@10",
    "Recall@100",
  ],
  results.map(({ measurement, buildSeconds, peakRssBytes, p50Ms, p95Ms, ndcg10, recall100 }) => [
    measurement.engine,
    measurement.version,
    buildSeconds.toFixed(1),
    megabytes(measurement.indexBytes),
    Math.round(peakRssBytes / 1024 / 1024),
    p50Ms.toFixed(2),
    p95Ms.toFixed(2),
    `${(p50Ms / fastest).toFixed(1)}x`,
    ndcg10.toFixed(3),
    recall100.toFixed(3),
  ]),
);
console.log(table);
const verdict = verdictFor(results);
console.log(`\n${verdict}`);
for (const failure of failures) console.log(`${failure.engine} did not run: ${failure.reason}`);

if (values.write) {
  const baseline = median(results.map((result) => result.measurement.baselineRssBytes));
  const notes = [
    `${beir.queries.length} SciFact test queries as they are (long sentences), top 100 documents each (the query's own id left out, as BEIR does), scored with trec_eval's nDCG@10 and Recall@100. Index build is timed from parsed records to a searchable index (Verity reads the JSONL itself). Latency is per query, after a warm-up of 20. Build time, peak RSS, p50 and p95 are medians over ${runs} runs, each a fresh process per engine. Peak RSS is the whole engine process (\`maxRSS\`), measured before any serialisation; Node, tsx and the library's code take about ${Math.round(baseline / 1024 / 1024)} MB of that before the corpus is read. Index MB: ${results.map(({ measurement }) => `${measurement.engine} ${measurement.sizeMethod}`).join("; ")}.`,
    "",
    "Options (library defaults, nothing tuned on the queries):",
    ...results.map(
      ({ measurement }) => `- ${measurement.engine} ${measurement.version}: ${measurement.options}.`,
    ),
    ...failures.map((failure) => `- ${failure.engine}: did not run (${failure.reason}).`),
    "",
    verdict,
  ];
  writeSection(
    "retrieval",
    "BM25 retrieval: Verity against JavaScript search libraries (BEIR SciFact)",
    "npm run bench:retrieval -- --write",
    `${table}\n\n${notes.join("\n")}`,
  );
}

function score(rankings: Record<string, string[]>): { ndcg10: number; recall100: number } {
  const ndcg: number[] = [];
  const recall: number[] = [];
  for (const query of beir.queries) {
    const ranking = rankings[query.id] ?? [];
    const judgements = beir.qrels.get(query.id) ?? new Map<string, number>();
    ndcg.push(ndcgAt(ranking, judgements, 10));
    recall.push(recallAt(ranking, judgements, 100));
  }
  return { ndcg10: mean(ndcg), recall100: mean(recall) };
}

/** Whether Verity meets its goal, and by how much it misses where it does not. */
function verdictFor(all: readonly EngineResult[]): string {
  const verity = all.find((result) => result.measurement.engine === "Verity");
  const others = all.filter((result) => result !== verity);
  if (!verity || others.length === 0) return "Verity was not compared with another engine in this run.";
  const bestOther = others.reduce((best, result) => (result.ndcg10 > best.ndcg10 ? result : best));
  const fastestResult = all.reduce((best, result) => (result.p50Ms < best.p50Ms ? result : best));
  const ratio = verity.p50Ms / fastestResult.p50Ms;
  const bestQuality = verity.ndcg10 >= bestOther.ndcg10;
  const fastEnough = ratio <= latencyBudget;
  const quality = bestQuality
    ? `Verity has the best nDCG@10 (${verity.ndcg10.toFixed(3)}; next ${bestOther.measurement.engine} ${bestOther.ndcg10.toFixed(3)})`
    : `Verity's nDCG@10 (${verity.ndcg10.toFixed(3)}) is ${(bestOther.ndcg10 - verity.ndcg10).toFixed(3)} below ${bestOther.measurement.engine}'s (${bestOther.ndcg10.toFixed(3)})`;
  const speed =
    fastestResult === verity
      ? "it is also the fastest at p50"
      : `its p50 is ${ratio.toFixed(1)}x the fastest (${fastestResult.measurement.engine}, ${fastestResult.p50Ms.toFixed(2)} ms), ${fastEnough ? "within" : "outside"} the ${latencyBudget}x budget`;
  const goal = bestQuality && fastEnough ? "Goal met" : "Goal not met";
  const terms = median(beir.queries.map((query) => queryTerms(query.text).length));
  const why = fastEnough
    ? ""
    : ` Why: FTS5 computes BM25 for every chunk holding any query term, with no early termination; the queries are long sentences (median ${terms} content terms after stop words) whose terms together occur in thousands of the chunks; and Verity ranks chunks, not documents: to place each document at its best chunk it ranks three chunks per wanted document (303) and then reads the 101 winners with their text and location, where the libraries index one entry per document and return 101 ids. FlexSearch does not compute BM25 at all: it ranks by term position, bucketed at index time.`;
  return `${goal}: ${quality}; ${speed}.${why}`;
}

function measure(engine: string): Promise<EngineMeasurement> {
  const script = fileURLToPath(new URL(`./retrieval-engines/${engine}.ts`, import.meta.url));
  return runMeasurement<EngineMeasurement>(["--import", "tsx", script, "--data", folder], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    timeoutMs: engineTimeoutMs,
  });
}
