// A Store opened on first use. Opening a server-backed store is asynchronous (a connection, the
// migrations), while `createVerity` returns at once: every method waits for the opening and then runs
// on the store it gave. An opening that fails is not remembered, so the next call tries again (a
// database that was down may be up), and `close` on a store never opened opens nothing.
import { VerityError } from "../core/errors.js";
import type { Store } from "./store.js";

type StoreMethod = Exclude<keyof Store, "readOnly">;

export function lazyStore(open: () => Promise<Store>, options: { readOnly?: boolean } = {}): Store {
  let opening: Promise<Store> | undefined;
  let closed = false;
  const opened = () => {
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  const store: Record<string, unknown> = {};
  return new Proxy(store, {
    get(_target, name) {
      if (name === "readOnly") return options.readOnly ?? false;
      if (name === "then") return undefined; // not a thenable: `await store` is the store itself
      if (name === "close") {
        return async () => {
          if (closed) return;
          closed = true;
          if (opening === undefined) return;
          await (await opening.catch(() => undefined))?.close();
        };
      }
      if (typeof name !== "string") return undefined;
      return async (...args: unknown[]) => {
        if (closed) throw new VerityError("E_STORE", `the store was closed; open Verity again to ${name}`);
        const target = await opened();
        const method = target[name as StoreMethod] as (...args: unknown[]) => unknown;
        if (typeof method !== "function") throw new TypeError(`the store has no method ${name}`);
        return method.apply(target, args);
      };
    },
  }) as unknown as Store;
}
