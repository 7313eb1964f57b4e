// Migrating a data dir into PGlite with pgvector, in-process through the library function: every
// table is copied and verified, the index terms and BM25 statistics are the Postgres store's own (the
// same as its putFile makes from the same documents), searches answer as the SQLite store does,
// vectors included, and a run stopped between batches continues to the same result.
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerity } from "../../src/engine.js";
import { type MigrationProgress, migrateToPostgres } from "../../src/store/migrate/index.js";
import { roundToHalf } from "../../src/store/migrate/inventory.js";
import { createPostgresStore, type PostgresStore } from "../../src/store/postgres/index.js";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import type { EmbeddingSpace } from "../../src/store/vectors.js";
import { makeSourceFixture, type SourceFixture, vectorFor } from "./source-fixture.js";

let fixture: SourceFixture;
let pglite: PGlite;
let source: Store;
let schemas = 0;

beforeAll(async () => {
  fixture = await makeSourceFixture();
  pglite = await PGlite.create({ extensions: { vector } });
  source = createSqliteStore({ path: join(fixture.dataDir, "verity.db"), readOnly: true });
});

afterAll(async () => {
  await source?.close();
  await pglite?.close();
  if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
});

/** Every file of the data dir and its bytes' hash, to show the source is never written. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((name) => [
      name,
      createHash("sha256")
        .update(readFileSync(join(dir, name)))
        .digest("hex"),
    ]),
  );
}

async function migrated(options: { schema?: string } = {}) {
  const schema = options.schema ?? `migrated_${++schemas}`;
  const summary = await migrateToPostgres({ dataDir: fixture.dataDir, pglite, schema });
  const target = await createPostgresStore({ pglite, schema });
  return { summary, target, schema };
}

describe("a migration into PGlite with pgvector", () => {
  let target: PostgresStore;
  let summary: Awaited<ReturnType<typeof migrateToPostgres>>;

  beforeAll(async () => {
    const before = snapshot(fixture.dataDir);
    ({ target, summary } = await migrated({ schema: "main" }));
    expect(snapshot(fixture.dataDir)).toEqual(before);
  });
  afterAll(async () => {
    await target?.close();
  });

  it("copies every table and says so, with nothing left out", async () => {
    expect(summary).toMatchObject({ verified: true, resumed: false, spacesNotCopied: [] });
    expect(summary.counts).toMatchObject({
      "collection handbook: files": 4,
      "collection handbook: document groups": 1,
      "collection cjk: files": 2,
      "api keys": 2,
      answers: 3,
      "model calls": 2,
    });
    for (const space of ["v1", "int8", "binary"]) {
      expect(summary.counts[`space handbook/test:fixed:${space}: vectors`]).toBe(fixture.vectors.length);
    }
    expect(await target.stats()).toMatchObject({
      collections: 2,
      documents: (await source.stats()).documents,
      chunks: (await source.stats()).chunks,
    });
  });

  it("keeps document ids, chunk ids, groups, metadata and times", async () => {
    for (const collection of ["handbook", "cjk"]) {
      expect(await target.listDocuments(collection)).toEqual(await source.listDocuments(collection));
      expect(await target.listFiles(collection)).toEqual(await source.listFiles(collection));
      for (const document of await source.listDocuments(collection)) {
        expect(await target.getChunks(document.id)).toEqual(await source.getChunks(document.id));
        expect(await target.getDocumentText(document.id)).toBe(await source.getDocumentText(document.id));
      }
    }
    expect(await target.collectionSettings("cjk")).toEqual({ tokenizer: "cjk" });
    const record = await target.getDocument(`${join(fixture.dir, "docs", "records.jsonl")}#r3`, "handbook");
    expect(await target.getDocumentText(record?.id as string)).toContain("NUL \u0000 and an escape \u001b");
  });

  it("builds index terms and BM25 statistics exactly as the Postgres store's putFile does", async () => {
    const reference = await createPostgresStore({ pglite, schema: "reference" });
    try {
      for (const collection of ["handbook", "cjk"]) {
        await reference.createCollection(collection, (await source.collectionSettings(collection)) ?? {});
        const documents = await source.listDocuments(collection);
        for (const file of await source.listFiles(collection)) {
          const ofFile = documents.filter((document) => document.file === file.path);
          await reference.putFile({
            collection,
            path: file.path,
            contentHash: file.contentHash,
            size: file.size,
            mediaType: file.mediaType,
            groups: ofFile[0]?.groups ?? [],
            documents: await Promise.all(
              ofFile.map(async (document) => ({
                source: document.source,
                title: document.title,
                mediaType: document.mediaType,
                text: (await source.getDocumentText(document.id)) as string,
                size: document.size,
                metadata: document.metadata,
                chunks: (await source.getChunks(document.id)).map(({ ordinal, text, location }) => ({
                  ordinal,
                  text,
                  location,
                })),
              })),
            ),
          });
        }
      }
      const terms = async (schema: string) => ({
        chunks: (
          await pglite.query(
            `SELECT id, terms::text, term_count, title_positions FROM ${schema}.chunks ORDER BY id`,
          )
        ).rows,
        stats: (
          await pglite.query(`SELECT term, chunks FROM ${schema}.term_stats WHERE chunks > 0 ORDER BY term`)
        ).rows,
        totals: (await pglite.query(`SELECT chunks, terms FROM ${schema}.index_totals`)).rows,
      });
      const expected = await terms("reference");
      expect(expected.chunks.length).toBeGreaterThan(5);
      expect(await terms("main")).toEqual(expected);
    } finally {
      await reference.close();
    }
  });

  it("answers BM25 searches with the SQLite store's hits and scores", async () => {
    const queries = [
      { collection: "handbook", terms: ["salary"] },
      { collection: "handbook", terms: ["travel", "portal"] },
      { collection: "handbook", terms: ["lighthouse", "keeper"], perDocument: true },
      { collection: "handbook", terms: ["salary"], access: { collections: "*" as const, groups: [] } },
      { collection: "cjk", terms: ["茶经"] },
    ];
    for (const query of queries) {
      const expected = await source.searchBm25({ ...query, limit: 10 });
      const hits = await target.searchBm25({ ...query, limit: 10 });
      expect(hits.map((hit) => hit.chunk.id)).toEqual(expected.map((hit) => hit.chunk.id));
      hits.forEach((hit, index) => {
        expect(hit.score).toBeCloseTo(expected[index]?.score as number, 9);
      });
    }
  });

  it("finds the same nearest chunks by vector, in the active space", async () => {
    const shape = (spaces: EmbeddingSpace[]) =>
      spaces.map(({ name, quantization, active, embeddedChunks, createdAt }) => ({
        name,
        quantization,
        active,
        embeddedChunks,
        createdAt,
      }));
    const spaces = await target.listSpaces("handbook");
    expect(shape(spaces)).toEqual(shape(await source.listSpaces("handbook")));
    expect(spaces.find((space) => space.active)).toMatchObject({
      name: "test:fixed:v1",
      embeddedChunks: fixture.vectors.length,
    });
    for (const space of ["test:fixed:int8", "test:fixed:binary"]) {
      const query = { collection: "handbook", space, vector: vectorFor(1005), limit: 3, exact: true };
      expect((await target.searchVectors(query)).map((hit) => hit.chunk.id)).toEqual(
        (await source.searchVectors(query)).map((hit) => hit.chunk.id),
      );
    }
    for (const probe of [0, 3, 7]) {
      const query = { collection: "handbook", vector: vectorFor(probe), limit: 5, exact: true };
      const expected = await source.searchVectors(query);
      const hits = await target.searchVectors(query);
      expect(hits.map((hit) => hit.chunk.id)).toEqual(expected.map((hit) => hit.chunk.id));
      expect(hits[0]?.chunk.id).toBe(fixture.vectors[probe]?.chunkId);
    }
  });

  it("keeps API keys working, revoked ones revoked, and the ledger's answers and sums", async () => {
    expect(await target.verifyApiKey(fixture.secrets.valid)).toMatchObject({ status: "valid" });
    expect(await target.verifyApiKey(fixture.secrets.revoked)).toMatchObject({ status: "revoked" });
    expect(await target.listAnswers({ limit: 100 })).toEqual(await source.listAnswers({ limit: 100 }));
    expect(await target.ledgerSummary()).toEqual(await source.ledgerSummary());
    expect(await target.ledgerDays()).toEqual(await source.ledgerDays());
    expect(await target.listJobs(100)).toEqual(await source.listJobs(100));
  });

  it("verifies again with verifyOnly, and numbers answers recorded later after the copied ones", async () => {
    const again = await migrateToPostgres({
      dataDir: fixture.dataDir,
      pglite,
      schema: "main",
      verifyOnly: true,
    });
    expect(again.copied).toEqual({ files: 0, chunks: 0, vectors: 0, answers: 0 });
    expect(again.counts).toEqual(summary.counts);
    const [last] = await source.listAnswers({ limit: 1 });
    await target.recordAnswer({
      at: new Date().toISOString(),
      collection: "handbook",
      status: "abstained",
      answerer: "extractive",
      escalated: false,
      costUsd: 0,
      latencyMs: 1,
      trace: {},
      calls: [],
    });
    const [recorded] = await target.listAnswers({ limit: 1 });
    expect(recorded?.id).toBe((last?.id as number) + 1);
  });
});

describe("resuming", () => {
  it("continues a migration stopped between batches and ends as an uninterrupted one", async () => {
    const schema = `resumed_${++schemas}`;
    let batches = 0;
    const stopAfter = (limit: number) => (progress: MigrationProgress) => {
      if (progress.phase !== "verify" && ++batches > limit) throw new Error("stopped on purpose");
    };
    await expect(
      migrateToPostgres({
        dataDir: fixture.dataDir,
        pglite,
        schema,
        batchFiles: 1,
        onProgress: stopAfter(3),
      }),
    ).rejects.toThrow("stopped on purpose");
    batches = 0;
    await expect(
      migrateToPostgres({
        dataDir: fixture.dataDir,
        pglite,
        schema,
        batchFiles: 1,
        onProgress: stopAfter(6),
      }),
    ).rejects.toThrow("stopped on purpose");
    const summary = await migrateToPostgres({ dataDir: fixture.dataDir, pglite, schema, batchFiles: 1 });
    expect(summary.resumed).toBe(true);
    const clean = await migrated();
    await clean.target.close();
    expect(summary.counts).toEqual(clean.summary.counts);
    const counts = async (name: string) =>
      (
        await pglite.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM ${name}.chunks) + (SELECT count(*) FROM ${name}.documents) + (SELECT count(*) FROM ${name}.answers) AS n`,
        )
      ).rows[0]?.n;
    expect(await counts(schema)).toBe(await counts(clean.schema));
  });
});

describe("running again after the source changed", () => {
  it("brings the copy up to date: a file changed, one removed and one added, vectors new and re-embedded, new answers", async () => {
    const dataDir = join(fixture.dir, "changing");
    cpSync(fixture.dataDir, dataDir, { recursive: true });
    const schema = `changing_${++schemas}`;
    await migrateToPostgres({ dataDir, pglite, schema });

    const verity = createVerity({ dataDir });
    try {
      // A file changes, hr/ is removed, a new file comes.
      writeFileSync(
        join(fixture.dir, "docs", "leave.md"),
        "# Leave\n\nNew staff get 28 vacation days a year.\n",
      );
      await verity.ingest([join(fixture.dir, "docs", "leave.md")], { collection: "handbook" });
      writeFileSync(join(fixture.dir, "pier.md"), "# Pier\n\nThe pier closes at nine in winter.\n");
      await verity.ingest([join(fixture.dir, "pier.md")], { collection: "handbook" });
      await verity.remove(join(fixture.dir, "docs", "hr", "salaries.md"), "handbook");
      await verity.ask("When are salary reviews?", { collection: "handbook" });
    } finally {
      await verity.close();
    }
    const changed = createSqliteStore({ path: join(dataDir, "verity.db") });
    try {
      const [chunk] = await changed.chunksToEmbed("handbook", "test:fixed:v1", 1);
      if (chunk)
        await changed.putVectors("handbook", "test:fixed:v1", [
          { chunkId: chunk.chunkId, vector: vectorFor(99) },
        ]);
    } finally {
      await changed.close();
    }

    const summary = await migrateToPostgres({ dataDir, pglite, schema });
    expect(summary).toMatchObject({ verified: true, resumed: true });
    expect(summary.copied).toMatchObject({ files: 2, answers: 1 });
    const reread = createSqliteStore({ path: join(dataDir, "verity.db"), readOnly: true });
    const target = await createPostgresStore({ pglite, schema });
    try {
      expect(await target.listDocuments("handbook")).toEqual(await reread.listDocuments("handbook"));
      for (const probe of [99, 98, 0]) {
        const query = { collection: "handbook", vector: vectorFor(probe), limit: 5, exact: true };
        expect((await target.searchVectors(query)).map((hit) => hit.chunk.id)).toEqual(
          (await reread.searchVectors(query)).map((hit) => hit.chunk.id),
        );
      }
    } finally {
      await target.close();
      await reread.close();
    }
  });
});

describe("checksums of halfvec spaces", () => {
  it("round float32 to half precision as pgvector's halfvec does, ties and tiny values included", async () => {
    const values = [
      ...Array.from({ length: 2000 }, (_, index) =>
        Math.fround(Math.sin(index * 12.9898) * 10 ** ((index % 9) - 6)),
      ),
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
      2 ** -24,
      3 * 2 ** -25,
      2 ** -14 - 2 ** -25,
      65504,
      -0.1,
      0,
    ].map(Math.fround);
    await pglite.exec("CREATE EXTENSION IF NOT EXISTS vector");
    const { rows } = await pglite.query<{ v: string }>(`SELECT ($1::vector::halfvec)::vector::text AS v`, [
      `[${values.join(",")}]`,
    ]);
    const stored = Float32Array.from(String(rows[0]?.v).slice(1, -1).split(","), Number);
    expect(Array.from(values, roundToHalf).map(Math.fround)).toEqual(Array.from(stored));
  });
});

describe("verification", () => {
  it("fails naming what differs when the copy was changed afterwards", async () => {
    const { schema, target } = await migrated();
    await target.close();
    await pglite.query(
      `UPDATE ${schema}.chunks SET text = 'tampered' WHERE id = (SELECT min(id) FROM ${schema}.chunks WHERE collection_id = (SELECT id FROM ${schema}.collections WHERE name = 'cjk'))`,
    );
    await pglite.query(`DELETE FROM ${schema}.api_keys WHERE revoked_at IS NOT NULL`);
    await expect(
      migrateToPostgres({ dataDir: fixture.dataDir, pglite, schema, verifyOnly: true }),
    ).rejects.toMatchObject({
      code: "E_STORE",
      message: expect.stringMatching(
        /differs from .*: api keys: source has 2, target 1; collection cjk: chunks: same count \(2\), different content\. If/u,
      ),
    });
  });
});

describe("refusals", () => {
  it("refuses a target holding other data, naming what it holds", async () => {
    const schema = `other_${++schemas}`;
    const other = await createPostgresStore({ pglite, schema });
    await other.putFile({
      collection: "elsewhere",
      path: "/x.txt",
      contentHash: "x",
      size: 1,
      mediaType: "text/plain",
      documents: [],
    });
    await other.close();
    await expect(migrateToPostgres({ dataDir: fixture.dataDir, pglite, schema })).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      message: expect.stringMatching(/already holds Verity data.*elsewhere/u),
    });
  });

  it("says a folder without verity.db is not a Verity data dir", async () => {
    await expect(migrateToPostgres({ dataDir: fixture.dir, pglite })).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      message: expect.stringContaining("not a Verity data dir"),
    });
  });
});
