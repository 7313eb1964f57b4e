import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tokens } from "../core/terms.js";
import { createVerity, type Verity } from "../engine.js";
import type { Embedder } from "./embedder.js";

/** An in-process embedder: hashed bag of words, so texts sharing words get similar vectors. */
function bagOfWords(
  options: { model?: string; failAfter?: number; onCall?: () => void } = {},
): Embedder & { calls: number } {
  const dimensions = 64;
  const embedder = {
    provider: "test",
    model: options.model ?? "bag-of-words",
    dimensions,
    maxBatchSize: 4,
    calls: 0,
    async doEmbed({ texts }: { texts: string[] }) {
      embedder.calls++;
      options.onCall?.();
      if (options.failAfter !== undefined && embedder.calls > options.failAfter)
        throw new Error("endpoint went away");
      return {
        embeddings: texts.map((text) => {
          const vector = new Float32Array(dimensions);
          for (const token of tokens(text)) {
            let hash = 0;
            for (const char of token) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
            vector[hash % dimensions] = (vector[hash % dimensions] as number) + 1;
          }
          return vector;
        }),
      };
    },
  };
  return embedder;
}

let dir: string;
let verity: Verity;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-reindex-"));
  mkdirSync(join(dir, "docs"));
  for (let index = 0; index < 10; index++) {
    writeFileSync(
      join(dir, "docs", `note-${index}.md`),
      `# Note ${index}\n\nThis note talks about topic${index} and lanterns.`,
    );
  }
  verity = createVerity({ dataDir: join(dir, ".verity") });
  await verity.ingest([join(dir, "docs")]);
});

afterEach(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("reindex", () => {
  it("embeds every chunk in batches and reports progress with an ETA", async () => {
    const embedder = bagOfWords();
    const progress: { embedded: number; total: number; etaMs: number | undefined }[] = [];
    const result = await verity.reindex({
      collection: "default",
      embedder,
      onProgress: (step) => progress.push(step),
    });
    expect(result.space).toMatchObject({
      name: "test:bag-of-words:1",
      embeddedChunks: 10,
      totalChunks: 10,
      active: false,
    });
    expect(embedder.calls).toBe(3);
    expect(progress.map((step) => step.embedded)).toEqual([4, 8, 10]);
    expect(progress.at(-1)?.etaMs).toBe(0);
  });

  it("resumes an interrupted build without embedding anything twice", async () => {
    const failing = bagOfWords({ failAfter: 1 });
    await expect(verity.reindex({ collection: "default", embedder: failing })).rejects.toThrow(/went away/);
    expect((await verity.store.getSpace("default", "test:bag-of-words:1"))?.embeddedChunks).toBe(4);
    const resumed = bagOfWords();
    const result = await verity.reindex({ collection: "default", embedder: resumed });
    expect(result.embeddedNow).toBe(6);
    expect(result.space.embeddedChunks).toBe(10);
  });

  it("keeps answering from the active space while another is built, and switches only when asked", async () => {
    const first = bagOfWords({ model: "first" });
    await verity.reindex({ collection: "default", embedder: first });
    await verity.store.activateSpace("default", "test:first:1");
    const asking = createVerity({ store: verity.store, embedder: first });
    let answeredDuringBuild: unknown;
    const second = bagOfWords({
      model: "second",
      onCall: () => {
        answeredDuringBuild ??= asking.ask("Which note talks about topic3?");
      },
    });
    await verity.reindex({ collection: "default", embedder: second });
    const during = await (answeredDuringBuild as ReturnType<Verity["ask"]>);
    expect(during.trace).toMatchObject({ retrieval: "hybrid", space: "test:first:1" });
    expect((await verity.store.listSpaces("default")).find((space) => space.active)?.name).toBe(
      "test:first:1",
    );
    await verity.store.activateSpace("default", "test:second:1");
    const after = await createVerity({ store: verity.store, embedder: second }).ask(
      "Which note talks about topic3?",
    );
    expect(after.trace).toMatchObject({ retrieval: "hybrid", space: "test:second:1" });
    expect((await verity.store.listSpaces("default")).map((space) => space.name)).toEqual([
      "test:first:1",
      "test:second:1",
    ]);
  });

  it("falls back to BM25 with a note when the embedder fails or does not match the active space", async () => {
    await verity.reindex({ collection: "default", embedder: bagOfWords() });
    await verity.store.activateSpace("default", "test:bag-of-words:1");
    const broken = createVerity({ store: verity.store, embedder: bagOfWords({ failAfter: 0 }) });
    const answer = await broken.ask("Which note talks about topic3?");
    expect(answer.trace.retrieval).toBe("bm25");
    expect(String(answer.trace.warnings)).toMatch(/went away/);
    const other = createVerity({ store: verity.store, embedder: bagOfWords({ model: "other" }) });
    expect(String((await other.ask("topic3?")).trace.warnings)).toMatch(/was built with test:bag-of-words/);
  });

  it("embeds newly ingested chunks into the active space when its embedder is configured", async () => {
    const embedder = bagOfWords();
    await verity.reindex({ collection: "default", embedder });
    await verity.store.activateSpace("default", "test:bag-of-words:1");
    const withEmbedder = createVerity({ store: verity.store, embedder });
    writeFileSync(join(dir, "docs", "new.md"), "# New\n\nA fresh note about candles.");
    await withEmbedder.ingest([join(dir, "docs")]);
    expect(await verity.store.getSpace("default", "test:bag-of-words:1")).toMatchObject({
      embeddedChunks: 11,
      totalChunks: 11,
    });
  });

  it("refuses to reindex without an embedder or a collection", async () => {
    await expect(verity.reindex({ collection: "default" })).rejects.toThrow(/needs an embedder/);
    await expect(verity.reindex({ collection: "nope", embedder: bagOfWords() })).rejects.toThrow(
      /does not exist/,
    );
  });
});
