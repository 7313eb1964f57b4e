// Reading a space's vectors for its HNSW index: all of them (a build), or those the change log names
// since the index's seq (a catch-up). A catch-up takes each logged chunk's vector as it is now, so a
// chunk stored, replaced and deleted in between comes out deleted, whatever the order of the log.
import type Database from "better-sqlite3";

export interface AnnChange {
  rowid: number;
  /** The chunk's vector now, or undefined when it has none (deleted). */
  vector?: Float32Array;
}

/** SQL listing `rowid, vector` (float32 bytes) of every vector of a space. */
export function vectorSource(spaceId: number, quantization: string): string {
  // Quantised spaces keep float32 copies beside their compact vectors; the index is built from those.
  return quantization === "float32"
    ? `SELECT rowid, embedding AS vector FROM space_${spaceId}`
    : `SELECT rowid, vector FROM space_${spaceId}_full`;
}

/** The chunks the log names after `after` up to `upTo` (all when undefined), each with its vector now. */
export function readChanges(
  db: Database.Database,
  space: { id: number; dimensions: number; quantization: string },
  after: number,
  upTo?: number,
): AnnChange[] {
  const rowids = db
    .prepare<[number, number, number], { chunk_rowid: number }>(
      `SELECT DISTINCT chunk_rowid FROM vector_changes WHERE space_id = ? AND seq > ? AND seq <= ?`,
    )
    .all(space.id, after, upTo ?? Number.MAX_SAFE_INTEGER);
  const source =
    space.quantization === "float32"
      ? `SELECT embedding AS vector FROM space_${space.id} WHERE rowid = ?`
      : `SELECT vector FROM space_${space.id}_full WHERE rowid = ?`;
  const vectorOf = db.prepare<[bigint], { vector: Buffer }>(source);
  return rowids.map(({ chunk_rowid: rowid }) => {
    const row = vectorOf.get(BigInt(rowid));
    if (!row) return { rowid };
    const copy = new Float32Array(space.dimensions);
    copy.set(new Float32Array(row.vector.buffer, row.vector.byteOffset, space.dimensions));
    return { rowid, vector: copy };
  });
}
