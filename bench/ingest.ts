// Ingestion throughput, into a fresh on-disk store each run, through the full pipeline (load, chunk,
// store, index): a JSONL corpus (default: BEIR SciFact, 5,183 abstracts), then time against file size
// for generated hostile inputs (a log, hard-wrapped prose, deeply nested HTML), where linear time shows
// as a steady MB/s.
//   npm run bench:ingest -- [--data ../shared/data/beir-scifact/corpus.jsonl] [--runs 9]
//                           [--sizes 1,4,16,64] [--sweep-runs 5] [--sweep-only] [--write]
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createVerity } from "../src/engine.js";
import { markdownTable, median, sharedData, writeSection } from "./report.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: sharedData("beir-scifact/corpus.jsonl") },
    runs: { type: "string", default: "9" },
    sizes: { type: "string", default: "1,4,16,64" },
    "sweep-runs": { type: "string", default: "5" },
    "sweep-only": { type: "boolean", default: false },
    write: { type: "boolean", default: false },
  },
});
if (values.write && values["sweep-only"]) {
  throw new Error(
    "--write replaces the whole ingest section of BENCHMARKS.md, SciFact table included: drop --sweep-only",
  );
}

interface Run {
  seconds: number;
  documents: number;
  chunks: number;
  databaseMb: number;
  peakRssMb: number;
}

/** Ingests `path` into a fresh on-disk store and times it. */
async function ingestOnce(path: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-ingest-"));
  const verity = createVerity({ dataDir: dir });
  try {
    const started = performance.now();
    const summary = await verity.ingest([path], { collection: "bench" });
    const seconds = (performance.now() - started) / 1000;
    if (summary.failed > 0) throw new Error(JSON.stringify(summary.errors));
    return {
      seconds,
      documents: summary.documents,
      chunks: summary.chunks,
      databaseMb: (await verity.stats()).store.databaseBytes / 1024 / 1024,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await verity.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const range = (runs: readonly Run[]) =>
  `${Math.min(...runs.map((run) => run.seconds)).toFixed(2)}–${Math.max(...runs.map((run) => run.seconds)).toFixed(2)}`;

async function scifact(): Promise<string> {
  const path = resolve(values.data as string);
  const megabytes = statSync(path).size / 1024 / 1024;
  const rows: Run[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const row = await ingestOnce(path);
    rows.push(row);
    console.log(
      `run ${run + 1}: ${row.seconds.toFixed(2)} s, ${row.documents} documents, ${row.chunks} chunks`,
    );
  }
  const seconds = median(rows.map((row) => row.seconds));
  const first = rows[0] as Run;
  return markdownTable(
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
        range(rows),
        (megabytes / seconds).toFixed(2),
        Math.round(first.documents / seconds),
        Math.round(first.chunks / seconds),
        first.databaseMb.toFixed(1),
        Math.round(Math.max(...rows.map((row) => row.peakRssMb))),
      ],
    ],
  );
}

/** A small deterministic generator, so every run and machine ingests the same bytes. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const words = `account archive backup cache cluster config daemon disk export folder index invoice journal
  ledger mailbox migration mirror network node owner partition policy queue quota replica report request
  retention schedule server session snapshot storage tenant token upload volume warehouse worker`.split(
  /\s+/,
);

/** `count` words from the vocabulary, as one sentence when `sentence` is set. */
function phrase(next: () => number, count: number, sentence: boolean): string {
  const chosen = Array.from({ length: count }, () => words[Math.floor(next() * words.length)] as string);
  if (!sentence) return chosen.join(" ");
  const text = chosen.join(" ");
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

/** Generated inputs of about `bytes` bytes, each with no blank line: nothing splits it into paragraphs. */
const inputs: { name: string; extension: string; generate: (bytes: number) => string }[] = [
  {
    name: "log (one event per line)",
    extension: ".txt",
    generate(bytes) {
      const next = random(1);
      const lines: string[] = [];
      for (let size = 0, event = 0; size < bytes; event++) {
        const second = String(event % 60).padStart(2, "0");
        const line = `2026-01-01T00:${String(Math.floor(event / 60) % 60).padStart(2, "0")}:${second}Z INFO worker-${event % 16} ${phrase(next, 3, false)} id=${event} status=${next() < 0.95 ? 200 : 500} latency=${Math.floor(next() * 900)}ms`;
        lines.push(line);
        size += line.length + 1;
      }
      return `${lines.join("\n")}\n`;
    },
  },
  {
    name: "hard-wrapped prose (70 columns)",
    extension: ".txt",
    generate(bytes) {
      const next = random(2);
      const lines: string[] = [];
      let line = "";
      for (let size = 0; size < bytes; ) {
        for (const word of phrase(next, 6 + Math.floor(next() * 14), true).split(" ")) {
          if (line.length + word.length + 1 > 70) {
            lines.push(line);
            size += line.length + 1;
            line = "";
          }
          line = line ? `${line} ${word}` : word;
        }
      }
      return `${[...lines, line].join("\n")}\n`;
    },
  },
  {
    name: "nested HTML (one element deeper per paragraph)",
    extension: ".html",
    generate(bytes) {
      const next = random(3);
      const opening: string[] = ["<!doctype html><html><head><title>Nested</title></head><body>"];
      let size = opening[0]?.length ?? 0;
      let depth = 0;
      while (size < bytes) {
        const level = `<div><p>${phrase(next, 8 + Math.floor(next() * 8), true)}</p>\n`;
        opening.push(level);
        size += level.length + "</div>".length;
        depth++;
      }
      return `${opening.join("")}${"</div>".repeat(depth)}</body></html>\n`;
    },
  },
];

async function warmUp(input: (typeof inputs)[number]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "verity-bench-sweep-"));
  try {
    const path = join(dir, `warm-up${input.extension}`);
    writeFileSync(path, input.generate(1024 * 1024));
    await ingestOnce(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sizeSweep(): Promise<string> {
  const sizes = (values.sizes as string).split(",").map(Number);
  const runs = Number(values["sweep-runs"]);
  const rows: (string | number)[][] = [];
  for (const input of inputs) {
    // One untimed run first: the first of a kind also loads and compiles its loader's code.
    await warmUp(input);
    for (const megabytes of sizes) {
      const dir = mkdtempSync(join(tmpdir(), "verity-bench-sweep-"));
      try {
        const path = join(dir, `input${input.extension}`);
        writeFileSync(path, input.generate(megabytes * 1024 * 1024));
        const actualMb = statSync(path).size / 1024 / 1024;
        const measured: Run[] = [];
        for (let run = 0; run < runs; run++) measured.push(await ingestOnce(path));
        const seconds = median(measured.map((run) => run.seconds));
        rows.push([
          input.name,
          actualMb.toFixed(1),
          runs,
          seconds.toFixed(2),
          range(measured),
          (actualMb / seconds).toFixed(2),
          (measured[0] as Run).chunks,
        ]);
        console.log(
          `${input.name}, ${actualMb.toFixed(1)} MB: median ${seconds.toFixed(2)} s (${range(measured)}), ${(actualMb / seconds).toFixed(2)} MB/s`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return markdownTable(["input", "size MB", "runs", "median s", "range s", "MB/s", "chunks"], rows);
}

const corpusTable = values["sweep-only"] ? undefined : await scifact();
if (corpusTable) console.log(corpusTable);
const sweepTable = await sizeSweep();
console.log(sweepTable);
if (values.write && corpusTable) {
  writeSection(
    "ingest",
    "Ingestion throughput",
    "npm run bench:ingest -- --write",
    [
      corpusTable,
      "MB/s and rates use the median. Fresh on-disk store per run (WAL, FTS5 index built inline), default chunking (800 characters, 150 overlap). One file of JSONL records, so the whole corpus is one transaction.",
      "Time against file size, for generated inputs without a single blank line (so nothing splits them into paragraphs before the sentence splitter and chunker): a log of one event per line with no sentence punctuation, prose hard-wrapped at 70 columns, and HTML nested one element deeper per paragraph (past 256 levels it is read without Readability, flattened). A steady MB/s as size grows is linear time. One file per run, ingested into a fresh on-disk store, after one untimed 1 MB run of each input; median and range over the runs.",
      sweepTable,
    ].join("\n\n"),
  );
}
