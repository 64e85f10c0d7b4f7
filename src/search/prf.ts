/**
 * Pseudo-relevance feedback (RM3-style): the words that characterize the top documents of a first
 * retrieval, weighted by how strongly each document matched. A long query (a pasted abstract, a
 * claim) gains the vocabulary its relevant papers share but the query happens not to use.
 */
import { words } from './query.ts';
import { STOP_WORDS } from './stop-words.ts';

export interface FeedbackDoc {
  text: string;
  /** Higher-is-better retrieval score. */
  score: number;
}

export interface PrfOptions {
  /** Top documents used as feedback. */
  docs: number;
  /** Expansion words added. */
  terms: number;
  /** Weight of the expansion run in the final score (the original query keeps 1 − weight). */
  weight: number;
  /** Skip feedback when the first run's best paper scores at least this many times the second's: the
   * query already names one paper (a title looked up), and feedback words only blur it. 0 or absent: never skip. */
  clearWinner?: number;
  /** The first run's top this many keep their places; feedback re-ranks the rest. 0 or absent: all re-ranked. */
  keep?: number;
}

/** keep 3: feedback is a recall device, so the first run's head stays (known-item MRR@10 +0.4 to +0.5, SciFact nDCG@10 +0.1; docs/search-quality.md). */
export const DEFAULT_PRF: PrfOptions = { docs: 5, terms: 10, weight: 0.2, keep: 3 };

/**
 * The `n` words with the highest relevance-model weight p(w|R) = Σ_d p(w|d)·p(d|q), excluding the
 * query's own words, stop words, numbers and one-letter tokens.
 * @example expansionTerms([{ text: 'aspirin reduces platelet aggregation', score: 3 }], new Set(['aspirin']), 2)
 */
export function expansionTerms(docs: FeedbackDoc[], exclude: Set<string>, n: number): string[] {
  if (docs.length === 0 || n <= 0) return [];
  // Scores become document weights through a softmax-free normalization: bm25 is already a log-odds-like scale.
  const top = Math.max(...docs.map((d) => d.score));
  const weights = docs.map((d) => Math.exp(d.score - top));
  const total = weights.reduce((a, b) => a + b, 0);
  const model = new Map<string, number>();
  docs.forEach((d, i) => {
    const tokens = words(d.text).filter((w) => w.length > 1 && !STOP_WORDS.has(w) && !/^\d+$/.test(w));
    if (tokens.length === 0) return;
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const pd = weights[i]! / total;
    for (const [t, c] of tf) if (!exclude.has(t)) model.set(t, (model.get(t) ?? 0) + (c / tokens.length) * pd);
  });
  return [...model.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([t]) => t);
}
