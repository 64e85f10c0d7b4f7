import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';

export const healthRoutes: FastifyPluginAsync = async (server) => {
  server.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  server.get('/readyz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await sql`select 1`.execute(server.app.store.db);
      return { status: 'ready', database: 'ok' };
    } catch {
      reply.status(503);
      return { status: 'not ready', database: 'unreachable' };
    }
  });
};
