/**
 * The one Prometheus registry of a process: request latency, ingest counts, and gauges that other
 * parts register (index lag, digest queue depth) without knowing about prom-client's globals.
 * Each App owns its registry, so tests that build several servers in one process never collide.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** HTTP request latency in seconds, by method, route pattern and status code. */
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Search latency in seconds inside the search service (parse, rank, highlight), by the mode that answered. */
  searchDuration: Histogram<'mode'>;
  /** Records read by ingestion in this process, by source and outcome. */
  ingestRecords: Counter<'source' | 'outcome'>;
  /** Scheduled job runs this process executed, by job and outcome (done, failed). */
  jobRuns: Counter<'job' | 'outcome'>;
  /** Digest delivery attempts of this process, by outcome (sent, retried, failed). */
  digestMessages: Counter<'outcome'>;
  /** Subscribers this process suspended after repeated bounces. */
  digestSuspended: Counter;
  /**
   * Register a gauge whose value is read at scrape time (a read that fails or is slow keeps the last value).
   * @example metrics.gauge('paperboy_index_lag', 'papers the search index is behind', () => catalogSeq - indexSeq)
   */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** Register a labelled gauge read at scrape time (one value per label set). */
  labelledGauge(
    name: string,
    help: string,
    labelName: string,
    read: () => Record<string, number> | Promise<Record<string, number>>,
  ): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * A gauge read that fails or takes longer than this keeps its last value: /metrics must answer while
 * the database is away (that is when operators look at it), and within a scraper's timeout.
 */
export const GAUGE_READ_TIMEOUT_MS = 2500;

async function bounded<T>(read: () => T | Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(read),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), GAUGE_READ_TIMEOUT_MS))),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Latency buckets tuned for a server whose pages answer in milliseconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Sampling interval of the event-loop delay monitor: a stall shorter than this is not seen. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

/**
 * `paperboy_event_loop_delay_seconds{quantile}`: how late this process's event loop ran its timers since
 * the previous scrape (p50, p99 and the worst, `quantile="1"`), from `perf_hooks.monitorEventLoopDelay`.
 * Search promises that indexing, training and embedding never hold the loop for more than ~50 ms at a
 * time (issue 14); this is where an operator sees whether it keeps that promise. Each scrape starts a new
 * window, so the worst stall between two scrapes is never averaged away.
 */
function eventLoopDelay(registry: Registry): void {
  const h = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  h.enable(); // its timer is unref'd: it never keeps a process alive
  new Gauge({
    name: 'paperboy_event_loop_delay_seconds',
    help: 'Event-loop delay since the previous scrape (quantile 1 is the worst stall), sampled every 10 ms',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      // No sample yet (a scrape right after start or after the last one): report 0, not NaN.
      const at = (x: number) => (h.count > 0 && Number.isFinite(x) ? x / 1e9 : 0);
      this.set({ quantile: '0.5' }, at(h.percentile(50)));
      this.set({ quantile: '0.99' }, at(h.percentile(99)));
      this.set({ quantile: '1' }, at(h.max));
      h.reset();
    },
  });
}

/**
 * Create a registry with process metrics and the request/ingest instruments.
 * @example const m = createMetrics(); m.httpDuration.observe({ method: 'GET', route: '/', status_code: '200' }, 0.004)
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'paperboy_' });
  eventLoopDelay(registry);
  const httpDuration = new Histogram({
    name: 'paperboy_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const searchDuration = new Histogram({
    name: 'paperboy_search_duration_seconds',
    help: 'Search latency inside the search service, by the mode that answered',
    labelNames: ['mode'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const ingestRecords = new Counter({
    name: 'paperboy_ingest_records_total',
    help: 'Records read by ingestion in this process, by source and outcome (inserted, updated, unchanged, rejected)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'paperboy_job_runs_total',
    help: 'Scheduled job runs executed by this process, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const digestMessages = new Counter({
    name: 'paperboy_digest_messages_total',
    help: 'Digest delivery attempts by this process, by outcome (sent, retried, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const digestSuspended = new Counter({
    name: 'paperboy_digest_suspended_total',
    help: 'Subscribers suspended by this process after repeated bounces',
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    searchDuration,
    ingestRecords,
    jobRuns,
    digestMessages,
    digestSuspended,
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          const v = await bounded(read);
          if (v !== undefined) this.set(v);
        },
      });
    },
    labelledGauge(name, help, labelName, read) {
      new Gauge({
        name,
        help,
        labelNames: [labelName],
        registers: [registry],
        async collect() {
          const values = await bounded(read);
          if (values === undefined) return;
          this.reset();
          for (const [label, value] of Object.entries(values)) this.set({ [labelName]: label }, value);
        },
      });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Count an ingest run's outcome (call it wherever ingestion runs inside a serving process, e.g. harvest jobs). */
export function recordIngest(
  metrics: Metrics,
  s: { source: string; inserted: number; updated: number; unchanged: number; rejected: number },
): void {
  for (const outcome of ['inserted', 'updated', 'unchanged', 'rejected'] as const) {
    if (s[outcome] > 0) metrics.ingestRecords.inc({ source: s.source, outcome }, s[outcome]);
  }
}
