// FlexSearch for bench/retrieval.ts: an in-memory index scored by term position (not BM25), with the
// English encoder the package ships.
import { Charset, Encoder, Index } from "flexsearch";
import EnglishPreset from "flexsearch/lang/en";
import { packageVersion, runEngine } from "./run-engine.js";

await runEngine({
  name: "FlexSearch",
  version: packageVersion("flexsearch"),
  options:
    "one Index over title + text, default preset and tokenizer, encoder Charset.Default + the shipped English pack (stemmer, stop words); searched with `suggest: true`, else a document must hold every query term",
  sizeMethod: "`index.export` output",
  async build(corpus) {
    const index = new Index({ encoder: new Encoder(Charset.Default).assign(EnglishPreset) });
    for (const document of corpus.documents) index.add(document.id, `${document.title}\n${document.text}`);
    return {
      search: (query, limit) => index.search(query, { limit, suggest: true }).map(String),
      sizeBytes: () => {
        let bytes = 0;
        index.export((key, data) => {
          bytes += Buffer.byteLength(key) + Buffer.byteLength(data ?? "");
        });
        return bytes;
      },
    };
  },
});
