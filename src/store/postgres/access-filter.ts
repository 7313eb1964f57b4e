// The caller's Access as SQL, so each query keeps only what the caller may read inside PostgreSQL: a
// document is readable when its collection is one the caller may read and it has no access groups or
// shares one with the caller. Lists travel as one array parameter.
import { type Access, fullAccess } from "../../core/access.js";
import { join, type Sql, sql } from "./sql.js";
import type { Tables } from "./tables.js";

/** Whether `access` reads everything, so no query needs a filter. */
export function readsEverything(access: Access | undefined): boolean {
  return access === undefined || (access.collections === "*" && access.groups === "*");
}

export const always: Sql = sql`TRUE`;

/** The document `documentId` may be read for its groups alone; undefined when every group may be read. */
export function groupCondition(t: Tables, access: Access, documentId: Sql): Sql | undefined {
  if (access.groups === "*") return undefined;
  const open = sql`NOT EXISTS (SELECT 1 FROM ${t.document_groups} g WHERE g.document_id = ${documentId})`;
  if (access.groups.length === 0) return open;
  return sql`(${open} OR EXISTS (SELECT 1 FROM ${t.document_groups} g WHERE g.document_id = ${documentId}
    AND g.group_name = ANY(${[...access.groups]}::text[])))`;
}

/** The collection named by `collectionName` may be read; undefined when every collection may. */
export function collectionCondition(access: Access, collectionName: Sql): Sql | undefined {
  if (access.collections === "*") return undefined;
  return sql`${collectionName} = ANY(${[...access.collections]}::text[])`;
}

/** Both conditions for a document, given its id and its collection's name. */
export function documentCondition(
  t: Tables,
  access: Access | undefined,
  columns: { documentId: Sql; collectionName: Sql },
): Sql {
  const given = access ?? fullAccess;
  const parts = [
    collectionCondition(given, columns.collectionName),
    groupCondition(t, given, columns.documentId),
  ].filter((part): part is Sql => part !== undefined);
  return parts.length === 0 ? always : join(parts, " AND ");
}

/** `condition`, or TRUE when there is none. */
export function orTrue(condition: Sql | undefined): Sql {
  return condition ?? always;
}
