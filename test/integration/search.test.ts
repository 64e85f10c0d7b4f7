import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { upsertPapers } from '../../src/catalog/papers.repo.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';
import { encodeHostile, fuzzString, seededRandom } from '../helpers/fuzz.ts';

const p = (id: string, title: string, abstract: string, extra: Partial<PaperInput> = {}): PaperInput => ({
  arxivId: id, title, abstract, authors: ['Thomas Kipf', 'Max Welling'], categories: ['cs.LG'],
  publishedAt: '2024-03-01T00:00:00.000Z', source: 'test', ...extra,
});

const PAPERS = [
  p('2403.00001', 'Graph neural networks for molecules', 'We apply message passing graph networks to molecular property prediction.', { upvotes: 3 }),
  p('2403.00002', 'A survey of graph neural networks', 'A survey of graph neural network architectures.', { upvotes: 30, categories: ['cs.AI'] }),
  p('2403.00003', 'Diffusion models for video', 'Video diffusion with temporal attention.', { authors: ['Jonathan Ho'], publishedAt: '2023-05-01T00:00:00.000Z' }),
];

describeEngines('search', (ctx) => {
  let server: FastifyInstance;
  let app: App;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, app, close } = await createTestServer(ctx.url, PAPERS));
  });
  after(async () => close());

  it('finds papers with highlighted snippets, and honours filters and sort', async () => {
    const r = await server.inject('/api/search?q=graph%20neural');
    assert.equal(r.statusCode, 200);
    const body = r.json();
    const ids = (b: { hits: Array<{ paper: { id: string } }> }) => b.hits.map((h) => h.paper.id);
    // The shared fixture holds one more graph paper (2405.12345, 120 upvotes) and one with only
    // "neural" (1706.03762), which comes after every paper that has both words.
    assert.deepEqual(ids(body).slice(0, 3).sort(), ['2403.00001', '2403.00002', '2405.12345']);
    assert.equal(ids(body)[3], '1706.03762');
    assert.match(body.hits[0].highlight.title, /<mark>[Gg]raph<\/mark> <mark>[Nn]eural<\/mark>/);
    const byVotes = (await server.inject('/api/search?q=graph%20neural&sort=upvotes')).json();
    // Sorted by upvotes, a short query lists the papers with every word (1706.03762 says only "neural").
    assert.deepEqual(ids(byVotes), ['2405.12345', '2403.00002', '2403.00001']);
    assert.equal(byVotes.total_kind, 'all');
    assert.equal(byVotes.total, 3);
    assert.deepEqual(ids((await server.inject('/api/search?q=graph%20cat:cs.AI')).json()), ['2403.00002']);
    assert.ok(!ids((await server.inject('/api/search?q=graph%20-survey')).json()).includes('2403.00002'));
    assert.equal((await server.inject('/api/search?q=author:ho%20year:2023')).json().hits[0].paper.id, '2403.00003');
    const hf = (await server.inject('/api/papers/search?q=diffusion')).json();
    assert.equal(hf[0].paper.id, '2403.00003');
    assert.equal(hf[0].title, 'Diffusion models for video');
    // The HF endpoint searches without highlights; its cached answer must not serve a highlighted search.
    assert.ok((await server.inject('/api/papers/search?q=neural%20networks')).json().length > 0);
    const again = (await server.inject('/api/search?q=neural%20networks')).json();
    assert.match(again.hits[0].highlight.title + again.hits[0].highlight.abstract, /<mark>/);
  });

  it('the results page escapes paper text and marks matches', async () => {
    await upsertPapers(app.store, [p('2403.00004', '<img src=x onerror=alert(1)> graph attacks', 'Adversarial graph attacks.')]);
    await app.search.syncOnce();
    const r = await server.inject('/search?q=graph%20attacks');
    assert.equal(r.statusCode, 200);
    assert.ok(!r.body.includes('<img src=x'), 'paper text is escaped');
    assert.match(r.body, /&lt;img src=x onerror=alert\(1\)&gt; <mark>graph<\/mark> <mark>attacks<\/mark>/);
    assert.match(r.body, /<select name="mode" aria-label="Match by"><option value="keyword" selected>/);
    // Too few papers here to train the built-in embedder: the page answers with keyword matches and says so.
    const semantic = await server.inject('/search?q=graph%20attacks&mode=semantic');
    assert.equal(semantic.statusCode, 200);
    assert.match(semantic.body, /class="notice" role="status">Search by meaning is not available on this server yet/);
    assert.match(semantic.body, /<option value="semantic" selected>/);
    assert.match(semantic.body, /<mark>graph<\/mark> <mark>attacks<\/mark>/);
  });

  it('a paper ingested while the server runs is searchable within 5 s', async () => {
    app.search.start(200);
    try {
      const started = Date.now();
      await upsertPapers(app.store, [p('2403.00099', 'Quasicrystal tilings revisited', 'Penrose tilings and quasicrystals.')]);
      let found = false;
      while (!found && Date.now() - started < 5000) {
        found = (await server.inject('/api/search?q=quasicrystal')).json().total === 1;
        if (!found) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(found, 'found within 5 s');
    } finally {
      await app.search.stop();
    }
  });

  it('fuzz: thousands of hostile queries give results or a clear 400, never a 500', async () => {
    const rand = seededRandom(42);
    const queries = Array.from({ length: 2500 }, () => fuzzString(rand));
    queries.push('x'.repeat(10_000), '"'.repeat(500), 'NEAR('.repeat(300), '🚀'.repeat(1000), `${'a '.repeat(1000)}`);
    const counts = { ok: 0, bad: 0 };
    const enc = encodeHostile;
    for (const q of queries) {
      const url = `/api/search?q=${enc(q)}`;
      const r = await server.inject(url);
      assert.ok(r.statusCode === 200 || r.statusCode === 400, `${r.statusCode} for ${JSON.stringify(q.slice(0, 80))}: ${r.body.slice(0, 200)}`);
      if (r.statusCode === 400) assert.ok(typeof r.json().error === 'string' && r.json().error.length > 0);
      counts[r.statusCode === 200 ? 'ok' : 'bad']++;
    }
    for (const q of queries.slice(0, 300)) {
      const r = await server.inject(`/search?q=${enc(q)}`);
      assert.ok(r.statusCode === 200 || r.statusCode === 400, `page ${r.statusCode} for ${JSON.stringify(q.slice(0, 80))}`);
    }
    assert.ok(counts.ok > 1000, `most random queries search (${JSON.stringify(counts)})`);
  });

  it('a search answers a matching If-None-Match with 304 until a paper it shows changes', async () => {
    const url = '/api/search?q=graph%20neural';
    const first = await server.inject(url);
    const tag = String(first.headers.etag);
    assert.match(tag, /^W\/"/, 'weak: took_ms differs between equal answers');
    const again = await server.inject({ url, headers: { 'if-none-match': tag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.notEqual((await server.inject(`${url}&limit=2`)).headers.etag, tag, 'another request, another tag');
    // One more upvote (3 -> 4 keeps every order the other tests expect) is a change the page shows.
    await upsertPapers(app.store, [{ ...PAPERS[0]!, upvotes: 4 }]);
    await app.search.syncOnce();
    const changed = await server.inject({ url, headers: { 'if-none-match': tag } });
    assert.equal(changed.statusCode, 200);
    assert.notEqual(changed.headers.etag, tag);
  });

  it('the paper page lists similar papers (more like this)', async () => {
    const page = await server.inject('/papers/2403.00001');
    assert.match(page.body, /data-similar="\/similar\?id=2403.00001&amp;fragment=1"/);
    assert.match(page.body, /href="\/similar\?id=2403.00001"/, 'a plain link without JavaScript');
    const r = await server.inject('/similar?id=2403.00001');
    assert.equal(r.statusCode, 200);
    const similar = r.body.slice(r.body.indexOf('Similar papers'));
    assert.match(similar, /href="\/papers\/2403.00002"/, 'the other graph neural network paper is similar');
    assert.ok(!similar.includes('href="/papers/2403.00001"'), 'a paper is not similar to itself');
    const fragment = await server.inject('/similar?id=2403.00001&fragment=1');
    assert.match(fragment.body, /^<section class="similar">/);
    assert.equal((await server.inject('/similar?id=2601.99999')).statusCode, 404);
  });

  it('rebuilds after the index folder is deleted', async () => {
    await upsertPapers(app.store, [p('2403.00098', 'Ptychography reconstructions', 'Ptychographic phase retrieval from overlapping diffraction patterns.')]);
    await app.search.syncOnce();
    const dir = path.join(app.config.dataDir, 'index');
    fs.rmSync(dir, { recursive: true, force: true });
    assert.ok(!fs.existsSync(dir));
    const n = await app.search.rebuild();
    assert.ok(fs.existsSync(path.join(dir, 'search.db')), 'the index file is back');
    const status = await app.search.status();
    assert.equal(n, status.indexed);
    assert.equal(status.lag, 0);
    assert.ok(status.indexed >= PAPERS.length + 1, `every paper is indexed again (${status.indexed})`);
    assert.equal((await server.inject('/api/search?q=ptychography')).json().total, 1);
  });
});
