// A second process on a data dir whose vector space has an HNSW index, for
// src/store/sqlite/ann-index.test.ts. `write`: stores one more file of chunks with vectors and removes
// another file, then exits. `build`: opens the store so a background index build starts, says
// "building" on stdout once the worker runs, and waits (to be killed with SIGKILL mid-build).
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { annFixture } from "./ann-fixture.js";

const [command, databasePath] = process.argv.slice(2);
if (!databasePath || (command !== "write" && command !== "build")) {
  throw new Error("usage: ann-store-process.ts write|build <database path>");
}
if (command === "write") {
  const store = createSqliteStore({
    path: databasePath,
    vectorIndex: { threshold: Number.POSITIVE_INFINITY },
  });
  await annFixture.putFile(store, "/added", [900_001, 900_002]);
  await annFixture.embed(store);
  await store.removeFile("c", "/f0");
  await store.close();
} else {
  const store = createSqliteStore({
    path: databasePath,
    vectorIndex: { threshold: 0, buildDelayMs: 0 },
    logger: {
      debug() {},
      info(_object, message) {
        if (message?.startsWith("building")) process.stdout.write("building\n");
      },
      warn() {},
      error() {},
    },
  });
  await store.searchVectors({
    collection: "c",
    space: annFixture.space,
    vector: annFixture.vector(1),
    limit: 3,
  });
  setInterval(() => {}, 1000);
}
