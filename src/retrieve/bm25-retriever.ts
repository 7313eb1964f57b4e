// BM25 retrieval over the store's full-text index: the question becomes a bag of content terms. The
// caller's access goes to the store, which never returns what it may not read.
import type { Access } from "../core/access.js";
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
  /** Which of the question's terms are searched; default `defaultTermPruning`. */
  pruning?: TermPruning;
  /** What the caller may read; default everything. */
  access?: Access;
}

/** The terms a question is searched with: content words, deduplicated, in order. */
export function queryTerms(question: string): string[] {
  return [...new Set(questionTokens(question))];
}

/**
 * FTS5 scores every chunk that matches any term, so one very common term in a long question makes the
 * search cost grow with the index. Such terms still count in the score, but a chunk must hold at least
 * one rarer term (an anchor) to be considered: the common terms' long lists are then only probed.
 */
export interface TermPruning {
  /**
   * Most chunks the anchors may hold between them (summed document frequencies), rarest terms first:
   * the search then costs about the same at a million chunks as at ten thousand.
   */
  anchorBudget: number;
  /** The rarest terms anchor even beyond the budget, so a question of common words still matches. */
  minAnchors: number;
}

export const defaultTermPruning: TermPruning = { anchorBudget: 5_000, minAnchors: 2 };

export interface SearchTerms {
  terms: string[];
  /** The terms a match must hold one of; all terms when none is common. */
  anchors: string[];
}

/** The question's terms, and which of them anchor the search, by the index's own statistics. */
export async function searchTerms(
  store: Store,
  question: string,
  pruning: TermPruning = defaultTermPruning,
  access?: Access,
): Promise<SearchTerms> {
  const terms = queryTerms(question);
  if (terms.length <= pruning.minAnchors) return { terms, anchors: terms };
  const stems = terms.map(stem);
  const statistics = await store.termStatistics([...new Set(stems)], access);
  const byRarity = terms
    .map((term, index) => ({ term, chunks: statistics.documentFrequency.get(stems[index] as string) ?? 0 }))
    .sort((a, b) => a.chunks - b.chunks);
  const anchors: string[] = [];
  let budget = pruning.anchorBudget;
  for (const entry of byRarity) {
    if (anchors.length >= pruning.minAnchors && entry.chunks > budget) break;
    anchors.push(entry.term);
    budget -= entry.chunks;
  }
  return { terms, anchors };
}

export async function retrieveBm25(
  store: Store,
  question: string,
  options: RetrieveOptions & { perDocument?: boolean },
): Promise<RetrievedPassage[]> {
  const { terms, anchors } = await searchTerms(store, question, options.pruning, options.access);
  if (terms.length === 0) return [];
  const { collection, limit, perDocument, access } = options;
  return (
    await store.searchBm25({ collection, terms, anchors, limit, perDocument, ...(access ? { access } : {}) })
  ).map((hit, rank) => ({ ...hit, rank }));
}

/**
 * Inverse document frequency of each of the question's content terms (by stem) over the whole index:
 * rare terms tell an answer apart, common ones hardly at all.
 */
export async function questionTermWeights(
  store: Store,
  question: string,
  access?: Access,
): Promise<Map<string, number>> {
  const stems = [...new Set(queryTerms(question).map(stem))];
  const statistics = await store.termStatistics(stems, access);
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

/** The `limit` best documents, each at its best passage (the store groups chunks by document). */
export function retrieveDocuments(
  store: Store,
  question: string,
  options: RetrieveOptions,
): Promise<RetrievedPassage[]> {
  return retrieveBm25(store, question, { ...options, perDocument: true });
}
