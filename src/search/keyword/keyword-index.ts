/**
 * The keyword search index: an SQLite FTS5 file per app node, derived from the catalog and rebuilt
 * from it at will. It knows nothing of the catalog's tables: documents arrive through `apply()`.
 * This file only wires the parts: schema, scoring, term statistics, ranking, highlighting, filters,
 * the document writer and the vector store, each in its own file.
 */
import type SQLite from 'better-sqlite3';
import type { Logger } from 'pino';
import { DEFAULT_PRF, type PrfOptions } from '../prf.ts';
import { EXHAUSTIVE_BUDGET } from '../keyword-stage.ts';
import { hasText, toFtsMatch } from '../query.ts';
import { createVectorStore } from '../vectors/vector-store.ts';
import { createDocumentWriter } from './documents.ts';
import { filterIds } from './filters.ts';
import { createHighlighter, type Decorate } from './highlight.ts';
import { DEFAULT_PRIOR, type PriorOptions } from './prior.ts';
import { createKeywordSearch, type KeywordSearch } from './ranking.ts';
import { startCheckpoints } from './checkpoint.ts';
import { quickCheck } from './integrity.ts';
import { createMeta, openIndexDb } from './schema.ts';
import { chooseRanking, createScoring } from './scoring.ts';
import { createTermStats, type TermStats } from './term-stats.ts';
import type { TermPostingsOptions } from './term-postings.ts';
import { DEFAULT_WEIGHTS, type FieldWeights, type IdfChoice, type RankChoice, type SearchIndex } from './types.ts';

export interface KeywordIndexOptions {
  weights?: FieldWeights;
  /** Pseudo-relevance feedback for long queries; null turns it off. */
  prf?: PrfOptions | null;
  /** The community prior for short, navigational queries (prior.ts); null turns it off. */
  prior?: PriorOptions | null;
  rank?: RankChoice;
  /** BM25's idf: Lucene's (default, with pb_bm25) or FTS5's (always under bm25()). */
  idf?: IdfChoice;
  /** Postings up to which every match is scored (the bounded stage's budget). */
  budget?: number;
  /** Common words' postings in memory for plain AND queries (term-postings.ts); false: always FTS5. */
  postings?: TermPostingsOptions | false;
}

/** Highlighted titles and snippets for hits ranked elsewhere (semantic, fused), with their arXiv ids. */
export function decorateRanked(keyword: KeywordSearch, decorate: Decorate): SearchIndex['decorate'] {
  return (q, ranked) => {
    if (ranked.length === 0) return [];
    const page = keyword.withArxivIds(ranked.map((r) => ({ id: r.id, arxivId: '', score: r.score })));
    return decorate(hasText(q) ? toFtsMatch({ ...q, excluded: [] }) : null, page);
  };
}

/** The keyword parts over a connection to the index `file`: the same for the writer and for query threads. */
export function wireKeyword(db: SQLite.Database, file: string, opts: KeywordIndexOptions) {
  const budget = opts.budget ?? EXHAUSTIVE_BUDGET;
  const ranking = chooseRanking(db, opts.rank ?? 'auto');
  let terms: TermStats | null = null;
  const scoring = createScoring(db, { ranking, weights: opts.weights ?? DEFAULT_WEIGHTS, terms: () => terms, idf: opts.idf, postings: opts.postings });
  terms = createTermStats(db, { file, ranking, budget, docCount: scoring.docCount });
  const decorate = createHighlighter(db);
  const prior = opts.prior === undefined ? DEFAULT_PRIOR : opts.prior;
  const keyword = createKeywordSearch(db, { scoring, decorate, prf: opts.prf === undefined ? DEFAULT_PRF : opts.prf, budget, prior });
  return { ranking, scoring, terms, decorate, keyword };
}

/**
 * Open (creating if needed) the index in `dir`. A file from an older schema is rebuilt from empty.
 * @example const idx = openSearchIndex('./data/index'); idx.search(parseQuery('graph'), { limit: 10 })
 */
export function openSearchIndex(dir: string, opts: KeywordIndexOptions = {}, o: { log?: Logger | undefined } = {}): SearchIndex {
  const { db, file, replaced } = openIndexDb(dir);
  let checking: { stop: () => void } | null = null;
  const meta = createMeta(db);
  const { ranking, scoring, terms, decorate, keyword } = wireKeyword(db, file, opts);
  const vectors = createVectorStore(db, meta);
  const writer = createDocumentWriter(db, { meta, scoring, vectorRemoved: vectors.removed });
  const count = db.prepare('SELECT count(*) AS n FROM docs');
  const termStats = terms;
  const checkpoints = startCheckpoints(file, {
    onFailure(why) {
      // SQLite's own checkpoints inside commits again (its default threshold): stalls, but a bounded WAL.
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
      o.log?.warn({ file }, `the search index's checkpoint thread failed (${why}); the index writer checkpoints in its commits instead`);
    },
  });

  return {
    file,
    replaced,
    check() {
      const job = (checking = quickCheck(file));
      return job.result.finally(() => (checking = null));
    },
    lastSeq: () => Number(meta.get('last_seq')),
    count: () => (count.get() as { n: number }).n,
    apply: writer.apply,
    remove: writer.remove,
    mergeStep: writer.mergeStep,
    textOf: writer.textOf,
    search: keyword.search,
    filterIds: (q, ids) => filterIds(db, q, ids),
    decorate: decorateRanked(keyword, decorate),
    vectors,
    meta: meta.get,
    setMeta: meta.set,
    close: () => {
      checking?.stop();
      void checkpoints.stop();
      termStats.close();
      db.close();
    },
    ranking,
    termStatsState: termStats.state,
    refreshTermStats: termStats.refresh,
    termStatsSnapshot: termStats.snapshot,
  };
}
