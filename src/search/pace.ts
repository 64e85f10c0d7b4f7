/**
 * Background work in steps that never hold the event loop for long: each step's size adapts to take
 * about STEP_MS (it grows when steps are quick and shrinks when they are slow, so a machine under load
 * takes smaller steps), and the loop yields between steps, letting requests in.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Target time of one step. Requests wait at most about this long behind background work. */
export const STEP_MS = 20;

export interface Pacer {
  /** Items to take in the next step. */
  readonly size: number;
  /** The last step of `n` items took `ms`: size the next one. */
  took(n: number, ms: number): void;
}

/** @example const p = createPacer({ initial: 100 }); … p.took(100, 35) // next size ≈ 57 */
export function createPacer(o: { initial: number; min?: number; max?: number; targetMs?: number }): Pacer {
  const min = o.min ?? 1;
  const max = o.max ?? 10_000;
  const target = o.targetMs ?? STEP_MS;
  let size = o.initial;
  return {
    get size() {
      return size;
    },
    took(n, ms) {
      if (n < size) return; // a short last step says nothing about the rate
      const next = ms > 0 ? (n * target) / ms : size * 2;
      // At most double per step: one fast step (a cache hit) must not make the next one huge.
      size = Math.max(min, Math.min(max, Math.round(Math.min(next, size * 2))));
    },
  };
}

/** Run `fn` over `items` in paced steps, yielding between them. */
export async function inSteps<T>(items: T[], pacer: Pacer, fn: (step: T[]) => void | Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; ) {
    const step = items.slice(i, i + pacer.size);
    const t0 = performance.now();
    await fn(step);
    pacer.took(step.length, performance.now() - t0);
    i += step.length;
    await yieldToEventLoop();
  }
}

export { yieldToEventLoop };
