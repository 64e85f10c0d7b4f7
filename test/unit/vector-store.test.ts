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

describe('vector store reset', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-vstore-'));
    dirs.push(d);
    return d;
  };

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
    assert.equal(index.vectors.pending(5000).length, n);
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
