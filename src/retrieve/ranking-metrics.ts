// Ranking metrics with trec_eval's definitions (as pytrec_eval computes them for BEIR).

/** Judgements for one query: document id → relevance grade (> 0 is relevant). */
export type Judgements = ReadonlyMap<string, number>;

/** nDCG@k with linear gain (trec_eval `ndcg_cut`): DCG = Σ rel_i / log2(i + 1). */
export function ndcgAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  let dcg = 0;
  ranking.slice(0, k).forEach((id, index) => {
    dcg += (judgements.get(id) ?? 0) / Math.log2(index + 2);
  });
  const ideal = [...judgements.values()]
    .filter((grade) => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, index) => sum + grade / Math.log2(index + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

/** Recall@k: share of the relevant documents found in the first k (trec_eval `recall`). */
export function recallAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  const relevant = [...judgements.entries()].filter(([, grade]) => grade > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranking.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/** MRR@k: reciprocal rank of the first relevant document within the first k, else 0. */
export function mrrAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  const index = ranking.slice(0, k).findIndex((id) => (judgements.get(id) ?? 0) > 0);
  return index >= 0 ? 1 / (index + 1) : 0;
}

export function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
}
