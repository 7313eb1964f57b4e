// API keys in Postgres, as the SQLite store keeps them: a key is `vty_<id>_<secret>`, only the
// SHA-256 of the secret is stored and a presented one is compared in constant time, and verification
// records the last use at most once a minute.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  type ApiKey,
  type ApiKeyScope,
  type ApiKeyStore,
  type ApiKeyVerification,
  apiKeyPrefix,
  keyAccess,
} from "../api-keys.js";
import type { Client } from "./client.js";
import { sql } from "./sql.js";
import type { Tables } from "./tables.js";

interface KeyRow {
  id: string;
  name: string;
  secret_sha256: Uint8Array;
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

function parseKey(presented: string): { id: string; secret: string } | undefined {
  if (typeof presented !== "string" || !presented.startsWith(apiKeyPrefix)) return undefined;
  const rest = presented.slice(apiKeyPrefix.length);
  const separator = rest.indexOf("_");
  if (separator < 0) return undefined;
  const id = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  return idPattern.test(id) && secretPattern.test(secret) ? { id, secret } : undefined;
}

export function createApiKeyStore(client: Client, t: Tables, now: () => string): ApiKeyStore {
  const byId = async (id: string) =>
    (await client.query<KeyRow>(sql`SELECT * FROM ${t.api_keys} WHERE id = ${id}`))[0];

  /** Records that a key was used, at most once a minute; never fails the verification. */
  async function used(row: KeyRow, at: Date): Promise<string | null> {
    const last = row.last_used_at === null ? 0 : Date.parse(row.last_used_at);
    if (at.getTime() - last < lastUsedResolutionMs) return row.last_used_at;
    const stamp = at.toISOString();
    try {
      await client.query(sql`UPDATE ${t.api_keys} SET last_used_at = ${stamp} WHERE id = ${row.id}`);
      return stamp;
    } catch {
      // A busy or failing database costs the last-used time, not the caller's request.
      return row.last_used_at;
    }
  }

  return {
    async createApiKey(key) {
      const secret = randomBytes(32).toString("base64url");
      const row = {
        name: key.name,
        secret_sha256: sha256(secret),
        scopes: JSON.stringify([...key.scopes]),
        collections: JSON.stringify(key.collections === "*" ? "*" : [...key.collections]),
        groups: JSON.stringify(key.groups === "*" ? "*" : [...key.groups]),
        created_at: now(),
        expires_at: key.expiresAt ?? null,
      };
      for (;;) {
        const id = newId();
        const inserted = await client.query(
          sql`INSERT INTO ${t.api_keys} (id, name, secret_sha256, scopes, collections, groups, created_at, expires_at)
              VALUES (${id}, ${row.name}, ${row.secret_sha256}, ${row.scopes}, ${row.collections}, ${row.groups},
                ${row.created_at}, ${row.expires_at})
              ON CONFLICT (id) DO NOTHING RETURNING id`,
        );
        if (inserted.length === 0) continue;
        return {
          key: rowToKey({ ...row, id, revoked_at: null, last_used_at: null }),
          secret: `${apiKeyPrefix}${id}_${secret}`,
        };
      }
    },

    async verifyApiKey(presented, at = new Date()): Promise<ApiKeyVerification> {
      const parsed = parseKey(presented);
      if (!parsed) return { status: "malformed" };
      const row = await byId(parsed.id);
      const stored = row ? Buffer.from(row.secret_sha256) : noSecret;
      const matches = stored.length === noSecret.length && timingSafeEqual(sha256(parsed.secret), stored);
      if (!row || !matches) return { status: "unknown" };
      const key = rowToKey(row);
      if (row.revoked_at !== null) return { status: "revoked", key };
      if (row.expires_at !== null && Date.parse(row.expires_at) <= at.getTime()) {
        return { status: "expired", key };
      }
      const lastUsedAt = await used(row, at);
      return { status: "valid", key: { ...key, lastUsedAt }, access: keyAccess(key) };
    },

    async listApiKeys() {
      const rows = await client.query<KeyRow>(sql`SELECT * FROM ${t.api_keys} ORDER BY created_at DESC, id`);
      return rows.map(rowToKey);
    },

    async revokeApiKey(id) {
      const [row] = await client.query<KeyRow>(
        sql`UPDATE ${t.api_keys} SET revoked_at = coalesce(revoked_at, ${now()}) WHERE id = ${id} RETURNING *`,
      );
      return row ? rowToKey(row) : undefined;
    },

    async hasApiKeys() {
      const rows = await client.query(sql`SELECT 1 FROM ${t.api_keys} LIMIT 1`);
      return rows.length > 0;
    },
  };
}
