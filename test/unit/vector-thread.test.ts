/**
 * The vector thread (served-vectors-thread.ts) as its callers see it: the same answers as the served
 * vectors in-process, searches answered while a large add or a save runs there, `vectors_saved` written
 * by the main thread, and a thread that dies failing its calls with VECTOR_THREAD_FAILED, then replaced.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sampleVectors, vectorSpace } from '../../bench/synthetic.ts';
import { AppError } from '../../src/errors.ts';
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';
import type { SearchIndex } from '../../src/search/keyword/types.ts';
import { createServedVectors } from '../../src/search/vectors/served-vectors.ts';
import { createThreadedVectors } from '../../src/search/vectors/served-vectors-thread.ts';
import { createVectorIndex, loadVectorIndex, type VectorIndexOptions } from '../../src/search/vectors/vector-index.ts';
import { vectorAt, vectorDoc } from '../helpers/vector-docs.ts';

const DIM = 64;
const space = vectorSpace(DIM, { clusters: 50, seed: 5 });
const vector = (data: Float32Array, i: number) => vectorAt(data, DIM, i);
const doc = vectorDoc;
const e = { id: 'test', dim: DIM };

describe('the vector thread', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** An index of `n` papers in its own folder, the first `stored` with a vector, and a thread serving them. */
  const setUp = (n: number, stored: number, opts: VectorIndexOptions) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-vthread-'));
    dirs.push(dir);
    const index: SearchIndex = openSearchIndex(dir);
    index.apply(Array.from({ length: n }, (_, i) => doc(i + 1)));
    index.vectors.reset('test');
    const data = sampleVectors(space, n, 7);
    const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i, v: vector(data, from + i - 1) }));
    if (stored) assert.ok(index.vectors.put('test', rows(1, stored)));
    const components = { create: (dim: number, expected: number, source: never) => createVectorIndex(dim, opts, expected, source), load: (file: string, _d: number, source: never) => loadVectorIndex(file, opts, source) };
    const threaded = createThreadedVectors({
      dir, index: () => index, generation: () => 1, options: () => opts,
      inProcess: () => createServedVectors({ dir, index: () => index, components }),
    });
    return { dir, index, data, rows, threaded, inProcess: () => createServedVectors({ dir, index: () => index, components }) };
  };

  it('answers as the served vectors in-process do, and the main thread records the save', async () => {
    const s = setUp(600, 600, { kind: 'exact', quantization: 'i8' });
    try {
      const served = await s.threaded.ensure(e);
      assert.equal(served.size, 600);
      assert.match(s.threaded.describe(), /^exact-i8 \(built from 600 stored vectors\)$/);
      const here = s.inProcess();
      const local = await here.ensure(e);
      for (const i of [0, 99, 599]) assert.deepEqual(await served.search(vector(s.data, i), 10), local.search(vector(s.data, i), 10));
      await s.threaded.save();
      assert.equal(s.index.meta('vectors_saved'), `test@${s.index.vectors.version()}`);
      assert.ok(fs.existsSync(s.threaded.file));
      // A new thread (a restart) loads what was saved.
      await s.threaded.close();
      const again = setUpAgain(s);
      await again.ensure(e);
      assert.match(again.describe(), /loaded from vectors.idx/);
      await again.close();
    } finally {
      await s.threaded.close();
      s.index.close();
    }
  });

  /** Another thread on the same folder and index. */
  const setUpAgain = (s: ReturnType<typeof setUp>) =>
    createThreadedVectors({ dir: s.dir, index: () => s.index, generation: () => 1, options: () => ({ kind: 'exact', quantization: 'i8' }), inProcess: s.inProcess });

  it('a search is answered while a large add into the graph is still running, and while a save runs', async () => {
    // A graph with a costly add (a wide expansion): the add of 6,000 vectors takes seconds in paced slices.
    const s = setUp(8100, 2000, { kind: 'hnsw', quantization: 'f32', expansionAdd: 400, connectivity: 32 });
    try {
      const served = await s.threaded.ensure(e);
      const more = s.rows(2001, 8000);
      assert.ok(s.index.vectors.put('test', more));
      let added = false;
      const adding = s.threaded.add(more).then(() => (added = true));
      // Sent after the add: the thread takes it between two of the add's slices.
      const t0 = performance.now();
      const hits = await served.search(vector(s.data, 10), 5);
      assert.equal(hits[0]!.key, 11);
      assert.equal(added, false, 'the search waited for the whole add');
      const searchMs = performance.now() - t0;
      await adding;
      const addMs = performance.now() - t0;
      assert.ok(searchMs < addMs / 4, `search ${searchMs.toFixed(0)} ms, add ${addMs.toFixed(0)} ms`);
      assert.equal(served.size, 8000);
      // (That add saved the index: 6,000 changes.) 100 more, then a save: its steps yield too (only usearch's
      // own graph save is one call).
      const last = s.rows(8001, 8100);
      assert.ok(s.index.vectors.put('test', last));
      await s.threaded.add(last);
      let saved = false;
      const saving = s.threaded.save().then(() => (saved = true));
      const during = await served.search(vector(s.data, 7000), 5);
      assert.equal(during[0]!.key, 7001);
      assert.equal(saved, false, 'the search waited for the whole save');
      await saving;
    } finally {
      await s.threaded.close();
      s.index.close();
    }
  });

  it('a thread that dies fails the calls it held with VECTOR_THREAD_FAILED; the next ensure starts another that serves', async () => {
    const s = setUp(500, 500, { kind: 'exact', quantization: 'f32' });
    try {
      await s.threaded.ensure(e);
      const held = s.threaded.stall(30_000);
      const search = Promise.resolve(s.threaded.current()!.index.search(vector(s.data, 3), 3));
      await s.threaded.kill();
      for (const call of [held, search]) await assert.rejects(call, (err: unknown) => err instanceof AppError && err.code === 'VECTOR_THREAD_FAILED');
      assert.equal(s.threaded.current(), null, 'nothing is served while no thread runs');
      // An add meanwhile is let go: the stored vectors are read by the next build.
      await s.threaded.add(s.rows(1, 10));
      const served = await s.threaded.ensure(e);
      assert.equal((await served.search(vector(s.data, 3), 1))[0]!.key, 4);
      assert.equal(s.threaded.stats().replaced, 1);
      assert.equal(s.threaded.stats().inProcess, false);
    } finally {
      await s.threaded.close();
      s.index.close();
    }
  });

  it('a damaged vectors.idx is moved aside by the thread and the index rebuilt from the stored vectors', async () => {
    const s = setUp(300, 300, { kind: 'exact', quantization: 'i8' });
    const warnings: string[] = [];
    try {
      await s.threaded.ensure(e);
      await s.threaded.save();
      await s.threaded.close();
      fs.writeFileSync(s.threaded.file, 'not an index');
      const log = { warn: (_o: unknown, msg: string) => warnings.push(msg), info: () => {}, error: (_o: unknown, msg: string) => warnings.push(msg) } as never;
      const again = createThreadedVectors({ dir: s.dir, index: () => s.index, generation: () => 1, options: () => ({ kind: 'exact', quantization: 'i8' }), inProcess: s.inProcess, log });
      try {
        const served = await again.ensure(e);
        assert.match(again.describe(), /^exact-i8 \(built from 300 stored vectors\)$/);
        assert.equal((await served.search(vector(s.data, 42), 1))[0]!.key, 43);
        assert.ok(fs.existsSync(`${s.threaded.file}.broken`));
        assert.deepEqual(warnings, ['the saved vector index is unusable; moved it aside, rebuilding it from the stored vectors']);
      } finally {
        await again.close();
      }
    } finally {
      s.index.close();
    }
  });
});
