/**
 * The two arXiv sources as the CLI sees them: `oai` (OAI-PMH harvest) and `arxiv-api` (ids), both
 * through one polite HTTP client configured by OAI_URL, ARXIV_API_URL and ARXIV_DELAY_MS.
 */
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { fetchArxivIds } from './arxiv-api.ts';
import { harvestOai } from './arxiv-oai.ts';
import { createHttpClient, type HttpClient } from './http-client.ts';
import type { SourceArgs, SourceSpec } from './source.ts';

/** The client both adapters use: one request every ARXIV_DELAY_MS, Retry-After honoured. */
export function createArxivHttpClient(config: Config, info: (line: string) => void): HttpClient {
  return createHttpClient({ delayMs: config.arxivDelayMs, onWait: (ms, why) => info(`waiting ${Math.round(ms / 1000)} s: ${why}`) });
}

function str(values: SourceArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v.length ? v : undefined;
}

function checkUrl(name: string, v: string): string {
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return v;
  } catch {
    // fall through to the error
  }
  throw new AppError('USAGE', `${name} must be an http(s) URL (got ${JSON.stringify(v.slice(0, 80))})`);
}

export const oaiSource: SourceSpec = {
  name: 'oai',
  summary: 'harvest arXiv over OAI-PMH; resumes from its checkpoint when run again',
  usage: 'oai [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--set cs] [--url OAI_URL]',
  options: { from: { type: 'string' }, until: { type: 'string' }, set: { type: 'string' }, url: { type: 'string' } },
  async open({ store, config, positionals, values, info }) {
    if (positionals.length) throw new AppError('USAGE', `ingest oai takes options, not paths (got ${JSON.stringify(positionals[0])})`);
    const url = checkUrl('--url', str(values, 'url') ?? config.oaiUrl);
    const http = createArxivHttpClient(config, info);
    return { items: harvestOai({ store, http, url, from: str(values, 'from'), until: str(values, 'until'), set: str(values, 'set'), info }) };
  },
};

export const arxivApiSource: SourceSpec = {
  name: 'arxiv-api',
  summary: 'fetch papers by arXiv id from the arXiv API',
  usage: 'arxiv-api <id…> [--url ARXIV_API_URL]',
  options: { url: { type: 'string' } },
  async open({ config, positionals, values, info }) {
    if (!positionals.length) throw new AppError('USAGE', 'ingest arxiv-api needs at least one arXiv id, e.g. 2310.06511 hep-th/9901001');
    const url = checkUrl('--url', str(values, 'url') ?? config.arxivApiUrl);
    const http = createArxivHttpClient(config, info);
    return { items: fetchArxivIds({ http, url, ids: positionals, info }), total: positionals.length };
  },
};
