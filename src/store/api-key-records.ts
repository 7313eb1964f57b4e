// API keys as every store keeps them, whatever its database: a key is `vty_<id>_<secret>`, the id finds
// the row, the secret (32 random bytes, base64url) proves the holder. Only the SHA-256 of the secret is
// stored, and a presented secret's hash is compared in constant time, so neither a copy of the database
// nor the time a check takes gives the secret away. The stores keep the rows; this file decides what a
// row and a presented key mean.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  type ApiKey,
  type ApiKeyScope,
  type ApiKeyVerification,
  apiKeyPrefix,
  keyAccess,
  type NewApiKey,
} from "./api-keys.js";

/** A stored key, as both stores' `api_keys` tables hold it. */
export interface ApiKeyRow {
  id: string;
  name: string;
  secret_sha256: Uint8Array;
  /** JSON arrays, or `"*"` as JSON for every collection or group. */
  scopes: string;
  collections: string;
  groups: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const idPattern = /^[a-z0-9]{16}$/;
const secretPattern = /^[A-Za-z0-9_-]{43}$/;
/** Verification writes a key's last-used time at most this often, so a busy server adds few writes. */
const lastUsedResolutionMs = 60_000;
/** Compared against when the id is unknown, so an unknown id takes as long as a wrong secret. */
const noSecret = sha256("no such key");

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** 16 characters of [a-z0-9]: an id with no `_`, so the key splits unambiguously. */
export function newApiKeyId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

/** A new key's row (without its id, which the store picks unused) and the secret to hand out once. */
export function newApiKeyRow(
  key: NewApiKey,
  createdAt: string,
): { row: Omit<ApiKeyRow, "id" | "revoked_at" | "last_used_at">; secret: string } {
  const secret = randomBytes(32).toString("base64url");
  return {
    secret,
    row: {
      name: key.name,
      secret_sha256: sha256(secret),
      scopes: JSON.stringify([...key.scopes]),
      collections: JSON.stringify(key.collections === "*" ? "*" : [...key.collections]),
      groups: JSON.stringify(key.groups === "*" ? "*" : [...key.groups]),
      created_at: createdAt,
      expires_at: key.expiresAt ?? null,
    },
  };
}

/** The whole key to hand to its user: `vty_<id>_<secret>`. */
export function presentedKey(id: string, secret: string): string {
  return `${apiKeyPrefix}${id}_${secret}`;
}

export function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as ApiKeyScope[],
    collections: JSON.parse(row.collections) as string[] | "*",
    groups: JSON.parse(row.groups) as string[] | "*",
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The id and secret of a presented key, or undefined when it is not shaped like one. */
export function parsePresentedKey(presented: string): { id: string; secret: string } | undefined {
  if (typeof presented !== "string" || !presented.startsWith(apiKeyPrefix)) return undefined;
  const rest = presented.slice(apiKeyPrefix.length);
  const separator = rest.indexOf("_");
  if (separator < 0) return undefined;
  const id = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  return idPattern.test(id) && secretPattern.test(secret) ? { id, secret } : undefined;
}

/**
 * What a presented secret is worth against its stored row (`row` undefined: no key with that id). The
 * comparison takes as long whether or not the id exists.
 */
export function judgeApiKey(secret: string, row: ApiKeyRow | undefined, at: Date): ApiKeyVerification {
  const stored = row ? Buffer.from(row.secret_sha256) : noSecret;
  const matches = stored.length === noSecret.length && timingSafeEqual(sha256(secret), stored);
  if (!row || !matches) return { status: "unknown" };
  const key = rowToApiKey(row);
  if (row.revoked_at !== null) return { status: "revoked", key };
  if (row.expires_at !== null && Date.parse(row.expires_at) <= at.getTime()) {
    return { status: "expired", key };
  }
  return { status: "valid", key, access: keyAccess(key) };
}

/**
 * The last-used time to record for a valid key checked at `at`, or undefined when the one stored is
 * less than a minute old. The store writes it and, if that fails, keeps the old one: a busy database
 * costs the last-used time, never the caller's request.
 */
export function lastUseToRecord(key: ApiKey, at: Date): string | undefined {
  const last = key.lastUsedAt === null ? 0 : Date.parse(key.lastUsedAt);
  return at.getTime() - last >= lastUsedResolutionMs ? at.toISOString() : undefined;
}
