/**
 * How a statement scores papers: the relevance expression (pb_bm25 with cached idfs, or FTS5's bm25()),
 * its parameters, document frequencies for the bounded stage, and the row count they depend on.
 */
import { AppError } from '../../errors.ts';
import type SQLite from 'better-sqlite3';
import { fts5Idf, luceneIdf } from '../keyword-stage.ts';
import { idfArgument, loadRankExtension } from '../native-rank.ts';
import { createTermPostings, type TermPostings, type TermPostingsOptions } from './term-postings.ts';
import type { TermStats } from './term-stats.ts';
import type { FieldWeights, IdfChoice, RankChoice, Ranked, Ranking } from './types.ts';

const DF_CACHE_SIZE = 10_000;
/** A ranked query over the whole index (no filter joins `docs`): the only kind term postings answer. */
export const PLAIN_FROM = 'FROM fts WHERE fts MATCH ?';

/**
 * The quoted words of a plain AND or a plain OR of words (`("a" AND "b")`, `("a" OR "b")`, one word
 * `("a")`, which is an AND), or null for anything else (mixed operators, NOT, columns, phrases' syntax).
 */
export function plainWords(match: string): { op: 'AND' | 'OR'; words: string[] } | null {
  const op = /^\("(?:[^"]|"")*"(?: AND "(?:[^"]|"")*")*\)$/.test(match) ? 'AND' : /^\("(?:[^"]|"")*"(?: OR "(?:[^"]|"")*")+\)$/.test(match) ? 'OR' : null;
  return op && { op, words: match.slice(1, -1).match(/"(?:[^"]|"")*"/g)! };
}

export interface Scoring {
  readonly ranking: Ranking;
  /** A higher-is-better relevance expression over `fts` and its leading parameters (args). */
  readonly rank: string;
  /** The leading parameters of `rank` for a statement matching `match`. */
  args(match: string): unknown[];
  /** Rows in the index (FTS5's row count, for idf bounds); counted once per change. */
  docCount(): number;
  /** Which idf the scores use ('fts5' under bm25(), which cannot take another). */
  readonly idfFormula: IdfChoice;
  /** A word's idf from its document frequency, as the scores use it (the bounded stage's bounds). */
  idf(docFreq: number): number;
  /** The capped document frequency of a quoted word (exact below `cap`). */
  dfOf(word: string, cap: number): number;
  /**
   * The top `n` of a plain AND or OR of words over the whole index, from term postings in memory, exactly
   * as topScores ranks it; null when they cannot answer (not such a match, postings not read yet, too many).
   */
  fromPostings(match: string, n: number): Ranked[] | null;
  /** The top `n` ids and scores of `match` over `from` (a FROM … WHERE fts MATCH ? clause and its params). */
  topScores(match: string, from: string, params: unknown[], n: number): Ranked[];
  /**
   * How many rows the latest topScores matched, counted while ranking (pb_bm25 scores every match of a
   * statement ordered by score); null under bm25(), which cannot say: count those with a count(*).
   */
  matched(): number | null;
  /** The index changed: forget counts (`texts` papers' text changed). */
  changed(texts: number): void;
  /** pb_bm25 caches row lengths per connection: forget a row before it is deleted or rewritten. */
  forget(id: number): void;
}

/** Load the ranking function `choice` asks for into `db` (pb_bm25 when it can, unless told otherwise). */
export function chooseRanking(db: SQLite.Database, choice: RankChoice): Ranking {
  const loaded = choice === 'bm25' ? ({ ok: false, why: 'FTS5 bm25() chosen' } as const) : loadRankExtension(db);
  if (choice === 'native' && !loaded.ok) throw new AppError('CONFIG_INVALID', `search index: the native ranking function is required but ${loaded.why}`);
  return loaded.ok ? { fn: 'pb_bm25' } : { fn: 'bm25', why: loaded.why };
}

export function createScoring(db: SQLite.Database, o: { ranking: Ranking; weights: FieldWeights; terms: () => TermStats | null; idf?: IdfChoice; postings?: TermPostingsOptions | false }): Scoring {
  const w = o.weights;
  const native = o.ranking.fn === 'pb_bm25';
  // Lucene's idf needs every phrase's idf passed in: pb_bm25 alone can take them.
  const lucene = native && (o.idf ?? 'lucene') === 'lucene';
  const idfOf = (df: number) => (lucene ? luceneIdf : fts5Idf)(docCount(), df);
  const weightList = `${w.title}, ${w.abstract}, ${w.authors}, ${w.expansion}`;
  const forget = native ? db.prepare('SELECT pb_forget(?)') : null;
  const rank = native ? `-pb_bm25(fts, ?, ${weightList})` : `-bm25(fts, ${weightList})`;
  const docFreq = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)');
  const scored = native ? db.prepare('SELECT pb_scored()').pluck() : null;
  // Scores identical to pb_bm25's, so only where pb_bm25 ranks (term-postings.ts).
  const postings: TermPostings | null = native && o.postings !== false ? createTermPostings(db, w, o.postings) : null;
  let lastMatched: number | null = null;
  // FTS5's row count, for idf bounds; counting a large `docs` costs milliseconds, so once per change.
  let indexedRows: number | null = null;
  // Capped document frequencies of recent query words (a common word's count reads up to 8,000 postings);
  // emptied by every change to the index, like indexedRows.
  const dfCache = new Map<string, number>();
  const docCount = () => (indexedRows ??= (db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n);
  /** A quoted word's or phrase's papers: counted once per change (cached), when the term counts lack it. */
  const exactDf = (p: string) => dfOf(p, docCount());
  const args = (match: string): unknown[] => {
    if (!native) return [];
    return [idfArgument(match, (p) => {
      // Under FTS5's idf, pb_bm25 counts what the term counts lack itself (-1); Lucene's it cannot compute.
      const df = o.terms()?.df(p) ?? (lucene ? exactDf(p) : null);
      return df === null ? null : idfOf(df);
    })];
  };
  function dfOf(word: string, cap: number): number {
    const known = o.terms()?.df(word) ?? null;
    if (known !== null) return Math.min(known, cap);
    const key = `${cap} ${word}`;
    let n = dfCache.get(key);
    if (n === undefined) {
      if (dfCache.size >= DF_CACHE_SIZE) dfCache.clear();
      dfCache.set(key, (n = (docFreq.get(word, cap) as { n: number }).n));
    }
    return n;
  }
  /** A plain AND or OR of single-token words from the words' postings in memory, when they are there. */
  function fromPostings(match: string, n: number) {
    const plain = plainWords(match);
    const terms = o.terms();
    if (!postings || !plain || !terms) return null;
    const words = plain.words;
    const tokens: string[] = [];
    for (const w of words) {
      const t = terms.tokens(w);
      if (t.length !== 1) return null;
      tokens.push(t[0]!);
    }
    const idf = args(match)[0] as Buffer;
    const idfs = words.map((_, i) => idf.readDoubleLE(8 * i));
    // A word pb_bm25 would count itself (-1: FTS5's idf without the word's count) is left to pb_bm25.
    if (idfs.some((x) => !(x >= 0))) return null;
    return postings.top(tokens, idfs, words.map((w) => dfOf(w, docCount())), n, plain.op);
  }

  return {
    ranking: o.ranking,
    rank,
    args,
    docCount,
    idfFormula: lucene ? 'lucene' : 'fts5',
    idf: idfOf,
    dfOf,
    // Ids only: the arXiv ids of the few papers shown are looked up afterwards (withArxivIds), so an
    // unfiltered query ranks inside FTS5 without joining every match to `docs` (~25% of its time).
    fromPostings(match, n) {
      const fast = fromPostings(match, n);
      if (fast) lastMatched = fast.matched;
      return fast && fast.rows.map((r): Ranked => ({ id: r.id, arxivId: '', score: r.score }));
    },
    topScores(match, from, params, n) {
      const fast = from === PLAIN_FROM ? fromPostings(match, n) : null;
      if (fast) {
        lastMatched = fast.matched;
        return fast.rows.map((r): Ranked => ({ id: r.id, arxivId: '', score: r.score }));
      }
      const rows = db.prepare(`SELECT fts.rowid AS id, ${rank} AS score ${from} ORDER BY score DESC, id LIMIT ?`).all(...args(match), match, ...params, n) as Array<{ id: number; score: number }>;
      // Fewer rows than asked for are all the matches; a full page had every match scored (pb_scored is
      // reset by a statement's first scored row, so it is this statement's count).
      lastMatched = rows.length < n ? rows.length : scored ? (scored.get() as number) : null;
      return rows.map((r): Ranked => ({ id: r.id, arxivId: '', score: r.score }));
    },
    matched: () => lastMatched,
    changed(texts) {
      if (texts === 0) return;
      indexedRows = null;
      dfCache.clear();
      postings?.changed();
      o.terms()?.changed(texts);
    },
    forget: (id) => void forget?.run(id),
  };
}
