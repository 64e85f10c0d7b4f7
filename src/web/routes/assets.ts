/**
 * Files browsers ask for at fixed paths: `/favicon.ico` (requested by every browser whatever the page
 * says). The rest of public/ is served under /static/.
 */
import fs from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';

const FAVICON = fs.readFileSync(new URL('../../../public/favicon.ico', import.meta.url));

export const assetRoutes: FastifyPluginAsync = async (server) => {
  server.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('image/x-icon').header('cache-control', 'public, max-age=604800').send(FAVICON),
  );
};
