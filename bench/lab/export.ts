/**
 * Exports SciFact (BEIR) with FTS5's own tokens (porter unicode61, as the product indexes) for the
 * Python experiments beside this file: documents per field, sentences of abstracts, and queries with
 * the product's stop words dropped. Usage: npx tsx bench/lab/export.ts [../shared/eval/scifact]
 * Writes /tmp/paperboy-lab/scifact_tokens.json and scifact_sents.json.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import { words, STOP_WORDS } from '../../src/search/index.ts';

const dir = process.argv[2] ?? '../shared/eval/scifact';
const out = '/tmp/paperboy-lab';
fs.mkdirSync(out, { recursive: true });
const corpus = zlib.gunzipSync(fs.readFileSync(`${dir}/corpus.jsonl.gz`)).toString().trim().split('\n').map((l) => JSON.parse(l) as { _id: string; title: string; text: string });
const queries = fs.readFileSync(`${dir}/queries.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { _id: string; text: string });
const db = new SQLite(':memory:');
db.exec(`CREATE VIRTUAL TABLE d USING fts5(title, abstract, tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE dv USING fts5vocab(d, instance);
CREATE VIRTUAL TABLE q USING fts5(text, tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE qv USING fts5vocab(q, instance);
CREATE VIRTUAL TABLE s USING fts5(text, tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE sv USING fts5vocab(s, instance);`);
type Row = { term: string; doc: number; col: string; o: number };
const tokensOf = (table: string, rows: number, byCol: boolean) => {
  const acc = Array.from({ length: rows }, () => (byCol ? [[], []] : [[]]) as Array<Array<[number, string]>>);
  for (const r of db.prepare(`SELECT term, doc, col, "offset" AS o FROM ${table}`).iterate() as IterableIterator<Row>) acc[r.doc - 1]![byCol && r.col === 'abstract' ? 1 : 0]!.push([r.o, r.term]);
  return acc.map((cols) => cols.map((c) => c.sort((a, b) => a[0] - b[0]).map((x) => x[1])));
};
const insD = db.prepare('INSERT INTO d (rowid, title, abstract) VALUES (?, ?, ?)');
const insQ = db.prepare('INSERT INTO q (rowid, text) VALUES (?, ?)');
const insS = db.prepare('INSERT INTO s (rowid, text) VALUES (?, ?)');
const sentDoc: number[] = [];
db.transaction(() => {
  corpus.forEach((c, i) => insD.run(i + 1, c.title, c.text));
  queries.forEach((q, i) => insQ.run(i + 1, words(q.text).filter((w) => !STOP_WORDS.has(w)).join(' ')));
  corpus.forEach((c, i) => {
    for (const sentence of c.text.split(/(?<=[.!?])\s+(?=[A-Z0-9([])/)) {
      if (!sentence.trim()) continue;
      sentDoc.push(i);
      insS.run(sentDoc.length, sentence);
    }
  });
})();
fs.writeFileSync(`${out}/scifact_tokens.json`, JSON.stringify({ docs: corpus.map((c) => c._id), queries: queries.map((q) => q._id), dtok: tokensOf('dv', corpus.length, true), qtok: tokensOf('qv', queries.length, false).map((c) => c[0]) }));
fs.writeFileSync(`${out}/scifact_sents.json`, JSON.stringify({ sentDoc, stok: tokensOf('sv', sentDoc.length, false).map((c) => c[0]) }));
console.log(`${corpus.length} documents, ${queries.length} queries, ${sentDoc.length} sentences → ${out}`);
