import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { parseJobSchedule } from '../../src/config.ts';
import { periodKey } from '../../src/jobs/scheduler.ts';
import { decodeCursor, encodeCursor } from '../../src/web/pagination.ts';
import { FEEDS, feedLinks } from '../../src/web/views/feed-links.ts';

describe('cursors', () => {
  const check = (v: Record<string, unknown>) => (typeof v.o === 'number' ? { o: v.o } : null);

  it('round-trip as URL-safe text', () => {
    const c = encodeCursor({ o: 40, d: 'ä/+?' });
    assert.match(c, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(c, (v) => v), { o: 40, d: 'ä/+?' });
  });

  it('reject garbage and foreign cursors with BAD_REQUEST', () => {
    for (const bad of ['', '***', 'bm90IGpzb24', encodeCursor({ x: 1 }), Buffer.from('[1]').toString('base64url'), 'a'.repeat(600)]) {
      assert.throws(() => decodeCursor(bad, check), (e) => isAppError(e, 'BAD_REQUEST'), bad);
    }
  });
});

describe('feedLinks', () => {
  it('renders RSS and Atom alternates with escaped titles and query strings', () => {
    const out = feedLinks(FEEDS.daily, FEEDS.search('a&b "c"')).value;
    assert.ok(out.includes('<link rel="alternate" type="application/rss+xml" title="Daily papers (RSS)" href="/feeds/daily.rss">'));
    assert.ok(out.includes('<link rel="alternate" type="application/atom+xml" title="Daily papers (Atom)" href="/feeds/daily.atom">'));
    assert.ok(out.includes('title="Search: a&amp;b &quot;c&quot; (RSS)" href="/feeds/search.rss?q=a%26b%20%22c%22"'));
    assert.equal(FEEDS.category('cs.CL').path, '/feeds/category/cs.CL');
  });
});

describe('job schedules', () => {
  it('parses durations and off, and rejects zero', () => {
    assert.deepEqual([...(parseJobSchedule('prune-job-runs=500ms,db-optimize=off') as Map<string, number>)], [['prune-job-runs', 500], ['db-optimize', 0]]);
    for (const [spec, ms] of [['2s', 2000], ['3m', 180_000], ['1h', 3_600_000], ['1d', 86_400_000]] as const) {
      assert.deepEqual([...(parseJobSchedule(`db-optimize=${spec}`) as Map<string, number>)], [['db-optimize', ms]]);
    }
    for (const bad of ['db-optimize=0s', 'db-optimize=5', 'db-optimize=1w', 'nope=1d', 'db-optimize', 'db-optimize=1d=2']) {
      assert.equal(typeof parseJobSchedule(bad), 'string', bad);
    }
  });

  it('keys a period by its start', () => {
    assert.equal(periodKey(86_400_000, Date.parse('2026-08-21T13:45:00Z')), '2026-08-21T00:00:00.000Z');
    assert.equal(periodKey(1000, Date.parse('2026-08-21T13:45:07.999Z')), '2026-08-21T13:45:07.000Z');
  });
});
