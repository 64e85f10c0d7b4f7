import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { getPaperRow } from '../../src/catalog/papers.repo.ts';
import { isAppError } from '../../src/errors.ts';
import { harvestOai, oaiCheckpointKey, type OaiCheckpoint } from '../../src/ingest/arxiv-oai.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/ingest/checkpoints.ts';
import { createHttpClient } from '../../src/ingest/http-client.ts';
import { ingest, type SourceItem } from '../../src/ingest/pipeline.ts';
import { assertPaced, busy, fixture, oaiPages, startFakeServer, type FakeServer } from '../helpers/arxiv-server.ts';
import { describeEngines } from '../helpers/stores.ts';

const DELAY = 40;

describeEngines('arXiv OAI-PMH harvester', (ctx) => {
  let server: FakeServer;
  let url: string;
  const args = { from: '2025-03-18', set: 'cs' };
  before(async () => {
    server = await startFakeServer(oaiPages);
    url = `${server.origin}/oai`;
  });
  after(() => server.close());

  const run = (opts: { maxAttempts?: number; backoffMs?: number; items?: (i: AsyncIterable<SourceItem>) => AsyncIterable<SourceItem>; from?: string } = {}) => {
    const notes: string[] = [];
    const http = createHttpClient({ delayMs: DELAY, backoffMs: opts.backoffMs ?? 20, maxAttempts: opts.maxAttempts ?? 4 });
    const items = harvestOai({ store: ctx.store, http, url, ...args, from: opts.from ?? args.from, info: (l) => notes.push(l) });
    return { notes, done: ingest(ctx.store, 'oai', opts.items ? opts.items(items) : items) };
  };
  const key = () => oaiCheckpointKey(url, args.set, args.from);

  it('harvests every page, honours Retry-After, rejects malformed records with their location and imports the rest', async () => {
    server.requests.length = 0;
    let busyOnce = true;
    server.handle((req, n) => {
      if (req.params.get('resumptionToken') === '6960524|1001' && busyOnce) {
        busyOnce = false;
        return busy('1');
      }
      return oaiPages(req, n);
    });
    const { notes, done } = run();
    const s = await done;
    assert.equal(s.read, 12, '13 records less 1 deleted upstream');
    assert.equal(s.inserted, 10);
    assert.equal(s.rejected, 2);
    assert.deepEqual(s.rejections.map((r) => r.location), [
      'page 2 record 2 (oai:arXiv.org:2503.14001)',
      'page 3 record 3 (oai:arXiv.org:2503.18999)',
    ]);
    assert.equal(s.rejections[0]!.reason, 'missing <title>');
    assert.match(s.rejections[1]!.reason, /^not well-formed XML in the record: Expected closing tag 'i'/);

    const seen = server.requests.map((r) => Object.fromEntries(r.params));
    assert.deepEqual(seen, [
      { verb: 'ListRecords', metadataPrefix: 'arXiv', from: '2025-03-18', set: 'cs' },
      { verb: 'ListRecords', resumptionToken: '6960524|1001' },
      { verb: 'ListRecords', resumptionToken: '6960524|1001' },
      { verb: 'ListRecords', resumptionToken: '6960524|2002' },
    ]);
    assertPaced(server.requests, DELAY);
    const retryGap = server.requests[2]!.at - server.requests[1]!.at;
    assert.ok(retryGap >= 950, `the retry waited for Retry-After: 1 (gap ${Math.round(retryGap)} ms)`);
    assert.ok(notes.some((l) => /^page 2, 3 records, waiting 1 s: HTTP 503, Retry-After 1$/.test(l)), notes.join('\n'));
    assert.equal(await loadCheckpoint(ctx.store, key()), null, 'a finished harvest clears its checkpoint');

    const callan = await getPaperRow(ctx.store.db, 'hep-th/9708147');
    assert.deepEqual(JSON.parse(callan!.authors), ['Curtis G. Callan Jr', 'Juan M. Maldacena']);
    assert.equal(callan!.journal_ref, 'Nucl.Phys. B513 (1998) 198-212');
    assert.equal(callan!.doi, '10.1016/S0550-3213(97)00700-1');
    assert.equal(callan!.published_at, '1997-08-27T00:00:00.000Z');
    assert.equal(callan!.updated_at, '1997-09-10T00:00:00.000Z');
    const p = await getPaperRow(ctx.store.db, '2503.13354');
    assert.equal(p!.categories, 'cs.CV cs.NA eess.IV math.NA');
    assert.match(p!.abstract, /^In this work, we propose a parameter-free/);
    assert.equal(p!.comment, 'To be published in Conference Proceedings: Scale Space and Variational Method in Computer Vision, 2025');
    assert.equal(await getPaperRow(ctx.store.db, '2503.14002'), undefined, 'deleted records are not imported');
  });

  it('harvesting the same range again changes nothing', async () => {
    server.handle(oaiPages);
    const s = await run().done;
    assert.deepEqual([s.inserted, s.updated, s.unchanged, s.rejected], [0, 0, 10, 2]);
  });

  it('a run of 503s backs off, fails with a clear message and keeps its checkpoint; the next run resumes from it', async () => {
    server.requests.length = 0;
    server.handle((req, n) => (req.params.get('resumptionToken') === '6960524|1001' ? busy() : oaiPages(req, n)));
    const { done } = run({ maxAttempts: 3, backoffMs: 60 });
    await assert.rejects(done, (e) => {
      assert.ok(isAppError(e, 'UPSTREAM_UNAVAILABLE'), String(e));
      assert.match(e.message, /^arXiv OAI-PMH at http:\/\/127\.0\.0\.1:\d+\/oai is unavailable: 3 consecutive attempts failed \(last: HTTP 503\)/);
      assert.match(e.message, /the checkpoint is kept \(1 pages, 3 records\): run the same command again to resume at page 2$/);
      return true;
    });
    assert.equal(server.requests.length, 4, 'page 1, then three attempts at page 2');
    const gaps = server.requests.slice(2).map((r, i) => r.at - server.requests[i + 1]!.at);
    // Back-off doubles: 60 ms, then 120 ms.
    assert.ok(gaps[0]! >= 50 && gaps[1]! >= 110, `back-off grows: ${gaps.map(Math.round)}`);
    const cp = await loadCheckpoint<OaiCheckpoint>(ctx.store, key());
    assert.deepEqual(cp, { resumptionToken: '6960524|1001', from: '2025-03-18', until: null, set: 'cs', page: 1, harvested: 3, lastDatestamp: '2025-03-18' });

    server.requests.length = 0;
    server.handle(oaiPages);
    const { notes, done: again } = run();
    const s = await again;
    assert.deepEqual(Object.fromEntries(server.requests[0]!.params), { verb: 'ListRecords', resumptionToken: '6960524|1001' }, 'resumed, not restarted');
    assert.equal(server.requests.length, 2);
    assert.equal(s.read, 9, 'pages 2 and 3 only');
    assert.match(notes[0]!, /^resuming the harvest from its checkpoint: page 2, 3 records read before$/);
    assert.equal(await loadCheckpoint(ctx.store, key()), null);
  });

  it('a harvest killed after its first page resumes from the saved token', async () => {
    server.requests.length = 0;
    server.handle(oaiPages);
    // The process "dies" right after page 1 is stored and checkpointed.
    async function* killAfterFirstPage(items: AsyncIterable<SourceItem>) {
      for await (const item of items) {
        yield item;
        if (item.kind === 'checkpoint') throw new Error('killed');
      }
    }
    await assert.rejects(run({ items: killAfterFirstPage }).done, /killed/);
    assert.equal(server.requests.length, 1);
    assert.equal((await loadCheckpoint<OaiCheckpoint>(ctx.store, key()))?.resumptionToken, '6960524|1001');

    const s = await run().done;
    assert.deepEqual(server.requests.slice(1).map((r) => r.params.get('resumptionToken')), ['6960524|1001', '6960524|2002']);
    assert.equal(s.read, 9);
    assert.equal(await loadCheckpoint(ctx.store, key()), null);
  });

  it('an expired resumption token restarts from the last datestamp harvested', async () => {
    server.requests.length = 0;
    server.handle(oaiPages);
    const stale: OaiCheckpoint = { resumptionToken: 'expired|9999', from: '2025-03-18', until: null, set: 'cs', page: 5, harvested: 5000, lastDatestamp: '2025-03-19' };
    await saveCheckpoint(ctx.store, key(), stale);
    const { notes, done } = run();
    const s = await done;
    assert.deepEqual(server.requests.slice(0, 2).map((r) => Object.fromEntries(r.params)), [
      { verb: 'ListRecords', resumptionToken: 'expired|9999' },
      { verb: 'ListRecords', metadataPrefix: 'arXiv', from: '2025-03-19', set: 'cs' },
    ]);
    assert.ok(notes.some((l) => l.includes('the resumption token has expired') && l.includes('restarting from datestamp 2025-03-19')), notes.join('\n'));
    assert.equal(s.rejected, 2);
    assert.equal(await loadCheckpoint(ctx.store, key()), null);
  });

  it('OAI-PMH errors: noRecordsMatch is nothing to do; badArgument and cannotDisseminateFormat fail clearly', async () => {
    const reply = (file: string) => () => ({ body: fixtureOf(file) });
    server.handle(reply('error-no-records-match.xml'));
    const { notes, done } = run({ from: '2030-01-01' });
    const s = await done;
    assert.equal(s.read, 0);
    assert.ok(notes.includes('nothing to harvest: no records match these arguments'));

    server.handle(reply('error-bad-argument.xml'));
    await assert.rejects(run({ from: '2030-01-02' }).done, (e) => {
      assert.ok(isAppError(e, 'UPSTREAM_REJECTED'));
      assert.match(e.message, /^the OAI-PMH server rejected the arguments \(set=cs, from=2030-01-02, until=\(now\)\): The request includes illegal arguments/);
      return true;
    });
    server.handle(reply('error-cannot-disseminate-format.xml'));
    await assert.rejects(run({ from: '2030-01-03' }).done, /cannot provide metadataPrefix=arXiv \(is --url an arXiv OAI-PMH endpoint\?\)/);
  });

  it('a bad --from is a usage error before any request', async () => {
    server.requests.length = 0;
    await assert.rejects(run({ from: '2025-13-01' }).done, (e) => isAppError(e, 'USAGE') && /--from must be a day as YYYY-MM-DD/.test(e.message));
    assert.equal(server.requests.length, 0);
  });

  it('an empty page that repeats its own token fails instead of looping', async () => {
    server.handle((req, n) => {
      const r = oaiPages(req, n);
      if (!req.params.get('resumptionToken')) return r;
      const empty = r.body!.replace(/<record>[\s\S]*<\/record>/, '').replace(/>6960524\|\d+</, `>${req.params.get('resumptionToken')}<`);
      return { body: empty };
    });
    await assert.rejects(run({ from: '2025-03-16' }).done, /returned an empty page 2 with the same resumptionToken "6960524\|1001"/);
  });

  it('a truncated page is retried as a transport failure', async () => {
    server.requests.length = 0;
    let cut = true;
    server.handle((req, n) => {
      const r = oaiPages(req, n);
      if (cut && req.params.get('resumptionToken') === '6960524|2002') {
        cut = false;
        return { body: r.body!.slice(0, 900) };
      }
      return r;
    });
    const s = await run({ from: '2025-03-17' }).done;
    assert.equal(s.read, 12);
    assert.equal(server.requests.length, 4);
  });
});

function fixtureOf(name: string): string {
  return fixture(`arxiv-oai/${name}`);
}
