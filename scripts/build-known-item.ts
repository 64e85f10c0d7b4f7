/**
 * Builds the known-item evaluation sets from the Kaggle-layout arXiv snapshot (run by hand): titles as
 * queries against abstracts, in BEIR layout, on catalogs of two sizes, so the effect of catalog size on
 * ranking is measured with the same 1,000 queries.
 *
 *   npx tsx scripts/build-known-item.ts [--arxiv ../shared/data/arxiv] [--out eval-data] [--queries 1000]
 *
 * Writes `<out>/arxiv-title2abs-10k/` and `<out>/arxiv-title2abs-75k/` (corpus.jsonl.gz, queries.jsonl,
 * qrels/dev.tsv; `eval-data/` is gitignored: ~40 MB). Deterministic: the same snapshot gives the same
 * files byte for byte. The choices, and why:
 *  - 75k is the whole snapshot (74,728 papers); 10k is the 10,000 papers with the smallest SHA-256 of
 *    their id (a sample spread over every month and category, unlike "the first 10,000");
 *  - the queries are the 1,000 papers of the 10k catalog with the smallest SHA-256 of `q:<id>`, so the
 *    75k set asks the same questions of a 7.5× larger catalog;
 *  - a paper whose title occurs twice in the snapshot (6 titles) is never a query: its answer is ambiguous;
 *  - the corpus holds abstracts only (title empty), as in `../shared/eval/hf-title2abs`, so a title
 *    query cannot match its own title; whitespace (arXiv's hard line breaks) is collapsed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { readLines } from '../src/ingest/lines.ts';

const { values } = parseArgs({
  options: {
    arxiv: { type: 'string', default: '../shared/data/arxiv' },
    out: { type: 'string', default: 'eval-data' },
    queries: { type: 'string', default: '1000' },
  },
});
const dir = path.resolve(values.arxiv!);
const out = path.resolve(values.out!);
const queryCount = Number(values.queries);

interface Paper { id: string; title: string; abstract: string }
const clean = (s: unknown) => (typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '');
const hash = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

const papers: Paper[] = [];
const files = fs.readdirSync(dir).filter((n) => /\.jsonl(\.gz)?$/.test(n)).sort();
if (files.length === 0) throw new Error(`${dir}: no .jsonl(.gz) files`);
for (const f of files) {
  for await (const ev of readLines(path.join(dir, f))) {
    if (ev.kind === 'error') throw new Error(`${f}:${ev.line}: ${ev.reason}`);
    if (ev.kind === 'long') throw new Error(`${f}:${ev.line}: a line of ${ev.bytes} bytes is over the reader's limit`);
    if (!ev.text.trim()) continue;
    const o = JSON.parse(ev.text) as Record<string, unknown>;
    const p = { id: clean(o.id), title: clean(o.title), abstract: clean(o.abstract) };
    if (p.id && p.title && p.abstract) papers.push(p);
  }
}
papers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const titleCount = new Map<string, number>();
for (const p of papers) titleCount.set(p.title.toLowerCase(), (titleCount.get(p.title.toLowerCase()) ?? 0) + 1);

const byHash = (salt: string) => (a: Paper, b: Paper) => (hash(salt + a.id) < hash(salt + b.id) ? -1 : 1);
const small = new Set([...papers].sort(byHash('')).slice(0, 10_000).map((p) => p.id));
const queries = papers
  .filter((p) => small.has(p.id) && titleCount.get(p.title.toLowerCase()) === 1)
  .sort(byHash('q:'))
  .slice(0, queryCount)
  .sort((a, b) => (a.id < b.id ? -1 : 1));

function write(name: string, corpus: Paper[]): void {
  const root = path.join(out, name);
  fs.mkdirSync(path.join(root, 'qrels'), { recursive: true });
  const lines = corpus.map((p) => JSON.stringify({ _id: p.id, title: '', text: p.abstract })).join('\n') + '\n';
  // mtime 0 in the gzip header: the same input gives the same bytes.
  fs.writeFileSync(path.join(root, 'corpus.jsonl.gz'), zlib.gzipSync(lines, { level: 9 }));
  fs.writeFileSync(path.join(root, 'queries.jsonl'), queries.map((p) => JSON.stringify({ _id: `q-${p.id}`, text: p.title })).join('\n') + '\n');
  fs.writeFileSync(path.join(root, 'qrels', 'dev.tsv'), `query-id\tcorpus-id\tscore\n${queries.map((p) => `q-${p.id}\t${p.id}\t1`).join('\n')}\n`);
  console.log(`${root}: ${corpus.length} abstracts, ${queries.length} title queries`);
}
write('arxiv-title2abs-10k', papers.filter((p) => small.has(p.id)));
write('arxiv-title2abs-75k', papers);
