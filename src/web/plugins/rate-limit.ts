/**
 * Named rate limits (@fastify/rate-limit) whose sizes come from configuration (RATE_LIMITS over
 * RATE_LIMIT_DEFAULTS in src/config.ts). Every route whose path says what it is gets its limit without
 * asking: search pages and search APIs `search`, feeds `feeds`, any other `/api/` route `api`. Routes of
 * one name share one count per client, so a client cannot triple its budget by switching between
 * `/search`, `/api/search` and `/api/papers/search`.
 *
 * A route opts in (or picks another limit, or another client key) in its options:
 *
 *   server.post('/api/votes', { config: { limit: 'vote' } }, handler)                 // per IP
 *   server.post('/api/votes', { config: { limit: { name: 'vote', key: (req) => req.user?.id ?? req.ip,
 *     hook: 'preHandler' } } }, handler)                                               // per account
 *   server.post('/submit', { config: { limit: [perAccount, 'submit-ip'] } }, handler)   // both counts
 *   server.get('/healthz', { config: { limit: false } }, handler)                      // never limited
 *
 * `key` picks whose count a request adds to (the client's IP by default, IPv6 grouped by /64);
 * `hook: 'preHandler'` runs the limit after the body and session are read, for keys that need them.
 * A new name is one entry in RATE_LIMIT_DEFAULTS. Over the limit, the answer is 429 RATE_LIMITED in the
 * error catalogue's shape with `Retry-After` and the `RateLimit-Limit/-Remaining/-Reset` and
 * `RateLimit-Policy` headers (IETF draft); every answer under a limit carries the RateLimit headers.
 *
 * Counts live in this process, or in Redis when REDIS_URL is set, so that several app nodes share them
 * (one atomic INCR + PEXPIRE per request). While Redis is unreachable requests are let through: a lost
 * helper must not take the site down.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config, RateLimitName } from '../../config.ts';
import { AppError } from '../../errors.ts';

/** One named limit: its name, or the name with a client key (and hook). */
export type NamedLimit = RateLimitName | { name: RateLimitName; key?: (req: FastifyRequest) => string | Promise<string>; hook?: 'onRequest' | 'preHandler' };

/**
 * How a route is limited: one named limit, several (each counts the request; the first one over answers), or
 * false for never.
 */
export type RouteLimit = NamedLimit | readonly [NamedLimit, ...NamedLimit[]] | false;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's named rate limit (src/web/plugins/rate-limit.ts). */
    limit?: RouteLimit;
  }
}

/** The limit a route gets from its path when it names none. */
export function defaultLimit(url: string): RateLimitName | null {
  if (url === '/search' || url === '/api/search' || url === '/api/papers/search' || url.startsWith('/feeds/search')) return 'search';
  if (url.startsWith('/feeds/')) return 'feeds';
  if (url.startsWith('/api/')) return 'api';
  return null;
}

interface Hit {
  current: number;
  ttl: number;
}
type Callback = (err: Error | null, res?: Hit) => void;

/**
 * Fixed-window counts by key in this process. Bounded: past `maxKeys` clients the oldest window is
 * dropped (an address flood cannot grow memory).
 */
class LocalCounts {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly maxKeys = 20_000) {}
  incr(key: string, cb: Callback, windowMs: number): void {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      this.windows.delete(key);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
      while (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    }
    w.count += 1;
    cb(null, { current: w.count, ttl: w.resetAt - now });
  }
  child(): this {
    return this;
  }
}

/** The same window in Redis: one script, so the count and its expiry are set atomically. */
const INCR_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;

class RedisCounts {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  incr(key: string, cb: Callback, windowMs: number): void {
    this.redis.eval(INCR_SCRIPT, 1, `${this.prefix}${key}`, windowMs).then(
      (r) => {
        const [current, ttl] = r as [number, number];
        cb(null, { current, ttl });
      },
      (e: Error) => cb(e),
    );
  }
  child(): this {
    return this;
  }
}

/** The default client key: the address, IPv6 grouped by /64. */
const byAddress = (req: FastifyRequest): string => normalizeIP(req.ip);

/** The 429's message, the same for a route's first limit (the plugin's) and its extra ones. */
function limitedText(name: string, limit: { max: number; windowMs: number }, after: string): string {
  return `Too many requests: this site allows ${limit.max} ${name} requests per ${windowText(limit.windowMs)} from one client. Try again in ${after}.`;
}

/** A window for people: "minute", "15 minutes", "30 seconds". */
function windowText(ms: number): string {
  const [n, unit] = ms % 3_600_000 === 0 ? [ms / 3_600_000, 'hour'] : ms % 60_000 === 0 ? [ms / 60_000, 'minute'] : [Math.round(ms / 1000), 'second'];
  return n === 1 ? unit : `${n} ${unit}s`;
}

/**
 * Register the limiter. Call before the routes (its onRoute hook gives each route its limit).
 * @example await registerRateLimits(server, app.config, app.redis)
 */
export async function registerRateLimits(server: FastifyInstance, config: Pick<Config, 'rateLimits' | 'redisPrefix'>, redis: Redis | null): Promise<void> {
  const counts = redis ? new RedisCounts(redis, `${config.redisPrefix}ratelimit:`) : new LocalCounts();
  // Registered before the plugin's own onRoute hook, so the plugin sees the `rateLimit` set here.
  server.addHook('onRoute', (route: RouteOptions) => {
    const given = route.config?.limit;
    const all = given === undefined ? defaultLimit(route.url) : given;
    if (!all) return;
    const [wanted, ...more] = Array.isArray(all) ? (all as readonly NamedLimit[]) : [all as NamedLimit];
    for (const extra of more) addExtraLimit(route, extra);
    const resolved = resolveLimit(route, wanted!);
    if (!resolved) return;
    const { spec, limit, key } = resolved;
    const policy = `${limit.max};w=${Math.round(limit.windowMs / 1000)}`;
    // A callback hook (no I/O): every limited request ran it, and an async one costs a promise each time.
    const policyHook = (_req: FastifyRequest, reply: { header(k: string, v: string): unknown }, done: () => void) => {
      reply.header('ratelimit-policy', policy);
      done();
    };
    const hook = spec.hook ?? 'onRequest';
    const existing = route[hook];
    route[hook] = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), policyHook] as never;
    route.config = {
      ...route.config,
      rateLimit: {
        max: limit.max,
        timeWindow: limit.windowMs,
        hook,
        keyGenerator: async (req: FastifyRequest) => `${spec.name}:${await key(req)}`,
        errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string }) =>
          new AppError('RATE_LIMITED', limitedText(spec.name, limit, String(ctx.after)), {
            details: { limit: spec.name },
          }),
      },
    } as never;
  });
  /**
   * A route's second (third…) limit: the same fixed window in the same counts, checked in its own hook, so
   * one request adds to each of its limits (per account and per address for submissions).
   */
  /** A named limit's settings and client key; null when RATE_LIMITS switches it off. */
  function resolveLimit(route: RouteOptions, named: NamedLimit) {
    const spec = typeof named === 'string' ? { name: named } : named;
    if (!(spec.name in config.rateLimits)) throw new AppError('CONFIG_INVALID', `route ${route.url} names an unknown rate limit "${spec.name}"`);
    const limit = config.rateLimits[spec.name];
    return limit ? { spec, limit, key: spec.key ?? byAddress } : null;
  }

  function addExtraLimit(route: RouteOptions, extra: NamedLimit): void {
    const resolved = resolveLimit(route, extra);
    if (!resolved) return;
    const { spec, limit, key } = resolved;
    const check = async (req: FastifyRequest, reply: { header(k: string, v: string): unknown }) => {
      const k = `${spec.name}:${await key(req)}`;
      const hit = await new Promise<Hit | null>((resolve) => counts.incr(k, (err, res) => resolve(err ? null : res!), limit.windowMs));
      if (!hit || hit.current <= limit.max) return; // under the limit, or the counts unreachable (let through)
      const after = Math.max(1, Math.ceil(hit.ttl / 1000));
      reply.header('retry-after', String(after));
      throw new AppError('RATE_LIMITED', limitedText(spec.name, limit, `${after} seconds`), {
        details: { limit: spec.name },
      });
    };
    const hook = spec.hook ?? 'onRequest';
    const existing = route[hook];
    route[hook] = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), check] as never;
  }

  await server.register(rateLimit, {
    global: false,
    enableDraftSpec: true,
    skipOnError: true,
    store: class {
      constructor() {
        return counts;
      }
    } as never,
  });
}
