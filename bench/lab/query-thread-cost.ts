/**
 * A query thread's work per search, in-process and one thread: `npx tsx bench/lab/query-thread-cost.ts DATA_DIR`.
 * Runs the bench:http queries (bench/bench-queries.ts) against DATA_DIR/index as the search API asks them
 * (a keyword page of 20: ranked, counted, highlighted) and as hybrid asks for its keyword side (101
 * candidates, `plain` and `candidates`), after a warm-up past the 5 s before term postings are read.
 * Prints the CPU time a query, min and median of 5 rounds (process CPU, so other threads count too).
 */
import path from 'node:path';
import { openSearchIndex, parseQuery } from '../../src/search/index.ts';
import { benchQueries } from '../bench-queries.ts';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: query-thread-cost.ts DATA_DIR');
const idx = openSearchIndex(path.join(dataDir, 'index'));
const qs = benchQueries().map((q) => parseQuery(q));
const hybridSide = { limit: 101, plain: true, candidates: true };
for (const q of qs) idx.search(q, hybridSide);
await new Promise((r) => setTimeout(r, 6000));
for (let r = 0; r < 2; r++) for (const q of qs) (idx.search(q, hybridSide), idx.search(q, { limit: 20 }));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const res: Record<string, number[]> = { 'keyword page of 20': [], "hybrid's keyword side (101)": [] };
for (let r = 0; r < 5; r++) {
  let t = cpu();
  for (const q of qs) idx.search(q, { limit: 20 });
  res['keyword page of 20']!.push((cpu() - t) / qs.length);
  t = cpu();
  for (const q of qs) idx.search(q, hybridSide);
  res["hybrid's keyword side (101)"]!.push((cpu() - t) / qs.length);
}
for (const [k, v] of Object.entries(res)) console.log(`${k}: min ${Math.min(...v).toFixed(3)}, median ${v.sort((a, b) => a - b)[2]!.toFixed(3)} ms CPU a query`);
idx.close();
