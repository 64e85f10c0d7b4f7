import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addBounce, bounceScore, markSuspended, suspendedCount } from '../../../src/digest/bounces.repo.ts';
import { describeEngines } from '../../helpers/stores.ts';

const day = (d: string) => new Date(`${d}T08:00:00Z`);

describeEngines('digest bounce scores', (ctx) => {
  it('adds soft 1 and hard 2 points per address, case-insensitively, and starts again after 30 quiet days', async () => {
    const db = ctx.store.db;
    const add = (kind: 'soft' | 'hard', d: string) => addBounce(db, { email: 'Reader@Example.org', kind, code: kind === 'hard' ? 550 : 552, error: 'x', now: day(d) });
    assert.equal((await add('soft', '2026-11-01')).score, 1);
    assert.equal((await add('hard', '2026-11-20')).score, 3);
    assert.deepEqual(await bounceScore(db, 'reader@example.org'), { email: 'reader@example.org', score: 3, soft: 1, hard: 1, suspendedAt: null });
    // 31 days after the last bounce: the count starts again from this one.
    const fresh = await add('hard', '2026-12-21');
    assert.deepEqual([fresh.score, fresh.soft, fresh.hard], [2, 0, 1]);
  });

  it('marks a suspension once, however many callers race for it', async () => {
    const db = ctx.store.db;
    await addBounce(db, { email: 'race@example.org', kind: 'hard', code: 550, error: 'x', now: day('2026-12-01') });
    const won = await Promise.all(Array.from({ length: 5 }, () => markSuspended(db, 'race@example.org', day('2026-12-01'))));
    assert.equal(won.filter(Boolean).length, 1);
    assert.equal(await suspendedCount(db), 1);
  });
});
