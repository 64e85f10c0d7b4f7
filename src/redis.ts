/**
 * The optional Redis connection (REDIS_URL): counters that several app nodes must share (rate limits
 * today). Redis is a helper, never a dependency of an answer: commands fail at once while it is away
 * (no offline queue), callers carry on without it, and its state changes are logged once each.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from './store/db.ts';

/** How long to wait for Redis before giving up on one connection attempt or one command. */
const CONNECT_TIMEOUT_MS = 2000;
const COMMAND_TIMEOUT_MS = 1000;

/**
 * Connect to Redis in the background (the process starts whether or not it answers).
 * @example const redis = createRedis('redis://127.0.0.1:6379', log); … await redis.quit()
 */
export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Reconnect forever, backing off to one attempt every 5 s.
    retryStrategy: (times) => Math.min(5000, 100 * 2 ** Math.min(times, 6)),
  });
  const where = redactUrl(url);
  let up: boolean | undefined;
  redis.on('ready', () => {
    if (up !== true) log.info({ redis: where }, 'redis connected');
    up = true;
  });
  redis.on('error', (err: Error) => {
    if (up !== false) log.warn({ redis: where, error: err.message }, 'redis unavailable; going on without it until it is back');
    up = false;
  });
  return redis;
}
