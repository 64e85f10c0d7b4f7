import assert from 'node:assert/strict';
import { it } from 'node:test';
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
