// Embedding spaces in SQLite: one sqlite-vec `vec0` table per space, keyed by chunk rowid, with a
// trigger that drops a chunk's vector with the chunk. Quantised spaces keep float32 copies in a plain
// table to rescore their candidates exactly. A caller that may not read every document gets the
// nearest chunks it may read: see `nearest` for how.
import type Database from "better-sqlite3";
import { type Access, fullAccess, mayReadCollection } from "../../core/access.js";
import { VerityError } from "../../core/errors.js";
import {
  type ChunkToEmbed,
  checkNewSpace,
  checkSameSpace,
  type EmbeddingSpace,
  type Quantization,
  type VectorHit,
  type VectorQuery,
  type VectorStore,
} from "../vectors.js";
import { groupCondition } from "./access-filter.js";
import type { AnnIndexes } from "./ann-index.js";
import type { Synchronous } from "./store-errors.js";
import type { Writer } from "./writer.js";

/** Candidates fetched per wanted result from a quantised index, before exact rescoring. */
const rescoreFactor = 10;
/** Neighbours fetched per wanted result, before the caller's access is applied. */
const accessOverFetch = 4;

export interface SpaceRow {
  id: number;
  collection: string;
  name: string;
  provider: string;
  model: string;
  dimensions: number;
  normalised: number;
  version: string;
  quantization: Quantization;
  active: number;
  created_at: string;
}

export interface VectorIndexContext {
  db: Database.Database;
  writer: Writer;
  collectionId(name: string, create: boolean): number | undefined;
  /** Loads hits for ranked chunk rowids of one collection that `access` may read, in rank order. */
  hydrate(
    ranked: readonly { rowid: number; score: number }[],
    collection: number,
    access?: Access,
  ): Omit<VectorHit, "method">[];
  now(): string;
  /** HNSW indexes of large spaces (ann-index.ts). */
  ann: AnnIndexes;
}

export interface SqliteVectorIndex extends Synchronous<VectorStore> {
  /** Drops the tables of every space of a collection (inside the caller's write transaction). */
  dropSpacesOf(collection: string): void;
}

export function createSqliteVectorIndex(context: VectorIndexContext): SqliteVectorIndex {
  const { db, writer } = context;
  const spaceColumns = `s.id, c.name AS collection, s.name, s.provider, s.model, s.dimensions, s.normalised,
    s.version, s.quantization, s.active, s.created_at`;

  const table = (row: SpaceRow) => `space_${row.id}`;
  const fullTable = (row: SpaceRow) => `space_${row.id}_full`;

  function spaceRow(collection: string, name: string): SpaceRow | undefined {
    return db
      .prepare<[string, string], SpaceRow>(
        `SELECT ${spaceColumns} FROM embedding_spaces s JOIN collections c ON c.id = s.collection_id
         WHERE c.name = ? AND s.name = ?`,
      )
      .get(collection, name);
  }

  function requireSpace(collection: string, name: string): SpaceRow {
    const row = spaceRow(collection, name);
    if (!row) {
      throw new VerityError(
        "E_NOT_FOUND",
        `collection "${collection}" has no embedding space "${name}"; list the collection's spaces to see their names`,
      );
    }
    return row;
  }

  function toSpace(row: SpaceRow): EmbeddingSpace {
    const collection = context.collectionId(row.collection, false) ?? -1;
    const embedded = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table(row)}`).get()?.n ?? 0;
    const total =
      db
        .prepare<[number], { n: number }>("SELECT count(*) AS n FROM chunks WHERE collection_id = ?")
        .get(collection)?.n ?? 0;
    return {
      collection: row.collection,
      name: row.name,
      provider: row.provider,
      model: row.model,
      dimensions: row.dimensions,
      normalised: row.normalised === 1,
      version: row.version,
      quantization: row.quantization,
      active: row.active === 1,
      createdAt: row.created_at,
      embeddedChunks: embedded,
      totalChunks: total,
    };
  }

  function dropTables(row: SpaceRow): void {
    db.prepare("DELETE FROM vector_changes WHERE space_id = ?").run(row.id);
    db.exec(`DROP TRIGGER IF EXISTS ${table(row)}_chunk_delete`);
    db.exec(`DROP TABLE IF EXISTS ${table(row)}`);
    db.exec(`DROP TABLE IF EXISTS ${fullTable(row)}`);
  }

  /**
   * The `k` nearest rowids of the space `row` to `bytes` (as the space's KNN matches them), with their
   * distances, among the chunks of the collection that `access` may read. A caller that reads every
   * group searches the whole table. Otherwise the nearest `k × accessOverFetch` are fetched and the
   * unreadable dropped, which costs almost nothing more; only when too few readable ones are left and
   * more exist is the KNN run again with the readable rowids as its filter (sqlite-vec's `rowid IN`),
   * which is exact but lists every readable chunk of the collection.
   */
  function nearest(
    row: SpaceRow,
    probe: string,
    bytes: Buffer,
    k: number,
    collection: number,
    access: Access,
  ): { rowid: number; distance: number }[] {
    const knn = `SELECT rowid, distance FROM ${table(row)} WHERE embedding MATCH ${probe} AND k = ?`;
    const groups = groupCondition(access, "k.document_id");
    if (!groups) {
      return db
        .prepare<[Buffer, number], { rowid: number; distance: number }>(`${knn} ORDER BY distance`)
        .all(bytes, k);
    }
    const wide = k * accessOverFetch;
    const candidates = db
      .prepare<[Buffer, number], { rowid: number; distance: number }>(`${knn} ORDER BY distance`)
      .all(bytes, wide);
    const readable = new Set(
      db
        .prepare<unknown[], { rowid: number }>(
          `SELECT k.rowid FROM chunks k WHERE k.rowid IN (SELECT value FROM json_each(?))
           AND k.collection_id = ? AND ${groups.sql}`,
        )
        .all(JSON.stringify(candidates.map((candidate) => candidate.rowid)), collection, ...groups.parameters)
        .map((chunk) => chunk.rowid),
    );
    const kept = candidates.filter((candidate) => readable.has(candidate.rowid));
    if (kept.length >= k || candidates.length < wide) return kept.slice(0, k);
    return db
      .prepare<unknown[], { rowid: number; distance: number }>(
        `${knn} AND rowid IN (SELECT k.rowid FROM chunks k WHERE k.collection_id = ? AND ${groups.sql})
         ORDER BY distance`,
      )
      .all(bytes, k, collection, ...groups.parameters);
  }

  /**
   * The `limit` nearest readable chunks through the space's HNSW index, or undefined when the exact
   * scan must answer: no current index, or too few readable chunks among the candidates it gave (a
   * caller who may read little of a collection). Candidates are over-fetched by `accessOverFetch`
   * when the caller cannot read everything, then filtered by the same hydrate as the scan.
   */
  function viaIndex(
    row: SpaceRow,
    vector: Float32Array,
    limit: number,
    collection: number,
    access: Access,
  ): VectorHit[] | undefined {
    const wanted = groupCondition(access, "k.document_id") ? limit * accessOverFetch : limit;
    const candidates = context.ann.nearest(row, vector, wanted);
    if (!candidates) return undefined;
    const hits = context.hydrate(candidates, collection, access).slice(0, limit);
    // Fewer than asked although the index had more to give: the scan finds the rest exactly.
    if (hits.length < limit && candidates.length === wanted) return undefined;
    return hits.map((hit) => ({ ...hit, method: "ann" as const }));
  }

  function createTables(row: SpaceRow): void {
    const dimensions = row.dimensions;
    const column =
      row.quantization === "binary"
        ? `embedding bit[${dimensions}]`
        : row.quantization === "int8"
          ? `embedding int8[${dimensions}]`
          : `embedding float[${dimensions}] distance_metric=cosine`;
    db.exec(`CREATE VIRTUAL TABLE ${table(row)} USING vec0(${column})`);
    const deletes = [`DELETE FROM ${table(row)} WHERE rowid = old.rowid;`];
    if (row.quantization !== "float32") {
      db.exec(`CREATE TABLE ${fullTable(row)} (rowid INTEGER PRIMARY KEY, vector BLOB NOT NULL)`);
      deletes.push(`DELETE FROM ${fullTable(row)} WHERE rowid = old.rowid;`);
    }
    db.exec(
      `CREATE TRIGGER ${table(row)}_chunk_delete AFTER DELETE ON chunks BEGIN ${deletes.join(" ")} END`,
    );
  }

  return {
    createSpace(space) {
      checkNewSpace(space);
      return writer.transaction(() => {
        const existing = spaceRow(space.collection, space.name);
        if (existing) {
          checkSameSpace({ ...existing, normalised: existing.normalised === 1 }, space);
          return toSpace(existing);
        }
        const collection = context.collectionId(space.collection, true) as number;
        const id = Number(
          db
            .prepare(
              `INSERT INTO embedding_spaces (collection_id, name, provider, model, dimensions, normalised, version,
                 quantization, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
            )
            .run(
              collection,
              space.name,
              space.provider,
              space.model,
              space.dimensions,
              space.normalised ? 1 : 0,
              space.version,
              space.quantization,
              context.now(),
            ).lastInsertRowid,
        );
        const row = spaceRow(space.collection, space.name) as SpaceRow;
        if (row.id !== id) throw new Error("embedding space id mismatch");
        createTables(row);
        return toSpace(row);
      })();
    },

    listSpaces(collection) {
      const rows = db
        .prepare<unknown[], SpaceRow>(
          `SELECT ${spaceColumns} FROM embedding_spaces s JOIN collections c ON c.id = s.collection_id
           ${collection === undefined ? "" : "WHERE c.name = ?"} ORDER BY c.name, s.created_at, s.id`,
        )
        .all(...(collection === undefined ? [] : [collection]));
      return rows.map(toSpace);
    },

    getSpace(collection, name) {
      const row = spaceRow(collection, name);
      return row ? toSpace(row) : undefined;
    },

    chunksToEmbed(collection, name, limit, after = 0): ChunkToEmbed[] {
      const row = requireSpace(collection, name);
      const collectionId = context.collectionId(collection, false) as number;
      return db
        .prepare<[number, number, number], { rowid: number; id: string; text: string }>(
          `SELECT k.rowid, k.id, k.text FROM chunks k
           WHERE k.collection_id = ? AND k.rowid > ?
             AND NOT EXISTS (SELECT 1 FROM ${table(row)} v WHERE v.rowid = k.rowid)
           ORDER BY k.rowid LIMIT ?`,
        )
        .all(collectionId, after, limit)
        .map((chunk) => ({ chunkId: chunk.id, text: chunk.text, cursor: chunk.rowid }));
    },

    putVectors(collection, name, vectors) {
      const row = requireSpace(collection, name);
      const rowidOf = db.prepare<[string, number], { rowid: number }>(
        "SELECT rowid FROM chunks WHERE id = ? AND collection_id = ?",
      );
      const value =
        row.quantization === "binary"
          ? "vec_quantize_binary(?)"
          : row.quantization === "int8"
            ? "vec_quantize_int8(?, 'unit')"
            : "?";
      const insert = db.prepare(
        `INSERT OR REPLACE INTO ${table(row)} (rowid, embedding) VALUES (?, ${value})`,
      );
      const insertFull =
        row.quantization === "float32"
          ? undefined
          : db.prepare(`INSERT OR REPLACE INTO ${fullTable(row)} (rowid, vector) VALUES (?, ?)`);
      const collectionId = context.collectionId(collection, false) as number;
      const indexed = db.prepare<[number], { ann: number }>("SELECT ann FROM embedding_spaces WHERE id = ?");
      const logChange = db.prepare(
        "INSERT INTO vector_changes (space_id, chunk_rowid, removed) VALUES (?, ?, 0)",
      );
      return writer.transaction(() => {
        // Read inside the transaction: a process that starts indexing the space meanwhile sees this write.
        const logged = indexed.get(row.id)?.ann === 1;
        let stored = 0;
        for (const { chunkId, vector } of vectors) {
          if (vector.length !== row.dimensions) {
            throw new VerityError(
              "E_INVALID_INPUT",
              `vector for ${chunkId} has ${vector.length} dimensions; space "${row.name}" has ${row.dimensions}`,
            );
          }
          const chunk = rowidOf.get(chunkId, collectionId);
          if (!chunk) continue;
          const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
          // vec0 wants integer rowids bound as BigInt.
          insert.run(BigInt(chunk.rowid), bytes);
          insertFull?.run(chunk.rowid, bytes);
          if (logged) logChange.run(row.id, chunk.rowid);
          stored++;
        }
        return stored;
      })();
    },

    activateSpace(collection, name) {
      const row = requireSpace(collection, name);
      writer.transaction(() => {
        db.prepare(
          "UPDATE embedding_spaces SET active = 0 WHERE collection_id = (SELECT collection_id FROM embedding_spaces WHERE id = ?)",
        ).run(row.id);
        db.prepare("UPDATE embedding_spaces SET active = 1 WHERE id = ?").run(row.id);
      })();
    },

    removeSpace(collection, name) {
      const row = requireSpace(collection, name);
      if (row.active === 1) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `"${name}" is the active embedding space of "${collection}"; activate another before removing it`,
        );
      }
      writer.transaction(() => {
        dropTables(row);
        db.prepare("DELETE FROM embedding_spaces WHERE id = ?").run(row.id);
      })();
      context.ann.forget(row.id);
    },

    dropSpacesOf(collection) {
      const rows = db
        .prepare<[string], SpaceRow>(
          `SELECT ${spaceColumns} FROM embedding_spaces s JOIN collections c ON c.id = s.collection_id
           WHERE c.name = ?`,
        )
        .all(collection);
      for (const row of rows) {
        dropTables(row);
        db.prepare("DELETE FROM embedding_spaces WHERE id = ?").run(row.id);
        context.ann.forget(row.id);
      }
    },

    searchVectors(query: VectorQuery): VectorHit[] {
      const access = query.access ?? fullAccess;
      if (!mayReadCollection(access, query.collection)) return [];
      const collection = context.collectionId(query.collection, false);
      if (collection === undefined || query.limit <= 0) return [];
      const row = query.space
        ? requireSpace(query.collection, query.space)
        : db
            .prepare<[number], SpaceRow>(
              `SELECT ${spaceColumns} FROM embedding_spaces s JOIN collections c ON c.id = s.collection_id
               WHERE s.collection_id = ? AND s.active = 1`,
            )
            .get(collection);
      if (!row) return [];
      if (query.vector.length !== row.dimensions) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `query vector has ${query.vector.length} dimensions; space "${row.name}" has ${row.dimensions}`,
        );
      }
      if (!query.exact) {
        const approximate = viaIndex(row, query.vector, query.limit, collection, access);
        if (approximate) return approximate;
      }
      const bytes = Buffer.from(query.vector.buffer, query.vector.byteOffset, query.vector.byteLength);
      if (row.quantization === "float32") {
        const ranked = nearest(row, "?", bytes, query.limit, collection, access).map((hit) => ({
          rowid: hit.rowid,
          score: 1 - hit.distance,
        }));
        return exactHits(context.hydrate(ranked, collection, access));
      }
      const probe = row.quantization === "binary" ? "vec_quantize_binary(?)" : "vec_quantize_int8(?, 'unit')";
      const candidates = nearest(row, probe, bytes, query.limit * rescoreFactor, collection, access);
      const exact = db.prepare<[Buffer, number], { score: number }>(
        `SELECT 1 - vec_distance_cosine(vector, ?) AS score FROM ${fullTable(row)} WHERE rowid = ?`,
      );
      const ranked = candidates
        .map((candidate) => ({
          rowid: candidate.rowid,
          score: exact.get(bytes, candidate.rowid)?.score ?? -1,
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, query.limit);
      return exactHits(context.hydrate(ranked, collection, access));
    },
  };
}

function exactHits(hits: Omit<VectorHit, "method">[]): VectorHit[] {
  return hits.map((hit) => ({ ...hit, method: "exact" as const }));
}
