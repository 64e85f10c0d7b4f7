/**
 * Where a search's time goes, per stage, on an existing node's index: `npx tsx bench/profile-search.ts DATA_DIR`.
 * Runs the bench:http query set (distinct two-word queries) through the index's stages one at a time.
 */
import path from 'node:path';
import { openSearchIndex, parseQuery } from '../src/search/index.ts';

const dir = path.join(process.argv[2] ?? './data', 'index');
const idx = openSearchIndex(dir);
// A serving node counts the common words after its first sync (pb_bm25 idfs); do the same here.
if (idx.termStatsState() === 'stale') await idx.refreshTermStats();
const terms = ('diffusion language model reasoning graph neural vision transformer reinforcement feedback video image ' +
  'segmentation detection robot policy agent benchmark retrieval generation audio speech translation alignment ' +
  'preference reward optimization sparse attention memory efficient quantization pruning distillation federated').split(' ');
const queries = terms.flatMap((a, i) => terms.slice(i + 1).map((b) => `${a} ${b}`)).slice(0, 300);
const time = (label: string, fn: (q: string) => unknown) => {
  const t: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    fn(q);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} mean ${(t.reduce((a, b) => a + b, 0) / t.length).toFixed(2)} ms  p50 ${t[t.length >> 1]!.toFixed(2)}  p95 ${t[Math.floor(t.length * 0.95)]!.toFixed(2)}`);
};
time('keyword page of 20 (highlighted, counted)', (q) => idx.search(parseQuery(q), { limit: 20 }));
time('keyword page of 20, plain (no highlight/count)', (q) => idx.search(parseQuery(q), { limit: 20, plain: true }));
time('keyword top 100, plain (hybrid candidates)', (q) => idx.search(parseQuery(q), { limit: 100, plain: true }));
const pages = queries.map((q) => idx.search(parseQuery(q), { limit: 20, plain: true }).hits.map((h) => ({ id: h.id, score: h.score })));
let i = 0;
time('highlight a page of 20', (q) => idx.decorate(parseQuery(q), pages[i++ % pages.length]!));
idx.close();

// The whole service path (embedder, vector index, fusion), as /api/search runs it, result cache defeated.
const { createSearchService, createEmbedderProvider } = await import('../src/search/index.ts');
const feed = { since: async () => [], head: async () => 0 };
const service = createSearchService({ dir, feed, embedder: createEmbedderProvider({ embedder: 'builtin' }, { dir }) });
await service.syncOnce();
for (const mode of ['keyword', 'semantic', 'hybrid'] as const) {
  const t: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    await service.search({ q, mode, limit: 20 });
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  console.log(`service ${mode.padEnd(32)} mean ${(t.reduce((a, b) => a + b, 0) / t.length).toFixed(2)} ms  p50 ${t[t.length >> 1]!.toFixed(2)}  p95 ${t[Math.floor(t.length * 0.95)]!.toFixed(2)}`);
}
service.close();
