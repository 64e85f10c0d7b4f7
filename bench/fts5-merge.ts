/**
 * FTS5's segment merging inside index writes: `npx tsx bench/fts5-merge.ts [--papers N] [--mode inline|stepped]`.
 * Writes the arXiv papers (synthetic ones past 74.7k) into a fresh index in paced steps as the follower does
 * (a pacer aiming at 20 ms, at most 500 papers), and prints the steps' times: p50 / p99 / max and how many
 * took over 50 ms. `inline` is FTS5's own merging (automerge and crisismerge run inside the commit that
 * flushes a segment); `stepped` is the index's `mergeStep` after each write step, paced the same way.
 * Then the time of keyword searches on the result (segments left unmerged would slow them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { createPacer, openSearchIndex, parseQuery, type IndexDoc } from '../src/search/index.ts';
import { arxiv, SHARED } from './seed-data.ts';
import { syntheticTexts } from './synthetic.ts';

const { values } = parseArgs({ options: { papers: { type: 'string', default: '60000' }, mode: { type: 'string', default: 'stepped' }, pages: { type: 'string' } } });
const total = Number(values.papers);
if (!SHARED) throw new Error('needs ../shared/data');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fts5-merge-'));
const idx = openSearchIndex(dir);
// The index turns FTS5's automerge off when it opens; `inline` puts FTS5's default (4) back, from a second
// connection (FTS5 reloads its configuration when fts_config changes).
const side = new SQLite(idx.file);
if (values.mode === 'inline') side.prepare(`INSERT INTO fts (fts, rank) VALUES ('automerge', 4)`).run();
const docs: IndexDoc[] = [];
for await (const p of arxiv(path.join(SHARED, 'arxiv'))) {
  if (docs.length >= total) break;
  docs.push({ id: docs.length + 1, arxivId: p.arxivId, title: p.title, abstract: p.abstract ?? '', authors: (p.authors ?? []).map((a) => (typeof a === 'string' ? a : a.name)), categories: p.categories ?? [], publishedAt: p.publishedAt ?? null, dailyDate: null, upvotes: 0, seq: docs.length + 1 });
}
for (const t of syntheticTexts(Math.max(0, total - docs.length))) {
  docs.push({ id: docs.length + 1, arxivId: `9999.${t.id}`, title: t.title, abstract: t.abstract, authors: ['A. Synthetic'], categories: ['cs.LG'], publishedAt: null, dailyDate: null, upvotes: 0, seq: docs.length + 1 });
}
const writes: number[] = [];
const merges: number[] = [];
const pacer = createPacer({ initial: 50, max: 500 });
// As the follower does (src/search/follower.ts): merge steps paced to 20 ms, after each batch of up to 500
// papers, until FTS5 finds nothing to merge.
const mergePacer = createPacer({ initial: 64, min: 16, max: 256 });
const mergeStep = () => {
  const pages = values.pages ? Number(values.pages) : mergePacer.size;
  const m = performance.now();
  const worked = idx.mergeStep(pages);
  const ms = performance.now() - m;
  if (worked) mergePacer.took(pages, ms);
  merges.push(ms);
  return worked;
};
let sinceMerge = 0;
const t0 = performance.now();
for (let i = 0; i < docs.length; ) {
  const step = docs.slice(i, i + pacer.size);
  const t = performance.now();
  idx.apply(step);
  const ms = performance.now() - t;
  pacer.took(step.length, ms);
  writes.push(ms);
  i += step.length;
  sinceMerge += step.length;
  if (values.mode !== 'inline' && (sinceMerge >= 500 || i >= docs.length)) {
    sinceMerge = 0;
    while (mergeStep());
  }
}
const seconds = (performance.now() - t0) / 1000;
const stats = (xs: number[]) => {
  const s = Float64Array.from(xs).sort();
  const q = (f: number) => s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)] ?? NaN;
  return `${s.length} steps, p50 ${q(0.5).toFixed(1)} / p99 ${q(0.99).toFixed(1)} / max ${q(1).toFixed(1)} ms, over 50 ms: ${xs.filter((x) => x > 50).length}`;
};
console.log(`${values.mode}: ${docs.length} papers in ${seconds.toFixed(1)} s; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`  writes: ${stats(writes)}`);
if (merges.length) console.log(`  merges: ${stats(merges)}`);
const terms = 'diffusion language model reasoning graph neural vision transformer reinforcement feedback video image segmentation detection robot policy agent'.split(' ');
const queries = terms.flatMap((a, i) => terms.slice(i + 1).map((b) => `${a} ${b}`));
if (idx.termStatsState() === 'stale') await idx.refreshTermStats();
for (let round = 0; round < 2; round++) {
  const t: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    idx.search(parseQuery(q), { limit: 20, plain: true });
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  console.log(`  search (round ${round + 1}, ${queries.length} two-word queries, page of 20 plain): p50 ${t[t.length >> 1]!.toFixed(2)} / p95 ${t[Math.floor(t.length * 0.95)]!.toFixed(2)} ms`);
}
// A segment's id is the top bits of its pages' fts_data rowids (0: the structure record and averages).
const segments = side.prepare('SELECT count(DISTINCT rowid >> 37) FROM fts_data WHERE rowid >> 37 > 0').pluck().get() as number;
console.log(`  fts_data: ${(side.prepare('SELECT count(*) FROM fts_data').pluck().get() as number)} rows, ${segments} segments`);
side.close();
idx.close();
fs.rmSync(dir, { recursive: true, force: true });
