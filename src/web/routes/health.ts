import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';

export const healthRoutes: FastifyPluginAsync = async (server) => {
  server.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  server.get('/readyz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    let database = 'ok';
    try {
      await sql`select 1`.execute(server.app.store.db);
    } catch {
      database = 'unreachable';
    }
    // A node whose search index is still catching up (first start on a big catalog) is not ready:
    // a load balancer should keep sending traffic to the nodes that can answer searches.
    const index = server.app.search.caughtUp() ? 'ok' : 'catching up';
    const ready = database === 'ok' && index === 'ok';
    if (!ready) reply.status(503);
    return { status: ready ? 'ready' : 'not ready', database, index };
  });
};
