import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blendPrior, DEFAULT_PRIOR, priorOf, type Signals } from '../../src/search/keyword/prior.ts';

const ranked = (scores: number[]) => scores.map((score, i) => ({ id: i + 1, arxivId: '', score }));
const lookup = (m: Record<number, Signals>) => (ids: number[]) => new Map(ids.flatMap((id) => (m[id] ? [[id, m[id]!] as const] : [])));

describe('the community prior', () => {
  it('works out popularity on a log scale and halves freshness every half-life (numbers by hand)', () => {
    const newest = Date.parse('2026-01-01');
    const p = priorOf({ upvotes: 99, published: '2022-01-02' }, 999, newest, 1460);
    assert.ok(Math.abs(p.popularity - Math.log(100) / Math.log(1000)) < 1e-12); // 2/3
    assert.ok(Math.abs(p.freshness - 0.5) < 1e-3, `four years old: half (${p.freshness})`);
    assert.deepEqual(priorOf({ upvotes: 5, published: null }, 0, newest, 1460), { popularity: 0, freshness: 1 });
  });

  it('lets a much-upvoted paper pass a slightly more relevant one, never a clearly more relevant one', () => {
    const votes = lookup({ 1: { upvotes: 0, published: '2025-01-01' }, 2: { upvotes: 500, published: '2025-01-01' }, 3: { upvotes: 500, published: '2025-01-01' } });
    // Paper 2 is 5 % less relevant than 1: the prior (at most 0.2) lifts it above; paper 3, 30 % less, stays below.
    const out = blendPrior(ranked([10, 9.5, 7]), votes, DEFAULT_PRIOR);
    assert.deepEqual(out.map((r) => r.id), [2, 1, 3]);
    assert.ok(out[0]!.score <= 1 + DEFAULT_PRIOR.weight + 1e-12);
  });

  it('changes nothing without votes, and nothing below its depth', () => {
    const none = lookup({});
    const list = ranked([5, 4, 3, 2]);
    assert.deepEqual(blendPrior(list, none, DEFAULT_PRIOR), list);
    const m: Record<number, Signals> = {};
    for (let i = 1; i <= 30; i++) m[i] = { upvotes: i === 30 ? 1000 : 0, published: '2025-01-01' };
    const long = ranked(Array.from({ length: 30 }, (_, i) => 100 - i));
    const out = blendPrior(long, lookup(m), { ...DEFAULT_PRIOR, depth: 20 });
    // The 30th paper's votes are never read: it is past the first page the prior re-ranks.
    assert.equal(out.at(-1)!.id, 30);
    assert.deepEqual(out.map((r) => r.id), long.map((r) => r.id));
    for (let i = 1; i < out.length; i++) assert.ok(out[i - 1]!.score >= out[i]!.score, 'still ordered by score');
  });
});
