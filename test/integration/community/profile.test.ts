import assert from 'node:assert/strict';
import { it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { signInByLink, useCommunityServer } from '../../helpers/community.ts';

const PAPER = '2310.06511';

describeEngines('profiles, my data, deleting an account', (ctx) => {
  const t = useCommunityServer(ctx);

  it('a profile shows name, bio and links as text, with upvoted papers and comments', async () => {
    const c = await signInByLink(t.server, t.smtp, 'carol@example.org');
    const saved = await c.post('/settings/profile', { name: '<script>alert(1)</script> Carol', handle: 'carol', bio: 'Line one\n<img src=x onerror=alert(1)>', avatarUrl: '', links: 'https://carol.example\njavascript:alert(1)' });
    assert.equal(saved.statusCode, 400, 'a javascript: link is refused');
    assert.match(saved.body, /only http\(s\) links/);
    assert.equal((await c.post('/settings/profile', { name: '<script>alert(1)</script> Carol', handle: 'carol', bio: 'Line one\n<img src=x onerror=alert(1)>', avatarUrl: '', links: 'https://carol.example' })).statusCode, 200);
    await c.json('POST', '/votes', { paper: PAPER, vote: 'up' });
    await c.json('POST', '/api/comments', { paper: PAPER, body: 'Hello from **Carol**' });
    const page = await t.server.inject({ url: '/users/carol' });
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<script>alert(1)</script>') && !page.body.includes('<img src=x'), 'escaped');
    assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Carol/);
    assert.match(page.body, /<a href="https:\/\/carol.example\/" rel="nofollow ugc noopener">/);
    assert.match(page.body, new RegExp(`data-id="${PAPER.replace('.', '\\.')}"`));
    assert.match(page.body, /Hello from <strong>Carol<\/strong>/);
    assert.ok(!page.body.includes('carol@example.org'), 'the e-mail address is never shown');
    const api = (await t.server.inject({ url: '/api/users/carol' })).json();
    assert.deepEqual(api.upvoted, [PAPER]);
    assert.equal((await t.server.inject({ url: '/users/nobody-here' })).statusCode, 404);
    // Taken handles and reserved ones are refused with a clear message.
    const d = await signInByLink(t.server, t.smtp, 'dave@example.org');
    const taken = await d.post('/settings/profile', { name: 'Dave', handle: 'carol', bio: '', avatarUrl: '', links: '' });
    assert.equal(taken.statusCode, 409);
    assert.match(taken.body, /is taken/);
    assert.equal((await d.post('/settings/profile', { name: 'Dave', handle: 'admin', bio: '', avatarUrl: '', links: '' })).statusCode, 400);
    assert.equal((await d.post('/settings/profile', { name: 'x'.repeat(81), handle: 'dave', bio: '', avatarUrl: '', links: '' })).statusCode, 400);
  });

  it('downloads all my data as JSON, without secrets', async () => {
    const c = await signInByLink(t.server, t.smtp, 'erin@example.org');
    await c.json('POST', '/votes', { paper: PAPER, vote: 'up' });
    const id = (await c.json('POST', '/api/comments', { paper: PAPER, body: 'v1' })).json().id;
    await c.json('PATCH', `/api/comments/${id}`, { body: 'v2' });
    await c.post('/settings/tokens', { name: 'script' });
    const claimed = await c.json('POST', '/api/claims', { paper: PAPER, author: 0 });
    assert.equal(claimed.statusCode, 200, claimed.body);
    const r = await c.get('/settings/export.json');
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-disposition']), /attachment; filename="paperboy-member-\d+\.json"/);
    const data = r.json();
    assert.equal(data.account.email, 'erin@example.org');
    assert.deepEqual(data.upvotes.map((v: { paper: string }) => v.paper), [PAPER]);
    assert.equal(data.comments[0].body, 'v2');
    assert.deepEqual(data.comments[0].revisions.map((x: { body: string }) => x.body), ['v1']);
    assert.equal(data.apiTokens[0].name, 'script');
    const { id: _id, claimant: _claimant, ...claim } = claimed.json();
    assert.deepEqual(data.authorshipClaims, [claim], 'the claim, pending, as /api/claims shows it');
    assert.equal(data.authorshipClaims[0].state, 'pending');
    assert.ok(!/hash|scrypt\$|pb_[A-Za-z0-9_-]{43}/.test(r.body), 'no hashes, no token secrets');
    assert.equal((await t.server.inject({ url: '/settings/export.json' })).statusCode, 401);
  });

  it('deleting an account takes back its votes, blanks its comments and ends its sessions', async () => {
    const c = await signInByLink(t.server, t.smtp, 'frank@example.org');
    const bob = await signInByLink(t.server, t.smtp, 'frank-friend@example.org');
    const before = (await c.json('POST', '/votes', { paper: PAPER, vote: 'up' })).json().upvotes as number;
    const parent = (await c.json('POST', '/api/comments', { paper: PAPER, body: 'Frank was here' })).json().id;
    await bob.json('POST', '/api/comments', { paper: PAPER, body: 'Reply to Frank', parentId: parent });
    const wrong = await c.post('/settings/delete', { confirm: 'someone-else' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /type your username/);
    const handle = (await community(t.app).users.byEmail('frank@example.org')).handle;
    const gone = await c.post('/settings/delete', { confirm: handle });
    assert.equal(gone.statusCode, 303);
    assert.ok(!c.cookies.has('pb_session'));
    assert.equal((await c.get('/api/me')).statusCode, 401);
    assert.equal(await ctx.store.db.selectFrom('users').select('id').where('email', '=', 'frank@example.org').executeTakeFirst(), undefined);
    const after = (await bob.json('POST', '/votes', { paper: PAPER, vote: 'down' })).json().upvotes as number;
    assert.equal(after, before - 1, 'the deleted account’s vote came off the count');
    const thread = (await t.server.inject({ url: `/api/comments?paper=${PAPER}` })).json();
    const placeholder = thread.comments.find((x: { id: number }) => x.id === parent);
    assert.equal(placeholder.state, 'deleted', 'the reply keeps its place under a deleted comment');
    assert.equal(placeholder.body, '');
    assert.equal(await ctx.store.db.selectFrom('sessions').select('id_hash').where('user_id', 'is', null).executeTakeFirst(), undefined);
  });
});
