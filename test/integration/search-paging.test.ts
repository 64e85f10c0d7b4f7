import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import { DEMO_BUNDLE } from '../../src/ingest/demo.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';

type Body = { total: number; total_kind: string; has_more: boolean; notes: string[]; mode: string; hits: Array<{ paper: { id: string; title: string; summary: string } }> };
const ids = (b: Body) => b.hits.map((h) => h.paper.id);

describeEngines('search counts and pages in every mode', (ctx) => {
  let server: FastifyInstance;
  let app: App;
  let close: () => Promise<void>;
  const get = async (url: string): Promise<Body> => {
    const r = await server.inject(url);
    assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 300)}`);
    return r.json() as Body;
  };
  before(async () => {
    ({ server, app, close } = await createTestServer(ctx.url));
    // The demo bundle (1,256 real papers): enough for the built-in embedder, so every mode answers.
    await ingest(app.store, 'jsonl', readJsonl([DEMO_BUNDLE]));
    await app.search.syncOnce();
    await app.search.settled();
    await app.search.syncOnce();
    assert.equal((await app.search.status()).embedderState, 'ready');
  });
  after(async () => close());

  it('counts only what a count means: every match, papers with every word, or nothing', async () => {
    const one = await get('/api/search?q=diffusion&limit=100');
    assert.equal(one.total_kind, 'all');
    // Every paper with the word, exactly: paging through them all finds that many.
    let seen = 0;
    for (let offset = 0; ; offset += 100) {
      const page = await get(`/api/search?q=diffusion&limit=100&offset=${offset}`);
      seen += page.hits.length;
      if (!page.has_more) break;
    }
    assert.equal(seen, one.total);

    const two = await get('/api/search?q=language%20models&limit=100');
    assert.equal(two.total_kind, 'every-word');
    // The first `total` hits hold both words; the list goes on with papers holding one.
    const page = await get(`/api/search?q=language%20models&limit=${Math.min(100, two.total + 5)}`);
    const text = (i: number) => `${page.hits[i]!.paper.title} ${page.hits[i]!.paper.summary}`.toLowerCase();
    for (let i = 0; i < Math.min(two.total, page.hits.length); i++) assert.match(text(i), /languag/, `hit ${i} has every word`);
    assert.ok(two.total < (await get('/api/search?q=language')).total + (await get('/api/search?q=models')).total, 'not the count of papers sharing one word');

    // A pasted abstract shares a word with nearly every paper: no count at all (the issue saw "1252 results").
    const abstract = page.hits[0]!.paper.summary.slice(0, 1200);
    const long = await get(`/api/search?q=${encodeURIComponent(abstract)}`);
    assert.equal(long.total_kind, 'none');
    assert.equal(long.has_more, true);
    const html = (await server.inject(`/search?q=${encodeURIComponent(abstract)}`)).body;
    assert.doesNotMatch(html, /class="count">\d+ (results|papers)/);
    assert.match(html, /class="count">Best matches first/);
  });

  for (const mode of ['semantic', 'hybrid']) {
    it(`${mode} mode pages: the next page continues the ranking, and the page links to it`, async () => {
      const q = 'reinforcement%20learning%20agents%20for%20robot%20control';
      const all = await get(`/api/search?q=${q}&mode=${mode}&limit=40`);
      const p1 = await get(`/api/search?q=${q}&mode=${mode}&limit=20`);
      const p2 = await get(`/api/search?q=${q}&mode=${mode}&limit=20&offset=20`);
      for (const b of [all, p1, p2]) assert.equal(b.mode, mode);
      assert.equal(p1.total_kind, 'none');
      assert.equal(p1.has_more, true);
      assert.equal(p2.hits.length, 20);
      assert.deepEqual([...ids(p1), ...ids(p2)], ids(all), 'two pages are the first 40, in order');
      assert.equal(new Set([...ids(p1), ...ids(p2)]).size, 40, 'no paper on both pages');
      // The deepest page that can be reached has no next page.
      const last = await get(`/api/search?q=${q}&mode=${mode}&limit=100&offset=900`);
      assert.equal(last.has_more, false);
      const page1 = (await server.inject(`/search?q=${q}&mode=${mode}`)).body;
      assert.match(page1, new RegExp(`<a class="page" href="/search\\?q=[^"]*mode=${mode}[^"]*p=2" rel="next">Next →</a>`));
      assert.doesNotMatch(page1, /rel="prev"/);
      const page2 = (await server.inject(`/search?q=${q}&mode=${mode}&p=2`)).body;
      assert.match(page2, /rel="prev">← Previous<\/a>/);
      assert.match(page2, /aria-current="page">Page 2</);
      assert.ok(page2.includes(`href="/papers/${ids(p2)[0]}"`) || page2.includes(ids(p2)[0]!), 'page 2 shows the second page');
    });
  }

  it('the page title shows a shortened query', async () => {
    const abstract = 'We study the problem of learning long range dependencies in sequence models and propose a new architecture that scales linearly with the sequence length while matching attention';
    const body = (await server.inject(`/search?q=${encodeURIComponent(abstract)}`)).body;
    const title = body.match(/<title>(.*?)<\/title>/s)![1]!;
    assert.ok(title.length < 90, `short title: ${title}`);
    assert.match(title, /^Search: We study the problem of learning long range dependencies in… · Paperboy$/);
    assert.ok(!body.includes(`for “${abstract}”`), 'the count line does not echo the whole abstract');
  });

  it('an unclosed quote is a phrase to the end, said back; a phrase that matches nothing falls back to its words', async () => {
    const phrase = await get('/api/search?q=%22language%20models');
    assert.deepEqual(phrase.notes, ['The quotation mark was not closed: searched for the phrase “language models” to the end of the query.']);
    assert.ok(phrase.hits.length > 0);
    const closed = await get('/api/search?q=%22language%20models%22');
    assert.deepEqual(ids(phrase), ids(closed));
    assert.deepEqual(closed.notes, []);
    const loose = await get('/api/search?q=%22models%20language%20diffusion%20video');
    assert.ok(loose.hits.length > 0, 'no silent empty page');
    assert.match(loose.notes[0]!, /not closed and no paper has the phrase “models language diffusion video”: these results have its words anywhere/);
    for (const mode of ['semantic', 'hybrid']) {
      const r = await get(`/api/search?q=%22models%20language%20diffusion%20video&mode=${mode}`);
      assert.ok(r.hits.length > 0 && r.notes.length === 1, mode);
    }
    const html = (await server.inject('/search?q=%22models%20language%20diffusion%20video')).body;
    assert.match(html, /class="notice" role="status">The quotation mark was not closed and no paper has the phrase “models language diffusion video”/);
  });

  it('a bad mode is a 400 naming the allowed values (API) and a friendly word on the page', async () => {
    const r = await server.inject('/api/search?q=graph&mode=psychic');
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().code, 'BAD_REQUEST');
    assert.match(r.json().error, /mode must be equal to one of the allowed values: keyword, semantic, hybrid/);
    const page = await server.inject('/search?q=graph&mode=psychic&sort=sideways');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /There is no search mode “psychic”; choose Keywords, Meaning, Keywords \+ meaning\. These are Keywords results\./);
    assert.match(page.body, /There is no sort order “sideways”/);
    assert.match(page.body, /<mark>[Gg]raph<\/mark>/);
  });
});
