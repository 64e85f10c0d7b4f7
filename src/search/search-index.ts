/**
 * The keyword search index: an SQLite FTS5 file per app node, derived from the catalog and rebuilt
 * from it at will. It knows nothing of the catalog's tables: documents arrive through `apply()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { hasText, toFtsMatch, type ParsedQuery, type SortOrder } from './query.ts';

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
}

export interface SearchOptions {
  limit: number;
  offset?: number;
  sort?: SortOrder;
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
const SCHEMA_VERSION = '1';

export interface SearchIndex {
  readonly file: string;
  lastSeq(): number;
  count(): number;
  apply(docs: IndexDoc[]): void;
  remove(ids: number[]): void;
  search(q: ParsedQuery, opts: SearchOptions): KeywordResult;
  meta(key: string): string | null;
  setMeta(key: string, value: string): void;
  sizeBytes(): number;
  close(): void;
}

/**
 * Open (creating if needed) the index in `dir`. A file from an older schema is rebuilt from empty.
 * @example const idx = openSearchIndex('./data/index'); idx.search(parseQuery('graph'), { limit: 10 })
 */
export function openSearchIndex(dir: string, weights = DEFAULT_WEIGHTS): SearchIndex {
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
  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
  const putMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const w = weights;

  const applyTx = db.transaction((docs: IndexDoc[]) => {
    let maxSeq = Number((getMeta.get('last_seq') as { value: string }).value);
    for (const d of docs) {
      upsertDoc.run(d.id, d.arxivId, ` ${d.categories.join(' ')} `, d.publishedAt, d.dailyDate, d.upvotes);
      deleteFts.run(d.id);
      insertFts.run(d.id, d.title, d.abstract, d.authors.join(', '), '');
      if (d.seq > maxSeq) maxSeq = d.seq;
    }
    putMeta.run('last_seq', String(maxSeq));
  });

  return {
    file,
    lastSeq: () => Number((getMeta.get('last_seq') as { value: string }).value),
    count: () => (db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n,
    apply: (docs) => {
      if (docs.length) applyTx(docs);
    },
    remove: db.transaction((ids: number[]) => {
      for (const id of ids) {
        deleteFts.run(id);
        deleteDoc.run(id);
      }
    }) as (ids: number[]) => void,
    meta: (key) => (getMeta.get(key) as { value: string } | undefined)?.value ?? null,
    setMeta: (key, value) => void putMeta.run(key, value),
    sizeBytes: () => [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0),
    close: () => db.close(),
    search(q, opts) {
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
      const match = hasText(q) || q.authors.length ? toFtsMatch(q) : null;
      const sort = opts.sort ?? q.sort ?? (match ? 'relevance' : 'date');
      const order =
        sort === 'date' ? 'd.published DESC, d.id DESC' : sort === 'upvotes' ? 'd.upvotes DESC, d.published DESC' : match ? 'score' : 'd.published DESC';
      const filter = where.length ? ` AND ${where.join(' AND ')}` : '';
      const limit = Math.max(0, Math.min(opts.limit, 1000));
      const offset = Math.max(0, opts.offset ?? 0);
      if (match) {
        const from = `FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?${filter}`;
        const rows = db
          .prepare(
            `SELECT d.id, d.arxiv_id, bm25(fts, ${w.title}, ${w.abstract}, ${w.authors}, ${w.expansion}) AS score,
               highlight(fts, 0, '${MARK_START}', '${MARK_END}') AS title_marked,
               snippet(fts, 1, '${MARK_START}', '${MARK_END}', '…', 40) AS snippet_marked
             ${from} ORDER BY ${order} LIMIT ? OFFSET ?`,
          )
          .all(match, ...params, limit, offset) as Array<{ id: number; arxiv_id: string; score: number; title_marked: string; snippet_marked: string }>;
        const total = (db.prepare(`SELECT count(*) AS n ${from}`).get(match, ...params) as { n: number }).n;
        // bm25() is lower-is-better; expose higher-is-better scores.
        return { total, hits: rows.map((r) => ({ id: r.id, arxivId: r.arxiv_id, score: -r.score, titleMarked: r.title_marked, snippetMarked: r.snippet_marked })) };
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
