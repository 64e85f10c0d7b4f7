import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleVectors, vectorSpace } from '../../bench/synthetic.ts';
import { nearest } from '../../src/search/modes/nearest.ts';
import type { KeywordReader } from '../../src/search/modes/reader.ts';
import { parseQuery } from '../../src/search/query.ts';
import { createVectorIndex, type VectorIndex } from '../../src/search/vectors/vector-index.ts';

const DIM = 64;
const N = 3000;
const space = vectorSpace(DIM, { clusters: 40, seed: 3 });
const data = sampleVectors(space, N, 4);
const vecs = Array.from({ length: N }, (_, i) => data.slice(i * DIM, (i + 1) * DIM));
const byKey = new Map(vecs.map((v, i) => [i + 1, v]));

/** A lean i8 index over the sample that counts the vectors its re-rank reads. */
function lean(): { index: VectorIndex; reads: () => number } {
  let reads = 0;
  const index = createVectorIndex(DIM, { kind: 'exact', quantization: 'i8' }, 0, (ks) => {
    reads += ks.length;
    return ks.map((k) => byKey.get(k) ?? null);
  });
  index.upsertMany([...byKey.keys()], [...byKey.values()]);
  return { index, reads: () => reads };
}

// Every id passes the (pretend) filter: the filtered path's answer is the deep search's own.
const reader = { filterIds: async (_q: unknown, ids: number[]) => ids } as unknown as KeywordReader;

describe('nearest', () => {
  it('unfiltered: explores as deep as the filtered path, re-ranks only 1.5 × need from the store', async () => {
    const { index, reads } = lean();
    const q = vecs[17]!;
    const got = await nearest(reader, index, q, parseQuery('graph neural'), 100);
    // depth 200 → short list 800; re-ranked: 150 for need 100 (before: 300, the 1.5 × 200 of k = depth).
    assert.equal(reads(), 150);
    assert.equal(got.length, 100);
    const deep = await nearest(reader, index, q, parseQuery('graph neural year:2024'), 100);
    const want = new Set(deep.map((h) => h.id));
    assert.ok(got.filter((h) => want.has(h.id)).length >= 98, 'nearly the filtered path\'s list');
    for (const h of got) assert.ok(Math.abs(h.score - byKey.get(h.id)!.reduce((s, x, j) => s + x * q[j]!, 0)) < 1e-6);
  });

  it('unfiltered, excluding the paper itself: still `need` neighbours, never it', async () => {
    const { index } = lean();
    const got = await nearest(reader, index, vecs[4]!, parseQuery('x'), 20, { exclude: 5 });
    assert.equal(got.length, 20);
    assert.ok(got.every((h) => h.id !== 5));
  });

  it('explores an HNSW graph as deep as asked: hybrid reads 101 and explores 101, semantic mode twice what it reads', async () => {
    const graph = createVectorIndex(DIM, { kind: 'hnsw', quantization: 'i8' }, 0, (ks) => ks.map((k) => byKey.get(k) ?? null));
    graph.upsertMany([...byKey.keys()], [...byKey.values()]);
    const seen: Array<number | undefined> = [];
    const spy = { dim: DIM, size: graph.size, kind: graph.kind, search: (q: Float32Array, k: number, o?: { depth?: number }) => (seen.push(o?.depth), graph.search(q, k, o)) };
    const shallow = await nearest(reader, spy as never, vecs[9]!, parseQuery('x'), 101, { explore: 101 });
    const deep = await nearest(reader, spy as never, vecs[9]!, parseQuery('x'), 101);
    assert.deepEqual(seen, [101, 202]);
    assert.equal(shallow.length, 101);
    assert.equal(shallow[0]!.id, 10, 'the vector itself first');
    const same = shallow.filter((h) => deep.some((d) => d.id === h.id)).length;
    assert.ok(same >= 95, `${same} of 101 shared with the deeper search`);
  });
});
