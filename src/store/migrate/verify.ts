// Verification: counts per table and checksums (SHA-256 over every row that matters, in a fixed
// order) per collection, per embedding space and for the ledger, keys and jobs, computed alike from
// the source and the target. Rows are read in pages, so large stores need not fit in memory.
import { createHash, type Hash } from "node:crypto";
import type Database from "better-sqlite3";
import type { Queryable } from "../postgres/client.js";
import { raw, sql } from "../postgres/sql.js";
import { restoredText } from "../postgres/stored-text.js";
import type { SourceSpace } from "./source.js";
import type { Target } from "./target.js";

/** What a store holds, as `what → count` and `what → checksum`. */
export interface Inventory {
  counts: Record<string, number>;
  checksums: Record<string, string>;
}

const page = 2000;

class Digest {
  private readonly hash: Hash = createHash("sha256");
  count = 0;
  add(values: readonly unknown[]): void {
    this.hash.update(`${JSON.stringify(values)}\n`);
    this.count++;
  }
  hex(): string {
    return this.hash.digest("hex");
  }
}

/** How a target space keeps its vectors, which decides the precision both sides are compared at. */
export type SpaceStorage = "float32" | "halfvec" | "binary";

function record(inventory: Inventory, name: string, digest: Digest): void {
  inventory.counts[name] = digest.count;
  inventory.checksums[name] = digest.hex();
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

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

/** What differs between two inventories, in words; empty when they are equal. */
export function differences(source: Inventory, target: Inventory): string[] {
  const found: string[] = [];
  const names = new Set([...Object.keys(source.counts), ...Object.keys(target.counts)]);
  for (const name of [...names].sort(byteOrder)) {
    const [from, to] = [source.counts[name], target.counts[name]];
    if (from === undefined) found.push(`${name}: only in the target (${to})`);
    else if (to === undefined) found.push(`${name}: missing from the target (source has ${from})`);
    else if (from !== to) found.push(`${name}: source has ${from}, target ${to}`);
    else if (source.checksums[name] !== target.checksums[name])
      found.push(`${name}: same count (${from}), different content`);
  }
  return found;
}

function documentTuple(row: Record<string, unknown>, groups: readonly string[]): unknown[] {
  const text = createHash("sha256").update(String(row.text)).digest("hex");
  return [
    row.id,
    row.path,
    row.source,
    row.title,
    row.media_type,
    row.content_hash,
    Number(row.size),
    text,
    row.metadata,
    row.created_at,
    row.updated_at,
    groups,
  ];
}

const spaceName = (space: Pick<SourceSpace, "collection" | "name">) => `${space.collection}/${space.name}`;

function spaceTuple(space: SourceSpace): unknown[] {
  return [
    space.collection,
    space.name,
    space.provider,
    space.model,
    Number(space.dimensions),
    Number(space.normalised),
    space.version,
    space.quantization,
    Number(space.active),
    space.created_at,
  ];
}

function answerTuple(row: Record<string, unknown>): unknown[] {
  return [
    Number(row.id),
    row.at,
    row.collection,
    row.api_key,
    row.status,
    row.answerer,
    Boolean(row.escalated),
    Number(row.cost_usd),
    Number(row.latency_ms),
    row.strongest_cost_usd === null ? null : Number(row.strongest_cost_usd),
    row.trace,
  ];
}

function callTuple(row: Record<string, unknown>): unknown[] {
  const number = (value: unknown) => (value === null ? null : Number(value));
  return [
    Number(row.answer_id),
    row.model,
    row.outcome,
    number(row.input_tokens),
    number(row.output_tokens),
    Number(row.cost_usd),
    Number(row.latency_ms),
  ];
}

function keyTuple(row: Record<string, unknown>): unknown[] {
  // Not the last use: verifying a key writes it, in whichever store it was verified in.
  return [
    row.id,
    row.name,
    Buffer.from(row.secret_sha256 as Uint8Array).toString("hex"),
    row.scopes,
    row.collections,
    row.groups,
    row.created_at,
    row.expires_at,
    row.revoked_at,
  ];
}

function jobTuple(row: Record<string, unknown>): unknown[] {
  // Not the status: a job left running by a process that is gone is marked interrupted when either
  // store is next opened for writing.
  return [row.id, row.kind, row.collection, row.started_at];
}

function vectorHex(values: ArrayLike<number>): string {
  return Buffer.from(Float32Array.from(values).buffer).toString("hex");
}

/** `value` rounded to IEEE half precision (nearest, ties to even), as pgvector's halfvec stores it. */
export function roundToHalf(value: number): number {
  const magnitude = Math.abs(Math.fround(value));
  if (magnitude === 0 || !Number.isFinite(magnitude)) return value;
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  const step = 2 ** (Math.max(exponent, -14) - 10);
  const scaled = magnitude / step;
  const floor = Math.floor(scaled);
  const rest = scaled - floor;
  const rounded = rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return Math.sign(value) * rounded * step;
}
