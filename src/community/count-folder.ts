/**
 * The count folder every node runs: every COUNTS_FOLD_MS it folds changed vote and comment counts
 * into the catalog rows (counts.repo.ts). Why not fold inside each vote: the fold takes the catalog's
 * change-sequence lock and bumps the sequence, which serializes writers and invalidates every page
 * cached by sequence (web/seq-cache.ts). Folded once a second, a thousand votes a second cost one
 * sequence bump per changed paper per second, and lists lag the exact count by at most the period.
 * Any number of nodes may fold; the sequence lock makes their folds take turns, and a fold finding
 * nothing dirty takes no lock at all.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import { foldCounts } from './counts.repo.ts';

export interface CountFolder {
  start(): void;
  /** Fold now; resolves with the number of papers whose counts reached the catalog. */
  foldOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function createCountFolder(o: { store: Store; log: Logger; everyMs: number }): CountFolder {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  const foldOnce = (): Promise<number> => {
    // One fold at a time per node; a caller arriving during a fold waits for the next one so it sees
    // every vote committed before it called.
    const prev = running ?? Promise.resolve(0);
    const next = prev.catch(() => 0).then(() => foldCounts(o.store));
    running = next;
    void next.finally(() => {
      if (running === next) running = undefined;
    }).catch(() => {});
    return next;
  };
  const tick = async () => {
    try {
      const n = await foldOnce();
      if (n) o.log.debug({ papers: n }, 'folded community counts into the catalog');
    } catch (e) {
      o.log.warn({ err: e }, 'folding community counts failed; will retry');
    }
    if (!stopped) {
      timer = setTimeout(tick, o.everyMs);
      timer.unref();
    }
  };
  return {
    start() {
      if (timer || stopped) return;
      timer = setTimeout(tick, o.everyMs);
      timer.unref();
    },
    foldOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
