// Verity's BM25 (SQLite FTS5) for bench/retrieval.ts: the corpus ingested as `verity ingest` does it,
// documents ranked by their best chunk exactly as eval/beir.ts ranks them.
import Database from "better-sqlite3";
import { verityRanking } from "../../eval/beir-ranking.js";
import { createVerity } from "../../src/engine.js";
import { folderBytes, packageVersion, runEngine } from "./run-engine.js";

const collection = "bench";

await runEngine({
  name: "Verity",
  version: `${packageVersion(".")} (SQLite ${sqliteVersion()})`,
  options:
    "default ingestion (chunks of 800 characters, 150 overlap), FTS5 BM25 over Porter-stemmed title and body columns, question stop words dropped, common terms scored but not anchoring a match, three chunks fetched per wanted document, each document at its best chunk",
  sizeMethod: "database files on disk after close",
  async build(corpus, dir) {
    const verity = createVerity({ dataDir: dir });
    const summary = await verity.ingest([corpus.path], { collection });
    if (summary.failed > 0)
      throw new Error(`ingestion failed: ${JSON.stringify(summary.errors.slice(0, 3))}`);
    return {
      search: (query, limit) => verityRanking(verity.store, query, collection, limit),
      close: () => verity.close(),
      sizeBytes: () => folderBytes(dir),
    };
  },
});

function sqliteVersion(): string {
  const database = new Database(":memory:");
  try {
    return database.prepare("select sqlite_version()").pluck().get() as string;
  } finally {
    database.close();
  }
}
