import assert from 'node:assert/strict';
import { it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { createClient, requestLink, signInByLink, useCommunityServer, useLink, waitForMail } from '../../helpers/community.ts';

describeEngines('sign-in rules: registration modes, passwords, CSRF, API tokens', (ctx) => {
  const t = useCommunityServer(ctx, { REGISTRATION: 'invite' });

  const count = async (email: string) =>
    Number((await ctx.store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('email', '=', email).executeTakeFirstOrThrow()).n);

  it('invite mode: an unknown address without a code gets an explanation, not a link', async () => {
    const seen = t.smtp.messages.length;
    const c = createClient(t.server);
    await c.get('/signin');
    const r = await c.post('/signin', { email: 'stranger@example.org' });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /Check your inbox/);
    const mail = await waitForMail(t.smtp, 'stranger@example.org', seen);
    assert.match(mail.text, /by invitation only/);
    assert.ok(!/signin\/link/.test(mail.text));
    assert.equal(await count('stranger@example.org'), 0);
  });

  it('invite mode: a bad code is refused on the form; a good one makes exactly one account', async () => {
    const c = createClient(t.server);
    await c.get('/signin');
    const bad = await c.post('/signin', { email: 'invited@example.org', invite: 'not-a-real-code' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /invitation code is not valid/);
    assert.match(bad.body, /value="invited@example.org"/, 'the form keeps what was typed');
    const inv = await community(t.app).signIn.createInvite(null, 'for a test');
    assert.match(inv.url, /^https:\/\/papers\.example\.org\/signin\?invite=/);
    const token = await requestLink(c, t.smtp, 'invited@example.org', { invite: inv.code });
    assert.equal((await useLink(c, token)).statusCode, 303);
    assert.equal(await count('invited@example.org'), 1);
    // The invitation is spent: a second newcomer cannot use it.
    const d = createClient(t.server);
    await d.get('/signin');
    const reuse = await d.post('/signin', { email: 'second@example.org', invite: inv.code });
    assert.equal(reuse.statusCode, 400);
    // A bad code reads the same for a member as for a stranger: the code is checked before the address.
    const e = createClient(t.server);
    await e.get('/signin');
    const memberBad = await e.post('/signin', { email: 'invited@example.org', invite: 'not-a-real-code' });
    const strangerBad = await e.post('/signin', { email: 'nobody-yet@example.org', invite: 'not-a-real-code' });
    assert.equal(memberBad.statusCode, 400);
    const plain = (body: string, email: string) => body.replaceAll(email, 'X').replace(/name="_csrf" value="[^"]+"/g, '');
    assert.equal(plain(memberBad.body, 'invited@example.org'), plain(strangerBad.body, 'nobody-yet@example.org'));
    // A member signs in without any code.
    const again = await requestLink(createClient(t.server), t.smtp, 'invited@example.org');
    assert.equal((await useLink(createClient(t.server), again)).statusCode, 303);
  });

  it('a POST without a CSRF token fails, signed in or not; the token from the page works', async () => {
    const c = createClient(t.server);
    await c.get('/signin');
    const noToken = await c.post('/signin', { email: 'x@example.org' }, { csrf: false });
    assert.equal(noToken.statusCode, 403);
    assert.match(noToken.body, /expired or did not come from this site/);
    const forged = await c.post('/signin', { email: 'x@example.org', _csrf: 'abc-def' });
    assert.equal(forged.statusCode, 403);
    // Another browser's token does not work with this browser's cookie.
    const other = createClient(t.server);
    await other.get('/signin');
    const crossed = await c.post('/signin', { email: 'x@example.org', _csrf: other.csrf! });
    assert.equal(crossed.statusCode, 403);
    // Signed in: a cookie-authenticated write without the token fails, as a form and as JSON.
    await community(t.app).signIn.ensureUser('csrf-member@example.org');
    const member = await signInByLink(t.server, t.smtp, 'csrf-member@example.org');
    const form = await member.post('/votes', { paper: '2310.06511', vote: 'up' }, { csrf: false });
    assert.equal(form.statusCode, 403);
    const json = await member.json('POST', '/api/votes', { paper: '2310.06511', vote: 'up' }, { csrf: false });
    assert.equal(json.statusCode, 403);
    assert.equal(json.json().code, 'CSRF_INVALID');
    const withToken = await member.json('POST', '/api/votes', { paper: '2310.06511', vote: 'up' });
    assert.equal(withToken.statusCode, 200);
    // Without any session a write acts as nobody.
    const nobody = await t.server.inject({ method: 'POST', url: '/api/votes', payload: { paper: '2310.06511', vote: 'up' } });
    assert.equal(nobody.statusCode, 401);
  });

  it('passwords: optional, scrypt-hashed, and a wrong one reads like an unknown account', async () => {
    const c = await signInByLink(t.server, t.smtp, 'invited@example.org');
    const short = await c.post('/settings/password', { password: 'short' });
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /at least 10 characters/);
    const set = await c.post('/settings/password', { password: 'correct horse battery' });
    assert.equal(set.statusCode, 200);
    assert.match(set.body, /Password set/);
    const row = await ctx.store.db.selectFrom('users').select('password_hash').where('email', '=', 'invited@example.org').executeTakeFirstOrThrow();
    assert.match(String(row.password_hash), /^scrypt\$15\$8\$1\$/);
    assert.ok(!String(row.password_hash).includes('correct horse'));

    const attempt = async (email: string, password: string) => {
      const b = createClient(t.server);
      await b.get('/signin');
      const started = performance.now();
      const r = await b.post('/signin/password', { email, password });
      return { r, ms: performance.now() - started, b };
    };
    const ok = await attempt('invited@example.org', 'correct horse battery');
    assert.equal(ok.r.statusCode, 303);
    assert.ok(ok.b.cookies.has('pb_session'));
    const wrong = await attempt('invited@example.org', 'wrong horse battery');
    const unknown = await attempt('nobody-here@example.org', 'wrong horse battery');
    assert.equal(wrong.r.statusCode, unknown.r.statusCode);
    assert.equal(wrong.r.statusCode, 401);
    const plain = (body: string, email: string) => body.replaceAll(email, 'X').replace(/name="_csrf" value="[^"]+"/g, '');
    assert.equal(plain(wrong.r.body, 'invited@example.org'), plain(unknown.r.body, 'nobody-here@example.org'));
    // The same scrypt work either way: medians within a factor 3 (without the dummy hash an unknown
    // address answers ~100× faster, so this cannot pass by luck).
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrongs: number[] = [];
    const unknowns: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrongs.push((await attempt('invited@example.org', `nope ${i} nope nope`)).ms);
      unknowns.push((await attempt(`ghost${i}@example.org`, `nope ${i} nope nope`)).ms);
    }
    const ratio = median(unknowns) / median(wrongs);
    assert.ok(ratio > 1 / 3 && ratio < 3, `unknown/wrong median time ratio ${ratio.toFixed(2)}`);
  });

  it('API tokens: shown once, stored hashed, act as the owner, and stop working when revoked', async () => {
    const c = await signInByLink(t.server, t.smtp, 'invited@example.org');
    const made = await c.post('/settings/tokens', { name: 'my script' });
    assert.equal(made.statusCode, 200);
    const token = /<code class="token">(pb_[A-Za-z0-9_-]{43})<\/code>/.exec(made.body)![1]!;
    const later = await c.get('/settings');
    assert.ok(!later.body.includes(token), 'the token is shown only once');
    assert.match(later.body, /my script/);
    const rows = await ctx.store.db.selectFrom('api_tokens').selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes(token));
    const me = await t.server.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().handle, (await community(t.app).users.byEmail('invited@example.org')).handle);
    // A token-authenticated write needs no CSRF token (browsers never send Authorization on their own).
    const vote = await t.server.inject({ method: 'POST', url: '/api/votes', payload: { paper: '2310.06511', vote: 'up' }, headers: { authorization: `Bearer ${token}` } });
    assert.equal(vote.statusCode, 200, vote.body);
    assert.equal(vote.json().upvoted, true);
    const id = /name="id" value="(\d+)"/.exec(later.body)![1]!;
    // Nobody else can revoke it (IDOR): for another account there is no such token, and it keeps working.
    const inv = await community(t.app).signIn.createInvite(null, '');
    const m = createClient(t.server);
    assert.equal((await useLink(m, await requestLink(m, t.smtp, 'mallory@example.org', { invite: inv.code }))).statusCode, 303);
    await m.get('/settings');
    const stolen = await m.post('/settings/tokens/revoke', { id });
    assert.equal(stolen.statusCode, 404);
    assert.equal((await t.server.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
    const revoked = await c.post('/settings/tokens/revoke', { id });
    assert.equal(revoked.statusCode, 200);
    const after = await t.server.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().code, 'TOKEN_INVALID');
    const write = await t.server.inject({ method: 'POST', url: '/api/votes', payload: { paper: '2310.06511', vote: 'down' }, headers: { authorization: `Bearer ${token}` } });
    assert.equal(write.statusCode, 401);
  });
});

describeEngines('sign-in rules: closed registration', (ctx) => {
  const t = useCommunityServer(ctx, { REGISTRATION: 'closed', PASSWORD_SIGNIN: 'false' });

  it('makes no new accounts, tells the address owner why, and still lets members in', async () => {
    const seen = t.smtp.messages.length;
    const c = createClient(t.server);
    const form = await c.get('/signin');
    assert.match(form.body, /not taking new members/);
    assert.ok(!form.body.includes('/signin/password'), 'no password form when PASSWORD_SIGNIN=false');
    const r = await c.post('/signin', { email: 'outsider@example.org' });
    assert.equal(r.statusCode, 200);
    const mail = await waitForMail(t.smtp, 'outsider@example.org', seen);
    assert.match(mail.text, /not taking new members/);
    assert.ok(!/signin\/link/.test(mail.text));
    const n = await ctx.store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
    // An account made by an operator signs in as usual.
    await community(t.app).signIn.ensureUser('member@example.org');
    const m = await signInByLink(t.server, t.smtp, 'member@example.org');
    assert.equal((await m.get('/api/me')).statusCode, 200);
    const pw = await m.post('/signin/password', { email: 'member@example.org', password: 'whatever it is' });
    assert.equal(pw.statusCode, 403);
  });
});
