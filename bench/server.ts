// What the HTTP server costs over calling the engine in-process, on SciFact: `ask` throughput and
// p50/p99 latency at 1, 16 and 64 concurrent clients, through `verity serve` (a process of its own,
// driven by autocannon on loopback, with an API key as in production) beside in-process `ask` on the
// same collection in the same run; the server's resident memory before and after 100,000 requests;
// and the time to the first verified sentence over Server-Sent Events with a streaming model.
//   npm run bench:server -- [--runs 3] [--seconds 10] [--memory-requests 100000] [--write]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createVerity, type Verity } from "../src/engine.js";
import { parseModelCatalogue } from "../src/models/catalogue.js";
import { startFakeChatServer } from "../test/fakes/fake-chat-server.js";
import { runMeasurement } from "./child-measurement.js";
import { markdownTable, median, quantile, sharedData, writeSection } from "./report.js";

// autocannon ships no types: the part used here.
interface AutocannonRequest {
  method: string;
  headers: Record<string, string>;
  setupRequest: (request: Record<string, unknown>) => Record<string, unknown>;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  requests: AutocannonRequest[];
}) => AutocannonInstance;

const { values } = parseArgs({
  options: {
    data: { type: "string", default: sharedData("beir-scifact") },
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    "memory-requests": { type: "string", default: "100000" },
    "sse-questions": { type: "string", default: "30" },
    write: { type: "boolean", default: false },
    /** Internal: measure in-process asks on this data dir and print them as JSON (a fresh process, like the server's). */
    "in-process": { type: "string" },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const memoryRequests = Number(values["memory-requests"]);
const sseQuestions = Number(values["sse-questions"]);
const concurrencies = [1, 16, 64] as const;
const root = fileURLToPath(new URL("..", import.meta.url));
const collection = "scifact";
const queries = readFileSync(join(values.data as string, "queries.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => (JSON.parse(line) as { text: string }).text);

interface Measure {
  /** Asks per second. */
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
}

/** `concurrency` loops asking in turn for `seconds`, in this process. */
async function inProcess(verity: Verity, concurrency: number): Promise<Measure> {
  const latencies: number[] = [];
  let next = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const question = queries[next++ % queries.length] as string;
        const begun = performance.now();
        await verity.ask(question, { collection });
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    throughput: latencies.length / elapsed,
    p50: median(latencies),
    p99: quantile(latencies, 0.99),
    errors: 0,
  };
}

/** autocannon against the server: POST /api/v1/ask with each SciFact query in turn. */
async function overHttp(
  url: string,
  key: string,
  connections: number,
  options: { amount?: number; get?: string } = {},
): Promise<Measure> {
  let next = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url: `${url}${options.get ?? "/api/v1/ask"}`,
    connections,
    ...(options.amount ? { amount: options.amount } : { duration: seconds }),
    requests: [
      options.get
        ? { method: "GET", headers: { authorization: `Bearer ${key}` }, setupRequest: (request) => request }
        : {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({ question: queries[next++ % queries.length], collection }),
            }),
          },
    ],
  });
  instance.on("response", (_client, status, _bytes, responseTime) => {
    if (status === 200) latencies.push(responseTime);
  });
  const result = await instance;
  const elapsed = result.duration;
  return {
    throughput: latencies.length / elapsed,
    p50: median(latencies),
    p99: quantile(latencies, 0.99),
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** `verity serve` from source in its own process; resolves with its URL once it listens. */
function serve(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr?.on("data", (data: Buffer) => {
      stderr += data;
      const url = /serving on (http:\/\/\S+)/u.exec(stderr)?.[1];
      if (url) resolve({ url, child });
    });
    child.on("exit", (code) => reject(new Error(`verity serve exited ${code}: ${stderr}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Resident memory of a process, in MB (Linux). */
function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kilobytes = Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1]);
  return kilobytes / 1024;
}

/** In-process asks at each concurrency, in a process of its own that starts as fresh as the server's. */
async function inProcessWorker(dataDir: string): Promise<Record<number, Measure>> {
  const verity = createVerity({ dataDir });
  try {
    for (const question of [...queries, ...queries]) await verity.ask(question, { collection }); // warm-up: 600 asks
    const measures: Record<number, Measure> = {};
    for (const concurrency of concurrencies) measures[concurrency] = await inProcess(verity, concurrency);
    return measures;
  } finally {
    await verity.close();
  }
}

if (values["in-process"]) {
  console.log(JSON.stringify(await inProcessWorker(values["in-process"])));
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "verity-bench-server-"));
const dataDir = join(work, "data");
const children: ChildProcess[] = [];
try {
  // The collection, and an API key for the server (production has keys; verifying one is part of the cost).
  const verity = createVerity({ dataDir });
  await verity.ingest([join(values.data as string, "corpus.jsonl")], { collection });
  const { secret } = await verity.keys.create({ name: "bench", scopes: ["read"], groups: "*" });
  await verity.close();

  const config = join(work, "verity.json");
  writeFileSync(
    config,
    JSON.stringify({
      server: {
        rateLimit: { max: 1_000_000_000, windowMs: 60_000 },
        concurrentAsksPerKey: 1000,
        limits: { bodyBytes: 65_536 },
      },
    }),
  );

  const inProcessRuns = new Map<number, Measure[]>(concurrencies.map((c) => [c, []]));
  const serverRuns = new Map<number, Measure[]>(concurrencies.map((c) => [c, []]));
  // The server's own cost per request (key, rate limit, routing, a small JSON reply), with no answer to make.
  const floorRuns: Measure[] = [];
  for (let run = 0; run < runs; run++) {
    // In-process first with the server stopped, then the server alone: neither competes with the other.
    const local = await runMeasurement<Record<number, Measure>>(
      [
        "--import",
        "tsx",
        "bench/server.ts",
        "--in-process",
        dataDir,
        "--seconds",
        String(seconds),
        "--data",
        values.data as string,
      ],
      { cwd: root, timeoutMs: 10 * 60_000 },
    );
    for (const concurrency of concurrencies)
      inProcessRuns.get(concurrency)?.push(local[concurrency] as Measure);
    const server = await serve(["--port", "0", "--data-dir", dataDir, "--config", config]);
    children.push(server.child);
    await overHttp(server.url, secret, 16, { amount: 2000 }); // warm-up
    for (const concurrency of concurrencies)
      serverRuns.get(concurrency)?.push(await overHttp(server.url, secret, concurrency));
    floorRuns.push(await overHttp(server.url, secret, 1, { get: `/api/v1/collections/${collection}` }));
    await stop(server.child);
    console.error(`run ${run + 1} of ${runs} done`);
  }

  // Memory: one server, 100,000 asks at 16 connections, resident memory after warm-up and after.
  const server = await serve(["--port", "0", "--data-dir", dataDir, "--config", config]);
  children.push(server.child);
  await overHttp(server.url, secret, 16, { amount: 2000 });
  const pid = server.child.pid as number;
  const memoryBefore = residentMb(pid);
  const half = await overHttp(server.url, secret, 16, { amount: memoryRequests / 2 });
  const memoryHalf = residentMb(pid);
  const rest = await overHttp(server.url, secret, 16, { amount: memoryRequests / 2 });
  const memoryAfter = residentMb(pid);
  const memoryErrors = half.errors + rest.errors;
  await stop(server.child);

  // Time to the first verified sentence: a streaming model (8 characters every 10 ms) writes three
  // cited sentences; the client times the first `sentence` event and the final `done` event.
  const answer =
    "The Team plan costs $8 per user per month, billed annually [1]. The Free plan includes 3 notebooks [1]. Refunds are paid within 30 days [1].";
  const model = await startFakeChatServer(() => ({ content: answer, chunkSize: 8, chunkDelayMs: 10 }));
  // One model, a fixed route: nothing to escalate to, so each sentence goes out once verified.
  const catalogue = {
    routing: { policy: "fixed" },
    models: [
      {
        id: "stream",
        provider: "openai-compatible",
        model: "stream",
        baseUrl: `${model.url}/v1`,
        contextWindow: 8192,
        tier: "small",
        local: true,
        maxRetries: 0,
      },
    ],
  };
  const helpDir = join(work, "help-data");
  const plans = join(work, "help", "plans.md");
  mkdirSync(join(work, "help"));
  writeFileSync(
    plans,
    "# Plans\n\nThe Team plan costs $8 per user per month, billed annually. The Free plan includes 3 notebooks. Refunds are paid within 30 days.\n",
  );
  const streaming = createVerity({ dataDir: helpDir, models: parseModelCatalogue(catalogue) });
  await streaming.ingest([plans], { collection: "help" });
  const sseQuestion =
    "What does the Team plan cost, what does the Free plan include, and how fast are refunds?";
  const firstInProcess: number[] = [];
  for (let index = 0; index < sseQuestions + 3; index++) {
    const begun = performance.now();
    let first = 0;
    await streaming.ask(sseQuestion, {
      collection: "help",
      onSentence: () => {
        first ||= performance.now() - begun;
      },
    });
    if (index >= 3) firstInProcess.push(first);
  }
  await streaming.close();
  const sseConfig = join(work, "sse.json");
  writeFileSync(sseConfig, JSON.stringify({ models: catalogue }));
  const sseServer = await serve(["--port", "0", "--data-dir", helpDir, "--config", sseConfig, "--no-auth"]);
  children.push(sseServer.child);
  const firstOverSse: number[] = [];
  const doneOverSse: number[] = [];
  for (let index = 0; index < sseQuestions + 3; index++) {
    const begun = performance.now();
    const response = await fetch(`${sseServer.url}/api/v1/ask`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ question: sseQuestion, collection: "help" }),
    });
    let first = 0;
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (!first && text.includes("event: sentence")) first = performance.now() - begun;
    }
    if (!text.includes("event: done")) throw new Error(`the stream ended without its final event:\n${text}`);
    if (index >= 3) {
      firstOverSse.push(first);
      doneOverSse.push(performance.now() - begun);
    }
  }
  await stop(sseServer.child);
  await model.close();
  const modelFirstSentenceMs = Math.ceil(answer.indexOf("[1].") / 8) * 10;

  const range = (values: number[], digits: number) =>
    `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
  const medianOf = (measures: Measure[], field: keyof Measure) =>
    median(measures.map((measure) => measure[field]));
  const rows = concurrencies.flatMap((concurrency) => {
    const local = inProcessRuns.get(concurrency) ?? [];
    const remote = serverRuns.get(concurrency) ?? [];
    const row = (name: string, measures: Measure[]) => [
      name,
      concurrency,
      `${medianOf(measures, "throughput").toFixed(0)} (${range(
        measures.map((m) => m.throughput),
        0,
      )})`,
      `${medianOf(measures, "p50").toFixed(2)} (${range(
        measures.map((m) => m.p50),
        2,
      )})`,
      `${medianOf(measures, "p99").toFixed(2)} (${range(
        measures.map((m) => m.p99),
        2,
      )})`,
      measures.reduce((sum, measure) => sum + measure.errors, 0),
    ];
    return [row("in-process `verity.ask`", local), row("`POST /api/v1/ask` (autocannon)", remote)];
  });
  rows.push([
    "`GET /api/v1/collections/scifact` (no answer: the server's own cost)",
    1,
    `${medianOf(floorRuns, "throughput").toFixed(0)} (${range(
      floorRuns.map((m) => m.throughput),
      0,
    )})`,
    `${medianOf(floorRuns, "p50").toFixed(2)} (${range(
      floorRuns.map((m) => m.p50),
      2,
    )})`,
    `${medianOf(floorRuns, "p99").toFixed(2)} (${range(
      floorRuns.map((m) => m.p99),
      2,
    )})`,
    floorRuns.reduce((sum, measure) => sum + measure.errors, 0),
  ]);
  const table = markdownTable(["path", "concurrency", "asks/s", "p50 ms", "p99 ms", "errors"], rows);
  const at = (map: Map<number, Measure[]>, concurrency: number, field: keyof Measure) =>
    medianOf(map.get(concurrency) ?? [], field);
  const addedP50 = at(serverRuns, 1, "p50") - at(inProcessRuns, 1, "p50");
  const addedP99 = at(serverRuns, 1, "p99") - at(inProcessRuns, 1, "p99");
  const share16 = at(serverRuns, 16, "throughput") / at(inProcessRuns, 16, "throughput");
  const aims = markdownTable(
    ["aim", "measured (medians)", "met"],
    [
      [
        "server adds ≤ 1 ms at p50 (concurrency 1)",
        `+${addedP50.toFixed(2)} ms`,
        addedP50 <= 1 ? "yes" : "no",
      ],
      [
        "server adds ≤ 5 ms at p99 (concurrency 1)",
        `+${addedP99.toFixed(2)} ms`,
        addedP99 <= 5 ? "yes" : "no",
      ],
      [
        "throughput at concurrency 16 ≥ 80% of in-process",
        `${(share16 * 100).toFixed(0)}%`,
        share16 >= 0.8 ? "yes" : "no",
      ],
      [
        `resident memory flat over ${memoryRequests.toLocaleString("en")} requests`,
        `${memoryBefore.toFixed(0)} → ${memoryHalf.toFixed(0)} → ${memoryAfter.toFixed(0)} MB (${memoryErrors} errors)`,
        memoryAfter - memoryBefore <= 0.1 * memoryBefore ? "yes" : "no",
      ],
    ],
  );
  const sse = markdownTable(
    [
      `streaming answer (3 sentences; the model ends its first at ≈${modelFirstSentenceMs} ms)`,
      "median ms",
      "min–max ms",
    ],
    [
      ["in-process: first `onSentence`", median(firstInProcess).toFixed(1), range(firstInProcess, 1)],
      ["over SSE: first `sentence` event", median(firstOverSse).toFixed(1), range(firstOverSse, 1)],
      ["over SSE: final `done` event", median(doneOverSse).toFixed(1), range(doneOverSse, 1)],
    ],
  );
  console.log(table);
  console.log();
  console.log(aims);
  console.log();
  console.log(sse);
  if (values.write) {
    writeSection(
      "server",
      "HTTP server overhead",
      `npm run bench:server -- --runs ${runs} --seconds ${seconds} --write`,
      `SciFact (5,183 abstracts, the 300 claims asked in turn, extractive answers). Each run measures in-process \`ask\` (a fresh process of its own after 600 warm-up questions, concurrency as parallel loops) and then \`verity serve\` in its own process with an API key, driven by autocannon over loopback for ${seconds} s per concurrency after 2,000 warm-up requests; the two never run at once. Medians of ${runs} runs, min–max in brackets. Latency over HTTP is autocannon's per-request time (client side, so it includes the loopback round trip).\n\n${table}\n\n${aims}\n\nMemory: one server process, ${memoryRequests.toLocaleString("en")} asks at 16 connections after 2,000 warm-up requests; resident set size read from /proc before, half-way and after.\n\n${sse}\n\nStreaming: ${sseQuestions} questions, one at a time, against a fake OpenAI-compatible model streaming 8 characters every 10 ms; each sentence is verified before it is sent, so the first event follows the model's first sentence.`,
    );
  }
} finally {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
}
