// Orama for bench/retrieval.ts: an in-memory index scored with BM25, with its built-in English stemmer.
import { create, insertMultiple, save, search } from "@orama/orama";
import { packageVersion, runEngine } from "./run-engine.js";

await runEngine({
  name: "Orama",
  version: packageVersion("@orama/orama"),
  options:
    "schema title and text (string; `id` is taken from the records), tokenizer English with `stemming: true`, default stop words (none), default search (full text, not exact: each query token also matches every indexed word it is a prefix of; threshold 1: any term; BM25 k 1.2, b 0.75)",
  sizeMethod: "`JSON.stringify(save(db))`",
  async build(corpus) {
    const db = create({
      schema: { title: "string", text: "string" } as const,
      components: { tokenizer: { language: "english", stemming: true } },
    });
    await insertMultiple(db, corpus.documents);
    return {
      search: async (query, limit) => {
        const results = await search(db, { term: query, limit });
        return results.hits.map((hit) => hit.id);
      },
      sizeBytes: () => Buffer.byteLength(JSON.stringify(save(db))),
    };
  },
});
