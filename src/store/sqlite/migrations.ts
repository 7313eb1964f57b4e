// Versioned schema migrations for the embedded store, applied in order and tracked in `user_version`.
import type { Database } from "better-sqlite3";
import { VerityError } from "../../core/errors.js";
import { damagedDatabaseError } from "./store-errors.js";

const migrations: readonly string[] = [
  // 1: collections, files, documents, chunks, BM25 index, ingestion jobs.
  `
  CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    UNIQUE (collection_id, path)
  );
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (collection_id, source)
  );
  CREATE INDEX documents_file ON documents(file_id);
  CREATE TABLE chunks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    collection_id INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    location TEXT NOT NULL
  );
  CREATE INDEX chunks_document ON chunks(document_id, ordinal);
  CREATE INDEX chunks_collection ON chunks(collection_id);
  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    title, body,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');
  CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    DELETE FROM chunks_fts WHERE rowid = old.rowid;
  END;
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    collection TEXT NOT NULL,
    status TEXT NOT NULL,
    pid INTEGER,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    summary TEXT NOT NULL DEFAULT '{}'
  );
  `,
  // 2: embedding spaces; each space's vectors live in a sqlite-vec table `space_<id>` made with it.
  `
  CREATE TABLE embedding_spaces (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    dimensions INTEGER NOT NULL,
    normalised INTEGER NOT NULL,
    version TEXT NOT NULL,
    quantization TEXT NOT NULL CHECK (quantization IN ('float32', 'int8', 'binary')),
    active INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (collection_id, name)
  );
  CREATE UNIQUE INDEX embedding_spaces_one_active ON embedding_spaces(collection_id) WHERE active = 1;
  `,
  // 3: the answer ledger: every answer's route, each model call with its tokens, cost, latency and
  // outcome. Budgets are summed from it, and \`verity stats\` reports from it.
  `
  CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    collection TEXT NOT NULL,
    api_key TEXT,
    status TEXT NOT NULL,
    answerer TEXT NOT NULL,
    escalated INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    latency_ms REAL NOT NULL,
    strongest_cost_usd REAL,
    trace TEXT NOT NULL
  );
  CREATE INDEX answers_collection_at ON answers(collection, at);
  CREATE INDEX answers_key_at ON answers(api_key, at) WHERE api_key IS NOT NULL;
  CREATE TABLE model_calls (
    answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    outcome TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost_usd REAL NOT NULL,
    latency_ms REAL NOT NULL
  );
  CREATE INDEX model_calls_model ON model_calls(model);
  `,
  // 4: running totals of spending per collection and per API key, per UTC day and month, kept with
  // each answer, so a budget check reads one row instead of summing the day's answers.
  `
  CREATE TABLE spending (
    scope TEXT NOT NULL,
    period TEXT NOT NULL,
    cost_usd REAL NOT NULL,
    PRIMARY KEY (scope, period)
  ) WITHOUT ROWID;
  INSERT INTO spending (scope, period, cost_usd)
    SELECT 'collection:' || collection, substr(at, 1, 10), sum(cost_usd) FROM answers GROUP BY 1, 2
    UNION ALL SELECT 'collection:' || collection, substr(at, 1, 7), sum(cost_usd) FROM answers GROUP BY 1, 2
    UNION ALL SELECT 'key:' || api_key, substr(at, 1, 10), sum(cost_usd) FROM answers WHERE api_key IS NOT NULL GROUP BY 1, 2
    UNION ALL SELECT 'key:' || api_key, substr(at, 1, 7), sum(cost_usd) FROM answers WHERE api_key IS NOT NULL GROUP BY 1, 2;
  `,
  // 5: how each collection's text is split into index terms (`default`, or `cjk` bigrams), fixed
  // when the collection is created. Existing collections keep the default, so their index is unchanged.
  `
  ALTER TABLE collections ADD COLUMN tokenizer TEXT NOT NULL DEFAULT 'default';
  `,
  // 6: access groups of documents. A document with none is readable by anyone who may read its
  // collection; one with groups only by callers sharing one. Existing documents have none.
  `
  CREATE TABLE document_groups (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    PRIMARY KEY (document_id, group_name)
  ) WITHOUT ROWID;
  `,
  // 7: API keys. Only the SHA-256 of each key's secret is kept; scopes, collections and groups are
  // JSON (a list, or "*" for all).
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_sha256 BLOB NOT NULL,
    scopes TEXT NOT NULL,
    collections TEXT NOT NULL,
    groups TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
  );
  `,
  // 8: the change log that keeps an HNSW index file beside the database current (ann-index.ts). A
  // space marked \`ann\` logs every vector stored and every chunk deleted, in the writing transaction,
  // so any process can catch its index up; rows an index file already covers are pruned, and
  // \`ann_pruned\` says up to where (an index behind it must be reloaded or rebuilt).
  `
  ALTER TABLE embedding_spaces ADD COLUMN ann INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE embedding_spaces ADD COLUMN ann_pruned INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE vector_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    space_id INTEGER NOT NULL,
    chunk_rowid INTEGER NOT NULL,
    removed INTEGER NOT NULL
  );
  CREATE INDEX vector_changes_space ON vector_changes(space_id, seq);
  CREATE TRIGGER vector_changes_chunk_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO vector_changes (space_id, chunk_rowid, removed)
      SELECT id, old.rowid, 1 FROM embedding_spaces WHERE collection_id = old.collection_id AND ann = 1;
  END;
  `,
];

export const schemaVersion = migrations.length;

/**
 * Brings the schema up to date. Two processes opening a new data dir at once must not both create
 * the tables, so the version is read again inside a transaction that holds the write lock from its
 * start: the second process waits, then finds nothing left to do. A read-only store cannot migrate.
 */
export function migrate(db: Database, options: { path: string; readOnly: boolean }): void {
  const current = schemaVersionOf(db, options.path);
  if (current === migrations.length) return;
  if (options.readOnly) {
    throw new VerityError(
      "E_STORE",
      current === 0
        ? `${options.path} holds no Verity data yet, and it is read-only so none can be added; ingest into a writable data dir first`
        : `the Verity database at ${options.path} was written by an older Verity (schema ${current}; this one uses ${migrations.length}) and is read-only, so it cannot be upgraded; open it once where it is writable (opening it there upgrades it), or use the Verity that wrote it`,
      { option: "dataDir" },
    );
  }
  db.transaction(() => {
    for (let version = schemaVersionOf(db, options.path); version < migrations.length; version++) {
      db.exec(migrations[version] as string);
    }
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}

function schemaVersionOf(db: Database, path: string): number {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > migrations.length) {
    throw new VerityError(
      "E_STORE",
      `the Verity database at ${path} was written by a newer Verity (schema ${version}; this one knows ${migrations.length}); upgrade Verity`,
    );
  }
  if (version === 0) {
    // Another program's SQLite file: never build Verity's tables inside it.
    const tables = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master").get()?.n ?? 0;
    if (tables > 0) throw damagedDatabaseError(path, "it is an SQLite database, but not Verity's");
  }
  return version;
}
