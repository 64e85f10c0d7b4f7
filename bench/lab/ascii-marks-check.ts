/** Lab: the JS marks against FTS5's on a real index's pages: `npx tsx bench/lab/ascii-marks-check.ts DATA_DIR`. */
import SQLite from 'better-sqlite3';
import { openSearchIndex, parseQuery } from '../../src/search/index.ts';
import { createStems, isAscii, marksOf, plainMatch, type PageText } from '../../src/search/keyword/ascii-marks.ts';
import { TOKENIZE } from '../../src/search/keyword/schema.ts';
import { toFtsMatch } from '../../src/search/query.ts';
const dir = process.argv[2]!;
const idx = openSearchIndex(`${dir}/index`);
const terms = ('diffusion language model reasoning graph neural vision transformer reinforcement feedback video image segmentation detection robot policy agent benchmark retrieval generation audio speech translation alignment ' +
  'preference reward optimization sparse attention memory efficient quantization pruning distillation federated privacy adversarial robustness uncertainty causal medical protein').split(' ');
const queries = terms.flatMap((a, i) => terms.slice(i + 1).map((b) => `${a} ${b}`));
const pages = queries.map((q) => ({ q, m: toFtsMatch({ ...parseQuery(q), excluded: [] })!, ids: idx.search(parseQuery(q), { limit: 20, plain: true }).hits.map((h) => h.id) }));
idx.close();
const db = new SQLite(`${dir}/index/search.db`, { readonly: true });
db.exec(`CREATE TEMP TABLE page_src (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT, expansion TEXT);
 CREATE VIRTUAL TABLE temp.page USING fts5(title, abstract, authors, expansion, content='page_src', content_rowid='id', ${TOKENIZE});`);
const rowsOf = db.prepare(`SELECT rowid AS id, title, abstract, authors, expansion FROM main.fts WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid`);
const fill = db.prepare('INSERT INTO page_src VALUES (?, ?, ?, ?, ?)');
const marks = db.prepare(`SELECT rowid AS id, highlight(page, 0, '[', ']') AS t, snippet(page, 1, '[', ']', '…', 40) AS s FROM page WHERE page MATCH ? ORDER BY rowid`);
const stems = createStems(db);
let same = 0, differ = 0, skipped = 0, tJs = 0, tFts = 0;
let k = 0;
for (const p of [...pages, ...pages]) {
  if (k++ === pages.length) { console.log('cold', { fts5: +(tFts / pages.length).toFixed(3), js: +(tJs / pages.length).toFixed(3) }); tFts = 0; tJs = 0; }
  const rows = (rowsOf.all(JSON.stringify(p.ids)) as PageText[]).filter((r) => isAscii(r.title + r.abstract) && r.abstract.length <= 4000);
  skipped += p.ids.length - rows.length;
  let s = performance.now();
  db.transaction(() => { for (const r of rows) fill.run(r.id, r.title, r.abstract, r.authors, r.expansion); db.exec(`INSERT INTO page (rowid, title, abstract, authors, expansion) SELECT * FROM page_src`); })();
  const want = marks.all(p.m) as Array<{ id: number; t: string; s: string }>;
  db.exec(`INSERT INTO page (page) VALUES ('delete-all'); DELETE FROM page_src`);
  tFts += performance.now() - s;
  s = performance.now();
  const got = marksOf(stems, plainMatch(p.m)!, rows, { open: '[', close: ']', ellipsis: '…' }).sort((a, b) => a.id - b.id);
  tJs += performance.now() - s;
  want.forEach((w, i) => (JSON.stringify(w) === JSON.stringify(got[i]) ? same++ : (differ++, differ < 4 && console.log('DIFF', p.q, w, got[i]))));
  if (got.length !== want.length) console.log('COUNT', p.q, got.length, want.length);
}
console.log({ pages: pages.length, same, differ, skipped, fts5MsPerPage: +(tFts / pages.length).toFixed(3), jsMsPerPage: +(tJs / pages.length).toFixed(3) });
