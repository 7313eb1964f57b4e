// The target's inventory (inventory.ts), read from Postgres page by page, text restored as stored.
import type { Queryable } from "../postgres/client.js";
import { raw, sql } from "../postgres/sql.js";
import { restoredText } from "../postgres/stored-text.js";
import {
  answerTuple,
  byteOrder,
  callTuple,
  Digest,
  documentTuple,
  type Inventory,
  jobTuple,
  keyTuple,
  page,
  record,
  type SpaceStorage,
  spaceName,
  spaceTuple,
  vectorHex,
} from "./inventory.js";
import type { SourceSpace } from "./source.js";
import type { Target } from "./target.js";

/** The target's inventory, over every space it holds. */
export async function targetInventory(target: Target): Promise<Inventory> {
  const { client: db, t } = target;
  const inventory: Inventory = { counts: {}, checksums: {} };
  const collections = (
    await db.query<{ id: number; name: string; created_at: string; tokenizer: string }>(
      sql`SELECT id, name, created_at, tokenizer FROM ${t.collections}`,
    )
  ).sort((a, b) => byteOrder(a.name, b.name));
  const settings = new Digest();
  for (const collection of collections)
    settings.add([collection.name, collection.created_at, collection.tokenizer]);
  record(inventory, "collections", settings);
  for (const collection of collections) {
    const prefix = `collection ${collection.name}`;
    const files = new Digest();
    const rows = (
      await db.query<Record<string, string | number>>(
        sql`SELECT path, content_hash, size, media_type, ingested_at FROM ${t.files} WHERE collection_id = ${collection.id}`,
      )
    )
      .map((row) => ({
        size: row.size,
        ingested_at: row.ingested_at,
        path: restoredText(String(row.path)),
        content_hash: restoredText(String(row.content_hash)),
        media_type: restoredText(String(row.media_type)),
      }))
      .sort((a, b) => byteOrder(a.path, b.path));
    for (const row of rows)
      files.add([row.path, row.content_hash, Number(row.size), row.media_type, row.ingested_at]);
    record(inventory, `${prefix}: files`, files);

    const documents = new Digest();
    const groups = new Digest();
    for (let after = ""; ; ) {
      const batch = await db.query<Record<string, string | number> & { groups: string[] }>(
        sql`SELECT d.id, f.path, d.source, d.title, d.media_type, d.content_hash, d.size, d.text, d.metadata,
              d.created_at, d.updated_at,
              ARRAY(SELECT g.group_name FROM ${t.document_groups} g WHERE g.document_id = d.id
                ORDER BY g.group_name COLLATE "C") AS groups
            FROM ${t.documents} d JOIN ${t.files} f ON f.id = d.file_id
            WHERE d.collection_id = ${collection.id} AND d.id COLLATE "C" > ${after} ORDER BY d.id COLLATE "C" LIMIT ${page}`,
      );
      for (const row of batch) {
        const restored = {
          ...row,
          path: restoredText(String(row.path)),
          source: restoredText(String(row.source)),
          title: restoredText(String(row.title)),
          media_type: restoredText(String(row.media_type)),
          text: restoredText(String(row.text)),
        };
        documents.add(documentTuple(restored, row.groups));
        for (const name of row.groups) groups.add([row.id, name]);
      }
      if (batch.length < page) break;
      after = String(batch.at(-1)?.id);
    }
    record(inventory, `${prefix}: documents`, documents);
    record(inventory, `${prefix}: document groups`, groups);

    const chunks = new Digest();
    for (let after = { document: "", ordinal: -1 }; ; ) {
      const batch = await db.query<Record<string, string | number>>(
        sql`SELECT id, document_id, ordinal, text, location FROM ${t.chunks} WHERE collection_id = ${collection.id}
              AND (document_id COLLATE "C" > ${after.document} OR (document_id = ${after.document} AND ordinal > ${after.ordinal}))
            ORDER BY document_id COLLATE "C", ordinal LIMIT ${page}`,
      );
      for (const row of batch) {
        chunks.add([
          row.id,
          row.document_id,
          Number(row.ordinal),
          restoredText(String(row.text)),
          row.location,
        ]);
      }
      if (batch.length < page) break;
      const last = batch.at(-1) as Record<string, string | number>;
      after = { document: String(last.document_id), ordinal: Number(last.ordinal) };
    }
    record(inventory, `${prefix}: chunks`, chunks);
  }

  const spaces = target.vectorsMissing === undefined ? await targetSpaces(target) : [];
  const spaceRows = new Digest();
  for (const space of [...spaces].sort((a, b) => byteOrder(spaceName(a), spaceName(b))))
    spaceRows.add(spaceTuple(space));
  record(inventory, "embedding spaces", spaceRows);
  for (const space of spaces) {
    const vectors = new Digest();
    const column = space.storage === "binary" ? "full_vector" : "embedding";
    for (let after = ""; ; ) {
      const batch = await db.query<{ id: string; vector: string }>(
        sql`SELECT k.id, v.${raw(column)}::text AS vector FROM ${t.named(`space_${space.table}`)} v
            JOIN ${t.chunks} k ON k.rowid = v.chunk_rowid
            WHERE k.id COLLATE "C" > ${after} ORDER BY k.id COLLATE "C" LIMIT ${page}`,
      );
      for (const row of batch) {
        const values = Float32Array.from(row.vector.slice(1, -1).split(","), Number);
        vectors.add([row.id, vectorHex(values)]);
      }
      if (batch.length < page) break;
      after = (batch.at(-1) as { id: string }).id;
    }
    record(inventory, `space ${spaceName(space)}: vectors`, vectors);
  }

  await ledgerOfTarget(db, target, inventory);
  return inventory;
}

export interface TargetSpace extends SourceSpace {
  storage: SpaceStorage;
  /** The id in the target's space_<id> table name. */
  table: number;
}

export async function targetSpaces(target: Target): Promise<TargetSpace[]> {
  const rows = await target.client.query<Record<string, unknown>>(
    sql`SELECT s.id, c.name AS collection, s.name, s.provider, s.model, s.dimensions, s.normalised, s.version,
          s.quantization, s.storage, s.active, s.created_at
        FROM ${target.t.embedding_spaces} s JOIN ${target.t.collections} c ON c.id = s.collection_id`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    table: Number(row.id),
    collection: String(row.collection),
    name: String(row.name),
    provider: String(row.provider),
    model: String(row.model),
    dimensions: Number(row.dimensions),
    normalised: row.normalised ? 1 : 0,
    version: String(row.version),
    quantization: row.quantization as SourceSpace["quantization"],
    storage: row.storage as SpaceStorage,
    active: row.active ? 1 : 0,
    created_at: String(row.created_at),
  }));
}

async function ledgerOfTarget(db: Queryable, target: Target, inventory: Inventory): Promise<void> {
  const { t } = target;
  const answers = new Digest();
  for (let after = 0; ; ) {
    const batch = await db.query<Record<string, string | number | boolean | null>>(
      sql`SELECT * FROM ${t.answers} WHERE id > ${after} ORDER BY id LIMIT ${page}`,
    );
    for (const row of batch) answers.add(answerTuple(row));
    if (batch.length < page) break;
    after = Number(batch.at(-1)?.id);
  }
  record(inventory, "answers", answers);
  const calls = new Digest();
  for (let after = 0; ; ) {
    const batch = await db.query<Record<string, string | number | null>>(
      sql`SELECT * FROM ${t.model_calls} WHERE id > ${after} ORDER BY id LIMIT ${page}`,
    );
    for (const row of batch) calls.add(callTuple(row));
    if (batch.length < page) break;
    after = Number(batch.at(-1)?.id);
  }
  record(inventory, "model calls", calls);
  const spending = new Digest();
  for (const row of (
    await db.query<Record<string, string | number>>(sql`SELECT scope, period, cost_usd FROM ${t.spending}`)
  ).sort((a, b) => byteOrder(`${a.scope}\u0000${a.period}`, `${b.scope}\u0000${b.period}`))) {
    spending.add([row.scope, row.period, Number(row.cost_usd)]);
  }
  record(inventory, "spending", spending);
  const keys = new Digest();
  for (const row of await db.query<Record<string, unknown>>(
    sql`SELECT * FROM ${t.api_keys} ORDER BY id COLLATE "C"`,
  )) {
    keys.add(keyTuple(row));
  }
  record(inventory, "api keys", keys);
  const jobs = new Digest();
  for (const row of await db.query<Record<string, unknown>>(
    sql`SELECT * FROM ${t.jobs} ORDER BY id COLLATE "C"`,
  )) {
    jobs.add(jobTuple(row));
  }
  record(inventory, "jobs", jobs);
}
