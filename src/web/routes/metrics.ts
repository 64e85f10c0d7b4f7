/**
 * `/metrics` in Prometheus text format: this process's registry (request latency, ingest counts,
 * gauges other parts register) plus catalog gauges read from the shared database at scrape time.
 */
import type { FastifyPluginAsync } from 'fastify';
import { catalogStats } from '../../catalog/papers.repo.ts';

export const metricsRoutes: FastifyPluginAsync = async (server) => {
  const { metrics, store } = server.app;
  // Registered per server; a second server on the same App (tests) must not register twice.
  if (!metrics.registry.getSingleMetric('paperboy_catalog_seq')) {
    let cached: { at: number; value: Awaited<ReturnType<typeof catalogStats>> } | undefined;
    // One query serves both gauges of a scrape.
    const stats = async () => {
      if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), value: await catalogStats(store.db) };
      return cached.value;
    };
    metrics.gauge('paperboy_catalog_seq', 'Latest change sequence of the catalog (derived state follows it)', async () => (await stats()).maxSeq);
    const app = server.app;
    metrics.gauge('paperboy_search_index_lag', 'Change sequences the search index of this node is behind the catalog', async () => (await app.search.status()).lag);
    // Papers whose vector the follower has still to compute: a fresh node embeds the whole catalog in
    // the background, which costs CPU (the HTTP bench waits for 0 before measuring).
    metrics.gauge('paperboy_search_vectors_pending', 'Papers of this node still waiting for their search vector', async () => (await app.search.status()).vectorsPending);
    metrics.gauge('paperboy_search_index_papers', 'Papers in the search index of this node', async () => (await app.search.status()).indexed);
    metrics.labelledGauge('paperboy_catalog_papers', 'Papers in the catalog by source that last changed them', 'source', async () => (await stats()).bySource);
  }

  server.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: { type: 'string' } } } } } } }, async (_req, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
};
