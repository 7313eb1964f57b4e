// The chunks Verity's vector spaces hang on, for bench/vectors.ts: one tiny synthetic document of one
// chunk per vector, stored once per size through the Store's putFile and copied by each Verity run, with
// the chunk ids in vector order in a fixed-width side file (chunk ids are `chk_` and 20 hex digits).
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { NewDocument } from "../../src/store/store.js";

export const collection = "bench";
const idBytes = "chk_00000000000000000000\n".length;
const filesOf = 10_000;

/** Stores `count` one-chunk documents (source `v<row>`) in a new database at `path`, ids in `idsPath`. */
export async function createChunkDatabase(path: string, idsPath: string, count: number): Promise<void> {
  const store = createSqliteStore({ path });
  try {
    for (let start = 0; start < count; start += filesOf) {
      const documents: NewDocument[] = [];
      for (let row = start; row < Math.min(count, start + filesOf); row++) {
        const text = `synthetic vector ${row}`;
        documents.push({
          source: `v${row}`,
          title: "",
          mediaType: "text/plain",
          text,
          size: text.length,
          chunks: [{ ordinal: 0, text, location: { charStart: 0, charEnd: text.length } }],
        });
      }
      await store.putFile({
        collection,
        path: `vectors-${start}.txt`,
        contentHash: `vectors-${start}`,
        size: documents.length,
        mediaType: "text/plain",
        documents,
      });
    }
    // The chunks a space lacks come back oldest first: vector order. A probe space lists them.
    const probe = "bench:probe";
    await store.createSpace({
      collection,
      name: probe,
      provider: "bench",
      model: "probe",
      dimensions: 8,
      normalised: true,
      version: "1",
      quantization: "binary",
    });
    const chunks = await store.chunksToEmbed(collection, probe, count);
    await store.removeSpace(collection, probe);
    chunks.forEach((chunk, row) => {
      if (chunk.text !== `synthetic vector ${row}` || chunk.chunkId.length + 1 !== idBytes) {
        throw new Error(
          `chunk ${row} is ${JSON.stringify(chunk)}; expected vector order and 24-character ids`,
        );
      }
    });
    if (chunks.length !== count) throw new Error(`stored ${chunks.length} chunks, expected ${count}`);
    writeFileSync(idsPath, chunks.map((chunk) => `${chunk.chunkId}\n`).join(""));
  } finally {
    await store.close();
  }
}

/** Chunk ids of rows `start` to `start + rows`. */
export function readChunkIds(idsPath: string, start: number, rows: number): string[] {
  const bytes = Buffer.alloc(rows * idBytes);
  const file = openSync(idsPath, "r");
  try {
    const read = readSync(file, bytes, 0, bytes.length, start * idBytes);
    if (read !== bytes.length) throw new Error(`${idsPath} ends before row ${start + rows}`);
  } finally {
    closeSync(file);
  }
  return bytes.toString("latin1").split("\n", rows);
}
