import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { createEmbedding } from '../../src/search/embedding.ts';
import type { EmbedderProvider } from '../../src/search/embedders/factory.ts';
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';
import type { IndexDoc } from '../../src/search/keyword/types.ts';
import { createServedVectors } from '../../src/search/vectors/served-vectors.ts';
import { createVectorIndex, loadVectorIndex } from '../../src/search/vectors/vector-index.ts';
import { createMeta } from '../../src/search/keyword/schema.ts';
import { createVectorStore, PENDING_SPAN } from '../../src/search/vectors/vector-store.ts';

const DIM = 8;
const doc = (id: number): IndexDoc => ({
  id, arxivId: `2401.${String(id).padStart(5, '0')}`, title: `paper ${id}`, abstract: `abstract of paper ${id}`, authors: ['A. Author'],
  categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: id,
});
const unit = (seed: number) => {
  const v = Float32Array.from({ length: DIM }, (_, j) => Math.sin(seed * 7 + j));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const asideTables = (file: string) => {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'vectors_old%'`).pluck().all() as string[]).length;
  } finally {
    db.close();
  }
};

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-vstore-'));
  dirs.push(d);
  return d;
};

describe('vector store reset', () => {

  it('forgets every vector at once and deletes the old ones in steps, also after a restart', () => {
    const dir = tmp();
    let index = openSearchIndex(dir);
    const n = 1200;
    index.apply(Array.from({ length: n }, (_, i) => doc(i + 1)));
    assert.ok(index.vectors.put('', Array.from({ length: n }, (_, i) => ({ id: i + 1, v: unit(i) }))) === false, 'no embedder recorded yet');
    index.vectors.reset('a');
    assert.ok(index.vectors.put('a', Array.from({ length: n }, (_, i) => ({ id: i + 1, v: unit(i) }))));
    assert.equal(index.vectors.count(), n);
    const version = index.vectors.version();

    index.vectors.reset('b');
    // Forgotten at once: nothing stored, every paper pending, the version moved, no old vector readable.
    assert.equal(index.vectors.embedder(), 'b');
    assert.equal(index.vectors.count(), 0);
    assert.equal(index.vectors.pendingCount(), n);
    assert.equal(index.vectors.pending(5000).rows.length, n);
    assert.ok(index.vectors.version() > version);
    assert.equal(index.vectors.get(1), null);
    assert.deepEqual(index.vectors.page(-1, 10), []);
    assert.equal(asideTables(index.file), 1);
    // New vectors go in beside the old ones; a paper removed now loses its new vector, not an old one.
    assert.ok(index.vectors.put('b', [{ id: 1, v: unit(100) }, { id: 2, v: unit(101) }]));
    assert.equal(index.vectors.count(), 2);
    assert.deepEqual([...index.vectors.get(1)!], [...unit(100)]);

    // Two steps of 500, then the rest, then the drop: each step is a bounded amount of work.
    assert.equal(index.vectors.discardStep(500), 500);
    assert.equal(index.vectors.discardStep(500), 500);
    // A restart in the middle: the table set aside is found again and emptied.
    index.close();
    index = openSearchIndex(dir);
    assert.equal(index.vectors.count(), 2);
    assert.equal(index.vectors.discardStep(500), 200);
    assert.equal(index.vectors.discardStep(500), 0);
    assert.equal(asideTables(index.file), 0);
    assert.equal(index.vectors.count(), 2);
    assert.deepEqual([...index.vectors.get(2)!], [...unit(101)]);
    index.close();
  });

  it('a change of embedder re-embeds every paper, then the old vectors are gone', async () => {
    const dir = tmp();
    const index = openSearchIndex(dir);
    try {
      const n = 300;
      index.apply(Array.from({ length: n }, (_, i) => doc(i + 1)));
      const embedder = (id: string, shift: number) => ({ id, dim: DIM, embed: async (texts: string[]) => texts.map((t) => unit(Number(/paper (\d+)/.exec(t)![1]) + shift)) });
      let current = embedder('first', 0);
      const provider: EmbedderProvider = { spec: 'test', current: () => current, state: () => 'ready', maintain: async () => {}, close: () => {} };
      const opts = { kind: 'exact' as const };
      const vectors = createServedVectors({
        dir, index: () => index,
        components: { create: (dim, expected, source) => createVectorIndex(dim, opts, expected, source), load: (file, _dim, source) => loadVectorIndex(file, opts, source) },
      });
      const embedding = createEmbedding({ provider, index: () => index, vectors });
      await embedding.embedPending();
      assert.equal(index.vectors.count(), n);
      current = embedder('second', 1000);
      await embedding.embedPending();
      assert.equal(index.vectors.embedder(), 'second');
      assert.equal(index.vectors.count(), n);
      assert.deepEqual([...index.vectors.get(7)!], [...unit(1007)]);
      assert.equal(asideTables(index.file), 0, 'the first embedder\'s vectors were deleted');
      assert.equal(vectors.current()?.of, 'second');
      assert.equal(vectors.current()?.index.size, n);
    } finally {
      index.close();
    }
  });
});

describe('papers without a vector', () => {
  /** `fn` on a new index in its own folder, closed after. */
  const withIndex = async (fn: (index: ReturnType<typeof openSearchIndex>, dir: string) => unknown) => {
    const dir = tmp();
    const index = openSearchIndex(dir);
    try {
      await fn(index, dir);
    } finally {
      index.close();
    }
  };
  const servedExact = (dir: string, index: ReturnType<typeof openSearchIndex>) => {
    const opts = { kind: 'exact' as const };
    return createServedVectors({
      dir, index: () => index,
      components: { create: (dim, expected, source) => createVectorIndex(dim, opts, expected, source), load: (file, _dim, source) => loadVectorIndex(file, opts, source) },
    });
  };
  const byNumber = { id: 'e', dim: DIM, embed: async (texts: string[]) => texts.map((t) => unit(Number(/paper (\d+)/.exec(t)![1]))) };
  const provider = (e = byNumber): EmbedderProvider => ({ spec: 'test', current: () => e, state: () => 'ready', maintain: async () => {}, close: () => {} });

  it('one call looks at PENDING_SPAN ids at most, however many papers before the new ones have their vector', () =>
    withIndex((index) => {
      // 6,000 papers, the first 5,000 embedded; ten more far beyond a gap in the ids.
      const ids = [...Array.from({ length: 6000 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => 20_001 + i)];
      index.apply(ids.map(doc));
      index.vectors.reset('e');
      assert.ok(index.vectors.put('e', ids.slice(0, 5000).map((id) => ({ id, v: unit(id) }))));
      // The first window holds embedded papers only: nothing found, and the cursor moves on by the window.
      const first = index.vectors.pending(50, 0);
      assert.deepEqual(first, { rows: [], through: PENDING_SPAN, done: false });
      const found: number[] = [];
      let calls = 0;
      for (let after = 0; ; ) {
        const { rows, through, done } = index.vectors.pending(50, after);
        calls++;
        assert.ok(through - after <= PENDING_SPAN, `looked at ids ${after + 1}..${through}`);
        assert.ok(rows.every((r) => r.id > after && r.id <= through && r.text === `paper ${r.id}. abstract of paper ${r.id}`));
        found.push(...rows.map((r) => r.id));
        if (done) break;
        after = through;
      }
      assert.deepEqual(found, ids.slice(5000));
      assert.ok(calls < 40, `${calls} calls`);
    }));

  it('embedding walks past windows with nothing to embed to the papers beyond them', () =>
    withIndex(async (index, dir) => {
      const ids = [...Array.from({ length: 20 }, (_, i) => i + 1), ...Array.from({ length: 5 }, (_, i) => 3 * PENDING_SPAN + i)];
      index.apply(ids.map(doc));
      const embedding = createEmbedding({ provider: provider(), index: () => index, vectors: servedExact(dir, index) });
      assert.equal(await embedding.embedPending(), ids.length);
      assert.equal(index.vectors.pendingCount(), 0);
      assert.deepEqual([...index.vectors.get(3 * PENDING_SPAN + 4)!], [...unit(3 * PENDING_SPAN + 4)]);
    }));

  it('a step lets the event loop run between embedding, storing and adding to the served index', () =>
    withIndex(async (index, dir) => {
      index.apply(Array.from({ length: 40 }, (_, i) => doc(i + 1)));
      // Each piece of a step schedules a macrotask; the next piece must find it run (a yield between them).
      let ticked = false;
      const tick = () => {
        ticked = false;
        setImmediate(() => (ticked = true));
      };
      const seen: string[] = [];
      const embedder = { ...byNumber, embed: async (texts: string[]) => (tick(), byNumber.embed(texts)) };
      const put = index.vectors.put;
      index.vectors.put = (e, rows) => {
        seen.push(`put after a turn: ${ticked}`);
        tick();
        return put(e, rows);
      };
      const vectors = servedExact(dir, index);
      const add = vectors.add;
      vectors.add = (rows) => {
        seen.push(`add after a turn: ${ticked}`);
        return add(rows);
      };
      const embedding = createEmbedding({ provider: provider(embedder), index: () => index, vectors });
      assert.equal(await embedding.embedPending(), 40);
      assert.ok(seen.length >= 2);
      assert.deepEqual(new Set(seen), new Set(['put after a turn: true', 'add after a turn: true']));
    }));
});

describe('vector store reads', () => {
  it('many() reads a short list in one read transaction (one WAL read lock, not one per vector), in the ids\' order', () => {
    const dir = tmp();
    const index = openSearchIndex(dir);
    index.apply(Array.from({ length: 50 }, (_, i) => doc(i + 1)));
    index.vectors.reset('a');
    assert.ok(index.vectors.put('a', Array.from({ length: 50 }, (_, i) => ({ id: i + 1, v: unit(i + 1) }))));
    const file = index.file;
    index.close();
    // The store over a connection whose statements report whether each read ran inside a transaction.
    const db = new SQLite(file);
    const inTransaction: boolean[] = [];
    const watched = new Proxy(db, {
      get(target, key) {
        if (key !== 'prepare') {
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        }
        return (sql: string) => {
          const st = target.prepare(sql);
          if (!/^SELECT v FROM vectors WHERE id = \?$/.test(sql)) return st;
          const watchedSt: SQLite.Statement = new Proxy(st, {
            get(s, k) {
              const v = Reflect.get(s, k, s) as unknown;
              if (typeof v !== 'function') return v;
              // pluck() returns the statement itself: keep watching it.
              return (...args: unknown[]) => {
                if (k === 'get') inTransaction.push(target.inTransaction);
                const r = (v as (...a: unknown[]) => unknown).apply(s, args);
                return r === s ? watchedSt : r;
              };
            },
          });
          return watchedSt;
        };
      },
    });
    const store = createVectorStore(watched as SQLite.Database, createMeta(db));
    const got = store.many([3, 999, 1]);
    assert.deepEqual(got.map((v) => (v ? [...v] : null)), [[...unit(3)], null, [...unit(1)]]);
    assert.ok(inTransaction.length >= 3, `${inTransaction.length} reads watched`);
    assert.ok(inTransaction.slice(-3).every(Boolean), `reads in a transaction: ${inTransaction.join(',')}`);
    assert.equal(db.inTransaction, false);
    db.close();
  });
});
