// The stores the scale benchmark compares, as a small JSON spec a worker process can be handed: the
// embedded SQLite store in a folder, a PostgreSQL database by URL, or PGlite (PostgreSQL compiled to
// WASM, in-process, with its pgvector build) kept in a folder.
import { join } from "node:path";
import type { Embedder } from "../src/embed/embedder.js";
import { createVerity, type Verity } from "../src/engine.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";

export type ScaleStoreSpec =
  | { kind: "sqlite"; dataDir: string }
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string };

export interface OpenScaleStore {
  kind: ScaleStoreSpec["kind"];
  verity: Verity;
  /** Why the store has no vector search, when it has none. */
  vectorsMissing?: string;
  close(): Promise<void>;
}

/**
 * Opens the store with an engine around it. `annIndex`: SQLite indexes every space with HNSW from the
 * first vector (threshold 0, no delay), so the index is measured at every size.
 */
export async function openScaleStore(
  spec: ScaleStoreSpec,
  options: { embedder: Embedder; annIndex: boolean },
): Promise<OpenScaleStore> {
  if (spec.kind === "sqlite") {
    const store = createSqliteStore({
      path: join(spec.dataDir, "verity.db"),
      ...(options.annIndex ? { vectorIndex: { threshold: 0, buildDelayMs: 0 } } : {}),
    });
    const verity = createVerity({ store, embedder: options.embedder });
    return { kind: spec.kind, verity, close: () => verity.close() };
  }
  const { createPostgresStore } = await import("../src/store/postgres/index.js");
  if (spec.kind === "postgres") {
    const store = await createPostgresStore({ url: spec.url });
    const verity = createVerity({ store, embedder: options.embedder });
    return {
      kind: spec.kind,
      verity,
      ...(store.vectorsAvailable ? {} : { vectorsMissing: "the server has no pgvector" }),
      close: () => verity.close(),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { vector } = await import("@electric-sql/pglite-pgvector");
  const database = await PGlite.create(spec.dataDir, { extensions: { vector } });
  const store = await createPostgresStore({ pglite: database });
  const verity = createVerity({ store, embedder: options.embedder });
  return {
    kind: spec.kind,
    verity,
    async close() {
      await verity.close();
      await database.close();
    },
  };
}

export function storeLabel(kind: ScaleStoreSpec["kind"], postgresLabel: string): string {
  if (kind === "sqlite") return "SQLite (embedded)";
  if (kind === "pglite") return "PGlite (WASM, in-process)";
  return postgresLabel;
}
