// Verity's HNSW index for bench/vectors.ts, through the real Store API: a copy of the prepared chunk
// database, one float32 space filled by putVectors in batches, then the store's background index
// (vectorIndex threshold 0) built in its worker thread. The build time is both: the insert, then the
// index until searchVectors answers through it (`method: "ann"`); the report gives each.
import { copyFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { defaultAnnOptions } from "../../src/store/sqlite/ann-index.js";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { folderBytes, packageVersion } from "../retrieval-engines/run-engine.js";
import { dimensions } from "./dataset.js";
import { engineOption, runVectorEngine } from "./run-engine.js";
import { collection, readChunkIds } from "./verity-chunks.js";

const chunks = engineOption("chunks");
const ids = engineOption("chunk-ids");
if (!chunks || !ids)
  throw new Error("the Verity HNSW engine needs --chunks=<database> and --chunk-ids=<file>");
const setting = (name: string, fallback: number) => Number(engineOption(name) ?? fallback);
const vectorIndex = {
  threshold: 0,
  buildDelayMs: 0,
  connectivity: setting("connectivity", defaultAnnOptions.connectivity),
  expansionAdd: setting("expansion-add", defaultAnnOptions.expansionAdd),
  expansionSearch: setting("expansion-search", defaultAnnOptions.expansionSearch),
};
const batch = 10_000;
const databaseName = "verity.db";
let split = "";

await runVectorEngine({
  name: "Verity HNSW (usearch)",
  version: `${packageVersion(".")} (usearch ${packageVersion("usearch")})`,
  get options() {
    return `Store API with vectorIndex { connectivity ${vectorIndex.connectivity}, expansionAdd ${vectorIndex.expansionAdd}, expansionSearch ${vectorIndex.expansionSearch} }: putVectors into a float32 space in batches of ${batch.toLocaleString("en")}, then the background build in a worker thread (all cores) until searchVectors answers through the index (k=10); the mapped index file searched on one thread, hits loaded from SQLite${split}`;
  },
  sizeMethod: "growth of the data folder (database and index file) over the chunk-only database",
  setUp({ dir }) {
    copyFileSync(chunks, join(dir, databaseName));
  },
  async build({ dir, batches }) {
    const started = performance.now();
    const store = createSqliteStore({ path: join(dir, databaseName), vectorIndex });
    const space = "bench:synthetic:hnsw";
    await store.createSpace({
      collection,
      name: space,
      provider: "bench",
      model: "synthetic",
      dimensions,
      normalised: true,
      version: "1",
      quantization: "float32",
    });
    let probe: Float32Array | undefined;
    for (const { start, vectors } of batches(batch)) {
      const rows = vectors.length / dimensions;
      const chunkIds = readChunkIds(ids, start, rows);
      probe ??= vectors.slice(0, dimensions);
      const stored = await store.putVectors(
        collection,
        space,
        chunkIds.map((chunkId, row) => ({
          chunkId,
          vector: vectors.subarray(row * dimensions, (row + 1) * dimensions),
        })),
      );
      if (stored !== rows) throw new Error(`stored ${stored} of ${rows} vectors from row ${start}`);
    }
    const inserted = performance.now();
    const vector = probe as Float32Array;
    while ((await store.searchVectors({ collection, space, vector, limit: 1 }))[0]?.method !== "ann") {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ready = performance.now();
    split = `. Build split: insert ${((inserted - started) / 1000).toFixed(1)} s, index ${((ready - inserted) / 1000).toFixed(1)} s (${((ready - inserted) / (inserted - started)).toFixed(1)}x the insert)`;
    process.stderr.write(`  Verity HNSW${split}\n`);
    return {
      search: async (query, limit) =>
        (await store.searchVectors({ collection, space, vector: query, limit })).map((hit) =>
          Number(hit.document.source.slice(1)),
        ),
      close: () => store.close(),
      sizeBytes: () => folderBytes(dir) - statSync(chunks).size,
    };
  },
});
