import assert from 'node:assert/strict';
import { it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { signInByLink, useCommunityServer } from '../../helpers/community.ts';

const PAPER = '2310.06511';

describeEngines('moderation: queue, hide, lock, ban, public log', (ctx) => {
  const t = useCommunityServer(ctx);

  it('moderators hide reported comments, lock threads and ban members; everything is in the public log', async () => {
    const c = community(t.app);
    await c.signIn.ensureUser('mod@example.org', 'moderator');
    const mod = await signInByLink(t.server, t.smtp, 'mod@example.org');
    const troll = await signInByLink(t.server, t.smtp, 'troll@example.org');
    await troll.post('/settings/profile', { name: 'Troll', handle: 'troll', bio: '', avatarUrl: '', links: '' });
    const trollToken = (await c.tokens.create((await c.users.byEmail('troll@example.org')).id, 'script')).token;
    const reader = await signInByLink(t.server, t.smtp, 'reader@example.org');
    const id = (await troll.json('POST', '/api/comments', { paper: PAPER, body: 'Spam spam spam' })).json().id as number;
    await reader.json('POST', `/api/comments/${id}/report`, { reason: 'spam' });

    // Members cannot see the queue or act.
    assert.equal((await reader.get('/moderation')).statusCode, 403);
    assert.equal((await reader.post(`/moderation/comments/${id}/hide`, { reason: 'x' })).statusCode, 403);

    const queue = await mod.get('/moderation');
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, new RegExp(`comment ${id} on ${PAPER.replace('.', '\\.')}`));
    assert.match(queue.body, /“spam”/);
    const noReason = await mod.post(`/moderation/comments/${id}/hide`, { reason: '' });
    assert.equal(noReason.statusCode, 400);
    const hidden = await mod.post(`/moderation/comments/${id}/hide`, { reason: 'advertising' });
    assert.equal(hidden.statusCode, 200);
    assert.match(hidden.body, /Nothing reported/);
    const thread = (await t.server.inject({ url: `/api/comments?paper=${PAPER}` })).json();
    assert.ok(!thread.comments.some((x: { id: number }) => x.id === id), 'a hidden comment without replies is not shown');
    assert.equal(thread.numComments, 0);

    assert.equal((await mod.post('/moderation/threads', { paper: PAPER, action: 'lock', reason: 'cooling off' })).statusCode, 200);
    assert.equal((await reader.json('POST', '/api/comments', { paper: PAPER, body: 'hello?' })).json().code, 'THREAD_LOCKED');
    assert.equal((await mod.post('/moderation/threads', { paper: PAPER, action: 'unlock', reason: 'calm again' })).statusCode, 200);

    assert.equal((await mod.post('/moderation/users', { handle: 'troll', action: 'ban', reason: 'repeated spam' })).statusCode, 200);
    assert.equal((await troll.get('/api/me')).statusCode, 401, 'signed out everywhere');
    const again = await signInByLink(t.server, t.smtp, 'troll@example.org').catch((e: Error) => e);
    assert.ok(again instanceof Error, 'a banned member cannot sign in');
    // Nor act with an API token made before the ban: it reads, but cannot vote, comment, report, submit or claim.
    const as = (method: 'GET' | 'POST', url: string, payload?: object) => t.server.inject({ method, url, payload, headers: { authorization: `Bearer ${trollToken}` } });
    for (const [url, payload] of [['/api/votes', { paper: PAPER, vote: 'up' }], ['/api/comments', { paper: PAPER, body: 'back again' }], [`/api/comments/${id}/report`, { reason: 'x' }], ['/api/submissions', { paper: PAPER }], ['/api/claims', { paper: PAPER, author: 0 }]] as const) {
      const r = await as('POST', url, payload);
      assert.equal(r.statusCode, 403, `${url}: ${r.body}`);
      assert.equal(r.json().code, 'USER_BANNED', url);
    }
    assert.equal((await as('GET', `/api/comments?paper=${PAPER}`)).statusCode, 200, 'reading still works');
    // A moderator cannot ban an admin.
    await c.signIn.ensureUser('boss@example.org', 'admin');
    const boss = (await c.users.byEmail('boss@example.org')).handle;
    assert.equal((await mod.post('/moderation/users', { handle: boss, action: 'ban', reason: 'coup' })).statusCode, 403);

    const log = (await t.server.inject({ url: '/api/moderation/log' })).json() as Array<{ action: string; target: string; reason: string }>;
    assert.deepEqual(log.map((e) => e.action), ['ban-user', 'unlock-thread', 'lock-thread', 'hide-comment']);
    assert.deepEqual(log[0], { ...log[0], target: '@troll', reason: 'repeated spam' });
    const page = await t.server.inject({ url: '/moderation/log' });
    assert.match(page.body, /advertising/);
    assert.ok(!page.body.includes('reader') && !page.body.includes('@example.org'), 'no reporter, no addresses');
  });
});
