// The conformance suite on the Postgres store through the `pg` driver, over the wire, to PGlite (with
// pgvector) served by pglite-socket on 127.0.0.1: a new PGlite and server per test.
//
// PGlite is a single connection. pglite-socket multiplexes several client connections onto it, one
// query at a time and keeping a transaction's queries together, so each store opens its own pool
// from the URL as it would against a real server; the server allows more connections than both
// stores' pools hold (its default is one, which would turn away a pool's second connection).
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { createPostgresStore } from "../../src/store/postgres/index.js";
import type { Store } from "../../src/store/store.js";
import { describeStoreConformance, type OpenedStore } from "./suite.js";

async function openOverSocket(): Promise<OpenedStore> {
  const pglite = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: 100 });
  const stores: Store[] = [];
  const close = async () => {
    for (const opened of stores) await opened.close();
    await server.stop();
    if (!pglite.closed) await pglite.close();
  };
  try {
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    const open = async () => {
      const store = await createPostgresStore({ url });
      stores.push(store);
      return store;
    };
    return { store: await open(), openAnother: open, close };
  } catch (error) {
    await close();
    throw error;
  }
}

describeStoreConformance("PGlite over pglite-socket, through pg", openOverSocket, { vectors: true });
