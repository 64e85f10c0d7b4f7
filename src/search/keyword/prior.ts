/**
 * The community prior for short, navigational queries: "llama" or "DeepSeek-R1" names a paper the
 * community knows, and BM25 alone cannot tell the famous one from the hundred papers that mention it
 * (the issue saw "The Llama 3 Herd of Models" 41st for `llama`). The top candidates by relevance are
 * re-ranked by
 *
 *     score = relevance / best relevance + weight · popularity · freshness
 *
 * - popularity = ln(1 + upvotes) / ln(1 + the most upvotes among the candidates), in [0, 1]: a paper's
 *   votes on a log scale (the 500th vote says less than the 5th), relative to what this query found;
 * - freshness = 2^(−age / half-life), age in days before the newest candidate: of two papers a name
 *   could mean, equally upvoted, the newer one is the one people look up.
 *
 * Relevance stays first: the prior adds at most `weight` to a relevance scaled to 1, so a paper passes
 * another only when its relevance is within `weight` of it; papers with every word of the query still
 * come before papers with some (the caller re-ranks each group on its own); a catalog without votes
 * ranks exactly as without the prior; and only the top `depth` are re-ranked, so later pages keep
 * relevance order. Measured in docs/search-quality.md ("The community prior").
 */
import type { Ranked } from './types.ts';

export interface PriorOptions {
  /** Most the prior adds to a relevance scaled to the best candidate's (0 turns it off). */
  weight: number;
  /** Days after which a paper's votes count half (against the newest candidate). */
  halfLifeDays: number;
  /** Queries of at most this many content words are navigational. */
  upTo: number;
  /** Candidates re-ranked: the top this many by relevance. */
  depth: number;
}

/** Chosen on the navigational dev set (docs/search-quality.md): the first page (20) re-ranked, up to 3 words. */
export const DEFAULT_PRIOR: PriorOptions = { weight: 0.2, halfLifeDays: 1460, upTo: 3, depth: 20 };

/** What the prior reads of a paper. */
export interface Signals {
  upvotes: number;
  /** YYYY-MM-DD… or null (no day: no recency discount). */
  published: string | null;
}

const DAY_MS = 86_400_000;

/** The prior's parts for one paper, for explaining a rank. */
export function priorOf(s: Signals, maxUpvotes: number, newestMs: number, halfLifeDays: number): { popularity: number; freshness: number } {
  const popularity = maxUpvotes > 0 ? Math.log1p(Math.max(0, s.upvotes)) / Math.log1p(maxUpvotes) : 0;
  const t = s.published ? Date.parse(s.published.slice(0, 10)) : NaN;
  const age = Number.isNaN(t) || !Number.isFinite(newestMs) ? 0 : Math.max(0, (newestMs - t) / DAY_MS);
  return { popularity, freshness: 2 ** (-age / halfLifeDays) };
}

/**
 * Re-rank the top `o.depth` of `ranked` (best first) with the prior; the rest keep their order below.
 * @example blendPrior(ranked, (ids) => new Map(ids.map((id) => [id, { upvotes: 0, published: null }])), DEFAULT_PRIOR)
 */
export function blendPrior(ranked: Ranked[], signals: (ids: number[]) => Map<number, Signals>, o: PriorOptions): Ranked[] {
  if (o.weight <= 0 || ranked.length < 2) return ranked;
  const head = ranked.slice(0, o.depth);
  const sig = signals(head.map((r) => r.id));
  const of = (id: number): Signals => sig.get(id) ?? { upvotes: 0, published: null };
  const maxUpvotes = Math.max(0, ...head.map((r) => of(r.id).upvotes));
  if (maxUpvotes === 0) return ranked; // nothing voted: relevance alone, unchanged
  const newest = Math.max(...head.map((r) => Date.parse((of(r.id).published ?? '').slice(0, 10))).filter((t) => !Number.isNaN(t)));
  const best = head[0]!.score > 0 ? head[0]!.score : 1;
  const blended = head.map((r) => {
    const p = priorOf(of(r.id), maxUpvotes, newest, o.halfLifeDays);
    return { ...r, score: r.score / best + o.weight * p.popularity * p.freshness };
  });
  blended.sort((a, b) => b.score - a.score || a.id - b.id);
  // Scores below the head are relevance scaled like the head's, so the list stays ordered by score.
  return [...blended, ...ranked.slice(o.depth).map((r) => ({ ...r, score: r.score / best }))];
}
