// API keys through the engine: a key is shown once and only its hash is kept; verification tells a
// valid key (with the Access it implies) from a malformed, unknown, tampered, revoked or expired one,
// comparing hashes in constant time; bad descriptions are refused naming what to fix.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createVerity, type Verity } from "../src/engine.js";

// Every key check must go through crypto's constant-time comparison: the spy counts the calls.
const compared = vi.hoisted(() => ({ calls: 0 }));
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  return {
    ...crypto,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.calls++;
      return crypto.timingSafeEqual(a, b);
    },
  };
});

let dir: string;
let verity: Verity;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-keys-"));
  verity = createVerity({ dataDir: join(dir, "data") });
});

afterEach(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

const keyShape = /^vty_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/u;

/** The same key with one character of its secret changed. */
function tampered(key: string): string {
  const last = key.at(-1) === "A" ? "B" : "A";
  return `${key.slice(0, -1)}${last}`;
}

describe("creating a key", () => {
  it("returns the key once, as vty_<id>_<secret> with 32 random bytes of secret", async () => {
    const created = await verity.keys.create({ name: "hr portal", scopes: ["read"], groups: ["hr"] });
    const [, id, secret] = keyShape.exec(created.secret) ?? [];
    expect(id).toBe(created.key.id);
    expect(Buffer.from(secret as string, "base64url")).toHaveLength(32);
    expect(created.key).toMatchObject({
      name: "hr portal",
      scopes: ["read"],
      collections: "*",
      groups: ["hr"],
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
  });

  it("never stores or lists the secret: the database files do not hold it", async () => {
    const created = await verity.keys.create({ name: "ci", scopes: ["write"] });
    const secret = keyShape.exec(created.secret)?.[2] as string;
    expect(JSON.stringify(await verity.keys.list())).not.toContain(secret);
    expect(Object.keys((await verity.keys.list())[0] ?? {})).not.toContain("secret");
    await verity.close();
    const database = join(dir, "data", "verity.db");
    for (const path of [database, `${database}-wal`].filter((file) => existsSync(file))) {
      expect(readFileSync(path).includes(secret)).toBe(false);
      expect(readFileSync(path).includes(created.secret)).toBe(false);
    }
    verity = createVerity({ dataDir: join(dir, "data") });
    expect((await verity.keys.verify(created.secret)).status).toBe("valid");
  });

  it("gives every key its own id and secret", async () => {
    const first = await verity.keys.create({ name: "a", scopes: ["read"] });
    const second = await verity.keys.create({ name: "a", scopes: ["read"] });
    expect(first.key.id).not.toBe(second.key.id);
    expect(first.secret).not.toBe(second.secret);
  });

  it("says whether any key was ever created, revoked ones included", async () => {
    expect(await verity.keys.exists()).toBe(false);
    const created = await verity.keys.create({ name: "a", scopes: ["admin"] });
    await verity.keys.revoke(created.key.id);
    expect(await verity.keys.exists()).toBe(true);
  });

  it("expires after a duration or at a time, both in the future", async () => {
    const before = Date.now();
    const inThirtyDays = await verity.keys.create({ name: "a", scopes: ["read"], expires: "30d" });
    const expiresAt = Date.parse(inThirtyDays.key.expiresAt as string);
    expect(expiresAt - before).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(expiresAt - before).toBeLessThan(31 * 86_400_000);
    const atTime = await verity.keys.create({ name: "b", scopes: ["read"], expires: "2999-01-31" });
    expect(atTime.key.expiresAt).toBe("2999-01-31T00:00:00.000Z");
  });
});

describe("refusing a bad key description", () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["an empty name", { name: "  ", scopes: ["read"] }, "name", /name is empty/u],
    ["no name", { scopes: ["read"] }, "name", /name must be text/u],
    [
      "an unknown scope",
      { name: "a", scopes: ["read", "delete"] },
      "scopes",
      /unknown scope "delete"; use read, write, admin/u,
    ],
    ["no scope", { name: "a", scopes: [] }, "scopes", /at least one scope/u],
    [
      "an expiry that cannot be read",
      { name: "a", scopes: ["read"], expires: "next week" },
      "expires",
      /cannot read the expiry "next week"/u,
    ],
    [
      "an expiry that has passed",
      { name: "a", scopes: ["read"], expires: "2001-01-01" },
      "expires",
      /already passed/u,
    ],
    [
      "a group name with a space",
      { name: "a", scopes: ["read"], groups: ["hr team"] },
      "groups",
      /invalid access group "hr team"/u,
    ],
    [
      "a collection name with a slash",
      { name: "a", scopes: ["read"], collections: ["a/b"] },
      "collections",
      /invalid collection name "a\/b"/u,
    ],
  ];
  it.each(cases)("refuses %s, naming the option", async (_, input, option, message) => {
    await expect(verity.keys.create(input as never)).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      option,
      message: expect.stringMatching(message),
    });
    expect(await verity.keys.exists()).toBe(false);
  });
});

describe("verifying a key", () => {
  it("accepts a valid key and gives the access it implies", async () => {
    const created = await verity.keys.create({
      name: "a",
      scopes: ["read", "write"],
      collections: ["handbook"],
      groups: ["hr"],
    });
    const checked = await verity.keys.verify(created.secret);
    expect(checked).toMatchObject({
      status: "valid",
      key: { id: created.key.id, scopes: ["read", "write"] },
      access: { collections: ["handbook"], groups: ["hr"] },
    });
  });

  it("records when a key was last used", async () => {
    const created = await verity.keys.create({ name: "a", scopes: ["read"] });
    await verity.keys.verify(created.secret);
    expect((await verity.keys.list())[0]?.lastUsedAt).not.toBeNull();
  });

  it("rejects a key whose secret was tampered with as unknown", async () => {
    const created = await verity.keys.create({ name: "a", scopes: ["read"] });
    expect(await verity.keys.verify(tampered(created.secret))).toEqual({ status: "unknown" });
  });

  it("rejects a key with another key's id and its own secret as unknown", async () => {
    const first = await verity.keys.create({ name: "a", scopes: ["read"] });
    const second = await verity.keys.create({ name: "b", scopes: ["admin"] });
    const mixed = `vty_${second.key.id}_${keyShape.exec(first.secret)?.[2]}`;
    expect(await verity.keys.verify(mixed)).toEqual({ status: "unknown" });
  });

  it("tells a string that is not a key apart from an unknown key", async () => {
    expect(await verity.keys.verify("Bearer nonsense")).toEqual({ status: "malformed" });
    expect(await verity.keys.verify("vty_short_secret")).toEqual({ status: "malformed" });
    expect(await verity.keys.verify(`vty_${"a".repeat(16)}_${"b".repeat(43)}`)).toEqual({
      status: "unknown",
    });
  });

  it("says a revoked key is revoked, once its secret matches", async () => {
    const created = await verity.keys.create({ name: "a", scopes: ["read"] });
    const revoked = await verity.keys.revoke(created.key.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await verity.keys.verify(created.secret)).toMatchObject({
      status: "revoked",
      key: { id: created.key.id },
    });
    expect(await verity.keys.verify(tampered(created.secret))).toEqual({ status: "unknown" });
  });

  it("says an expired key is expired", async () => {
    const created = await verity.keys.create({ name: "a", scopes: ["read"], expires: "1h" });
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect(await verity.store.verifyApiKey(created.secret, later)).toMatchObject({ status: "expired" });
    expect((await verity.keys.verify(created.secret)).status).toBe("valid");
  });

  it("compares secrets in constant time, for unknown ids as for known ones", async () => {
    const created = await verity.keys.create({ name: "a", scopes: ["read"] });
    compared.calls = 0;
    await verity.keys.verify(created.secret);
    await verity.keys.verify(tampered(created.secret));
    await verity.keys.verify(`vty_${"a".repeat(16)}_${"b".repeat(43)}`);
    expect(compared.calls).toBe(3);
  });

  it("refuses to revoke a key that does not exist", async () => {
    await expect(verity.keys.revoke("nope")).rejects.toThrow(
      expect.objectContaining({ code: "E_NOT_FOUND", message: expect.stringContaining("list the keys") }),
    );
  });
});
