/**
 * Combining ranked lists: reciprocal-rank fusion, and a weighted sum of max-normalized scores.
 * Our measurements (docs/search-quality.md) choose between them.
 */
export interface Scored {
  key: string;
  score: number;
}

/** RRF: Σ 1/(k + rank); ignores raw scores entirely. */
export function reciprocalRankFusion(lists: Scored[][], k = 60): Scored[] {
  const acc = new Map<string, number>();
  for (const list of lists) list.forEach((h, i) => acc.set(h.key, (acc.get(h.key) ?? 0) + 1 / (k + i + 1)));
  return [...acc.entries()].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
}

/** (1 − w)·keyword/max + w·semantic/max over the union of both lists (missing scores count 0). */
export function weightedSum(keyword: Scored[], semantic: Scored[], w: number): Scored[] {
  const maxK = Math.max(...keyword.map((h) => h.score), 1e-9);
  const maxS = Math.max(...semantic.map((h) => h.score), 1e-9);
  const acc = new Map<string, number>();
  for (const h of keyword) acc.set(h.key, (1 - w) * (h.score / maxK));
  for (const h of semantic) acc.set(h.key, (acc.get(h.key) ?? 0) + w * (Math.max(0, h.score) / maxS));
  return [...acc.entries()].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
}
