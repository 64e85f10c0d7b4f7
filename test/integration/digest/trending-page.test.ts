/**
 * One trending score everywhere: /trending (with each paper's "why it is trending"), /api/trending,
 * `sort=trending` on /api/daily_papers and the trending feed give the same order, on both engines.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { useCommunityServer } from '../../helpers/community.ts';
import { DIGEST_PAPERS } from '../../helpers/digest.ts';
import { describeEngines } from '../../helpers/stores.ts';

describeEngines('trending page', (ctx) => {
  const t = useCommunityServer(ctx, {}, DIGEST_PAPERS);
  // Ages count from the latest daily day (2026-08-21): 80 upvotes a day old beat 40 upvotes + 5 comments today.
  const ORDER = ['2608.00002', '2608.00001', '2608.00003', '2608.00004', '2608.00005', '2608.00006'];

  it('ranks by the documented score and says why each paper is trending', async () => {
    const r = await t.server.inject('/trending');
    assert.equal(r.statusCode, 200);
    const ids = [...r.body.matchAll(/<article class="card[^"]*" data-id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, ORDER);
    assert.match(r.body, /Score = \(upvotes \+ 2 × comments \+ 1\) × 2<sup>−age in days \/ 3<\/sup>/);
    assert.match(r.body, /Why it is trending: 80 upvotes \+ 2 × 0 comments \+ 1 = 81, 1 day old \(× 0\.79\) → 64\.3/);
    assert.match(r.body, /Why it is trending: 40 upvotes \+ 2 × 5 comments \+ 1 = 51, new today \(× 1\) → 51/);
    assert.equal((await t.server.inject('/trending?p=2')).statusCode, 200);
    assert.equal((await t.server.inject('/trending?p=x')).statusCode, 400);
  });

  it('the API, sort=trending and the feed use the same score', async () => {
    const api = (await t.server.inject('/api/trending?limit=10')).json();
    assert.deepEqual(api.items.map((i: { paper: { id: string } }) => i.paper.id), ORDER);
    assert.equal(api.items[0].score, 64.29, '81 × 2^(−1/3)');
    assert.equal(api.items[1].why, '40 upvotes + 2 × 5 comments + 1 = 51, new today (× 1) → 51');
    const daily = (await t.server.inject('/api/daily_papers?sort=trending&limit=6')).json();
    assert.deepEqual(daily.map((i: { paper: { id: string } }) => i.paper.id), ORDER);
    const feed = (await t.server.inject('/feeds/trending.atom')).body;
    const feedIds = [...feed.matchAll(/<id>https:\/\/arxiv\.org\/abs\/([^<]+)<\/id>/g)].map((m) => m[1]);
    assert.deepEqual(feedIds.slice(0, 6), ORDER);
    assert.match(feed, /\(upvotes \+ 2 × comments \+ 1\)/);
  });

  it('counts this site\'s own votes and comments beside the imported ones', async () => {
    const c = community(t.app);
    const voters = await Promise.all(['v1', 'v2', 'v3'].map(async (n) => (await c.signIn.ensureUser(`${n}@example.org`)).user));
    for (const u of voters) await c.votes.vote(u, '2608.00006', 'up');
    await c.comments.add(voters[0]!, '2608.00006', 'Weather models finally trending.');
    await c.counts.foldOnce();
    // 0 imported + 3 local upvotes, 1 local comment, new on the reference day: 3 + 2 + 1 = 6. The ranking is
    // cached by the catalog's change sequence, read at most every 250 ms (seq-cache.ts): poll with a deadline.
    const why = /Why it is trending: 3 upvotes \+ 2 × 1 comment \+ 1 = 6, new today \(× 1\) → 6/;
    const deadline = Date.now() + 5000;
    let body = (await t.server.inject('/trending')).body;
    while (!why.test(body) && Date.now() < deadline) {
      await new Promise((ok) => setTimeout(ok, 50));
      body = (await t.server.inject('/trending')).body;
    }
    assert.match(body, why);
    const api = (await t.server.inject('/api/trending?limit=10')).json();
    const item = api.items.find((i: { paper: { id: string } }) => i.paper.id === '2608.00006');
    assert.equal(item.score, 6);
  });
});
