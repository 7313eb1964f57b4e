// What is particular to the Postgres store (the shared behaviour is in test/store-conformance/):
// opening and migrating, schemas, pgvector present or not, vector storage types, concurrent writers
// of one file, and errors that say what to do without giving the URL's password away.
import { createServer } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterEach, describe, expect, it } from "vitest";
import { VerityError } from "../../core/errors.js";
import type { PutFileInput, Store } from "../store.js";
import { createPostgresStore, type PostgresStore } from "./index.js";

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
});

async function pglite(withVectors = true): Promise<PGlite> {
  const db = await PGlite.create(withVectors ? { extensions: { vector } } : {});
  opened.push({ close: () => (db.closed ? Promise.resolve() : db.close()) });
  return db;
}

async function open(options: Parameters<typeof createPostgresStore>[0]): Promise<PostgresStore> {
  const store = await createPostgresStore(options);
  opened.push(store);
  return store;
}

function textFile(path: string, chunks: string[], collection = "c"): PutFileInput {
  const text = chunks.join("\n");
  return {
    collection,
    path,
    contentHash: `${path}:${text}`,
    size: text.length,
    mediaType: "text/plain",
    documents: [
      {
        source: path,
        title: path,
        mediaType: "text/plain",
        text,
        size: text.length,
        chunks: chunks.map((chunk, ordinal) => ({
          ordinal,
          text: chunk,
          location: { charStart: 0, charEnd: chunk.length },
        })),
      },
    ],
  };
}

async function rejection(promise: Promise<unknown>): Promise<VerityError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VerityError);
    return error as VerityError;
  }
  throw new Error("expected a rejection");
}

describe("opening the Postgres store", () => {
  it("migrates a new database once, and opens it again without migrating", async () => {
    const db = await pglite();
    const first = await open({ pglite: db });
    await first.putFile(textFile("a.txt", ["kept across opens"]));
    const second = await open({ pglite: db });
    expect((await second.listDocuments()).map((document) => document.source)).toEqual(["a.txt"]);
    const versions = await db.query<{ version: number }>("SELECT version FROM verity.schema_version");
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  it("lets several stores open a new database at once", async () => {
    const db = await pglite();
    const stores = await Promise.all([1, 2, 3].map(() => open({ pglite: db })));
    await stores[0]?.putFile(textFile("a.txt", ["one"]));
    for (const store of stores) expect(await store.hasCollection("c")).toBe(true);
  });

  it("keeps stores of different schemas apart in one database", async () => {
    const db = await pglite();
    const tenantA = await open({ pglite: db, schema: "tenant_a" });
    const tenantB = await open({ pglite: db, schema: "tenant_b" });
    await tenantA.putFile(textFile("a.txt", ["only in a"]));
    expect(await tenantA.hasCollection("c")).toBe(true);
    expect(await tenantB.hasCollection("c")).toBe(false);
    expect((await tenantB.searchBm25({ collection: "c", terms: ["only"], limit: 5 })).length).toBe(0);
  });

  it("refuses a schema name that is not a plain SQL name, and a missing or doubled connection", async () => {
    const db = await pglite();
    expect((await rejection(createPostgresStore({ pglite: db, schema: "a; DROP" }))).option).toBe("schema");
    expect((await rejection(createPostgresStore({}))).code).toBe("E_CONFIG");
    expect((await rejection(createPostgresStore({ pglite: db, url: "postgres://x/y" }))).code).toBe(
      "E_CONFIG",
    );
  });

  it("reports the whole database's size only to a caller that may read everything", async () => {
    const store = await open({ pglite: await pglite() });
    expect((await store.stats()).databaseBytes).toBeGreaterThan(0);
    expect((await store.stats({ collections: ["c"], groups: "*" })).databaseBytes).toBe(0);
  });
});

describe("without pgvector", () => {
  it("works for everything but vectors, and says how to get them", async () => {
    const store = await open({ pglite: await pglite(false) });
    expect(store.vectorsAvailable).toBe(false);
    await store.putFile(textFile("a.txt", ["bm25 still works here"]));
    expect((await store.searchBm25({ collection: "c", terms: ["works"], limit: 5 })).length).toBe(1);
    // Retrieval asks for spaces on every question: none, rather than a failure.
    expect(await store.listSpaces("c")).toEqual([]);
    expect(await store.getSpace("c", "s")).toBeUndefined();
    const space = {
      collection: "c",
      name: "s",
      provider: "p",
      model: "m",
      dimensions: 4,
      normalised: true,
      version: "1",
      quantization: "float32" as const,
    };
    const failures = [
      store.createSpace(space),
      store.searchVectors({ collection: "c", vector: new Float32Array(4), limit: 3 }),
      store.chunksToEmbed("c", "s", 10),
      store.putVectors("c", "s", []),
      store.activateSpace("c", "s"),
      store.removeSpace("c", "s"),
    ];
    for (const failure of failures) {
      const error = await rejection(failure);
      expect(error.code).toBe("E_STORE");
      expect(error.message).toMatch(/pgvector/);
      expect(error.message).toMatch(/postgresql-15-pgvector|managed PostgreSQL/);
    }
  });
});

describe("vector storage", () => {
  const dimensions = 16;
  /** Unit vectors: chunk i points mostly along axis i. */
  const vectorOf = (axis: number) => {
    const values = new Float32Array(dimensions).fill(0.05);
    values[axis % dimensions] = 1;
    const norm = Math.hypot(...values);
    return values.map((value) => value / norm);
  };

  async function spaceWith(store: Store, quantization: "float32" | "binary" = "float32") {
    await store.putFile(
      textFile(
        "a.txt",
        [...Array(12)].map((_, index) => `chunk number ${index}`),
      ),
    );
    await store.putFile({ ...textFile("secret.txt", ["secret chunk"]), groups: ["hr"] });
    await store.createSpace({
      collection: "c",
      name: "s",
      provider: "p",
      model: "m",
      dimensions,
      normalised: true,
      version: "1",
      quantization,
    });
    const todo = await store.chunksToEmbed("c", "s", 100);
    const axisOf = (text: string) => (text === "secret chunk" ? 3 : Number(text.split(" ").pop()));
    await store.putVectors(
      "c",
      "s",
      todo.map((chunk) => ({ chunkId: chunk.chunkId, vector: vectorOf(axisOf(chunk.text)) })),
    );
    await store.activateSpace("c", "s");
  }

  for (const vectorType of ["float32", "halfvec", "binary"] as const) {
    it(`finds the nearest chunk through the HNSW index and by scanning, stored as ${vectorType}`, async () => {
      const store = await open({ pglite: await pglite(), vectorType });
      await spaceWith(store);
      for (const exact of [false, true]) {
        const hits = await store.searchVectors({ collection: "c", vector: vectorOf(5), limit: 3, exact });
        expect(hits[0]?.chunk.text).toBe("chunk number 5");
        expect(hits[0]?.score).toBeCloseTo(1, 2);
        expect(hits.length).toBe(3);
        expect(hits.every((hit) => hit.method === (exact ? "exact" : "ann"))).toBe(true);
      }
    });
  }

  it("answers `ann` queries from the HNSW index, never from a scan", async () => {
    const db = await pglite();
    // Records the statements run inside transactions (where the ANN query runs, with its settings).
    const statements: { text: string; settings: string[]; parameters: unknown[] }[] = [];
    const spy = new Proxy(db, {
      get(target, property) {
        if (property === "transaction") {
          return (work: (tx: unknown) => Promise<unknown>) =>
            target.transaction((tx) => {
              const settings: string[] = [];
              const recording = new Proxy(tx, {
                get(inner, name) {
                  if (name === "exec") {
                    return (script: string) => {
                      settings.push(script);
                      return inner.exec(script);
                    };
                  }
                  if (name === "query") {
                    return (text: string, parameters: unknown[]) => {
                      statements.push({ text, settings: [...settings], parameters });
                      return inner.query(text, parameters);
                    };
                  }
                  const value = Reflect.get(inner, name);
                  return typeof value === "function" ? value.bind(inner) : value;
                },
              });
              return work(recording);
            });
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const store = await open({ pglite: spy });
    await spaceWith(store);
    statements.length = 0;
    const hits = await store.searchVectors({
      collection: "c",
      vector: vectorOf(2),
      limit: 3,
      access: { collections: "*", groups: [] },
    });
    expect(hits.every((hit) => hit.method === "ann")).toBe(true);
    const search = statements.find((statement) => statement.text.includes("<=>"));
    if (!search) throw new Error("no vector query was recorded");
    const plan = await db.transaction(async (tx) => {
      for (const setting of search.settings) await tx.exec(setting);
      const rows = await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${search.text}`, search.parameters);
      return rows.rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(plan).toMatch(/Index Scan using space_1_embedding_idx/);
    expect(plan).not.toMatch(/Sort|Seq Scan/);
  });

  it("keeps a binary space's vectors as bits, re-ranked by exact cosine", async () => {
    const db = await pglite();
    const store = await open({ pglite: db });
    await spaceWith(store, "binary");
    const hits = await store.searchVectors({ collection: "c", vector: vectorOf(7), limit: 2 });
    expect(hits.map((hit) => hit.chunk.text)[0]).toBe("chunk number 7");
    expect(hits[0]?.score).toBeCloseTo(1, 5);
    const [column] = (
      await db.query<{ type: string }>(
        "SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'verity.space_1'::regclass AND attname = 'embedding'",
      )
    ).rows;
    expect(column?.type).toBe(`bit(${dimensions})`);
  });

  it("gives a restricted caller the limit of chunks it may read, though a nearer one is hidden", async () => {
    const store = await open({ pglite: await pglite() });
    await spaceWith(store);
    for (const exact of [false, true]) {
      const hits = await store.searchVectors({
        collection: "c",
        vector: vectorOf(3),
        limit: 5,
        exact,
        access: { collections: "*", groups: [] },
      });
      expect(hits.length).toBe(5);
      expect(hits.map((hit) => hit.chunk.text)).not.toContain("secret chunk");
      expect(hits[0]?.chunk.text).toBe("chunk number 3");
    }
  });
});

describe("concurrent writers", () => {
  it("stores one copy of a file that two stores put at once", async () => {
    const db = await pglite();
    const [first, second] = await Promise.all([open({ pglite: db }), open({ pglite: db })]);
    const input = textFile("same.txt", ["one chunk", "two chunk"]);
    await Promise.all([first?.putFile(input), second?.putFile(input), first?.putFile(input)]);
    expect((await first?.listDocuments())?.length).toBe(1);
    expect((await first?.stats())?.chunks).toBe(2);
    const counted = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM verity.chunks");
    expect(counted.rows[0]?.n).toBe(2);
    expect((await first?.termStatistics(["chunk"]))?.documentFrequency.get("chunk")).toBe(2);
  });
});

describe("errors", () => {
  /** A loopback port nothing listens on. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it("says the server is not answering, naming the URL without its password", async () => {
    const port = await closedPort();
    const error = await rejection(
      createPostgresStore({ url: `postgres://verity:s3cret-pass@127.0.0.1:${port}/verity` }),
    );
    expect(error.code).toBe("E_STORE");
    expect(error.message).toMatch(/is the server running/);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain("s3cret-pass");
    expect(JSON.stringify(error)).not.toContain("s3cret-pass");
    expect(error.option).toBe("databaseUrl");
  });
});
