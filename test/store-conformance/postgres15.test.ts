// The conformance suite on the Postgres store against a real PostgreSQL 15 server from Debian's
// packages (test/support/postgres-server.ts): one server for the file, a new database per test, each
// store with its own pool of connections. Debian 12 does not package pgvector, so the vector cases
// are skipped; every other case runs. Tagged `postgresql`: skipped, with a line saying how to install
// it, where PostgreSQL is missing, and failed then under CI=true or VERITY_REQUIRE_SYSTEM_TOOLS=1.
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "../../src/store/postgres/index.js";
import type { Store } from "../../src/store/store.js";
import { type PostgresServer, startPostgresServer } from "../support/postgres-server.js";
import { fileOf } from "./fixtures.js";
import { describeStoreConformance, type OpenedStore } from "./suite.js";

describe("PostgreSQL 15", { tags: ["postgresql"] }, () => {
  // Started by the first test that runs, so a file whose tests are all skipped starts nothing.
  let server: Promise<PostgresServer> | undefined;
  const started = () => {
    server ??= startPostgresServer();
    return server;
  };
  afterAll(async () => {
    if (server !== undefined) await (await server).stop();
  });

  async function openDatabase(options: { schema?: string } = {}): Promise<OpenedStore> {
    const postgres = await started();
    const url = await postgres.createDatabase();
    const stores: Store[] = [];
    const open = async () => {
      const store = await createPostgresStore({ url, ...options });
      stores.push(store);
      return store;
    };
    const close = async () => {
      for (const store of stores) await store.close();
      await postgres.dropDatabase(url);
    };
    try {
      return { store: await open(), openAnother: open, close };
    } catch (error) {
      await close();
      throw error;
    }
  }

  describeStoreConformance("PostgreSQL 15", () => openDatabase(), {
    vectors: false,
    note: "Debian's PostgreSQL 15 has no pgvector",
  });

  describe("without pgvector", () => {
    it("says vectors are not available, and refuses a space with an error saying why", async () => {
      const opened = await openDatabase();
      try {
        const store = opened.store as Store & { readonly vectorsAvailable: boolean };
        expect(store.vectorsAvailable).toBe(false);
        await expect(
          store.createSpace({
            collection: "c",
            name: "s",
            provider: "test",
            model: "m",
            dimensions: 8,
            normalised: true,
            version: "1",
            quantization: "float32",
          }),
        ).rejects.toMatchObject({
          code: expect.stringMatching(/^E_/u),
          message: expect.stringMatching(/pgvector/u),
        });
        expect(await store.listSpaces()).toEqual([]);
      } finally {
        await opened.close();
      }
    });
  });

  describe("replicas", () => {
    it("migrates a new database once when four stores open it at once", async () => {
      const postgres = await started();
      const url = await postgres.createDatabase();
      const stores = await Promise.all([1, 2, 3, 4].map(() => createPostgresStore({ url })));
      try {
        await stores[0]?.putFile(fileOf("/a.txt", ["opened together"]));
        for (const store of stores) expect(await store.stats()).toMatchObject({ documents: 1 });
      } finally {
        for (const store of stores) await store.close();
        await postgres.dropDatabase(url);
      }
    });

    it("says which database is missing and how to make it", async () => {
      const postgres = await started();
      await expect(createPostgresStore({ url: postgres.url("no_such_database") })).rejects.toMatchObject({
        code: "E_STORE",
        option: "databaseUrl",
        message: expect.stringContaining("no_such_database"),
      });
    });
  });

  describe("schemas", () => {
    it("keeps stores in two schemas of one database apart", async () => {
      const postgres = await started();
      const url = await postgres.createDatabase();
      const first = await createPostgresStore({ url, schema: "verity_one" });
      const second = await createPostgresStore({ url, schema: "verity_two" });
      try {
        await first.putFile(fileOf("/a.txt", ["only in the first schema"]));
        expect(await second.stats()).toMatchObject({ documents: 0, chunks: 0 });
        expect(await second.searchBm25({ collection: "c", terms: ["first"], limit: 5 })).toEqual([]);
        expect(await first.stats()).toMatchObject({ documents: 1, chunks: 1 });
      } finally {
        await first.close();
        await second.close();
        await postgres.dropDatabase(url);
      }
    });
  });
});

it("says a server that cannot be reached cannot be reached, never showing the password", async () => {
  const failure = createPostgresStore({ url: "postgres://someone:hunter2secret@127.0.0.1:1/verity" });
  await expect(failure).rejects.toMatchObject({ code: "E_STORE", option: "databaseUrl" });
  const error = (await failure.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as Error;
  expect(error.message).toContain("127.0.0.1:1");
  expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain("hunter2secret");
});
