// The source's inventory (inventory.ts), read from the SQLite data dir page by page.
import type Database from "better-sqlite3";
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
  roundToHalf,
  type SpaceStorage,
  spaceName,
  spaceTuple,
  vectorHex,
} from "./inventory.js";
import type { SourceSpace } from "./source.js";

/** The source's inventory; `spaces` are the spaces compared (those the target holds), with their storage. */
export function sourceInventory(
  db: Database.Database,
  spaces: readonly { space: SourceSpace; storage: SpaceStorage }[],
): Inventory {
  const inventory: Inventory = { counts: {}, checksums: {} };
  const collections = db
    .prepare<[], { id: number; name: string; created_at: string; tokenizer: string }>(
      "SELECT id, name, created_at, tokenizer FROM collections",
    )
    .all()
    .sort((a, b) => byteOrder(a.name, b.name));
  const settings = new Digest();
  for (const collection of collections)
    settings.add([collection.name, collection.created_at, collection.tokenizer]);
  record(inventory, "collections", settings);
  for (const collection of collections) {
    const prefix = `collection ${collection.name}`;
    const files = new Digest();
    const rows = db
      .prepare<[number], Record<string, string | number>>(
        "SELECT path, content_hash, size, media_type, ingested_at FROM files WHERE collection_id = ?",
      )
      .all(collection.id)
      .sort((a, b) => byteOrder(String(a.path), String(b.path)));
    for (const row of rows)
      files.add([row.path, row.content_hash, Number(row.size), row.media_type, row.ingested_at]);
    record(inventory, `${prefix}: files`, files);

    const documents = new Digest();
    const groups = new Digest();
    const documentPage = db.prepare<[number, string, number], Record<string, string | number>>(
      `SELECT d.id, f.path, d.source, d.title, d.media_type, d.content_hash, d.size, d.text, d.metadata, d.created_at,
         d.updated_at,
         (SELECT json_group_array(group_name) FROM (SELECT group_name FROM document_groups g
            WHERE g.document_id = d.id ORDER BY group_name)) AS groups
       FROM documents d JOIN files f ON f.id = d.file_id WHERE d.collection_id = ? AND d.id > ? ORDER BY d.id LIMIT ?`,
    );
    for (let after = ""; ; ) {
      const batch = documentPage.all(collection.id, after, page);
      for (const row of batch) {
        const names = JSON.parse(String(row.groups)) as string[];
        documents.add(documentTuple(row, names));
        for (const name of names) groups.add([row.id, name]);
      }
      if (batch.length < page) break;
      after = String(batch.at(-1)?.id);
    }
    record(inventory, `${prefix}: documents`, documents);
    record(inventory, `${prefix}: document groups`, groups);

    const chunks = new Digest();
    const chunkPage = db.prepare<[number, string, string, number, number], Record<string, string | number>>(
      `SELECT id, document_id, ordinal, text, location FROM chunks WHERE collection_id = ?
         AND (document_id > ? OR (document_id = ? AND ordinal > ?)) ORDER BY document_id, ordinal LIMIT ?`,
    );
    for (let after = { document: "", ordinal: -1 }; ; ) {
      const batch = chunkPage.all(collection.id, after.document, after.document, after.ordinal, page);
      for (const row of batch)
        chunks.add([row.id, row.document_id, Number(row.ordinal), row.text, row.location]);
      if (batch.length < page) break;
      const last = batch.at(-1) as Record<string, string | number>;
      after = { document: String(last.document_id), ordinal: Number(last.ordinal) };
    }
    record(inventory, `${prefix}: chunks`, chunks);
  }

  const spaceRows = new Digest();
  for (const { space } of [...spaces].sort((a, b) => byteOrder(spaceName(a.space), spaceName(b.space)))) {
    spaceRows.add(spaceTuple(space));
  }
  record(inventory, "embedding spaces", spaceRows);
  for (const { space, storage } of spaces) {
    const vectors = new Digest();
    const table =
      space.quantization === "float32"
        ? `SELECT rowid, embedding AS bytes FROM space_${space.id}`
        : `SELECT rowid, vector AS bytes FROM space_${space.id}_full`;
    const vectorPage = db.prepare<[string, number], { id: string; bytes: Buffer }>(
      `SELECT k.id, v.bytes FROM (${table}) v JOIN chunks k ON k.rowid = v.rowid WHERE k.id > ? ORDER BY k.id LIMIT ?`,
    );
    for (let after = ""; ; ) {
      const batch = vectorPage.all(after, page);
      for (const row of batch) {
        const values = new Float32Array(new Uint8Array(row.bytes).buffer);
        vectors.add([row.id, vectorHex(storage === "halfvec" ? Array.from(values, roundToHalf) : values)]);
      }
      if (batch.length < page) break;
      after = (batch.at(-1) as { id: string }).id;
    }
    record(inventory, `space ${spaceName(space)}: vectors`, vectors);
  }

  ledgerOfSource(db, inventory);
  return inventory;
}

function ledgerOfSource(db: Database.Database, inventory: Inventory): void {
  const answers = new Digest();
  const answerPage = db.prepare<[number, number], Record<string, string | number | null>>(
    "SELECT * FROM answers WHERE id > ? ORDER BY id LIMIT ?",
  );
  for (let after = 0; ; ) {
    const batch = answerPage.all(after, page);
    for (const row of batch) answers.add(answerTuple(row));
    if (batch.length < page) break;
    after = Number(batch.at(-1)?.id);
  }
  record(inventory, "answers", answers);
  const calls = new Digest();
  const callPage = db.prepare<[number, number], Record<string, string | number | null>>(
    "SELECT rowid, * FROM model_calls WHERE rowid > ? ORDER BY rowid LIMIT ?",
  );
  for (let after = 0; ; ) {
    const batch = callPage.all(after, page);
    for (const row of batch) calls.add(callTuple(row));
    if (batch.length < page) break;
    after = Number(batch.at(-1)?.rowid);
  }
  record(inventory, "model calls", calls);
  const spending = new Digest();
  for (const row of db
    .prepare<[], Record<string, string | number>>("SELECT scope, period, cost_usd FROM spending")
    .all()
    .sort((a, b) => byteOrder(`${a.scope}\u0000${a.period}`, `${b.scope}\u0000${b.period}`))) {
    spending.add([row.scope, row.period, Number(row.cost_usd)]);
  }
  record(inventory, "spending", spending);
  const keys = new Digest();
  for (const row of db.prepare<[], Record<string, unknown>>("SELECT * FROM api_keys ORDER BY id").all()) {
    keys.add(keyTuple(row));
  }
  record(inventory, "api keys", keys);
  const jobs = new Digest();
  for (const row of db.prepare<[], Record<string, unknown>>("SELECT * FROM jobs ORDER BY id").all()) {
    jobs.add(jobTuple(row));
  }
  record(inventory, "jobs", jobs);
}
