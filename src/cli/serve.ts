import type { AddressInfo } from 'node:net';
import { createApp } from '../app.ts';
import { loadDemoData } from '../ingest/demo.ts';
import { recordIngest } from '../metrics.ts';
import { DEFAULT_ARENA_MAX, tuneMalloc } from '../native-memory.ts';
import { scheduledJobs } from '../jobs/registry.ts';
import { createScheduler } from '../jobs/scheduler.ts';
import { startServer } from '../web/server.ts';
import { community } from '../community/index.ts';
import { startDigestDelivery } from '../digest/outbox.service.ts';
import { startInboundUnsubscribe } from '../digest/inbound-unsubscribe.ts';
import type { Command } from './command.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'serve the web site and API (and run scheduled jobs, once across all nodes)',
  usage: 'paperboy serve [--port N]',
  options: { port: { type: 'string' } },
  optionEnv: (values): Record<string, string> => (values.port ? { PORT: String(values.port) } : {}),
  async run({ out, config }) {
    // glibc's malloc arenas capped before createApp starts query and training threads, unless the environment
    // set MALLOC_ARENA_MAX (docs/operations.md, "Running in 1 GB").
    if (config.mallocArenaMax === undefined) tuneMalloc('arena_max', DEFAULT_ARENA_MAX);
    const app = await createApp(config);
    // An empty catalog gets the bundled demo papers once, before the first request can see it empty.
    const demo = await loadDemoData(app);
    // Counted in this process's /metrics (paperboy_ingest_records_total{source="demo"}).
    if (demo) recordIngest(app.metrics, demo);
    const scheduler = createScheduler({ store: app.store, log: app.log.child({ component: 'jobs' }), jobs: scheduledJobs(app), metrics: app.metrics });
    const server = await startServer(app);
    const port = (server.server.address() as AddressInfo | null)?.port ?? config.port;
    scheduler.start();
    // Keep this node's search index following the catalog (a paper ingested anywhere shows up here).
    app.search.start(config.indexPollMs);
    // The query threads start now, not on the first search: each compiles the search code first (seconds
    // on a busy machine), and until they are ready every search runs on the thread that serves HTTP.
    void app.search.pool?.ready();
    // Fold vote and comment counts into the catalog every COUNTS_FOLD_MS (src/community/count-folder.ts).
    community(app).counts.start();
    // Send digests from the outbox on this node (with SMTP_URL; docs/digests.md).
    const delivery = startDigestDelivery(app);
    // Read mail to the List-Unsubscribe mailto on this node (INBOUND_SMTP_PORT; docs/digests.md).
    const inbound = await startInboundUnsubscribe(app);
    out.info(`Paperboy is serving ${config.baseUrl} on port ${port} (database: ${app.store.engine} ${app.store.location}; node ${scheduler.owner})`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.log.info({ signal }, 'shutting down: finishing in-flight requests and jobs');
        // New connections are refused at once; requests and job runs already started complete.
        await Promise.all([server.close(), scheduler.stop(), delivery.stop(), inbound?.close()]);
        await app.close();
        app.log.info('shut down cleanly');
        resolve();
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
  },
};
