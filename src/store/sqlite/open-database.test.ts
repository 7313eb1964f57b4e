import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "./sqlite-store.js";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-open-"));
  path = join(dir, "verity.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => ({
  collection: "default",
  path: `/${name}`,
  contentHash: name,
  size: 1,
  mediaType: "text/plain",
  documents: [],
});

describe("opening the embedded store", () => {
  it("never builds its tables inside another program's SQLite database", () => {
    const other = new Database(path);
    other.exec("CREATE TABLE recipes (name TEXT)");
    other.close();
    expect(() => createSqliteStore({ path })).toThrow(
      expect.objectContaining({
        code: "E_STORE",
        message: expect.stringContaining("an SQLite database, but not Verity's"),
      }),
    );
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master").pluck().all()).toEqual(["recipes"]);
    after.close();
  });

  it("asks for a newer Verity when the database was written by one", async () => {
    await createSqliteStore({ path }).close();
    const raw = new Database(path);
    raw.pragma("user_version = 99");
    raw.close();
    expect(() => createSqliteStore({ path })).toThrow(
      /written by a newer Verity \(schema 99; .*\); upgrade Verity/,
    );
  });

  it("read-only, says an older schema must be upgraded once where it is writable", async () => {
    await createSqliteStore({ path }).close();
    const raw = new Database(path);
    raw.exec("DROP TRIGGER vector_changes_chunk_delete");
    raw.exec("DROP TABLE vector_changes");
    raw.exec("ALTER TABLE embedding_spaces DROP COLUMN ann");
    raw.exec("ALTER TABLE embedding_spaces DROP COLUMN ann_pruned");
    raw.exec("DROP TABLE api_keys");
    raw.exec("DROP TABLE document_groups");
    raw.exec("ALTER TABLE collections DROP COLUMN tokenizer");
    raw.pragma("user_version = 4");
    raw.close();
    expect(() => createSqliteStore({ path, readOnly: true })).toThrow(
      /older Verity \(schema 4; this one uses 8\) and is read-only, so it cannot be upgraded; open it once where it is writable/,
    );
    const upgraded = createSqliteStore({ path });
    expect(await upgraded.listCollections()).toEqual([]);
    await upgraded.close();
  });

  it("turns a write that waits out the busy timeout into E_STORE naming busyTimeoutMs, storing nothing", async () => {
    const store = createSqliteStore({ path, busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      await expect(store.putFile(file("a.txt"))).rejects.toThrow(
        expect.objectContaining({
          code: "E_STORE",
          option: "busyTimeoutMs",
          message: expect.stringContaining("stayed locked by another process"),
        }),
      );
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(await store.getFile("default", "/a.txt")).toBeUndefined();
    await store.putFile(file("a.txt"));
    expect(await store.getFile("default", "/a.txt")).toBeDefined();
    await store.close();
  });
});
