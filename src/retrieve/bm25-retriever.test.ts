import { afterEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { NewDocument, Store } from "../store/store.js";
import { queryTerms, rankDocuments, retrieveBm25, retrieveDocuments, searchTerms } from "./bm25-retriever.js";

function documentOf(source: string, texts: string[]): NewDocument {
  let offset = 0;
  const chunks = texts.map((text, ordinal) => {
    const location = { charStart: offset, charEnd: offset + text.length };
    offset += text.length + 1;
    return { ordinal, text, location };
  });
  return { source, title: source, mediaType: "text/plain", text: texts.join(" "), size: offset, chunks };
}

let store: Store;
afterEach(async () => await store?.close());

async function storeWith(documents: NewDocument[]): Promise<Store> {
  store = createSqliteStore({ path: ":memory:" });
  for (const document of documents) {
    await store.putFile({
      collection: "c",
      path: document.source,
      contentHash: document.source,
      size: 1,
      mediaType: "text/plain",
      documents: [document],
    });
  }
  return store;
}

describe("BM25 retrieval", () => {
  it("searches a question's content words, without question framing", () => {
    expect(queryTerms("How long can I work offline before the app makes me sign in again?")).toEqual([
      "work",
      "offline",
      "app",
      "sign",
    ]);
  });

  it("anchors on the rarest terms once common ones exceed the budget", async () => {
    const common = Array.from({ length: 30 }, (_, index) =>
      documentOf(`/common/${index}`, ["cells grow in culture"]),
    );
    const s = await storeWith([...common, documentOf("/rare", ["telomerase keeps cells young"])]);
    const terms = await searchTerms(s, "Does telomerase keep cells growing?", {
      anchorBudget: 5,
      minAnchors: 1,
    });
    expect(terms.anchors).toContain("telomerase");
    expect(terms.anchors).not.toContain("cells");
    expect(terms.terms).toContain("cells");
  });

  it("still scores common terms in chunks that hold an anchor", async () => {
    const filler = Array.from({ length: 30 }, (_, index) => documentOf(`/filler/${index}`, ["cells grow"]));
    const s = await storeWith([
      ...filler,
      documentOf("/anchor-only", ["telomerase is an enzyme found in many tissues of the body"]),
      documentOf("/anchor-and-common", ["telomerase keeps cells grow young in tissues of the body"]),
    ]);
    const pruning = { anchorBudget: 5, minAnchors: 1 };
    const hits = await retrieveBm25(s, "telomerase cells grow", { collection: "c", limit: 10, pruning });
    expect(hits.map((hit) => hit.document.source)).toEqual(["/anchor-and-common", "/anchor-only"]);
  });

  it("keeps every term as an anchor when none is common, matching any of them", async () => {
    const s = await storeWith([
      documentOf("/a", ["lanterns at dusk"]),
      documentOf("/b", ["candles at dawn"]),
    ]);
    const hits = await retrieveBm25(s, "lanterns or candles", { collection: "c", limit: 10 });
    expect(hits.map((hit) => hit.document.source).sort()).toEqual(["/a", "/b"]);
  });

  it("ranks each document once, by its best chunk", async () => {
    const s = await storeWith([
      documentOf("/a", ["lantern lantern", "lantern"]),
      documentOf("/b", ["lantern"]),
    ]);
    const passages = await retrieveBm25(s, "lantern", { collection: "c", limit: 10 });
    expect(passages).toHaveLength(3);
    expect(rankDocuments(passages, 10).map((passage) => passage.document.source)).toEqual(["/a", "/b"]);
  });

  it("fetches more chunks when the first ones all come from a few documents", async () => {
    const many = Array.from({ length: 12 }, () => "lantern lantern lantern");
    const s = await storeWith([
      documentOf("/long", many),
      documentOf("/x", ["lantern"]),
      documentOf("/y", ["a lantern here"]),
    ]);
    const documents = await retrieveDocuments(s, "lantern", { collection: "c", limit: 3 });
    expect(documents.map((passage) => passage.document.source)).toEqual(["/long", "/x", "/y"]);
  });

  it("ranks documents of the asked collection only, each once, when another collection outranks it", async () => {
    const s = await storeWith([
      documentOf("/x", ["a lantern here", "lantern again"]),
      documentOf("/y", ["one lantern"]),
    ]);
    await s.putFile({
      collection: "other",
      path: "/loud",
      contentHash: "loud",
      size: 1,
      mediaType: "text/plain",
      documents: [
        documentOf(
          "/loud",
          Array.from({ length: 30 }, () => "lantern lantern lantern"),
        ),
      ],
    });
    const documents = await retrieveDocuments(s, "lantern", { collection: "c", limit: 5 });
    expect(documents.map((passage) => passage.document.source)).toEqual(["/x", "/y"]);
    expect(documents.map((passage) => passage.rank)).toEqual([0, 1]);
    expect(documents[0]?.chunk.text).toBe("lantern again");
  });
});
