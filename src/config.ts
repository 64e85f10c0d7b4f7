/**
 * Configuration: the environment parsed once by one zod schema into a frozen object.
 * Nothing else in the code base reads `process.env`.
 */
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

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
  EMBEDDER: z.string().min(1).default('builtin'),
  EMBEDDER_API_KEY: z.string().optional(),
  EMBEDDER_MODEL: z.string().optional(),
  EMBEDDER_DIM: z.coerce.number().int().min(1).max(8192).optional(),
  /** ONNX models: text put before queries / papers (e5: "query: " / "passage: "), and a pooling override. */
  EMBEDDER_QUERY_PREFIX: z.string().optional(),
  EMBEDDER_DOCUMENT_PREFIX: z.string().optional(),
  EMBEDDER_POOLING: z.enum(['mean', 'cls', 'max', 'lasttoken']).optional(),
  /** arXiv OAI-PMH endpoint and politeness delay between requests (ms). */
  OAI_URL: z.string().url().default('https://oaipmh.arxiv.org/oai'),
  ARXIV_API_URL: z.string().url().default('https://export.arxiv.org/api/query'),
  ARXIV_DELAY_MS: z.coerce.number().int().min(0).default(3000),
  /** Scheduled job periods, overriding defaults: `name=30s,other=1d,third=off` (src/jobs/registry.ts). */
  /** Outgoing mail: `smtp://user:pass@host:port` or `smtps://…`; unset writes mail to the server log. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be smtp://[user:pass@]host[:port] or smtps://…').optional(),
  /** The From of every message, e.g. `Paperboy <papers@example.org>` (default: paperboy@ the BASE_URL host). */
  MAIL_FROM: z.string().min(3).max(200).optional(),
  JOBS: z.string().regex(/^([a-z0-9-]+=(off|\d+(ms|s|m|h|d))(,|$))*$/, 'must be name=DURATION pairs such as prune-job-runs=1d,db-optimize=off').default(''),
});

export type Config = Readonly<{
  dataDir: string;
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
  oaiUrl: string;
  arxivApiUrl: string;
  arxivDelayMs: number;
  jobs: string;
  smtpUrl: string | undefined;
  mailFrom: string;
}>;

/**
 * Parse configuration from an environment-like record.
 * @example loadConfig({ PORT: '8080' }).port // 8080
 * @throws AppError CONFIG_INVALID naming the first bad variable
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined) picked[key] = v;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const value = picked[name];
    const shown = name.includes('KEY') || name === 'DATABASE_URL' || name === 'SMTP_URL' ? '' : ` (got ${JSON.stringify(value)})`;
    throw new AppError('CONFIG_INVALID', `${name} is invalid: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'paperboy.db')}`;
  const port = e.PORT;
  return Object.freeze({
    dataDir,
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
    oaiUrl: e.OAI_URL,
    arxivApiUrl: e.ARXIV_API_URL,
    arxivDelayMs: e.ARXIV_DELAY_MS,
    jobs: e.JOBS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `Paperboy <paperboy@${new URL(e.BASE_URL ?? 'http://localhost').hostname}>`,
  });
}
