// Collections in Postgres: their rows, their settings (the tokenizer their index is built with) and
// their counts, over what the caller may read.

import { type Access, fullAccess } from "../../core/access.js";
import type { Collection } from "../../core/document.js";
import { type CollectionRow, checkTokenizer, settingsOf } from "../collection-settings.js";
import type { CollectionSettings, CollectionTokenizer } from "../store.js";
import { collectionCondition, groupCondition, orTrue } from "./access-filter.js";
import type { Queryable } from "./client.js";
import { sql } from "./sql.js";
import type { Tables } from "./tables.js";

export type { CollectionRow };

export interface Collections {
  find(db: Queryable, name: string): Promise<CollectionRow | undefined>;
  /** The collection, created with the defaults if missing; call inside a write transaction. */
  findOrCreate(tx: Queryable, name: string): Promise<CollectionRow>;
  create(name: string, settings?: Partial<CollectionSettings>): Promise<CollectionSettings>;
  list(access?: Access): Promise<Collection[]>;
}

export function createCollections(db: Queryable, t: Tables, now: () => string): Collections {
  async function find(on: Queryable, name: string): Promise<CollectionRow | undefined> {
    const [row] = await on.query<CollectionRow>(
      sql`SELECT id, name, tokenizer FROM ${t.collections} WHERE name = ${name}`,
    );
    return row ? { ...row, id: Number(row.id) } : undefined;
  }

  /** Inserts unless another transaction did: ON CONFLICT waits for it, then the row is read. */
  async function insert(on: Queryable, name: string, tokenizer: CollectionTokenizer): Promise<CollectionRow> {
    await on.query(
      sql`INSERT INTO ${t.collections} (name, created_at, tokenizer) VALUES (${name}, ${now()}, ${tokenizer})
          ON CONFLICT (name) DO NOTHING`,
    );
    return (await find(on, name)) as CollectionRow;
  }

  return {
    find,
    findOrCreate: async (tx, name) => (await find(tx, name)) ?? insert(tx, name, "default"),

    async create(name, settings = {}) {
      const { tokenizer } = settings;
      checkTokenizer(tokenizer);
      const row = (await find(db, name)) ?? (await insert(db, name, tokenizer ?? "default"));
      return settingsOf(row, tokenizer);
    },

    async list(access = fullAccess) {
      const collection = orTrue(collectionCondition(access, sql`c.name`));
      const documents = orTrue(groupCondition(t, access, sql`d.id`));
      const chunks = orTrue(groupCondition(t, access, sql`k.document_id`));
      const rows = await db.query<{ name: string; created_at: string; documents: number; chunks: number }>(
        sql`SELECT c.name, c.created_at,
           (SELECT count(*) FROM ${t.documents} d WHERE d.collection_id = c.id AND ${documents}) AS documents,
           (SELECT count(*) FROM ${t.chunks} k WHERE k.collection_id = c.id AND ${chunks}) AS chunks
         FROM ${t.collections} c WHERE ${collection} ORDER BY c.name COLLATE "C"`,
      );
      return rows.map((row) => ({
        name: row.name,
        createdAt: row.created_at,
        documentCount: Number(row.documents),
        chunkCount: Number(row.chunks),
      }));
    },
  };
}
