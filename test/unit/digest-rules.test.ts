import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.ts';
import { bounceKind, suspensionReason } from '../../src/digest/bounces.ts';
import { decideFailure, MAX_RETRY_MS, retryDelay } from '../../src/digest/send-outcome.ts';

const mailError = (responseCode: number | undefined, message: string) =>
  new AppError('MAIL_FAILED', message, { details: { responseCode, transient: responseCode === undefined || (responseCode >= 400 && responseCode < 500) } });
const o = { maxAttempts: 3, retryBaseMs: 1000, now: new Date('2026-12-01T08:00:00Z') };

describe('digest delivery rules', () => {
  it('tells hard bounces (bad address) from soft ones by the enhanced status code first', () => {
    assert.equal(bounceKind(550, '550 5.1.1 <x@example.org>: no such user'), 'hard');
    assert.equal(bounceKind(550, '550 5.7.1 message rejected as spam'), 'soft');
    assert.equal(bounceKind(552, '552 5.2.2 mailbox full'), 'soft');
    assert.equal(bounceKind(553, 'mailbox name not allowed'), 'hard');
    assert.equal(bounceKind(554, 'transaction failed'), 'soft');
  });

  it('retries transient failures with doubling back-off, then gives up (a soft bounce only with a reply)', () => {
    const first = decideFailure(mailError(451, '451 4.3.0 try later'), 1, o);
    assert.equal(first.action, 'retry');
    assert.equal(first.bounce, null);
    const wait = first.retryAt!.getTime() - o.now.getTime();
    assert.ok(wait >= 800 && wait <= 1200, `first retry after ~1 s (got ${wait})`);
    assert.equal(decideFailure(mailError(451, 'x'), 3, o).action, 'failed');
    assert.equal(decideFailure(mailError(451, 'x'), 3, o).bounce, 'soft');
    const timeout = decideFailure(mailError(undefined, 'Connection timeout'), 3, o);
    assert.deepEqual([timeout.action, timeout.bounce, timeout.unreachable], ['failed', null, true]);
  });

  it('fails 5xx at once and scores them; a local error is retried and never pauses sending', () => {
    const gone = decideFailure(mailError(550, '550 5.1.1 no such user'), 1, o);
    assert.deepEqual([gone.action, gone.bounce, gone.code], ['failed', 'hard', 550]);
    const bug = decideFailure(new Error('Unexpected token in JSON'), 1, o);
    assert.deepEqual([bug.action, bug.bounce, bug.unreachable], ['retry', null, false]);
  });

  it('caps the back-off at 6 hours with ±20 % jitter', () => {
    assert.equal(retryDelay(1, 60_000, () => 0.5), 60_000);
    assert.equal(retryDelay(4, 60_000, () => 0.5), 480_000);
    assert.equal(retryDelay(30, 60_000, () => 1), Math.round(MAX_RETRY_MS * 1.2));
    assert.equal(retryDelay(2, 1000, () => 0), 1600);
  });

  it('says why a subscription was suspended', () => {
    const r = suspensionReason('a@example.org', 4, { code: 550, error: '5.1.1 no such user', at: new Date('2026-12-01T08:00:00Z') });
    assert.match(r, /a@example\.org bounced repeatedly \(bounce score 4 of 4; last on 2026-12-01: 550 5\.1\.1 no such user\)/);
  });
});
