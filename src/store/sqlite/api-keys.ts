// API keys in SQLite. A key is `vty_<id>_<secret>`: the id finds the row, the secret (32 random bytes,
// base64url) proves the holder. Only the SHA-256 of the secret is stored, and a presented secret's
// hash is compared in constant time, so neither a copy of the database nor the time a check takes
// gives the secret away. The whole key is returned once, by `createApiKey`.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type Database from "better-sqlite3";
import {
  type ApiKey,
  type ApiKeyScope,
  type ApiKeyStore,
  type ApiKeyVerification,
  apiKeyPrefix,
  keyAccess,
} from "../api-keys.js";
import type { Synchronous } from "./store-errors.js";
import type { Writer } from "./writer.js";

interface KeyRow {
  id: string;
  name: string;
  secret_sha256: Buffer;
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
const noSecret = createHash("sha256").update("no such key").digest();

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** 16 characters of [a-z0-9]: an id with no `_`, so the key splits unambiguously. */
function newId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

function rowToKey(row: KeyRow): ApiKey {
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
function parseKey(presented: string): { id: string; secret: string } | undefined {
  if (typeof presented !== "string" || !presented.startsWith(apiKeyPrefix)) return undefined;
  const rest = presented.slice(apiKeyPrefix.length);
  const separator = rest.indexOf("_");
  if (separator < 0) return undefined;
  const id = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  return idPattern.test(id) && secretPattern.test(secret) ? { id, secret } : undefined;
}

export function createApiKeyStore(
  db: Database.Database,
  writer: Writer,
  now: () => string,
): Synchronous<ApiKeyStore> {
  const byId = db.prepare<[string], KeyRow>("SELECT * FROM api_keys WHERE id = ?");
  const all = db.prepare<[], KeyRow>("SELECT * FROM api_keys ORDER BY created_at DESC, id");
  const anyKey = db.prepare<[], { found: number }>("SELECT EXISTS (SELECT 1 FROM api_keys) AS found");
  const insert = db.prepare(
    `INSERT INTO api_keys (id, name, secret_sha256, scopes, collections, groups, created_at, expires_at)
     VALUES (@id, @name, @secretSha256, @scopes, @collections, @groups, @createdAt, @expiresAt)`,
  );
  const revoke = db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  const touch = db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");

  const create = writer.transaction((row: Omit<KeyRow, "revoked_at" | "last_used_at">) => {
    insert.run({
      id: row.id,
      name: row.name,
      secretSha256: row.secret_sha256,
      scopes: row.scopes,
      collections: row.collections,
      groups: row.groups,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    });
  });
  const revokeKey = writer.transaction((id: string) => {
    revoke.run(now(), id);
    return byId.get(id);
  });
  const markUsed = writer.transaction((id: string, at: string) => touch.run(at, id));

  /** Records that a key was used, at most once a minute; never fails the verification. */
  function used(row: KeyRow, at: Date): string | null {
    const last = row.last_used_at === null ? 0 : Date.parse(row.last_used_at);
    if (writer.readOnly || at.getTime() - last < lastUsedResolutionMs) return row.last_used_at;
    const stamp = at.toISOString();
    try {
      markUsed(row.id, stamp);
      return stamp;
    } catch {
      // A busy or failing database costs the last-used time, not the caller's request.
      return row.last_used_at;
    }
  }

  return {
    createApiKey(key) {
      let id = newId();
      while (byId.get(id)) id = newId();
      const secret = randomBytes(32).toString("base64url");
      const row = {
        id,
        name: key.name,
        secret_sha256: sha256(secret),
        scopes: JSON.stringify([...key.scopes]),
        collections: JSON.stringify(key.collections === "*" ? "*" : [...key.collections]),
        groups: JSON.stringify(key.groups === "*" ? "*" : [...key.groups]),
        created_at: now(),
        expires_at: key.expiresAt ?? null,
      };
      create(row);
      return {
        key: rowToKey({ ...row, revoked_at: null, last_used_at: null }),
        secret: `${apiKeyPrefix}${id}_${secret}`,
      };
    },

    verifyApiKey(presented, at = new Date()): ApiKeyVerification {
      const parsed = parseKey(presented);
      if (!parsed) return { status: "malformed" };
      const row = byId.get(parsed.id);
      const matches = timingSafeEqual(sha256(parsed.secret), row?.secret_sha256 ?? noSecret);
      if (!row || !matches) return { status: "unknown" };
      const key = rowToKey(row);
      if (row.revoked_at !== null) return { status: "revoked", key };
      if (row.expires_at !== null && Date.parse(row.expires_at) <= at.getTime()) {
        return { status: "expired", key };
      }
      const lastUsedAt = used(row, at);
      return { status: "valid", key: { ...key, lastUsedAt }, access: keyAccess(key) };
    },

    listApiKeys: () => all.all().map(rowToKey),

    revokeApiKey(id) {
      if (!byId.get(id)) return undefined;
      const row = revokeKey(id);
      return row ? rowToKey(row) : undefined;
    },

    hasApiKeys: () => anyKey.get()?.found === 1,
  };
}
