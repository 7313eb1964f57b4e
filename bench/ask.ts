// `ask` latency over the BEIR SciFact queries (300 claims) on an index of the SciFact corpus:
// in-process through the library, and end to end through the built CLI (a new process per question).
//   npm run bench:ask -- [--cli-queries 40] [--write]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createVerity } from "../src/engine.js";
import { markdownTable, median, quantile, sharedData, writeSection } from "./report.js";

const { values } = parseArgs({
  options: {
    data: {
      type: "string",
      default: sharedData("beir-scifact"),
    },
    "cli-queries": { type: "string", default: "40" },
    write: { type: "boolean", default: false },
  },
});
const root = fileURLToPath(new URL("..", import.meta.url));
const queries = readFileSync(join(values.data as string, "queries.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => (JSON.parse(line) as { text: string }).text);

const dir = mkdtempSync(join(tmpdir(), "verity-bench-ask-"));
try {
  const verity = createVerity({ dataDir: dir });
  await verity.ingest([join(values.data as string, "corpus.jsonl")], { collection: "scifact" });
  for (const query of queries.slice(0, 20)) await verity.ask(query, { collection: "scifact" }); // warm-up
  const inProcess: number[] = [];
  const retrieval: number[] = [];
  let answered = 0;
  for (const query of queries) {
    const started = performance.now();
    const answer = await verity.ask(query, { collection: "scifact" });
    inProcess.push(performance.now() - started);
    retrieval.push(answer.trace.retrievalMs);
    if (answer.status === "answered") answered++;
  }
  await verity.close();

  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  // tsx passes its loader to children through NODE_OPTIONS; the CLI is measured as users run it, plain node.
  const { NODE_OPTIONS: _loader, ...cliEnvironment } = process.env;
  const cli: number[] = [];
  for (const query of queries.slice(0, Number(values["cli-queries"]))) {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [join(root, "dist/cli/main.js"), "--data-dir", dir, "ask", query, "--collection", "scifact", "--json"],
      { encoding: "utf8", env: cliEnvironment },
    );
    cli.push(performance.now() - started);
    if (result.status !== 0) throw new Error(result.stderr);
  }
  const format = (values: number[]) => [median(values).toFixed(2), quantile(values, 0.95).toFixed(2)];
  const table = markdownTable(
    ["path", "questions", "p50 ms", "p95 ms"],
    [
      ["in-process `verity.ask` (retrieval + extractive answer)", inProcess.length, ...format(inProcess)],
      ["  of which BM25 retrieval", retrieval.length, ...format(retrieval)],
      ["CLI `verity ask --json` (new Node process each)", cli.length, ...format(cli)],
    ],
  );
  console.log(table);
  console.log(
    `answered ${answered} of ${queries.length} (SciFact claims are statements, not questions; most abstain)`,
  );
  if (values.write) {
    writeSection(
      "ask",
      "`ask` latency on SciFact",
      "npm run bench:ask -- --write",
      `${table}\n\nIndex: the 5,183 SciFact abstracts, default chunking, on disk. Queries: the 300 SciFact test claims as they are (long sentences), 8 passages retrieved each. The CLI row includes Node start-up and opening the database; it runs the first ${cli.length} queries. Answered ${answered} of ${queries.length}.`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
