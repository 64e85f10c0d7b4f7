// Lab: usearch's own search time on a node's saved graph, against the index's whole call. Args: INDEX_DIR
import fs from 'node:fs';
import path from 'node:path';
import usearch from 'usearch';
import { embedWithLsa, loadLsa } from '../../src/search/embedders/lsa.ts';
import { benchQueries } from '../bench-queries.ts';

const dir = process.argv[2]!;
const graph = fs.readdirSync(dir).find((f) => f.endsWith('.hnsw'))!;
const m = loadLsa(path.join(dir, 'lsa'));
const qv = benchQueries().map((q) => embedWithLsa(m, q));
const index = new usearch.Index({ dimensions: m.dim, metric: usearch.MetricKind.IP, quantization: usearch.ScalarKind.I8, connectivity: 16, expansion_add: 128, expansion_search: 200, multi: false });
index.load(path.join(dir, graph));
for (const n of [800, 400, 200]) {
  const t = performance.now();
  let conv = 0;
  for (let rep = 0; rep < 2; rep++) for (const q of qv) {
    const r = index.search(q, n, 1);
    const t1 = performance.now();
    const out: number[] = [];
    for (let i = 0; i < r.keys.length; i++) out.push(Number(r.keys[i]));
    conv += performance.now() - t1;
  }
  console.log(`usearch search k ${n}: ${((performance.now() - t) / (2 * qv.length)).toFixed(3)} ms a call (of which keys to numbers ${(conv / (2 * qv.length)).toFixed(3)})`);
}
