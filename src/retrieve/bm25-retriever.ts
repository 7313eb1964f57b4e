// BM25 retrieval over the store's full-text index: the question becomes a bag of content terms.
import type { Chunk } from "../core/document.js";
import { questionTokens, stem } from "../core/terms.js";
import type { Store } from "../store/store.js";

export interface RetrievedPassage {
  chunk: Chunk;
  document: { id: string; source: string; title: string; mediaType: string };
  /** Retrieval score, higher is better; comparable only within one query. */
  score: number;
  /** 0-based rank in the result list. */
  rank: number;
}

export interface RetrieveOptions {
  collection: string;
  limit: number;
}

/** The terms a question is searched with: content words, deduplicated, in order. */
export function queryTerms(question: string): string[] {
  return [...new Set(questionTokens(question))];
}

export function retrieveBm25(store: Store, question: string, options: RetrieveOptions): RetrievedPassage[] {
  const terms = queryTerms(question);
  if (terms.length === 0) return [];
  return store
    .searchBm25({ collection: options.collection, terms, limit: options.limit })
    .map((hit, rank) => ({ ...hit, rank }));
}

/**
 * Inverse document frequency of each of the question's content terms (by stem) over the whole index:
 * rare terms tell an answer apart, common ones hardly at all.
 */
export function questionTermWeights(store: Store, question: string): Map<string, number> {
  const stems = [...new Set(queryTerms(question).map(stem))];
  const statistics = store.termStatistics(stems);
  const total = statistics.chunks;
  const weights = new Map<string, number>();
  for (const term of stems) {
    const frequency = statistics.documentFrequency.get(term) ?? 0;
    weights.set(term, Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5)));
  }
  return weights;
}

/** Documents in the order of their best passage, each once, with that passage. */
export function rankDocuments(passages: readonly RetrievedPassage[], limit: number): RetrievedPassage[] {
  const seen = new Set<string>();
  const documents: RetrievedPassage[] = [];
  for (const passage of passages) {
    if (seen.has(passage.document.id)) continue;
    seen.add(passage.document.id);
    documents.push(passage);
    if (documents.length === limit) break;
  }
  return documents;
}
