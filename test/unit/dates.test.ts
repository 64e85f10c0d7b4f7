import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoWeekKey, parseDay, parsePeriod, periodOf, shiftPeriod, toDay, toTimestamp } from '../../src/catalog/dates.ts';
import { isAppError } from '../../src/errors.ts';

describe('periods', () => {
  it('parses days, ISO weeks and months', () => {
    assert.deepEqual(parsePeriod('day', '2026-08-21'), { kind: 'day', key: '2026-08-21', from: '2026-08-21', to: '2026-08-21' });
    assert.deepEqual(parsePeriod('week', '2026-W34'), { kind: 'week', key: '2026-W34', from: '2026-08-17', to: '2026-08-23' });
    // 2021-W01 starts on 2021-01-04; 2020 had 53 ISO weeks.
    assert.equal(parsePeriod('week', '2021-W01').from, '2021-01-04');
    assert.equal(parsePeriod('week', '2020-W53').to, '2021-01-03');
    assert.deepEqual(parsePeriod('month', '2024-02'), { kind: 'month', key: '2024-02', from: '2024-02-01', to: '2024-02-29' });
  });

  for (const [kind, value] of [
    ['day', 'not-a-date'], ['day', '2026-02-30'], ['day', '2026-13-01'], ['day', '26-01-01'], ['day', ''],
    ['week', '2026-W00'], ['week', '2026-W54'], ['week', '2021-W53'], ['week', '2026-34'],
    ['month', '2026-13'], ['month', '2026-1'], ['month', 'august'],
  ] as const) {
    it(`rejects ${kind} ${JSON.stringify(value)} with a message naming the form`, () => {
      assert.throws(() => parsePeriod(kind, value), (e) => isAppError(e, 'INVALID_DATE') && /YYYY/.test(e.message));
    });
  }

  it('finds the period of a day and its neighbours', () => {
    assert.equal(isoWeekKey(parseDay('2027-01-01')!), '2026-W53');
    assert.equal(periodOf('week', '2026-08-21').key, '2026-W34');
    assert.equal(shiftPeriod(parsePeriod('week', '2026-W01'), -1).key, '2025-W52');
    assert.equal(shiftPeriod(parsePeriod('month', '2026-12'), 1).key, '2027-01');
    assert.equal(shiftPeriod(parsePeriod('day', '2024-02-28'), 1).key, '2024-02-29');
  });

  it('normalizes source timestamps', () => {
    assert.equal(toDay('2026-08-20T00:00:00.000Z'), '2026-08-20');
    assert.equal(toDay('Mon, 02 Jan 2006 15:04:05 GMT'), '2006-01-02');
    assert.equal(toDay('garbage'), null);
    assert.equal(toTimestamp('2025-03-18'), '2025-03-18T00:00:00.000Z');
    assert.equal(toTimestamp(null), null);
  });
});
