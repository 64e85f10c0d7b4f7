import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';

const paper = (id: string, day: string, upvotes = 1): PaperInput => ({
  arxivId: id, title: `Paper ${id}`, abstract: 'An abstract.', authors: ['Anh Do', 'Quoc V. Le'], categories: ['cs.CL'],
  publishedAt: `${day}T00:00:00.000Z`, dailyDate: day, upvotes, source: 'test',
});

// Besides the shared fixture's (Oct 2023, May 2024): papers on Fri 2026-07-31 and in the week of Mon 2026-08-10 (Mon, Wed); nothing in between, and 35 on
// Mon 2026-08-10 so that day has two pages of 30.
const PAPERS: PaperInput[] = [
  paper('2607.00001', '2026-07-31'),
  ...Array.from({ length: 35 }, (_, i) => paper(`2608.${String(10000 + i)}`, '2026-08-10', i)),
  paper('2608.20000', '2026-08-12'),
];

const tabs = (body: string): Record<string, string> =>
  Object.fromEntries([...body.matchAll(/<a class="tab[^"]*" href="([^"]+)"[^>]*>(\w+)<\/a>/g)].map((m) => [m[2]!, m[1]!.replace(/&amp;/g, '&')]));

describeEngines('list navigation', (ctx) => {
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, close } = await createTestServer(ctx.url, PAPERS));
  });
  after(async () => close());
  const get = async (url: string, status = 200) => {
    const r = await server.inject(url);
    assert.equal(r.statusCode, status, `${url}: ${r.body.slice(0, 200)}`);
    return r;
  };

  it('tabs open the day, week and month around the latest day with papers in the period shown', async () => {
    // Week 33 (Aug 10–16): its Daily tab opens Wed Aug 12, not the empty Sunday.
    assert.deepEqual(tabs((await get('/papers?week=2026-W33')).body), { Daily: '/papers?date=2026-08-12', Weekly: '/papers?week=2026-W33', Monthly: '/papers?month=2026-08' });
    // July: its weekly tab opens the week of Jul 31 (W31), not the week of Jul 31's month end.
    assert.deepEqual(tabs((await get('/papers?month=2026-07')).body), { Daily: '/papers?date=2026-07-31', Weekly: '/papers?week=2026-W31', Monthly: '/papers?month=2026-07' });
    // From an empty day the tabs go to the nearest day with papers (Aug 3 is nearer Jul 31 than Aug 10).
    assert.deepEqual(tabs((await get('/papers?date=2026-08-03')).body), { Daily: '/papers?date=2026-08-03', Weekly: '/papers?week=2026-W31', Monthly: '/papers?month=2026-07' });
    // Every tab of every page has papers (but the active tab of an empty period, which is that page).
    for (const url of ['/', '/papers?week=2026-W33', '/papers?month=2026-07', '/papers?date=2026-08-03', '/papers?week=2026-W32']) {
      for (const href of Object.values(tabs((await get(url)).body))) {
        if (href === url) continue;
        assert.match((await get(href)).body, /<article class="card"/, `${url} → ${href}`);
      }
    }
  });

  it('Previous and Next skip empty days and weeks', async () => {
    const day = (await get('/papers?date=2026-08-10')).body;
    assert.match(day, /rel="prev" href="\/papers\?date=2026-07-31"/);
    assert.match(day, /rel="next" href="\/papers\?date=2026-08-12"/);
    const week = (await get('/papers?week=2026-W33')).body;
    assert.match(week, /rel="prev" href="\/papers\?week=2026-W31"/, 'W32 is empty');
    assert.match(week, /class="next disabled"/);
  });

  it('an empty period names its nearest neighbours and their sizes; past the ends says where the papers are', async () => {
    const gap = (await get('/papers?week=2026-W32')).body;
    assert.match(gap, /No papers in Week 32, 2026/);
    assert.match(gap, /The nearest are <a rel="prev" href="\/papers\?week=2026-W31">Week 31, 2026 \(Jul 27 – Aug 2\)<\/a> \(1 paper\) and <a rel="next" href="\/papers\?week=2026-W33">Week 33, 2026 \(Aug 10 – Aug 16\)<\/a> \(36 papers\)\./);
    const late = (await get('/papers?date=2026-09-01')).body;
    assert.match(late, /The papers end on Aug 12, 2026: the latest are <a rel="prev" href="\/papers\?date=2026-08-12">Wed, Aug 12, 2026<\/a> \(1 paper\)\./);
    // The shared fixture's first daily paper is on Oct 11, 2023.
    const early = (await get('/papers?month=2023-01')).body;
    assert.match(early, /The papers start on Oct 11, 2023: the first are <a rel="next" href="\/papers\?month=2023-10">October 2023<\/a> \(1 paper\)\./);
  });

  it('a page past the end keeps the count and says which pages hold the papers', async () => {
    const r = (await get('/papers?date=2026-08-10&p=3')).body;
    assert.match(r, /<p class="count">35 papers, most upvoted first<\/p>/);
    assert.doesNotMatch(r, /No papers/);
    assert.match(r, /Page 3 is past the end of this day\./);
    assert.match(r, /Its 35 papers are on pages 1–2: <a href="\/papers\?date=2026-08-10">first page<\/a> · <a href="\/papers\?date=2026-08-10&amp;p=2">last page \(2\)<\/a>\./);
    // Page 2 holds the last 5, ranked 31–35, and says it is page 2 of 2.
    const p2 = (await get('/papers?date=2026-08-10&p=2')).body;
    assert.equal([...p2.matchAll(/<article class="card"/g)].length, 5);
    assert.match(p2, /<span class="rank">31<\/span>/);
    assert.match(p2, /page 2 of 2/);
  });

  it('says where a user sees it that the API counts pages from 0, and links the same page there', async () => {
    const p2 = (await get('/papers?date=2026-08-10&p=2')).body;
    const m = /As JSON: <a href="([^"]+)">/.exec(p2);
    assert.ok(m, 'the JSON link is on the page');
    assert.match(p2, /pages here count from 1; the API’s <code>p<\/code> counts from 0/);
    const api = (await get(m[1]!.replace(/&amp;/g, '&'))).json() as Array<{ paper: { id: string } }>;
    const ids = [...p2.matchAll(/data-id="([^"]+)"/g)].map((x) => x[1]);
    assert.deepEqual(api.map((e) => e.paper.id), ids, 'API p=1 is web page 2');
  });

  it('the date picker opens the nearest list of its kind that has papers', async () => {
    const go = async (q: string) => (await get(`/papers?${q}`, 303)).headers.location;
    assert.equal(await go('view=day&on=2026-08-12'), '/papers?date=2026-08-12');
    assert.equal(await go('view=day&on=2026-08-08'), '/papers?date=2026-08-10', 'Sat Aug 8 is nearer Aug 10 than Jul 31');
    assert.equal(await go('view=day&on=2030-01-01'), '/papers?date=2026-08-12');
    assert.equal(await go('view=week&on=2026-08-14'), '/papers?week=2026-W33', 'the week containing the day has papers');
    assert.equal(await go('view=week&on=2026-08-04'), '/papers?week=2026-W31', 'Aug 4 is nearest to Jul 31');
    assert.equal(await go('view=month&on=2026-06-15'), '/papers?month=2026-07');
    assert.equal(await go('on=2026-08-11'), '/papers?date=2026-08-10', 'day view by default; ties go to the earlier day');
    assert.match((await get('/papers?view=day&on=2026-02-30', 400)).body, /on must be a calendar day as YYYY-MM-DD \(got &quot;2026-02-30&quot;\)/);
    await get('/papers?view=year&on=2026-08-01', 400);
    // The form itself: a GET form on /papers with the catalog's bounds.
    const page = (await get('/papers?week=2026-W33')).body;
    assert.match(page, /<form class="date-picker" action="\/papers" method="get">\s*<input type="hidden" name="view" value="week">\s*<label>Go to <input type="date" name="on" value="2026-08-12" min="2023-10-11" max="2026-08-12" required><\/label>/);
  });

  it('authors link to their author pages, categories to their searches', async () => {
    const page = (await get('/papers?date=2026-08-12')).body;
    assert.match(page, /<a class="author" href="\/authors\/Anh%20Do">Anh Do<\/a>/);
    const paperPage = (await get('/papers/2608.20000')).body;
    assert.match(paperPage, /<a class="author" href="\/authors\/Quoc%20V.%20Le">Quoc V. Le<\/a>/);
    assert.equal((await get('/authors/Quoc%20V.%20Le')).statusCode, 200);
    assert.match(paperPage, /<a class="chip primary" href="\/search\?q=cat%3Acs.CL&amp;sort=date" title="Computation and Language">cs.CL<\/a>/);
    const search = (await get('/search?q=author%3A%22Anh%20Do%22&sort=date')).body;
    assert.equal([...search.matchAll(/<article class="card"/g)].length, 20, 'the author search finds the papers (one page of 20)');
  });
});
