import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Embedding } from '../../src/search/embedding.ts';
import { createFollower } from '../../src/search/follower.ts';
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';
import type { IndexDoc } from '../../src/search/keyword/types.ts';

const doc = (id: number): IndexDoc => ({
  id, arxivId: `2401.${String(id).padStart(5, '0')}`, title: `paper ${id}`, abstract: `abstract of paper ${id}`, authors: ['A. Author'],
  categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: id,
});

describe('follower', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-follower-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('calls afterWork once when a burst of indexing and embedding has ended, not while it goes on or when idle', async () => {
    const index = openSearchIndex(dir);
    try {
      const docs: IndexDoc[] = [];
      let toEmbed = 0;
      const embedding: Embedding = { embedPending: async () => toEmbed, training: async () => {}, reset: () => {} };
      let released = 0;
      const follower = createFollower({
        feed: { since: async (seq, limit) => docs.filter((d) => d.seq > seq).slice(0, limit), head: async () => docs.length },
        index: () => index, embedding, afterWork: () => released++,
      });
      await follower.syncOnce();
      assert.equal(released, 0, 'an idle node that did nothing has nothing to give back');
      docs.push(...Array.from({ length: 700 }, (_, i) => doc(i + 1)));
      assert.equal(await follower.syncOnce(), 700);
      assert.equal(released, 0, 'not while papers arrive');
      toEmbed = 256; // the papers' vectors are computed over the next syncs
      await follower.syncOnce();
      assert.equal(released, 0, 'not while embedding');
      toEmbed = 0;
      await follower.syncOnce();
      assert.equal(released, 1, 'once the burst is over');
      await follower.syncOnce();
      await follower.syncOnce();
      assert.equal(released, 1, 'and only once');
      docs.push(doc(701));
      await follower.syncOnce();
      await follower.syncOnce();
      assert.equal(released, 2, 'again after the next burst');
    } finally {
      index.close();
    }
  });

  it('reads the change feed in paced pieces: small at first, at most doubling, never over 500', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-follower-'));
    const index = openSearchIndex(d);
    try {
      const docs = Array.from({ length: 1700 }, (_, i) => doc(i + 1));
      const asked: number[] = [];
      const embedding: Embedding = { embedPending: async () => 0, training: async () => {}, reset: () => {} };
      const follower = createFollower({
        feed: { since: async (seq, limit) => (asked.push(limit), docs.filter((x) => x.seq > seq).slice(0, limit)), head: async () => docs.length },
        index: () => index, embedding,
      });
      assert.equal(await follower.syncOnce(), 1700);
      assert.equal(index.count(), 1700);
      assert.ok(asked[0]! <= 100, `the first read asked ${asked[0]}`);
      for (let i = 1; i < asked.length; i++) assert.ok(asked[i]! <= Math.min(500, 2 * asked[i - 1]!), `reads of ${asked.join(', ')}`);
    } finally {
      index.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('merges the index\'s FTS5 segments after writing, in steps, until nothing is left to merge', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-follower-'));
    const index = openSearchIndex(d);
    try {
      const docs = Array.from({ length: 1700 }, (_, i) => doc(i + 1));
      let merges = 0;
      const counted = { ...index, mergeStep: (pages: number) => (merges++, index.mergeStep(pages)) };
      const embedding: Embedding = { embedPending: async () => 0, training: async () => {}, reset: () => {} };
      const follower = createFollower({ feed: { since: async (seq, limit) => docs.filter((x) => x.seq > seq).slice(0, limit), head: async () => docs.length }, index: () => counted, embedding });
      assert.equal(await follower.syncOnce(), 1700);
      assert.ok(merges > 1, `${merges} merge steps`);
      assert.equal(index.mergeStep(16), false, 'the writes\' segments are merged already');
    } finally {
      index.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
