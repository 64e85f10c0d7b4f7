/**
 * Build the synthetic keyword index once into a folder that outlives the run, for profiling the
 * keyword stage without rebuilding it: `npx tsx bench/build-synthetic.ts SIZE DIR` (≈ 85 s of SQLite at 1M).
 */
import { openSearchIndex, type IndexDoc } from '../src/search/index.ts';
import { syntheticTexts } from './synthetic.ts';

const n = Number(process.argv[2] ?? 100_000);
const dir = process.argv[3] ?? `.tmp/synthetic-${n}`;
const idx = openSearchIndex(dir);
if (idx.count() === n) {
  console.error(`${dir}: already holds ${n} papers`);
} else {
  const t0 = performance.now();
  let docs: IndexDoc[] = [];
  for (const t of syntheticTexts(n)) {
    docs.push({ ...t, arxivId: `syn.${t.id - 1}`, authors: ['A. Author', 'B. Author'], categories: ['cs.LG'], publishedAt: null, dailyDate: null, upvotes: 0, seq: t.id });
    if (docs.length < 20_000 && t.id < n) continue;
    idx.apply(docs);
    docs = [];
  }
  console.error(`${dir}: ${n} papers indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
idx.close();
