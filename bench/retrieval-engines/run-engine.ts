// The harness every engine of bench/retrieval.ts runs in, one engine per process so each peak memory
// is its own: reads the BEIR folder, builds the engine's index (timed), warms up, times every query
// once, and prints one JSON line (EngineMeasurement) on stdout. Progress and errors go to stderr.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readBeir } from "../../eval/beir-data.js";
import { beirDepth, beirRanking } from "../../eval/beir-ranking.js";
import { quantile } from "../report.js";

export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
}

export interface Corpus {
  /** The corpus.jsonl file, for engines that read it themselves. */
  path: string;
  /** Its records, parsed before the build is timed. */
  documents: CorpusDocument[];
}

export interface EngineIndex {
  /** Corpus ids of the best `limit` documents, best first. */
  search(query: string, limit: number): string[] | Promise<string[]>;
  /** Releases files and handles; called after the queries, before `sizeBytes`. */
  close?(): void | Promise<void>;
  /** What the index takes at rest: its files on disk, or the library's own serialised form. */
  sizeBytes(): number | Promise<number>;
}

export interface RetrievalEngine {
  name: string;
  /** Version of the library measured, e.g. from `packageVersion`. */
  version: string;
  /** Options used, in a few words, for the report. */
  options: string;
  /** How `sizeBytes` measures, in a few words. */
  sizeMethod: string;
  /** Builds the index over the whole corpus; `dir` is an empty folder removed afterwards. */
  build(corpus: Corpus, dir: string): Promise<EngineIndex>;
}

export interface EngineMeasurement {
  engine: string;
  version: string;
  options: string;
  sizeMethod: string;
  documents: number;
  buildSeconds: number;
  indexBytes: number;
  /** maxRSS of the whole process after the queries (before any serialisation for `indexBytes`). */
  peakRssBytes: number;
  /** RSS of the process before the corpus and the engine were loaded: Node, tsx and the harness. */
  baselineRssBytes: number;
  /** Per-query latency over all queries, after the warm-up. */
  p50Ms: number;
  p95Ms: number;
  /** Query id → ranked corpus ids as BEIR scores them (the query's own id removed, at most 100). */
  rankings: Record<string, string[]>;
}

const warmUpQueries = 20;

export async function runEngine(engine: RetrievalEngine): Promise<void> {
  const baselineRssBytes = process.memoryUsage().rss;
  const { values } = parseArgs({
    options: { data: { type: "string" } },
  });
  if (!values.data) throw new Error(`usage: ${engine.name} engine --data <BEIR folder>`);
  const beir = readBeir(values.data);
  const corpus: Corpus = { path: beir.corpusPath, documents: readCorpus(beir.corpusPath) };
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-retrieval-"));
  try {
    const started = performance.now();
    const index = await engine.build(corpus, dir);
    const buildSeconds = (performance.now() - started) / 1000;
    process.stderr.write(`  ${engine.name}: built in ${buildSeconds.toFixed(1)} s\n`);

    for (const query of beir.queries.slice(0, warmUpQueries)) await index.search(query.text, beirDepth + 1);
    const rankings: Record<string, string[]> = {};
    const latencies: number[] = [];
    for (const query of beir.queries) {
      const before = performance.now();
      const ids = await index.search(query.text, beirDepth + 1);
      latencies.push(performance.now() - before);
      rankings[query.id] = beirRanking(ids, query.id);
    }
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    await index.close?.();
    const measurement: EngineMeasurement = {
      engine: engine.name,
      version: engine.version,
      options: engine.options,
      sizeMethod: engine.sizeMethod,
      documents: corpus.documents.length,
      buildSeconds,
      indexBytes: await index.sizeBytes(),
      peakRssBytes,
      baselineRssBytes,
      p50Ms: quantile(latencies, 0.5),
      p95Ms: quantile(latencies, 0.95),
      rankings,
    };
    process.stdout.write(`${JSON.stringify(measurement)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readCorpus(path: string): CorpusDocument[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      const record = JSON.parse(line) as { _id: string | number; title?: string; text?: string };
      return { id: String(record._id), title: record.title ?? "", text: record.text ?? "" };
    });
}

/** Total size of the files under `path`. */
export function folderBytes(path: string): number {
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/** The installed version of an npm package (`.` for Verity itself). */
export function packageVersion(name: string): string {
  const folder = name === "." ? "../../" : `../../node_modules/${name}/`;
  const path = fileURLToPath(new URL(`${folder}package.json`, import.meta.url));
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}
