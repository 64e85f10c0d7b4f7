import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';
import type { IndexDoc } from '../../src/search/keyword/types.ts';
import { parseQuery } from '../../src/search/query.ts';

// Distinct words, so each write flushes pages enough for FTS5's automerge to act (it merges per 64 pages written).
const doc = (id: number): IndexDoc => ({
  id, arxivId: `2401.${String(id).padStart(5, '0')}`, title: `paper ${id} on graph kernels`,
  abstract: `abstract ${id} about spectral methods and word${id} ${Array.from({ length: 150 }, (_, k) => `t${id}x${k}`).join(' ')}`,
  authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: id,
});

/** FTS5's live segments: the segment id is the top bits of an fts_data rowid (0 holds the structure and averages). */
const segments = (file: string) => {
  const db = new SQLite(file, { readonly: true });
  try {
    return db.prepare('SELECT count(DISTINCT rowid >> 37) FROM fts_data WHERE rowid >> 37 > 0').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('keyword index: FTS5 segment merges', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-merge-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never merges inside a write; mergeStep merges in bounded steps and says when nothing is left', () => {
    const index = openSearchIndex(dir);
    try {
      for (let b = 0; b < 12; b++) index.apply(Array.from({ length: 20 }, (_, i) => doc(b * 20 + i + 1)));
      // With FTS5's automerge (4) the twelve commits would have been merged down to a few segments as they went.
      assert.equal(segments(index.file), 12, 'one segment per write');
      let steps = 0;
      while (index.mergeStep(16)) assert.ok(++steps < 100, 'merging ends');
      assert.ok(steps >= 1);
      assert.ok(segments(index.file) < 4, `${segments(index.file)} segments left`);
      assert.equal(index.mergeStep(16), false, 'nothing left to merge');
      const side = new SQLite(index.file);
      try {
        side.prepare(`INSERT INTO fts (fts) VALUES ('integrity-check')`).run(); // throws on a damaged index
      } finally {
        side.close();
      }
      assert.equal(index.search(parseQuery('word37'), { limit: 5 }).hits[0]?.id, 37);
      assert.equal(index.search(parseQuery('spectral'), { limit: 100 }).total, 240);
    } finally {
      index.close();
    }
  });
});
