/**
 * pb_bm25's common-word counts: the document frequency of every token in more than `budget` papers, from
 * one pass over the index in a worker thread, handed to pb_bm25 as idfs. bm25() counts each common word's
 * postings again in every statement naming it (3–6 ms a word at 1M papers). A snapshot serves until more
 * than 1% of the catalog has changed since it was taken (a word in over 8,000 papers then moves its idf by
 * at most ~0.01); until the next one arrives it still serves, and words it lacks are counted per statement.
 */
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { TOKENIZE } from './schema.ts';
import type { Ranking, TermSnapshot } from './types.ts';

const TOKEN_CACHE_SIZE = 10_000;


export interface TermStats {
  /** 'unneeded' (bm25() ranks, or the catalog is within the stage budget), 'current', or 'stale'. */
  state(): 'unneeded' | 'current' | 'stale';
  /** Count again in a worker; one count at a time (a second call joins the running one). */
  refresh(): Promise<void>;
  /** The document frequency of a quoted word from the counts, when it is one common token. */
  df(quoted: string): number | null;
  /** The FTS5 tokens of a quoted word (its own tokenizer; cached). */
  tokens(quoted: string): string[];
  /** `n` papers' text changed (counts as staleness). */
  changed(n: number): void;
  /** Stop a count in progress. */
  close(): void;
  /** The counts now (null before the first refresh), for a query thread's `adopt`. */
  snapshot(): TermSnapshot | null;
  /** Use counts taken by another connection to the same file (a query thread's read-only one). */
  adopt(s: TermSnapshot): void;
}

export function createTermStats(db: SQLite.Database, o: { file: string; ranking: Ranking; budget: number; docCount: () => number }): TermStats {
  let termStats: { rows: number; df: Map<string, number>; terms: Array<[string, number]> } | null = null;
  let version = 0;
  let textChanges = 0;
  let textChangesAtStats = 0;
  let refreshing: Promise<void> | null = null;
  let statsWorker: Worker | null = null;

  // The tokens FTS5 makes of a query word (its own tokenizer, in a scratch table); permanent, as the
  // tokenizer never changes.
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.tok USING fts5(w, content = '', ${TOKENIZE});
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.tok_terms USING fts5vocab(temp, tok, instance);
  `);
  const tokInsert = db.prepare('INSERT INTO temp.tok (rowid, w) VALUES (?, ?)');
  const tokRead = db.prepare('SELECT term FROM temp.tok_terms ORDER BY offset');
  const tokClear = db.prepare(`INSERT INTO temp.tok (tok) VALUES ('delete-all')`);
  const tokenCache = new Map<string, string[]>();
  const tokenize = db.transaction((word: string): string[] => {
    tokInsert.run(1, word);
    const terms = (tokRead.all() as Array<{ term: string }>).map((r) => r.term);
    tokClear.run();
    return terms;
  });

  function tokensOf(quoted: string): string[] {
    let tokens = tokenCache.get(quoted);
    if (!tokens) {
      tokens = tokenize(quoted.slice(1, -1).replace(/""/g, '"'));
      if (tokenCache.size >= TOKEN_CACHE_SIZE) tokenCache.clear();
      tokenCache.set(quoted, tokens);
    }
    return tokens;
  }

  // Every row's length for pb_bm25 at once (1M papers: ms figures in docs/benchmarks.md), instead of
  // one %_docsize lookup per row scored until each row has been seen.
  const loadLengths = () => void db.prepare(`SELECT pb_lengths_load('fts')`).get();

  return {
    snapshot: () => (termStats ? { version, rows: termStats.rows, terms: termStats.terms } : null),
    adopt(s) {
      termStats = { rows: s.rows, df: new Map(s.terms), terms: s.terms };
      version = s.version;
      textChangesAtStats = textChanges;
      if (o.ranking.fn === 'pb_bm25') loadLengths();
    },
    state() {
      if (o.ranking.fn !== 'pb_bm25' || o.docCount() <= o.budget) return 'unneeded';
      return termStats === null || (textChanges - textChangesAtStats) * 100 > termStats.rows ? 'stale' : 'current';
    },
    refresh() {
      if (o.ranking.fn !== 'pb_bm25') return Promise.resolve();
      const at = textChanges;
      return (refreshing ??= new Promise<{ rows: number; terms: Array<[string, number]> } | null>((resolve, reject) => {
        const worker = (statsWorker = new Worker(new URL('./term-stats.worker.mjs', import.meta.url), { workerData: { file: o.file, over: o.budget } }));
        worker.once('message', resolve);
        worker.once('error', reject);
        // Stopped by close() (a rebuild, a shutdown): nothing to report. Otherwise it died before answering.
        worker.once('exit', (code) => (db.open ? reject(new Error(`the term statistics worker ended (exit code ${code}) before it answered`)) : resolve(null)));
      })
        .then((r) => {
          if (!r || !db.open) return;
          termStats = { rows: r.rows, df: new Map(r.terms), terms: r.terms };
          version++;
          textChangesAtStats = at;
          loadLengths();
        })
        .finally(() => {
          refreshing = null;
          statsWorker = null;
        }));
    },
    df(quoted) {
      if (!termStats) return null;
      const tokens = tokensOf(quoted);
      return tokens.length === 1 ? (termStats.df.get(tokens[0]!) ?? null) : null;
    },
    tokens: tokensOf,
    changed(n) {
      textChanges += n;
    },
    close() {
      if (statsWorker) void statsWorker.terminate();
    },
  };
}
