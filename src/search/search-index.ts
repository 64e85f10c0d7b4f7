/**
 * The keyword search index: an SQLite FTS5 file per app node, derived from the catalog and rebuilt
 * from it at will. It knows nothing of the catalog's tables: documents arrive through `apply()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { DEFAULT_PRF, expansionTerms, type PrfOptions } from './prf.ts';
import { EXHAUSTIVE_BUDGET, fts5Idf, rankAnyWords, type StageSql } from './keyword-stage.ts';
import { idfArgument, loadRankExtension } from './native-rank.ts';
import { ALL_WORDS_UP_TO, contentWords, ftsQuote, hasText, toFtsMatch, type ParsedQuery, type SortOrder } from './query.ts';

/** What the index needs of a paper. */
export interface IndexDoc {
  /** The catalog's numeric paper id: the FTS rowid. */
  id: number;
  arxivId: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  publishedAt: string | null;
  dailyDate: string | null;
  upvotes: number;
  seq: number;
  /** Extra words for the low-weight expansion column (document expansion), if any. */
  expansion?: string;
}

export interface SearchOptions {
  limit: number;
  offset?: number;
  sort?: SortOrder;
  /** A ranked list for fusion: no highlighting (the final page is decorated once) and no exact `total`
   * (counting the OR of common words is a large part of a query on a big catalog): total is then 0. */
  plain?: boolean;
  /** Score every paper matching the OR of the words (the stage before the bounded one; benchmarks compare the two). */
  exhaustive?: boolean;
  /** Candidates for fusion (hybrid): on a catalog too large to rank every match, the OR of the words
   * ranked by the bounded stage alone — no all-words-first pass and no feedback run (each costs as much
   * again). A catalog small enough to rank exhaustively gets the full keyword ranking. Use with `plain`. */
  candidates?: boolean;
}

export interface KeywordHit {
  id: number;
  arxivId: string;
  score: number;
  /** Title and abstract with matches wrapped in MARK_START/MARK_END (not yet HTML-escaped). */
  titleMarked: string;
  snippetMarked: string;
}

export interface KeywordResult {
  hits: KeywordHit[];
  total: number;
}

/** Private-use characters that cannot occur in paper text; the views turn them into <mark>. */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/**
 * Field weights for bm25(): title matters most (BM25F-style), then authors, abstract, expansion
 * terms. Measured on SciFact train: see docs/search-quality.md.
 */
export const DEFAULT_WEIGHTS = { title: 3.0, abstract: 1.0, authors: 1.0, expansion: 0.3 };
const SCHEMA_VERSION = '2';
const DF_CACHE_SIZE = 10_000;

export interface SearchIndex {
  readonly file: string;
  lastSeq(): number;
  count(): number;
  apply(docs: IndexDoc[]): void;
  remove(ids: number[]): void;
  search(q: ParsedQuery, opts: SearchOptions): KeywordResult;
  /** The text of an indexed paper (title, abstract), or null. */
  textOf(id: number): { title: string; abstract: string } | null;
  /** Keep the ids (in their order) that pass the query's filters, phrases, authors and exclusions. */
  filterIds(q: ParsedQuery, ids: number[]): number[];
  /** Highlighted titles and snippets for hits ranked elsewhere (semantic, fused). */
  decorate(q: ParsedQuery, ranked: Array<{ id: number; score: number }>): KeywordHit[];
  /** Vectors, stored beside the text; `embedder` names what made them. */
  vectors: VectorStore;
  meta(key: string): string | null;
  setMeta(key: string, value: string): void;
  close(): void;
  /** What scores relevance: pb_bm25 (native/pb_rank.c) or FTS5's bm25() (with why the native one is not used). */
  readonly ranking: { fn: 'pb_bm25' } | { fn: 'bm25'; why: string };
  /** pb_bm25's common-word counts: 'unneeded' (bm25() ranks, or the catalog is within the stage budget),
   * 'current', or 'stale' (missing, or more than 1% of the catalog's text changed since they were taken). */
  termStatsState(): 'unneeded' | 'current' | 'stale';
  /** Count the common words' papers again, in a worker thread (one pass over the index; ~3.6 s at 1M papers). */
  refreshTermStats(): Promise<void>;
}

/** 'auto': pb_bm25 when it was built, else bm25(); 'native': pb_bm25 or fail; 'bm25': FTS5's own. */
export type RankChoice = 'auto' | 'native' | 'bm25';

export interface VectorStore {
  /** The embedder the stored vectors came from, or null. */
  embedder(): string | null;
  /** Forget every vector and record the embedder that will make the new ones. */
  reset(embedder: string | null): void;
  /** Papers that have text but no vector yet (new, changed, or after a reset). */
  pending(limit: number): Array<{ id: number; text: string }>;
  pendingCount(): number;
  count(): number;
  /** Store vectors made by `embedder`; ignored if the store was reset to another embedder meanwhile. */
  put(embedder: string, rows: Array<{ id: number; v: Float32Array }>): boolean;
  get(id: number): Float32Array | null;
  /** Every stored vector, in id order (loading the in-memory index). */
  all(): IterableIterator<{ id: number; v: Float32Array }>;
  /** Every indexed text (training the built-in embedder). */
  texts(): IterableIterator<string>;
  /** Bumped by every change to the stored vectors: a saved in-memory index is current if it saw this version. */
  version(): number;
}

/** The text an embedder sees for a paper. */
export const embedText = (title: string, abstract: string) => `${title}. ${abstract}`;

const toBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const fromBlob = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/**
 * Open (creating if needed) the index in `dir`. A file from an older schema is rebuilt from empty.
 * @example const idx = openSearchIndex('./data/index'); idx.search(parseQuery('graph'), { limit: 10 })
 */
export function openSearchIndex(
  dir: string,
  weights: typeof DEFAULT_WEIGHTS = DEFAULT_WEIGHTS,
  prf: PrfOptions | null = DEFAULT_PRF,
  opts: { rank?: RankChoice; budget?: number } = {},
): SearchIndex {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'search.db');
  let db = new SQLite(file);
  const version = (() => {
    try {
      return (db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined)?.value;
    } catch {
      return undefined;
    }
  })();
  if (version !== undefined && version !== SCHEMA_VERSION) {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    db = new SQLite(file);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS docs (
      id INTEGER PRIMARY KEY, arxiv_id TEXT NOT NULL, categories TEXT NOT NULL,
      published TEXT, daily_date TEXT, upvotes INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS vectors (id INTEGER PRIMARY KEY, v BLOB NOT NULL);
    CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
      title, abstract, authors, expansion,
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
    INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '${SCHEMA_VERSION}'), ('last_seq', '0');
  `);

  const upsertDoc = db.prepare(
    `INSERT INTO docs (id, arxiv_id, categories, published, daily_date, upvotes) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET arxiv_id = excluded.arxiv_id, categories = excluded.categories,
       published = excluded.published, daily_date = excluded.daily_date, upvotes = excluded.upvotes`,
  );
  const deleteFts = db.prepare('DELETE FROM fts WHERE rowid = ?');
  const insertFts = db.prepare('INSERT INTO fts (rowid, title, abstract, authors, expansion) VALUES (?, ?, ?, ?, ?)');
  const deleteDoc = db.prepare('DELETE FROM docs WHERE id = ?');
  const deleteVector = db.prepare('DELETE FROM vectors WHERE id = ?');
  const oldText = db.prepare('SELECT title, abstract, authors, expansion FROM fts WHERE rowid = ?');
  const bumpVectors = () => db.prepare(`INSERT INTO meta (key, value) VALUES ('vectors_version', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`).run();
  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
  const putMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const w = weights;
  const budget = opts.budget ?? EXHAUSTIVE_BUDGET;
  const choice = opts.rank ?? 'auto';
  const loaded = choice === 'bm25' ? ({ ok: false, why: 'FTS5 bm25() chosen' } as const) : loadRankExtension(db);
  if (choice === 'native' && !loaded.ok) throw new Error(`search index: the native ranking function is required but ${loaded.why}`);
  const ranking: SearchIndex['ranking'] = loaded.ok ? { fn: 'pb_bm25' } : { fn: 'bm25', why: loaded.why };
  // A higher-is-better relevance expression over `fts` and its leading parameters (rankArgs).
  const weightList = `${w.title}, ${w.abstract}, ${w.authors}, ${w.expansion}`;
  // pb_bm25 caches row lengths per connection: every row deleted or rewritten is forgotten first.
  const forget = loaded.ok ? db.prepare('SELECT pb_forget(?)') : null;
  const RANK = loaded.ok ? `-pb_bm25(fts, ?, ${weightList})` : `-bm25(fts, ${weightList})`;

  type Ranked = { id: number; arxivId: string; score: number };
  // Ids only: the arXiv ids of the few papers shown are looked up afterwards (withArxivIds), so an
  // unfiltered query ranks inside FTS5 without joining every match to `docs` (~25% of its time).
  const topScores = (match: string, from: string, params: unknown[], n: number) =>
    (db.prepare(`SELECT fts.rowid AS id, ${RANK} AS score ${from} ORDER BY score DESC, id LIMIT ?`).all(...rankArgs(match), match, ...params, n) as Array<{ id: number; score: number }>).map(
      (r): Ranked => ({ id: r.id, arxivId: '', score: r.score }),
    );
  const arxivIds = db.prepare('SELECT id, arxiv_id FROM docs WHERE id IN (SELECT value FROM json_each(?))');
  const withArxivIds = (page: Ranked[]): Ranked[] => {
    if (page.length === 0) return page;
    const byId = new Map((arxivIds.all(JSON.stringify(page.map((r) => r.id))) as Array<{ id: number; arxiv_id: string }>).map((r) => [r.id, r.arxiv_id]));
    return page.flatMap((r) => (byId.has(r.id) ? [{ ...r, arxivId: byId.get(r.id)! }] : []));
  };

  const docFreq = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)');
  // FTS5's row count, for idf bounds; counting a large `docs` costs milliseconds, so once per change.
  let indexedRows: number | null = null;
  // Capped document frequencies of recent query words (a common word's count reads up to 8,000 postings);
  // emptied by every change to the index, like indexedRows.
  const dfCache = new Map<string, number>();
  const docCount = () => (indexedRows ??= (db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n);
  // Document frequencies of the common tokens (in more than `budget` papers), from one pass over the index
  // (refreshTermStats, in a worker) and handed to pb_bm25 as idfs: bm25() counts each common word's
  // postings again in every statement naming it (3–6 ms a word at 1M papers). A snapshot serves until more
  // than 1% of the catalog has changed since it was taken (a word in over 8,000 papers then moves its idf by
  // at most ~0.01); until the next one arrives it still serves, and words it lacks are counted per statement.
  let termStats: { rows: number; df: Map<string, number> } | null = null;
  let textChanges = 0;
  let textChangesAtStats = 0;
  let refreshing: Promise<void> | null = null;
  let statsWorker: Worker | null = null;
  const changed = (n: number) => {
    if (n === 0) return;
    indexedRows = null;
    dfCache.clear();
    textChanges += n;
  };
  const statsState = (): 'unneeded' | 'current' | 'stale' => {
    if (ranking.fn !== 'pb_bm25' || docCount() <= budget) return 'unneeded';
    return termStats === null || (textChanges - textChangesAtStats) * 100 > termStats.rows ? 'stale' : 'current';
  };
  function refreshTermStats(): Promise<void> {
    if (ranking.fn !== 'pb_bm25') return Promise.resolve();
    const at = textChanges;
    return (refreshing ??= new Promise<{ rows: number; terms: Array<[string, number]> } | null>((resolve, reject) => {
      const worker = (statsWorker = new Worker(new URL('./term-stats.worker.mjs', import.meta.url), { workerData: { file, over: budget } }));
      worker.once('message', resolve);
      worker.once('error', reject);
      // Stopped by close() (a rebuild, a shutdown): nothing to report. Otherwise it died before answering.
      worker.once('exit', (code) => (db.open ? reject(new Error(`the term statistics worker ended (exit code ${code}) before it answered`)) : resolve(null)));
    })
      .then((r) => {
        if (!r || !db.open) return;
        termStats = { rows: r.rows, df: new Map(r.terms) };
        textChangesAtStats = at;
        // Every row's length for pb_bm25 at once (1M papers: ms figures in docs/benchmarks.md), instead of
        // one %_docsize lookup per row scored until each row has been seen.
        db.prepare(`SELECT pb_lengths_load('fts')`).get();
      })
      .finally(() => {
        refreshing = null;
        statsWorker = null;
      }));
  }
  // The tokens FTS5 makes of a query word (its own tokenizer, in a scratch table); permanent, as the
  // tokenizer never changes.
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.tok USING fts5(w, content = '', tokenize = 'porter unicode61 remove_diacritics 2');
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
  /** The document frequency of a quoted word from the term statistics, when it is one common token. */
  const statsDf = (quoted: string): number | null => {
    if (!termStats) return null;
    let tokens = tokenCache.get(quoted);
    if (!tokens) {
      tokens = tokenize(quoted.slice(1, -1).replace(/""/g, '"'));
      if (tokenCache.size >= DF_CACHE_SIZE) tokenCache.clear();
      tokenCache.set(quoted, tokens);
    }
    return tokens.length === 1 ? (termStats.df.get(tokens[0]!) ?? null) : null;
  };
  /** The capped document frequency of a quoted word (exact below `cap`). */
  const dfOf = (word: string, cap: number): number => {
    const known = statsDf(word);
    if (known !== null) return Math.min(known, cap);
    const key = `${cap} ${word}`;
    let n = dfCache.get(key);
    if (n === undefined) {
      if (dfCache.size >= DF_CACHE_SIZE) dfCache.clear();
      dfCache.set(key, (n = (docFreq.get(word, cap) as { n: number }).n));
    }
    return n;
  };
  /** The leading parameters of RANK for a statement matching `match`. */
  const rankArgs = (match: string): unknown[] => {
    if (ranking.fn !== 'pb_bm25') return [];
    return [idfArgument(match, (p) => {
      const df = statsDf(p);
      return df === null ? null : fts5Idf(docCount(), df);
    })];
  };
  /** Rank the OR of `words` (wrapped into the query's full MATCH): bounded when allowed, else exhaustive. */
  type RankWords = (words: string[], wrap: (group: string) => string, n: number, atLeast: number, dropCommon?: boolean, lean?: boolean) => Ranked[];
  const rankerFor = (from: string, params: unknown[], bounded: boolean): RankWords => {
    const sql: StageSql = {
      scores: (m, n, filtered) =>
        n !== null && filtered
          ? topScores(m, from, params, n)
          : (db.prepare(`SELECT fts.rowid AS id, ${RANK} AS score ${filtered ? from : 'FROM fts WHERE fts MATCH ?'}${n === null ? '' : ` ORDER BY score DESC, id LIMIT ?`}`)
              .all(...rankArgs(m), m, ...(filtered ? params : []), ...(n === null ? [] : [n])) as Array<{ id: number; score: number }>),
      docFreq: dfOf,
    };
    return (words, wrap, n, atLeast, dropCommon, lean) => {
      const quoted = words.map(ftsQuote);
      if (!bounded) return topScores(wrap(`(${quoted.join(' OR ')})`), from, params, n);
      return rankAnyWords(sql, { words: quoted, wrap, n, atLeast, dropCommon, lean, docCount: docCount(), budget }).ranked.map((r) => ({ ...r, arxivId: '' }));
    };
  };

  /** RM3-style: a second run on the feedback words, interpolated with the first at max-normalized scores. */
  function rankWithFeedback(rank: RankWords, q: ParsedQuery, from: string, params: unknown[], queryWords: Set<string>, need: number): Ranked[] {
    const depth = Math.max(need, 200);
    const first = rank([...queryWords], (g) => toFtsMatch(q, { words: 'any', group: g })!, depth, need);
    const fbDocs = first.slice(0, prf!.docs);
    const texts = db.prepare(`SELECT rowid AS id, title || ' ' || abstract AS text FROM fts WHERE rowid IN (${fbDocs.map(() => '?').join(',')})`).all(...fbDocs.map((d) => d.id)) as Array<{ id: number; text: string }>;
    const byId = new Map(texts.map((t) => [t.id, t.text]));
    const terms = expansionTerms(fbDocs.map((d) => ({ text: byId.get(d.id) ?? '', score: d.score })), queryWords, prf!.terms);
    if (terms.length === 0) return first;
    // Feedback is a refinement: on a large catalog its common words are ranked within the stage's bounds only.
    const second = rank(terms, (g) => g, depth, 0, true);
    const max1 = first[0]?.score || 1;
    const max2 = second[0]?.score || 1;
    const fused = new Map<number, Ranked>();
    for (const r of first) fused.set(r.id, { ...r, score: (1 - prf!.weight) * (r.score / max1) });
    for (const r of second) {
      const prev = fused.get(r.id);
      const add = prf!.weight * (r.score / max2);
      fused.set(r.id, prev ? { ...prev, score: prev.score + add } : { ...r, score: add });
    }
    return [...fused.values()].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, need);
  }

  // Highlighting happens in a per-connection scratch FTS5 table holding only the page: the same tokenizer,
  // highlight() and snippet() as the index, so the marks are identical, without the cost of `MATCH … AND
  // rowid IN (…)` on the big index (FTS5 restarts the query for every id). A page of 20 at 1M papers:
  // p50 3.6 ms that way, 0.7 ms this way (`npx tsx bench/fts5-idf-cost.ts DIR`).
  db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS page_src (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT, expansion TEXT);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.page USING fts5(
      title, abstract, authors, expansion, content = 'page_src', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
  `);
  const pageFill = db.prepare('INSERT INTO page_src (id, title, abstract, authors, expansion) SELECT rowid, title, abstract, authors, expansion FROM main.fts WHERE rowid IN (SELECT value FROM json_each(?))');
  const pageIndex = db.prepare('INSERT INTO page (rowid, title, abstract, authors, expansion) SELECT id, title, abstract, authors, expansion FROM page_src');
  const pageMarks = db.prepare(
    `SELECT rowid AS id, highlight(page, 0, '${MARK_START}', '${MARK_END}') AS t, snippet(page, 1, '${MARK_START}', '${MARK_END}', '…', 40) AS s FROM page WHERE page MATCH ?`,
  );
  const pagePlain = db.prepare('SELECT id, title AS t, substr(abstract, 1, 300) AS s FROM page_src');
  const pageClear = db.prepare(`INSERT INTO page (page) VALUES ('delete-all')`);
  const pageClearSrc = db.prepare('DELETE FROM page_src');
  const pageTexts = db.transaction((match: string | null, ids: number[]) => {
    pageFill.run(JSON.stringify(ids));
    pageIndex.run();
    const marks = match ? (pageMarks.all(match) as Array<{ id: number; t: string; s: string }>) : [];
    const plain = pagePlain.all() as Array<{ id: number; t: string; s: string }>;
    pageClear.run();
    pageClearSrc.run();
    return { marks, plain };
  });

  /** Highlighted title and snippet for a page of hits (plain text where the query words do not occur). */
  function decorate(match: string | null, page: Ranked[]): KeywordHit[] {
    if (page.length === 0) return [];
    const { marks, plain } = pageTexts(match, [...new Set(page.map((r) => r.id))]);
    const marked = new Map(plain.map((p) => [p.id, p]));
    for (const m of marks) marked.set(m.id, m);
    return page.map((r) => ({ ...r, titleMarked: marked.get(r.id)?.t ?? '', snippetMarked: marked.get(r.id)?.s ?? '' }));
  }

  /** SQL conditions on `docs d` for the query's filters (categories, year, dates). */
  function filterSql(q: ParsedQuery): { where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const c of q.categories) {
      // Categories are stored space-padded, so a LIKE on ` cs.CL ` matches whole names only.
      where.push(`d.categories LIKE ? ESCAPE '\\'`);
      params.push(`% ${c.replace(/[%_\\]/g, '\\$&')} %`);
    }
    if (q.year !== null) {
      where.push('d.published >= ? AND d.published < ?');
      params.push(`${q.year}`, `${q.year + 1}`);
    }
    if (q.after) {
      where.push('d.published >= ?');
      params.push(q.after);
    }
    if (q.before) {
      where.push('d.published < ?');
      params.push(q.before);
    }
    return { where, params };
  }

  const applyTx = db.transaction((docs: IndexDoc[]) => {
    let maxSeq = Number((getMeta.get('last_seq') as { value: string }).value);
    let texts = 0;
    for (const d of docs) {
      // A changed text needs a new vector; an upvote or category change does not, nor a new FTS row.
      const old = oldText.get(d.id) as { title: string; abstract: string; authors: string; expansion: string } | undefined;
      if ((!old || old.title !== d.title || old.abstract !== d.abstract) && deleteVector.run(d.id).changes) bumpVectors();
      upsertDoc.run(d.id, d.arxivId, ` ${d.categories.join(' ')} `, d.publishedAt, d.dailyDate, d.upvotes);
      const authors = d.authors.join(', ');
      const expansion = d.expansion ?? '';
      if (!old || old.title !== d.title || old.abstract !== d.abstract || old.authors !== authors || old.expansion !== expansion) {
        forget?.run(d.id);
        deleteFts.run(d.id);
        insertFts.run(d.id, d.title, d.abstract, authors, expansion);
        texts++;
      }
      if (d.seq > maxSeq) maxSeq = d.seq;
    }
    changed(texts);
    putMeta.run('last_seq', String(maxSeq));
  });

  const vectorsPending = db.prepare(
    'SELECT f.rowid AS id, f.title, f.abstract FROM fts f WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = f.rowid) LIMIT ?',
  );
  const vectorsPendingCount = db.prepare('SELECT count(*) AS n FROM fts f WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.id = f.rowid)');
  const vectorsCount = db.prepare('SELECT count(*) AS n FROM vectors');
  const vectorOf = db.prepare('SELECT v FROM vectors WHERE id = ?');
  const putVector = db.prepare('INSERT INTO vectors (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v');
  const vectors: VectorStore = {
    embedder: () => (getMeta.get('embedder') as { value: string } | undefined)?.value || null,
    reset: db.transaction((embedder: string | null) => {
      db.exec('DELETE FROM vectors');
      bumpVectors();
      putMeta.run('embedder', embedder ?? '');
    }) as (embedder: string | null) => void,
    pending: (limit) => (vectorsPending.all(limit) as Array<{ id: number; title: string; abstract: string }>).map((r) => ({ id: r.id, text: embedText(r.title, r.abstract) })),
    pendingCount: () => (vectorsPendingCount.get() as { n: number }).n,
    count: () => (vectorsCount.get() as { n: number }).n,
    put: db.transaction((embedder: string, rows: Array<{ id: number; v: Float32Array }>) => {
      if (vectors.embedder() !== embedder) return false;
      // Only for papers still indexed: one removed while its vector was being computed stays removed.
      for (const r of rows) if (oldText.get(r.id)) putVector.run(r.id, toBlob(r.v));
      bumpVectors();
      return true;
    }) as (embedder: string, rows: Array<{ id: number; v: Float32Array }>) => boolean,
    get: (id) => {
      const r = vectorOf.get(id) as { v: Buffer } | undefined;
      return r ? fromBlob(r.v) : null;
    },
    *all() {
      for (const r of db.prepare('SELECT id, v FROM vectors ORDER BY id').iterate() as IterableIterator<{ id: number; v: Buffer }>) yield { id: r.id, v: fromBlob(r.v) };
    },
    version: () => Number((getMeta.get('vectors_version') as { value: string } | undefined)?.value ?? 0),
    *texts() {
      for (const r of db.prepare('SELECT title, abstract FROM fts ORDER BY rowid').iterate() as IterableIterator<{ title: string; abstract: string }>) yield embedText(r.title, r.abstract);
    },
  };

  return {
    file,
    lastSeq: () => Number((getMeta.get('last_seq') as { value: string }).value),
    count: () => (db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n,
    apply: (docs) => {
      if (docs.length) applyTx(docs);
    },
    remove: db.transaction((ids: number[]) => {
      changed(ids.length);
      for (const id of ids) {
        forget?.run(id);
        deleteFts.run(id);
        deleteDoc.run(id);
        if (deleteVector.run(id).changes) bumpVectors();
      }
    }) as (ids: number[]) => void,
    textOf: (id) => (db.prepare('SELECT title, abstract FROM fts WHERE rowid = ?').get(id) as { title: string; abstract: string } | undefined) ?? null,
    filterIds(q, ids) {
      if (ids.length === 0) return [];
      const { where, params } = filterSql(q);
      const must = toFtsMatch({ ...q, terms: [], excluded: [] });
      if (must) {
        where.push('d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)');
        params.push(must);
      }
      if (q.excluded.length) {
        where.push('d.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)');
        params.push(q.excluded.map((w) => `"${w}"`).join(' OR '));
      }
      if (where.length === 0) return ids;
      const kept = new Set(
        (db.prepare(`SELECT d.id FROM docs d WHERE d.id IN (SELECT value FROM json_each(?)) AND ${where.join(' AND ')}`).all(JSON.stringify(ids), ...params) as Array<{ id: number }>).map((r) => r.id),
      );
      return ids.filter((id) => kept.has(id));
    },
    decorate(q, ranked) {
      if (ranked.length === 0) return [];
      const page = withArxivIds(ranked.map((r) => ({ id: r.id, arxivId: '', score: r.score })));
      return decorate(hasText(q) ? toFtsMatch({ ...q, excluded: [] }) : null, page);
    },
    vectors,
    meta: (key) => (getMeta.get(key) as { value: string } | undefined)?.value ?? null,
    setMeta: (key, value) => void putMeta.run(key, value),
    close: () => {
      if (statsWorker) void statsWorker.terminate();
      db.close();
    },
    ranking,
    termStatsState: statsState,
    refreshTermStats,
    search(q, opts) {
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
        if (bounded && opts.candidates && content.length > 1 && docCount() > budget) {
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
          const ranked = rankWithFeedback(rank, q, from, params, new Set(content), need);
          return { total: count(match), hits: finish(ranked.slice(offset, offset + limit)) };
        }
        if (bounded && content.length > 1) {
          return { total: count(match), hits: finish(rank(content, wrap, need, need).slice(offset, offset + limit)) };
        }
        const rows = db
          .prepare(`SELECT fts.rowid AS id, ${RANK} AS score ${from} ORDER BY ${order === 'score' ? 'score DESC, id' : order} LIMIT ? OFFSET ?`)
          .all(...rankArgs(match), match, ...params, limit, offset) as Array<{ id: number; score: number }>;
        return { total: count(match), hits: finish(rows.map((r) => ({ id: r.id, arxivId: '', score: r.score }))) };
      }
      const from = `FROM docs d JOIN fts ON fts.rowid = d.id WHERE 1 = 1${filter}`;
      const rows = db
        .prepare(`SELECT d.id, d.arxiv_id, fts.title, substr(fts.abstract, 1, 300) AS abstract ${from} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as Array<{ id: number; arxiv_id: string; title: string; abstract: string }>;
      const total = (db.prepare(`SELECT count(*) AS n ${from}`).get(...params) as { n: number }).n;
      return { total, hits: rows.map((r) => ({ id: r.id, arxivId: r.arxiv_id, score: 0, titleMarked: r.title, snippetMarked: r.abstract })) };
    },
  };
}
