/**
 * What a served vector search costs in the vector thread against in-process: the same saved index (an
 * index folder built by bench:http), the same queries (stored vectors), one search at a time, k = 100 at
 * hybrid's depth. Prints wall ms and process CPU ms (all threads) a search, medians of the rounds.
 *
 *   npx tsx bench/lab/vector-thread-cost.ts INDEX_DIR [searches]
 */
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';
import { vectorIndexFor } from '../../src/search/search.service.ts';
import { createServedVectors } from '../../src/search/vectors/served-vectors.ts';
import { createThreadedVectors } from '../../src/search/vectors/served-vectors-thread.ts';
import { createVectorIndex, loadVectorIndex, type VectorSearcher } from '../../src/search/vectors/vector-index.ts';

const dir = process.argv[2]!;
const n = Number(process.argv[3] ?? 2000);
const index = openSearchIndex(dir);
const e = { id: index.vectors.embedder()!, dim: index.vectors.get(1)?.length ?? 256 };
const options = (dim: number) => ({ ...vectorIndexFor(dim), autoSwitch: false });
const components = { create: (dim: number, x: number, s: never) => createVectorIndex(dim, options(dim), x, s), load: (f: string, dim: number, s: never) => loadVectorIndex(f, options(dim), s) };
const inProcess = () => createServedVectors({ dir, index: () => index, components });
const queries = index.vectors.page(0, n).map((r) => r.v);

async function run(name: string, v: VectorSearcher) {
  const rounds: Array<{ wall: number; cpu: number }> = [];
  for (let round = 0; round < 5; round++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const q of queries) await v.search(q, 100, { depth: 200 });
    const c = process.cpuUsage(c0);
    rounds.push({ wall: (performance.now() - t0) / queries.length, cpu: (c.user + c.system) / 1000 / queries.length });
  }
  const med = (k: 'wall' | 'cpu') => rounds.map((r) => r[k]).sort((a, b) => a - b)[2]!.toFixed(3);
  console.log(`${name}: ${med('wall')} ms wall, ${med('cpu')} ms CPU a search (median of 5 rounds of ${queries.length}; ${v.kind}, ${v.size} vectors)`);
}

const here = await inProcess().ensure(e);
await run('in-process', here);
const threaded = createThreadedVectors({ dir, index: () => index, generation: () => 1, options, inProcess });
await run('vector thread', await threaded.ensure(e));
// The round trip alone: an empty call (a stall of 0 ms).
{
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < queries.length; i++) await threaded.stall(0);
  const c = process.cpuUsage(c0);
  console.log(`round trip: ${((performance.now() - t0) / queries.length).toFixed(3)} ms wall, ${((c.user + c.system) / 1000 / queries.length).toFixed(3)} ms CPU`);
}
await threaded.close();
index.close();
