import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import type { Logger } from 'pino';
import { sampleVectors, vectorSpace } from '../../bench/synthetic.ts';
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';
import { createServedVectors } from '../../src/search/vectors/served-vectors.ts';
import { createVectorIndex, loadVectorIndex, type VectorIndexOptions } from '../../src/search/vectors/vector-index.ts';
import { vectorAt, vectorDoc } from '../helpers/vector-docs.ts';

const DIM = 32;
const space = vectorSpace(DIM, { clusters: 20, seed: 3 });
const vector = (data: Float32Array, i: number) => vectorAt(data, DIM, i);
const doc = vectorDoc;

describe('served vectors', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  /** A new index in its own folder (removed after the suite). */
  const opened = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-served-'));
    dirs.push(dir);
    return { dir, index: openSearchIndex(dir) };
  };

  // i8: the index keeps no full vectors and re-ranks from the store (f32 keeps its own).
  for (const quantization of ['f32', 'i8'] as const) it(`an outgrown exact index becomes a graph holding the latest vector of every paper, also those stored behind the build while it ran (${quantization})`, async () => {
    const { dir, index } = opened();
    try {
      const n = 900;
      index.apply(Array.from({ length: n }, (_, i) => doc(i + 1)));
      const first = sampleVectors(space, n, 1);
      const second = sampleVectors(space, n, 2);
      // A well-connected graph (connectivity and expansions far above the defaults) so that what is checked
      // below is which vectors the graph holds, not usearch's recall on clustered points.
      const opts: VectorIndexOptions = { kind: 'auto', hnswFrom: 600, quantization, autoSwitch: false, connectivity: 32, expansionAdd: 400, expansionSearch: 400 };
      const served = createServedVectors({
        dir, index: () => index,
        components: { create: (dim, expected, source) => createVectorIndex(dim, opts, expected, source), load: (file, _dim, source) => loadVectorIndex(file, opts, source) },
      });
      const e = { id: 'test', dim: DIM, embed: async () => [] };
      index.vectors.reset('test');
      const store = async (ids: number[], data: Float32Array) => {
        const rows = ids.map((id) => ({ id, v: vector(data, id - 1) }));
        assert.ok(index.vectors.put('test', rows));
        await served.add(rows);
      };
      await store(Array.from({ length: 500 }, (_, i) => i + 1), first);
      assert.equal((await served.ensure(e)).kind, `exact-${quantization}`);
      // Past hnswFrom: the graph is built from the store in steps, while more vectors arrive.
      await store(Array.from({ length: 200 }, (_, i) => 501 + i), first);
      assert.match(served.describe(), /building its graph/);
      // The outgrown exact index serves meanwhile, new vectors included.
      assert.equal(served.current()!.index.search(vector(first, 649), 1)[0]!.key, 650);
      // Meanwhile: new papers (ahead of the build), and papers re-embedded (some behind it), in small steps.
      for (let id = 701; id <= n; id += 20) await store(Array.from({ length: 20 }, (_, i) => id + i), first);
      for (let id = 1; id <= 300; id += 25) await store(Array.from({ length: 25 }, (_, i) => id + i), second);
      const deadline = Date.now() + 20_000;
      while (/building/.test(served.describe()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const v = served.current()!.index;
      assert.match(v.kind, /^hnsw/);
      assert.equal(v.size, n);
      // Each paper's own latest vector finds it first, with a dot product of 1. The graph is approximate:
      // with the default settings usearch missed up to 3 of these 900 clustered points (30 builds, even with
      // a short list of all 900), with the settings above at most 1; which ones depends on its threads'
      // timing, so one fixed paper missing is not a failure. A lost replay is: a paper whose
      // graph entry kept its first vector is never found by its second (the two are unrelated samples),
      // and the build leaves dozens of them behind its cursor.
      for (let id = 1; id <= n; id++) assert.ok(v.has(id), `paper ${id} in the graph`);
      const missed = (ids: number[]) => ids.filter((id) => {
        const [top] = v.search(vector(id <= 300 ? second : first, id - 1), 1);
        return top!.key !== id || Math.abs(top!.score - 1) >= 1e-4;
      });
      const all = Array.from({ length: n }, (_, i) => i + 1);
      const reEmbedded = missed(all.slice(0, 300));
      const rest = missed(all.slice(300));
      assert.ok(reEmbedded.length <= 3, `re-embedded papers not found by their latest vector: ${reEmbedded.join(', ')}`);
      assert.ok(rest.length <= 6, `papers not found by their vector: ${rest.join(', ')}`);
      // Saved and loaded again: the same answers (an i8 file holds the graph and keys, no full vectors).
      await served.save();
      const back = createServedVectors({ dir, index: () => index, components: { create: (dim, expected, source) => createVectorIndex(dim, opts, expected, source), load: (file, _dim, source) => loadVectorIndex(file, opts, source) } });
      const again = await back.ensure(e);
      assert.match(back.describe(), /loaded from vectors.idx/);
      for (const id of [1, 650, n]) assert.deepEqual(again.search(vector(first, id - 1), 5), v.search(vector(first, id - 1), 5));
      const bytes = fs.statSync(back.file).size;
      if (quantization === 'i8') assert.ok(bytes < n * DIM * 4, `${bytes} bytes: no full vectors saved`);
    } finally {
      index.close();
    }
  });

  it('a graph build dropped while it runs stops at its next step without reading the index (as when the search service closes)', async () => {
    const { dir, index } = opened();
    const warnings: unknown[] = [];
    const log = { warn: (...a: unknown[]) => warnings.push(a), info: () => {}, error: (...a: unknown[]) => warnings.push(a) } as unknown as Logger;
    const opts: VectorIndexOptions = { kind: 'auto', hnswFrom: 300, quantization: 'f32', autoSwitch: false };
    const served = createServedVectors({
      dir, index: () => index, log,
      components: { create: (dim, expected, source) => createVectorIndex(dim, opts, expected, source), load: (file, _dim, source) => loadVectorIndex(file, opts, source) },
    });
    const data = sampleVectors(space, 600, 4);
    index.apply(Array.from({ length: 600 }, (_, i) => doc(i + 1)));
    index.vectors.reset('test');
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i, v: vector(data, from + i - 1) }));
    const first = rows(1, 200);
    index.vectors.put('test', first);
    await served.add(first);
    await served.ensure({ id: 'test', dim: DIM, embed: async () => [] });
    const more = rows(201, 400);
    index.vectors.put('test', more);
    await served.add(more);
    assert.match(served.describe(), /building its graph/);
    served.drop();
    index.close();
    // The build yields with setImmediate between steps: a few turns of the event loop reach its next one.
    // Before search.service's close() dropped the vectors, that step read the closed index and logged
    // "building the vector graph failed; The database connection is not open".
    for (let i = 0; i < 20; i++) await setImmediate();
    assert.deepEqual(warnings, []);
  });


  it('adds a step\'s vectors to a new index in paced slices, starting small and at most doubling, with a turn of the loop between them', async () => {
    const { dir, index } = opened();
    try {
      const n = 300;
      index.apply(Array.from({ length: n }, (_, i) => doc(i + 1)));
      const data = sampleVectors(space, n, 4);
      const opts: VectorIndexOptions = { kind: 'exact' };
      // The real index, with each batch it is given recorded, and whether the loop turned since the last one.
      const slices: Array<{ n: number; turned: boolean }> = [];
      let turned = true;
      const served = createServedVectors({
        dir, index: () => index,
        components: {
          create: (dim, expected, source) => {
            const v = createVectorIndex(dim, opts, expected, source);
            const upsertMany = v.upsertMany.bind(v);
            v.upsertMany = (keys, vs) => {
              slices.push({ n: keys.length, turned });
              turned = false;
              void setImmediate().then(() => (turned = true));
              upsertMany(keys, vs);
            };
            return v;
          },
          load: (file, _dim, source) => loadVectorIndex(file, opts, source),
        },
      });
      index.vectors.reset('test');
      await served.ensure({ id: 'test', dim: DIM, embed: async () => [] });
      const rows = Array.from({ length: n }, (_, i) => ({ id: i + 1, v: vector(data, i) }));
      assert.ok(index.vectors.put('test', rows));
      await served.add(rows);
      assert.equal(served.current()!.index.size, n);
      assert.equal(slices.reduce((a, s) => a + s.n, 0), n);
      assert.equal(slices[0]!.n, 8, 'a new index starts with small slices');
      for (let i = 1; i < slices.length; i++) {
        assert.ok(slices[i]!.n <= 2 * slices[i - 1]!.n, `slices of ${slices.map((s) => s.n).join(', ')}`);
        assert.ok(slices[i]!.turned, `slice ${i} followed the previous one without a turn of the loop`);
      }
    } finally {
      index.close();
    }
  });
});
