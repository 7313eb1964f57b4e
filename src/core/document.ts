// The stored shapes of collections, source files, documents and chunks, and the access groups
// documents carry.
import { VerityError } from "./errors.js";
import type { Location } from "./location.js";

export interface Collection {
  name: string;
  createdAt: string;
  documentCount: number;
  chunkCount: number;
}

/** A source a user ingested: one file on disk (which may hold several documents, e.g. JSONL). */
export interface SourceFile {
  collection: string;
  path: string;
  contentHash: string;
  size: number;
  mediaType: string;
  ingestedAt: string;
}

export interface DocumentRecord {
  id: string;
  collection: string;
  /** Unique name of the document within its collection: the file path, or `path#recordId`. */
  source: string;
  /** The file the document came from. */
  file: string;
  title: string;
  mediaType: string;
  /** sha256 of the extracted text. */
  contentHash: string;
  /** Size in bytes of the original source. */
  size: number;
  createdAt: string;
  updatedAt: string;
  metadata: Record<string, unknown>;
  chunkCount: number;
  /**
   * Access groups, sorted: empty when anyone who may read the collection may read the document,
   * otherwise only callers in one of these groups may.
   */
  groups: string[];
}

export interface Chunk {
  id: string;
  documentId: string;
  ordinal: number;
  text: string;
  location: Location;
}

/** What a collection may be called: 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit. */
export const collectionNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** E_INVALID_INPUT unless `name` may name a collection. */
export function validateCollection(name: string): void {
  if (typeof name !== "string" || !collectionNamePattern.test(name)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `invalid collection name ${JSON.stringify(name)}: use 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { option: "collection" },
    );
  }
}

const groupName = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

/**
 * Access group names checked, without duplicates and sorted (so equal sets compare equal). A name is
 * 1-64 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit. `option` names the
 * library option the groups came from, for the error.
 */
export function accessGroups(groups: readonly string[], option = "groups"): string[] {
  for (const group of groups) {
    if (typeof group !== "string" || !groupName.test(group)) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `invalid access group ${JSON.stringify(group)}: use 1-64 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit`,
        { option },
      );
    }
  }
  return [...new Set(groups)].sort();
}
