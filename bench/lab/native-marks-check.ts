/**
 * pb_marks (native/pb_marks.c) against FTS5's highlight() and snippet() on a real index's papers:
 * `npx tsx bench/lab/native-marks-check.ts DATA_DIR [N]`. Copies N random short papers (default 3,000)
 * and up to 3,000 with non-ASCII text into a scratch FTS5 table, then compares the two for ~250 plain
 * queries (AND, OR, NOT) of the bench's words; prints how many (paper, query) pairs matched and differed.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { TOKENIZE } from '../../src/search/keyword/schema.ts';
import { RANK_EXTENSION } from '../../src/search/native-rank.ts';
import { benchQueries } from '../bench-queries.ts';

const [dataDir, nArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: native-marks-check.ts DATA_DIR [N]');
const db = new SQLite(path.join(dataDir, 'index', 'search.db'), { readonly: true });
db.loadExtension(RANK_EXTENSION);
db.exec(`CREATE TEMP TABLE src (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT, expansion TEXT);
  CREATE VIRTUAL TABLE temp.pg USING fts5(title, abstract, authors, expansion, content = 'src', content_rowid = 'id', ${TOKENIZE});`);
const cols = `id, c0 AS title, c1 AS abstract, substr(c2, 1, 4000) AS authors, substr(c3, 1, 4000) AS expansion`;
db.prepare(`INSERT INTO src SELECT ${cols} FROM fts_content WHERE length(c1) <= 4000 AND length(c0) <= 1000 ORDER BY random() LIMIT ?`).run(Number(nArg ?? 3000));
const nonAscii = db.prepare(`INSERT OR IGNORE INTO src SELECT ${cols} FROM fts_content WHERE (c0 || c1) GLOB '*[^ -~]*' AND length(c1) <= 4000 AND length(c0) <= 1000 LIMIT 3000`).run().changes;
db.exec(`INSERT INTO pg (pg) VALUES ('rebuild')`);
const fts5 = db.prepare(`SELECT rowid AS id, highlight(pg, 0, '[', ']') AS t, snippet(pg, 1, '[', ']', '…', 40) AS s FROM pg WHERE pg MATCH ?`);
const native = db.prepare(`SELECT id, pb_marks(?, '[', ']', '…', 40, title, abstract, authors, expansion) AS m FROM src`);
const words = [...new Set(benchQueries().flatMap((q) => q.split(' ').map((w) => w.replace(/[^A-Za-z0-9]/g, ''))))].filter(Boolean);
let seed = 3;
const pick = () => words[Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * words.length)]!;
const queries: Array<{ match: string; spec: string }> = [];
for (let i = 0; i < 60; i++) {
  const [a, b, c] = [pick(), pick(), pick()];
  queries.push({ match: `("${a}" AND "${b}")`, spec: `AND ${a} ${b}` }, { match: `("${a}" OR "${b}" OR "${c}")`, spec: `OR ${a} ${b} ${c}` });
  queries.push({ match: `("${a}")`, spec: `AND ${a}` }, { match: `(("${a}" OR "${b}")) NOT ("${c}")`, spec: `OR ${a} ${b} -${c}` });
}
for (const w of ['alpha', 'Schrodinger', 'energy', 'eta', 'a', 'the', 'and']) queries.push({ match: `("${w}")`, spec: `AND ${w}` });
let compared = 0;
let differ = 0;
for (const q of queries) {
  const want = new Map((fts5.all(q.match) as Array<{ id: number; t: string; s: string }>).map((r) => [r.id, `${r.t}|${r.s}`]));
  for (const r of native.all(q.spec) as Array<{ id: number; m: Buffer | null }>) {
    const n = r.m?.readUInt32LE(0) ?? 0;
    const got = r.m ? `${r.m.toString('utf8', 4, 4 + n)}|${r.m.toString('utf8', 4 + n)}` : undefined;
    const w = want.get(r.id);
    if (w !== undefined || got !== undefined) compared++;
    if (w !== got && differ++ < 5) console.log(`differs: ${q.spec} paper ${r.id}\n  FTS5   ${w}\n  native ${got}`);
  }
}
console.log({ papers: db.prepare('SELECT count(*) FROM src').pluck().get(), nonAscii, queries: queries.length, compared, differ });
