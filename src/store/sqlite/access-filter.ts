// The caller's Access as SQL, so each query keeps only what the caller may read inside SQLite: a
// document is readable when its collection is one the caller may read and it has no access groups or
// shares one with the caller. Lists travel as one JSON parameter, so a statement's text depends only on
// the shape of the access, never on its values, and prepared statements can be kept.
import { type Access, fullAccess } from "../../core/access.js";

export interface SqlCondition {
  /** A boolean SQL expression; `1` when nothing is filtered. */
  sql: string;
  parameters: string[];
}

/** Whether `access` reads everything, so no query needs a filter. */
export function readsEverything(access: Access | undefined): boolean {
  return access === undefined || (access.collections === "*" && access.groups === "*");
}

/**
 * The condition that the document `documentId` (an SQL expression naming its id) may be read for
 * its access groups alone, or undefined when every group may be read.
 */
export function groupCondition(access: Access, documentId: string): SqlCondition | undefined {
  if (access.groups === "*") return undefined;
  const open = `NOT EXISTS (SELECT 1 FROM document_groups g WHERE g.document_id = ${documentId})`;
  if (access.groups.length === 0) return { sql: open, parameters: [] };
  return {
    sql: `(${open} OR EXISTS (SELECT 1 FROM document_groups g WHERE g.document_id = ${documentId}
      AND g.group_name IN (SELECT value FROM json_each(?))))`,
    parameters: [JSON.stringify(access.groups)],
  };
}

/** The condition that the collection named by the SQL expression `collectionName` may be read. */
export function collectionCondition(access: Access, collectionName: string): SqlCondition | undefined {
  if (access.collections === "*") return undefined;
  return {
    sql: `${collectionName} IN (SELECT value FROM json_each(?))`,
    parameters: [JSON.stringify(access.collections)],
  };
}

/**
 * The condition that a document may be read, given SQL expressions for its id and its collection's
 * name (the caller's query joins `collections`).
 */
export function documentCondition(
  access: Access | undefined,
  columns: { documentId: string; collectionName: string },
): SqlCondition {
  const given = access ?? fullAccess;
  const parts = [
    collectionCondition(given, columns.collectionName),
    groupCondition(given, columns.documentId),
  ].filter((part): part is SqlCondition => part !== undefined);
  if (parts.length === 0) return { sql: "1", parameters: [] };
  return {
    sql: parts.map((part) => part.sql).join(" AND "),
    parameters: parts.flatMap((part) => part.parameters),
  };
}

/** A key telling accesses of one shape apart, for caches of prepared statements. */
export function accessShape(access: Access | undefined): string {
  const given = access ?? fullAccess;
  const shape = (value: readonly string[] | "*") => (value === "*" ? "*" : value.length === 0 ? "0" : "n");
  return `${shape(given.collections)}|${shape(given.groups)}`;
}
