// One suite of the behaviour every Store shows, written against the asynchronous Store contract only
// (src/store/store.ts, vectors.ts, api-keys.ts, src/core/ledger.ts). Each store's test file is a few
// lines: how to open the store on an empty database, and what it can do.
import { afterEach, beforeEach, describe } from "vitest";
import type { Store } from "../../src/store/store.js";
import { accessCases } from "./cases/access.js";
import { apiKeyCases } from "./cases/api-keys.js";
import { bm25Cases } from "./cases/bm25.js";
import { collectionCases } from "./cases/collections.js";
import { documentCases } from "./cases/documents.js";
import { errorCases } from "./cases/errors.js";
import { jobCases } from "./cases/jobs.js";
import { ledgerCases } from "./cases/ledger.js";
import { sharingCases } from "./cases/sharing.js";
import { vectorCases } from "./cases/vectors.js";
import type { ConformanceContext, OpenedStore, StoreCapabilities } from "./context.js";

export type { OpenedStore, StoreCapabilities };

/**
 * Registers the conformance suite for one store. `open` opens the store on a new, empty database for
 * each test; the store's own test file wraps this call (in a describe with tags, say) as it needs.
 */
export function describeStoreConformance(
  name: string,
  open: () => Promise<OpenedStore>,
  capabilities: StoreCapabilities,
): void {
  describe(`store conformance: ${name}`, () => {
    let opened: OpenedStore | undefined;
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      const closing = opened;
      opened = undefined;
      await closing?.close();
    });
    const context: ConformanceContext = {
      store(): Store {
        if (!opened) throw new Error("the store is opened before each test");
        return opened.store;
      },
      openAnother() {
        if (!opened) throw new Error("the store is opened before each test");
        return opened.openAnother();
      },
      capabilities,
    };
    describe("collections", () => collectionCases(context));
    describe("files and documents", () => documentCases(context));
    describe("BM25 search", () => bm25Cases(context));
    describe("access", () => accessCases(context));
    describe("jobs", () => jobCases(context));
    describe("the answer ledger", () => ledgerCases(context));
    describe("API keys", () => apiKeyCases(context));
    describe("embedding spaces and vectors", () => vectorCases(context));
    describe("bad input", () => errorCases(context));
    describe("several stores on one database", () => sharingCases(context));
  });
}
