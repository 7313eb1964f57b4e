// The conformance suite on the Postgres store over PGlite in this process, with its pgvector
// extension: a new PGlite database per test, both stores of a test sharing the one instance.
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { expect, it } from "vitest";
import { createPostgresStore } from "../../src/store/postgres/index.js";
import type { Store } from "../../src/store/store.js";
import { describeStoreConformance, type OpenedStore } from "./suite.js";

async function openOnPglite(): Promise<
  OpenedStore & { store: Store & { readonly vectorsAvailable: boolean } }
> {
  const pglite = await PGlite.create({ extensions: { vector } });
  const stores: Store[] = [];
  try {
    const store = await createPostgresStore({ pglite });
    stores.push(store);
    return {
      store,
      async openAnother() {
        const another = await createPostgresStore({ pglite });
        stores.push(another);
        return another;
      },
      async close() {
        for (const opened of stores) await opened.close();
        if (!pglite.closed) await pglite.close();
      },
    };
  } catch (error) {
    if (!pglite.closed) await pglite.close();
    throw error;
  }
}

describeStoreConformance("PGlite with pgvector", openOnPglite, { vectors: true });

it("finds pgvector in PGlite", async () => {
  const opened = await openOnPglite();
  try {
    expect(opened.store.vectorsAvailable).toBe(true);
  } finally {
    await opened.close();
  }
});
