// Copies embedding spaces and their vectors (full precision: a quantised space's float32 copies) into
// pgvector, through the Postgres store's own createSpace and putVectors, a batch per transaction. The
// last source row copied per space is recorded in the migration table after each batch; putVectors
// overwrites, so a batch done again after a crash changes nothing.
import type Database from "better-sqlite3";
import { sql } from "../postgres/sql.js";
import { type SourceSpace, sourceVectors } from "./source.js";
import { type MigrationState, recordVectorProgress, type Target } from "./target.js";

export const spaceKey = (space: Pick<SourceSpace, "collection" | "name">) =>
  `${space.collection}/${space.name}`;

export async function copySpace(
  target: Target,
  db: Database.Database,
  space: SourceSpace,
  state: MigrationState,
  batchSize: number,
  onBatch: (vectors: number) => Promise<void>,
): Promise<number> {
  const { store, client, t } = target;
  await store.createSpace({
    collection: space.collection,
    name: space.name,
    provider: space.provider,
    model: space.model,
    dimensions: space.dimensions,
    normalised: space.normalised === 1,
    version: space.version,
    quantization: space.quantization,
  });
  await client.query(
    sql`UPDATE ${t.embedding_spaces} s SET created_at = ${space.created_at} FROM ${t.collections} c
        WHERE c.id = s.collection_id AND c.name = ${space.collection} AND s.name = ${space.name}`,
  );
  const key = spaceKey(space);
  let after = state.vectors[key] ?? 0;
  let copied = 0;
  for (;;) {
    const vectors = sourceVectors(db, space, after, batchSize);
    if (vectors.length === 0) break;
    await store.putVectors(space.collection, space.name, vectors);
    after = (vectors.at(-1) as { rowid: number }).rowid;
    await recordVectorProgress(target, key, after);
    state.vectors[key] = after;
    copied += vectors.length;
    await onBatch(vectors.length);
  }
  if (space.active === 1) await store.activateSpace(space.collection, space.name);
  return copied;
}
