/**
 * The bounded keyword stage: the top of an OR of words by FTS5's own bm25, without scoring every paper
 * that contains one common word. FTS5 has no top-k pruning: `ORDER BY bm25()` scores every row the OR
 * matches (~0.6 µs a row; a 5-word query matches up to half of a 1M-paper catalog).
 *
 * bm25 is a sum over the query's words of a per-word impact, and FTS5 reports a word's impact at a row
 * only when that word's iterator sits on the row. Two expressions keep every word on every matched row,
 * so their scores are exact, and match far fewer rows than the OR:
 *  - `(all words OR) AND (rare words OR)`: the rows with a rare word, each rare word counted twice; a
 *    second statement scores the rare words alone, and the difference is the exact score;
 *  - `common AND common AND …`: rows with every common word (exact for rows with no rare word).
 * A row in neither has no rare word and misses a common one, so its score is at most the sum of the
 * common words' impact bounds idf·(k1+1) without the smallest (MaxScore): when the last kept score beats
 * that bound, the top is provably the exhaustive top; otherwise it is a close approximation (measured in
 * bench/search.ts). Small catalogs and rare-word queries are ranked exhaustively, as before.
 */

/** What the stage needs from the index: statements over the query's filters, higher-is-better scores. */
export interface StageSql {
  /** Papers matching `match` (within the query's filters when `filtered`), with their bm25; the top `n` or all (n = null). */
  scores(match: string, n: number | null, filtered: boolean): Array<{ id: number; score: number }>;
  /** Papers in the whole index containing `word` (quoted, unfiltered), counting no further than `cap`. */
  docFreq(word: string, cap: number): number;
}

export interface StageOptions {
  /** Quoted FTS5 words (content words of the query), each once. */
  words: string[];
  /** The full MATCH for a words group: adds exclusions (the stage runs only without phrases and authors). */
  wrap: (group: string) => string;
  /** How many top papers are wanted. */
  n: number;
  /** Rows in the index (FTS5's nRow for idf). */
  docCount: number;
  /** Rank exhaustively when the words' postings add up to at most this many rows. */
  budget?: number;
  /** Rank exhaustively when the bounded candidates are fewer than this (default `n`; 0: never). */
  atLeast?: number;
  /** Rank only the rarer words when the words are too common to rank all (feedback words: a refinement). */
  dropCommon?: boolean;
  /** Candidates for fusion: skip the all-common-words pass when the rare-word passes already found `n`
   * papers with two or more rare words (it costs a scan of every common word's postings again, for FTS5's idf). */
  lean?: boolean;
  /** A word's idf from its document frequency, as the scores use it (default FTS5's, `fts5Idf`). */
  idf?: (docFreq: number) => number;
}

export interface StageResult {
  ranked: Array<{ id: number; score: number }>;
  /** 'exhaustive': every match scored; 'proven': bounded and provably the same top; 'bounded': approximate. */
  how: 'exhaustive' | 'proven' | 'bounded';
}

/** Postings (summed over the query's words) up to which scoring every match is cheap (~10 ms at 1M papers). */
export const EXHAUSTIVE_BUDGET = 8_000;
const K1 = 1.2;

/** FTS5's idf (fts5_aux.c): log((N − n + 0.5) / (n + 0.5)), floored at 1e-6. */
export function fts5Idf(docCount: number, docFreq: number): number {
  const idf = Math.log((docCount - docFreq + 0.5) / (docFreq + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

/**
 * Lucene's BM25 idf: log(1 + (N − n + 0.5) / (n + 0.5)), positive for every word. FTS5's is ~0 for a word in
 * half the catalog or more ("model", "language" among ML abstracts), so such a word of a title looked up
 * counts for nothing; here it counts a little (docs/search-quality.md: +0.5 to +1.1 points of known-item MRR@10).
 */
export function luceneIdf(docCount: number, docFreq: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

const or = (ws: string[]) => `(${ws.join(' OR ')})`;
const and = (ws: string[]) => `(${ws.join(' AND ')})`;

/**
 * The top `n` papers of the OR of `words` by bm25.
 * @example rankAnyWords(sql, { words: ['"graph"', '"neural"'], wrap: (g) => g, n: 100, docCount: 1e6 })
 */
export function rankAnyWords(sql: StageSql, o: StageOptions): StageResult {
  const budget = o.budget ?? EXHAUSTIVE_BUDGET;
  const exhaustive = (): StageResult => ({ ranked: sql.scores(o.wrap(or(o.words)), o.n, true), how: 'exhaustive' });
  if (o.words.length < 2 || o.n <= 0 || o.docCount <= budget) return exhaustive();
  // Document frequencies, exact up to the budget (a capped count reads at most that many postings a word).
  const df = o.words.map((w) => ({ w, df: sql.docFreq(w, budget + 1) })).sort((a, b) => a.df - b.df);
  if (df.reduce((s, d) => s + d.df, 0) <= budget) return exhaustive();
  const rareCount = df.findIndex((_, i) => df.slice(0, i + 1).reduce((s, d) => s + d.df, 0) > rareBudget(budget));
  const rare = df.slice(0, rareCount).map((d) => d.w);
  const common = df.slice(rareCount);
  if (o.dropCommon) return { ranked: rare.length ? sql.scores(o.wrap(or(rare)), o.n, true) : [], how: 'bounded' };

  // Every statement below scores each row it matches exactly for the words the row contains among those
  // it names, and never more than the row's OR score: keeping each row's best score is safe.
  const best = new Map<number, number>();
  /** Run one family; returns its n-th score when it was cut at n (rows below may exist), else -Infinity. */
  const family = (m: string, filtered = true): number => {
    const rows = sql.scores(m, o.n, filtered);
    for (const r of rows) if (r.score > (best.get(r.id) ?? -Infinity)) best.set(r.id, r.score);
    return rows.length < o.n ? -Infinity : rows[rows.length - 1]!.score;
  };
  const idf = o.idf ?? ((df: number) => fts5Idf(o.docCount, df));
  const ub = common.map((d) => (K1 + 1) * idf(d.df));
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const cuts: number[] = [];
  const commonOr = or(common.map((d) => d.w));
  if (rare.length) {
    // Rows with a rare word and a common one (exact), and rows with rare words only (exact without common ones).
    cuts.push(family(o.wrap(`${or(rare)} AND ${commonOr}`)));
    cuts.push(family(o.wrap(or(rare))));
  }
  // Rows with no rare word: every common word, then (while too few) every common word but the most frequent.
  let lacking = sum(ub);
  let last = -Infinity;
  // With two or more rare words, rows holding rare words dominate the top. Measured at 1M papers (60
  // synthetic queries, top-10 overlap with scoring every match): never skipping 0.915, skipping with two or
  // more rare words 0.892, with one or more 0.850; the skip saves about a third of the stage's p95.
  const skipAll = o.lean && rare.length >= 2 && best.size >= o.n;
  for (let m = common.length; !skipAll && m >= 2 && (best.size < o.n || m === common.length); m--) {
    // A row cut from this run scored at most its n-th score on these words, plus the other common words.
    last = family(o.wrap(and(common.slice(0, m).map((d) => d.w)))) + sum(ub.slice(m));
    lacking = sum(ub) - ub[m - 1]!;
    if (best.size >= o.n) break;
  }
  const ranked = [...best].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id).slice(0, o.n);
  if (ranked.length < (o.atLeast ?? o.n)) return exhaustive();
  // MaxScore: the best a row never scored could have is below the last kept score.
  const unseen = Math.max(...cuts, lacking, last);
  const proven = ranked.length === o.n && ranked[o.n - 1]!.score > unseen;
  return { ranked, how: proven ? 'proven' : 'bounded' };
}

/** The rare words' rows are scored twice (with and without common words). */
const rareBudget = (budget: number) => Math.floor(budget / 2);
