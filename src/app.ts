/**
 * The composition root shared by the server, the CLI and the tests: explicit wiring, no globals.
 */
import type { Logger } from 'pino';
import { createLogger } from './log.ts';
import type { Config } from './config.ts';
import { migrate, openStore, type Store } from './store/db.ts';
import { prepareDataDir, watchStorage, type StorageWatch } from './store/data-dir.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import path from 'node:path';
import { createCatalogService, type CatalogService } from './catalog/catalog.service.ts';
import { catalogChangeFeed } from './catalog/search-feed.ts';
import { createEmbedderProvider, createSearchService, type SearchService } from './search/index.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { createRedis } from './redis.ts';
import type { Redis } from 'ioredis';

export interface App {
  config: Config;
  store: Store;
  log: Logger;
  /** This process's Prometheus registry (src/metrics.ts). */
  metrics: Metrics;
  /** The catalog as routes and commands use it (papers, lists, trending, search results, exports). */
  catalog: CatalogService;
  /** This node's search index and its follower (opened on first use, under DATA_DIR/index). */
  readonly search: SearchService;
  /** Outgoing mail over SMTP_URL (or to the log when unset). */
  mailer: Mailer;
  /** Whether DATA_DIR and the SQLite file are still the ones this process opened (null) or why not. */
  storage: StorageWatch;
  /** The shared Redis (REDIS_URL) for counters several nodes share, or null (counts stay per node). */
  redis: Redis | null;
  /** Stop background work and close connections, in reverse order of start. */
  close(): Promise<void>;
  /** Register something to stop on close (closed last-in, first-out). */
  onClose(fn: () => Promise<void> | void): void;
}

export interface CreateAppOptions {
  /** Skip migrations (the `migrate` command runs them itself). */
  migrate?: boolean;
  log?: Logger;
}

export async function createApp(config: Config, opts: CreateAppOptions = {}): Promise<App> {
  // Before anything else: a data folder that cannot be used stops the command with one line.
  prepareDataDir(config.dataDir, config.dataDirIsDefault);
  const log = opts.log ?? createLogger(config);
  const store = openStore(config.databaseUrl, {
    connectTimeoutMs: config.dbConnectTimeoutMs,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    busyTimeoutMs: config.dbBusyTimeoutMs,
    log: log.child({ component: 'store' }),
  });
  const closers: Array<() => Promise<void> | void> = [() => store.close()];
  const storage = watchStorage({ dataDir: config.dataDir, sqliteFile: store.engine === 'sqlite' ? store.location : undefined, log: log.child({ component: 'store' }) });
  closers.push(() => storage.stop());
  let search: SearchService | undefined;
  const metrics = createMetrics();
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log: log.child({ component: 'mail' }) });
  closers.push(() => mailer.close());
  const redis = config.redisUrl ? createRedis(config.redisUrl, log.child({ component: 'redis' })) : null;
  if (redis) closers.push(() => void redis.disconnect());
  const app: App = {
    config,
    store,
    log,
    metrics,
    mailer,
    redis,
    storage,
    catalog: createCatalogService(store, () => app.search),
    get search() {
      if (!search) {
        const dir = path.join(config.dataDir, 'index');
        const searchLog = log.child({ component: 'search' });
        const embedder = createEmbedderProvider(config, { dir, log: searchLog });
        const s = createSearchService({ dir, feed: catalogChangeFeed(store.db), log: searchLog, embedder, threads: config.searchThreads, vectorThread: config.vectorThread,
          observe: (mode, seconds) => metrics.searchDuration.observe({ mode }, seconds),
        });
        closers.push(async () => {
          await s.stop();
          s.close();
        });
        search = s;
      }
      return search;
    },
    onClose: (fn) => closers.push(fn),
    close: async () => {
      while (closers.length) {
        const fn = closers.pop()!;
        try {
          await fn();
        } catch (e) {
          log.error({ err: e }, 'error while closing');
        }
      }
    },
  };
  try {
    if (opts.migrate !== false) await migrate(store);
  } catch (e) {
    await app.close();
    throw e;
  }
  return app;
}
