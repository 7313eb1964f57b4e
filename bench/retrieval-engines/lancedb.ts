// LanceDB for bench/retrieval.ts: its native (Lance) full-text index, BM25, stored in a folder.
import { connect, Index } from "@lancedb/lancedb";
import { folderBytes, packageVersion, runEngine } from "./run-engine.js";

await runEngine({
  name: "LanceDB",
  version: packageVersion("@lancedb/lancedb"),
  options:
    "one column title + text, `Index.fts()` defaults (simple tokenizer, lower case, English stemming and stop words, ASCII folding), string query",
  sizeMethod: "table folder on disk (data + index)",
  async build(corpus, dir) {
    const db = await connect(dir);
    const table = await db.createTable(
      "corpus",
      corpus.documents.map((document) => ({ id: document.id, text: `${document.title}\n${document.text}` })),
    );
    await table.createIndex("text", { config: Index.fts() });
    return {
      search: async (query, limit) => {
        const rows = (await table.search(query, "fts").select(["id", "_score"]).limit(limit).toArray()) as {
          id: string;
        }[];
        return rows.map((row) => row.id);
      },
      close: () => {
        table.close();
        db.close();
      },
      sizeBytes: () => folderBytes(dir),
    };
  },
});
