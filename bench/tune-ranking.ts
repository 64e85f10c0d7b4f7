/**
 * A lab for known-item vs claim ranking: which of the product's choices (stemming, stop words, papers with
 * every word first, FTS5's idf, one length over the whole row) costs known-item MRR@10 against plain BM25,
 * and what each does to SciFact. Each set is put into a scratch SQLite file with two FTS5 tables (Porter
 * stemming and plain unicode61) and every variant is ranked over every match (no bounded stage, no feedback).
 * The product's own path (with and without feedback) is measured by `paperboy eval` and bench/tune-known-item.ts.
 * Dev and train splits only.
 *
 *   npx tsx bench/tune-ranking.ts ../shared/eval/hf-title2abs ../shared/eval/scifact eval-data/arxiv-title2abs-10k [--sample N] [--only a,b]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { createPlainBm25, defaultSplit, ftsQuote, loadBeir, mrrAt, ndcgAt, STOP_WORDS, words } from '../src/search/index.ts';

const argv = process.argv.slice(2);
const opt = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
const sample = Number(opt('--sample') ?? Infinity);
const only = opt('--only')?.split(',') ?? null;
const dirs = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const EXT = fileURLToPath(new URL('../native/build/pb_rank.so', import.meta.url));

interface Variant {
  name: string;
  table: 'porter' | 'plain';
  /** Query words from the text. */
  terms: (text: string) => string[];
  /** Papers with every word first for queries of up to this many words (0: never). */
  allFirst: number;
  /** idf per word: FTS5's (null: FTS5 counts) or Lucene's log(1 + (N − n + .5)/(n + .5)). */
  idf: 'fts5' | 'lucene';
  /** Column weights title, abstract. */
  weights: [number, number];
}
const content = (text: string) => {
  const w = words(text).slice(0, 64);
  const c = w.filter((t) => !STOP_WORDS.has(t));
  return [...new Set(c.length ? c : w)];
};
const keepStops = (text: string) => [...new Set(words(text).slice(0, 64))];
const base: Variant = { name: 'product ranking, no feedback (porter, stop words out, all-words-first ≤4)', table: 'porter', terms: content, allFirst: 4, idf: 'fts5', weights: [3, 1] };
const variants: Variant[] = [
  base,
  { ...base, name: 'no all-words-first', allFirst: 0 },
  { ...base, name: 'all-words-first ≤3', allFirst: 3 },
  { ...base, name: 'all-words-first ≤2', allFirst: 2 },
  { ...base, name: 'no stemming', table: 'plain' },
  { ...base, name: 'no stemming, no all-words-first', table: 'plain', allFirst: 0 },
  { ...base, name: 'stop words kept', terms: keepStops },
  { ...base, name: 'lucene idf', idf: 'lucene' },
  { ...base, name: 'no stemming, lucene idf, stops kept, no awf', table: 'plain', terms: keepStops, idf: 'lucene', allFirst: 0 },
];

for (const dir of dirs) {
  const split = defaultSplit(dir) ?? 'dev';
  const set = await loadBeir(dir, split);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-lab-'));
  const db = new SQLite(path.join(tmp, 'lab.db'));
  db.loadExtension(EXT);
  db.exec(`CREATE VIRTUAL TABLE porter USING fts5(title, abstract, tokenize = 'porter unicode61 remove_diacritics 2');
           CREATE VIRTUAL TABLE plain USING fts5(title, abstract, tokenize = 'unicode61 remove_diacritics 2');`);
  const t0 = performance.now();
  db.transaction(() => {
    const a = db.prepare('INSERT INTO porter (rowid, title, abstract) VALUES (?, ?, ?)');
    const b = db.prepare('INSERT INTO plain (rowid, title, abstract) VALUES (?, ?, ?)');
    set.corpus.forEach((d, i) => { a.run(i + 1, d.title, d.text); b.run(i + 1, d.title, d.text); });
  })();
  const n = set.corpus.length;
  console.log(`${path.basename(dir)}: ${n} docs indexed twice in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const dfCache = new Map<string, number>();
  const df = (table: string, w: string) => {
    const k = `${table} ${w}`;
    let v = dfCache.get(k);
    if (v === undefined) dfCache.set(k, (v = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${table} MATCH ?`).get(ftsQuote(w)) as { n: number }).n));
    return v;
  };
  const rank = (v: Variant, ws: string[], match: string, k: number): number[] => {
    const idf = Buffer.alloc(8 * ws.length);
    ws.forEach((w, i) => {
      const m = df(v.table, w);
      idf.writeDoubleLE(v.idf === 'lucene' ? Math.log(1 + (n - m + 0.5) / (m + 0.5)) : -1, 8 * i);
    });
    const rows = db.prepare(`SELECT rowid AS id, -pb_bm25(${v.table}, ?, ${v.weights.join(', ')}) AS s FROM ${v.table} WHERE ${v.table} MATCH ? ORDER BY s DESC, id LIMIT ?`).all(idf, match, k) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  };
  const run = (v: Variant, text: string): string[] => {
    const ws = v.terms(text);
    if (ws.length === 0) return [];
    const or = rank(v, ws, ws.map(ftsQuote).join(' OR '), 100);
    let ids = or;
    if (ws.length > 1 && ws.length <= v.allFirst) {
      const all = rank(v, ws, ws.map(ftsQuote).join(' AND '), 100);
      const seen = new Set(all);
      ids = [...all, ...or.filter((id) => !seen.has(id))].slice(0, 100);
    }
    return ids.map((id) => set.corpus[id - 1]!.id);
  };
  const plain = createPlainBm25(set.corpus.map((d) => ({ id: d.id, text: `${d.title} ${d.text}` })));
  const judged = [...set.qrels].filter(([q]) => set.queries.has(q)).slice(0, sample);
  const score = (label: string, f: (text: string) => string[]) => {
    let mrr = 0, ndcg = 0;
    for (const [qid, rel] of judged) {
      const ranked = f(words(set.queries.get(qid)!).slice(0, 64).join(' '));
      mrr += mrrAt(ranked, rel, 10);
      ndcg += ndcgAt(ranked, rel, 10);
    }
    console.log(`${path.basename(dir).padEnd(22)} ${label.padEnd(72)} MRR@10 ${(mrr / judged.length).toFixed(4)}  nDCG@10 ${(ndcg / judged.length).toFixed(4)}`);
  };
  score('plain BM25 (yardstick)', (t) => plain.search(t, 100));
  for (const v of variants) if (!only || only.some((o) => v.name.includes(o))) score(v.name, (t) => run(v, t));
  db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
