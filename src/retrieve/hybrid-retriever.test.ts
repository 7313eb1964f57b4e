import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { annFixture } from "../../test/support/ann-fixture.js";
import type { Embedder } from "../embed/embedder.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { retrieveHybrid } from "./hybrid-retriever.js";

/** Embeds `seed <n>` as the fixture's vector of n, like the fixture's stored chunks. */
const embedder: Embedder = {
  provider: "test",
  model: "hash",
  dimensions: annFixture.dimensions,
  maxBatchSize: 16,
  doEmbed: async ({ texts }) => ({
    embeddings: texts.map((text) => annFixture.vector(Number(text.split(" ")[1]))),
  }),
};

let dir: string | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("hybrid retrieval", () => {
  it("says whether the vectors were searched exactly or through the approximate HNSW index", async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-hybrid-"));
    const opened = createSqliteStore({
      path: join(dir, "verity.db"),
      vectorIndex: { threshold: 0, buildDelayMs: 0 },
    });
    store = opened;
    await annFixture.putFile(
      opened,
      "/f",
      Array.from({ length: 50 }, (_, seed) => seed),
    );
    await annFixture.embed(opened);
    await opened.activateSpace("c", annFixture.space);
    const retrieve = () => retrieveHybrid(opened, "seed 7", { collection: "c", limit: 5, embedder });
    const first = await retrieve();
    expect(first).toMatchObject({ mode: "hybrid", vectorSearch: "exact" });
    await vi.waitFor(async () => expect((await retrieve()).vectorSearch).toBe("ann"), { timeout: 20_000 });
    expect((await retrieve()).passages[0]?.chunk.text).toBe("seed 7");
  });
});
