// The conformance suite on the Postgres store through the `pg` driver, over the wire, to PGlite (with
// pgvector) served by pglite-socket on 127.0.0.1. Starting a PGlite takes seconds, so the file shares
// one server, and each test gets a schema of its own (the store's `schema` option).
//
// PGlite is a single connection. pglite-socket multiplexes several client connections onto it, one
// query at a time and keeping a transaction's queries together, so each store opens its own pool
// from the URL as it would against a real server; the server allows more connections than the
// stores' pools hold (its default is one, which would turn away a pool's second connection).
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import { afterAll } from "vitest";
import { createPostgresStore } from "../../src/store/postgres/index.js";
import type { Store } from "../../src/store/store.js";
import { describeStoreConformance, type OpenedStore } from "./suite.js";

interface Served {
  pglite: PGlite;
  server: PGLiteSocketServer;
  url: string;
}

let shared: Promise<Served> | undefined;
async function serve(): Promise<Served> {
  const pglite = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: 100 });
  await server.start();
  return { pglite, server, url: `postgres://postgres@${server.getServerConn()}/postgres` };
}
afterAll(async () => {
  if (shared === undefined) return;
  const { pglite, server } = await shared;
  await server.stop();
  await pglite.close();
});

let schemas = 0;
async function openOverSocket(): Promise<OpenedStore> {
  shared ??= serve();
  const { url } = await shared;
  const schema = `conformance_${++schemas}`;
  const stores: Store[] = [];
  const open = async () => {
    const store = await createPostgresStore({ url, schema });
    stores.push(store);
    return store;
  };
  const close = async () => {
    for (const store of stores) await store.close();
    // Dropped over the wire too: the test's pools are closed, so no query of theirs is waiting.
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  };
  try {
    return { store: await open(), openAnother: open, close };
  } catch (error) {
    await close();
    throw error;
  }
}

describeStoreConformance("PGlite over pglite-socket, through pg", openOverSocket, { vectors: true });
