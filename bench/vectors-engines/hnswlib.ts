// hnswlib-node for bench/vectors.ts: the HNSW reference implementation (hnswlib's C++) in its Node
// binding, built one vector at a time (the binding has no batch or multi-threaded insert).
import { statSync } from "node:fs";
import { join } from "node:path";
import hnswlib from "hnswlib-node";
import { packageVersion } from "../retrieval-engines/run-engine.js";
import { dimensions } from "./dataset.js";
import { runVectorEngine } from "./run-engine.js";

const m = 16;
const efConstruction = 200;
const efSearch = 64;

await runVectorEngine({
  name: "hnswlib-node",
  version: packageVersion("hnswlib-node"),
  options: `HNSW, cosine space, M=${m}, efConstruction=${efConstruction}, ef=${efSearch} (the binding's default ef is 10), one thread, built with the compiler flags node-gyp uses by default`,
  sizeMethod: "file written by writeIndexSync",
  build({ count, dir, batches }) {
    const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
    index.initIndex({ maxElements: count, m, efConstruction, randomSeed: 100 });
    for (const { start, vectors } of batches()) {
      for (let row = 0; row * dimensions < vectors.length; row++) {
        index.addPoint(Array.from(vectors.subarray(row * dimensions, (row + 1) * dimensions)), start + row);
      }
    }
    index.setEf(efSearch);
    return {
      search: (query, limit) => index.searchKnn(Array.from(query), limit).neighbors,
      sizeBytes() {
        const path = join(dir, "hnswlib.bin");
        index.writeIndexSync(path);
        return statSync(path).size;
      },
    };
  },
});
