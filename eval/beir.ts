// Retrieval quality on any BEIR-format folder: nDCG@10, Recall@100 and MRR@10 (trec_eval definitions)
// of Verity's BM25 and, given an embedder, of vectors alone and hybrid fusion, side by side; documents
// ranked by their best chunk.
//   npm run eval:beir -- [--data ../shared/data/beir-scifact] [--split test] [--chunk-size 800]
//     [--embedder ollama:nomic-embed-text] [--fusion-weights 0.5,1] [--write]
//     [--store sqlite|postgres|both] [--database-url postgres://...]
// `--store postgres` keeps the collection in PostgreSQL: the server at --database-url (its role must
// be allowed to create databases), else one started from the machine's PostgreSQL binaries; `both`
// ranks with each store in the same run, side by side (the Postgres BM25 parity check).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { markdownTable, median, quantile, sharedData, writeSection } from "../bench/report.js";
import { openBenchPostgres } from "../bench/scale-postgres.js";
import { createEmbedderFromSpec } from "../src/embed/embedder-spec.js";
import { createVerity } from "../src/engine.js";
import { rankDocuments } from "../src/retrieve/bm25-retriever.js";
import { defaultHybridWeights, retrieveHybrid } from "../src/retrieve/hybrid-retriever.js";
import { mean, mrrAt, ndcgAt, recallAt } from "../src/retrieve/ranking-metrics.js";
import { readBeir, recordIdOf } from "./beir-data.js";
import { beirDepth, beirRanking, verityRanking } from "./beir-ranking.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: sharedData("beir-scifact") },
    split: { type: "string", default: "test" },
    "chunk-size": { type: "string", default: "800" },
    embedder: { type: "string" },
    "fusion-weights": { type: "string" },
    store: { type: "string", default: "sqlite" },
    "database-url": { type: "string" },
    write: { type: "boolean", default: false },
  },
});
if (!values.data) {
  console.error(
    "usage: npm run eval:beir -- --data <BEIR folder> [--split test] [--chunk-size 800] [--write]",
  );
  process.exit(2);
}
const folder = resolve(values.data);
const beir = readBeir(folder, values.split);
const chunkSize = Number(values["chunk-size"]);
const storeChoices: Record<string, ("sqlite" | "postgres")[]> = {
  sqlite: ["sqlite"],
  postgres: ["postgres"],
  both: ["sqlite", "postgres"],
};
const stores = storeChoices[values.store as string];
if (!stores) throw new Error(`--store takes sqlite, postgres or both; got ${values.store}`);
const postgres = stores.includes("postgres") ? await openBenchPostgres(values["database-url"]) : undefined;
const rows: (string | number)[][] = [];
/** BM25 nDCG@10 per store, unrounded, for the parity verdict. */
const bm25Ndcg = new Map<string, number>();
try {
  for (const store of stores) rows.push(...(await evaluate(store)));
} finally {
  await postgres?.stop();
}
const table = markdownTable(
  [
    ...(postgres ? ["store"] : []),
    "data",
    "retrieval",
    "documents",
    "chunks",
    "queries",
    "nDCG@10",
    "Recall@100",
    "MRR@10",
    "query p50 ms",
    "query p95 ms",
    "index s",
  ],
  rows,
);
console.log(table);
if (values.write && !postgres) {
  writeSection(
    "beir",
    "BM25 retrieval quality (BEIR)",
    `npm run eval:beir -- --data ${folder.replace(/^.*\/shared\//, "../shared/")}${values.embedder ? ` --embedder ${values.embedder}` : ""} --write`,
    `${table}\n\nVector and hybrid rows need an embedding endpoint (\`--embedder\`); none runs on this machine, so only BM25 is recorded here. Defaults for every collection: FTS5 BM25 (k1 1.2, b 0.75) over Porter-stemmed title+heading and body columns, chunks of ${chunkSize} characters, documents ranked by their best chunk. References on SciFact: 0.665 (BEIR paper, Elasticsearch), 0.679 (Pyserini flat BM25).`,
  );
} else if (values.write && postgres) {
  const sqliteNdcg = bm25Ndcg.get("SQLite");
  const postgresNdcg = bm25Ndcg.get(postgres.label);
  const verdict =
    sqliteNdcg !== undefined && postgresNdcg !== undefined
      ? `Parity (issue 15: Postgres BM25 nDCG@10 within 0.005 of SQLite's): ${Math.abs(sqliteNdcg - postgresNdcg) <= 0.005 ? "**met**" : "**not met**"} (SQLite ${sqliteNdcg.toFixed(4)}, PostgreSQL ${postgresNdcg.toFixed(4)}, difference ${Math.abs(sqliteNdcg - postgresNdcg).toFixed(4)}).`
      : "Run with `--store both` for the parity verdict.";
  writeSection(
    "beir-postgres",
    "BM25 retrieval quality on PostgreSQL against SQLite (BEIR)",
    `npm run eval:beir -- --store ${values.store}${values["database-url"] ? " --database-url <url>" : ""} --write`,
    `${table}\n\n${verdict}\n\nThe same ingestion and the same ranking code (\`rankDocuments\`, best chunk per document) over each store's own BM25: SQLite's FTS5, and the Postgres store's tsvector/GIN candidates scored with exact BM25 from its term statistics. Latency on PostgreSQL includes the round trips to the server over TCP${postgres.startedHere ? " (started by the script from the machine's packages: 127.0.0.1, fsync off)" : ""}.`,
  );
}

async function evaluate(storeName: "sqlite" | "postgres"): Promise<(string | number)[][]> {
  const dir = mkdtempSync(join(tmpdir(), "verity-beir-"));
  const databaseUrl = storeName === "postgres" ? await postgres?.createDatabase() : undefined;
  try {
    return await evaluateIn(
      createVerity(databaseUrl ? { databaseUrl } : { dataDir: dir }),
      storeName === "postgres" ? (postgres?.label ?? "PostgreSQL") : "SQLite",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (databaseUrl) await postgres?.dropDatabase(databaseUrl);
  }
}

async function evaluateIn(verity: ReturnType<typeof createVerity>, storeLabel: string) {
  const started = performance.now();
  const summary = await verity.ingest([beir.corpusPath], {
    collection: "beir",
    chunker: { targetChars: chunkSize, maxChars: chunkSize * 2, overlapChars: Math.min(150, chunkSize / 4) },
  });
  const indexSeconds = (performance.now() - started) / 1000;
  type Method = { name: string; rank: (question: string) => Promise<string[]> };
  const methods: Method[] = [
    { name: "BM25", rank: async (question) => verityRanking(verity.store, question, "beir", beirDepth + 1) },
  ];
  if (values.embedder) {
    const embedder = createEmbedderFromSpec(values.embedder);
    const built = await verity.reindex({
      collection: "beir",
      embedder,
      onProgress: (step) => process.stderr.write(`\rembedding ${step.embedded}/${step.total}`),
    });
    process.stderr.write("\n");
    const space = built.space.name;
    const weights = (values["fusion-weights"]?.split(",").map(Number) ?? [...defaultHybridWeights]) as [
      number,
      number,
    ];
    const dense = (fusion: [number, number]) => async (question: string) => {
      const { passages } = await retrieveHybrid(verity.store, question, {
        collection: "beir",
        limit: (beirDepth + 1) * 3,
        embedder,
        space,
        fusion: { weights: fusion },
      });
      return rankDocuments(passages, beirDepth + 1).map((passage) => recordIdOf(passage.document.source));
    };
    methods.push({ name: `vectors (${space})`, rank: dense([0, 1]) });
    methods.push({ name: `hybrid RRF k=60, weights ${weights.join("/")}`, rank: dense(weights) });
  }
  const rows: (string | number)[][] = [];
  for (const method of methods) {
    const ndcg: number[] = [];
    const recall: number[] = [];
    const mrr: number[] = [];
    const latencies: number[] = [];
    for (const query of beir.queries) {
      const judgements = beir.qrels.get(query.id) ?? new Map();
      const before = performance.now();
      const ids = await method.rank(query.text);
      latencies.push(performance.now() - before);
      const ranking = beirRanking(ids, query.id);
      ndcg.push(ndcgAt(ranking, judgements, 10));
      recall.push(recallAt(ranking, judgements, 100));
      mrr.push(mrrAt(ranking, judgements, 10));
    }
    if (method.name === "BM25") bm25Ndcg.set(storeLabel, mean(ndcg));
    rows.push([
      ...(postgres ? [storeLabel] : []),
      folder.replace(/^.*\/shared\//, "../shared/"),
      method.name,
      summary.documents,
      summary.chunks,
      beir.queries.length,
      mean(ndcg).toFixed(3),
      mean(recall).toFixed(3),
      mean(mrr).toFixed(3),
      median(latencies).toFixed(2),
      quantile(latencies, 0.95).toFixed(2),
      indexSeconds.toFixed(1),
    ]);
  }
  await verity.close();
  return rows;
}
