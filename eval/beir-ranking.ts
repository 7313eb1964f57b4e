// How one BEIR query's ranking is made: Verity's documents ranked by their best chunk, and BEIR's rule
// that a document which is the query itself does not count. Shared by eval/beir.ts and bench/retrieval.ts.
import { retrieveDocuments } from "../src/retrieve/bm25-retriever.js";
import type { Store } from "../src/store/store.js";
import { recordIdOf } from "./beir-data.js";

/** Documents BEIR scores per query (Recall@100). */
export const beirDepth = 100;

/**
 * Corpus ids of the `limit` best documents for `question` by Verity's BM25, each at its best chunk.
 */
export async function verityRanking(
  store: Store,
  question: string,
  collection: string,
  limit: number,
): Promise<string[]> {
  return (await retrieveDocuments(store, question, { collection, limit })).map((passage) =>
    recordIdOf(passage.document.source),
  );
}

/**
 * A ranking as BEIR scores it: without the query's own id (BEIR ignores a document that is the query
 * itself), cut at `depth`. Fetch `depth + 1` so the cut still holds `depth` documents.
 */
export function beirRanking(ids: readonly string[], queryId: string, depth = beirDepth): string[] {
  return ids.filter((id) => id !== queryId).slice(0, depth);
}
