/**
 * Lab: ranking plain AND queries from term postings in memory against pb_bm25 in FTS5, on a real index:
 * `npx tsx bench/lab/term-postings-check.ts DATA_DIR [QUERIES]`. Queries are words drawn from the index's
 * own vocabulary (seeded; one to three words, over every document frequency), not the bench:http set.
 * Prints how many top-100 lists were identical (ids and scores bit for bit) and the time per query of
 * each way, the postings warm (their one-off reading is printed apart). COMMON=1: bench:http's own queries
 * (bench-queries.ts) instead.
 */
import SQLite from 'better-sqlite3';
import { openKeywordReader } from '../../src/search/keyword/keyword-reader.ts';
import { parseQuery } from '../../src/search/index.ts';
import { benchQueries } from '../bench-queries.ts';

const dir = process.argv[2]!;
const count = Number(process.argv[3] ?? 1000);
const file = `${dir}/index/search.db`;
const vocab = new SQLite(file, { readonly: true });
vocab.exec(`CREATE VIRTUAL TABLE temp.v USING fts5vocab('main', 'fts', 'row')`);
// Words as a user types them: the vocabulary's ASCII tokens of 4+ letters seen in 20+ papers.
const words = vocab.prepare(`SELECT term FROM temp.v WHERE doc >= 20 AND length(term) >= 4 AND term GLOB '[a-z]*' AND term NOT GLOB '*[^a-z]*'`).pluck().all() as string[];
vocab.close();
let seed = 20261203;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
// Or, with COMMON=1, the queries bench:http sends (pairs of its common words), in its order.
const pairs = benchQueries();
const queries = process.env.COMMON
  ? Array.from({ length: count }, (_, i) => pairs[i % pairs.length]!)
  : Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => words[Math.floor(rand() * words.length)]!).join(' '));

const fts = openKeywordReader(file, { postings: false, prior: null });
const mem = openKeywordReader(file, { postings: { stableMs: 0 }, prior: null });
const opts = { limit: 100, plain: true } as const;
let t = performance.now();
for (const q of queries) mem.search(parseQuery(q), opts);
console.log(`reading postings (first pass over ${count} queries): ${(performance.now() - t).toFixed(0)} ms`);
let same = 0;
let differ = 0;
for (const q of queries) {
  const a = fts.search(parseQuery(q), opts);
  const b = mem.search(parseQuery(q), opts);
  const key = (r: typeof a) => `${r.total} ${r.hits.map((h) => `${h.id}:${h.score}`).join(',')}`;
  if (key(a) === key(b)) same++;
  else if (differ++ < 5) console.log('differs:', q, '\n  fts5    ', key(a).slice(0, 200), '\n  postings', key(b).slice(0, 200));
}
console.log(`${same} identical, ${differ} differ`);
for (const [name, r] of [['fts5', fts], ['postings', mem], ['fts5', fts], ['postings', mem]] as const) {
  t = performance.now();
  for (const q of queries) r.search(parseQuery(q), opts);
  console.log(`${name.padEnd(8)} ${((performance.now() - t) / count).toFixed(3)} ms a query`);
}
fts.close();
mem.close();
