import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, parseWeekdays } from '../../src/config.ts';
import { createDueMemo, dueAt, isoWeekOf, isTimeZone, localTime, zonedInstant } from '../../src/digest/subscriptions-schedule.ts';

describe('digest schedule', () => {
  it('accepts IANA zone names only', () => {
    for (const z of ['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) assert.ok(isTimeZone(z), z);
    for (const z of ['', 'Mars/Olympus', '+02:00', 'GMT+2', 'Etc/GMT-3', 'CEST', 'Europe/../etc', 'x'.repeat(80)]) assert.ok(!isTimeZone(z), z);
  });

  it('finds the UTC instant of a local hour across daylight-saving changes', () => {
    assert.equal(zonedInstant('2026-07-01', 8, 'America/New_York').toISOString(), '2026-07-01T12:00:00.000Z');
    assert.equal(zonedInstant('2026-01-15', 8, 'America/New_York').toISOString(), '2026-01-15T13:00:00.000Z');
    // 02:00 does not exist on 2026-03-08 in New York (clocks jump to 03:00 EDT): the first instant after it.
    assert.equal(zonedInstant('2026-03-08', 2, 'America/New_York').toISOString(), '2026-03-08T07:00:00.000Z');
    assert.equal(zonedInstant('2026-08-21', 0, 'Asia/Kolkata').toISOString(), '2026-08-20T18:30:00.000Z');
    assert.deepEqual(localTime(new Date('2026-08-20T18:30:00Z'), 'Asia/Kolkata'), { date: '2026-08-21', hour: 0, weekday: 5 });
  });

  it('numbers ISO weeks across year ends', () => {
    assert.equal(isoWeekOf('2026-08-19'), '2026-W34');
    assert.equal(isoWeekOf('2026-12-31'), '2026-W53');
    assert.equal(isoWeekOf('2027-01-03'), '2026-W53');
    assert.equal(isoWeekOf('2027-01-04'), '2027-W01');
    assert.equal(isoWeekOf('2024-12-30'), '2025-W01');
  });

  it('memoized and plain due checks agree', () => {
    const memo = createDueMemo();
    const at = new Date('2026-08-24T13:00:00Z');
    for (const timeZone of ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Kiritimati']) {
      for (let sendHour = 0; sendHour < 24; sendHour += 5) {
        const s = { frequency: 'daily' as const, sendHour, timeZone, weeklyDay: 1 as const };
        assert.deepEqual(dueAt(s, 'daily', at, [1, 2, 3, 4, 5], memo), dueAt(s, 'daily', at, [1, 2, 3, 4, 5]), `${timeZone} ${sendHour}`);
      }
    }
  });

  it('parses the digest days setting', () => {
    assert.deepEqual(parseWeekdays('mon-fri'), [1, 2, 3, 4, 5]);
    assert.deepEqual(parseWeekdays('sun, mon,wed'), [1, 3, 7]);
    assert.deepEqual(parseWeekdays('all'), [1, 2, 3, 4, 5, 6, 7]);
    assert.match(String(parseWeekdays('fri-mon')), /is not a day or range/);
    assert.match(String(parseWeekdays('funday')), /is not a day or range/);
    assert.throws(() => loadConfig({ DIGEST_DAILY_DAYS: 'funday' }), /DIGEST_DAILY_DAYS is invalid: "funday" is not a day/);
    assert.throws(() => loadConfig({ LINK_SECRET: 'short-secret' }), (e: Error) => /LINK_SECRET is invalid: must be at least 32/.test(e.message) && !e.message.includes('short-secret'));
    const c = loadConfig({ MAIL_FROM: 'Papers <news@papers.example.org>' });
    assert.equal(c.digestUnsubscribeMailbox, 'unsubscribe@papers.example.org');
    assert.deepEqual(c.digestDailyDays, [1, 2, 3, 4, 5]);
  });
});
