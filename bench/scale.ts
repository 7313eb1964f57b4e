// SQLite beside PostgreSQL as the index grows: for each size, one synthetic SciFact-like corpus (one
// chunk per document, bench/scale-corpus.ts) is ingested into fresh stores by one and by two processes
// at once, then BM25, vector search (HNSW against the exact scan) and the engine's hybrid `ask` are
// timed in a process of their own (bench/scale-worker.ts). Each run measures every store in turn, so
// they share the machine's state; figures are medians over the runs, with their range.
//   npm run bench:scale -- [--store sqlite|postgres|both] [--sizes 100000,1000000] [--runs 3]
//     [--database-url postgres://...] [--pglite-max 10000] [--seed 1] [--write]
// PostgreSQL: the server at --database-url (its role must be allowed to create databases; each store
// gets a fresh `verity_bench_*` database, dropped afterwards), else one started here from the machine's
// binaries. Vector rows on Postgres need pgvector: where the server lacks it, PGlite (PostgreSQL in WASM,
// in-process, with pgvector) is measured instead, up to --pglite-max chunks.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sharedData, writeSection } from "./report.js";
import { writeScaleCorpus } from "./scale-corpus.js";
import { type BenchPostgres, openBenchPostgres } from "./scale-postgres.js";
import { codeVersion, type ScaleResult, scaleReport, scaleReportNotes } from "./scale-report.js";
import { type ScaleStoreSpec, storeLabel } from "./scale-store.js";
import type { IngestMeasurement, QueryMeasurement } from "./scale-worker.js";

const defaultSizes = "100000";
const { values } = parseArgs({
  options: {
    store: { type: "string", default: "both" },
    sizes: { type: "string", default: defaultSizes },
    runs: { type: "string", default: "3" },
    "database-url": { type: "string" },
    "pglite-max": { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    beir: { type: "string", default: sharedData("beir-scifact") },
    write: { type: "boolean", default: false },
  },
});
const sizes = (values.sizes as string).split(",").map((size) => Number(size.trim()));
if (sizes.some((size) => !Number.isInteger(size) || size < 100)) {
  throw new Error(
    `--sizes takes whole numbers >= 100 separated by commas, e.g. 100000,1000000; got ${values.sizes}`,
  );
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs takes a whole number >= 1; got ${values.runs}`);
const pgliteMax = Number(values["pglite-max"]);
if (!(pgliteMax >= 0))
  throw new Error(`--pglite-max takes a number of chunks >= 0; got ${values["pglite-max"]}`);
const storeChoices: Record<string, ("sqlite" | "postgres")[]> = {
  sqlite: ["sqlite"],
  postgres: ["postgres"],
  both: ["sqlite", "postgres"],
};
const chosen = storeChoices[values.store as string] ?? [];
if (chosen.length === 0) throw new Error(`--store takes sqlite, postgres or both; got ${values.store}`);
const seed = Number(values.seed);
const root = fileURLToPath(new URL("..", import.meta.url));
const workerPath = fileURLToPath(new URL("./scale-worker.ts", import.meta.url));
// Corpus (~0.6 KB per document), each store's database (~2.5 KB per chunk) and its vectors (384 float32).
const bytesNeededPerChunk = 4096 + 2 * 1536;

const measuredCode = codeVersion(root);
const folders = new Set<string>();
let postgres: BenchPostgres | undefined;
process.once("SIGINT", () => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  void postgres?.stop().finally(() => process.exit(130));
});

const loadAtStart = loadavg()[0] ?? 0;
const results: ScaleResult[] = [];
try {
  if (chosen.includes("postgres")) {
    postgres = await openBenchPostgres(values["database-url"]);
    log(
      `${postgres.label}${postgres.startedHere ? " started by the bench" : ""}, ${postgres.vectors ? "with" : "without"} pgvector`,
    );
  }
  for (const size of sizes) await measureSize(size);
} finally {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  await postgres?.stop();
}

const report = scaleReport(measuredCode, results, runs, [loadAtStart, loadavg()[0] ?? 0]);
console.log(report);
if (values.write) {
  const options = [
    values.store === "both" ? "" : ` --store ${values.store}`,
    values.sizes === defaultSizes ? "" : ` --sizes ${values.sizes}`,
    values.runs === "3" ? "" : ` --runs ${values.runs}`,
    values["database-url"] ? " --database-url <url>" : "",
    values["pglite-max"] === "10000" ? "" : ` --pglite-max ${values["pglite-max"]}`,
    seed === 1 ? "" : ` --seed ${seed}`,
  ].join("");
  writeSection(
    "scale",
    "Scale: SQLite beside PostgreSQL by index size",
    `npm run bench:scale --${options} --write`,
    `${report}\n\n${scaleReportNotes(seed, runs, postgres ? { startedHere: postgres.startedHere, vectors: postgres.vectors, pgliteMax } : undefined)}`,
  );
}

async function measureSize(size: number): Promise<void> {
  const { bavail, bsize } = statfsSync(tmpdir());
  const needed = size * bytesNeededPerChunk * 2;
  if (bavail * bsize < needed) {
    throw new Error(
      `${tmpdir()} has ${gigabytes(bavail * bsize)} free; ${size.toLocaleString("en")} chunks need about ${gigabytes(needed)}. Free some space or set TMPDIR.`,
    );
  }
  const folder = temporaryFolder("verity-bench-scale-");
  try {
    log(`${size.toLocaleString("en")} chunks: generating the corpus in ${folder}`);
    // Files of 10,000 records, or fewer below 40,000 chunks so that each of two processes gets two files.
    const corpus = writeScaleCorpus(join(folder, "corpus"), size, seed, {
      documentsPerFile: Math.min(10_000, Math.ceil(size / 4)),
    });
    // Two ingesting processes take alternate files, so each holds about half of the chunks.
    const halves = [0, 1].map((half) => corpus.files.filter((_, index) => index % 2 === half));
    const kinds: ScaleStoreSpec["kind"][] = [];
    if (chosen.includes("sqlite")) kinds.push("sqlite");
    if (postgres) kinds.push("postgres");
    if (postgres && !postgres.vectors && size <= pgliteMax) kinds.push("pglite");
    const byKind = new Map(kinds.map((kind) => [kind, { ingest1: [], ingest2: [], queries: [] } as RunsOf]));
    for (let run = 1; run <= runs; run++) {
      for (const kind of kinds) {
        const label = storeLabel(kind, postgres?.label ?? "");
        const measured = byKind.get(kind) as RunsOf;
        log(`  run ${run}/${runs}, ${label}: ingesting with one process`);
        await withStore(kind, async (spec) => {
          measured.ingest1.push(await ingestWith(spec, [corpus.files]));
          log(`  run ${run}/${runs}, ${label}: queries`);
          measured.queries.push(
            await runWorker<QueryMeasurement>(spec, ["--mode", "query", "--beir", values.beir as string]),
          );
        });
        // PGlite is one connection inside one process: a second process cannot open it.
        if (kind === "pglite") continue;
        log(`  run ${run}/${runs}, ${label}: ingesting with two processes`);
        await withStore(kind, async (spec) => {
          measured.ingest2.push(await ingestWith(spec, halves));
        });
      }
    }
    for (const kind of kinds) {
      const measured = byKind.get(kind) as RunsOf;
      results.push({ size, kind, label: storeLabel(kind, postgres?.label ?? ""), ...measured });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
    folders.delete(folder);
  }
}

type RunsOf = Pick<ScaleResult, "ingest1" | "ingest2" | "queries">;

/** Chunks per second of all the processes together, from the first one's start to the last one's end. */
async function ingestWith(spec: ScaleStoreSpec, fileSets: string[][]): Promise<number> {
  // Every process is waited for, even when one fails, so none is still writing when the store is deleted.
  const settled = await Promise.allSettled(
    fileSets.map((files) =>
      runWorker<IngestMeasurement>(spec, ["--mode", "ingest", "--files", files.join(",")]),
    ),
  );
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  const measured = settled.map((outcome) => (outcome as PromiseFulfilledResult<IngestMeasurement>).value);
  const chunks = measured.reduce((sum, entry) => sum + entry.chunks, 0);
  const seconds =
    (Math.max(...measured.map((entry) => entry.finishedAt)) -
      Math.min(...measured.map((entry) => entry.startedAt))) /
    1000;
  return chunks / seconds;
}

/** A fresh, empty store of the kind for `use`, deleted afterwards. */
async function withStore(
  kind: ScaleStoreSpec["kind"],
  use: (spec: ScaleStoreSpec) => Promise<void>,
): Promise<void> {
  if (kind === "postgres") {
    const url = await (postgres as BenchPostgres).createDatabase();
    try {
      await use({ kind, url });
    } finally {
      await postgres?.dropDatabase(url);
    }
    return;
  }
  const dataDir = temporaryFolder(`verity-bench-scale-${kind}-`);
  try {
    await use({ kind, dataDir });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    folders.delete(dataDir);
  }
}

function runWorker<T>(spec: ScaleStoreSpec, args: readonly string[]): Promise<T> {
  // tsx may hand its loader to children through NODE_OPTIONS; the worker loads it explicitly instead.
  const { NODE_OPTIONS: _loader, ...environment } = process.env;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", workerPath, "--store", JSON.stringify(spec), ...args],
    {
      cwd: root,
      env: environment,
      stdio: ["ignore", "pipe", "inherit"],
    },
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
        reject(
          new Error(
            `the scale worker (${args.slice(0, 2).join(" ")}) exited with code ${code}; its errors are above`,
          ),
        );
        return;
      }
      resolve(JSON.parse(last) as T);
    });
  });
}

function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.add(folder);
  return folder;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
