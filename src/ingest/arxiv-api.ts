/**
 * The arXiv API adapter: papers by id list (`id_list=`), at most 100 ids a request. Ids arXiv
 * refuses or does not know become rejections naming the id; the others are imported.
 */
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import { AppError } from '../errors.ts';
import { parseAtomFeedInSlices, type AtomFeed } from './arxiv-api-parse.ts';
import type { HttpClient } from './http-client.ts';
import type { SourceItem } from './pipeline.ts';

export interface ArxivApiOptions {
  http: HttpClient;
  /** The API endpoint, e.g. https://export.arxiv.org/api/query */
  url: string;
  /** Any spelling parseArxivId accepts: `2310.06511`, `hep-th/9901001`, abs URLs, `arXiv:` prefixes. */
  ids: string[];
  /** Ids per request; arXiv's manual asks for modest slices (default and maximum 100). */
  batchSize?: number;
  info?: (line: string) => void;
}

interface Wanted {
  /** What the user typed, for locations. */
  raw: string;
  id: string;
  /** The id as sent: with `vN` when the user asked for a version. */
  request: string;
}

const MAX_BATCH = 100;

function queryUrl(base: string, ids: string[]): string {
  const u = new URL(base);
  u.searchParams.set('id_list', ids.join(','));
  u.searchParams.set('start', '0');
  // The API returns 10 results unless told otherwise.
  u.searchParams.set('max_results', String(ids.length));
  return u.toString();
}

/**
 * Fetch papers by id as pipeline items.
 * @example await ingest(store, 'arxiv-api', fetchArxivIds({ http, url: config.arxivApiUrl, ids: ['2310.06511', 'hep-th/9901001'] }))
 * @throws AppError UPSTREAM_UNAVAILABLE after a run of failed requests
 */
export async function* fetchArxivIds(o: ArxivApiOptions): AsyncGenerator<SourceItem> {
  const batchSize = Math.min(MAX_BATCH, Math.max(1, o.batchSize ?? MAX_BATCH));
  const info = o.info ?? (() => {});
  const wanted: Wanted[] = [];
  const seen = new Set<string>();
  for (const raw of o.ids) {
    const parsed = tryParseArxivId(raw);
    if (!parsed) {
      yield { kind: 'reject', reason: 'not an arXiv identifier', location: `argument ${JSON.stringify(raw.slice(0, 80))}` };
      continue;
    }
    const request = parsed.version ? `${parsed.id}v${parsed.version}` : parsed.id;
    if (seen.has(request)) continue;
    seen.add(request);
    wanted.push({ raw, id: parsed.id, request });
  }
  const batches = Math.ceil(wanted.length / batchSize);
  for (let b = 0; b < batches; b++) {
    let pending = wanted.slice(b * batchSize, (b + 1) * batchSize);
    while (pending.length) {
      const feed = await request(o, pending.map((w) => w.request), b + 1, batches, info);
      const error = feed.entries.find((e) => e.kind === 'error');
      if (error && error.kind === 'error') {
        // arXiv answers a list with one bad id by a single Error entry naming it: reject that id, ask again for the rest.
        const culprit = pending.find((w) => new RegExp(`(^|\\s)${escapeRegExp(w.request)}$`).test(error.message));
        const guilty = culprit ? [culprit] : pending;
        for (const w of guilty) yield { kind: 'reject', reason: `arXiv API: ${error.message}`, location: `arXiv API id ${w.raw}` };
        pending = culprit ? pending.filter((w) => w !== culprit) : [];
        continue;
      }
      const byId = new Map<string, SourceItem & { kind: 'paper' }>();
      for (const e of feed.entries) {
        if (e.kind === 'paper') byId.set(e.paper.arxivId, { kind: 'paper', paper: e.paper, location: '' });
      }
      for (const w of pending) {
        const hit = byId.get(w.id);
        if (hit) yield { ...hit, location: `arXiv API id ${w.raw}` };
        else yield { kind: 'reject', reason: `not found: arXiv returned no paper for ${w.request}`, location: `arXiv API id ${w.raw}` };
      }
      pending = [];
    }
    yield { kind: 'checkpoint', note: `batch ${b + 1} of ${batches}` };
  }
}

async function request(o: ArxivApiOptions, ids: string[], batch: number, batches: number, info: (l: string) => void): Promise<AtomFeed> {
  const url = queryUrl(o.url, ids);
  const res = await o.http.get(url, {
    label: `the arXiv API at ${o.url}`,
    onWait: (ms, why) => info(`batch ${batch} of ${batches}, waiting ${Math.round(ms / 100) / 10} s: ${why}`),
    accept: (r) => (/<\/feed>\s*$/.test(r.text) ? null : 'truncated Atom response'),
  });
  if (res.status >= 300 && !/<feed[\s>]/.test(res.text)) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `the arXiv API at ${o.url} answered HTTP ${res.status} to ${url}`);
  }
  // In slices: this runs inside the server too (the categories job, submissions).
  return parseAtomFeedInSlices(res.text);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
