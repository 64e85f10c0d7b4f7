import assert from 'node:assert/strict';
import { it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { createClient, signInByLink, useCommunityServer } from '../../helpers/community.ts';

describeEngines('community rate limits', (ctx) => {
  const t = useCommunityServer(ctx, { RATE_LIMITS: 'signin=3/1m,vote=4/1m,comment=2/1m,submit=2/1m,submit-ip=off' });

  it('sign-in attempts are limited per client address: 429 with Retry-After', async () => {
    const c = createClient(t.server);
    await c.get('/signin');
    for (let i = 0; i < 3; i++) assert.equal((await c.post('/signin/password', { email: 'x@example.org', password: 'not it, not it' })).statusCode, 401);
    const r = await c.post('/signin/password', { email: 'x@example.org', password: 'not it, not it' });
    assert.equal(r.statusCode, 429);
    assert.ok(Number(r.headers['retry-after']) > 0);
    assert.ok(r.headers['ratelimit-limit'] !== undefined || r.headers['ratelimit-policy'] !== undefined);
    // Another address is not affected.
    const other = await t.server.inject({ method: 'POST', url: '/signin/password', remoteAddress: '203.0.113.9', payload: 'email=x@example.org' , headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.notEqual(other.statusCode, 429);
  });

  it('votes are limited per account, not per address', async () => {
    // Signing in spends sign-in budget; these members sign in from their own addresses.
    const a = await signInByLink(t.server, t.smtp, 'limited-a@example.org', { ip: '198.51.100.1' });
    const b = await signInByLink(t.server, t.smtp, 'limited-b@example.org', { ip: '198.51.100.2' });
    const vote = (c: typeof a) => c.json('POST', '/votes', { paper: '2310.06511', vote: 'toggle' });
    for (let i = 0; i < 4; i++) assert.equal((await vote(a)).statusCode, 200);
    const over = await vote(a);
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'RATE_LIMITED');
    assert.ok(Number(over.headers['retry-after']) > 0);
    assert.equal((await vote(b)).statusCode, 200, 'another account still votes');
    // The API route shares the same per-account budget.
    assert.equal((await a.json('POST', '/api/votes', { paper: '2310.06511', vote: 'toggle' })).statusCode, 429);
  });

  it('comments are limited per account, on the form and the API alike: 429 with Retry-After', async () => {
    const a = await signInByLink(t.server, t.smtp, 'talker-a@example.org', { ip: '198.51.100.3' });
    const b = await signInByLink(t.server, t.smtp, 'talker-b@example.org', { ip: '198.51.100.4' });
    assert.equal((await a.json('POST', '/api/comments', { paper: '2310.06511', body: 'First thoughts' })).statusCode, 200);
    assert.equal((await a.post('/comments', { paper: '2310.06511', body: 'Second thoughts' })).statusCode, 303);
    const over = await a.json('POST', '/api/comments', { paper: '2310.06511', body: 'Third thoughts' });
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'RATE_LIMITED');
    assert.match(over.json().error, /2 comment requests per minute/);
    assert.ok(Number(over.headers['retry-after']) > 0);
    assert.equal((await a.post('/comments', { paper: '2310.06511', body: 'Third thoughts' })).statusCode, 429, 'the form shares the budget');
    const listed = await t.server.inject({ url: '/api/comments?paper=2310.06511' });
    assert.equal(listed.statusCode, 200, listed.body);
    const list = listed.json();
    const bodies = list.comments.map((c: { body: string }) => c.body);
    assert.deepEqual(bodies.filter((b: string) => b.endsWith('thoughts')), ['First thoughts', 'Second thoughts'], 'nothing over the limit was stored');
    assert.equal((await b.json('POST', '/api/comments', { paper: '2310.06511', body: 'Mine' })).statusCode, 200, 'another account still comments');
  });
  it('submissions are limited per account on the form and the API alike: 429 with Retry-After, refused ones count too', async () => {
    const a = await signInByLink(t.server, t.smtp, 'submitter-a@example.org', { ip: '198.51.100.7' });
    const b = await signInByLink(t.server, t.smtp, 'submitter-b@example.org', { ip: '198.51.100.8' });
    // Unreadable ids are refused by the rules, after the limit has counted them.
    const first = await a.json('POST', '/api/submissions', { paper: 'not a paper' });
    assert.ok(first.statusCode >= 400 && first.statusCode < 429, first.body);
    assert.notEqual((await a.post('/submit', { paper: 'not a paper' })).statusCode, 429);
    const over = await a.json('POST', '/api/submissions', { paper: 'not a paper' });
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'RATE_LIMITED');
    assert.match(over.json().error, /2 submit requests per minute/);
    assert.ok(Number(over.headers['retry-after']) > 0);
    assert.equal((await a.post('/submit', { paper: 'not a paper' })).statusCode, 429, 'the form shares the budget');
    assert.notEqual((await b.json('POST', '/api/submissions', { paper: 'not a paper' })).statusCode, 429, 'another account still submits');
  });
});

describeEngines('community new-account limits: comments per hour', (ctx) => {
  // Accounts under a day old count as new; the comment rate limit is off, so only the hourly count refuses.
  const t = useCommunityServer(ctx, { NEW_ACCOUNT_DAYS: '1', NEW_ACCOUNT_COMMENTS_PER_HOUR: '2', RATE_LIMITS: 'comment=off' });

  it('a new account writes at most NEW_ACCOUNT_COMMENTS_PER_HOUR comments an hour: 429 NEW_ACCOUNT_LIMIT saying so', async () => {
    const a = await signInByLink(t.server, t.smtp, 'newcomer-a@example.org', { ip: '198.51.100.5' });
    const b = await signInByLink(t.server, t.smtp, 'newcomer-b@example.org', { ip: '198.51.100.6' });
    assert.equal((await a.json('POST', '/api/comments', { paper: '2310.06511', body: 'One' })).statusCode, 200);
    assert.equal((await a.post('/comments', { paper: '2310.06511', body: 'Two' })).statusCode, 303);
    const over = await a.json('POST', '/api/comments', { paper: '2310.06511', body: 'Three' });
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'NEW_ACCOUNT_LIMIT');
    assert.match(over.json().error, /New accounts can write 2 comments an hour/);
    const form = await a.post('/comments', { paper: '2310.06511', body: 'Three' });
    assert.equal(form.statusCode, 429, 'the form is refused too');
    const bodies = (await t.server.inject({ url: '/api/comments?paper=2310.06511' })).json().comments.map((c: { body: string }) => c.body);
    assert.deepEqual(bodies, ['One', 'Two'], 'nothing over the limit was stored');
    assert.equal((await b.json('POST', '/api/comments', { paper: '2310.06511', body: 'Mine' })).statusCode, 200, 'another new account has its own hour');
  });
});

describeEngines('community rate limits: submissions per client address', (ctx) => {
  // Accounts may submit plenty here; what one address sends, across its accounts, is limited.
  const t = useCommunityServer(ctx, { RATE_LIMITS: 'submit=100/1m,submit-ip=3/1m' });

  it('submissions from one address add up across its accounts: 429 with Retry-After; another address is not affected', async () => {
    const a = await signInByLink(t.server, t.smtp, 'shared-a@example.org', { ip: '198.51.100.10' });
    const b = await signInByLink(t.server, t.smtp, 'shared-b@example.org', { ip: '198.51.100.10' });
    const c = await signInByLink(t.server, t.smtp, 'elsewhere@example.org', { ip: '198.51.100.11' });
    assert.notEqual((await a.json('POST', '/api/submissions', { paper: 'not a paper' })).statusCode, 429);
    assert.notEqual((await a.post('/submit', { paper: 'not a paper' })).statusCode, 429);
    assert.notEqual((await b.json('POST', '/api/submissions', { paper: 'not a paper' })).statusCode, 429);
    const over = await b.json('POST', '/api/submissions', { paper: 'not a paper' });
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'RATE_LIMITED');
    assert.match(over.json().error, /3 submit-ip requests per minute/);
    assert.ok(Number(over.headers['retry-after']) > 0);
    assert.equal((await a.post('/submit', { paper: 'not a paper' })).statusCode, 429, 'the form shares the address budget');
    assert.notEqual((await c.json('POST', '/api/submissions', { paper: 'not a paper' })).statusCode, 429, 'another address still submits');
  });
});

/** A 429 RATE_LIMITED from limit `name` (at `max` a minute) with Retry-After. */
function assertOver(r: { statusCode: number; headers: Record<string, unknown>; json(): { code: string; error: string } }, name: string, max: number): void {
  assert.equal(r.statusCode, 429);
  assert.equal(r.json().code, 'RATE_LIMITED');
  assert.match(r.json().error, new RegExp(`${max} ${name} requests per minute`));
  assert.ok(Number(r.headers['retry-after']) > 0);
}

describeEngines('community rate limits: sign-in per e-mail address, votes and comments per client address', (ctx) => {
  // Generous per-client and per-account limits: only the per-address (e-mail, client) counts refuse here.
  const t = useCommunityServer(ctx, { RATE_LIMITS: 'signin=100/1m,signin-address=3/1m,comment=100/1m,comment-ip=3/1m,vote=100/1m,vote-ip=3/1m' });

  /**
   * Two accounts on one client address share the `limit` budget of 3 (API and form alike) while an account
   * elsewhere is not affected: a on the API and the form, b on `bPath`, b's fourth write refused, a's form
   * refused too, c (another address) accepted.
   */
  const addressBudget = async (o: { limit: string; who: string; ip: string; otherIp: string; api: string; form: string; bPath: string; body: (i: number) => Record<string, string> }) => {
    const a = await signInByLink(t.server, t.smtp, `${o.who}-a@example.org`, { ip: o.ip });
    const b = await signInByLink(t.server, t.smtp, `${o.who}-b@example.org`, { ip: o.ip });
    const c = await signInByLink(t.server, t.smtp, `${o.who}-c@example.org`, { ip: o.otherIp });
    assert.equal((await a.json('POST', o.api, o.body(1))).statusCode, 200);
    assert.equal((await a.post(o.form, o.body(2))).statusCode, 303);
    assert.equal((await b.json('POST', o.bPath, o.body(3))).statusCode, 200);
    assertOver(await b.json('POST', o.api, o.body(4)), o.limit, 3);
    assert.equal((await a.post(o.form, o.body(4))).statusCode, 429, 'the form shares the address budget');
    assert.equal((await c.json('POST', o.api, o.body(5))).statusCode, 200, `another address is not affected by ${o.limit}`);
  };

  it('votes from one client address add up across its accounts: 429 with Retry-After; another address is not affected', async () => {
    const vote = (i: number) => ({ paper: '2310.06511', vote: i % 2 ? 'up' : 'down' });
    await addressBudget({ limit: 'vote-ip', who: 'voter', ip: '198.51.100.40', otherIp: '198.51.100.41', api: '/api/votes', form: '/votes', bPath: '/votes', body: vote });
    assert.equal((await ctx.store.db.selectFrom('votes').select('user_id').execute()).length, 2, "b's vote and c's: nothing over the limit was counted");
  });

  const passwordFrom = async (ip: string, email: string) => {
    const c = createClient(t.server, { ip });
    await c.get('/signin');
    return c.post('/signin/password', { email, password: 'not it, not it' });
  };

  it('passwords tried for one address from many clients: 429 with Retry-After, whether or not the account exists', async () => {
    // Made by the operator's command, so that no sign-in request has counted for the address yet.
    await community(t.app).signIn.ensureUser('target@example.org');
    for (let i = 0; i < 3; i++) assert.equal((await passwordFrom(`203.0.113.${i + 1}`, 'target@example.org')).statusCode, 401);
    // Another spelling of the same address shares the count; a fourth client is refused.
    const over = await passwordFrom('203.0.113.4', '  Target@Example.org ');
    assert.equal(over.statusCode, 429);
    assert.ok(Number(over.headers['retry-after']) > 0);
    assert.match(over.body, /3 signin-address requests per minute/);
    // An address without an account is limited the same way, with the same answer: no account is revealed.
    for (let i = 0; i < 3; i++) assert.equal((await passwordFrom(`203.0.113.${10 + i}`, 'ghost@example.org')).statusCode, 401);
    const ghost = await passwordFrom('203.0.113.14', 'ghost@example.org');
    assert.equal(ghost.statusCode, 429);
    const plain = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, '').replace(/\d+ seconds?/g, 'N seconds');
    assert.equal(plain(ghost.body), plain(over.body));
    // Another address from the same client is not affected.
    assert.equal((await passwordFrom('203.0.113.4', 'someone-else@example.org')).statusCode, 401);
  });

  it('links asked for one address share that count: 429 once over it', async () => {
    const ask = async (ip: string) => {
      const c = createClient(t.server, { ip });
      await c.get('/signin');
      return c.post('/signin', { email: 'links-for@example.org' });
    };
    for (let i = 0; i < 3; i++) assert.equal((await ask(`203.0.113.${30 + i}`)).statusCode, 200);
    const over = await ask('203.0.113.34');
    assert.equal(over.statusCode, 429);
    assert.ok(Number(over.headers['retry-after']) > 0);
  });

  it('comments from one client address add up across its accounts: 429 with Retry-After; another address is not affected', async () => {
    const words = ['', 'One', 'Two', 'Three', 'Four', 'Mine'];
    await addressBudget({ limit: 'comment-ip', who: 'nat', ip: '198.51.100.30', otherIp: '198.51.100.31', api: '/api/comments', form: '/comments', bPath: '/api/comments', body: (i) => ({ paper: '2310.06511', body: words[i]! }) });
    const bodies = (await t.server.inject({ url: '/api/comments?paper=2310.06511' })).json().comments.map((x: { body: string }) => x.body);
    assert.deepEqual(bodies, ['One', 'Two', 'Three', 'Mine'], 'nothing over the limit was stored');
  });
});
