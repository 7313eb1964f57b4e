// The scale benchmark's report: one table of medians over the runs (with the range of the runs in
// brackets), the verdicts on issue 15's aims, and the notes on what was measured and how.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { markdownTable, median } from "./report.js";
import type { ScaleStoreSpec } from "./scale-store.js";
import type { QueryMeasurement, Timings } from "./scale-worker.js";

export interface ScaleResult {
  size: number;
  kind: ScaleStoreSpec["kind"];
  label: string;
  /** Chunks per second, one process; one entry per run. */
  ingest1: number[];
  /** Chunks per second, two processes at once (none for PGlite). */
  ingest2: number[];
  queries: QueryMeasurement[];
}

const aims = { askP95Ms: 100, askAtChunks: 1_000_000, recall: 0.95, buildOverInsert: 2 };

export function scaleReport(
  measuredCode: string,
  results: readonly ScaleResult[],
  runs: number,
  /** The one-minute load average when the run started and when it ended. */
  load: readonly [number, number],
): string {
  const table = markdownTable(
    [
      "chunks",
      "store",
      "ingest chunks/s, 1 process",
      "2 processes",
      "BM25 p50 / p95 ms @8",
      "vector p50 / p95 ms (HNSW)",
      "exact scan p50 / p95 ms",
      "recall@10",
      "vector insert s",
      "HNSW build s (× insert)",
      "ask p50 / p95 ms",
    ],
    results.map((result) => {
      const vectors = result.queries.map((query) => query.vectors);
      const withVectors = vectors.filter((entry) => entry !== undefined);
      const missing = result.queries.find((query) => query.vectorsMissing)?.vectorsMissing;
      const none = missing ? `— (${missing})` : "—";
      const builds = withVectors.map((entry) => entry.indexSeconds).filter((entry) => entry !== undefined);
      const ratios = withVectors
        .filter((entry) => entry.indexSeconds !== undefined)
        .map((entry) => (entry.indexSeconds as number) / entry.insertSeconds);
      const mode = result.queries[0]?.ask.mode ?? "bm25";
      return [
        result.size.toLocaleString("en"),
        result.label,
        spread(result.ingest1, wholeNumber),
        result.ingest2.length > 0 ? spread(result.ingest2, wholeNumber) : "— (one connection)",
        timings(result.queries.map((query) => query.bm25)),
        withVectors.length > 0
          ? `${timings(withVectors.map((entry) => entry.ann))}${withVectors.some((entry) => entry.method !== "ann") ? " (not through the index)" : ""}`
          : none,
        withVectors.length > 0 ? timings(withVectors.map((entry) => entry.exact)) : none,
        withVectors.length > 0
          ? spread(
              withVectors.map((entry) => entry.recallAt10),
              (value) => value.toFixed(3),
            )
          : "—",
        withVectors.length > 0
          ? spread(
              withVectors.map((entry) => entry.insertSeconds),
              (value) => value.toFixed(value < 10 ? 2 : 1),
            )
          : "—",
        builds.length > 0
          ? `${spread(builds, (value) => value.toFixed(value < 10 ? 2 : 1))} (${median(ratios).toFixed(1)}×)`
          : withVectors.length > 0
            ? "in the insert (pgvector)"
            : "—",
        `${timings(result.queries.map((query) => query.ask))}${mode === "hybrid" ? " hybrid" : " BM25 only"}`,
      ];
    }),
  );
  return [
    `Measured on ${measuredCode}; medians of ${runs} run${runs === 1 ? "" : "s"}${runs > 1 ? ", the runs' range in brackets" : ""}. Load average (1 min) ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end, on ${cpus().length} cores${Math.max(...load) > cpus().length * 0.5 ? ": other work shared the machine, so the timings are noisy" : ""}.`,
    "",
    table,
    "",
    "Aims (issue 15), on this machine:",
    "",
    ...verdicts(results),
  ].join("\n");
}

function verdicts(results: readonly ScaleResult[]): string[] {
  const lines: string[] = [];
  const labels = [...new Set(results.map((result) => result.label))];
  for (const label of labels) {
    const mine = results.filter((result) => result.label === label);
    const hybrid = mine.filter((result) => result.queries[0]?.ask.mode === "hybrid");
    const atAim = hybrid.find((result) => result.size === aims.askAtChunks);
    const largest = hybrid.at(-1);
    const askP95 = (result: ScaleResult) => median(result.queries.map((query) => query.ask.p95Ms));
    const aim = `hybrid ask p95 ≤ ${aims.askP95Ms} ms at ${aims.askAtChunks.toLocaleString("en")} chunks, ${label}`;
    if (atAim)
      lines.push(`- ${aim}: ${met(askP95(atAim) <= aims.askP95Ms)} (${askP95(atAim).toFixed(1)} ms).`);
    else if (largest)
      lines.push(
        `- ${aim}: not measured (largest measured: ${largest.size.toLocaleString("en")} chunks, p95 ${askP95(largest).toFixed(1)} ms).`,
      );
    else lines.push(`- ${aim}: not measured (no vector search on this store here).`);
    for (const result of mine) {
      const recalls = result.queries.flatMap((query) => (query.vectors ? [query.vectors.recallAt10] : []));
      if (recalls.length === 0) continue;
      const recall = median(recalls);
      lines.push(
        `- HNSW recall@10 ≥ ${aims.recall}, ${label} at ${result.size.toLocaleString("en")}: ${met(recall >= aims.recall)} (${recall.toFixed(3)}).`,
      );
      const ratios = result.queries.flatMap((query) =>
        query.vectors?.indexSeconds !== undefined
          ? [query.vectors.indexSeconds / query.vectors.insertSeconds]
          : [],
      );
      if (ratios.length > 0) {
        const ratio = median(ratios);
        lines.push(
          `- embedded ANN build ≤ ${aims.buildOverInsert}× the insert, ${label} at ${result.size.toLocaleString("en")}: ${met(ratio <= aims.buildOverInsert)} (${ratio.toFixed(1)}×).`,
        );
      }
    }
  }
  return lines;
}

export function scaleReportNotes(
  seed: number,
  runs: number,
  postgres: { startedHere: boolean; vectors: boolean; pgliteMax: number } | undefined,
): string {
  const server = postgres?.startedHere
    ? "PostgreSQL was started by the bench from the machine's packages with the test settings (127.0.0.1; fsync, synchronous_commit and full_page_writes off, which spares it the disk flushes SQLite's WAL still makes at each checkpoint), reached over TCP by `pg`'s pool; its times include the round trips."
    : "PostgreSQL is the server given by `--database-url`, reached over TCP by `pg`'s pool; its times include the round trips.";
  const pglite =
    postgres && !postgres.vectors
      ? ` The server has no pgvector (Debian 12 does not package it), so the vector rows on Postgres come from PGlite, PostgreSQL compiled to WebAssembly running inside the worker process with one connection and its own pgvector build, up to ${postgres.pgliteMax.toLocaleString("en")} chunks (\`--pglite-max\`; its HNSW insert runs at a few hundred vectors a second on this machine): it is not a server, and its figures say nothing about a server's.`
      : "";
  const postgresNote = postgres ? `\n\n${server}${pglite}` : "";
  return `Corpus: \`bench/scale-corpus.ts\` (seed ${seed}) writes N distinct synthetic documents, each a BEIR SciFact title and 2–4 sentences from different random SciFact abstracts with a few words swapped for other corpus words (frequency-weighted), so vocabulary and term statistics look like real abstracts; one chunk per document, in files of 10,000 records (one ingestion transaction each; a quarter of the corpus each below 40,000 chunks, so that two processes get two files each). The same corpus goes to every store.

Each of the ${runs} run${runs === 1 ? "" : "s"} measures every store in turn, each time in a fresh store (SQLite: a new data folder; PostgreSQL: a new database; PGlite: a new folder). Ingestion: \`createVerity().ingest\` in one process on all files, then (in another fresh store) two processes at once on alternate files; chunks/s is all chunks over the time from the first process starting \`ingest\` to the last one finishing. Queries run in a process of their own on the store the single process filled: the 300 SciFact test claims as they are, each timed alone after a warm-up of 20. BM25: \`retrieveBm25\` at limit 8. Vectors: one synthetic 384-dimension unit vector per chunk (the clustered data of bench/vectors.ts), stored with \`putVectors\` in batches of 10,000 into a float32 space, and one query vector per claim; "vector" is \`searchVectors\` k=10 as the store answers by default (SQLite: its usearch HNSW index, forced on at every size with \`vectorIndex\` threshold 0; the build runs in a worker thread after the inserts and is timed until searches go through it; Postgres: pgvector's HNSW index, maintained during the insert), "exact scan" the same searches with \`exact: true\`, and recall@10 the share of the exact top 10 the default search returned. The vectors fall in 1,000 clusters (bench/vectors.ts's data, made for 100,000 and more): at smaller sizes a cluster holds few vectors, so much of the exact top 10 is barely closer to the query than unrelated vectors (cosine about 0.16–0.20 where the nearest is about 0.4), which HNSW misses more often; recall there understates recall at 100,000 (0.987 for the same index in the vectors section). Ask: the engine's \`ask\` with the extractive answerer and an in-process embedder that returns each claim's query vector, so retrieval is hybrid (BM25 and vectors fused) wherever the store has vector search; on PostgreSQL without pgvector it is BM25 alone.${postgresNote}`;
}

function met(ok: boolean): string {
  return ok ? "**met**" : "**not met**";
}

function wholeNumber(value: number): string {
  return Math.round(value).toLocaleString("en");
}

/** The median, and the range over the runs when there are several. */
function spread(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return "—";
  const middle = format(median(values));
  if (values.length === 1) return middle;
  return `${middle} [${format(Math.min(...values))}–${format(Math.max(...values))}]`;
}

/** Median p50 / median p95, with the range of the p95s over the runs. */
function timings(values: readonly Timings[]): string {
  if (values.length === 0) return "—";
  const milliseconds = (value: number) => value.toFixed(value < 10 ? 2 : 1);
  const p95s = values.map((value) => value.p95Ms);
  const range =
    values.length > 1 ? ` [${milliseconds(Math.min(...p95s))}–${milliseconds(Math.max(...p95s))}]` : "";
  return `${milliseconds(median(values.map((value) => value.p50Ms)))} / ${milliseconds(median(p95s))}${range}`;
}

/** The commit measured, and whether src/ had uncommitted changes when the run started. */
export function codeVersion(root: string): string {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  try {
    const commit = git("rev-parse", "--short", "HEAD");
    return git("status", "--porcelain", "src")
      ? `commit ${commit} with uncommitted changes in src/`
      : `commit ${commit}`;
  } catch {
    return "an unknown commit (no git)";
  }
}
