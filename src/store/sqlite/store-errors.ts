// What SQLite's failures mean for a Verity data dir, as VerityErrors (E_STORE) that say what to do.
// Every store method goes through `guardStoreErrors`, so no raw SqliteError (and no stack trace)
// reaches a user.
import { VerityError } from "../../core/errors.js";

/** SQLite's extended result code of an error (`SQLITE_BUSY_SNAPSHOT`…), if it is one of SQLite's. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") ? code : undefined;
}

export function isBusy(error: unknown): boolean {
  return sqliteCode(error)?.startsWith("SQLITE_BUSY") ?? false;
}

/** The database file is not SQLite's, or SQLite found it damaged. Never deleted: it is the user's data. */
export function damagedDatabaseError(path: string, problem: string, cause?: unknown): VerityError {
  return new VerityError(
    "E_STORE",
    `${path} is not a usable Verity database: ${problem}. Restore it from a backup, or move it aside (e.g. rename it to verity.db.damaged) and ingest your documents again, which builds a new one; Verity never deletes it`,
    { cause, option: "dataDir" },
  );
}

export function readOnlyStoreError(path: string, reason: string, cause?: unknown): VerityError {
  return new VerityError(
    "E_STORE",
    `the Verity database at ${path} is read-only (${reason}), so nothing can be ingested, removed or reindexed; ask, list and stats still work. Make the data dir and verity.db writable, or use a writable copy of the data dir`,
    { cause, option: "dataDir" },
  );
}

export interface StoreErrorContext {
  path: string;
  busyTimeoutMs: number;
  /** Why the store is read-only, when it is. */
  readOnlyReason: string | undefined;
}

/** The VerityError a SQLite failure becomes, or the error itself when it is not SQLite's. */
export function storeError(error: unknown, context: StoreErrorContext): unknown {
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const { path } = context;
  const sqlite = (error as Error).message;
  if (code.startsWith("SQLITE_BUSY")) {
    return new VerityError(
      "E_STORE",
      `the Verity database at ${path} stayed locked by another process for over ${context.busyTimeoutMs / 1000} s (SQLite: ${sqlite}); nothing was changed. Retry, or raise busyTimeoutMs`,
      { cause: error, option: "busyTimeoutMs" },
    );
  }
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    return damagedDatabaseError(path, `SQLite reports "${sqlite}"`, error);
  }
  if (code.startsWith("SQLITE_READONLY")) {
    return readOnlyStoreError(path, context.readOnlyReason ?? `SQLite reports "${sqlite}"`, error);
  }
  if (code === "SQLITE_FULL") {
    return new VerityError(
      "E_STORE",
      `the disk holding ${path} is full (SQLite: ${sqlite}); nothing of the failed write was stored. Free some space and retry`,
      { cause: error },
    );
  }
  if (code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") {
    return new VerityError(
      "E_STORE",
      `cannot read or write the Verity database at ${path} (SQLite: ${sqlite}). Check the disk, the path and its permissions, or pass another dataDir`,
      { cause: error, option: "dataDir" },
    );
  }
  return error;
}

/**
 * The store's methods as the SQLite parts implement them: better-sqlite3 is synchronous, so each part
 * returns its value directly, and `asyncStore` turns the whole into the asynchronous Store contract.
 */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

/**
 * `target`'s methods as Promises, with every SQLite failure turned into a VerityError (a rejection,
 * never a throw: callers await). The work itself still runs synchronously, inside the call, so a
 * caller that awaits one method before the next sees the same order as before.
 */
export function asyncStore<T extends object>(target: Synchronous<T>, context: StoreErrorContext): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] =
      typeof value === "function"
        ? (...args: unknown[]) => {
            try {
              return Promise.resolve((value as (...args: unknown[]) => unknown)(...args));
            } catch (error) {
              return Promise.reject(storeError(error, context));
            }
          }
        : value;
  }
  return wrapped as T;
}
