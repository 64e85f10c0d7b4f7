import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEngines } from '../../helpers/stores.ts';
import { createClient, requestLink, signInByLink, useCommunityServer, useLink } from '../../helpers/community.ts';

describeEngines('accounts: magic links, sessions, sign out', (ctx) => {
  const t = useCommunityServer(ctx);

  it('signs in by a link mailed over real SMTP, creating the account, with a secure session cookie', async () => {
    const c = createClient(t.server);
    const page = await c.get('/signin?next=/papers/2310.06511');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="next" value="\/papers\/2310.06511"/);
    const r = await c.post('/signin', { email: '  New.Reader@Example.org ', next: '/papers/2310.06511' });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /Check your inbox/);
    const [mail] = (await t.smtp.waitFor(1)).filter((m) => m.to.includes('new.reader@example.org'));
    assert.ok(mail, 'mail went to the normalized address');
    assert.match(mail.subject, /Sign in to Paperboy/);
    assert.match(mail.text, /https:\/\/papers\.example\.org\/signin\/link\?token=[A-Za-z0-9_-]{43}/);
    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
    // Opening the link signs nobody in (mail scanners fetch links): it shows a button.
    const opened = await c.get(`/signin/link?token=${token}`);
    assert.equal(opened.statusCode, 200);
    assert.ok(!c.cookies.has('pb_session'));
    const done = await c.post('/signin/link', { token });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `/settings?welcome=1&next=${encodeURIComponent('/papers/2310.06511')}`);
    const cookie = (done.cookies as Array<{ name: string; httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string; maxAge?: number }>).find((x) => x.name === 'pb_session')!;
    assert.ok(cookie.httpOnly, 'HttpOnly');
    assert.equal(cookie.sameSite, 'Lax');
    assert.ok(cookie.secure, 'Secure behind https (BASE_URL is https)');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.maxAge, 30 * 86400);
    const settings = await c.get('/settings?welcome=1&next=/papers/2310.06511');
    assert.equal(settings.statusCode, 200);
    assert.match(settings.body, /Welcome to Paperboy/);
    assert.match(settings.body, /new\.reader@example\.org/);
    assert.equal(settings.headers['cache-control'], 'private, no-store');
    // Choosing a name on the welcome page goes on to where the reader was going.
    const saved = await c.post('/settings/profile', { name: 'New Reader', handle: 'new-reader', bio: '', avatarUrl: '', links: '', next: '/papers/2310.06511' });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/papers/2310.06511');
    const paper = await c.get('/papers/2310.06511');
    assert.match(paper.body, /<a class="me" href="\/users\/new-reader">New Reader<\/a>/);
  });

  it('a link works once and stores only hashes', async () => {
    const c = createClient(t.server);
    const token = await requestLink(c, t.smtp, 'once@example.org');
    assert.equal((await useLink(c, token)).statusCode, 303);
    const secret = c.cookies.get('pb_session')!;
    const again = await useLink(createClient(t.server), token);
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /already used or has expired/);
    const tokens = await ctx.store.db.selectFrom('signin_tokens').selectAll().execute();
    const sessions = await ctx.store.db.selectFrom('sessions').selectAll().execute();
    const stored = JSON.stringify([tokens, sessions]);
    assert.ok(!stored.includes(token) && !stored.includes(secret), 'neither the link token nor the session id is stored');
  });

  it('an expired link is refused', async () => {
    const c = createClient(t.server);
    const token = await requestLink(c, t.smtp, 'late@example.org');
    await ctx.store.db.updateTable('signin_tokens').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('email', '=', 'late@example.org').execute();
    const r = await useLink(c, token);
    assert.equal(r.statusCode, 400);
    assert.ok(!c.cookies.has('pb_session'));
  });

  it('rotates the session at sign-in: a session id held before is dead after', async () => {
    const c = await signInByLink(t.server, t.smtp, 'rotate@example.org');
    const first = c.cookies.get('pb_session')!;
    const token = await requestLink(c, t.smtp, 'rotate@example.org');
    // The client is signed in already; /signin redirects, but the link still signs in afresh.
    assert.equal((await useLink(c, token)).statusCode, 303);
    const second = c.cookies.get('pb_session')!;
    assert.notEqual(first, second);
    const stale = await t.server.inject({ method: 'GET', url: '/settings', headers: { cookie: `pb_session=${first}` } });
    assert.equal(stale.statusCode, 303, 'the pre-sign-in session no longer works');
    assert.match(String(stale.headers.location), /^\/signin/);
  });

  it('signs out, and signs out everywhere', async () => {
    const a = await signInByLink(t.server, t.smtp, 'everywhere@example.org');
    const b = await signInByLink(t.server, t.smtp, 'everywhere@example.org');
    const aSecret = a.cookies.get('pb_session')!;
    const out = await a.post('/signout');
    assert.equal(out.statusCode, 303);
    assert.ok(!a.cookies.has('pb_session'), 'cookie cleared');
    assert.equal((await t.server.inject({ url: '/api/me', headers: { cookie: `pb_session=${aSecret}` } })).statusCode, 401);
    assert.equal((await b.get('/api/me')).statusCode, 200);
    const c = await signInByLink(t.server, t.smtp, 'everywhere@example.org');
    const all = await c.post('/signout/everywhere');
    assert.equal(all.statusCode, 303);
    assert.equal((await b.get('/api/me')).statusCode, 401, 'the other browser is signed out too');
    assert.equal((await c.get('/api/me')).statusCode, 401);
  });

  it('never redirects off the site after signing in', async () => {
    const cases = ['//evil.example/x', 'https://evil.example/', '/\\evil.example', ' /x', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x=1'];
    for (const [i, next] of cases.entries()) {
      const c = createClient(t.server);
      const token = await requestLink(c, t.smtp, `redirects${i}@example.org`, { next });
      const r = await useLink(c, token);
      assert.equal(r.statusCode, 303);
      const loc = String(r.headers.location);
      assert.ok(loc.startsWith('/') && !loc.startsWith('//') && !loc.includes('\\') && !/evil/.test(loc.replace(/%2F/gi, '/').split('?next=')[0]!), `${next} → ${loc}`);
      assert.ok(!/[\r\n]/.test(loc));
    }
  });

  it('says the same whether or not an account exists', async () => {
    await signInByLink(t.server, t.smtp, 'known@example.org');
    const a = createClient(t.server);
    await a.get('/signin');
    const ra = await a.post('/signin', { email: 'known@example.org' });
    const b = createClient(t.server);
    await b.get('/signin');
    const rb = await b.post('/signin', { email: 'unknown-person@example.org' });
    assert.equal(ra.statusCode, rb.statusCode);
    assert.equal(ra.body.replace('known@example.org', 'X'), rb.body.replace('unknown-person@example.org', 'X'));
  });

  it('a signed-in page is private; anonymous pages vary on the cookie', async () => {
    const anon = await t.server.inject({ url: '/' });
    assert.match(String(anon.headers.vary), /cookie/i);
    assert.match(anon.body, /href="\/signin"/);
    const c = await signInByLink(t.server, t.smtp, 'private@example.org');
    const home = await c.get('/');
    assert.equal(home.headers['cache-control'], 'private, no-store');
    assert.match(home.body, /<meta name="csrf-token" content="[^"]+">/);
    assert.ok(!home.body.includes('href="/signin"'));
  });

  it('the CLI makes the first admin: users grant EMAIL admin', async () => {
    const { runCli } = await import('../../../src/cli/index.ts');
    await signInByLink(t.server, t.smtp, 'first-admin@example.org');
    const env = { DATABASE_URL: ctx.url, DATA_DIR: t.app.config.dataDir, LOG_LEVEL: 'silent' };
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((s: string) => ((printed += s), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await runCli(['users', 'grant', 'First-Admin@example.org', 'admin', '--json'], env);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    assert.equal(JSON.parse(printed).role, 'admin');
    const row = await ctx.store.db.selectFrom('users').select('role').where('email', '=', 'first-admin@example.org').executeTakeFirstOrThrow();
    assert.equal(row.role, 'admin');
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(await runCli(['users', 'grant', 'nobody@example.org', 'admin'], env), 1);
      assert.equal(await runCli(['users', 'grant', 'first-admin@example.org', 'emperor'], env), 2);
    } finally {
      process.stderr.write = err;
    }
  });
});

describeEngines('accounts: the session cookie is Secure exactly when the site is https', (ctx) => {
  // An http BASE_URL (a laptop, or TLS ended by a proxy): Secure comes from the request's protocol, which
  // Fastify takes from X-Forwarded-Proto only from the trusted proxy (TRUST_PROXY=1: the nearest hop).
  const t = useCommunityServer(ctx, { BASE_URL: 'http://papers.example.org', TRUST_PROXY: '1' });
  type Cookie = { name: string; secure?: boolean; httpOnly?: boolean; sameSite?: string };
  const sessionCookie = async (headers: Record<string, string>) => {
    const c = createClient(t.server);
    const token = await requestLink(c, t.smtp, `cookie-${Math.random().toString(36).slice(2)}@example.org`);
    await c.get(`/signin/link?token=${token}`, headers);
    const r = await t.server.inject({ method: 'POST', url: '/signin/link', payload: new URLSearchParams({ token, _csrf: c.csrf! }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers } });
    assert.equal(r.statusCode, 303, r.body);
    return (r.cookies as Cookie[]).find((x) => x.name === 'pb_session')!;
  };

  it('over plain http the cookie is not Secure (a browser would drop it); through an https proxy it is', async () => {
    const plain = await sessionCookie({});
    assert.equal(plain.secure ?? false, false);
    assert.ok(plain.httpOnly);
    assert.equal(plain.sameSite, 'Lax');
    const proxied = await sessionCookie({ 'x-forwarded-proto': 'https' });
    assert.equal(proxied.secure, true, 'Secure behind an https proxy');
  });
});
