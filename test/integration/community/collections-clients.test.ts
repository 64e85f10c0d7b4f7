/**
 * A public collection as the real clients read it (Debian's packages, test/helpers/clients.ts):
 * feedparser for its RSS and Atom feeds, bibtexparser for its BibTeX, bibutils for its RIS.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEngines } from '../../helpers/stores.ts';
import { clientSkipReason, python, runWithInput } from '../../helpers/clients.ts';
import { signInByLink, useCommunityServer, type Client } from '../../helpers/community.ts';
import { keyIn, named } from '../../helpers/collections.ts';
import { parseXml, type El } from '../../helpers/xml.ts';

const NAME = `Tom & Jerry's <b>"reading"</b> list`;
const PAPERS = ['1706.03762', '2310.06511', 'hep-th/9901001'];

const FEED_SCRIPT = `
import sys, json, time, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
def stamp(t): return t and time.strftime('%Y-%m-%dT%H:%M:%SZ', t)
print(json.dumps({'bozo': bool(d.bozo), 'error': str(d.get('bozo_exception') or ''), 'version': d.version,
  'title': d.feed.get('title'), 'title_type': d.feed.get('title_detail', {}).get('type'), 'link': d.feed.get('link'),
  'entries': [{'id': e.get('id'), 'title': e.get('title'), 'link': e.get('link'), 'published': stamp(e.get('published_parsed')), 'updated': stamp(e.get('updated_parsed'))} for e in d.entries]}))`;

const BIB_SCRIPT = `
import sys, json, bibtexparser
from bibtexparser.bparser import BibTexParser
print(json.dumps([{'id': e['ID'], 'eprint': e.get('eprint'), 'title': e.get('title')} for e in bibtexparser.loads(sys.stdin.read(), parser=BibTexParser(common_strings=True)).entries]))`;

const kids = (e: El, local: string) => e.children.filter((c) => c.local === local);

describeEngines('collections read by real clients (feedparser, bibtexparser, bibutils)', (ctx) => {
  const t = useCommunityServer(ctx);
  let alice: Client;
  let key: string;
  const addedAt: string[] = [];

  before(async () => {
    alice = await named(await signInByLink(t.server, t.smtp, 'reader@example.org'), 'Tom', 'tom');
    key = keyIn(String((await alice.post('/collections', { name: NAME, description: 'Cartoons & <i>physics</i>', visibility: 'public' })).headers.location));
    for (const p of PAPERS) {
      const r = await alice.json('POST', `/api/collections/${key}/items`, { paper: p });
      assert.equal(r.statusCode, 200, r.body);
    }
    // Store distinct, known add times (a day apart) so dates and the newest-first order are exact.
    for (const [i, p] of PAPERS.entries()) {
      const at = `2026-03-0${i + 1}T10:00:00.000Z`;
      addedAt.push(at);
      const paperId = (await ctx.store.db.selectFrom('papers').select('id').where('arxiv_id', '=', p).executeTakeFirstOrThrow()).id;
      await ctx.store.db.updateTable('collection_items').set({ added_at: at }).where('paper_id', '=', paperId).execute();
    }
    // The owner's order, for the citations: the last first.
    await alice.json('PUT', `/api/collections/${key}/order`, { papers: [PAPERS[2], PAPERS[0], PAPERS[1]] });
  });

  const feedparserSkip = clientSkipReason('feedparser');
  it('feedparser reads both feeds: the name as text, newest-added first, dated when added', { skip: feedparserSkip ?? false }, async () => {
    type Read = { bozo: boolean; error: string; version: string; title: string; title_type: string; link: string; entries: Array<{ id: string; title: string; link: string; published: string | null; updated: string | null }> };
    for (const f of ['rss', 'atom'] as const) {
      const body = (await t.server.inject({ url: `/feeds/collections/${key}.${f}` })).body;
      const r = await python<Read>(FEED_SCRIPT, body);
      assert.equal(r.bozo, false, r.error);
      assert.equal(r.version, f === 'rss' ? 'rss20' : 'atom10');
      assert.equal(r.title, `Paperboy · ${NAME}`, 'the name exactly, markup characters as text');
      assert.match(r.link, new RegExp(`/collections/${key}-tom-jerry-s-b-reading-b-list$`));
      assert.deepEqual(r.entries.map((e) => e.id), [...PAPERS].reverse().map((p) => `https://arxiv.org/abs/${p}`));
      // RSS dates an item by pubDate; Atom by <updated> (its <published> is the paper's arXiv date).
      assert.deepEqual(r.entries.map((e) => (f === 'rss' ? e.published : e.updated)), [...addedAt].reverse().map((a) => a.replace('.000', '')));
      if (f === 'atom') assert.equal(r.entries[2]!.published, '2017-06-12T17:57:34Z');
      assert.equal(r.entries[2]!.title, 'Attention Is All You Need');
    }
  });

  const bibtexSkip = clientSkipReason('bibtexparser');
  it("bibtexparser reads every paper of the .bib, in the owner's order", { skip: bibtexSkip ?? false }, async () => {
    const bib = (await t.server.inject({ url: `/collections/${key}/citations.bib` })).body;
    const entries = await python<Array<{ id: string; eprint: string; title: string }>>(BIB_SCRIPT, bib);
    assert.deepEqual(entries.map((e) => e.eprint), [PAPERS[2], PAPERS[0], PAPERS[1]]);
    assert.equal(new Set(entries.map((e) => e.id)).size, 3, 'distinct citation keys');
  });

  const bibutilsSkip = clientSkipReason('bibutils');
  it('bibutils (ris2xml) reads every paper of the .ris', { skip: bibutilsSkip ?? false }, async () => {
    const ris = (await t.server.inject({ url: `/collections/${key}/citations.ris` })).body;
    const mods = parseXml((await runWithInput('/usr/bin/ris2xml', ['-i', 'utf8'], ris)).replace(/^\uFEFF/, ''));
    const titles = kids(mods, 'mods').map((m) => kids(kids(m, 'titleInfo')[0]!, 'title')[0]!.text);
    assert.equal(titles.length, 3);
    assert.equal(titles[1], 'Attention Is All You Need');
  });
});
