// Verity's tables, qualified by the store's schema, so every query names them the same way whatever
// a connection's search_path says (a caller's own pool may have any).
import { identifier, raw, type Sql } from "./sql.js";

const names = [
  "collections",
  "files",
  "documents",
  "document_groups",
  "chunks",
  "term_stats",
  "index_totals",
  "jobs",
  "embedding_spaces",
  "answers",
  "model_calls",
  "spending",
  "api_keys",
] as const;

export type Tables = Record<(typeof names)[number], Sql> & {
  /** A table of the schema by name (an embedding space's vectors). */
  named(name: string): Sql;
};

export function schemaTables(schema: string): Tables {
  const qualified = (name: string) => raw(`${identifier(schema)}.${identifier(name)}`);
  const tables = Object.fromEntries(names.map((name) => [name, qualified(name)])) as Record<
    (typeof names)[number],
    Sql
  >;
  return { ...tables, named: qualified };
}
