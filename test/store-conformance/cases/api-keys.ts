// API keys: created with their secret shown once, verified (valid, malformed, unknown, tampered,
// revoked, expired), listed without secrets, revoked.
import { expect, it } from "vitest";
import type { NewApiKey } from "../../../src/store/api-keys.js";
import type { ConformanceContext } from "../context.js";
import { isoTime, tick } from "../fixtures.js";

const reader: NewApiKey = { name: "portal", scopes: ["read"], collections: ["c"], groups: ["hr"] };

export function apiKeyCases(context: ConformanceContext): void {
  const { store } = context;

  it("creates a key whose whole secret is shown once and verifies as valid with its access", async () => {
    expect(await store().hasApiKeys()).toBe(false);
    const created = await store().createApiKey(reader);
    expect(created.key).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{16}$/u),
      name: "portal",
      scopes: ["read"],
      collections: ["c"],
      groups: ["hr"],
      createdAt: isoTime,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(created.secret).toMatch(new RegExp(`^vty_${created.key.id}_[A-Za-z0-9_-]{43}$`, "u"));
    const verified = await store().verifyApiKey(created.secret);
    expect(verified).toMatchObject({
      status: "valid",
      key: { id: created.key.id, name: "portal" },
      access: { collections: ["c"], groups: ["hr"] },
    });
    expect(await store().hasApiKeys()).toBe(true);
  });

  it("keeps wildcard collections and groups, and an expiry", async () => {
    const created = await store().createApiKey({
      name: "admin",
      scopes: ["read", "write", "admin"],
      collections: "*",
      groups: "*",
      expiresAt: "2030-01-01T00:00:00.000Z",
    });
    expect(created.key).toMatchObject({
      scopes: ["read", "write", "admin"],
      collections: "*",
      groups: "*",
      expiresAt: "2030-01-01T00:00:00.000Z",
    });
    const verified = await store().verifyApiKey(created.secret, new Date("2029-12-31T23:59:59.000Z"));
    expect(verified).toMatchObject({ status: "valid", access: { collections: "*", groups: "*" } });
  });

  it("tells a malformed key from an unknown one, and a tampered key is unknown", async () => {
    const { secret, key } = await store().createApiKey(reader);
    for (const malformed of [
      "",
      "nope",
      "vty_",
      `vty_${key.id}`,
      `vty_${key.id}_short`,
      `xyz_${secret.slice(4)}`,
    ]) {
      expect(await store().verifyApiKey(malformed)).toEqual({ status: "malformed" });
    }
    const last = secret.at(-1) === "A" ? "B" : "A";
    expect(await store().verifyApiKey(`${secret.slice(0, -1)}${last}`)).toEqual({ status: "unknown" });
    const otherId = key.id === "a".repeat(16) ? "b".repeat(16) : "a".repeat(16);
    expect(await store().verifyApiKey(secret.replace(key.id, otherId))).toEqual({ status: "unknown" });
  });

  it("says a revoked key is revoked, keeping the first revocation time", async () => {
    const { secret, key } = await store().createApiKey(reader);
    const revoked = await store().revokeApiKey(key.id);
    expect(revoked).toMatchObject({ id: key.id, revokedAt: isoTime });
    await tick();
    expect((await store().revokeApiKey(key.id))?.revokedAt).toBe(revoked?.revokedAt);
    expect(await store().verifyApiKey(secret)).toMatchObject({ status: "revoked", key: { id: key.id } });
    expect(await store().revokeApiKey("nosuchkey0000000")).toBeUndefined();
    // A server that has had keys keeps requiring them.
    expect(await store().hasApiKeys()).toBe(true);
  });

  it("says a key is expired from its expiry on, judged at the time given", async () => {
    const { secret } = await store().createApiKey({ ...reader, expiresAt: "2027-01-01T00:00:00.000Z" });
    expect((await store().verifyApiKey(secret, new Date("2026-12-31T23:59:59.000Z"))).status).toBe("valid");
    expect(await store().verifyApiKey(secret, new Date("2027-01-01T00:00:00.000Z"))).toMatchObject({
      status: "expired",
      key: { expiresAt: "2027-01-01T00:00:00.000Z" },
    });
  });

  it("says a key that is both revoked and expired is revoked", async () => {
    const { secret, key } = await store().createApiKey({ ...reader, expiresAt: "2027-01-01T00:00:00.000Z" });
    await store().revokeApiKey(key.id);
    expect((await store().verifyApiKey(secret, new Date("2028-01-01T00:00:00.000Z"))).status).toBe("revoked");
  });

  it("records when a key was last used, at most once a minute", async () => {
    const { secret, key } = await store().createApiKey(reader);
    const first = new Date("2026-12-01T10:00:00.000Z");
    const used = async (at: Date) => {
      const verified = await store().verifyApiKey(secret, at);
      return verified.status === "valid" ? verified.key.lastUsedAt : undefined;
    };
    expect(await used(first)).toBe(first.toISOString());
    expect(await used(new Date(first.getTime() + 30_000))).toBe(first.toISOString());
    const later = new Date(first.getTime() + 61_000);
    expect(await used(later)).toBe(later.toISOString());
    expect((await store().listApiKeys()).find((listed) => listed.id === key.id)?.lastUsedAt).toBe(
      later.toISOString(),
    );
  });

  it("lists keys newest first, never with a secret or a hash", async () => {
    const first = await store().createApiKey({ ...reader, name: "first" });
    await tick();
    const second = await store().createApiKey({ ...reader, name: "second" });
    const listed = await store().listApiKeys();
    expect(listed.map((key) => key.name)).toEqual(["second", "first"]);
    expect(listed[0]).toEqual(second.key);
    expect(listed[1]).toEqual(first.key);
    const text = JSON.stringify(listed);
    for (const created of [first, second]) {
      expect(text).not.toContain(created.secret.slice(`vty_${created.key.id}_`.length));
    }
  });
}
