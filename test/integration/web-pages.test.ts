import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';

const paper = (id: string, day: string | null, upvotes: number, extra: Partial<PaperInput> = {}): PaperInput => ({
  arxivId: id, title: `Paper ${id}`, abstract: `Abstract of ${id}.`, authors: ['Ada Lovelace', 'Alan Turing'],
  categories: ['cs.CL'], publishedAt: '2026-08-01T00:00:00.000Z', dailyDate: day, upvotes, source: 'test', ...extra,
});

// Two weeks of daily papers with a weekend gap, plus an old-style id and a hostile title.
const PAPERS: PaperInput[] = [
  paper('2608.00001', '2026-08-20', 5),
  paper('2608.00002', '2026-08-20', 50),
  paper('2608.00003', '2026-08-21', 7, { githubRepo: 'javascript:alert(1)' }),
  paper('2608.00004', '2026-08-24', 1, { title: '<script>alert("x")</script> & friends' }),
  paper('2608.00005', '2026-08-24', 9, { githubRepo: 'https://github.com/a/b', aiKeywords: ['agents'], comment: '12 pages' }),
  paper('hep-th/9901001', null, 0, { title: 'Strings, old style', categories: ['hep-th'] }),
];

describeEngines('web pages and JSON API', (ctx) => {
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, close } = await createTestServer(ctx.url, PAPERS));
  });
  after(async () => close());

  const get = (url: string, headers: Record<string, string> = {}) => server.inject({ method: 'GET', url, headers });

  it('the home page shows the latest day, ranked by upvotes, with navigation to the previous day with papers', async () => {
    const r = await get('/');
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /text\/html/);
    const body = r.body;
    assert.ok(body.indexOf('2608.00005') < body.indexOf('2608.00004'), 'more upvotes first');
    assert.ok(!body.includes('2608.00002'), 'other days are not listed');
    // Aug 24 is a Monday; the previous day with papers is Friday Aug 21, not the empty weekend.
    assert.match(body, /rel="prev" href="\/papers\?date=2026-08-21"/);
    assert.match(body, /class="next disabled"/);
    assert.match(body, /<link rel="stylesheet" href="\/static\/paperboy.css">/);
    assert.match(body, /application\/rss\+xml/);
  });

  it('escapes titles and refuses javascript: links', async () => {
    const r = await get('/papers?date=2026-08-24');
    assert.ok(!r.body.includes('<script>alert'), 'no raw script tag');
    assert.match(r.body, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; friends/);
    const day = await get('/papers?date=2026-08-21');
    assert.ok(!day.body.includes('javascript:'), 'a javascript: repository link is dropped');
  });

  it('lists a week and a month across days, ranked', async () => {
    const w = await get('/papers?week=2026-W34');
    assert.equal(w.statusCode, 200);
    const ids = [...w.body.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, ['2608.00002', '2608.00003', '2608.00001']);
    assert.match(w.body, /rel="next" href="\/papers\?week=2026-W35"/);
    const m = await get('/papers?month=2026-08');
    assert.deepEqual([...m.body.matchAll(/data-id="([^"]+)"/g)].map((x) => x[1]), ['2608.00002', '2608.00005', '2608.00003', '2608.00001', '2608.00004']);
  });

  it('an empty period is a friendly page, not an error', async () => {
    const r = await get('/papers?date=2026-08-22');
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /No papers on Aug 22, 2026\./);
    assert.match(r.body, /The nearest are <a rel="prev" href="\/papers\?date=2026-08-21">Fri, Aug 21, 2026<\/a> \(1 paper\) and <a rel="next" href="\/papers\?date=2026-08-24">Mon, Aug 24, 2026<\/a> \(2 papers\)\./);
  });

  for (const url of ['/papers?date=not-a-date', '/papers?date=2026-02-30', '/papers?week=2026-W99', '/papers?month=2026-13', '/papers?date=2026-08-20&week=2026-W34', '/papers?p=x']) {
    it(`${url} is a friendly 400 page`, async () => {
      const r = await get(url);
      assert.equal(r.statusCode, 400);
      assert.match(r.headers['content-type'] as string, /text\/html/);
      assert.match(r.body, /That request did not make sense/);
    });
  }

  it('the paper page shows everything, for new and old ids and any id form', async () => {
    const r = await get('/papers/2608.00005v2');
    assert.equal(r.statusCode, 200);
    for (const s of ['Paper 2608.00005', 'Ada Lovelace', 'Abstract of 2608.00005.', '12 pages', 'https://arxiv.org/abs/2608.00005', 'https://arxiv.org/pdf/2608.00005', 'https://github.com/a/b', 'agents', 'href="/papers?date=2026-08-24"']) {
      assert.ok(r.body.includes(s), `page shows ${s}`);
    }
    const old = await get('/papers/hep-th/9901001');
    assert.equal(old.statusCode, 200);
    assert.match(old.body, /Strings, old style/);
  });

  it('unknown papers are 404 pages; malformed ids are 400 pages', async () => {
    const r = await get('/papers/2601.99999');
    assert.equal(r.statusCode, 404);
    assert.match(r.body, /No paper 2601.99999/);
    assert.equal((await get('/papers/not-an-id')).statusCode, 400);
  });

  it('GET /api/daily_papers has Hugging Face field names and pages with limit and p', async () => {
    const r = await get('/api/daily_papers?date=2026-08-20');
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.equal(body.length, 2);
    assert.equal(body[0].paper.id, '2608.00002');
    assert.deepEqual(body[0].paper.authors, [{ name: 'Ada Lovelace' }, { name: 'Alan Turing' }]);
    assert.equal(body[0].paper.upvotes, 50);
    // No source said when it was submitted: the time is not made up (Hugging Face's own 2024 entries lack it too).
    assert.equal(body[0].paper.submittedOnDailyAt, null);
    assert.equal(body[0].title, 'Paper 2608.00002');
    assert.equal(typeof body[0].summary, 'string');
    const p1 = (await get('/api/daily_papers?month=2026-08&limit=2&p=1')).json();
    assert.deepEqual(p1.map((e: { paper: { id: string } }) => e.paper.id), ['2608.00003', '2608.00001']);
    const latest = (await get('/api/daily_papers')).json();
    assert.deepEqual(latest.map((e: { paper: { id: string } }) => e.paper.id), ['2608.00005', '2608.00004']);
  });

  it('GET /api/papers/:id, with 400 and 404 as JSON', async () => {
    const r = await get('/api/papers/hep-th/9901001v1');
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().id, 'hep-th/9901001');
    const missing = await get('/api/papers/2601.99999');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'PAPER_NOT_FOUND');
    const bad = await get('/api/daily_papers?date=yesterday');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_DATE');
    assert.equal((await get('/api/daily_papers?limit=1000')).statusCode, 400);
  });
});
