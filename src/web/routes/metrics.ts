/**
 * `/metrics` in Prometheus text format: this process's registry (request latency, ingest counts,
 * gauges other parts register) plus catalog gauges read from the shared database at scrape time.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CatalogStats } from '../../catalog/catalog.service.ts';
import { databaseUp } from '../../ops/health.service.ts';

export const metricsRoutes: FastifyPluginAsync = async (server) => {
  const { metrics, catalog } = server.app;
  // Registered per server; a second server on the same App (tests) must not register twice.
  if (!metrics.registry.getSingleMetric('paperboy_catalog_seq')) {
    let cached: { at: number; value: CatalogStats } | undefined;
    // One query serves both gauges of a scrape.
    const stats = async () => {
      if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), value: await catalog.stats() };
      return cached.value;
    };
    metrics.gauge('paperboy_catalog_seq', 'Latest change sequence of the catalog (derived state follows it)', async () => (await stats()).maxSeq);
    const app = server.app;
    let indexCached: { at: number; value: ReturnType<typeof app.search.status> } | undefined;
    const index = () => {
      if (!indexCached || Date.now() - indexCached.at > 1000) indexCached = { at: Date.now(), value: app.search.status() };
      return indexCached.value;
    };
    metrics.gauge('paperboy_search_index_lag', 'Change sequences the search index of this node is behind the catalog', async () => (await index()).lag);
    metrics.gauge('paperboy_search_index_papers', 'Papers in the search index of this node', async () => (await index()).indexed);
    metrics.gauge('paperboy_search_vectors', 'Papers with a vector in the search index of this node', async () => (await index()).vectors);
    metrics.gauge('paperboy_search_vectors_pending', 'Papers of this node waiting to be embedded (new, changed, or a change of embedder)', async () => (await index()).vectorsPending);
    // Query threads (docs/operations.md, "Query threads"): 0 ready with SEARCH_THREADS ≥ 2 means queries run on the main thread.
    metrics.gauge('paperboy_search_threads_ready', 'Search query threads ready on this node (0 when queries run on the main thread)', () => app.search.pool?.stats().ready ?? 0);
    metrics.gauge('paperboy_search_threads_replaced', 'Search query threads that stopped and were started again since this node started', () => app.search.pool?.stats().replaced ?? 0);
    // The vector thread (docs/operations.md, "The vector thread"): replaced counts threads that died and were started again.
    metrics.gauge('paperboy_vector_thread_replaced', 'Vector threads that stopped and were started again since this node started', () => app.search.vectorThread?.stats().replaced ?? 0);
    metrics.gauge('paperboy_database_up', 'Whether the database answered a probe during this scrape (1) or not (0)', () => databaseUp(app));
    metrics.labelledGauge('paperboy_catalog_papers', 'Papers in the catalog by source that last changed them', 'source', async () => (await stats()).bySource);
  }

  server.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: { type: 'string' } } } } } } }, async (_req, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
};
