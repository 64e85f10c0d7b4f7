/**
 * Configuration: the environment parsed once by one zod schema into a frozen object.
 * Nothing else in the code base reads `process.env`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration such as `500ms`, `30s`, `15m`, `6h`, `1d` in milliseconds, or null when it is not one.
 * @example parseDuration('15m') // 900000
 */
export function parseDuration(v: string): number | null {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(v);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

/**
 * The named rate limits and their defaults (per client and window). A route opts in by name
 * (src/web/plugins/rate-limit.ts); RATE_LIMITS overrides any of them. Add a limit: add its name here.
 */
export const RATE_LIMIT_DEFAULTS = {
  /** Search pages and search API calls (each one ranks the index). */
  search: '120/1m',
  /** The JSON API (every /api/ route without a more specific limit). */
  api: '600/1m',
  /** RSS/Atom feeds (readers poll every few minutes; most answers are 304s). */
  feeds: '120/1m',
  /** Community, per client address: asking for sign-in links and trying passwords. */
  signin: '20/10m',
  /**
   * Community, per e-mail address (whether or not it has an account, so a 429 says nothing about one): links
   * asked for and passwords tried for one address from any number of clients (a password guessed from many).
   */
  'signin-address': '10/10m',
  /** Community, per account: upvotes (toggling a vote counts each time). */
  vote: '300/1m',
  /**
   * Community, per client address: upvotes from all accounts there (a shared NAT holds a few members:
   * ten at the per-account rate). bench:votes sends all its members from one address and turns it off.
   */
  'vote-ip': '3000/1m',
  /** Community, per account: writing, editing and reporting comments. */
  comment: '30/10m',
  /** Community, per client address: comment writes from all accounts there (a shared NAT holds a few members). */
  'comment-ip': '120/10m',
  /** Community, per account: paper submissions. */
  submit: '30/1h',
  /** Community, per client address: paper submissions from all accounts there (a shared NAT holds a few members). */
  'submit-ip': '60/1h',
  /** Community, per account: authorship claims (each one waits for a moderator). */
  claim: '10/1h',
  /** Community, per account: collection writes (create, edit, add, remove, reorder, note). */
  collection: '120/10m',
  /** Digests, per client address: subscribe requests (each may send a confirmation mail). */
  subscribe: '10/10m',
} as const satisfies Record<string, string>;

export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;

/** A limit: at most `max` requests per `windowMs` per client; null when switched off. */
export type RateLimit = Readonly<{ max: number; windowMs: number }> | null;

const RATE_FORM = 'name=MAX/WINDOW pairs such as search=60/1m,feeds=off (WINDOW: 30s, 1m, 1h…), or off';

/** Parse RATE_LIMITS over the defaults; a message naming the bad part, or the limits. */
function parseRateLimits(spec: string): Record<RateLimitName, RateLimit> | string {
  const out = {} as Record<RateLimitName, RateLimit>;
  const all = spec.trim() === 'off';
  for (const [name, v] of Object.entries(RATE_LIMIT_DEFAULTS)) out[name as RateLimitName] = all ? null : parseLimit(v)!;
  if (all) return out;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!name || value === undefined) return `${JSON.stringify(part)} is not name=MAX/WINDOW`;
    if (!(name in RATE_LIMIT_DEFAULTS)) return `unknown limit ${JSON.stringify(name)} (known: ${Object.keys(RATE_LIMIT_DEFAULTS).join(', ')})`;
    const limit = value === 'off' ? null : parseLimit(value);
    if (limit === undefined) return `${JSON.stringify(part)} needs MAX/WINDOW such as 60/1m, or off`;
    out[name as RateLimitName] = limit;
  }
  return out;
}

function parseLimit(v: string): RateLimit | undefined {
  const m = /^(\d{1,7})\/(.+)$/.exec(v);
  const windowMs = m ? parseDuration(m[2]!) : null;
  if (!m || !windowMs || Number(m[1]) < 1) return undefined;
  return { max: Number(m[1]), windowMs };
}

/**
 * The scheduled jobs (src/jobs/registry.ts registers one per name): JOBS may name only these.
 * Add a job: add its name here and its factory there.
 */
export const JOB_NAMES = ['prune-job-runs', 'db-optimize', 'arxiv-categories', 'digest-build'] as const;
export type JobName = (typeof JOB_NAMES)[number];

const JOBS_FORM = `name=DURATION pairs such as prune-job-runs=12h,db-optimize=off (DURATION: 500ms, 30s, 15m, 6h, 1d, or off; jobs: ${JOB_NAMES.join(', ')})`;

/**
 * Parse `name=DURATION,…` into periods in ms (0 = off), or a message naming the bad part.
 * @example parseJobSchedule('prune-job-runs=2s,db-optimize=off') // Map { 'prune-job-runs' => 2000, 'db-optimize' => 0 }
 */
export function parseJobSchedule(spec: string): Map<JobName, number> | string {
  const out = new Map<JobName, number>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value, extra] = part.split('=');
    if (!name || value === undefined || extra !== undefined) return `${JSON.stringify(part)} is not name=DURATION`;
    if (!(JOB_NAMES as readonly string[]).includes(name)) return `unknown job ${JSON.stringify(name)}`;
    const ms = value === 'off' ? 0 : parseDuration(value);
    if (ms === null || (ms === 0 && value !== 'off')) return `${JSON.stringify(part)} needs a positive duration such as 30s or 1d, or off`;
    out.set(name as JobName, ms);
  }
  return out;
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Weekdays as ISO numbers (1 = Monday): `mon-fri`, `every day`/`all`, or a list `mon,wed,fri`; a message when bad.
 * @example parseWeekdays('mon-fri') // [1, 2, 3, 4, 5]
 */
export function parseWeekdays(spec: string): number[] | string {
  const t = spec.trim().toLowerCase();
  if (t === 'all' || t === 'every day' || t === 'daily') return [1, 2, 3, 4, 5, 6, 7];
  const out = new Set<number>();
  for (const part of t.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [a, b, extra] = part.split('-');
    const from = DAY_NAMES.indexOf(a ?? '') + 1;
    const to = b === undefined ? from : DAY_NAMES.indexOf(b) + 1;
    if (!from || !to || extra !== undefined || to < from) return `${JSON.stringify(part)} is not a day or range of mon, tue, wed, thu, fri, sat, sun (e.g. mon-fri or mon,wed,fri)`;
    for (let d = from; d <= to; d++) out.add(d);
  }
  if (!out.size) return 'must name at least one day (e.g. mon-fri)';
  return [...out].sort((x, y) => x - y);
}

/** The domain of MAIL_FROM's address, else of BASE_URL. */
function mailDomain(from: string | undefined, baseUrl: string | undefined): string {
  const m = from ? /@([^\s>]+)>?\s*$/.exec(from) : null;
  return m ? m[1]! : new URL(baseUrl ?? 'http://localhost').hostname;
}

/** Proxies Paperboy may believe about the client address: none, a hop count, or addresses/CIDR ranges. */
export type TrustProxy = false | number | readonly string[];

const TRUST_FORM = 'off, a hop count from 1 to 10, or a comma list of proxy addresses or CIDR ranges such as 10.0.0.0/8,::1 (or loopback, linklocal, uniquelocal)';

function parseTrustProxy(v: string): TrustProxy | string {
  const t = v.trim();
  if (t === '' || t === 'off' || t === 'false' || t === '0') return false;
  if (/^\d+$/.test(t)) return Number(t) <= 10 ? Number(t) : `hop count ${t} is over 10`;
  const parts = t.split(',').map((p) => p.trim());
  for (const p of parts) {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) continue;
    const [addr, bits, extra] = p.split('/');
    const family = net.isIP(addr ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
      return `${JSON.stringify(p)} is not an address or CIDR range`;
    }
  }
  return parts;
}

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:PATH or postgres://…')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  BASE_URL: z.string().url('must be an absolute URL such as https://papers.example.org').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Log lines: `pretty` (readable), `json` (one object a line), `auto` (pretty on a terminal, JSON otherwise). */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  /** Load the bundled demo papers into an empty catalog on start. */
  DEMO_DATA: bool.default(true),
  /** Follow the catalog's change feed this often (ms) to keep derived state current. */
  INDEX_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  /** Search embedder: builtin (LSA trained on the catalog), onnx:<folder or hub id>, openai:<base url>. */
  EMBEDDER: z
    .string()
    .trim()
    .regex(/^(none|builtin|lsa|onnx:\S.*|openai:https?:\/\/\S+)$/, 'must be none, builtin, onnx:<model folder or hub id>, or openai:<http(s) base url>')
    .default('builtin'),
  EMBEDDER_API_KEY: z.string().optional(),
  EMBEDDER_MODEL: z.string().optional(),
  EMBEDDER_DIM: z.coerce.number().int().min(1).max(8192).optional(),
  /** ONNX models: text put before queries / papers (e5: "query: " / "passage: "), and a pooling override. */
  EMBEDDER_QUERY_PREFIX: z.string().optional(),
  EMBEDDER_DOCUMENT_PREFIX: z.string().optional(),
  EMBEDDER_POOLING: z.enum(['mean', 'cls', 'max', 'lasttoken']).optional(),
  /** Search (src/search/pool): query threads, each with its own read-only index connection; 0 or 1 = on the main thread. Default: the core count. */
  SEARCH_THREADS: z.coerce.number().int().min(0).max(64).default(() => os.availableParallelism()),
  /** Search (src/search/vectors): serve the vector index (its searches, adds, graph build and saves) from its own thread. */
  VECTOR_THREAD: bool.default(true),
  /** glibc's own setting, read by glibc at start; when unset, `serve` caps the arenas at 2 itself (src/native-memory.ts). */
  MALLOC_ARENA_MAX: z.coerce.number().int().min(1).optional(),
  /** arXiv OAI-PMH endpoint and politeness delay between requests (ms). */
  OAI_URL: z.string().url().default('https://oaipmh.arxiv.org/oai'),
  ARXIV_API_URL: z.string().url().default('https://export.arxiv.org/api/query'),
  ARXIV_DELAY_MS: z.coerce.number().int().min(0).default(3000),
  /** Outgoing mail: `smtp://user:pass@host:port` or `smtps://…`; unset writes mail to the server log. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be smtp://[user:pass@]host[:port] or smtps://…').optional(),
  /** The From of every message, e.g. `Paperboy <papers@example.org>` (default: paperboy@ the BASE_URL host). */
  MAIL_FROM: z.string().min(3).max(200).optional(),
  /** Scheduled job periods, overriding defaults: `name=30s,other=1d,third=off` (src/jobs/registry.ts). */
  JOBS: z.string().default('').transform((v, ctx) => {
    const r = parseJobSchedule(v);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: `${r}; must be ${JOBS_FORM}` });
    return r as ReadonlyMap<JobName, number>;
  }),
  /** Community: who may create an account (docs/community.md). */
  REGISTRATION: z.enum(['open', 'invite', 'closed']).default('open'),
  /** Days a session lives without use (each use extends it). */
  SESSION_DAYS: z.coerce.number().int().min(1).max(400).default(30),
  /** How often each node checks the shared sessions epoch (ms): sign-outs made on another node take this long to reach it. */
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** PostgreSQL: votes that arrive together share one statement (group commit, community/vote-batcher.ts). */
  VOTE_BATCHING: bool.default(true),
  /** Minutes a magic sign-in link stays valid (single use). */
  SIGNIN_LINK_MINUTES: z.coerce.number().int().min(1).max(1440).default(20),
  /** Accept passwords besides magic links (accounts set one on their settings page). */
  PASSWORD_SIGNIN: bool.default(true),
  /** Submissions (docs/community.md): a paper first published on arXiv within this many days. */
  SUBMIT_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(100_000).default(14),
  /** Submissions per member per day (UTC). */
  SUBMIT_DAILY_CAP: z.coerce.number().int().min(0).max(10_000).default(5),
  /** No submissions on Saturdays and Sundays (UTC), as arXiv announces nothing then. */
  SUBMIT_NO_WEEKENDS: bool.default(false),
  /** Accounts younger than this many days are "new": fewer links per comment and comments per hour. */
  NEW_ACCOUNT_DAYS: z.coerce.number().int().min(0).max(365).default(3),
  NEW_ACCOUNT_LINKS: z.coerce.number().int().min(0).max(100).default(2),
  NEW_ACCOUNT_COMMENTS_PER_HOUR: z.coerce.number().int().min(0).max(10_000).default(10),
  /** Collections (docs/community.md): papers in one collection, collections per member. */
  COLLECTION_MAX_PAPERS: z.coerce.number().int().min(1).max(100_000).default(1000),
  COLLECTIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(100),
  /** How often each node folds changed vote and comment counts into the catalog (ms; src/community/count-folder.ts). */
  COUNTS_FOLD_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  /** Which proxies to believe about the client's address (X-Forwarded-For): off unless set. */
  TRUST_PROXY: z.string().default('off').transform((v, ctx) => {
    const r = parseTrustProxy(v);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: `${r}; must be ${TRUST_FORM}` });
    return r as TrustProxy;
  }),
  /** Named rate limits over their defaults (RATE_LIMIT_DEFAULTS). */
  RATE_LIMITS: z.string().default('').transform((v, ctx) => {
    const r = parseRateLimits(v);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: `${r}; must be ${RATE_FORM}` });
    return r as Record<RateLimitName, RateLimit>;
  }),
  /** PostgreSQL: how long to wait for a connection (a new one, or a free one from the pool). */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3000),
  /** PostgreSQL: statements running longer are cancelled (migrations excepted). */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  /** SQLite: how long a write waits for another process's lock. */
  DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** Shared counters for rate limits across app nodes: `redis://[user:pass@]host:port[/db]` or `rediss://…`. */
  REDIS_URL: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be redis://[user:pass@]host[:port][/db] or rediss://…').optional(),
  /** Prefix of every Redis key Paperboy writes (several sites, or tests, can share one Redis). */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1–64 of A–Z a–z 0–9 : . _ -').default('paperboy:'),
  // --- Digest delivery (src/digest/outbox*, send*, bounces*; docs/digests.md "Sending") ---
  /** DKIM signing of outgoing mail: the d= domain (usually MAIL_FROM's), the selector, and the PEM key (or a file holding it). */
  DKIM_DOMAIN: z.string().regex(/^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$/, 'must be a domain name such as example.org').optional(),
  DKIM_SELECTOR: z.string().regex(/^[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*$/, 'must be a DNS label such as paperboy2026').optional(),
  DKIM_PRIVATE_KEY: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** SMTP connections the digest sender keeps open (nodemailer's pool). */
  DIGEST_SMTP_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  /** Attempts per digest before a transient failure (4xx, timeout, lost connection) is given up as a soft bounce. */
  DIGEST_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** The first retry's delay (ms); each further retry doubles it, up to 6 h. */
  DIGEST_RETRY_BASE_MS: z.coerce.number().int().min(10).max(86_400_000).default(60_000),
  /** How long a sender's claim on a digest lives without renewal (ms): a crashed sender's digests go out again after it. */
  DIGEST_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  /** How often each node's sender looks for digests to send (ms). */
  DIGEST_SEND_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  /** Run the digest sender on this node (`serve`); several nodes share the outbox safely. */
  DIGEST_SENDER: bool.default(true),
  // Digest subscriptions (src/digest/subscriptions*, docs/digests.md).
  /** Key of the signed links in digests (manage, unsubscribe, feed); unset: a random key kept in the database. */
  LINK_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  /** The days a daily digest goes out, in the subscriber's zone: mon-fri (default, as Hugging Face), every day, or a list such as mon,wed,fri. */
  DIGEST_DAILY_DAYS: z.string().default('mon-fri').transform((v, ctx) => {
    const r = parseWeekdays(v);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
    return r as readonly number[];
  }),
  /** The send hour (0–23, subscriber's zone) a new subscription starts with. */
  DIGEST_DEFAULT_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  /** Papers per digest section. */
  DIGEST_SECTION_SIZE: z.coerce.number().int().min(1).max(50).default(10),
  /** The mailbox of List-Unsubscribe's mailto (default: unsubscribe@ the MAIL_FROM domain). */
  DIGEST_UNSUBSCRIBE_MAILBOX: z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an address such as unsubscribe@example.org').optional(),
  // Inbound mail to the unsubscribe mailbox (src/digest/inbound-unsubscribe.ts; docs/digests.md "Unsubscribing by mail").
  /** Listen for mail to DIGEST_UNSUBSCRIBE_MAILBOX on this TCP port (25 for an MX); unset: no listener. */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** The address the listener binds. */
  INBOUND_SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  /** The name in the listener's greeting (the MX host name); default: BASE_URL's host. */
  INBOUND_SMTP_HOSTNAME: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name such as mx.example.org').optional(),
  /** Largest message accepted (bytes); an unsubscribe mail is a few hundred. */
  INBOUND_SMTP_MAX_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /** Messages (MAIL FROM commands) per client address per minute, on this node. */
  INBOUND_SMTP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** PEM certificate and key files: offer STARTTLS (sending servers use it when offered). */
  INBOUND_SMTP_TLS_CERT_FILE: z.string().min(1).optional(),
  INBOUND_SMTP_TLS_KEY_FILE: z.string().min(1).optional(),
}).superRefine((e, ctx) => {
  // Settings that only make sense together are checked together, so `serve` never starts half-configured.
  if (e.EMBEDDER.startsWith('openai:') && !e.EMBEDDER_MODEL) {
    ctx.addIssue({ code: 'custom', path: ['EMBEDDER_MODEL'], message: 'is required with EMBEDDER=openai:… (e.g. text-embedding-3-small, nomic-embed-text)' });
  }
  // DKIM: all of domain, selector and one key source, or none.
  const dkimKeys = [e.DKIM_PRIVATE_KEY, e.DKIM_PRIVATE_KEY_FILE].filter((v) => v !== undefined).length;
  if (dkimKeys > 1) ctx.addIssue({ code: 'custom', path: ['DKIM_PRIVATE_KEY_FILE'], message: 'give DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both' });
  const dkimSet = e.DKIM_DOMAIN !== undefined || e.DKIM_SELECTOR !== undefined || dkimKeys > 0;
  if (dkimSet && !e.DKIM_DOMAIN) ctx.addIssue({ code: 'custom', path: ['DKIM_DOMAIN'], message: 'is required with DKIM_SELECTOR / DKIM_PRIVATE_KEY (the d= domain, e.g. example.org)' });
  if (dkimSet && !e.DKIM_SELECTOR) ctx.addIssue({ code: 'custom', path: ['DKIM_SELECTOR'], message: 'is required with DKIM_DOMAIN (the s= selector, e.g. paperboy2026)' });
  if ((e.INBOUND_SMTP_TLS_CERT_FILE === undefined) !== (e.INBOUND_SMTP_TLS_KEY_FILE === undefined)) {
    ctx.addIssue({ code: 'custom', path: [e.INBOUND_SMTP_TLS_CERT_FILE === undefined ? 'INBOUND_SMTP_TLS_CERT_FILE' : 'INBOUND_SMTP_TLS_KEY_FILE'], message: 'give both INBOUND_SMTP_TLS_CERT_FILE and INBOUND_SMTP_TLS_KEY_FILE, or neither' });
  }
  if (dkimSet && dkimKeys === 0) ctx.addIssue({ code: 'custom', path: ['DKIM_PRIVATE_KEY'], message: 'is required with DKIM_DOMAIN (a PEM private key, or DKIM_PRIVATE_KEY_FILE naming one)' });
});

export type Config = Readonly<{
  dataDir: string;
  /** DATA_DIR was not set: the default ./data, which is created with its parents when missing. */
  dataDirIsDefault: boolean;
  databaseUrl: string;
  engine: 'sqlite' | 'postgres';
  port: number;
  host: string;
  baseUrl: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  logFormat: z.infer<typeof schema>['LOG_FORMAT'];
  demoData: boolean;
  indexPollMs: number;
  embedder: string;
  embedderApiKey: string | undefined;
  embedderModel: string | undefined;
  embedderDim: number | undefined;
  embedderQueryPrefix: string | undefined;
  embedderDocumentPrefix: string | undefined;
  embedderPooling: 'mean' | 'cls' | 'max' | 'lasttoken' | undefined;
  /** Query threads (0 or 1: queries run on the main thread). */
  searchThreads: number;
  /** The vector index in its own thread (off: on the main thread). */
  vectorThread: boolean;
  /** MALLOC_ARENA_MAX as set in the environment (glibc applied it); undefined: serve applies DEFAULT_ARENA_MAX. */
  mallocArenaMax: number | undefined;
  oaiUrl: string;
  arxivApiUrl: string;
  arxivDelayMs: number;
  /** Job periods given in JOBS (ms; 0 = off); jobs not named keep their defaults. */
  jobs: ReadonlyMap<JobName, number>;
  registration: 'open' | 'invite' | 'closed';
  sessionDays: number;
  sessionCacheMs: number;
  voteBatching: boolean;
  signinLinkMinutes: number;
  passwordSignin: boolean;
  countsFoldMs: number;
  submitMaxAgeDays: number;
  submitDailyCap: number;
  submitNoWeekends: boolean;
  newAccountDays: number;
  newAccountLinks: number;
  newAccountCommentsPerHour: number;
  collectionMaxPapers: number;
  collectionsPerUser: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Proxies believed about the client address (Fastify's trustProxy): false, a hop count, or addresses/CIDRs. */
  trustProxy: TrustProxy;
  /** Every named rate limit (null: off). */
  rateLimits: Readonly<Record<RateLimitName, RateLimit>>;
  redisUrl: string | undefined;
  redisPrefix: string;
  /** Database timeouts (src/store/db.ts). */
  dbConnectTimeoutMs: number;
  dbStatementTimeoutMs: number;
  dbBusyTimeoutMs: number;
  /** Digest delivery (docs/digests.md "Sending"): DKIM signing, or undefined to send unsigned. */
  dkim: Readonly<{ domainName: string; keySelector: string; privateKey: string }> | undefined;
  digestSmtpConnections: number;
  digestMaxAttempts: number;
  digestRetryBaseMs: number;
  digestSendPollMs: number;
  digestLeaseMs: number;
  digestSender: boolean;
  /** Digest subscriptions (docs/digests.md). */
  linkSecret: string | undefined;
  /** ISO weekdays (1 = Monday) a daily digest goes out on. */
  digestDailyDays: readonly number[];
  digestDefaultHour: number;
  digestSectionSize: number;
  digestUnsubscribeMailbox: string;
  /** The inbound SMTP listener for mailto unsubscribes, or undefined when INBOUND_SMTP_PORT is unset. */
  inboundSmtp: Readonly<{ port: number; host: string; hostname: string; maxBytes: number; perMinute: number; tls: Readonly<{ cert: string; key: string }> | undefined }> | undefined;
}>;

/** A PEM private key from DKIM_PRIVATE_KEY (`\n` escapes allowed, as env files often hold one line) or DKIM_PRIVATE_KEY_FILE. */
function readDkimKey(e: { DKIM_PRIVATE_KEY?: string | undefined; DKIM_PRIVATE_KEY_FILE?: string | undefined }): string {
  let key: string;
  let name = 'DKIM_PRIVATE_KEY';
  if (e.DKIM_PRIVATE_KEY_FILE !== undefined) {
    name = 'DKIM_PRIVATE_KEY_FILE';
    try {
      key = fs.readFileSync(e.DKIM_PRIVATE_KEY_FILE, 'utf8');
    } catch (err) {
      throw new AppError('CONFIG_INVALID', `DKIM_PRIVATE_KEY_FILE is invalid: cannot read ${JSON.stringify(e.DKIM_PRIVATE_KEY_FILE)} (${(err as Error).message})`);
    }
  } else key = e.DKIM_PRIVATE_KEY!.replace(/\\n/g, '\n');
  try {
    crypto.createPrivateKey(key);
  } catch {
    throw new AppError('CONFIG_INVALID', `${name} is invalid: not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)`);
  }
  return key;
}

/** A file a setting names (TLS certificate or key), read once when the configuration loads. */
function readConfigFile(name: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `${name} is invalid: cannot read ${JSON.stringify(file)} (${(err as Error).message})`);
  }
}

/**
 * Parse configuration from an environment-like record.
 * @example loadConfig({ PORT: '8080' }).port // 8080
 * @throws AppError CONFIG_INVALID naming the first bad variable
 */
/** Variables whose values may hold a password or key: never echoed. */
const SECRET = /KEY|PASSWORD|SECRET|TOKEN|^(DATABASE|SMTP|REDIS)_URL$/;

/**
 * Variables with no default (SMTP_URL, BASE_URL, DATABASE_URL, MAIL_FROM, keys…): set to an empty value they
 * count as unset, as a docker-compose pass-through (`SMTP_URL: ${SMTP_URL:-}`) or an `.env` line left blank
 * writes them. Variables with a default still check an empty value (an empty `EMBEDDER` is an error, an empty
 * `DEMO_DATA` is false).
 */
const EMPTY_IS_UNSET = new Set(
  Object.entries(schema.shape)
    .filter(([, field]) => {
      const r = (field as z.ZodType).safeParse(undefined);
      return r.success && r.data === undefined;
    })
    .map(([key]) => key),
);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v === undefined || (EMPTY_IS_UNSET.has(key) && v.trim() === '')) continue;
    picked[key] = v;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const value = picked[name];
    const shown = SECRET.test(name) ? '' : ` (got ${JSON.stringify(value?.slice(0, 200))})`;
    throw new AppError('CONFIG_INVALID', `${name} is invalid: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'paperboy.db')}`;
  const port = e.PORT;
  return Object.freeze({
    dataDir,
    dataDirIsDefault: picked.DATA_DIR === undefined,
    databaseUrl,
    engine: databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres',
    port,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    demoData: e.DEMO_DATA,
    indexPollMs: e.INDEX_POLL_MS,
    embedder: e.EMBEDDER,
    embedderApiKey: e.EMBEDDER_API_KEY,
    embedderModel: e.EMBEDDER_MODEL,
    embedderDim: e.EMBEDDER_DIM,
    embedderQueryPrefix: e.EMBEDDER_QUERY_PREFIX,
    embedderDocumentPrefix: e.EMBEDDER_DOCUMENT_PREFIX,
    embedderPooling: e.EMBEDDER_POOLING,
    searchThreads: e.SEARCH_THREADS,
    vectorThread: e.VECTOR_THREAD,
    mallocArenaMax: e.MALLOC_ARENA_MAX,
    oaiUrl: e.OAI_URL,
    arxivApiUrl: e.ARXIV_API_URL,
    arxivDelayMs: e.ARXIV_DELAY_MS,
    jobs: e.JOBS,
    registration: e.REGISTRATION,
    sessionDays: e.SESSION_DAYS,
    sessionCacheMs: e.SESSION_CACHE_MS,
    voteBatching: e.VOTE_BATCHING,
    signinLinkMinutes: e.SIGNIN_LINK_MINUTES,
    passwordSignin: e.PASSWORD_SIGNIN,
    countsFoldMs: e.COUNTS_FOLD_MS,
    submitMaxAgeDays: e.SUBMIT_MAX_AGE_DAYS,
    submitDailyCap: e.SUBMIT_DAILY_CAP,
    submitNoWeekends: e.SUBMIT_NO_WEEKENDS,
    newAccountDays: e.NEW_ACCOUNT_DAYS,
    newAccountLinks: e.NEW_ACCOUNT_LINKS,
    newAccountCommentsPerHour: e.NEW_ACCOUNT_COMMENTS_PER_HOUR,
    collectionMaxPapers: e.COLLECTION_MAX_PAPERS,
    collectionsPerUser: e.COLLECTIONS_PER_USER,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `Paperboy <paperboy@${new URL(e.BASE_URL ?? 'http://localhost').hostname}>`,
    trustProxy: e.TRUST_PROXY,
    rateLimits: Object.freeze(e.RATE_LIMITS),
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    dbBusyTimeoutMs: e.DB_BUSY_TIMEOUT_MS,
    dkim: e.DKIM_DOMAIN && e.DKIM_SELECTOR ? Object.freeze({ domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKey: readDkimKey(e) }) : undefined,
    digestSmtpConnections: e.DIGEST_SMTP_CONNECTIONS,
    digestMaxAttempts: e.DIGEST_MAX_ATTEMPTS,
    digestRetryBaseMs: e.DIGEST_RETRY_BASE_MS,
    digestSendPollMs: e.DIGEST_SEND_POLL_MS,
    digestLeaseMs: e.DIGEST_LEASE_MS,
    digestSender: e.DIGEST_SENDER,
    linkSecret: e.LINK_SECRET,
    digestDailyDays: Object.freeze(e.DIGEST_DAILY_DAYS),
    digestDefaultHour: e.DIGEST_DEFAULT_HOUR,
    digestSectionSize: e.DIGEST_SECTION_SIZE,
    digestUnsubscribeMailbox: e.DIGEST_UNSUBSCRIBE_MAILBOX ?? `unsubscribe@${mailDomain(e.MAIL_FROM, e.BASE_URL)}`,
    inboundSmtp: e.INBOUND_SMTP_PORT === undefined ? undefined : Object.freeze({
      port: e.INBOUND_SMTP_PORT,
      host: e.INBOUND_SMTP_HOST,
      hostname: e.INBOUND_SMTP_HOSTNAME ?? new URL(e.BASE_URL ?? 'http://localhost').hostname,
      maxBytes: e.INBOUND_SMTP_MAX_BYTES,
      perMinute: e.INBOUND_SMTP_PER_MINUTE,
      tls: e.INBOUND_SMTP_TLS_CERT_FILE && e.INBOUND_SMTP_TLS_KEY_FILE
        ? Object.freeze({ cert: readConfigFile('INBOUND_SMTP_TLS_CERT_FILE', e.INBOUND_SMTP_TLS_CERT_FILE), key: readConfigFile('INBOUND_SMTP_TLS_KEY_FILE', e.INBOUND_SMTP_TLS_KEY_FILE) })
        : undefined,
    }),
  });
}
