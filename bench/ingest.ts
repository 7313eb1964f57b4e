// Ingestion throughput on a JSONL corpus (default: BEIR SciFact, 5,183 abstracts), into a fresh
// on-disk store each run, through the full pipeline (load, chunk, store, index).
//   npm run bench:ingest -- [--data ../shared/data/beir-scifact/corpus.jsonl] [--runs 9] [--write]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createVerity } from "../src/engine.js";
import { markdownTable, median, writeSection } from "./report.js";

const { values } = parseArgs({
  options: {
    data: {
      type: "string",
      default: fileURLToPath(new URL("../../shared/data/beir-scifact/corpus.jsonl", import.meta.url)),
    },
    runs: { type: "string", default: "9" },
    write: { type: "boolean", default: false },
  },
});
const path = resolve(values.data as string);
const megabytes = statSync(path).size / 1024 / 1024;
const rows: { seconds: number; chunks: number; documents: number; databaseMb: number; peakRssMb: number }[] =
  [];
for (let run = 0; run < Number(values.runs); run++) {
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-ingest-"));
  const verity = createVerity({ dataDir: dir });
  try {
    const started = performance.now();
    const summary = await verity.ingest([path], { collection: "bench" });
    const seconds = (performance.now() - started) / 1000;
    if (summary.failed > 0) throw new Error(JSON.stringify(summary.errors));
    rows.push({
      seconds,
      chunks: summary.chunks,
      documents: summary.documents,
      databaseMb: verity.stats().store.databaseBytes / 1024 / 1024,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    });
    console.log(
      `run ${run + 1}: ${seconds.toFixed(2)} s, ${summary.documents} documents, ${summary.chunks} chunks`,
    );
  } finally {
    verity.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
const seconds = median(rows.map((row) => row.seconds));
const first = rows[0] as (typeof rows)[number];
const table = markdownTable(
  [
    "corpus",
    "size MB",
    "documents",
    "chunks",
    "runs",
    "median s",
    "range s",
    "MB/s",
    "documents/s",
    "chunks/s",
    "database MB",
    "peak RSS MB",
  ],
  [
    [
      path.replace(/^.*\/shared\//, "../shared/"),
      megabytes.toFixed(1),
      first.documents,
      first.chunks,
      rows.length,
      seconds.toFixed(2),
      `${Math.min(...rows.map((row) => row.seconds)).toFixed(2)}–${Math.max(...rows.map((row) => row.seconds)).toFixed(2)}`,
      (megabytes / seconds).toFixed(2),
      Math.round(first.documents / seconds),
      Math.round(first.chunks / seconds),
      first.databaseMb.toFixed(1),
      Math.round(Math.max(...rows.map((row) => row.peakRssMb))),
    ],
  ],
);
console.log(table);
if (values.write) {
  writeSection(
    "ingest",
    "Ingestion throughput",
    "npm run bench:ingest -- --write",
    `${table}\n\nMB/s and rates use the median. Fresh on-disk store per run (WAL, FTS5 index built inline), default chunking (800 characters, 150 overlap). One file of JSONL records, so the whole corpus is one transaction.`,
  );
}
