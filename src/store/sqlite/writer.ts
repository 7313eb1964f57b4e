// The one way the embedded store writes: a transaction that takes the write lock when it begins.
// A deferred transaction (SQLite's default) reads first and asks for the lock at its first write;
// when another process holds it then, SQLite answers "database is locked" at once instead of waiting
// (waiting could not help: the reader's snapshot would be stale). BEGIN IMMEDIATE waits out the busy
// timeout instead, so any number of processes can share one data dir.
import type Database from "better-sqlite3";
import { readOnlyStoreError } from "./store-errors.js";

export interface Writer {
  readonly readOnly: boolean;
  /**
   * `work` as one write transaction that begins immediately (nested calls become savepoints); on a
   * read-only store, a function that throws E_STORE and writes nothing.
   */
  transaction<Args extends unknown[], Result>(work: (...args: Args) => Result): (...args: Args) => Result;
}

export function createWriter(
  db: Database.Database,
  readOnly: { path: string; reason: string } | undefined,
): Writer {
  return {
    readOnly: readOnly !== undefined,
    transaction(work) {
      const transaction = db.transaction(work);
      return (...args) => {
        if (readOnly) throw readOnlyStoreError(readOnly.path, readOnly.reason);
        return transaction.immediate(...args);
      };
    },
  };
}
