import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics } from '../../src/metrics.ts';

/** The value of `paperboy_event_loop_delay_seconds{quantile=q}` in an exposition text. */
function delay(body: string, q: string): number {
  const m = body.match(new RegExp(`^paperboy_event_loop_delay_seconds\\{quantile="${q.replace('.', '\\.')}"\\} (\\S+)$`, 'm'));
  assert.ok(m, `no event-loop delay for quantile ${q} in:\n${body.split('\n').filter((l) => l.includes('event_loop')).join('\n')}`);
  return Number(m[1]);
}

/** Resolve once the monitor has taken `n` more samples (it samples every 10 ms), with a deadline. */
async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 12));
}

describe('event-loop delay in /metrics', () => {
  it('reports a stall as the window maximum, then starts a new window', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    await ticks(3);
    // Hold the loop for 300 ms, as an unyielding index build would.
    const until = performance.now() + 300;
    while (performance.now() < until);
    await ticks(3);
    const first = (await metrics.render()).body;
    const worst = delay(first, '1');
    assert.ok(worst >= 0.25 && worst < 30, `the 300 ms stall shows as the maximum (got ${worst} s)`);
    assert.ok(delay(first, '0.5') <= worst && delay(first, '0.99') <= worst);
    assert.match(first, /# TYPE paperboy_event_loop_delay_seconds gauge/);
    // The next scrape covers only what happened since: the stall is not reported twice.
    await ticks(2);
    const second = delay((await metrics.render()).body, '1');
    assert.ok(second < worst, `a new window after each scrape (first ${worst} s, then ${second} s)`);
  });
});
