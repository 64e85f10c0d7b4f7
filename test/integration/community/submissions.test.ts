import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadConfig } from '../../../src/config.ts';
import { community } from '../../../src/community/index.ts';
import { createSubmissions } from '../../../src/community/submissions.service.ts';
import { isAppError } from '../../../src/errors.ts';
import { createHttpClient } from '../../../src/ingest/http-client.ts';
import { arxivApi, arxivApiOf, startFakeServer, type FakeServer } from '../../helpers/arxiv-server.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { createClient, signInByLink, useCommunityServer } from '../../helpers/community.ts';

let arxiv: FakeServer;
before(async () => {
  arxiv = await startFakeServer(arxivApi);
});
after(async () => arxiv.close());

describeEngines('submitting papers through the arXiv API adapter', (ctx) => {
  // The recorded fixture's recent paper is from March 2025: a long window lets it count as new here.
  const t = useCommunityServer(ctx, () => ({ ARXIV_API_URL: `${arxiv.origin}/api/query`, SUBMIT_MAX_AGE_DAYS: '3000', SUBMIT_DAILY_CAP: '1', ARXIV_DELAY_MS: '0' }));
  const today = new Date().toISOString().slice(0, 10);

  it('needs an account; refuses what is not an arXiv id, unknown to arXiv, or too old, each with a clear message', async () => {
    assert.equal((await t.server.inject({ url: '/submit' })).statusCode, 303);
    assert.equal((await t.server.inject({ method: 'POST', url: '/api/submissions', payload: { paper: '2503.12229' } })).statusCode, 401);
    const c = await signInByLink(t.server, t.smtp, 'submitter@example.org');
    const refusal = async (paper: string) => {
      const r = await c.json('POST', '/api/submissions', { paper });
      assert.equal(r.statusCode, 422, r.body);
      assert.equal(r.json().code, 'SUBMISSION_REFUSED');
      return r.json().error as string;
    };
    assert.match(await refusal('not a paper'), /Paste an arXiv identifier or link/);
    assert.match(await refusal('2503.99999'), /arXiv does not know 2503\.99999/);
    const tight = createSubmissions({ store: ctx.store, config: loadConfig({ SUBMIT_MAX_AGE_DAYS: '14', ARXIV_API_URL: `${arxiv.origin}/api/query` }), http: () => createHttpClient({ delayMs: 0 }) });
    const user = (await community(t.app).signIn.ensureUser('submitter@example.org')).user;
    await assert.rejects(tight.submit(user, 'https://arxiv.org/abs/1706.03762v7'), (e) => isAppError(e, 'SUBMISSION_REFUSED') && /first published on 2017-06-12; only papers from the last 14 days/.test(e.message));
    const form = await c.post('/submit', { paper: 'not a paper' });
    assert.equal(form.statusCode, 422);
    assert.match(form.body, /Paste an arXiv identifier/);
    assert.match(form.body, /value="not a paper"/);
  });

  it('a record over the ingest limits (a 2,200-character title from arXiv) is refused with the limit named; nothing is stored', async () => {
    const huge = await startFakeServer((req, n) => {
      const r = arxivApi(req, n);
      return { ...r, body: r.body?.replace(/(<entry>[\s\S]*?<title>)[^<]*/, `$1${'Long title '.repeat(200)}`) };
    });
    try {
      const s = createSubmissions({ store: ctx.store, config: loadConfig({ SUBMIT_MAX_AGE_DAYS: '3000', ARXIV_API_URL: `${huge.origin}/api/query` }), http: () => createHttpClient({ delayMs: 0 }) });
      const user = (await community(t.app).signIn.ensureUser('limits-submitter@example.org')).user;
      await assert.rejects(s.submit(user, '2503.12229'), (e) => isAppError(e, 'SUBMISSION_REFUSED') && /cannot be stored: its title is [\d,]+ characters, over the limit of 1,000/.test(e.message));
      assert.deepEqual(await s.byUser(user.id, 10), []);
      assert.equal((await t.server.inject({ url: '/api/papers/2503.12229' })).statusCode, 404);
    } finally {
      await huge.close();
    }
  });

  it('a submission goes on today’s list "submitted by" its member; no duplicates; a daily cap', async () => {
    const c = await signInByLink(t.server, t.smtp, 'second-submitter@example.org');
    await c.post('/settings/profile', { name: 'Sub Mitter', handle: 'submitter2', bio: '', avatarUrl: '', links: '' });
    const seen = arxiv.requests.length;
    const ok = await c.post('/submit', { paper: 'arXiv:2503.12229' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(ok.body, /is on today’s list/);
    assert.equal(arxiv.requests.length, seen + 1, 'one request to the arXiv API');
    const list = (await t.server.inject({ url: `/api/daily_papers?date=${today}` })).json() as Array<{ paper: { id: string }; submittedBy: { name: string } | null }>;
    const entry = list.find((e) => e.paper.id === '2503.12229');
    assert.ok(entry, 'on today’s list');
    assert.deepEqual(entry.submittedBy, { name: 'submitter2' });
    // The member's profile lists it under "Submitted papers" (page and JSON), beside the initials avatar.
    const profile = (await t.server.inject({ url: '/users/submitter2' })).body;
    assert.match(profile, /<span class="avatar avatar-\d" aria-hidden="true">SM<\/span>/);
    assert.match(profile, new RegExp(`<h2>Submitted papers</h2>\\s*<ul class="submitted"><li><a href="/papers/2503\\.12229">[^<]+</a> <span class="muted">`));
    assert.deepEqual((await t.server.inject({ url: '/api/users/submitter2' })).json().submitted.map((x: { paper: string; day: string }) => [x.paper, x.day]), [['2503.12229', today]]);
    const other = await signInByLink(t.server, t.smtp, 'third-submitter@example.org');
    const dup = await other.json('POST', '/api/submissions', { paper: '2503.12229' });
    assert.equal(dup.statusCode, 422);
    assert.match(dup.json().error, new RegExp(`already on the daily list of ${today}`));
    const capped = await c.json('POST', '/api/submissions', { paper: 'hep-th/9708147' });
    assert.equal(capped.statusCode, 422);
    assert.match(capped.json().error, /daily limit/);
    assert.equal((await createClient(t.server).get('/api/me')).statusCode, 401);
  });

  it('two members submitting one paper at once: exactly one lands, the other is refused as a duplicate', async () => {
    const fresh = await startFakeServer(arxivApiOf(new Map([['2510.00777', { title: 'Raced for', categories: ['cs.LG'] }]])));
    try {
      const s = createSubmissions({ store: ctx.store, config: loadConfig({ SUBMIT_MAX_AGE_DAYS: '3000', ARXIV_API_URL: `${fresh.origin}/api/query` }), http: () => createHttpClient({ delayMs: 0 }) });
      const users = await Promise.all(['racer-a@example.org', 'racer-b@example.org', 'racer-c@example.org'].map(async (e) => (await community(t.app).signIn.ensureUser(e)).user));
      const results = await Promise.allSettled(users.map((u) => s.submit(u, '2510.00777')));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')).join('\n'));
      for (const r of results) if (r.status === 'rejected') assert.ok(isAppError(r.reason, 'SUBMISSION_REFUSED') && /already on the daily list|just submitted by someone else/.test(r.reason.message), String(r.reason));
      assert.equal((await ctx.store.db.selectFrom('submissions').select('id').where('arxiv_id', '=', '2510.00777').execute()).length, 1);
    } finally {
      await fresh.close();
    }
  });

  it('weekends can be closed to submissions', async () => {
    const saturday = Date.parse('2026-08-22T12:00:00Z');
    const s = createSubmissions({ store: ctx.store, config: loadConfig({ SUBMIT_NO_WEEKENDS: 'true', ARXIV_API_URL: `${arxiv.origin}/api/query` }), http: () => createHttpClient({ delayMs: 0 }), now: () => saturday });
    const user = (await community(t.app).signIn.ensureUser('weekend@example.org')).user;
    await assert.rejects(s.submit(user, '2503.12229'), (e) => isAppError(e, 'SUBMISSION_REFUSED') && /closed at weekends/.test(e.message));
  });
});
