import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics } from '../../src/metrics.ts';

/** The value of `paperboy_event_loop_delay_seconds{quantile=q}` in an exposition text. */
function delay(body: string, q: string): number {
  const m = body.match(new RegExp(`^paperboy_event_loop_delay_seconds\\{quantile="${q.replace('.', '\\.')}"\\} (\\S+)$`, 'm'));
  assert.ok(m, `no event-loop delay for quantile ${q} in:\n${body.split('\n').filter((l) => l.includes('event_loop')).join('\n')}`);
  return Number(m[1]);
}

/**
 * Resolve after the event loop's next timers phase. The monitor is a repeating libuv timer (every 10 ms)
 * that records how late it fired; after a stall it is overdue, and libuv runs due timers in the order they
 * fell due, so by the time a timer set after the stall fires, the monitor has recorded the stall. An order
 * of events, not a length of time: it holds however slow the machine is.
 */
const nextTimerTurn = () => new Promise((r) => setTimeout(r, 1));

describe('event-loop delay in /metrics', () => {
  it('reports a stall as the window maximum, then starts a new window', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    await nextTimerTurn();
    // Hold the loop for 300 ms, as an unyielding index build would.
    const until = performance.now() + 300;
    while (performance.now() < until);
    await nextTimerTurn();
    const first = (await metrics.render()).body;
    const worst = delay(first, '1');
    assert.ok(worst >= 0.25 && worst < 30, `the 300 ms stall shows as the maximum (got ${worst} s)`);
    assert.ok(delay(first, '0.5') <= worst && delay(first, '0.99') <= worst);
    assert.match(first, /# TYPE paperboy_event_loop_delay_seconds gauge/);
    // The next scrape covers only what happened since: the stall is not reported twice.
    await nextTimerTurn();
    const second = delay((await metrics.render()).body, '1');
    assert.ok(second < worst, `a new window after each scrape (first ${worst} s, then ${second} s)`);
  });
});
