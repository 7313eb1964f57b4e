// Versioned schema migrations for the embedded store, applied in order and tracked in `user_version`.
import type { Database } from "better-sqlite3";

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
];

export const schemaVersion = migrations.length;

export function migrate(db: Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `the database was written by a newer Verity (schema ${current}, this build knows ${migrations.length}); upgrade Verity`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
