/**
 * What one common word costs FTS5's bm25() per statement, and what highlighting a page costs, on a
 * built index: `npx tsx bench/build-synthetic.ts 1000000 /tmp/syn-1m` once, then
 * `npx tsx bench/fts5-idf-cost.ts /tmp/syn-1m`.
 *
 * bm25() counts every named word's postings (for its idf) the first time it scores a row of a statement,
 * whatever the LIMIT; the first three rows compare a statement without bm25, with bm25, and a full count,
 * over the 20 most common words of the bench queries. The last two compare highlighting a page of 20 on the
 * index itself (`MATCH … AND rowid IN (…)`, the old way) with the index's `decorate()` (scratch table).
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { contentWords, ftsQuote, parseQuery, openSearchIndex } from '../src/search/index.ts';
import { syntheticKeywordQueries } from './synthetic.ts';

const dir = process.argv[2] ?? '/tmp/syn-1m';
const db = new SQLite(path.join(dir, 'search.db'), { readonly: true });
const BM25 = 'bm25(fts, 3, 1, 1, 0.3)';
const queries = syntheticKeywordQueries(300).map((q) => parseQuery(q));
const words = [...new Set(queries.flatMap((q) => contentWords(q)))].slice(0, 400);
const df = db.prepare('SELECT count(*) AS n FROM fts WHERE fts MATCH ?');
const common = words.map((w) => ({ w, n: (df.get(ftsQuote(w)) as { n: number }).n })).sort((a, b) => b.n - a.n).slice(0, 20);
console.log(`${common.length} most common query words: ${common[common.length - 1]!.n}–${common[0]!.n} papers each`);
const perWord = (label: string, sql: string) => {
  const st = db.prepare(sql);
  const t = performance.now();
  for (const c of common) st.all(ftsQuote(c.w));
  console.log(`${label.padEnd(40)} ${((performance.now() - t) / common.length).toFixed(2)} ms a word`);
};
perWord('first row, no bm25', 'SELECT rowid FROM fts WHERE fts MATCH ? LIMIT 1');
perWord('first row with bm25 (idf counted)', `SELECT rowid, ${BM25} FROM fts WHERE fts MATCH ? LIMIT 1`);
perWord('count every posting', 'SELECT count(*) FROM fts WHERE fts MATCH ?');

const n = (db.prepare('SELECT max(rowid) AS n FROM fts').get() as { n: number }).n;
const ids = Array.from({ length: 20 }, (_, i) => 1 + Math.floor((i * n) / 20));
const onIndex = db.prepare(
  `SELECT rowid, highlight(fts, 0, '[', ']'), snippet(fts, 1, '[', ']', '…', 40) FROM fts WHERE fts MATCH ? AND rowid IN (${ids.map(() => '?').join(',')})`,
);
const idx = openSearchIndex(dir);
const time = (label: string, fn: (q: (typeof queries)[number]) => unknown) => {
  const ms = queries.map((q) => {
    const t = performance.now();
    fn(q);
    return performance.now() - t;
  }).sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} p50 ${ms[ms.length >> 1]!.toFixed(2)} ms, p95 ${ms[Math.floor(ms.length * 0.95)]!.toFixed(2)} ms`);
};
time('page of 20 highlighted on the index', (q) => onIndex.all(`(${contentWords(q).map(ftsQuote).join(' OR ')})`, ...ids));
time('page of 20 highlighted by decorate()', (q) => idx.decorate(q, ids.map((id) => ({ id, score: 0 }))));
idx.close();
