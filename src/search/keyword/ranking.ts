/**
 * Keyword search over the index: a ranked page (papers with every word of a short query first, the
 * bounded OR stage on a large catalog, RM3 feedback for long queries) or a filtered listing by date or
 * upvotes, with the total the page shows.
 */
import type SQLite from 'better-sqlite3';
import { EXHAUSTIVE_BUDGET, rankAnyWords, type StageSql } from '../keyword-stage.ts';
import type { PrfOptions } from '../prf.ts';
import { ALL_WORDS_UP_TO, contentWords, ftsQuote, hasText, toFtsMatch, type ParsedQuery } from '../query.ts';
import { rankWithFeedback, type RankWords } from './feedback.ts';
import { filterSql } from './filters.ts';
import type { Decorate } from './highlight.ts';
import { blendPrior, type PriorOptions, type Signals } from './prior.ts';
import { PLAIN_FROM, type Scoring } from './scoring.ts';
import type { KeywordHit, KeywordResult, Ranked, SearchOptions } from './types.ts';

export interface KeywordSearch {
  search(q: ParsedQuery, opts: SearchOptions): KeywordResult;
  /** The arXiv ids of a ranked page (a hit whose paper left the index meanwhile is dropped). */
  withArxivIds(page: Ranked[]): Ranked[];
}

/** How deep any ranked list goes: the first 1,000 results can be paged through (as on most search engines). */
export const MAX_RANKED = 1000;
/** Catalogs up to this size rank long queries over every match (see `exact` below). */
export const EXACT_UP_TO = 100_000;

export function createKeywordSearch(db: SQLite.Database, o: { scoring: Scoring; decorate: Decorate; prf: PrfOptions | null; budget?: number; prior?: PriorOptions | null }): KeywordSearch {
  const { scoring, decorate, prf } = o;
  const prior = o.prior ?? null;
  const signalRows = db.prepare('SELECT id, upvotes, published FROM docs WHERE id IN (SELECT value FROM json_each(?))');
  const signals = (ids: number[]): Map<number, Signals> =>
    new Map((signalRows.all(JSON.stringify(ids)) as Array<{ id: number; upvotes: number; published: string | null }>).map((r) => [r.id, { upvotes: r.upvotes, published: r.published }]));
  /** The community prior on a ranked group, when the query is navigational (prior.ts). */
  const withPrior = (nav: boolean, ranked: Ranked[]): Ranked[] => (nav && prior ? blendPrior(ranked, signals, prior) : ranked);
  const budget = o.budget ?? EXHAUSTIVE_BUDGET;
  const RANK = scoring.rank;
  const topScores = scoring.topScores;
  const arxivIds = db.prepare('SELECT id, arxiv_id FROM docs WHERE id IN (SELECT value FROM json_each(?))');
  const withArxivIds = (page: Ranked[]): Ranked[] => {
    if (page.length === 0) return page;
    const byId = new Map((arxivIds.all(JSON.stringify(page.map((r) => r.id))) as Array<{ id: number; arxiv_id: string }>).map((r) => [r.id, r.arxiv_id]));
    return page.flatMap((r) => (byId.has(r.id) ? [{ ...r, arxivId: byId.get(r.id)! }] : []));
  };

  const rankerFor = (from: string, params: unknown[], bounded: boolean): RankWords => {
    const sql: StageSql = {
      scores: (m, n, filtered) =>
        n !== null && filtered
          ? topScores(m, from, params, n)
          : (db.prepare(`SELECT fts.rowid AS id, ${RANK} AS score ${filtered ? from : 'FROM fts WHERE fts MATCH ?'}${n === null ? '' : ` ORDER BY score DESC, id LIMIT ?`}`)
              .all(...scoring.args(m), m, ...(filtered ? params : []), ...(n === null ? [] : [n])) as Array<{ id: number; score: number }>),
      docFreq: scoring.dfOf,
    };
    return (words, wrap, n, atLeast, dropCommon, lean) => {
      const quoted = words.map(ftsQuote);
      if (!bounded) return topScores(wrap(`(${quoted.join(' OR ')})`), from, params, n);
      // Hybrid's candidates (lean): every paper with any word scored from term postings when they hold
      // every word, the exhaustive top the stage approximates, without its statements (1.26-1.34 -> 0.65-0.69
      // ms a query, bench/lab/query-thread-cost.ts). Only there: a keyword page and its feedback run rank
      // as FTS5's bm25() does whether postings are in memory or not (test/unit/native-rank.test.ts), and
      // where the stage is approximate the exact top would differ from it. For candidates the two agree
      // on the top 10 of all 1,653 bench queries and the top 101 of 1,641 (docs/search-quality.md).
      const scored = lean && from === PLAIN_FROM ? scoring.fromPostings(wrap(`(${quoted.join(' OR ')})`), n) : null;
      if (scored) return scored;
      return rankAnyWords(sql, { words: quoted, wrap, n, atLeast, dropCommon, lean, docCount: scoring.docCount(), budget, idf: scoring.idf }).ranked.map((r) => ({ ...r, arxivId: '' }));
    };
  };

  function search(q: ParsedQuery, opts: SearchOptions): KeywordResult {
    const { where, params } = filterSql(q);
    const content = contentWords(q);
    const sort = opts.sort ?? q.sort ?? (hasText(q) || q.authors.length ? 'relevance' : 'date');
    // Newest or most upvoted first has no relevance to rank partial matches by: a short query then lists
    // the papers with every word (what a search box promises), a long one (a pasted abstract) any word.
    const allWords = sort !== 'relevance' && content.length > 1 && content.length <= ALL_WORDS_UP_TO;
    const match = hasText(q) || q.authors.length ? toFtsMatch(q, { words: allWords ? 'all' : 'any' }) : null;
    const order =
      sort === 'date' ? 'd.published DESC, d.id DESC' : sort === 'upvotes' ? 'd.upvotes DESC, d.published DESC' : match ? 'score' : 'd.published DESC';
    const filter = where.length ? ` AND ${where.join(' AND ')}` : '';
    const limit = Math.max(0, Math.min(opts.limit, MAX_RANKED));
    const offset = Math.max(0, opts.offset ?? 0);
    /** A next page exists: the ranked list holds more than this page, within the first MAX_RANKED. */
    const more = (ranked: number) => offset + limit < MAX_RANKED && ranked > offset + limit;
    if (match) {
      const finish = (ranked: Ranked[]): KeywordHit[] => {
        const page = withArxivIds(ranked);
        return opts.plain ? page.map((r) => ({ ...r, titleMarked: '', snippetMarked: '' })) : decorate(match, page);
      };
      // Filters and non-relevance orders need `docs`; a plain ranked query stays inside FTS5.
      const from = where.length || sort !== 'relevance' ? `FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?${filter}` : PLAIN_FROM;
      const count = (m: string) => (opts.plain ? 0 : (db.prepare(`SELECT count(*) AS n ${from}`).get(m, ...params) as { n: number }).n);
      /** The count of `m` right after topScores ranked it: taken while ranking when pb_bm25 could (no second pass). */
      const countRanked = (m: string) => (opts.plain ? 0 : (scoring.matched() ?? count(m)));
      // A short, relevance-ranked query gets the community prior over its top candidates (prior.ts).
      const nav = prior !== null && sort === 'relevance' && content.length + q.phrases.length >= 1 && content.length + q.phrases.length <= prior.upTo;
      // One more than the page: whether a next page exists, without counting every match. With the prior,
      // at least its depth, so every page re-ranks the same candidates.
      const need = Math.max(Math.min(offset + limit, MAX_RANKED) + 1, nav ? prior.depth : 0);
      // Free words only (phrases and authors already narrow the matches to few papers), ranked by relevance.
      const bounded = !opts.exhaustive && sort === 'relevance' && q.phrases.length === 0 && q.authors.length === 0;
      // A long query (a title looked up, a claim) on a catalog of up to EXACT_UP_TO papers is scored over
      // every match: the bounded stage's approximation cost 1.2 points of known-item MRR@10 at 75k papers
      // (docs/search-quality.md), and scoring every match of a long OR costs ~0.6 µs a row (≤ 60 ms at 100k).
      const exact = content.length > ALL_WORDS_UP_TO && scoring.docCount() <= EXACT_UP_TO;
      const ranker = rankerFor(from, params, bounded && !exact);
      const loose = exact ? rankerFor(from, params, bounded) : ranker;
      // A ranked list for fusion takes what the bounded stage proves or finds; a page the user can step
      // through needs every rank up to it, so too few candidates fall back to scoring every match.
      const rank: RankWords = (ws, wrap, n, atLeast, dropCommon, lean) => ranker(ws, wrap, n, opts.plain ? 0 : atLeast, dropCommon, lean);
      // Feedback words are a refinement: their run stays within the stage's bounds.
      const rankFeedback: RankWords = (ws, wrap, n, atLeast, dropCommon, lean) => loose(ws, wrap, n, opts.plain ? 0 : atLeast, dropCommon, lean);
      const wrap = (g: string) => toFtsMatch(q, { words: 'any', group: g })!;
      /** A ranked list without a meaningful count (any word of a long query): paged by `more` alone. */
      const uncounted = (ranked: Ranked[]): KeywordResult => ({ total: Math.min(ranked.length, need - 1), count: 'none', more: more(ranked.length), hits: finish(ranked.slice(offset, offset + limit)) });
      if (bounded && opts.candidates && content.length > 1 && scoring.docCount() > budget) return uncounted(withPrior(nav, rank(content, wrap, need, 0, false, true)));
      if (sort === 'relevance' && content.length > 1 && content.length <= ALL_WORDS_UP_TO) {
        // A short query: papers with every word first (what a search box promises), then papers
        // with some of them, each group by BM25 — no empty page for one unmatched word. The count is of
        // the papers with every word: every paper sharing one common word is not a meaningful number.
        const allMatch = toFtsMatch(q, { words: 'all' })!;
        const all = withPrior(nav, topScores(allMatch, from, params, need));
        if (all.length >= need) return { total: countRanked(allMatch), count: 'every-word', more: more(all.length), hits: finish(all.slice(offset, offset + limit)) };
        const seen = new Set(all.map((r) => r.id));
        const some = withPrior(nav, rank(content, wrap, need, need).filter((r) => !seen.has(r.id)));
        const ranked = [...all, ...some];
        return { total: all.length, count: 'every-word', more: more(ranked.length), hits: finish(ranked.slice(offset, offset + limit)) };
      }
      // Feedback only for long, ranked queries: short ones are precise already and should stay fast.
      if (prf && sort === 'relevance' && content.length > ALL_WORDS_UP_TO && q.phrases.length === 0) return uncounted(rankWithFeedback(db, prf, rank, q, new Set(content), need, rankFeedback));
      if (bounded && content.length > 1) return uncounted(rank(content, wrap, need, need));
      if (nav) {
        // One word or phrase: the prior re-ranks the top candidates, so they are read from the first.
        const top = withPrior(true, topScores(match, from, params, need));
        const ranked = top.slice(offset, offset + limit);
        return { total: countRanked(match), count: 'all', more: more(top.length), hits: finish(ranked) };
      }
      const rows = db
        .prepare(`SELECT fts.rowid AS id, ${RANK} AS score ${from} ORDER BY ${order === 'score' ? 'score DESC, id' : order} LIMIT ? OFFSET ?`)
        .all(...scoring.args(match), match, ...params, Math.min(limit, MAX_RANKED - offset) + 1, offset) as Array<{ id: number; score: number }>;
      const next = offset + limit < MAX_RANKED && rows.length > limit;
      const ranked = rows.slice(0, limit).map((r) => ({ id: r.id, arxivId: '', score: r.score }));
      // One word, phrases, authors, or every word of a short query: each match has all of it, so the count means something.
      if (content.length > ALL_WORDS_UP_TO) return { total: offset + ranked.length + (next ? 1 : 0), count: 'none', more: next, hits: finish(ranked) };
      return { total: count(match), count: 'all', more: next, hits: finish(ranked) };
    }
    const from = `FROM docs d JOIN fts ON fts.rowid = d.id WHERE 1 = 1${filter}`;
    const rows = db
      .prepare(`SELECT d.id, d.arxiv_id, fts.title, substr(fts.abstract, 1, 300) AS abstract ${from} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as Array<{ id: number; arxiv_id: string; title: string; abstract: string }>;
    const total = (db.prepare(`SELECT count(*) AS n ${from}`).get(...params) as { n: number }).n;
    return { total, count: 'all', more: offset + limit < total, hits: rows.map((r) => ({ id: r.id, arxivId: r.arxiv_id, score: 0, titleMarked: r.title, snippetMarked: r.abstract })) };
  }

  return { search, withArxivIds };
}
