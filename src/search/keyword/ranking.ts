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
import type { Scoring } from './scoring.ts';
import type { KeywordHit, KeywordResult, Ranked, SearchOptions } from './types.ts';

export interface KeywordSearch {
  search(q: ParsedQuery, opts: SearchOptions): KeywordResult;
  /** The arXiv ids of a ranked page (a hit whose paper left the index meanwhile is dropped). */
  withArxivIds(page: Ranked[]): Ranked[];
}

export function createKeywordSearch(db: SQLite.Database, o: { scoring: Scoring; decorate: Decorate; prf: PrfOptions | null; budget?: number }): KeywordSearch {
  const { scoring, decorate, prf } = o;
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
      return rankAnyWords(sql, { words: quoted, wrap, n, atLeast, dropCommon, lean, docCount: scoring.docCount(), budget }).ranked.map((r) => ({ ...r, arxivId: '' }));
    };
  };

  function search(q: ParsedQuery, opts: SearchOptions): KeywordResult {
    const { where, params } = filterSql(q);
    const match = hasText(q) || q.authors.length ? toFtsMatch(q) : null;
    const sort = opts.sort ?? q.sort ?? (match ? 'relevance' : 'date');
    const order =
      sort === 'date' ? 'd.published DESC, d.id DESC' : sort === 'upvotes' ? 'd.upvotes DESC, d.published DESC' : match ? 'score' : 'd.published DESC';
    const filter = where.length ? ` AND ${where.join(' AND ')}` : '';
    const limit = Math.max(0, Math.min(opts.limit, 1000));
    const offset = Math.max(0, opts.offset ?? 0);
    if (match) {
      const finish = (ranked: Ranked[]): KeywordHit[] => {
        const page = withArxivIds(ranked);
        return opts.plain ? page.map((r) => ({ ...r, titleMarked: '', snippetMarked: '' })) : decorate(match, page);
      };
      // Filters and non-relevance orders need `docs`; a plain ranked query stays inside FTS5.
      const from = where.length || sort !== 'relevance' ? `FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?${filter}` : 'FROM fts WHERE fts MATCH ?';
      const count = (m: string) => (opts.plain ? 0 : (db.prepare(`SELECT count(*) AS n ${from}`).get(m, ...params) as { n: number }).n);
      const content = contentWords(q);
      const need = Math.min(offset + limit, 1000);
      // Free words only (phrases and authors already narrow the matches to few papers), ranked by relevance.
      const bounded = !opts.exhaustive && sort === 'relevance' && q.phrases.length === 0 && q.authors.length === 0;
      const ranker = rankerFor(from, params, bounded);
      // A ranked list for fusion takes what the bounded stage proves or finds; a page the user can step
      // through needs every rank up to it, so too few candidates fall back to scoring every match.
      const rank: RankWords = (ws, wrap, n, atLeast, dropCommon, lean) => ranker(ws, wrap, n, opts.plain ? 0 : atLeast, dropCommon, lean);
      const wrap = (g: string) => toFtsMatch(q, { words: 'any', group: g })!;
      if (bounded && opts.candidates && content.length > 1 && scoring.docCount() > budget) {
        return { total: 0, hits: finish(rank(content, wrap, need, 0, false, true).slice(offset, offset + limit)) };
      }
      if (sort === 'relevance' && content.length > 1 && content.length <= ALL_WORDS_UP_TO) {
        // A short query: papers with every word first (what a search box promises), then papers
        // with some of them, each group by BM25 — no empty page for one unmatched word.
        const allMatch = toFtsMatch(q, { words: 'all' })!;
        const all = topScores(allMatch, from, params, need);
        if (all.length >= need) {
          // Enough papers have every word: the total counts those (counting the OR of common
          // words over a large catalog is the expensive part of a short query).
          return { total: count(allMatch), hits: finish(all.slice(offset, offset + limit)) };
        }
        const seen = new Set(all.map((r) => r.id));
        const some = rank(content, wrap, need, need).filter((r) => !seen.has(r.id));
        return { total: count(match), hits: finish([...all, ...some].slice(offset, offset + limit)) };
      }
      // Feedback only for long, ranked queries: short ones are precise already and should stay fast.
      if (prf && sort === 'relevance' && content.length > ALL_WORDS_UP_TO && q.phrases.length === 0) {
        const ranked = rankWithFeedback(db, prf, rank, q, new Set(content), need);
        return { total: count(match), hits: finish(ranked.slice(offset, offset + limit)) };
      }
      if (bounded && content.length > 1) {
        return { total: count(match), hits: finish(rank(content, wrap, need, need).slice(offset, offset + limit)) };
      }
      const rows = db
        .prepare(`SELECT fts.rowid AS id, ${RANK} AS score ${from} ORDER BY ${order === 'score' ? 'score DESC, id' : order} LIMIT ? OFFSET ?`)
        .all(...scoring.args(match), match, ...params, limit, offset) as Array<{ id: number; score: number }>;
      return { total: count(match), hits: finish(rows.map((r) => ({ id: r.id, arxivId: '', score: r.score }))) };
    }
    const from = `FROM docs d JOIN fts ON fts.rowid = d.id WHERE 1 = 1${filter}`;
    const rows = db
      .prepare(`SELECT d.id, d.arxiv_id, fts.title, substr(fts.abstract, 1, 300) AS abstract ${from} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as Array<{ id: number; arxiv_id: string; title: string; abstract: string }>;
    const total = (db.prepare(`SELECT count(*) AS n ${from}`).get(...params) as { n: number }).n;
    return { total, hits: rows.map((r) => ({ id: r.id, arxivId: r.arxiv_id, score: 0, titleMarked: r.title, snippetMarked: r.abstract })) };
  }

  return { search, withArxivIds };
}
