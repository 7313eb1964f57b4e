// Collections in SQLite: their rows, their settings (the tokenizer their index is built with) and
// their counts, over what the caller may read.

import type Database from "better-sqlite3";
import { type Access, fullAccess } from "../../core/access.js";
import type { Collection } from "../../core/document.js";
import { type CollectionRow, checkTokenizer, settingsOf } from "../collection-settings.js";
import type { CollectionSettings, CollectionTokenizer } from "../store.js";
import { collectionCondition, groupCondition } from "./access-filter.js";
import { createStatementCache } from "./statement-cache.js";
import type { Writer } from "./writer.js";

export type { CollectionRow };

export interface Collections {
  find(name: string): CollectionRow | undefined;
  /** The collection, created with the defaults if missing; call inside a write transaction. */
  findOrCreate(name: string): CollectionRow;
  create(name: string, settings?: Partial<CollectionSettings>): CollectionSettings;
  /** Collections the caller may read, counting the documents and chunks it may read. */
  list(access?: Access): Collection[];
}

export function createCollections(db: Database.Database, writer: Writer, now: () => string): Collections {
  const byName = db.prepare<[string], CollectionRow>(
    "SELECT id, name, tokenizer FROM collections WHERE name = ?",
  );
  const insert = db.prepare<[string, string, CollectionTokenizer]>(
    "INSERT INTO collections (name, created_at, tokenizer) VALUES (?, ?, ?) RETURNING id",
  );
  const prepare = createStatementCache(db);

  function insertCollection(name: string, tokenizer: CollectionTokenizer): CollectionRow {
    const { id } = insert.get(name, now(), tokenizer) as { id: number };
    return { id, name, tokenizer };
  }

  const createInTransaction = writer.transaction(
    (name: string, tokenizer: CollectionTokenizer | undefined): CollectionSettings => {
      const existing = byName.get(name);
      if (existing) return settingsOf(existing, tokenizer);
      return { tokenizer: insertCollection(name, tokenizer ?? "default").tokenizer };
    },
  );

  return {
    find: (name) => byName.get(name),
    findOrCreate: (name) => byName.get(name) ?? insertCollection(name, "default"),

    create(name, settings = {}) {
      const { tokenizer } = settings;
      checkTokenizer(tokenizer);
      // An existing collection needs no write, so this also works on a read-only store.
      const existing = byName.get(name);
      return existing ? settingsOf(existing, tokenizer) : createInTransaction(name, tokenizer);
    },

    list(access = fullAccess) {
      const collection = collectionCondition(access, "c.name");
      const documents = groupCondition(access, "d.id");
      const chunks = groupCondition(access, "k.document_id");
      const sql = `SELECT c.name, c.created_at,
         (SELECT count(*) FROM documents d WHERE d.collection_id = c.id AND ${documents?.sql ?? "1"}) AS documents,
         (SELECT count(*) FROM chunks k WHERE k.collection_id = c.id AND ${chunks?.sql ?? "1"}) AS chunks
       FROM collections c WHERE ${collection?.sql ?? "1"} ORDER BY c.name`;
      const parameters = [documents, chunks, collection].flatMap((part) => part?.parameters ?? []);
      return prepare<unknown[], { name: string; created_at: string; documents: number; chunks: number }>(sql)
        .all(...parameters)
        .map((row) => ({
          name: row.name,
          createdAt: row.created_at,
          documentCount: row.documents,
          chunkCount: row.chunks,
        }));
    },
  };
}
