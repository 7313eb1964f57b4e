// Versioned schema migrations for the Postgres store, applied in order inside one transaction that
// holds an advisory lock, so several processes opening a new database at once all succeed: the
// first migrates, the others wait and then find nothing left to do. pgvector is installed when the
// server has it; without it everything but the vector methods works.
import { VerityError } from "../../core/errors.js";
import type { Client, Queryable } from "./client.js";
import { identifier, sql } from "./sql.js";

const migrations: readonly string[] = [
  // 1: everything the SQLite store's migrations 1-8 hold, in Postgres's terms. Chunks carry their
  // index terms as a tsvector (positions, title terms first) and their length in terms; the
  // chunk count, term count and each term's chunk count are kept beside them for exact BM25.
  `
  CREATE TABLE collections (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at text NOT NULL,
    tokenizer text NOT NULL DEFAULT 'default'
  );
  CREATE TABLE files (
    id serial PRIMARY KEY,
    collection_id integer NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    path text NOT NULL,
    content_hash text NOT NULL,
    size bigint NOT NULL,
    media_type text NOT NULL,
    ingested_at text NOT NULL,
    UNIQUE (collection_id, path)
  );
  CREATE TABLE documents (
    id text PRIMARY KEY,
    collection_id integer NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    file_id integer NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    source text NOT NULL,
    title text NOT NULL,
    media_type text NOT NULL,
    content_hash text NOT NULL,
    size bigint NOT NULL,
    text text NOT NULL,
    metadata text NOT NULL DEFAULT '{}',
    created_at text NOT NULL,
    updated_at text NOT NULL,
    UNIQUE (collection_id, source)
  );
  CREATE INDEX documents_file ON documents(file_id);
  CREATE TABLE document_groups (
    document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    group_name text NOT NULL,
    PRIMARY KEY (document_id, group_name)
  );
  CREATE TABLE chunks (
    rowid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    collection_id integer NOT NULL,
    ordinal integer NOT NULL,
    text text NOT NULL,
    location text NOT NULL,
    terms tsvector NOT NULL,
    term_count integer NOT NULL,
    title_positions integer NOT NULL
  );
  CREATE INDEX chunks_document ON chunks(document_id, ordinal);
  CREATE INDEX chunks_collection ON chunks(collection_id, rowid);
  CREATE INDEX chunks_terms ON chunks USING gin (terms);
  CREATE TABLE term_stats (
    term text PRIMARY KEY,
    chunks bigint NOT NULL
  );
  CREATE TABLE index_totals (
    id integer PRIMARY KEY CHECK (id = 1),
    chunks bigint NOT NULL,
    terms bigint NOT NULL
  );
  INSERT INTO index_totals (id, chunks, terms) VALUES (1, 0, 0);
  CREATE TABLE jobs (
    id text PRIMARY KEY,
    kind text NOT NULL,
    collection text NOT NULL,
    status text NOT NULL,
    pid integer,
    host text,
    started_at text NOT NULL,
    finished_at text,
    summary text NOT NULL DEFAULT '{}'
  );
  CREATE INDEX jobs_started ON jobs(started_at);
  CREATE TABLE embedding_spaces (
    id serial PRIMARY KEY,
    collection_id integer NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    dimensions integer NOT NULL,
    normalised boolean NOT NULL,
    version text NOT NULL,
    quantization text NOT NULL CHECK (quantization IN ('float32', 'int8', 'binary')),
    storage text NOT NULL CHECK (storage IN ('float32', 'halfvec', 'binary')),
    active boolean NOT NULL DEFAULT false,
    created_at text NOT NULL,
    UNIQUE (collection_id, name)
  );
  CREATE UNIQUE INDEX embedding_spaces_one_active ON embedding_spaces(collection_id) WHERE active;
  CREATE TABLE answers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at text NOT NULL,
    collection text NOT NULL,
    api_key text,
    status text NOT NULL,
    answerer text NOT NULL,
    escalated boolean NOT NULL,
    cost_usd double precision NOT NULL,
    latency_ms double precision NOT NULL,
    strongest_cost_usd double precision,
    trace text NOT NULL
  );
  CREATE INDEX answers_collection_at ON answers(collection, at);
  CREATE INDEX answers_key_at ON answers(api_key, at) WHERE api_key IS NOT NULL;
  CREATE TABLE model_calls (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    answer_id bigint NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    model text NOT NULL,
    outcome text NOT NULL,
    input_tokens integer,
    output_tokens integer,
    cost_usd double precision NOT NULL,
    latency_ms double precision NOT NULL
  );
  CREATE INDEX model_calls_model ON model_calls(model, id);
  CREATE INDEX model_calls_answer ON model_calls(answer_id);
  CREATE TABLE spending (
    scope text NOT NULL,
    period text NOT NULL,
    cost_usd double precision NOT NULL,
    PRIMARY KEY (scope, period)
  );
  CREATE TABLE api_keys (
    id text PRIMARY KEY,
    name text NOT NULL,
    secret_sha256 bytea NOT NULL,
    scopes text NOT NULL,
    collections text NOT NULL,
    groups text NOT NULL,
    created_at text NOT NULL,
    expires_at text,
    revoked_at text,
    last_used_at text
  );
  `,
];

export const schemaVersion = migrations.length;

export interface MigrationResult {
  /** Whether pgvector is installed in the database. */
  vectors: boolean;
  /** Why it is not, when it is not. */
  vectorsMissing?: string;
}

/**
 * Creates the schema if missing and brings it up to date, in one transaction under an advisory lock
 * keyed by the schema's name; installs pgvector when the server offers it.
 */
export async function migrate(client: Client, schema: string): Promise<MigrationResult> {
  return client.transaction(async (tx) => {
    await tx.query(sql`SELECT pg_advisory_xact_lock(hashtext(${`verity-migrate:${schema}`}))`);
    const vectors = await installVector(tx);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${identifier(schema)}`);
    await tx.exec(`SET LOCAL search_path TO ${identifier(schema)}, public`);
    await tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
    const [row] = await tx.query<{ version: number }>(
      sql`SELECT max(version) AS version FROM schema_version`,
    );
    const current = row?.version === null || row?.version === undefined ? 0 : Number(row.version);
    if (current > migrations.length) {
      throw new VerityError(
        "E_STORE",
        `the Verity schema "${schema}" was written by a newer Verity (schema ${current}; this one knows ${migrations.length}); upgrade Verity`,
      );
    }
    for (let version = current; version < migrations.length; version++) {
      await tx.exec(migrations[version] as string);
    }
    if (current < migrations.length) {
      await tx.exec("DELETE FROM schema_version");
      await tx.query(sql`INSERT INTO schema_version (version) VALUES (${migrations.length})`);
    }
    return vectors;
  });
}

/** Installs pgvector if the server has it; a failure rolls back to a savepoint, never the migration. */
async function installVector(tx: Queryable): Promise<MigrationResult> {
  const installed = await tx.query(sql`SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
  if (installed.length > 0) return { vectors: true };
  const available = await tx.query(sql`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (available.length === 0) {
    return { vectors: false, vectorsMissing: "the server has no pgvector extension" };
  }
  await tx.exec("SAVEPOINT verity_vector");
  try {
    await tx.exec("CREATE EXTENSION IF NOT EXISTS vector");
    await tx.exec("RELEASE SAVEPOINT verity_vector");
    return { vectors: true };
  } catch (error) {
    await tx.exec("ROLLBACK TO SAVEPOINT verity_vector");
    return {
      vectors: false,
      vectorsMissing: `CREATE EXTENSION vector failed (${(error as Error).message}); a superuser can run it once in this database`,
    };
  }
}
