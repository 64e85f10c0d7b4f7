/**
 * Liveness and readiness: /healthz answers while the process serves HTTP (whatever the database
 * does); /readyz says whether a balancer should send this node traffic (src/ops/health.service.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { readiness } from '../../ops/health.service.ts';

export const healthRoutes: FastifyPluginAsync = async (server) => {
  server.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  server.get('/readyz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    const r = await readiness(server.app);
    if (!r.ready) reply.status(503).header('retry-after', '5');
    return { status: r.ready ? 'ready' : 'not ready', database: r.database, index: r.index, storage: r.storage };
  });
};
