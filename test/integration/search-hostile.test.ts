import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';

// Hostile sizes: papers of megabytes must cost a bounded amount per search (highlighting, snippets, similar
// papers, feedback) and never hold the event loop. Before bounded highlighting one 1 MB abstract of repeated
// query words made a two-word search take 28 s, the whole node frozen meanwhile.
const repeat = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
const paper = (id: string, title: string, abstract: string): PaperInput => ({
  arxivId: id, title, abstract, authors: ['Ada Lovelace'], categories: ['cs.LG'], publishedAt: '2024-05-01T00:00:00.000Z', source: 'test',
});
const HOSTILE = [
  paper('2405.90001', 'Graph neural networks at scale', repeat('graph neural network learning model ', 1_000_000)),
  paper('2405.90002', 'Ptychography buried deep', `${repeat('lorem ipsum dolor sit amet ', 40_000)} ptychography ${repeat('lorem ipsum dolor sit amet ', 960_000)}`),
  paper('2405.90003', repeat('graph ', 100_000), 'A title of a hundred kilobytes.'),
];

describeEngines('search with hostile sizes', (ctx) => {
  let server: FastifyInstance;
  let app: App;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, app, close } = await createTestServer(ctx.url, HOSTILE));
  });
  after(async () => close());

  it('a 1 MB abstract is highlighted within a bounded window, and no request holds the event loop', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const r = await server.inject('/api/search?q=graph%20neural&limit=20');
    assert.equal(r.statusCode, 200);
    const hit = r.json().hits.find((h: { paper: { id: string } }) => h.paper.id === '2405.90001');
    assert.ok(hit, 'the big paper is found');
    assert.match(hit.highlight.abstract, /<mark>graph<\/mark> <mark>neural<\/mark>/);
    assert.ok(hit.highlight.abstract.length < 2000, `the snippet is short (${hit.highlight.abstract.length} characters)`);
    const long = r.json().hits.find((h: { paper: { id: string } }) => h.paper.id === '2405.90003');
    assert.ok(long && long.highlight.title.length < 1200 + 13 * 200, 'a 100 kB title is cut for display');
    assert.match(long.highlight.title, /…$/);
    for (const url of ['/search?q=graph%20neural', '/search?q=graph%20neural%20network%20learning%20model%20scale', '/similar?id=2405.90001', '/similar?id=2405.90003', '/api/papers/search?q=graph']) {
      assert.equal((await server.inject(url)).statusCode, 200, url);
    }
    // A word deep inside a megabyte is found; its snippet is the start of the text (the match lies past the scanned part).
    const deep = (await server.inject('/api/search?q=ptychography')).json();
    assert.equal(deep.hits[0].paper.id, '2405.90002');
    assert.ok(deep.hits[0].highlight.abstract.length < 400);
    delay.disable();
    // Unbounded highlighting held the loop for 28 s on this input; bounded, it is milliseconds on a quiet machine.
    // Wall time also counts a starved process: at load average 36 one run showed 1,040 ms, so the bound is 5 s,
    // far below the regression it guards against (the figures live in docs/benchmarks.md, not here).
    assert.ok(delay.max / 1e6 < 5000, `the event loop was held for ${(delay.max / 1e6).toFixed(0)} ms at most`);
  });

  it('a match past the first pieces of a long abstract is shown as an excerpt around it', async () => {
    await app.search.syncOnce();
    const text = `${repeat('lorem ipsum dolor sit amet ', 9000)}the quasicrystal tiling ${repeat('lorem ipsum dolor sit amet ', 9000)}`;
    const { upsertPapers } = await import('../../src/catalog/papers.repo.ts');
    await upsertPapers(app.store, [paper('2405.90004', 'Tilings', text)]);
    await app.search.syncOnce();
    const hit = (await server.inject('/api/search?q=quasicrystal')).json().hits[0];
    assert.equal(hit.paper.id, '2405.90004');
    assert.match(hit.highlight.abstract, /^….*<mark>quasicrystal<\/mark> tiling/);
  });
});
