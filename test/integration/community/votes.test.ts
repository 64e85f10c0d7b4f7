import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { PaperInput } from '../../../src/catalog/paper.ts';
import { upsertPapers } from '../../../src/catalog/papers.repo.ts';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { signInByLink, useCommunityServer, type Client } from '../../helpers/community.ts';

const DAY = '2026-08-24';
const paper = (id: string, upvotes: number): PaperInput => ({
  arxivId: id, title: `Paper ${id}`, abstract: `About ${id}.`, authors: ['Ada Lovelace'], categories: ['cs.CL'],
  publishedAt: '2026-08-20T00:00:00.000Z', dailyDate: DAY, upvotes, source: 'hf-daily',
});

describeEngines('upvotes and the community counts', (ctx) => {
  const t = useCommunityServer(ctx, {}, [paper('2608.10001', 10), paper('2608.10002', 9), paper('2608.10003', 0)]);
  let alice: Client;
  before(async () => {
    alice = await signInByLink(t.server, t.smtp, 'alice@example.org');
  });

  const fold = () => community(t.app).counts.foldOnce();
  const ids = (body: string) => [...body.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]);
  const shown = async (id: string) => (await t.server.inject({ url: `/api/papers/${id}` })).json().upvotes as number;

  it('anonymous cards link to sign-in; signed-in cards are forms that work without JavaScript', async () => {
    const anon = await t.server.inject({ url: `/papers?date=${DAY}` });
    assert.match(anon.body, /<a class="votes" href="\/signin\?next=%2Fpapers%2F2608.10001"/);
    assert.ok(!anon.body.includes('vote-form'));
    const page = await alice.get(`/papers?date=${DAY}`);
    assert.match(page.body, /<form class="votes vote-form" method="post" action="\/votes"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="paper" value="2608.10002">/);
    assert.match(page.body, /name="vote" value="up" aria-pressed="false"/);
  });

  it('an upvote by form goes back to the page, which shows "upvoted by you" and the exact count at once', async () => {
    assert.deepEqual(ids((await alice.get(`/papers?date=${DAY}`)).body), ['2608.10001', '2608.10002', '2608.10003']);
    const r = await alice.post('/votes', { paper: '2608.10002', vote: 'up', next: `/papers?date=${DAY}` });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, `/papers?date=${DAY}`);
    const page = await alice.get(`/papers?date=${DAY}`);
    const card = page.body.slice(page.body.indexOf('data-id="2608.10002"'), page.body.indexOf('data-id="2608.10003"'));
    assert.match(card, /vote-form voted/);
    assert.match(card, /aria-pressed="true"/);
    assert.match(card, /<span class="count">10<\/span>/, 'baseline 9 + 1 local vote, before any fold');
    assert.match(card, /<span class="you">upvoted by you<\/span>/);
    // Everyone else sees it once the count is folded into the catalog: the shown count and the order.
    assert.equal(await shown('2608.10002'), 9);
    assert.equal(await fold(), 1);
    assert.equal(await shown('2608.10002'), 10);
    const list = await t.server.inject({ url: `/api/daily_papers?date=${DAY}` });
    assert.deepEqual(list.json().map((e: { paper: { id: string } }) => e.paper.id).slice(0, 2), ['2608.10002', '2608.10001'], 'ties broken by id; 10 = 10');
  });

  it('one vote per user: voting up twice counts once; down takes it back; toggle flips', async () => {
    const j = (vote: string) => alice.json('POST', '/votes', { paper: '2608.10003', vote });
    assert.deepEqual((await j('up')).json(), { paper: '2608.10003', upvoted: true, upvotes: 1 });
    assert.deepEqual((await j('up')).json(), { paper: '2608.10003', upvoted: true, upvotes: 1 });
    assert.deepEqual((await j('toggle')).json(), { paper: '2608.10003', upvoted: false, upvotes: 0 });
    assert.deepEqual((await j('toggle')).json(), { paper: '2608.10003', upvoted: true, upvotes: 1 });
    assert.deepEqual((await j('down')).json(), { paper: '2608.10003', upvoted: false, upvotes: 0 });
    assert.deepEqual((await j('down')).json(), { paper: '2608.10003', upvoted: false, upvotes: 0 });
    assert.equal((await j('sideways')).statusCode, 400);
    const missing = await alice.json('POST', '/votes', { paper: '2608.99999', vote: 'up' });
    assert.equal(missing.statusCode, 404);
    const anon = await t.server.inject({ method: 'POST', url: '/api/votes', payload: { paper: '2608.10003', vote: 'up' } });
    assert.equal(anon.statusCode, 401, 'no session, no token: acts as nobody');
  });

  it('concurrent toggles by many users and by one user end in exactly the right count', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => signInByLink(t.server, t.smtp, `crowd${i}@example.org`)));
    // Each user toggles a different number of times, all at once: the final state is the parity.
    const toggles = [1, 2, 3, 4, 7, 11];
    await Promise.all(users.flatMap((u, i) => Array.from({ length: toggles[i]! }, () => u.json('POST', '/votes', { paper: '2608.10001', vote: 'toggle' }))));
    const odd = toggles.filter((n) => n % 2 === 1).length;
    const r = await users[0]!.json('POST', '/votes', { paper: '2608.10001', vote: 'toggle' });
    const expected = odd + (r.json().upvoted ? 1 : -1);
    assert.equal(r.json().upvotes, 10 + expected);
    const rows = await ctx.store.db.selectFrom('votes').innerJoin('papers', 'papers.id', 'votes.paper_id').select('votes.user_id').where('papers.arxiv_id', '=', '2608.10001').execute();
    assert.equal(rows.length, expected);
    await fold();
    assert.equal(await shown('2608.10001'), 10 + expected);
  });

  it('a fold bumps the change sequence once per changed paper, and only when something changed', async () => {
    const head = async () => Number((await ctx.store.db.selectFrom('counters').select('value').where('name', '=', 'paper_seq').executeTakeFirstOrThrow()).value);
    await fold();
    const before = await head();
    assert.equal(await fold(), 0);
    assert.equal(await head(), before, 'a quiet fold changes nothing');
    for (let i = 0; i < 5; i++) await alice.json('POST', '/votes', { paper: '2608.10003', vote: 'toggle' });
    await alice.json('POST', '/votes', { paper: '2608.10002', vote: 'toggle' });
    assert.equal(await fold(), 2);
    assert.equal(await head(), before + 2, 'six votes, two papers, two sequence numbers');
  });

  it('ingest never writes the local counts: a re-import moves the baseline only', async () => {
    await fold();
    const before = await shown('2608.10002');
    const local = before - 9;
    await upsertPapers(ctx.store, [paper('2608.10002', 30)]);
    assert.equal(await shown('2608.10002'), 30 + local);
    const row = await ctx.store.db.selectFrom('papers').select(['upvotes', 'local_upvotes']).where('arxiv_id', '=', '2608.10002').executeTakeFirstOrThrow();
    assert.deepEqual(row, { upvotes: 30, local_upvotes: local });
  });

  it('the signed-in paper page shows the state; the JSON API lists my upvotes', async () => {
    await alice.json('POST', '/votes', { paper: '2608.10003', vote: 'up' });
    const page = await alice.get('/papers/2608.10003');
    assert.match(page.body, /<form class="votes big vote-form voted"/);
    const mine = await alice.get('/api/me/upvotes');
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(mine.json().map((e: { paper: { id: string } }) => e.paper.id)[0], '2608.10003');
  });
});
