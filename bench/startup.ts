// Cold start of the `verity` command: each command run as a fresh process, round-robin so that noise
// on this shared machine falls on every row alike, beside bare `node -e 0` in the same run. Uses the
// compiled CLI (`npm run build`, which `npm ci` runs), as an installed package would.
//   npm run bench:startup -- [--runs 10] [--write]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markdownTable, median, writeSection } from "./report.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    write: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3) throw new Error("--runs must be a whole number of at least 3");

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "verity.js");
if (!existsSync(join(root, "dist", "cli", "main.js"))) {
  throw new Error("the CLI is not built: run `npm run build` first (npm ci does it through prepare)");
}

// A small collection for `list` and `ask`: three help-centre pages, ingested once before timing.
const work = mkdtempSync(join(tmpdir(), "verity-bench-startup-"));
const docs = join(work, "docs");
const dataDir = join(work, "data");
mkdirSync(docs);
writeFileSync(join(docs, "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
writeFileSync(join(docs, "expenses.md"), "# Expenses\n\nHotel stays are refunded up to 150 euros a night.\n");
writeFileSync(join(docs, "remote.md"), "# Remote work\n\nStaff may work from home two days a week.\n");

interface Row {
  name: string;
  args: string[];
  /** Target, in ms over bare Node, when the issue sets one. */
  aimMs?: number;
}
const verity = (...args: string[]): string[] => [bin, "--data-dir", dataDir, ...args];
const rows: Row[] = [
  { name: "node -e 0 (bare Node)", args: ["-e", "0"] },
  { name: "verity --help", args: [bin, "--help"], aimMs: 60 },
  { name: "verity list", args: verity("list") },
  {
    name: "verity ask (BM25, extractive)",
    args: verity("ask", "How many vacation days do new staff get?"),
    aimMs: 150,
  },
  {
    // A question naming something in capitals, or asking who, where or when, makes the answer gate
    // load wink-nlp's English model (about 200 ms); this row shows what such a question costs.
    name: "verity ask (a question the gate reads with wink-nlp)",
    args: verity("ask", "How many hotel nights does Expenses refund?"),
    aimMs: 150,
  },
];

function timeOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

try {
  const ingest = spawnSync(process.execPath, verity("ingest", docs, "--json"), { encoding: "utf8" });
  if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);
  const timings = rows.map(() => [] as number[]);
  // One discarded round warms the file cache, then `runs` rounds, each command once per round.
  for (const row of rows) timeOnce(row.args);
  for (let round = 0; round < runs; round++) {
    for (const [index, row] of rows.entries()) timings[index]?.push(timeOnce(row.args));
  }
  const bare = median(timings[0] ?? []);
  const table = markdownTable(
    ["command", "median ms", "min–max ms", "over bare Node (median)", "aim"],
    rows.map((row, index) => {
      const times = timings[index] ?? [];
      const over = median(times) - bare;
      return [
        row.name,
        median(times).toFixed(0),
        `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)}`,
        index === 0 ? "—" : `+${over.toFixed(0)} ms`,
        row.aimMs === undefined ? "—" : `≤ +${row.aimMs} ms: ${over <= row.aimMs ? "met" : "not met"}`,
      ];
    }),
  );
  console.log(table);
  if (values.write) {
    writeSection(
      "startup",
      "CLI start-up",
      `npm run bench:startup -- --runs ${runs} --write`,
      `Each command is a fresh process of the compiled CLI, timed from spawn to exit; the commands take turns, ${runs} rounds after one discarded warm-up round, so noise on this shared machine falls on all of them alike. \`list\` and \`ask\` use a three-document collection. Heavy modules (the AI SDK, zod, the document parsers, the progress bar, pino) load only on the paths that use them.\n\n${table}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
