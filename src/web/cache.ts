/**
 * Cache headers for cacheable responses. ETags are added to every GET by @fastify/etag (server.ts);
 * this sets how long shared caches and browsers may reuse a response without asking.
 */
import type { FastifyReply } from 'fastify';

/**
 * Public caching for `seconds`, and serve stale while revalidating for as long again.
 * @example cacheFor(reply, 300) // feeds: readers poll every few minutes
 */
export function cacheFor(reply: FastifyReply, seconds: number): FastifyReply {
  return reply.header('cache-control', `public, max-age=${seconds}, stale-while-revalidate=${seconds}`);
}
