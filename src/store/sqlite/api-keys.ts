// API keys in SQLite: the rows. What a key and a row mean (format, hashing, constant-time checks,
// expiry, last use) is decided in ../api-key-records.ts, the same for every store.
import type Database from "better-sqlite3";
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
import type { Synchronous } from "./store-errors.js";
import type { Writer } from "./writer.js";

export function createApiKeyStore(
  db: Database.Database,
  writer: Writer,
  now: () => string,
): Synchronous<ApiKeyStore> {
  const byId = db.prepare<[string], ApiKeyRow>("SELECT * FROM api_keys WHERE id = ?");
  const all = db.prepare<[], ApiKeyRow>("SELECT * FROM api_keys ORDER BY created_at DESC, id");
  const anyKey = db.prepare<[], { found: number }>("SELECT EXISTS (SELECT 1 FROM api_keys) AS found");
  const insert = db.prepare(
    `INSERT INTO api_keys (id, name, secret_sha256, scopes, collections, groups, created_at, expires_at)
     VALUES (@id, @name, @secretSha256, @scopes, @collections, @groups, @createdAt, @expiresAt)`,
  );
  const revoke = db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  const touch = db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");

  const create = writer.transaction((row: Omit<ApiKeyRow, "revoked_at" | "last_used_at">) => {
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

  return {
    createApiKey(key) {
      let id = newApiKeyId();
      while (byId.get(id)) id = newApiKeyId();
      const { row, secret } = newApiKeyRow(key, now());
      create({ ...row, id });
      return {
        key: rowToApiKey({ ...row, id, revoked_at: null, last_used_at: null }),
        secret: presentedKey(id, secret),
      };
    },

    verifyApiKey(presented, at = new Date()) {
      const parsed = parsePresentedKey(presented);
      if (!parsed) return { status: "malformed" };
      const verdict = judgeApiKey(parsed.secret, byId.get(parsed.id), at);
      const stamp =
        verdict.status === "valid" && !writer.readOnly ? lastUseToRecord(verdict.key, at) : undefined;
      if (verdict.status !== "valid" || stamp === undefined) return verdict;
      try {
        markUsed(verdict.key.id, stamp);
        return { ...verdict, key: { ...verdict.key, lastUsedAt: stamp } };
      } catch {
        // A busy or failing database costs the last-used time, not the caller's request.
        return verdict;
      }
    },

    listApiKeys: () => all.all().map(rowToApiKey),

    revokeApiKey(id) {
      if (!byId.get(id)) return undefined;
      const row = revokeKey(id);
      return row ? rowToApiKey(row) : undefined;
    },

    hasApiKeys: () => anyKey.get()?.found === 1,
  };
}
