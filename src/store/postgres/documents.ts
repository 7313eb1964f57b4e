// Files, documents and chunks in Postgres: each file stored or removed in one transaction (under an
// advisory lock on its collection and path, so two writers of one file never interleave), its chunks
// indexed for BM25 with the collection's tokenizer, its documents given their access groups. Reads
// take the caller's access and filter inside their queries.

import { createHash } from "node:crypto";
import { type Access, fullAccess } from "../../core/access.js";
import { accessGroups } from "../../core/document.js";
import { cjkIndexText } from "../../core/terms.js";
import { putFileTally, type WrittenDocument } from "../put-file-tally.js";
import type { DocumentMethods, NewDocument, PutFileInput, PutFileResult, Store } from "../store.js";
import {
  always,
  collectionCondition,
  documentCondition,
  groupCondition,
  readsEverything,
} from "./access-filter.js";
import { chunkTerms, IndexDelta } from "./chunk-terms.js";
import type { Client, Queryable } from "./client.js";
import type { CollectionRow, Collections } from "./collections.js";
import {
  type ChunkRow,
  type DocumentRow,
  rowToChunk,
  rowToDocument,
  rowToFile,
  type SourceFileRow,
} from "./rows.js";
import { join, type Sql, sql } from "./sql.js";
import { restoredText, storedText } from "./stored-text.js";
import type { Tables } from "./tables.js";

export type DocumentStore = Pick<Store, DocumentMethods>;

export interface DocumentContext {
  client: Client;
  t: Tables;
  schema: string;
  collections: Collections;
  now(): string;
}

/** The text a collection's index is given: CJK runs as bigrams in `cjk` collections. */
export function indexForm(collection: Pick<CollectionRow, "tokenizer">): (text: string) => string {
  return collection.tokenizer === "cjk" ? cjkIndexText : (text) => text;
}

/** Serialises writers of one file (collection and path) until their transactions end. */
export async function lockFile(
  tx: Queryable,
  schema: string,
  collection: string,
  path: string,
): Promise<void> {
  await tx.query(
    sql`SELECT pg_advisory_xact_lock(hashtext(${storedText(`verity:${schema}:${collection}`)}), hashtext(${storedText(path)}))`,
  );
}

export function createDocumentStore(context: DocumentContext): DocumentStore {
  const { client, t, collections, now, schema } = context;

  const documentColumns = sql`
    d.id, c.name AS collection, d.source, f.path AS file, d.title, d.media_type, d.content_hash, d.size,
    d.created_at, d.updated_at, d.metadata,
    (SELECT count(*) FROM ${t.chunks} k WHERE k.document_id = d.id) AS chunk_count,
    ARRAY(SELECT g.group_name FROM ${t.document_groups} g WHERE g.document_id = d.id) AS groups`;

  /** The collection `c` of the file `f`, and every document of the file, may be read. */
  function fileCondition(access: Access): Sql {
    const parts: Sql[] = [];
    const collection = collectionCondition(access, sql`c.name`);
    if (collection) parts.push(collection);
    const groups = groupCondition(t, access, sql`d.id`);
    if (groups) {
      parts.push(sql`NOT EXISTS (SELECT 1 FROM ${t.documents} d WHERE d.file_id = f.id AND NOT ${groups})`);
    }
    return parts.length === 0 ? always : join(parts, " AND ");
  }

  async function fileRow(
    db: Queryable,
    collection: string,
    path: string,
  ): Promise<SourceFileRow | undefined> {
    const [row] = await db.query<SourceFileRow>(
      sql`SELECT f.*, c.name AS collection FROM ${t.files} f JOIN ${t.collections} c ON c.id = f.collection_id
          WHERE c.name = ${collection} AND f.path = ${storedText(path)}`,
    );
    return row;
  }

  const documentsOfFile = async (db: Queryable, fileId: number) =>
    (
      await db.query<{ id: string; source: string; content_hash: string }>(
        sql`SELECT id, source, content_hash FROM ${t.documents} WHERE file_id = ${fileId}`,
      )
    ).map((row) => ({ ...row, source: restoredText(row.source) }));

  async function hasGroups(db: Queryable, documentId: string, groups: readonly string[]): Promise<boolean> {
    const current = (
      await db.query<{ group_name: string }>(
        sql`SELECT group_name FROM ${t.document_groups} WHERE document_id = ${documentId} ORDER BY group_name COLLATE "C"`,
      )
    ).map((row) => row.group_name);
    return current.length === groups.length && current.every((group, index) => group === groups[index]);
  }

  /** Gives a document exactly `groups` (sorted, distinct); true when they changed. */
  async function setDocumentGroups(
    tx: Queryable,
    documentId: string,
    groups: readonly string[],
  ): Promise<boolean> {
    if (await hasGroups(tx, documentId, groups)) return false;
    await tx.query(sql`DELETE FROM ${t.document_groups} WHERE document_id = ${documentId}`);
    if (groups.length > 0) {
      await tx.query(
        sql`INSERT INTO ${t.document_groups} (document_id, group_name)
            SELECT ${documentId}, g FROM unnest(${[...groups]}::text[]) AS g`,
      );
    }
    return true;
  }

  async function writeDocument(
    tx: Queryable,
    delta: IndexDelta,
    collection: CollectionRow,
    fileId: number,
    document: NewDocument,
    groups: readonly string[],
  ): Promise<WrittenDocument> {
    // Text and metadata: a recording transcribed again by another engine has new metadata (and new
    // times) even when the words come out the same, so its chunks are replaced.
    const contentHash = sha256(`${document.text}\u0000${JSON.stringify(document.metadata ?? {})}`);
    const [existing] = await tx.query<{ id: string; file_id: number; content_hash: string }>(
      sql`SELECT id, file_id, content_hash FROM ${t.documents}
          WHERE collection_id = ${collection.id} AND source = ${storedText(document.source)}`,
    );
    if (existing && existing.content_hash === contentHash && Number(existing.file_id) === fileId) {
      return { status: "unchanged", chunks: 0, regrouped: await setDocumentGroups(tx, existing.id, groups) };
    }
    const id = documentId(collection.name, document.source);
    if (existing) await delta.removeChunks(tx, t, sql`k.document_id = ${existing.id}`);
    const stamp = now();
    await tx.query(
      sql`INSERT INTO ${t.documents} (id, collection_id, file_id, source, title, media_type, content_hash, size, text,
            metadata, created_at, updated_at)
          VALUES (${id}, ${collection.id}, ${fileId}, ${storedText(document.source)}, ${storedText(document.title)},
            ${storedText(document.mediaType)},
            ${contentHash}, ${document.size}, ${storedText(document.text)}, ${JSON.stringify(document.metadata ?? {})}, ${stamp}, ${stamp})
          ON CONFLICT (id) DO UPDATE SET file_id = excluded.file_id, title = excluded.title,
            media_type = excluded.media_type, content_hash = excluded.content_hash, size = excluded.size,
            text = excluded.text, metadata = excluded.metadata, updated_at = excluded.updated_at`,
    );
    const indexed = indexForm(collection);
    const chunks = document.chunks.map((chunk) => {
      const heading = [document.title, ...(chunk.location.headingPath ?? [])].join(" ");
      const terms = chunkTerms(indexed(heading), indexed(chunk.text));
      delta.added(terms);
      return { chunk, terms };
    });
    if (chunks.length > 0) {
      await tx.query(
        sql`INSERT INTO ${t.chunks} (id, document_id, collection_id, ordinal, text, location, terms, term_count,
              title_positions)
            SELECT u.id, ${id}, ${collection.id}, u.ordinal, u.text, u.location, u.terms::tsvector, u.term_count,
              u.title_positions
            FROM unnest(${chunks.map(({ chunk }) => chunkId(id, contentHash, chunk.ordinal))}::text[],
              ${chunks.map(({ chunk }) => chunk.ordinal)}::integer[], ${chunks.map(({ chunk }) => storedText(chunk.text))}::text[],
              ${chunks.map(({ chunk }) => JSON.stringify(chunk.location))}::text[],
              ${chunks.map(({ terms }) => terms.vector)}::text[], ${chunks.map(({ terms }) => terms.count)}::integer[],
              ${chunks.map(({ terms }) => terms.titlePositions)}::integer[])
              AS u(id, ordinal, text, location, terms, term_count, title_positions)`,
      );
    }
    // A new document has no groups yet (its rows go with a deleted document), so only a replaced one is read.
    if (existing || groups.length > 0) await setDocumentGroups(tx, id, groups);
    return { status: existing ? "replaced" : "added", chunks: document.chunks.length, regrouped: false };
  }

  /** Removes documents (and their chunks) by id, counting the index terms they held. */
  async function deleteDocuments(tx: Queryable, delta: IndexDelta, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await delta.removeChunks(tx, t, sql`k.document_id = ANY(${[...ids]}::text[])`);
    await tx.query(sql`DELETE FROM ${t.documents} WHERE id = ANY(${[...ids]}::text[])`);
  }

  /** Files of the collection (one, or all by path) the caller may read. */
  async function readableFiles(
    db: Queryable,
    collection: string,
    path: string | undefined,
    access: Access | undefined,
  ) {
    const condition = fileCondition(access ?? fullAccess);
    const rows = await db.query<SourceFileRow>(
      sql`SELECT f.*, c.name AS collection FROM ${t.files} f JOIN ${t.collections} c ON c.id = f.collection_id
          WHERE c.name = ${collection} ${path === undefined ? sql`` : sql`AND f.path = ${storedText(path)}`} AND ${condition}
          ORDER BY f.path COLLATE "C"`,
    );
    return rows.map(rowToFile);
  }

  const readable = (access: Access | undefined) =>
    documentCondition(t, access, { documentId: sql`d.id`, collectionName: sql`c.name` });

  async function readableDocuments(db: Queryable, where: Sql, access: Access | undefined, limit?: number) {
    return db.query<DocumentRow>(
      sql`SELECT ${documentColumns} FROM ${t.documents} d
          JOIN ${t.collections} c ON c.id = d.collection_id JOIN ${t.files} f ON f.id = d.file_id
          WHERE ${where} AND ${readable(access)} ORDER BY c.name COLLATE "C", d.source COLLATE "C"
          ${limit === undefined ? sql`` : sql`LIMIT ${limit}`}`,
    );
  }

  return {
    async getFile(collection, path, access) {
      if (readsEverything(access)) {
        const row = await fileRow(client, collection, path);
        return row ? rowToFile(row) : undefined;
      }
      return (await readableFiles(client, collection, path, access))[0];
    },

    listFiles: (collection, access) => readableFiles(client, collection, undefined, access),

    async setFileGroups(collection, path, groups) {
      const wanted = accessGroups(groups);
      const file = await fileRow(client, collection, path);
      if (!file) return 0;
      const documents = await documentsOfFile(client, file.id);
      let same = true;
      for (const document of documents) same &&= await hasGroups(client, document.id, wanted);
      if (same) return 0;
      return client.transaction(async (tx) => {
        await lockFile(tx, schema, collection, path);
        const current = await fileRow(tx, collection, path);
        if (!current) return 0;
        let regrouped = 0;
        for (const document of await documentsOfFile(tx, current.id)) {
          if (await setDocumentGroups(tx, document.id, wanted)) regrouped++;
        }
        return regrouped;
      });
    },

    async putFile(input: PutFileInput): Promise<PutFileResult> {
      const groups = accessGroups(input.groups ?? []);
      return client.transaction(async (tx) => {
        await lockFile(tx, schema, input.collection, input.path);
        const delta = new IndexDelta();
        const collection = await collections.findOrCreate(tx, input.collection);
        const [file] = await tx.query<{ id: number }>(
          sql`INSERT INTO ${t.files} (collection_id, path, content_hash, size, media_type, ingested_at)
              VALUES (${collection.id}, ${storedText(input.path)}, ${storedText(input.contentHash)}, ${input.size},
                ${storedText(input.mediaType)}, ${now()})
              ON CONFLICT (collection_id, path) DO UPDATE SET content_hash = excluded.content_hash,
                size = excluded.size, media_type = excluded.media_type, ingested_at = excluded.ingested_at
              RETURNING id`,
        );
        const fileId = Number(file?.id);
        const tally = putFileTally(input.path);
        for (const document of input.documents) {
          tally.claim(document.source);
          tally.count(await writeDocument(tx, delta, collection, fileId, document, groups));
        }
        const { result } = tally;
        const gone = (await documentsOfFile(tx, fileId)).filter((old) => !tally.keeps(old.source));
        await deleteDocuments(
          tx,
          delta,
          gone.map((old) => old.id),
        );
        result.removed = gone.length;
        await delta.apply(tx, t);
        return result;
      });
    },

    async removeFile(collection, path, access) {
      return client.transaction(async (tx) => {
        await lockFile(tx, schema, collection, path);
        const row = await fileRow(tx, collection, path);
        if (!row) return 0;
        if (!readsEverything(access) && (await readableFiles(tx, collection, path, access)).length === 0)
          return 0;
        const delta = new IndexDelta();
        const documents = await documentsOfFile(tx, row.id);
        await deleteDocuments(
          tx,
          delta,
          documents.map((document) => document.id),
        );
        await tx.query(sql`DELETE FROM ${t.files} WHERE id = ${row.id}`);
        await delta.apply(tx, t);
        return documents.length;
      });
    },

    async removeDocument(collection, idOrSource, access) {
      const owner = await collections.find(client, collection);
      if (!owner) return false;
      const locate = (db: Queryable) =>
        db.query<{ id: string; file_id: number; path: string }>(
          sql`SELECT d.id, d.file_id, f.path FROM ${t.documents} d JOIN ${t.files} f ON f.id = d.file_id
              WHERE d.collection_id = ${owner.id} AND (d.id = ${storedText(idOrSource)} OR d.source = ${storedText(idOrSource)})
              ORDER BY (d.id = ${storedText(idOrSource)}) DESC LIMIT 1`,
        );
      const [found] = await locate(client);
      if (!found) return false;
      return client.transaction(async (tx) => {
        await lockFile(tx, schema, collection, restoredText(found.path));
        const [row] = await locate(tx);
        if (!row) return false;
        if (
          !readsEverything(access) &&
          (await readableDocuments(tx, sql`d.id = ${row.id}`, access, 1)).length === 0
        ) {
          return false;
        }
        const delta = new IndexDelta();
        await deleteDocuments(tx, delta, [row.id]);
        // A file with no documents left is forgotten, so ingesting it again adds it back.
        await tx.query(
          sql`DELETE FROM ${t.files} f WHERE f.id = ${row.file_id}
              AND NOT EXISTS (SELECT 1 FROM ${t.documents} d WHERE d.file_id = f.id)`,
        );
        await delta.apply(tx, t);
        return true;
      });
    },

    async listDocuments(collection, access) {
      const where = collection === undefined ? always : sql`c.name = ${collection}`;
      return (await readableDocuments(client, where, access)).map(rowToDocument);
    },

    async getDocument(idOrSource, collection, access) {
      const where = sql`(d.id = ${storedText(idOrSource)} OR d.source = ${storedText(idOrSource)})${
        collection === undefined ? sql`` : sql` AND c.name = ${collection}`
      }`;
      const [row] = await readableDocuments(client, where, access, 1);
      return row ? rowToDocument(row) : undefined;
    },

    async getDocumentText(documentId, access) {
      const [row] = await client.query<{ text: string }>(
        sql`SELECT d.text FROM ${t.documents} d JOIN ${t.collections} c ON c.id = d.collection_id
            WHERE d.id = ${storedText(documentId)} AND ${readable(access)}`,
      );
      return row === undefined ? undefined : restoredText(row.text);
    },

    async getChunks(documentId, access) {
      const rows = await client.query<ChunkRow>(
        sql`SELECT k.rowid, k.id, k.document_id, k.ordinal, k.text, k.location FROM ${t.chunks} k
            JOIN ${t.documents} d ON d.id = k.document_id JOIN ${t.collections} c ON c.id = d.collection_id
            WHERE k.document_id = ${storedText(documentId)} AND ${readable(access)} ORDER BY k.ordinal`,
      );
      return rows.map(rowToChunk);
    },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function documentId(collection: string, source: string): string {
  return `doc_${sha256(`${collection}\u0000${source}`).slice(0, 20)}`;
}

function chunkId(documentIdValue: string, contentHash: string, ordinal: number): string {
  return `chk_${sha256(`${documentIdValue}\u0000${contentHash}\u0000${ordinal}`).slice(0, 20)}`;
}
