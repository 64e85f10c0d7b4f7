import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { createHttpClient, parseRetryAfter } from '../../src/ingest/http-client.ts';
import { assertPaced, busy, startFakeServer, type FakeServer } from '../helpers/arxiv-server.ts';

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates; garbage is null', () => {
    const now = Date.parse('2025-03-27T02:00:00Z');
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Thu, 27 Mar 2025 02:01:30 GMT', now), 90_000);
    assert.equal(parseRetryAfter('Thu, 27 Mar 2025 01:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });
});

describe('polite HTTP client', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer(() => ({ body: 'ok' }));
  });
  after(() => server.close());

  it('spaces request starts by the delay (real clock, checked at the server)', async () => {
    server.requests.length = 0;
    server.handle(() => ({ body: 'ok' }));
    const http = createHttpClient({ delayMs: 40 });
    for (let i = 0; i < 6; i++) assert.equal((await http.get(`${server.origin}/x?i=${i}`)).text, 'ok');
    assert.equal(server.requests.length, 6);
    assertPaced(server.requests, 40);
  });

  it('waits exactly what the delay still requires (injected clock)', async () => {
    server.handle(() => ({ body: 'ok' }));
    let t = 1000;
    const slept: number[] = [];
    const http = createHttpClient({
      delayMs: 40,
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    await http.get(`${server.origin}/a`);
    t += 15; // the caller spent 15 ms between requests
    await http.get(`${server.origin}/b`);
    await http.get(`${server.origin}/c`);
    t += 100;
    await http.get(`${server.origin}/d`);
    assert.deepEqual(slept, [25, 40]);
  });

  it('caps a long Retry-After (and an HTTP-date one) and says so', async () => {
    server.requests.length = 0;
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    server.handle((_r, n) => (n === 1 ? busy('3600') : n === 2 ? busy(later) : { body: 'ok' }));
    const waits: Array<[number, string]> = [];
    const http = createHttpClient({ delayMs: 5, maxWaitMs: 60, onWait: (ms, why) => waits.push([ms, why]) });
    assert.equal((await http.get(`${server.origin}/x`)).text, 'ok');
    assert.deepEqual(waits, [
      [60, 'HTTP 503, Retry-After 3600 (capped at 0.1 s)'],
      [60, `HTTP 503, Retry-After ${later} (capped at 0.1 s)`],
    ]);
  });

  it('returns a non-retryable 404 to the caller without retrying', async () => {
    server.requests.length = 0;
    server.handle(() => ({ status: 404, body: 'no such page' }));
    const res = await createHttpClient({ delayMs: 0 }).get(`${server.origin}/missing`);
    assert.equal(res.status, 404);
    assert.equal(server.requests.length, 1);
  });

  it('a refused connection is retried with back-off, then fails naming the service', async () => {
    const dead = await startFakeServer(() => ({ body: '' }));
    const origin = dead.origin;
    await dead.close();
    const waits: number[] = [];
    const http = createHttpClient({ delayMs: 0, backoffMs: 10, maxAttempts: 3, onWait: (ms) => waits.push(ms) });
    await assert.rejects(http.get(`${origin}/oai`, { label: 'arXiv OAI-PMH at test' }), (e) => {
      assert.ok(isAppError(e, 'UPSTREAM_UNAVAILABLE'));
      assert.match(e.message, /^arXiv OAI-PMH at test is unavailable: 3 consecutive attempts failed \(last: .*ECONNREFUSED/);
      return true;
    });
    assert.deepEqual(waits, [10, 20]);
  });
});
