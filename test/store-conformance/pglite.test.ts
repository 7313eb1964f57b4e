// The conformance suite on the Postgres store over PGlite in this process, with its pgvector
// extension, once for each way the store can keep float32 vectors (`vectorType`). Starting a PGlite
// takes seconds, so the file shares one, and each test gets a schema of its own (the store's `schema`
// option): both stores of a test share that schema.
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, expect, it } from "vitest";
import {
  createPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from "../../src/store/postgres/index.js";
import { describeStoreConformance, type OpenedStore } from "./suite.js";

type VectorType = NonNullable<PostgresStoreOptions["vectorType"]>;

let shared: Promise<PGlite> | undefined;
afterAll(async () => {
  if (shared !== undefined) await (await shared).close();
});

let schemas = 0;
async function openOnPglite(
  vectorType: VectorType = "float32",
): Promise<OpenedStore & { store: PostgresStore }> {
  shared ??= PGlite.create({ extensions: { vector } });
  const pglite = await shared;
  const schema = `conformance_${++schemas}`;
  const stores: PostgresStore[] = [];
  const open = async () => {
    const store = await createPostgresStore({ pglite, schema, vectorType });
    stores.push(store);
    return store;
  };
  const close = async () => {
    for (const store of stores) await store.close();
    await pglite.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  };
  try {
    return { store: await open(), openAnother: open, close };
  } catch (error) {
    await close();
    throw error;
  }
}

describeStoreConformance("PGlite with pgvector", () => openOnPglite(), { vectors: true });
describeStoreConformance("PGlite with pgvector, vectors kept as halfvec", () => openOnPglite("halfvec"), {
  vectors: true,
});
describeStoreConformance(
  "PGlite with pgvector, vectors kept as bits, re-ranked",
  () => openOnPglite("binary"),
  {
    vectors: true,
  },
);

it("finds pgvector in PGlite", async () => {
  const opened = await openOnPglite();
  try {
    expect(opened.store.vectorsAvailable).toBe(true);
  } finally {
    await opened.close();
  }
});
