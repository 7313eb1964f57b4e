// Opening the embedded database: the data dir checked, the file recognised as Verity's (or not),
// WAL mode, extensions and migrations; read-only when the file or its folder cannot be written.
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { VerityError } from "../../core/errors.js";
import { loadRanking } from "./bm25-ranking.js";
import { migrate } from "./migrations.js";
import type { Bm25Ranking } from "./ranking-kind.js";
import { damagedDatabaseError, isBusy, sqliteCode, storeError } from "./store-errors.js";

export interface OpenOptions {
  path: string;
  busyTimeoutMs: number;
  /** Open read-only; `undefined`: when the file or its folder is not writable. */
  readOnly: boolean | undefined;
  ranking: Bm25Ranking | "auto";
}

export interface OpenDatabase {
  db: Database.Database;
  ranking: Bm25Ranking;
  /** Why the store is read-only, or `undefined` when it is writable. */
  readOnlyReason: string | undefined;
}

export function openDatabase(options: OpenOptions): OpenDatabase {
  const { path } = options;
  const inMemory = path === ":memory:";
  if (inMemory && options.readOnly) {
    throw new VerityError("E_CONFIG", "an in-memory store cannot be read-only; pass a database file path", {
      option: "readOnly",
    });
  }
  const readOnlyReason =
    options.readOnly === true
      ? "it was opened with readOnly"
      : options.readOnly === undefined && !inMemory
        ? unwritable(path)
        : undefined;
  if (!inMemory) prepareFile(path, readOnlyReason !== undefined);
  let db: Database.Database | undefined;
  try {
    db = readOnlyReason
      ? openReadOnly(path, options.busyTimeoutMs)
      : new Database(path, { timeout: options.busyTimeoutMs });
    if (!readOnlyReason) useWal(db, options.busyTimeoutMs);
    db.pragma("synchronous = NORMAL");
    // Reads through memory maps instead of read() calls into SQLite's page cache: the exact vector
    // scan reads every vector of a space per question (SQLite caps the size at its compiled maximum).
    db.pragma("mmap_size = 1099511627776");
    db.pragma("foreign_keys = ON");
    // Vector spaces live in sqlite-vec tables, and their triggers run on every chunk delete.
    sqliteVec.load(db);
    const ranking = loadRanking(db, options.ranking);
    migrate(db, { path, readOnly: readOnlyReason !== undefined });
    return { db, ranking, readOnlyReason };
  } catch (error) {
    if (db?.open) db.close();
    if (error instanceof VerityError) throw error;
    const translated = storeError(error, { path, busyTimeoutMs: options.busyTimeoutMs, readOnlyReason });
    if (translated instanceof VerityError) throw translated;
    throw new VerityError(
      "E_STORE",
      `cannot open the Verity database at ${path}: ${(error as Error).message}. Check the path and its permissions, or pass another dataDir`,
      { cause: error, option: "dataDir" },
    );
  }
}

/** Why a database at `path` cannot be written (so must be opened read-only), or undefined. */
function unwritable(path: string): string | undefined {
  const folder = dirname(path);
  // SQLite writes verity.db-wal and verity.db-shm beside the database, so the folder must be writable too.
  if (existsSync(path) && !canWrite(path)) return "verity.db is not writable";
  if (existsSync(folder) && !canWrite(folder)) return `its folder ${folder} is not writable`;
  return undefined;
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The data dir exists (made if need be) and is a folder; an existing database file looks like SQLite's. */
function prepareFile(path: string, readOnly: boolean): void {
  const folder = dirname(path);
  const folderKind = kindOf(folder);
  if (folderKind === "file") {
    throw new VerityError(
      "E_STORE",
      `the data dir ${folder} is a file, not a folder; point dataDir at a folder (a new one is created)`,
      { option: "dataDir" },
    );
  }
  if (folderKind === "missing") {
    if (readOnly) throw noDatabase(path);
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new VerityError(
        "E_STORE",
        code === "ENOTDIR" || code === "EEXIST"
          ? `cannot create the data dir ${folder}: part of that path is a file, not a folder; point dataDir at a folder`
          : `cannot create the data dir ${folder} (${(error as Error).message}); point dataDir at a folder you can write to`,
        { cause: error, option: "dataDir" },
      );
    }
  }
  const kind = kindOf(path);
  if (kind === "folder") {
    throw new VerityError(
      "E_STORE",
      `${path} is a folder, not a database file; point dataDir at another folder`,
      {
        option: "dataDir",
      },
    );
  }
  if (kind === "missing") {
    if (readOnly) throw noDatabase(path);
    return;
  }
  checkHeader(path, readOnly);
}

function kindOf(path: string): "missing" | "file" | "folder" {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return "missing";
  }
}

function noDatabase(path: string): VerityError {
  return new VerityError(
    "E_STORE",
    `there is no Verity database at ${path}, and its folder is read-only so none can be created; ingest into a writable data dir first, or point dataDir at an existing one`,
    { option: "dataDir" },
  );
}

const sqliteMagic = "SQLite format 3\u0000";

/**
 * Recognises a file that is not SQLite's at all (random bytes, another format) or a database cut
 * short (a truncated copy), before SQLite reports either as a puzzling "disk I/O error" or worse,
 * part-way through a question. A header alone is cheap; checking every page would not be.
 */
function checkHeader(path: string, readOnly: boolean): void {
  const size = statSync(path).size;
  if (size === 0) {
    if (readOnly) throw damagedDatabaseError(path, "the file is empty");
    return; // SQLite makes an empty file a new database.
  }
  const header = Buffer.alloc(100);
  const descriptor = openSync(path, "r");
  try {
    readSync(descriptor, header, 0, 100, 0);
  } finally {
    closeSync(descriptor);
  }
  if (size < 100 || header.toString("latin1", 0, 16) !== sqliteMagic) {
    throw damagedDatabaseError(
      path,
      "it is not an SQLite database file (it may be damaged, or another program's file)",
    );
  }
  const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
  const pages = header.readUInt32BE(28);
  // The page count in the header is valid only when its two change counters agree; committed pages
  // may also still sit in the write-ahead log, which then makes up the difference.
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (countValid && pages > 0 && size < pages * pageSize && walBytes(path) === 0) {
    throw damagedDatabaseError(
      path,
      `the file is cut short (${size} bytes where its header says ${pages * pageSize}): a copy or download was interrupted, or the disk lost data`,
    );
  }
}

function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

/**
 * A read-only connection. SQLite reads a WAL database through its `-wal` and `-shm` files and must
 * create them when they are missing (they are removed when the last writer closes cleanly), which
 * read-only storage does not allow; SQLite's documented way out is the `immutable` URI parameter,
 * which better-sqlite3 cannot pass (it is built with URI filenames off). So when SQLite cannot open
 * the files and there is no write-ahead log holding changes, the database is read into memory
 * instead, marked as a rollback-journal database so SQLite does not look for the log. A log that
 * holds changes but cannot be read is an error: reading without it would silently miss them.
 */
function openReadOnly(path: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    db.pragma("user_version"); // the first read opens the write-ahead log
    return db;
  } catch (error) {
    db?.close();
    const code = sqliteCode(error) ?? "";
    if (!code.startsWith("SQLITE_CANTOPEN") && !code.startsWith("SQLITE_READONLY")) throw error;
    if (walBytes(path) > 0) {
      throw new VerityError(
        "E_STORE",
        `the Verity database at ${path} is on read-only storage with changes still in verity.db-wal, which SQLite cannot read there without verity.db-shm; open the data dir once where it is writable (opening it there folds the changes in), or copy it to writable storage`,
        { cause: error, option: "dataDir" },
      );
    }
    return openInMemory(path);
  }
}

function openInMemory(path: string): Database.Database {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new VerityError(
      "E_STORE",
      `the Verity database at ${path} is on read-only storage and too large to read into memory (${(error as Error).message}); make its folder writable, or copy the data dir to writable storage`,
      { cause: error, option: "dataDir" },
    );
  }
  // Bytes 18 and 19 are the file format's write and read versions: 2 means WAL, 1 a rollback journal.
  bytes[18] = 1;
  bytes[19] = 1;
  return new Database(bytes, { readonly: true });
}

/**
 * WAL lets readers and one writer work at once. Switching a new file to WAL takes the write lock;
 * SQLite normally waits for it under the busy timeout, but can answer BUSY at once when another
 * process is switching the same new file, so this waits on its own.
 */
function useWal(db: Database.Database, busyTimeoutMs: number): void {
  if (db.pragma("journal_mode", { simple: true }) === "wal") return;
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(5 * attempt, 50));
    }
  }
}
