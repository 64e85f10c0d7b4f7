import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { lastCatalogChange } from '../../src/catalog/last-change.ts';
import type { App } from '../../src/app.ts';
import { describeEngines } from '../helpers/stores.ts';
import { createTestServer } from '../helpers/server.ts';
import { clientSkipReason, python } from '../helpers/clients.ts';
import { kid, kids, parseXml, type El } from '../helpers/xml.ts';

const THINK: PaperInput = {
  arxivId: '2502.00001',
  title: "Let's <think> about LLM Reasoning",
  abstract: 'We ask models to <think> before they answer & compare <b>bold</b> claims; </summary> ]]> <![CDATA[ and <script>alert(1)</script> stay text.',
  authors: ['Anh Do', 'Quoc V. Le', 'Laurens van der Maaten', 'Valentin De Bortoli', '王小明'],
  categories: ['cs.CL'],
  publishedAt: '2025-02-01T10:00:00Z',
  dailyDate: '2025-02-03',
  upvotes: 12,
  source: 'test',
};
// PostgreSQL cannot store NUL in text at all; SQLite can, and so a stored title may carry one.
const CONTROL = (engine: string): PaperInput => ({
  arxivId: '2502.00002',
  title: `Control${engine === 'sqlite' ? '\u0000' : ''} characters\u0001 and\u001B escapes\uFFFE`,
  abstract: 'Bell\u0007 and vertical\u000B tab.',
  authors: ['Single'],
  categories: ['cs.CL'],
  publishedAt: '2025-02-02T10:00:00Z',
  dailyDate: '2025-02-03',
  source: 'test',
});

/** Decode the entities an HTML reader would (the five we escape, and numeric ones). */
function htmlText(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

const FEED_URLS = ['/feeds/daily', '/feeds/trending', '/feeds/category/cs.CL', '/feeds/category/q-bio.NC', '/feeds/search.%s?q=think', '/feeds/search.%s?q=control'];
const url = (u: string, f: string) => (u.includes('%s') ? u.replace('%s', f) : `${u}.${f}`);

describeEngines('feeds as text', (ctx) => {
  let app: App;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ app, server, close } = await createTestServer(ctx.url, [THINK, CONTROL(ctx.engine)]));
  });
  after(async () => close());

  const get = async (u: string) => {
    const r = await server.inject(u);
    assert.equal(r.statusCode, 200, `${u}: ${r.body.slice(0, 300)}`);
    return r.body;
  };
  const rssItem = (doc: El, id: string) => kids(kid(doc, 'channel'), 'item').find((i) => kid(i, 'guid').text === `https://arxiv.org/abs/${id}`)!;
  const atomEntry = (doc: El, id: string) => kids(doc, 'entry').find((e) => kid(e, 'id').text === `https://arxiv.org/abs/${id}`)!;

  it('every feed is well-formed XML 1.0 to a strict parser, in both formats', async () => {
    for (const u of FEED_URLS) {
      for (const f of ['rss', 'atom']) {
        const doc = parseXml(await get(url(u, f)));
        if (f === 'rss') assert.equal(doc.name, 'rss', u);
        else assert.equal(doc.uri, 'http://www.w3.org/2005/Atom', u);
      }
    }
  });

  it('Atom: titles and summaries are type="text" and read back exactly; one <author><name> per person', async () => {
    const doc = parseXml(await get('/feeds/category/cs.CL.atom'));
    const e = atomEntry(doc, THINK.arxivId);
    assert.equal(kid(e, 'title').attrs.type, 'text');
    assert.equal(kid(e, 'title').text, THINK.title);
    assert.equal(kid(e, 'summary').attrs.type, 'text');
    assert.equal(kid(e, 'summary').text, THINK.abstract);
    assert.deepEqual(kids(e, 'author').map((a) => kid(a, 'name').text), THINK.authors);
    assert.equal(kids(e, 'link').find((l) => l.attrs.rel === 'alternate')!.attrs.href, `https://papers.example.org/papers/${THINK.arxivId}`);
    assert.ok(doc.children.every((c) => c.name !== 'entry' || kids(c, 'title')[0]!.attrs.type === 'text'));
  });

  it('RSS: the title is the text, the description is HTML that displays as the text, authors in dc:creator', async () => {
    const doc = parseXml(await get('/feeds/category/cs.CL.rss'));
    assert.equal(doc.attrs['xmlns:dc'], 'http://purl.org/dc/elements/1.1/');
    const item = rssItem(doc, THINK.arxivId);
    assert.equal(kid(item, 'title').text, THINK.title);
    const description = kid(item, 'description').text;
    assert.ok(!description.includes('<'), `no markup in the description's HTML: ${description}`);
    assert.equal(htmlText(description), THINK.abstract);
    const creators = kids(item, 'dc:creator');
    assert.equal(creators.length, 1);
    assert.equal(creators[0]!.uri, 'http://purl.org/dc/elements/1.1/');
    assert.equal(creators[0]!.text, THINK.authors!.join(', '));
    assert.equal(kids(item, 'author').length, 0, 'RSS <author> is an e-mail address; we have none');
  });

  it('control characters never reach the XML; the rest of the title does', async () => {
    for (const f of ['rss', 'atom'] as const) {
      for (const u of ['/feeds/category/cs.CL', '/feeds/search.%s?q=control', '/feeds/daily']) {
        const doc = parseXml(await get(url(u, f)));
        const el = f === 'rss' ? rssItem(doc, '2502.00002') : atomEntry(doc, '2502.00002');
        assert.ok(el, `${u}.${f} lists the paper`);
        assert.equal(kid(el, 'title').text, 'Control characters and escapes', `${u} ${f}`);
      }
    }
  });

  it('an empty feed is dated by the catalog’s last change, not 1970', async () => {
    const last = await lastCatalogChange(app.store.db);
    assert.ok(last);
    const atom = parseXml(await get('/feeds/category/q-bio.NC.atom'));
    assert.equal(kids(atom, 'entry').length, 0);
    assert.equal(kid(atom, 'updated').text, new Date(last).toISOString());
    const rss = parseXml(await get('/feeds/category/q-bio.NC.rss'));
    assert.equal(kid(kid(rss, 'channel'), 'lastBuildDate').text, new Date(last).toUTCString());
  });

  it('paper pages advertise their feeds: daily list, categories, first authors — and each resolves', async () => {
    const page = await get(`/papers/${THINK.arxivId}`);
    const links = [...page.matchAll(/<link rel="alternate" type="(application\/(?:rss|atom)\+xml)" title="([^"]+)" href="([^"]+)">/g)];
    const titles = links.map((l) => l[2]!.replace(/&#39;/g, "'"));
    for (const t of ['Daily papers (RSS)', 'Newest in cs.CL (Atom)', 'Papers by Anh Do (RSS)', 'Papers by Quoc V. Le (Atom)', 'Papers by Laurens van der Maaten (Atom)']) {
      assert.ok(titles.includes(t), `${t} in ${titles.join(' | ')}`);
    }
    for (const [, type, , href] of links) {
      const r = await server.inject(href!.replace(/&amp;/g, '&'));
      assert.equal(r.statusCode, 200, href);
      assert.equal(String(r.headers['content-type']).split(';')[0], type);
      parseXml(r.body);
    }
    // The author feed finds the author's papers.
    const byDo = parseXml(await get('/feeds/search.atom?q=author%3A%22Anh%20Do%22%20sort%3Adate'));
    assert.deepEqual(kids(byDo, 'entry').map((e) => kid(e, 'id').text), [`https://arxiv.org/abs/${THINK.arxivId}`]);
  });

  const feedparserSkip = clientSkipReason('feedparser');
  it('feedparser (Debian python3-feedparser) reads titles and summaries as the text, and every author', { skip: feedparserSkip ?? false }, async () => {
    const script = `
import sys, json, html, time, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
def entry(e):
    s = e.get('summary_detail') or {}
    shown = html.unescape(s.get('value', '')) if s.get('type') == 'text/html' else s.get('value')
    return {'id': e.get('id'), 'link': e.get('link'), 'title': e.get('title'), 'title_type': e.get('title_detail', {}).get('type'),
            'summary_shown': shown, 'summary_type': s.get('type'), 'author': e.get('author'),
            'authors': [a.get('name') for a in e.get('authors', [])], 'tags': [t.get('term') for t in e.get('tags', [])],
            'published': e.get('published_parsed') and time.strftime('%Y-%m-%dT%H:%M:%SZ', e.published_parsed)}
updated = d.feed.get('updated_parsed')
print(json.dumps({'bozo': bool(d.bozo), 'error': str(d.get('bozo_exception') or ''), 'version': d.version,
                  'updated': updated and time.strftime('%Y-%m-%d', updated), 'entries': [entry(e) for e in d.entries]}))`;
    type Read = { bozo: boolean; error: string; version: string; updated: string | null; entries: Array<Record<string, any>> };
    for (const u of FEED_URLS) {
      for (const f of ['rss', 'atom']) {
        const r = await python<Read>(script, await get(url(u, f)));
        assert.equal(r.bozo, false, `${url(u, f)}: ${r.error}`);
        assert.equal(r.version, f === 'rss' ? 'rss20' : 'atom10');
        assert.ok(r.updated && r.updated > '2000', `${url(u, f)} is dated (${r.updated})`);
      }
    }
    const rss = await python<Read>(script, await get('/feeds/category/cs.CL.rss'));
    const atom = await python<Read>(script, await get('/feeds/category/cs.CL.atom'));
    for (const [r, summaryType] of [[rss, 'text/html'], [atom, 'text/plain']] as const) {
      const e = r.entries.find((x) => x.id === `https://arxiv.org/abs/${THINK.arxivId}`)!;
      assert.equal(e.title, THINK.title);
      assert.equal(e.title_type, 'text/plain');
      assert.equal(e.summary_type, summaryType);
      assert.equal(e.summary_shown, THINK.abstract);
      assert.equal(e.link, `https://papers.example.org/papers/${THINK.arxivId}`);
      assert.deepEqual(e.tags, ['cs.CL']);
      assert.equal(e.published, '2025-02-01T10:00:00Z');
      const c = r.entries.find((x) => x.id === 'https://arxiv.org/abs/2502.00002')!;
      assert.equal(c.title, 'Control characters and escapes');
    }
    // feedparser keeps only the last of repeated author elements in `author`: RSS carries the whole
    // list in one dc:creator, so `author` is every name; Atom's structured authors are all in `authors`.
    const rssThink = rss.entries.find((x) => x.id === `https://arxiv.org/abs/${THINK.arxivId}`)!;
    assert.equal(rssThink.author, THINK.authors!.join(', '));
    const atomThink = atom.entries.find((x) => x.id === `https://arxiv.org/abs/${THINK.arxivId}`)!;
    assert.deepEqual(atomThink.authors, THINK.authors);
  });
});
