// What a caller may read. The library and the CLI, working on their own data, read everything; the
// server derives an Access from the caller's API key, and the store applies it inside its queries,
// so a document a caller may not read never leaves the store for that caller.

export interface Access {
  /** Collections the caller may read, or "*" for every collection. */
  collections: readonly string[] | "*";
  /**
   * Access groups the caller belongs to, or "*" for every document. A document with no groups is
   * readable by anyone who may read its collection; one with groups only by callers sharing one.
   */
  groups: readonly string[] | "*";
}

/** Reads everything: the default when no access is given. */
export const fullAccess: Access = { collections: "*", groups: "*" };

/** Whether `access` may read the collection `name`. */
export function mayReadCollection(access: Access, name: string): boolean {
  return access.collections === "*" || access.collections.includes(name);
}

/** Whether `access` may read a document of a readable collection carrying `groups`. */
export function mayReadDocument(access: Access, groups: readonly string[]): boolean {
  if (access.groups === "*" || groups.length === 0) return true;
  const mine = access.groups;
  return groups.some((group) => mine.includes(group));
}
