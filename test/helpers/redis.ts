/**
 * The shared Redis at 127.0.0.1:6379 (TEST_REDIS_URL): each test takes its own key prefix and deletes
 * its keys afterwards. Redis missing skips with a reason, except under CI=true, where it fails.
 */
import { Redis } from 'ioredis';
import { IN_CI } from './stores.ts';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let check: Promise<string | null> | undefined;

/** Null when Redis answers PING; else why not. Under CI a missing Redis throws. */
export function redisSkipReason(): Promise<string | null> {
  check ??= (async () => {
    const r = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      await r.ping();
      return null;
    } catch (e) {
      const why = `Redis not reachable at ${REDIS_URL}: ${(e as Error).message}`;
      if (IN_CI) throw new Error(`CI=true and ${why}`, { cause: e });
      console.log(`# skipping Redis test: ${why}`);
      return why;
    } finally {
      r.disconnect();
    }
  })();
  return check;
}

/** A key prefix no other test uses, and a function that deletes every key under it. */
export function redisPrefix(): { prefix: string; cleanup: () => Promise<void> } {
  const prefix = `paperboy-test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
  return {
    prefix,
    cleanup: async () => {
      const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length) await r.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        r.disconnect();
      }
    },
  };
}
