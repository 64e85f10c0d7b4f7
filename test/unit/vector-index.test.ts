import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sampleVectors, vectorSpace } from '../../bench/synthetic.ts';
import { createVectorIndex, loadVectorIndex, type VectorIndex, type VectorIndexOptions } from '../../src/search/vectors/vector-index.ts';

const DIM = 96;
const N = 3000;
const Q = 50;
const space = vectorSpace(DIM, { clusters: 60, seed: 7 });
const data = sampleVectors(space, N, 8);
const queries = sampleVectors(space, Q, 9);
const keys = Array.from({ length: N }, (_, i) => 1000 + i * 3);
const vecs = keys.map((_, i) => data.slice(i * DIM, (i + 1) * DIM));
const qs = Array.from({ length: Q }, (_, i) => queries.slice(i * DIM, (i + 1) * DIM));

// The reference: every dot product, sorted — no index at all.
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j]!, 0);
const ranked = qs.map((q) => keys.map((k, i) => ({ key: k, score: dot(q, vecs[i]!) })).sort((a, b) => b.score - a.score).slice(0, 10));
const truth = ranked.map((r) => r.map((h) => h.key));

function recallAt10(idx: VectorIndex): number {
  let hit = 0;
  qs.forEach((q, i) => {
    const got = new Set(idx.search(q, 10).map((h) => h.key));
    for (const k of truth[i]!) if (got.has(k)) hit++;
  });
  return hit / (Q * 10);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-index-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('vector index', () => {
  for (const kind of ['exact', 'hnsw'] as const) {
    for (const quantization of ['f32', 'i8', 'b1'] as const) {
      for (const funnelDims of [undefined, 32]) {
        const o: VectorIndexOptions = { kind, quantization, funnelDims };
        it(`recall@10 ≥ 0.9 and true dot-product scores: ${kind} ${quantization} funnel ${funnelDims ?? 'none'}`, () => {
          const idx = createVectorIndex(DIM, o);
          idx.upsertMany(keys, vecs);
          assert.equal(idx.size, N);
          assert.equal(idx.kind, `${kind}-${quantization}${funnelDims ? `-funnel${funnelDims}` : ''}`);
          const r = recallAt10(idx);
          assert.ok(r >= 0.9, `recall ${r}`);
          const hits = idx.search(qs[0]!, 10);
          const exact = ranked[0]!;
          // Re-ranked on f32: the best hit's score is the exact dot product, and the list is sorted.
          assert.ok(Math.abs(hits[0]!.score - exact[0]!.score) < 1e-5);
          for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
        });
      }
    }
  }

  for (const o of [{ kind: 'exact' }, { kind: 'hnsw', quantization: 'i8', funnelDims: 32 }] as VectorIndexOptions[]) {
    it(`upsert replaces and remove removes (${o.kind})`, () => {
      const idx = createVectorIndex(DIM, o);
      idx.upsertMany(keys.slice(0, 1000), vecs.slice(0, 1000));
      const k = keys[10]!;
      idx.upsert(k, vecs[2000]!);
      assert.equal(idx.size, 1000);
      assert.equal(idx.search(vecs[2000]!, 1)[0]!.key, k);
      assert.ok(Math.abs(idx.search(vecs[2000]!, 1)[0]!.score - 1) < 1e-5);
      assert.ok(!idx.search(vecs[10]!, 10).some((h) => h.key === k && h.score > 0.9999));
      idx.upsertMany([k, 5], [vecs[10]!, vecs[2001]!]);
      assert.equal(idx.size, 1001);
      assert.equal(idx.search(vecs[10]!, 1)[0]!.key, k);

      idx.remove(k);
      idx.remove(424242); // absent: a no-op
      assert.equal(idx.has(k), false);
      assert.equal(idx.size, 1000);
      assert.ok(!idx.search(vecs[10]!, 50).some((h) => h.key === k));
      // The vector that moved into the hole is still found under its own key.
      assert.equal(idx.search(vecs[2001]!, 1)[0]!.key, 5);
      idx.upsert(k, vecs[10]!);
      assert.equal(idx.search(vecs[10]!, 1)[0]!.key, k);
    });
  }

  for (const o of [{ kind: 'exact', quantization: 'b1' }, { kind: 'hnsw', quantization: 'i8', funnelDims: 32 }] as VectorIndexOptions[]) {
    it(`save then load returns the same results (${o.kind} ${o.quantization})`, () => {
      const idx = createVectorIndex(DIM, o);
      idx.upsertMany(keys, vecs);
      idx.remove(keys[3]!);
      const file = path.join(tmp, `${o.kind}.vec`);
      idx.save(file);
      idx.save(file); // a second save replaces the first and leaves one graph file
      const graphs = fs.readdirSync(tmp).filter((f) => f.startsWith(`${o.kind}.vec.`) && f.endsWith('.hnsw'));
      assert.equal(graphs.length, o.kind === 'hnsw' ? 1 : 0);
      const back = loadVectorIndex(file, o);
      assert.equal(back.size, N - 1);
      assert.equal(back.kind, idx.kind);
      assert.equal(back.has(keys[3]!), false);
      for (const q of qs.slice(0, 10)) assert.deepEqual(back.search(q, 10), idx.search(q, 10));
      // Other options: the f32 vectors are authoritative, so the stage is rebuilt from them.
      const exact = loadVectorIndex(file, { kind: 'exact' });
      assert.equal(exact.kind, 'exact-f32');
      assert.deepEqual(exact.search(qs[0]!, 10).map((h) => h.key), truth[0]!.filter((k) => k !== keys[3]));
    });
  }

  it('a corrupted, truncated, foreign or incomplete file gives a clear error', () => {
    const idx = createVectorIndex(DIM, { kind: 'hnsw' });
    idx.upsertMany(keys.slice(0, 200), vecs.slice(0, 200));
    const file = path.join(tmp, 'corrupt.vec');
    idx.save(file);
    const good = fs.readFileSync(file);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 7]! ^= 0x40;
    fs.writeFileSync(file, flipped);
    assert.throws(() => loadVectorIndex(file, { kind: 'hnsw' }), /corrupt\.vec is unusable: checksum mismatch/);

    fs.writeFileSync(file, good.subarray(0, good.length - 100));
    assert.throws(() => loadVectorIndex(file, { kind: 'hnsw' }), /unusable: size \d+ bytes, expected/);

    fs.writeFileSync(file, 'hello, not an index');
    assert.throws(() => loadVectorIndex(file, { kind: 'hnsw' }), /unusable: not a vector index file/);

    fs.writeFileSync(file, good);
    const graph = fs.readdirSync(tmp).find((f) => f.startsWith('corrupt.vec.') && f.endsWith('.hnsw'))!;
    const g = fs.readFileSync(path.join(tmp, graph));
    g[g.length - 5]! ^= 0x01;
    fs.writeFileSync(path.join(tmp, graph), g);
    assert.throws(() => loadVectorIndex(file, { kind: 'hnsw' }), /HNSW graph .* fails its checksum/);
    fs.rmSync(path.join(tmp, graph));
    assert.throws(() => loadVectorIndex(file, { kind: 'hnsw' }), /HNSW graph .* is missing/);
    assert.throws(() => loadVectorIndex(path.join(tmp, 'nope.vec'), { kind: 'hnsw' }), /ENOENT/);
  });

  it('auto switches from exact to HNSW when the size crosses hnswFrom', () => {
    const idx = createVectorIndex(DIM, { kind: 'auto', hnswFrom: 1500, quantization: 'i8' });
    idx.upsertMany(keys.slice(0, 1000), vecs.slice(0, 1000));
    assert.equal(idx.kind, 'exact-i8');
    for (let i = 1000; i < 1499; i++) idx.upsert(keys[i]!, vecs[i]!);
    assert.equal(idx.kind, 'exact-i8');
    idx.upsert(keys[1499]!, vecs[1499]!);
    assert.equal(idx.kind, 'hnsw-i8');
    idx.upsertMany(keys.slice(1500), vecs.slice(1500));
    assert.equal(idx.size, N);
    assert.ok(recallAt10(idx) >= 0.9);
    assert.equal(idx.search(vecs[1499]!, 1)[0]!.key, keys[1499]);
  });

  it('reads query and stored vectors that are views into a larger buffer (usearch ignores byteOffset)', () => {
    for (const o of [{ kind: 'exact' }, { kind: 'hnsw' }, { kind: 'exact', quantization: 'i8' }] as VectorIndexOptions[]) {
      const idx = createVectorIndex(DIM, o);
      idx.upsertMany(keys.slice(0, 500), keys.slice(0, 500).map((_, i) => data.subarray(i * DIM, (i + 1) * DIM)));
      const view = queries.subarray(7 * DIM, 8 * DIM);
      assert.notEqual(view.byteOffset, 0);
      assert.deepEqual(idx.search(view, 10), idx.search(qs[7]!, 10));
      assert.equal(idx.search(data.subarray(300 * DIM, 301 * DIM), 1)[0]!.key, keys[300]);
    }
  });

  it('an outgrown exact index that does not switch itself still finds the vectors added past hnswFrom', () => {
    // Before: past hnswFrom, upserts went to the (absent) switch instead of the quantized stage, so an
    // exact-i8 index serving while its owner built the graph could not find any newer vector.
    const idx = createVectorIndex(DIM, { kind: 'auto', hnswFrom: 500, quantization: 'i8', autoSwitch: false });
    idx.upsertMany(keys.slice(0, 400), vecs.slice(0, 400));
    idx.upsertMany(keys.slice(400, 600), vecs.slice(400, 600));
    for (let i = 600; i < 650; i++) idx.upsert(keys[i]!, vecs[i]!);
    assert.equal(idx.outgrown, true);
    assert.equal(idx.kind, 'exact-i8');
    for (const i of [10, 450, 599, 649]) assert.equal(idx.search(vecs[i]!, 1)[0]!.key, keys[i], `row ${i}`);
  });

  it('a graph grown by small adds on one thread takes a large add on every core, and small ones between (in any order)', () => {
    // usearch sizes its per-thread contexts only when an add grows the capacity: 513 single adds left a
    // capacity of 1,024 with one context, and a 300-vector add (every core) then failed with "Reserve
    // capacity ahead of insertions!" (CI: a graph built in paced steps that crossed SMALL_ADD both ways).
    const idx = createVectorIndex(DIM, { kind: 'hnsw' });
    for (let i = 0; i < 513; i++) idx.upsert(keys[i]!, vecs[i]!);
    idx.upsertMany(keys.slice(513, 813), vecs.slice(513, 813));
    idx.upsertMany(keys.slice(813, 900), vecs.slice(813, 900));
    idx.upsertMany(keys.slice(900, 1300), vecs.slice(900, 1300));
    for (let i = 1300; i < 1400; i++) idx.upsert(keys[i]!, vecs[i]!);
    idx.upsertMany(keys.slice(1400, 1800), vecs.slice(1400, 1800));
    assert.equal(idx.size, 1800);
    for (const i of [0, 512, 700, 850, 1000, 1350, 1799]) assert.equal(idx.search(vecs[i]!, 1)[0]!.key, keys[i], `row ${i}`);
  });

  describe('with a vector source (no full vectors kept)', () => {
    // The source is the store the vectors came from; it counts what the re-rank asks for.
    const byKey = new Map(keys.map((k, i) => [k, vecs[i]!]));
    let asked = 0;
    const source = (ks: number[]) => {
      asked += ks.length;
      return ks.map((k) => byKey.get(k) ?? null);
    };
    for (const o of [{ kind: 'exact', quantization: 'i8' }, { kind: 'hnsw', quantization: 'i8' }, { kind: 'auto', hnswFrom: 100, autoSwitch: false, quantization: 'b1' }, { kind: 'hnsw', funnelDims: 32 }] as VectorIndexOptions[]) {
      const name = `${o.kind} ${o.quantization ?? 'f32'}${o.funnelDims ? ' funnel' : ''}`;
      it(`answers exactly as an index that keeps them, re-ranking the short list from the source; save and load (${name})`, () => {
        const full = createVectorIndex(DIM, o);
        const lean = createVectorIndex(DIM, o, 0, source);
        for (const idx of [full, lean]) {
          idx.upsertMany(keys.slice(0, 2000), vecs.slice(0, 2000));
          for (let i = 2000; i < 2100; i++) idx.upsert(keys[i]!, vecs[i]!);
          idx.remove(keys[5]!);
        }
        asked = 0;
        if (o.kind === 'hnsw') {
          // Two graphs built by usearch's threads differ a little: the same neighbours mostly, true dot products always.
          let same = 0;
          for (const q of qs) {
            const got = lean.search(q, 10);
            const want = new Set(full.search(q, 10).map((h) => h.key));
            same += got.filter((h) => want.has(h.key)).length;
            for (const h of got) assert.ok(Math.abs(h.score - dot(q, byKey.get(h.key)!)) < 1e-6);
          }
          assert.ok(same >= Q * 10 * 0.9, `${same} of ${Q * 10} the same`);
        } else for (const q of qs) assert.deepEqual(lean.search(q, 10), full.search(q, 10));
        assert.ok(asked > 0 && asked <= Q * 400, `asked the source for ${asked} vectors`);
        const file = path.join(tmp, `lean-${o.kind}-${o.quantization ?? 'f32'}.vec`);
        lean.save(file);
        // The file holds keys and the stage's own vectors (or its graph beside it), not 2,099 × 96 floats.
        assert.ok(fs.statSync(file).size < 2099 * DIM * 4 / 3, `${fs.statSync(file).size} bytes`);
        const back = loadVectorIndex(file, o, source);
        assert.equal(back.size, 2099);
        assert.equal(back.kind, lean.kind);
        for (const q of qs.slice(0, 10)) assert.deepEqual(back.search(q, 10), lean.search(q, 10));
        back.upsert(keys[2500]!, vecs[2500]!);
        assert.equal(back.search(vecs[2500]!, 1)[0]!.key, keys[2500]);
        // Without its source, or for another stage, such a file cannot serve: a clear error (the owner rebuilds).
        assert.throws(() => loadVectorIndex(file, o), /holds no full vectors \(saved by an index that re-ranks from its vector store\)/);
        assert.throws(() => loadVectorIndex(file, { ...o, quantization: 'i8', funnelDims: 48 }, source), /saved with another short-list stage/);
      });
    }

    it('an i8 stage re-ranks only its best 1.5k candidates, not the whole short list; a gone one is replaced by the next', () => {
      for (const o of [{ kind: 'exact', quantization: 'i8' }, { kind: 'hnsw', quantization: 'i8' }] as VectorIndexOptions[]) {
        const lean = createVectorIndex(DIM, o, 0, source);
        lean.upsertMany(keys, vecs);
        const wide = createVectorIndex(DIM, { ...o, rerank: 400 }, 0, source);
        wide.upsertMany(keys, vecs);
        let same = 0;
        for (const q of qs) {
          asked = 0;
          const got = lean.search(q, 20, { shortlist: 400 });
          // 30 of the short list of 400 (before: all 400).
          assert.equal(asked, 30);
          assert.equal(got.length, 20);
          for (const h of got) assert.ok(Math.abs(h.score - dot(q, byKey.get(h.key)!)) < 1e-6);
          const want = new Set(wide.search(q, 20, { shortlist: 400 }).map((h) => h.key));
          same += got.filter((h) => want.has(h.key)).length;
        }
        assert.ok(same >= Q * 20 * 0.99, `${same} of ${Q * 20} as with the whole short list re-ranked (${o.kind})`);
      }
      // `depth`: the short list of a search for that many (b1 re-ranks all of it: max(10 × 50, 400)).
      const bits = createVectorIndex(DIM, { kind: 'exact', quantization: 'b1' }, 0, source);
      bits.upsertMany(keys, vecs);
      asked = 0;
      assert.equal(bits.search(qs[0]!, 10, { depth: 50 }).length, 10);
      assert.equal(asked, 500);
      // The source lost the first 5 candidates' vectors: the re-rank reads on down the short list.
      const whole = createVectorIndex(DIM, { kind: 'exact', quantization: 'i8' }, 0, source);
      whole.upsertMany(keys, vecs);
      const first = whole.search(qs[0]!, 20).map((h) => h.key);
      const lost = new Set(first.slice(0, 5));
      const partial = createVectorIndex(DIM, { kind: 'exact', quantization: 'i8' }, 0, (ks) => ks.map((k) => (lost.has(k) ? null : byKey.get(k) ?? null)));
      partial.upsertMany(keys, vecs);
      const got = partial.search(qs[0]!, 20).map((h) => h.key);
      assert.equal(got.length, 20);
      assert.ok(got.every((k) => !lost.has(k)));
      assert.deepEqual(got.slice(0, 15), first.slice(5));
    });

    it('a vector the source no longer has is no candidate; a file with full vectors loads without keeping them', () => {
      const o: VectorIndexOptions = { kind: 'exact', quantization: 'i8' };
      const lean = createVectorIndex(DIM, o, 0, source);
      lean.upsertMany(keys.slice(0, 500), vecs.slice(0, 500));
      const gone = (ks: number[]) => ks.map((k) => (k === keys[7] ? null : byKey.get(k) ?? null));
      const partial = createVectorIndex(DIM, o, 0, gone);
      partial.upsertMany(keys.slice(0, 500), vecs.slice(0, 500));
      assert.equal(lean.search(vecs[7]!, 1)[0]!.key, keys[7]);
      assert.notEqual(partial.search(vecs[7]!, 1)[0]!.key, keys[7]);
      // A file saved with full vectors (as every file before format 2): its stage is filled from them.
      const full = createVectorIndex(DIM, o);
      full.upsertMany(keys.slice(0, 500), vecs.slice(0, 500));
      const file = path.join(tmp, 'full-into-lean.vec');
      full.save(file);
      const back = loadVectorIndex(file, o, source);
      for (const q of qs.slice(0, 10)) assert.deepEqual(back.search(q, 10), full.search(q, 10));
      assert.throws(() => createVectorIndex(DIM, { kind: 'auto', quantization: 'i8' }, 0, source), /autoSwitch false/);
    });
  });

  it('rejects bad input with clear errors', () => {
    const idx = createVectorIndex(DIM, { kind: 'exact' });
    assert.deepEqual(idx.search(qs[0]!, 5), []);
    assert.throws(() => idx.upsert(1, new Float32Array(3)), /3 dimensions, the index 96/);
    assert.throws(() => idx.upsert(-1, vecs[0]!), /non-negative integers/);
    assert.throws(() => idx.upsertMany([1, 1], [vecs[0]!, vecs[1]!]), /twice/);
    assert.throws(() => idx.search(qs[0]!, 0), /k must be a positive integer/);
    assert.throws(() => createVectorIndex(DIM, { kind: 'exact', funnelDims: 200 }), /funnelDims must be an integer in 1..96/);
    assert.throws(() => createVectorIndex(DIM, { kind: 'ivf' as 'exact' }), /kind must be exact, hnsw or auto/);
    idx.upsert(1, vecs[0]!);
    assert.equal(idx.search(qs[0]!, 5).length, 1);
  });
});
