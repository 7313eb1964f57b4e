// How BM25 cost grows with index size: for each size, a synthetic SciFact-like corpus (one chunk per
// document) is generated into a fresh temp folder, then ingested and queried in a child process
// (bench/scale-worker.ts) so each size's peak memory is its own. Temp folders are deleted afterwards.
//   npm run bench:scale -- [--sizes 10000,100000,1000000] [--seed 1] [--write]
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markdownTable, sharedData, writeSection } from "./report.js";
import { writeScaleCorpus } from "./scale-corpus.js";
import type { ScaleMeasurement } from "./scale-worker.js";

const defaultSizes = "10000,100000,1000000";
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: defaultSizes },
    seed: { type: "string", default: "1" },
    beir: {
      type: "string",
      default: sharedData("beir-scifact"),
    },
    write: { type: "boolean", default: false },
  },
});
const sizes = (values.sizes as string).split(",").map((size) => Number(size.trim()));
if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
  throw new Error(
    `--sizes takes whole numbers separated by commas, e.g. ${defaultSizes}; got ${values.sizes}`,
  );
}
const seed = Number(values.seed);
const root = fileURLToPath(new URL("..", import.meta.url));
const workerPath = fileURLToPath(new URL("./scale-worker.ts", import.meta.url));
// Corpus (~0.6 KB per document) plus database (~2.5 KB per chunk, measured), with room to spare.
const bytesNeededPerDocument = 4096;
const targets = new Map([
  [100_000, 15],
  [1_000_000, 100],
]);

const measuredCode = codeVersion();
let current: string | undefined;
process.once("SIGINT", () => {
  if (current) rmSync(current, { recursive: true, force: true });
  process.exit(130);
});

const results: { size: number; generateSeconds: number; measurement: ScaleMeasurement }[] = [];
for (const size of sizes) {
  const { bavail, bsize } = statfsSync(tmpdir());
  const needed = size * bytesNeededPerDocument;
  if (bavail * bsize < needed) {
    throw new Error(
      `${tmpdir()} has ${gigabytes(bavail * bsize)} free; ${size.toLocaleString("en")} chunks need about ${gigabytes(needed)}. Free some space or set TMPDIR.`,
    );
  }
  current = mkdtempSync(join(tmpdir(), "verity-bench-scale-"));
  try {
    log(`${size.toLocaleString("en")} chunks: generating the corpus in ${current}`);
    const started = performance.now();
    const corpus = writeScaleCorpus(join(current, "corpus"), size, seed, {
      onProgress: (written) => {
        if (written % Math.max(10_000, size / 10) === 0) log(`  generated ${written.toLocaleString("en")}`);
      },
    });
    const generateSeconds = (performance.now() - started) / 1000;
    log(
      `  ${Math.round(corpus.bytes / 1024 ** 2)} MB in ${corpus.files.length} files, ${generateSeconds.toFixed(1)} s`,
    );
    const measurement = await runWorker(join(current, "corpus"), join(current, "data"));
    log(
      `  built in ${measurement.buildSeconds.toFixed(1)} s; p50/p95 ${measurement.limit8.p50Ms.toFixed(1)}/${measurement.limit8.p95Ms.toFixed(1)} ms at limit 8`,
    );
    results.push({ size, generateSeconds, measurement });
  } finally {
    rmSync(current, { recursive: true, force: true });
    current = undefined;
  }
}

const milliseconds = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const table = markdownTable(
  [
    "chunks",
    "build s",
    "chunks/s",
    "database MB",
    "peak RSS MB",
    "p50 ms @8",
    "p95 ms @8",
    "p50 ms @100",
    "p95 ms @100",
    "median postings",
    "slowest ms @8",
    "slowest query @8 (terms, postings)",
    "unpruned p50 / p95 ms @8",
    "top 8 = unpruned's",
  ],
  results.map(({ measurement: m }) => [
    m.chunks.toLocaleString("en"),
    m.buildSeconds.toFixed(1),
    Math.round(m.chunks / m.buildSeconds).toLocaleString("en"),
    Math.round(m.databaseBytes / 1024 ** 2).toLocaleString("en"),
    Math.round(m.peakRssBytes / 1024 ** 2).toLocaleString("en"),
    milliseconds(m.limit8.p50Ms),
    milliseconds(m.limit8.p95Ms),
    milliseconds(m.limit100.p50Ms),
    milliseconds(m.limit100.p95Ms),
    Math.round(m.medianPostings).toLocaleString("en"),
    milliseconds(m.limit8.slowest.ms),
    `${truncate(m.limit8.slowest.query, 60)} (${m.limit8.slowest.terms}, ${m.limit8.slowest.postings.toLocaleString("en")})`,
    `${milliseconds(m.exhaustive.p50Ms)} / ${milliseconds(m.exhaustive.p95Ms)}`,
    `${(m.exhaustive.agreementAt8 * 100).toFixed(1)}%`,
  ]),
);
const growth = markdownTable(
  [
    "from → to",
    "build time",
    "p50 @8",
    "p95 @8",
    "p50 @100",
    "p95 @100",
    "database size",
    "postings per query",
  ],
  results.slice(1).map(({ measurement: to }, index) => {
    const from = (results[index] as (typeof results)[number]).measurement;
    // Ratios scaled to a 10x step in chunks, so steps of other sizes compare.
    const perTenfold = (a: number, b: number) =>
      `${((b / a) ** (1 / Math.log10(to.chunks / from.chunks))).toFixed(1)}×`;
    return [
      `${from.chunks.toLocaleString("en")} → ${to.chunks.toLocaleString("en")}`,
      perTenfold(from.buildSeconds, to.buildSeconds),
      perTenfold(from.limit8.p50Ms, to.limit8.p50Ms),
      perTenfold(from.limit8.p95Ms, to.limit8.p95Ms),
      perTenfold(from.limit100.p50Ms, to.limit100.p50Ms),
      perTenfold(from.limit100.p95Ms, to.limit100.p95Ms),
      perTenfold(from.databaseBytes, to.databaseBytes),
      perTenfold(from.medianPostings, to.medianPostings),
    ];
  }),
);
const verdicts = [...targets].map(([size, limitMs]) => {
  const result = results.find((entry) => entry.measurement.chunks === size);
  const label = `p95 ≤ ${limitMs} ms at ${size.toLocaleString("en")} chunks`;
  if (!result) return `- ${label}: not measured in this run.`;
  const p95 = result.measurement.limit8.p95Ms;
  return `- ${label}: ${p95 <= limitMs ? "**met**" : "**not met**"} (${milliseconds(p95)} ms).`;
});
const report = [
  `Measured on ${measuredCode}.`,
  "",
  table,
  "",
  ...(results.length > 1
    ? ["Growth per 10× chunks (ratio of the larger size's figure to the smaller's):", "", growth, ""]
    : []),
  "Targets for BM25 retrieval at limit 8 (what `verity ask` runs), on this machine:",
  "",
  ...verdicts,
].join("\n");
console.log(report);

if (values.write) {
  const options = [
    values.sizes === defaultSizes ? "" : ` --sizes ${values.sizes}`,
    seed === 1 ? "" : ` --seed ${seed}`,
  ].join("");
  writeSection(
    "scale",
    "BM25 cost by index size",
    `npm run bench:scale --${options} --write`,
    `${report}

Corpus: \`bench/scale-corpus.ts\` (seed ${seed}) writes N distinct synthetic documents, each a BEIR SciFact title and 2–4 sentences from different random SciFact abstracts with a few words swapped for other corpus words (frequency-weighted), so vocabulary and term statistics look like real abstracts. Texts stay under 700 characters, so the default chunker makes one chunk per document: N documents = N chunks. Files of 10,000 records, each one ingestion transaction. Each size is ingested into a fresh on-disk store (\`createVerity().ingest\`) in its own process: build time is the whole ingestion, database is the .db plus -wal file after it, peak RSS is that process's. Queries: the ${results[0]?.measurement.queries ?? 300} SciFact test claims as they are (long sentences), through \`retrieveBm25\` after a warm-up of 20, at limit 8 and then limit 100; warm page cache. Postings: chunks holding each query term, summed: what BM25 would score if any term could match alone; the growth table uses the median query's. Term pruning (the default, \`defaultTermPruning\`): a chunk must hold one of the query's rarest terms (the rarest up to 5,000 chunks between them, at least two) and is then scored on every term. The unpruned columns run the same queries with every term allowed to match alone (the cost pruning avoids); "top 8 = unpruned's" is the mean share of the unpruned top 8 that the pruned search returns (what pruning costs in exactness; scores themselves are exact BM25).`,
  );
}

function runWorker(corpusFolder: string, dataDir: string): Promise<ScaleMeasurement> {
  // tsx may hand its loader to children through NODE_OPTIONS; the worker loads it explicitly instead.
  const { NODE_OPTIONS: _loader, ...environment } = process.env;
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      workerPath,
      "--corpus",
      corpusFolder,
      "--data-dir",
      dataDir,
      "--beir",
      values.beir as string,
    ],
    { cwd: root, env: environment, stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (data: string) => {
    output += data;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const last = output.trim().split("\n").at(-1);
      if (code !== 0 || !last) {
        reject(new Error(`the scale worker exited with code ${code}; its errors are above`));
        return;
      }
      resolve(JSON.parse(last) as ScaleMeasurement);
    });
  });
}

/** The commit measured, and whether src/ had uncommitted changes when the run started. */
function codeVersion(): string {
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

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function truncate(text: string, length: number): string {
  const short = text.length <= length ? text : `${text.slice(0, length - 1)}…`;
  return short.replaceAll("|", "\\|");
}
