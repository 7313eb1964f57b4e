// API keys in Postgres: the rows. What a key and a row mean (format, hashing, constant-time checks,
// expiry, last use) is decided in ../api-key-records.ts, the same for every store.
import {
  type ApiKeyRow,
  judgeApiKey,
  lastUseToRecord,
  newApiKeyId,
  newApiKeyRow,
  parsePresentedKey,
  presentedKey,
  rowToApiKey,
} from "../api-key-records.js";
import type { ApiKeyStore } from "../api-keys.js";
import type { Client } from "./client.js";
import { sql } from "./sql.js";
import type { Tables } from "./tables.js";

export function createApiKeyStore(client: Client, t: Tables, now: () => string): ApiKeyStore {
  const byId = async (id: string) =>
    (await client.query<ApiKeyRow>(sql`SELECT * FROM ${t.api_keys} WHERE id = ${id}`))[0];

  return {
    async createApiKey(key) {
      const { row, secret } = newApiKeyRow(key, now());
      for (;;) {
        const id = newApiKeyId();
        const inserted = await client.query(
          sql`INSERT INTO ${t.api_keys} (id, name, secret_sha256, scopes, collections, groups, created_at, expires_at)
              VALUES (${id}, ${row.name}, ${row.secret_sha256}, ${row.scopes}, ${row.collections}, ${row.groups},
                ${row.created_at}, ${row.expires_at})
              ON CONFLICT (id) DO NOTHING RETURNING id`,
        );
        if (inserted.length === 0) continue;
        return {
          key: rowToApiKey({ ...row, id, revoked_at: null, last_used_at: null }),
          secret: presentedKey(id, secret),
        };
      }
    },

    async verifyApiKey(presented, at = new Date()) {
      const parsed = parsePresentedKey(presented);
      if (!parsed) return { status: "malformed" };
      const verdict = judgeApiKey(parsed.secret, await byId(parsed.id), at);
      const stamp = verdict.status === "valid" ? lastUseToRecord(verdict.key, at) : undefined;
      if (verdict.status !== "valid" || stamp === undefined) return verdict;
      try {
        await client.query(
          sql`UPDATE ${t.api_keys} SET last_used_at = ${stamp} WHERE id = ${verdict.key.id}`,
        );
        return { ...verdict, key: { ...verdict.key, lastUsedAt: stamp } };
      } catch {
        // A busy or failing database costs the last-used time, not the caller's request.
        return verdict;
      }
    },

    async listApiKeys() {
      const rows = await client.query<ApiKeyRow>(
        sql`SELECT * FROM ${t.api_keys} ORDER BY created_at DESC, id`,
      );
      return rows.map(rowToApiKey);
    },

    async revokeApiKey(id) {
      const [row] = await client.query<ApiKeyRow>(
        sql`UPDATE ${t.api_keys} SET revoked_at = coalesce(revoked_at, ${now()}) WHERE id = ${id} RETURNING *`,
      );
      return row ? rowToApiKey(row) : undefined;
    },

    async hasApiKeys() {
      const rows = await client.query(sql`SELECT 1 FROM ${t.api_keys} LIMIT 1`);
      return rows.length > 0;
    },
  };
}
