// Verity's vector spaces for bench/vectors.ts, through the real Store API: a copy of the prepared chunk
// database (bench/vectors-engines/verity-chunks.ts), one embedding space of the chosen quantisation,
// putVectors in batches (timed as the build) and searchVectors per query.
import { copyFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Quantization } from "../../src/store/vectors.js";
import { folderBytes, packageVersion } from "../retrieval-engines/run-engine.js";
import { dimensions } from "./dataset.js";
import { engineOption, runVectorEngine } from "./run-engine.js";
import { collection, readChunkIds } from "./verity-chunks.js";

const quantizations: Record<Quantization, string> = {
  float32: "vec0 float[384] distance_metric=cosine, exact scan",
  int8: "vec0 int8[384] (vec_quantize_int8 'unit') scan for 100 candidates, rescored exactly in float32",
  binary: "vec0 bit[384] (vec_quantize_binary) Hamming scan for 100 candidates, rescored exactly in float32",
};
const quantization = (engineOption("quantization") ?? "float32") as Quantization;
if (!(quantization in quantizations)) {
  throw new Error(`--quantization= takes ${Object.keys(quantizations).join(", ")}; got ${quantization}`);
}
const chunks = engineOption("chunks");
const ids = engineOption("chunk-ids");
if (!chunks || !ids) throw new Error("the Verity engine needs --chunks=<database> and --chunk-ids=<file>");
const batch = 10_000;
const databaseName = "verity.db";

await runVectorEngine({
  name: `Verity ${quantization}`,
  version: `${packageVersion(".")} (sqlite-vec ${packageVersion("sqlite-vec")})`,
  options: `Store API (putVectors in batches of ${batch.toLocaleString("en")}, searchVectors k=10); ${quantizations[quantization]}`,
  sizeMethod: "growth of the database file over the chunk-only database it was copied from",
  setUp({ dir }) {
    copyFileSync(chunks, join(dir, databaseName));
  },
  async build({ dir, batches }) {
    const store = createSqliteStore({ path: join(dir, databaseName) });
    const space = `bench:synthetic:${quantization}`;
    await store.createSpace({
      collection,
      name: space,
      provider: "bench",
      model: "synthetic",
      dimensions,
      normalised: true,
      version: "1",
      quantization,
    });
    for (const { start, vectors } of batches(batch)) {
      const rows = vectors.length / dimensions;
      const chunkIds = readChunkIds(ids, start, rows);
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
    return {
      search: async (vector, limit) =>
        (await store.searchVectors({ collection, space, vector, limit })).map((hit) =>
          Number(hit.document.source.slice(1)),
        ),
      close: () => store.close(),
      sizeBytes: () => folderBytes(dir) - statSync(chunks).size,
    };
  },
});
