// Which collections a caller may touch. Reading one its key does not cover is answered exactly as a
// collection that does not exist (404), so a key never learns what else is stored. Writing one it does
// not cover is refused (403) before existence is looked at, so that answer reveals nothing either.
import { mayReadCollection } from "../../core/access.js";
import type { Collection } from "../../core/document.js";
import { VerityError } from "../../core/errors.js";
import type { Verity } from "../../engine.js";
import { type Caller, requireScope, type Scope } from "../context.js";

export function collectionNotFound(name: string): VerityError {
  return new VerityError(
    "E_NOT_FOUND",
    `collection "${name}" not found; GET /api/v1/collections lists the collections this key may read`,
  );
}

/** The collection as the caller may see it (its counts over the documents it may read), or 404. */
export async function readableCollection(verity: Verity, caller: Caller, name: string): Promise<Collection> {
  const collection = mayReadCollection(caller.access, name)
    ? (await verity.listCollections(caller.access)).find((candidate) => candidate.name === name)
    : undefined;
  if (!collection) throw collectionNotFound(name);
  return collection;
}

/**
 * Checks that the caller holds `scope` and that its key covers the collection (403 otherwise, whether
 * or not it exists), then that the collection exists (404) unless `mayBeNew`.
 */
export async function writableCollection(
  verity: Verity,
  caller: Caller,
  name: string,
  scope: Scope = "write",
  mayBeNew = false,
): Promise<void> {
  requireScope(caller, scope);
  if (!mayReadCollection(caller.access, name)) {
    throw new VerityError(
      "E_FORBIDDEN",
      `this API key does not cover collection "${name}"; use a key whose collections include it`,
    );
  }
  if (!mayBeNew && !(await verity.store.hasCollection(name))) throw collectionNotFound(name);
}
