// MiniSearch for bench/retrieval.ts: an in-memory inverted index scored with BM25+, library defaults.
import MiniSearch from "minisearch";
import { type CorpusDocument, packageVersion, runEngine } from "./run-engine.js";

await runEngine({
  name: "MiniSearch",
  version: packageVersion("minisearch"),
  options:
    "fields title and text, default tokenizer (lower case, no stemming, no stop words), default search (any term, BM25+ k 1.2, b 0.7, d 0.5)",
  sizeMethod: "`JSON.stringify(index)`",
  async build(corpus) {
    const index = new MiniSearch<CorpusDocument>({ fields: ["title", "text"] });
    index.addAll(corpus.documents);
    return {
      search: (query, limit) =>
        index
          .search(query)
          .slice(0, limit)
          .map((result) => String(result.id)),
      sizeBytes: () => Buffer.byteLength(JSON.stringify(index)),
    };
  },
});
