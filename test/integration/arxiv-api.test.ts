import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { getPaperRow } from '../../src/catalog/papers.repo.ts';
import { isAppError } from '../../src/errors.ts';
import { fetchArxivIds } from '../../src/ingest/arxiv-api.ts';
import { parseAtomFeed, parseAtomFeedInSlices } from '../../src/ingest/arxiv-api-parse.ts';
import { createHttpClient } from '../../src/ingest/http-client.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { arxivApi, assertPaced, busy, fixture, startFakeServer, type FakeServer } from '../helpers/arxiv-server.ts';
import { describeEngines } from '../helpers/stores.ts';

const DELAY = 40;

describeEngines('arXiv API adapter', (ctx) => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer(arxivApi);
  });
  after(() => server.close());

  const run = (ids: string[], batchSize?: number) => {
    const http = createHttpClient({ delayMs: DELAY, backoffMs: 20, maxAttempts: 3 });
    return ingest(ctx.store, 'arxiv-api', fetchArxivIds({ http, url: `${server.origin}/api/query`, ids, batchSize }));
  };

  it('imports papers by id in batches; unknown, refused and garbage ids are rejected by name', async () => {
    server.requests.length = 0;
    server.handle(arxivApi);
    const ids = ['1706.03762', 'https://arxiv.org/abs/hep-th/9708147v2', '2503.12229', '2503.99999', 'foo-bar/9901001', 'not-an-id', 'arXiv:1706.03762'];
    const s = await run(ids, 2);
    assert.deepEqual([s.read, s.inserted, s.rejected], [6, 3, 3]);
    assert.deepEqual(
      s.rejections.map((r) => `${r.location}: ${r.reason}`),
      [
        'argument "not-an-id": not an arXiv identifier',
        'arXiv API id 2503.99999: not found: arXiv returned no paper for 2503.99999',
        'arXiv API id foo-bar/9901001: arXiv API: incorrect id format for foo-bar/9901001',
      ],
    );
    // Batches of two; the batch with the refused id is asked again without it.
    assert.deepEqual(
      server.requests.map((r) => [r.params.get('id_list'), r.params.get('max_results')]),
      [
        ['1706.03762,hep-th/9708147v2', '2'],
        ['2503.12229,2503.99999', '2'],
        ['foo-bar/9901001', '1'],
      ],
    );
    assertPaced(server.requests, DELAY);

    const att = await getPaperRow(ctx.store.db, '1706.03762');
    assert.equal(att!.version, 7);
    assert.equal(att!.title, 'Attention Is All You Need');
    assert.equal(att!.categories, 'cs.CL cs.LG');
    assert.equal(att!.comment, '15 pages, 5 figures');
    assert.equal(att!.published_at, '2017-06-12T17:57:34.000Z');
    assert.equal(JSON.parse(att!.authors).length, 8);
    assert.match(att!.abstract, /^The dominant sequence transduction models [\s\S]*\sless time to train\.$/);
    const callan = await getPaperRow(ctx.store.db, 'hep-th/9708147');
    assert.equal(callan!.version, 2);
    assert.equal(callan!.journal_ref, 'Nucl.Phys. B513 (1998) 198-212');
    assert.equal(callan!.doi, '10.1016/S0550-3213(97)00700-1');
    assert.deepEqual(JSON.parse(callan!.authors), ['Curtis G. Callan Jr', 'Juan M. Maldacena']);
  });

  it('a refused id alone in a batch costs only that id, and a re-import changes nothing', async () => {
    server.requests.length = 0;
    const s = await run(['foo-bar/9901001', '2503.12229', '1706.03762']);
    assert.deepEqual([s.read, s.unchanged, s.rejected], [3, 2, 1]);
    assert.deepEqual(server.requests.map((r) => r.params.get('id_list')), ['foo-bar/9901001,2503.12229,1706.03762', '2503.12229,1706.03762']);
  });

  it('503 with Retry-After is honoured; a run of them fails with a clear message', async () => {
    server.requests.length = 0;
    let first = true;
    server.handle((req, n) => (first ? ((first = false), busy('1')) : arxivApi(req, n)));
    const s = await run(['2503.12229']);
    assert.equal(s.unchanged, 1);
    assert.ok(server.requests[1]!.at - server.requests[0]!.at >= 950, 'waited for Retry-After: 1');

    server.handle(() => busy());
    await assert.rejects(run(['2503.12229']), (e) => {
      assert.ok(isAppError(e, 'UPSTREAM_UNAVAILABLE'));
      assert.match(e.message, /^the arXiv API at http:\/\/127\.0\.0\.1:\d+\/api\/query is unavailable: 3 consecutive attempts failed \(last: HTTP 503\)$/);
      return true;
    });
  });
});

it('parses the Atom shape: opensearch total, versioned ids, primary category first, links', () => {
  const feed = parseAtomFeed(fixture('arxiv-api/entries.xml'));
  assert.equal(feed.totalResults, 3);
  const [a, b] = feed.entries;
  assert.equal(a?.kind, 'paper');
  if (a?.kind !== 'paper' || b?.kind !== 'paper') return;
  assert.deepEqual([a.paper.arxivId, a.paper.version], ['1706.03762', 7]);
  assert.deepEqual(b.paper.categories, ['hep-th']);
  assert.deepEqual(a.links.map((l) => l.title ?? l.rel), ['alternate', 'pdf']);
  const err = parseAtomFeed(fixture('arxiv-api/error-incorrect-id.xml')).entries[0];
  assert.deepEqual(err, { kind: 'error', message: 'incorrect id format for foo-bar/9901001', id: 'http://arxiv.org/api/errors#incorrect_id_format_for_foo-bar/9901001' });
  assert.throws(() => parseAtomFeed('<feed><entry>'), /not well-formed XML/);
});

it('parsing in slices (a turn for the event loop every 10 entries) gives exactly the whole parse', async () => {
  const feed = fixture('arxiv-api/entries.xml');
  const head = feed.slice(0, feed.indexOf('<entry>'));
  const entries = feed.match(/<entry>[\s\S]*?<\/entry>/g)!;
  const big = `${head}${Array.from({ length: 35 }, (_, i) => entries[i % 3]).join('\n  ')}\n</feed>\n`;
  let done = false;
  let ranMeanwhile = false;
  setImmediate(() => (ranMeanwhile = !done));
  const sliced = await parseAtomFeedInSlices(big).finally(() => (done = true));
  assert.ok(ranMeanwhile, 'another task ran while the feed was being parsed');
  assert.deepEqual(sliced, parseAtomFeed(big));
  assert.equal(sliced.entries.length, 35);
  assert.deepEqual(await parseAtomFeedInSlices(fixture('arxiv-api/error-incorrect-id.xml')), parseAtomFeed(fixture('arxiv-api/error-incorrect-id.xml')));
  await assert.rejects(parseAtomFeedInSlices(`${head}${entries.slice(0, 3).join('')}${entries[0]!.slice(0, 40)}`), /not well-formed XML/);
});
