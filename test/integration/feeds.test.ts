import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { describeEngines } from '../helpers/stores.ts';
import { createTestServer } from '../helpers/server.ts';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['item', 'entry', 'link', 'category', 'author'].includes(name) });
type Node = Record<string, any>;

function text(v: unknown): string {
  return typeof v === 'object' && v !== null && '#text' in v ? String((v as Node)['#text']) : String(v);
}

/** Parse an RSS 2.0 document and check every required element; returns the items. */
function checkRss(xml: string): Node[] {
  const doc = parser.parse(xml) as Node;
  assert.equal(doc.rss?.['@_version'], '2.0');
  const ch = doc.rss.channel as Node;
  for (const k of ['title', 'link', 'description']) assert.ok(ch[k], `channel ${k}`);
  const items = (ch.item ?? []) as Node[];
  for (const it of items) {
    for (const k of ['guid', 'link', 'title', 'pubDate']) assert.ok(it[k], `item ${k} in ${JSON.stringify(it).slice(0, 200)}`);
    assert.match(text(it.guid), /^https:\/\/arxiv\.org\/abs\/[^v]+$/, 'the guid is the versionless arXiv abs URL');
    assert.ok(!Number.isNaN(Date.parse(it.pubDate)), 'pubDate is a date');
  }
  return items;
}

/** Parse an Atom document and check every required element; returns the entries. */
function checkAtom(xml: string): Node[] {
  const doc = parser.parse(xml) as Node;
  const feed = doc.feed as Node;
  assert.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
  for (const k of ['id', 'title', 'updated']) assert.ok(feed[k], `feed ${k}`);
  assert.match(feed.id, /^https:\/\/papers\.example\.org\/feeds\//);
  const entries = (feed.entry ?? []) as Node[];
  for (const e of entries) {
    for (const k of ['id', 'title', 'updated']) assert.ok(e[k], `entry ${k}`);
    assert.ok((e.link as Node[]).some((l) => String(l['@_href']).startsWith('https://papers.example.org/papers/')), 'entry link');
    assert.match(e.id, /^https:\/\/arxiv\.org\/abs\//);
  }
  return entries;
}

describeEngines('feeds', (ctx) => {
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, close } = await createTestServer(ctx.url, [
      { arxivId: '2405.11111', title: 'Older daily paper', categories: ['cs.LG'], publishedAt: '2024-05-18T00:00:00Z', dailyDate: '2024-05-19', upvotes: 3, source: 'test' },
    ]));
  });
  after(async () => close());

  const get = async (url: string) => {
    const r = await server.inject(url);
    assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 300)}`);
    return r;
  };

  it('daily: RSS and Atom carry the last 7 daily days, newest day first', async () => {
    const rss = await get('/feeds/daily.rss');
    assert.match(String(rss.headers['content-type']), /^application\/rss\+xml/);
    assert.match(String(rss.headers['cache-control']), /max-age=300/);
    assert.deepEqual(checkRss(rss.body).map((i) => text(i.guid)), ['https://arxiv.org/abs/2405.12345', 'https://arxiv.org/abs/2405.11111']);
    const atom = await get('/feeds/daily.atom');
    assert.match(String(atom.headers['content-type']), /^application\/atom\+xml/);
    assert.deepEqual(checkAtom(atom.body).map((e) => e.id), ['https://arxiv.org/abs/2405.12345', 'https://arxiv.org/abs/2405.11111']);
  });

  it('trending ranks by the decayed score', async () => {
    const items = checkRss((await get('/feeds/trending.rss')).body);
    assert.deepEqual(items.map((i) => text(i.guid)), ['https://arxiv.org/abs/2405.12345', 'https://arxiv.org/abs/2405.11111']);
    checkAtom((await get('/feeds/trending.atom')).body);
  });

  it('a category lists papers whose categories include it, newest first; special characters survive', async () => {
    const entries = checkAtom((await get('/feeds/category/cs.LG.atom')).body);
    assert.deepEqual(entries.map((e) => e.id), ['https://arxiv.org/abs/2405.12345', 'https://arxiv.org/abs/2405.11111', 'https://arxiv.org/abs/1706.03762']);
    const cv = checkRss((await get('/feeds/category/cs.CV.rss')).body);
    assert.equal(text(cv[0]!.title), 'Diffusion Models: “quotes”, <tags> & {braces} \\ backslash $x_1$');
    assert.equal(checkRss((await get('/feeds/category/math-ph.rss')).body).length, 1, 'hep-th/9901001 is in math-ph');
    assert.equal(checkRss((await get('/feeds/category/cs.C.rss')).body).length, 0, 'no prefix matches');
  });

  it('a search query has a feed (case-insensitive; papers with every word first)', async () => {
    const items = checkRss((await get('/feeds/search.rss?q=GRAPH%20neural')).body);
    // The paper with both words first, then one with only "neural".
    assert.deepEqual(items.map((i) => text(i.guid)), ['https://arxiv.org/abs/2405.12345', 'https://arxiv.org/abs/1706.03762']);
    const atom = await get('/feeds/search.atom?q=%E4%B8%AD%E6%96%87%20DASH');
    assert.deepEqual(checkAtom(atom.body).map((e) => e.id), ['https://arxiv.org/abs/2310.06511']);
    // One unmatched word does not empty the feed: papers with some of the words follow.
    assert.deepEqual(checkRss((await get('/feeds/search.rss?q=graph%20zebra')).body).map((i) => text(i.guid)), ['https://arxiv.org/abs/2405.12345']);
    assert.equal(checkRss((await get('/feeds/search.rss?q=zebra%20quagga')).body).length, 0);
  });

  it('bad feed requests are clear 400s', async () => {
    for (const url of ['/feeds/search.rss', '/feeds/search.atom?q=%20', '/feeds/category/cs%25.atom', '/feeds/category/cs.CL.json']) {
      const r = await server.inject(url);
      assert.equal(r.statusCode, 400, url);
    }
  });

  it('the feeds page advertises feeds with <link rel="alternate"> that resolve', async () => {
    const page = await get('/feeds');
    const links = [...page.body.matchAll(/<link rel="alternate" type="(application\/(?:rss|atom)\+xml)" title="[^"]+" href="([^"]+)">/g)];
    assert.equal(links.length, 4);
    for (const [, type, href] of links) {
      const r = await get(href!.replace(/&amp;/g, '&'));
      assert.equal(String(r.headers['content-type']).split(';')[0], type);
    }
  });
});
