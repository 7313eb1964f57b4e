// Embedding spaces in Postgres with pgvector: one table per space (`space_<id>`), keyed by chunk
// rowid and dropped with the chunk, with an HNSW index (cosine; halfvec for half-precision storage;
// bit with Hamming distance and an exact cosine re-rank over full vectors for binary). Queries run
// through the index (`ann`) unless asked to be exact, with the caller's access inside the query; on
// pgvector 0.8 and later the index scan continues past filtered-out rows (iterative scan), so a
// caller who may read little still gets `limit` hits.
import { type Access, fullAccess, mayReadCollection } from "../../core/access.js";
import { VerityError } from "../../core/errors.js";
import {
  type ChunkToEmbed,
  checkNewSpace,
  checkSameSpace,
  type EmbeddingSpace,
  type NewEmbeddingSpace,
  type Quantization,
  type VectorHit,
  type VectorQuery,
  type VectorStore,
} from "../vectors.js";
import { groupCondition, orTrue } from "./access-filter.js";
import type { RankedRow } from "./bm25-search.js";
import type { Client, Queryable } from "./client.js";
import type { Collections } from "./collections.js";
import { raw, type Sql, sql } from "./sql.js";
import { restoredText } from "./stored-text.js";
import type { Tables } from "./tables.js";

export type VectorStorage = "float32" | "halfvec" | "binary";

/** Candidates fetched per wanted result from a binary index, before exact re-ranking. */
const rescoreFactor = 10;
/** pgvector's HNSW limits on dimensions per storage type; larger spaces are scanned exactly. */
const maxIndexedDimensions: Record<VectorStorage, number> = { float32: 2000, halfvec: 4000, binary: 64000 };

interface SpaceRow {
  id: number;
  collection: string;
  collection_id: number;
  name: string;
  provider: string;
  model: string;
  dimensions: number;
  normalised: boolean;
  version: string;
  quantization: Quantization;
  storage: VectorStorage;
  active: boolean;
  created_at: string;
}

export interface VectorContext {
  client: Client;
  t: Tables;
  collections: Collections;
  /** How float32 spaces are stored (the store's `vectorType`). */
  vectorType: VectorStorage;
  /** Undefined when pgvector is installed; otherwise why not. */
  vectorsMissing: string | undefined;
  /** pgvector >= 0.8: HNSW scans can continue past rows a filter drops. */
  iterativeScan: boolean;
  hydrate(
    db: Queryable,
    ranked: readonly RankedRow[],
    collection: number,
    access?: Access,
  ): Promise<Omit<VectorHit, "method">[]>;
  now(): string;
}

export interface PostgresVectorIndex extends VectorStore {
  /** Drops the tables of every space of a collection (inside the caller's transaction). */
  dropSpacesOf(tx: Queryable, collection: string): Promise<void>;
}

/** pgvector's text form of a vector. */
function vectorText(vector: Float32Array): string {
  return `[${Array.from(vector).join(",")}]`;
}

export function createPostgresVectorIndex(context: VectorContext): PostgresVectorIndex {
  const { client, t } = context;
  const spaceColumns = sql`s.id, c.name AS collection, s.collection_id, s.name, s.provider, s.model, s.dimensions,
    s.normalised, s.version, s.quantization, s.storage, s.active, s.created_at`;
  const table = (row: Pick<SpaceRow, "id">) => t.named(`space_${row.id}`);

  function requireVectors(): void {
    if (context.vectorsMissing === undefined) return;
    throw new VerityError(
      "E_STORE",
      `embedding spaces need the pgvector extension, which this PostgreSQL does not have (${context.vectorsMissing}). Install pgvector on the server (e.g. apt-get install postgresql-15-pgvector from the PostgreSQL apt repository, apt.postgresql.org) or use a managed PostgreSQL that offers it, then open the store again; BM25 search works without it`,
      { option: "databaseUrl" },
    );
  }

  async function spaceRow(db: Queryable, collection: string, name: string): Promise<SpaceRow | undefined> {
    const [row] = await db.query<SpaceRow>(
      sql`SELECT ${spaceColumns} FROM ${t.embedding_spaces} s JOIN ${t.collections} c ON c.id = s.collection_id
          WHERE c.name = ${collection} AND s.name = ${name}`,
    );
    return row;
  }

  async function requireSpace(db: Queryable, collection: string, name: string): Promise<SpaceRow> {
    requireVectors();
    const row = await spaceRow(db, collection, name);
    if (!row) {
      throw new VerityError(
        "E_NOT_FOUND",
        `collection "${collection}" has no embedding space "${name}"; list the collection's spaces to see their names`,
      );
    }
    return row;
  }

  async function toSpace(db: Queryable, row: SpaceRow): Promise<EmbeddingSpace> {
    const [counts] = await db.query<{ embedded: string | number; total: string | number }>(
      sql`SELECT (SELECT count(*) FROM ${table(row)}) AS embedded,
                 (SELECT count(*) FROM ${t.chunks} WHERE collection_id = ${row.collection_id}) AS total`,
    );
    return {
      collection: row.collection,
      name: row.name,
      provider: row.provider,
      model: row.model,
      dimensions: Number(row.dimensions),
      normalised: row.normalised,
      version: row.version,
      quantization: row.quantization,
      active: row.active,
      createdAt: row.created_at,
      embeddedChunks: Number(counts?.embedded ?? 0),
      totalChunks: Number(counts?.total ?? 0),
    };
  }

  function columnType(row: Pick<SpaceRow, "storage" | "dimensions">): string {
    const d = Number(row.dimensions);
    return row.storage === "binary"
      ? `bit(${d})`
      : row.storage === "halfvec"
        ? `halfvec(${d})`
        : `vector(${d})`;
  }

  const indexed = (row: SpaceRow) => Number(row.dimensions) <= maxIndexedDimensions[row.storage];

  async function createTable(tx: Queryable, row: SpaceRow): Promise<void> {
    const name = table(row);
    const full =
      row.storage === "binary"
        ? sql`, full_vector vector(${raw(String(Number(row.dimensions)))}) NOT NULL`
        : sql``;
    await tx.query(
      sql`CREATE TABLE ${name} (
            chunk_rowid bigint PRIMARY KEY REFERENCES ${t.chunks}(rowid) ON DELETE CASCADE,
            embedding ${raw(columnType(row))} NOT NULL ${full})`,
    );
    if (!indexed(row)) return;
    const operators = {
      float32: "vector_cosine_ops",
      halfvec: "halfvec_cosine_ops",
      binary: "bit_hamming_ops",
    }[row.storage];
    await tx.query(sql`CREATE INDEX ON ${name} USING hnsw (embedding ${raw(operators)})`);
  }

  /** The value stored for a query or stored vector given as `$n` text. */
  function stored(row: SpaceRow, text: Sql): Sql {
    const d = raw(String(Number(row.dimensions)));
    if (row.storage === "binary") return sql`binary_quantize(${text}::vector(${d}))::bit(${d})`;
    if (row.storage === "halfvec") return sql`${text}::halfvec(${d})`;
    return sql`${text}::vector(${d})`;
  }

  /** Ranked rowids through the HNSW index, or undefined when it cannot give `limit` readable ones. */
  async function viaIndex(
    row: SpaceRow,
    probe: string,
    limit: number,
    access: Access,
  ): Promise<RankedRow[] | undefined> {
    if (!indexed(row)) return undefined;
    const readable = orTrue(groupCondition(t, access, sql`k.document_id`));
    const wanted = row.storage === "binary" ? limit * rescoreFactor : limit;
    const ranked = await client.transaction(async (tx) => {
      // The HNSW index must drive the query, or the hits would be called approximate wrongly: the
      // planner prefers reading the collection's chunks and sorting them on small tables, and
      // materialising every readable chunk on large ones. With sorting, scans and non-nested joins
      // off, the only plan left walks the index in distance order and looks each candidate's chunk
      // up by key. Enough candidates are asked for, and (pgvector 0.8+) the walk continues past
      // the candidates the caller may not read.
      await tx.exec(
        "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off; SET LOCAL enable_material = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_bitmapscan = off",
      );
      // As wide as the embedded store's HNSW search (expansionSearch 128): pgvector's default of 40
      // found 0.65 of the exact top 10 in bench:scale at 10,000 vectors.
      await tx.exec(`SET LOCAL hnsw.ef_search = ${Math.min(1000, Math.max(128, wanted))}`);
      if (context.iterativeScan) await tx.exec("SET LOCAL hnsw.iterative_scan = relaxed_order");
      const operator = raw(row.storage === "binary" ? "<~>" : "<=>");
      const distance = sql`v.embedding ${operator} ${stored(row, sql`${probe}`)}`;
      const exactScore =
        row.storage === "binary" ? sql`1 - (v.full_vector <=> ${probe}::vector)` : sql`1 - (${distance})`;
      return tx.query<{ rowid: string | number; score: number }>(
        sql`SELECT v.chunk_rowid AS rowid, ${exactScore} AS score FROM ${table(row)} v
            JOIN ${t.chunks} k ON k.rowid = v.chunk_rowid
            WHERE k.collection_id = ${row.collection_id} AND ${readable}
            ORDER BY ${distance} LIMIT ${wanted}`,
      );
    });
    if (ranked.length < Math.min(limit, wanted)) return undefined;
    return ranked
      .map((hit) => ({ rowid: Number(hit.rowid), score: Number(hit.score) }))
      .sort((a, b) => b.score - a.score || a.rowid - b.rowid)
      .slice(0, limit);
  }

  /** Ranked rowids by scanning every vector of the readable chunks (cosine over full vectors). */
  async function exactScan(
    row: SpaceRow,
    probe: string,
    limit: number,
    access: Access,
  ): Promise<RankedRow[]> {
    const readable = orTrue(groupCondition(t, access, sql`k.document_id`));
    const column = row.storage === "binary" ? sql`v.full_vector` : sql`v.embedding`;
    const value = row.storage === "binary" ? sql`${probe}::vector` : stored(row, sql`${probe}`);
    // `+ 0` keeps the planner off the HNSW index, which answers only `ORDER BY column <=> constant`.
    const ranked = await client.query<{ rowid: string | number; score: number }>(
      sql`SELECT v.chunk_rowid AS rowid, 1 - (${column} <=> ${value}) AS score FROM ${table(row)} v
          JOIN ${t.chunks} k ON k.rowid = v.chunk_rowid
          WHERE k.collection_id = ${row.collection_id} AND ${readable}
          ORDER BY (${column} <=> ${value}) + 0, v.chunk_rowid LIMIT ${limit}`,
    );
    return ranked.map((hit) => ({ rowid: Number(hit.rowid), score: Number(hit.score) }));
  }

  async function dropSpace(tx: Queryable, row: SpaceRow): Promise<void> {
    await tx.query(sql`DROP TABLE IF EXISTS ${table(row)}`);
    await tx.query(sql`DELETE FROM ${t.embedding_spaces} WHERE id = ${row.id}`);
  }

  return {
    async createSpace(space: NewEmbeddingSpace) {
      requireVectors();
      checkNewSpace(space);
      return client.transaction(async (tx) => {
        await tx.query(sql`SELECT pg_advisory_xact_lock(hashtext(${`verity-space:${space.collection}`}))`);
        const existing = await spaceRow(tx, space.collection, space.name);
        if (existing) {
          checkSameSpace({ ...existing, dimensions: Number(existing.dimensions) }, space);
          return toSpace(tx, existing);
        }
        const collection = await context.collections.findOrCreate(tx, space.collection);
        const storage: VectorStorage =
          space.quantization === "binary"
            ? "binary"
            : space.quantization === "int8"
              ? "halfvec"
              : context.vectorType;
        await tx.query(
          sql`INSERT INTO ${t.embedding_spaces} (collection_id, name, provider, model, dimensions, normalised, version,
                quantization, storage, active, created_at)
              VALUES (${collection.id}, ${space.name}, ${space.provider}, ${space.model}, ${space.dimensions},
                ${space.normalised}, ${space.version}, ${space.quantization}, ${storage}, false, ${context.now()})`,
        );
        const row = (await spaceRow(tx, space.collection, space.name)) as SpaceRow;
        await createTable(tx, row);
        return toSpace(tx, row);
      });
    },

    async listSpaces(collection) {
      // Without pgvector there are no spaces (none can be made): retrieval asks, and goes on with BM25.
      if (context.vectorsMissing !== undefined) return [];
      const rows = await client.query<SpaceRow>(
        sql`SELECT ${spaceColumns} FROM ${t.embedding_spaces} s JOIN ${t.collections} c ON c.id = s.collection_id
            ${collection === undefined ? sql`` : sql`WHERE c.name = ${collection}`}
            ORDER BY c.name COLLATE "C", s.created_at, s.id`,
      );
      const spaces: EmbeddingSpace[] = [];
      for (const row of rows) spaces.push(await toSpace(client, row));
      return spaces;
    },

    async getSpace(collection, name) {
      if (context.vectorsMissing !== undefined) return undefined;
      const row = await spaceRow(client, collection, name);
      return row ? toSpace(client, row) : undefined;
    },

    async chunksToEmbed(collection, name, limit, after = 0): Promise<ChunkToEmbed[]> {
      const row = await requireSpace(client, collection, name);
      const rows = await client.query<{ rowid: string | number; id: string; text: string }>(
        sql`SELECT k.rowid, k.id, k.text FROM ${t.chunks} k
            WHERE k.collection_id = ${row.collection_id} AND k.rowid > ${after}
              AND NOT EXISTS (SELECT 1 FROM ${table(row)} v WHERE v.chunk_rowid = k.rowid)
            ORDER BY k.rowid LIMIT ${limit}`,
      );
      return rows.map((chunk) => ({
        chunkId: chunk.id,
        text: restoredText(chunk.text),
        cursor: Number(chunk.rowid),
      }));
    },

    async putVectors(collection, name, vectors) {
      const row = await requireSpace(client, collection, name);
      for (const { chunkId, vector } of vectors) {
        if (vector.length !== Number(row.dimensions)) {
          throw new VerityError(
            "E_INVALID_INPUT",
            `vector for ${chunkId} has ${vector.length} dimensions; space "${row.name}" has ${row.dimensions}`,
          );
        }
      }
      if (vectors.length === 0) return 0;
      return client.transaction(async (tx) => {
        const found = await tx.query<{ rowid: string | number; id: string }>(
          sql`SELECT rowid, id FROM ${t.chunks}
              WHERE id = ANY(${vectors.map((entry) => entry.chunkId)}::text[]) AND collection_id = ${row.collection_id}
              FOR KEY SHARE`,
        );
        const rowids = new Map(found.map((chunk) => [chunk.id, Number(chunk.rowid)]));
        // The last vector given for a chunk wins, as when they are stored one after another.
        const latest = new Map<number, string>();
        let stored_ = 0;
        for (const { chunkId, vector } of vectors) {
          const rowid = rowids.get(chunkId);
          if (rowid === undefined) continue;
          latest.set(rowid, vectorText(vector));
          stored_++;
        }
        if (latest.size === 0) return 0;
        const full = row.storage === "binary" ? sql`, full_vector` : sql``;
        const fullValue = row.storage === "binary" ? sql`, u.v::vector` : sql``;
        const fullUpdate = row.storage === "binary" ? sql`, full_vector = excluded.full_vector` : sql``;
        await tx.query(
          sql`INSERT INTO ${table(row)} (chunk_rowid, embedding ${full})
              SELECT u.rowid, ${stored(row, sql`u.v`)} ${fullValue}
              FROM unnest(${[...latest.keys()]}::bigint[], ${[...latest.values()]}::text[]) AS u(rowid, v)
              ON CONFLICT (chunk_rowid) DO UPDATE SET embedding = excluded.embedding ${fullUpdate}`,
        );
        return stored_;
      });
    },

    async activateSpace(collection, name) {
      const row = await requireSpace(client, collection, name);
      await client.transaction(async (tx) => {
        await tx.query(
          sql`UPDATE ${t.embedding_spaces} SET active = false WHERE collection_id = ${row.collection_id} AND active`,
        );
        await tx.query(sql`UPDATE ${t.embedding_spaces} SET active = true WHERE id = ${row.id}`);
      });
    },

    async removeSpace(collection, name) {
      const row = await requireSpace(client, collection, name);
      if (row.active) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `"${name}" is the active embedding space of "${collection}"; activate another before removing it`,
        );
      }
      await client.transaction((tx) => dropSpace(tx, row));
    },

    async dropSpacesOf(tx, collection) {
      if (context.vectorsMissing !== undefined) return;
      const rows = await tx.query<SpaceRow>(
        sql`SELECT ${spaceColumns} FROM ${t.embedding_spaces} s JOIN ${t.collections} c ON c.id = s.collection_id
            WHERE c.name = ${collection}`,
      );
      for (const row of rows) await dropSpace(tx, row);
    },

    async searchVectors(query: VectorQuery): Promise<VectorHit[]> {
      const access = query.access ?? fullAccess;
      if (!mayReadCollection(access, query.collection)) return [];
      requireVectors();
      const collection = await context.collections.find(client, query.collection);
      if (!collection || query.limit <= 0) return [];
      const row = query.space
        ? await requireSpace(client, query.collection, query.space)
        : (
            await client.query<SpaceRow>(
              sql`SELECT ${spaceColumns} FROM ${t.embedding_spaces} s JOIN ${t.collections} c ON c.id = s.collection_id
                  WHERE s.collection_id = ${collection.id} AND s.active`,
            )
          )[0];
      if (!row) return [];
      if (query.vector.length !== Number(row.dimensions)) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `query vector has ${query.vector.length} dimensions; space "${row.name}" has ${row.dimensions}`,
        );
      }
      const probe = vectorText(query.vector);
      if (!query.exact) {
        const ranked = await viaIndex(row, probe, query.limit, access);
        if (ranked) {
          const hits = await context.hydrate(client, ranked, collection.id, access);
          return hits.map((hit) => ({ ...hit, method: "ann" as const }));
        }
      }
      const ranked = await exactScan(row, probe, query.limit, access);
      const hits = await context.hydrate(client, ranked, collection.id, access);
      return hits.map((hit) => ({ ...hit, method: "exact" as const }));
    },
  };
}
