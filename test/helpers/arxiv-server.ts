/**
 * A local stand-in for arXiv's OAI-PMH and API endpoints, serving the recorded response shapes in
 * test/fixtures and remembering every request (with its arrival time) for assertions.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

export interface SeenRequest {
  path: string;
  params: URLSearchParams;
  /** Arrival time, ms (performance.now clock). */
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the client is about to be killed). */
  hang?: boolean;
}

export type Handler = (req: SeenRequest, n: number) => Reply;

export interface FakeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  origin: string;
  requests: SeenRequest[];
  /** Replace the handler between runs. */
  handle(h: Handler): void;
  close(): Promise<void>;
}

/**
 * Assert requests were paced: arrival times carry a few ms of in-process jitter, so the span of n
 * requests must cover n-1 delays (less 10 ms) rather than every single gap being exact.
 */
export function assertPaced(reqs: SeenRequest[], delayMs: number): void {
  const span = reqs.at(-1)!.at - reqs[0]!.at;
  // The client spaces request *starts*; arrival adds transit time, and on a loaded 2-core machine the
  // first request's transit alone can be tens of ms. Allow one delay of slack: the exact waits are
  // checked with an injected clock in http-client.test.ts.
  const want = (reqs.length - 2) * delayMs;
  const gaps = reqs.slice(1).map((r, i) => Math.round(r.at - reqs[i]!.at));
  assert.ok(span >= want, `${reqs.length} requests should span at least ${want} ms; gaps ${gaps.join(', ')}`);
}

export function fixture(rel: string): string {
  return fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
}

/** Start a server on a free loopback port. */
export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  let current = handler;
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const seen: SeenRequest = { path: u.pathname, params: u.searchParams, at: performance.now() };
    requests.push(seen);
    const reply = current(seen, requests.length);
    if (reply.hang) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml; charset=utf-8', ...reply.headers });
    res.end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  // The first fetch in a process loads its HTTP stack (tens of ms): pay that here, not inside a timed gap.
  const saved = current;
  current = () => ({ body: 'warm' });
  await (await fetch(`${origin}/warm-up`)).text();
  current = saved;
  requests.length = 0;
  return {
    origin,
    requests,
    handle: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The recorded three-page `ListRecords` harvest: a request without a token gets page 1, tokens lead on; an unknown token is expired. */
export const oaiPages: Handler = (req) => {
  const token = req.params.get('resumptionToken');
  if (req.params.get('verb') !== 'ListRecords') return { body: fixture('arxiv-oai/error-bad-argument.xml') };
  if (!token) {
    if (req.params.get('metadataPrefix') !== 'arXiv') return { body: fixture('arxiv-oai/error-cannot-disseminate-format.xml') };
    return { body: fixture('arxiv-oai/list-records-page1.xml') };
  }
  if (token === '6960524|1001') return { body: fixture('arxiv-oai/list-records-page2.xml') };
  if (token === '6960524|2002') return { body: fixture('arxiv-oai/list-records-page3.xml') };
  return { body: fixture('arxiv-oai/error-bad-resumption-token.xml') };
};

export const busy = (retryAfter?: string): Reply => ({
  status: 503,
  headers: retryAfter ? { 'retry-after': retryAfter, 'content-type': 'text/html' } : { 'content-type': 'text/html' },
  body: '<html><body><h1>503 Service Unavailable</h1>Please slow down.</body></html>',
});

const ENTRY = /<entry>[\s\S]*?<\/entry>/g;
// Archives arXiv knows; an old-style id with another archive is an "incorrect id format" error.
const ARCHIVES = new Set(['hep-th', 'hep-ph', 'hep-ex', 'hep-lat', 'gr-qc', 'astro-ph', 'cond-mat', 'math', 'cs', 'physics', 'quant-ph', 'nucl-th']);

/** The arXiv API by `id_list`, composed from the recorded entries: unknown ids are absent, malformed ones get arXiv's Error feed (HTTP 400). */
export const arxivApi: Handler = (req) => {
  const feed = fixture('arxiv-api/entries.xml');
  const head = feed.slice(0, feed.indexOf('<entry>'));
  const entries = new Map<string, string>();
  for (const e of feed.match(ENTRY) ?? []) {
    const id = /<id>http:\/\/arxiv\.org\/abs\/(.+?)v\d+<\/id>/.exec(e)?.[1];
    if (id) entries.set(id, e);
  }
  const ids = (req.params.get('id_list') ?? '').split(',').filter(Boolean);
  const bad = ids.find((id) => id.includes('/') && !ARCHIVES.has(id.split('/')[0]!));
  if (bad) return { status: 400, body: fixture('arxiv-api/error-incorrect-id.xml').replaceAll('foo-bar/9901001', bad) };
  const found = ids.map((id) => entries.get(id.replace(/v\d+$/, ''))).filter((e): e is string => Boolean(e));
  const max = req.params.get('max_results') ?? '10';
  const top = head
    .replace(/(<opensearch:totalResults[^>]*>)\d+/, `$1${found.length}`)
    .replace(/(<opensearch:itemsPerPage[^>]*>)\d+/, `$1${max}`);
  return { body: `${top}${found.join('\n  ')}\n</feed>\n` };
};

/** What the synthetic arXiv API (`arxivApiOf`) knows about one paper. */
export interface ArxivRecord {
  title: string;
  categories: string[];
  version?: number;
  comment?: string;
}

const escXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The arXiv API by `id_list` over papers given here, each entry written in the recorded shape
 * (test/fixtures/arxiv-api/entries.xml: primary category, then every category): for catalogs larger than
 * the three recorded entries. Ids not in `records` are absent from the answer, as arXiv leaves them out.
 */
export function arxivApiOf(records: ReadonlyMap<string, ArxivRecord>): Handler {
  const feed = fixture('arxiv-api/entries.xml');
  const head = feed.slice(0, feed.indexOf('<entry>'));
  return (req) => {
    const ids = (req.params.get('id_list') ?? '').split(',').filter(Boolean);
    const entries = ids.flatMap((raw) => {
      const id = raw.replace(/v\d+$/, '');
      const r = records.get(id);
      if (!r) return [];
      const v = r.version ?? 1;
      return [
        `<entry>
    <id>http://arxiv.org/abs/${id}v${v}</id>
    <updated>2025-10-02T17:59:59Z</updated>
    <published>2025-10-01T17:59:59Z</published>
    <title>${escXml(r.title)}</title>
    <summary>  An abstract as arXiv wraps it,
at eighty columns.
</summary>
    <author>
      <name>Arxiv Author</name>
    </author>${r.comment ? `\n    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">${escXml(r.comment)}</arxiv:comment>` : ''}
    <link href="http://arxiv.org/abs/${id}v${v}" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="${r.categories[0]}" scheme="http://arxiv.org/schemas/atom"/>
${r.categories.map((c) => `    <category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('\n')}
  </entry>`,
      ];
    });
    const top = head
      .replace(/(<opensearch:totalResults[^>]*>)\d+/, `$1${entries.length}`)
      .replace(/(<opensearch:itemsPerPage[^>]*>)\d+/, `$1${req.params.get('max_results') ?? '10'}`);
    return { body: `${top}  ${entries.join('\n  ')}\n</feed>\n` };
  };
}
