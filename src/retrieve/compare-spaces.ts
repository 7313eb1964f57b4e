// Before switching embedding spaces: how different would the answers' sources be? Overlap@10 of the
// documents retrieved now and with the new space, and nDCG@10 of both when judgements are given.
import type { Embedder } from "../embed/embedder.js";
import type { Store } from "../store/store.js";
import { mean, ndcgAt } from "./ranking-metrics.js";

export interface ComparisonQuery {
  id: string;
  text: string;
}

/** Retrieves the ranked document ids for a question, with or without a given space. */
export type DocumentRanker = (
  question: string,
  space: string | undefined,
  embedder: Embedder | undefined,
) => Promise<string[]>;

export interface CompareSpacesOptions {
  collection: string;
  queries: readonly ComparisonQuery[];
  /** Query id → (document key → grade); document keys as the ranker returns them. */
  judgements?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  newSpace: string;
  newEmbedder: Embedder;
  /** The embedder of the currently active space, if any; without it "now" means BM25 alone. */
  currentEmbedder?: Embedder;
  rank: DocumentRanker;
}

export interface SpaceComparison {
  queries: number;
  current: string;
  candidate: string;
  /** Mean share of the top 10 documents both rankings hold. */
  overlapAt10: number;
  ndcgAt10?: { current: number; candidate: number; judgedQueries: number };
}

export async function compareSpaces(store: Store, options: CompareSpacesOptions): Promise<SpaceComparison> {
  const active = (await store.listSpaces(options.collection)).find((space) => space.active);
  const currentUsesVectors =
    active !== undefined &&
    options.currentEmbedder !== undefined &&
    options.currentEmbedder.model === active.model &&
    options.currentEmbedder.provider === active.provider;
  const overlaps: number[] = [];
  const ndcgCurrent: number[] = [];
  const ndcgCandidate: number[] = [];
  for (const query of options.queries) {
    const current = (
      await options.rank(
        query.text,
        currentUsesVectors ? active?.name : undefined,
        currentUsesVectors ? options.currentEmbedder : undefined,
      )
    ).slice(0, 10);
    const candidate = (await options.rank(query.text, options.newSpace, options.newEmbedder)).slice(0, 10);
    const shared = candidate.filter((id) => current.includes(id)).length;
    overlaps.push(shared / Math.max(1, Math.min(10, Math.max(current.length, candidate.length))));
    const judged = options.judgements?.get(query.id);
    if (judged) {
      ndcgCurrent.push(ndcgAt(current, judged, 10));
      ndcgCandidate.push(ndcgAt(candidate, judged, 10));
    }
  }
  return {
    queries: options.queries.length,
    current: currentUsesVectors && active ? `hybrid (${active.name})` : "BM25",
    candidate: `hybrid (${options.newSpace})`,
    overlapAt10: mean(overlaps),
    ...(ndcgCurrent.length > 0
      ? {
          ndcgAt10: {
            current: mean(ndcgCurrent),
            candidate: mean(ndcgCandidate),
            judgedQueries: ndcgCurrent.length,
          },
        }
      : {}),
  };
}
