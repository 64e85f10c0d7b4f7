/**
 * A polite HTTP client for arXiv's services: at most one request every `delayMs`, 503/429 answered
 * with the server's Retry-After (capped), exponential back-off otherwise, and a clear failure after
 * a run of consecutive failed attempts. Shared by the OAI-PMH harvester and the arXiv API adapter.
 */
import { AppError, messageOf } from '../errors.ts';

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
}

export interface HttpClientOptions {
  /** Minimum spacing between the starts of two requests (arXiv asks for 3 s). */
  delayMs: number;
  /** Consecutive failed attempts before giving up (default 5). */
  maxAttempts?: number;
  /** Upper bound on one wait, whatever Retry-After says (default 5 minutes). */
  maxWaitMs?: number;
  /** First back-off when the server gives no Retry-After; doubles per failure (default max(delayMs, 1000)). */
  backoffMs?: number;
  /** Per-attempt timeout (default 60 s). */
  timeoutMs?: number;
  userAgent?: string;
  /** Told before every wait longer than the politeness delay, with a human reason. */
  onWait?: (ms: number, reason: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Stops waits and requests at once (a job's signal: shutdown, lost lease); the request then rejects with its reason. */
  signal?: AbortSignal;
}

export interface RequestOptions {
  /** Names the service in errors: "arXiv OAI-PMH at https://…". */
  label?: string;
  /** Overrides the client's onWait for this request (to add page context to notes). */
  onWait?: (ms: number, reason: string) => void;
  /** A reason to treat a 2xx body as a failed attempt (e.g. a truncated XML document), or null. */
  accept?: (res: HttpResponse) => string | null;
}

export interface HttpClient {
  /** GET a URL. Resolves with any non-retryable response (callers read 4xx bodies); throws UPSTREAM_UNAVAILABLE when attempts run out. */
  get(url: string, opts?: RequestOptions): Promise<HttpResponse>;
}

/** Statuses worth another attempt: the server is busy or briefly broken, not refusing the request. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** A wait that ends early, rejecting, when `signal` fires. */
function sleeper(signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const done = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', done);
        resolve();
      }, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
}

/**
 * Parse a Retry-After header: delta-seconds or an HTTP-date. Null when absent or unreadable.
 * @example parseRetryAfter('120', 0) // 120000
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - nowMs);
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 || Number.isInteger(s) ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
}

/**
 * Create a rate-limited, retrying client.
 * @example const http = createHttpClient({ delayMs: 3000 }); const res = await http.get('https://export.arxiv.org/api/query?id_list=2310.06511');
 */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const maxWaitMs = opts.maxWaitMs ?? 300_000;
  const backoffMs = opts.backoffMs ?? Math.max(opts.delayMs, 1000);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const sleep = opts.sleep ?? sleeper(opts.signal);
  const now = opts.now ?? (() => Date.now());
  const userAgent = opts.userAgent ?? 'paperboy/0.1 (self-hosted paper discovery; polite harvester)';
  // Start time of the previous request: the politeness delay is measured between request starts.
  let lastStart = -Infinity;

  async function pace(): Promise<void> {
    const wait = lastStart + opts.delayMs - now();
    if (wait > 0) await sleep(wait);
    lastStart = now();
  }

  async function attempt(url: string): Promise<HttpResponse> {
    await pace();
    const res = await fetch(url, {
      headers: { 'user-agent': userAgent, accept: 'application/xml, application/atom+xml, text/xml;q=0.9, */*;q=0.1' },
      signal: opts.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), opts.signal]) : AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    });
    return { status: res.status, headers: res.headers, text: await res.text(), url };
  }

  return {
    async get(url, ropts = {}) {
      const label = ropts.label ?? new URL(url).origin;
      const onWait = ropts.onWait ?? opts.onWait;
      let lastProblem = '';
      for (let n = 1; n <= maxAttempts; n++) {
        let waitMs: number;
        let why: string;
        try {
          const res = await attempt(url);
          if (!RETRYABLE.has(res.status)) {
            const rejected = res.status < 300 ? (ropts.accept?.(res) ?? null) : null;
            if (rejected === null) return res;
            lastProblem = rejected;
            waitMs = Math.min(backoffMs * 2 ** (n - 1), maxWaitMs);
            why = `${rejected}; retrying`;
          } else {
            lastProblem = `HTTP ${res.status}`;
            const retryAfter = parseRetryAfter(res.headers.get('retry-after'), now());
            if (retryAfter !== null) {
              waitMs = Math.min(retryAfter, maxWaitMs);
              why = `HTTP ${res.status}, Retry-After ${res.headers.get('retry-after')}${retryAfter > maxWaitMs ? ` (capped at ${seconds(maxWaitMs)})` : ''}`;
            } else {
              waitMs = Math.min(backoffMs * 2 ** (n - 1), maxWaitMs);
              why = `HTTP ${res.status}, backing off`;
            }
          }
        } catch (e) {
          if (opts.signal?.aborted) throw opts.signal.reason;
          const cause = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${seconds(timeoutMs)}` : messageOf((e as Error).cause ?? e);
          lastProblem = cause;
          waitMs = Math.min(backoffMs * 2 ** (n - 1), maxWaitMs);
          why = `${cause}, backing off`;
        }
        if (n === maxAttempts) break;
        onWait?.(waitMs, why);
        await sleep(waitMs);
      }
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `${label} is unavailable: ${maxAttempts} consecutive attempts failed (last: ${lastProblem})`,
        { details: { url, attempts: maxAttempts, last: lastProblem } },
      );
    },
  };
}
