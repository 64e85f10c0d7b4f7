/**
 * pb_bm25 (native/pb_rank.c: bm25 with idfs counted once) against FTS5's bm25() (every statement counts
 * each named word's postings again), in one run on a built index:
 * `npx tsx bench/build-synthetic.ts 1000000 /tmp/syn-1m` once, then `npm run bench:keyword-rank -- /tmp/syn-1m [QUERIES]`.
 *
 * Both indexes are the same file opened twice; each query runs once per ranking (the bench:search way), in
 * alternating order, over the synthetic keyword queries, once the common words' counts are in (what a
 * running node does after catching up). Prints p50/p95 per workload and whether the two rankings returned
 * the same ids in the same order.
 */
import { parseQuery, openSearchIndex, type SearchIndex } from '../src/search/index.ts';
import { syntheticKeywordQueries } from './synthetic.ts';

const dir = process.argv[2] ?? '/tmp/syn-1m';
const count = Number(process.argv[3] ?? 500);
// FTS5's idf on both sides, so the two must return the same ids (the product's default is Lucene's idf, pb_bm25 only).
const native = openSearchIndex(dir, { rank: 'native', idf: 'fts5' });
const plain = openSearchIndex(dir, { rank: 'bm25' });
console.log(`${dir}: ${native.count()} papers, ${count} queries`);
const queries = syntheticKeywordQueries(count).map((q) => parseQuery(q));

const workloads: Array<[string, (idx: SearchIndex, q: (typeof queries)[number]) => number[]]> = [
  ['hybrid keyword candidates (top 100)', (idx, q) => idx.search(q, { limit: 100, plain: true, candidates: true }).hits.map((h) => h.id)],
  ['keyword page of 20 (highlighted, counted)', (idx, q) => idx.search(q, { limit: 20 }).hits.map((h) => h.id)],
];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
// What a running node does once its index has caught up (and again after 1% of the catalog changed).
const t0 = performance.now();
await native.refreshTermStats();
console.log(`common-word counts (refreshTermStats, in a worker): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const [label, run] of workloads) {
  const ms = { pb_bm25: [] as number[], bm25: [] as number[] };
  let same = 0;
  queries.forEach((q, i) => {
    const order: Array<['pb_bm25' | 'bm25', SearchIndex]> = i % 2 ? [['bm25', plain], ['pb_bm25', native]] : [['pb_bm25', native], ['bm25', plain]];
    const ids: Record<string, number[]> = {};
    for (const [name, idx] of order) {
      const t = performance.now();
      ids[name] = run(idx, q);
      ms[name].push(performance.now() - t);
    }
    if (JSON.stringify(ids.pb_bm25) === JSON.stringify(ids.bm25)) same++;
  });
  console.log(label);
  for (const name of ['bm25', 'pb_bm25'] as const) console.log(`  ${name.padEnd(8)} p50 ${pct(ms[name], 0.5).toFixed(2)} ms  p95 ${pct(ms[name], 0.95).toFixed(2)} ms`);
  console.log(`  same ids in the same order: ${same}/${queries.length}`);
}
native.close();
plain.close();
