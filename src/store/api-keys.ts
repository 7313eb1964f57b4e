// API keys, as the store keeps them: a name, what the key may do (scopes) and read (collections and
// access groups), an optional expiry, and times. The secret is shown once, when the key is created;
// the store keeps only its SHA-256.
import type { Access } from "../core/access.js";

/** What a key may do: read (ask, search, list), write (ingest, remove), admin (keys, settings). */
export type ApiKeyScope = "read" | "write" | "admin";

export const apiKeyScopes: readonly ApiKeyScope[] = ["read", "write", "admin"];

/** Every key starts so: `vty_<id>_<secret>`. */
export const apiKeyPrefix = "vty_";

export interface NewApiKey {
  name: string;
  scopes: readonly ApiKeyScope[];
  /** Collections it may read, or "*" for all. */
  collections: readonly string[] | "*";
  /** Access groups it belongs to, or "*" to read documents of every group. */
  groups: readonly string[] | "*";
  /** ISO 8601 time from which it no longer works; none: never expires. */
  expiresAt?: string;
}

export interface ApiKey {
  /** Public: safe to show, log and record in the ledger (the secret is not derived from it). */
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  collections: string[] | "*";
  groups: string[] | "*";
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  /** When it was last verified, to the minute (verification writes at most once a minute per key). */
  lastUsedAt: string | null;
}

export interface CreatedApiKey {
  key: ApiKey;
  /** The whole key to hand to its user, `vty_<id>_<secret>`. It cannot be shown again. */
  secret: string;
}

/**
 * The outcome of checking a presented key. `malformed`: not shaped like a Verity key; `unknown`: no key
 * with that id, or the secret does not match (a tampered key); `revoked` and `expired` only when the
 * secret matches, so they reveal nothing to someone guessing.
 */
export type ApiKeyVerification =
  | { status: "valid"; key: ApiKey; access: Access }
  | { status: "malformed" }
  | { status: "unknown" }
  | { status: "revoked"; key: ApiKey }
  | { status: "expired"; key: ApiKey };

export interface ApiKeyStore {
  /** Stores a new key (already checked: see `parseNewApiKey`) and returns it with its secret, once. */
  createApiKey(key: NewApiKey): Promise<CreatedApiKey>;
  /** Checks a presented key; `now` is the time expiry is judged at (default the clock). */
  verifyApiKey(presented: string, now?: Date): Promise<ApiKeyVerification>;
  /** Every key, newest first; never a secret or a hash. */
  listApiKeys(): Promise<ApiKey[]>;
  /** Revokes a key by id (revoking again keeps the first time); undefined when there is no such key. */
  revokeApiKey(id: string): Promise<ApiKey | undefined>;
  /**
   * Whether any key was ever created, revoked and expired ones included: a server that has had keys
   * keeps requiring them after the last one is revoked.
   */
  hasApiKeys(): Promise<boolean>;
}

/** What a key may read. */
export function keyAccess(key: Pick<ApiKey, "collections" | "groups">): Access {
  return { collections: key.collections, groups: key.groups };
}
