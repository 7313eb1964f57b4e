import { describe, expect, it } from "vitest";
import { lazyStore } from "./lazy-store.js";
import { createSqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

describe("lazyStore", () => {
  it("opens on the first call, once, and runs every call on the store it opened", async () => {
    let opened = 0;
    const store = lazyStore(async () => {
      opened++;
      return createSqliteStore({ path: ":memory:" });
    });
    expect(opened).toBe(0);
    expect(store.readOnly).toBe(false);
    const [created, listed] = await Promise.all([store.createCollection("c"), store.listCollections()]);
    expect(created).toEqual({ tokenizer: "default" });
    expect(listed.map((collection) => collection.name)).toEqual(["c"]);
    expect(await store.hasCollection("c")).toBe(true);
    expect(opened).toBe(1);
    await store.close();
  });

  it("tries again after an opening that failed (the database may be up by then)", async () => {
    let attempts = 0;
    const store = lazyStore(async (): Promise<Store> => {
      attempts++;
      if (attempts === 1) throw new Error("connection refused");
      return createSqliteStore({ path: ":memory:" });
    });
    await expect(store.listCollections()).rejects.toThrow(/connection refused/);
    expect(await store.listCollections()).toEqual([]);
    expect(attempts).toBe(2);
    await store.close();
  });

  it("closes without opening a store never used, and refuses calls once closed", async () => {
    let opened = 0;
    const store = lazyStore(async () => {
      opened++;
      return createSqliteStore({ path: ":memory:" });
    });
    await store.close();
    expect(opened).toBe(0);
    await expect(store.listCollections()).rejects.toMatchObject({
      code: "E_STORE",
      message: expect.stringContaining("closed"),
    });
    expect(opened).toBe(0);
  });

  it("is not a thenable, so awaiting it gives the store itself", async () => {
    const store = lazyStore(async () => createSqliteStore({ path: ":memory:" }));
    expect(await Promise.resolve(store)).toBe(store);
    await store.close();
  });
});
