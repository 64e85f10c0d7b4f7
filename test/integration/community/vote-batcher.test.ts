/**
 * Votes applied together (vote-batcher.ts on PostgreSQL; one transaction each on SQLite) give every
 * request the answer it would get alone, in arrival order, and leave exact counts — also when two
 * "nodes" (two stores with their own connections and batchers) toggle the same votes at once.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { upsertPapers } from '../../../src/catalog/papers.repo.ts';
import { applyVote, countVotes, exactCounts, type VoteIntent } from '../../../src/community/votes.repo.ts';
import { openStore } from '../../../src/store/db.ts';
import { describeEngines } from '../../helpers/stores.ts';

describeEngines('votes applied together', (ctx) => {
  it('one member’s mixed intents sent at once are answered in order', async () => {
    await upsertPapers(ctx.store, [{ arxivId: '2609.00001', title: 'T', abstract: 'A', authors: ['X'], categories: ['cs.CL'], source: 't' }]);
    const now = new Date().toISOString();
    const r = await ctx.store.db.insertInto('users').values({ email: 'b1@example.org', handle: 'b1', name: 'B', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    const u = Number(r.id);
    const intents: VoteIntent[] = ['toggle', 'up', 'toggle', 'down', 'toggle', 'toggle', 'toggle'];
    const answers = await Promise.all(intents.map((i) => applyVote(ctx.store, u, '2609.00001', i, now)));
    assert.deepEqual(answers.map((a) => a!.voted), [true, true, false, false, true, false, true]);
    const paperId = answers[0]!.paperId;
    assert.equal(await countVotes(ctx.store.db, paperId), 1);
    assert.equal((await exactCounts(ctx.store.db, [paperId])).get(paperId)!.votes, 1);
    assert.equal(await applyVote(ctx.store, u, '2609.99999', 'up', now), null, 'no such paper');
  });

  it('two nodes toggling the same votes at once leave the parity of each member’s toggles', async () => {
    const other = ctx.engine === 'postgres' ? openStore(ctx.url) : ctx.store;
    try {
      const papers = Array.from({ length: 5 }, (_, i) => `2609.1000${i}`);
      await upsertPapers(ctx.store, papers.map((arxivId) => ({ arxivId, title: 'T', abstract: 'A', authors: ['X'], categories: ['cs.CL'], source: 't' })));
      const now = new Date().toISOString();
      const users: number[] = [];
      for (let i = 0; i < 8; i++) {
        const r = await ctx.store.db.insertInto('users').values({ email: `n${i}@example.org`, handle: `n${i}`, name: 'N', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
        users.push(Number(r.id));
      }
      // A fixed plan: each (member, paper) toggled 1–4 times, spread over both nodes, all at once.
      const plan: Array<{ u: number; p: string }> = [];
      users.forEach((u, i) => papers.forEach((p, j) => {
        for (let k = 0; k <= (i + j) % 4; k++) plan.push({ u, p });
      }));
      await Promise.all(plan.map((t, i) => applyVote(i % 2 ? other : ctx.store, t.u, t.p, 'toggle', now)));
      for (const p of papers) {
        const expected = users.filter((u) => plan.filter((t) => t.u === u && t.p === p).length % 2 === 1).length;
        const id = Number((await ctx.store.db.selectFrom('papers').select('id').where('arxiv_id', '=', p).executeTakeFirstOrThrow()).id);
        assert.equal(await countVotes(ctx.store.db, id), expected, `votes on ${p}`);
        assert.equal((await exactCounts(ctx.store.db, [id])).get(id)?.votes ?? 0, expected, `counter of ${p}`);
      }
    } finally {
      if (other !== ctx.store) await other.close();
    }
  });
});
