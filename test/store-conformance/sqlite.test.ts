// The conformance suite on the embedded store: a SQLite file in a temporary folder per test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { describeStoreConformance } from "./suite.js";

describeStoreConformance(
  "SQLite",
  async () => {
    const folder = mkdtempSync(join(tmpdir(), "verity-conformance-"));
    const path = join(folder, "verity.db");
    const stores: Store[] = [createSqliteStore({ path })];
    return {
      store: stores[0] as Store,
      async openAnother() {
        const another = createSqliteStore({ path });
        stores.push(another);
        return another;
      },
      async close() {
        for (const store of stores) await store.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
  { vectors: true },
);
