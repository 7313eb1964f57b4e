// USearch for bench/vectors.ts: Unum's HNSW in its npm package, library defaults for the graph; vectors
// added in batches, which USearch spreads over all cores.
import { statSync } from "node:fs";
import { join } from "node:path";
import { Index, MetricKind, ScalarKind } from "usearch";
import { packageVersion } from "../retrieval-engines/run-engine.js";
import { dimensions } from "./dataset.js";
import { runVectorEngine } from "./run-engine.js";

await runVectorEngine({
  name: "usearch",
  version: packageVersion("usearch"),
  options:
    "HNSW, cosine metric, f32, library defaults (connectivity 16, expansion_add 128, expansion_search 64); add in batches of 10,000 on all cores, search one query at a time on one thread",
  sizeMethod: "file written by save",
  build({ dir, batches }) {
    const index = new Index({
      dimensions,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: 0,
      expansion_add: 0,
      expansion_search: 0,
      multi: false,
    });
    for (const { start, vectors } of batches()) {
      const keys = new BigUint64Array(vectors.length / dimensions);
      for (let row = 0; row < keys.length; row++) keys[row] = BigInt(start + row);
      index.add(keys, vectors, 0);
    }
    return {
      search: (query, limit) => Array.from(index.search(query, limit, 1).keys, Number),
      sizeBytes() {
        const path = join(dir, "usearch.bin");
        index.save(path);
        return statSync(path).size;
      },
    };
  },
});
