// Lab: the hybrid vector stage on a served node's index (after `npm run bench:http -- --data-dir DIR`):
// the bench's 1,653 queries embedded with the node's LSA, exact top 100 as the truth, then the served
// index (vectors.idx, re-ranking from the node's SQLite vectors) as hybrid asks it (k 200, top 100) and
// variants K:SHORTLIST:RERANK (0 = the default). Recall@100 against exact, overlap with the served call,
// time per call, vectors read from SQLite per call.
//   npx tsx bench/lab/hybrid-vectors.ts DIR/node0/index 200:0:200,100:0:150
import path from 'node:path';
import Database from 'better-sqlite3';
import usearch from 'usearch';
import { loadLsa, embedWithLsa } from '../../src/search/embedders/lsa.ts';
import { loadVectorIndex } from '../../src/search/vectors/vector-index.ts';
import { vectorIndexFor } from '../../src/search/search.service.ts';
import { benchQueries } from '../bench-queries.ts';

const dir = process.argv[2]!;
const variants = (process.argv[3] ?? '').split(',').filter(Boolean);
const db = new Database(path.join(dir, 'search.db'), { readonly: true });
const blob = db.prepare('SELECT v FROM vectors WHERE id = ?').pluck();
let reads = 0;
const viewOf = (b: Buffer) => (b.byteOffset % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) : new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
const source = (ids: number[]) => ids.map((id) => { reads++; const b = blob.get(id) as Buffer | undefined; return b ? viewOf(b) : null; });
const all = db.prepare('SELECT id, v FROM vectors ORDER BY id').all() as Array<{ id: number; v: Buffer }>;
const dim = all[0]!.v.byteLength / 4;
const data = new Float32Array(all.length * dim);
const ids = new BigUint64Array(all.length);
all.forEach((r, i) => { data.set(viewOf(r.v), i * dim); ids[i] = BigInt(r.id); });
console.log(`vectors ${all.length} × ${dim}`);
const m = loadLsa(path.join(dir, 'lsa'));
const queries = benchQueries();
let t0 = performance.now();
const qv = queries.map((q) => embedWithLsa(m, q));
console.log(`embed: ${((performance.now() - t0) / queries.length).toFixed(3)} ms/query`);
const K = 100;
const truth: Set<number>[] = [];
t0 = performance.now();
for (const q of qv) {
  const r = usearch.exactSearch(data, q.slice(), dim, K, usearch.MetricKind.IP, 0);
  truth.push(new Set(Array.from(r.keys, (k) => Number(ids[Number(k)]))));
}
console.log(`exact truth: ${((performance.now() - t0) / queries.length).toFixed(2)} ms/query`);
const idx = loadVectorIndex(path.join(dir, 'vectors.idx'), { ...vectorIndexFor(dim), autoSwitch: false }, source);
console.log(`index ${idx.kind} ${idx.size}`);
function run(label: string, f: (q: Float32Array) => number[]) {
  reads = 0;
  let rec = 0;
  const times: number[] = [];
  const results: number[][] = [];
  for (let rep = 0; rep < 2; rep++) {
    for (let i = 0; i < qv.length; i++) {
      const s = performance.now();
      const got = f(qv[i]!);
      times.push(performance.now() - s);
      if (rep === 1) { results.push(got); for (const g of got) if (truth[i]!.has(g)) rec++; }
    }
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(`${label}: recall@${K} ${(rec / (K * qv.length)).toFixed(4)}, mean ${mean.toFixed(3)} ms, p50 ${times[times.length >> 1]!.toFixed(3)}, reads/query ${(reads / times.length).toFixed(0)}`);
  return results;
}
const base = run('current search(200) top 100', (q) => idx.search(q, 200).slice(0, K).map((h) => h.key));
const overlap = (r: number[][]) => { let o = 0; r.forEach((l, i) => { const s = new Set(base[i]); for (const x of l) if (s.has(x)) o++; }); return (o / (K * r.length)).toFixed(4); };
for (const v of variants) {
  const [k, sl, rr] = v.split(':').map(Number);
  const r = run(`search(${k}, shortlist ${sl || 'default'}, rerank ${rr || 'all'})`, (q) => idx.search(q, k!, { shortlist: sl || undefined, rerank: rr || undefined }).slice(0, K).map((h) => h.key));
  console.log(`   overlap@100 with current ${overlap(r)}`);
}
