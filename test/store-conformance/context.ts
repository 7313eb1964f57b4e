// What each conformance case gets: the store of the running test, opened on an empty database, and a
// way to open another store on the same database (a second connection, as a second process would).
import { it } from "vitest";
import type { Store } from "../../src/store/store.js";

export interface OpenedStore {
  store: Store;
  /** Another store on the same database, closed by `close`. */
  openAnother(): Promise<Store>;
  /** Closes both stores and drops the database. */
  close(): Promise<void>;
}

export interface StoreCapabilities {
  /** Whether the store keeps vectors; without, the vector cases are skipped with `note`. */
  vectors: boolean;
  /** Why a capability is missing, shown in the names of the skipped cases. */
  note?: string;
}

export interface ConformanceContext {
  /** The running test's store. */
  store(): Store;
  /** Another store on the running test's database. */
  openAnother(): Promise<Store>;
  capabilities: StoreCapabilities;
}

/**
 * A case that needs vectors: skipped, with the store's note in its name, when the store keeps none.
 */
export function vectorCase(context: ConformanceContext, name: string, body: () => Promise<void>): void {
  const { vectors, note } = context.capabilities;
  it.skipIf(!vectors)(vectors ? name : `${name} (skipped: ${note ?? "this store keeps no vectors"})`, body);
}
