import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEngines } from '../../helpers/stores.ts';
import { signInByLink, useCommunityServer, type Client } from '../../helpers/community.ts';
import { parseXml, type El } from '../../helpers/xml.ts';
import { keyIn, named, tokenOf } from '../../helpers/collections.ts';

const A = '1706.03762';
const B = '2310.06511';
const C = 'hep-th/9901001';

const order = (body: string) => [...body.matchAll(/<li class="collection-item" id="p-[^"]+" data-id="([^"]+)"/g)].map((m) => m[1]);
const all = (e: El, local: string): El[] => [...(e.local === local ? [e] : []), ...e.children.flatMap((c) => all(c, local))];

describeEngines('collections: reading lists with notes, order, feeds and citations', (ctx) => {
  const t = useCommunityServer(ctx);
  let alice: Client;
  let key: string;

  before(async () => {
    alice = await named(await signInByLink(t.server, t.smtp, 'alice@example.org'), 'Alice Liddell', 'alice');
  });

  it('makes a collection by form (no JavaScript): private by default, at a shareable URL with a slug', async () => {
    const page = await alice.get('/collections');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form class="stack new-collection" method="post" action="\/collections"><input type="hidden" name="_csrf"/);
    const r = await alice.post('/collections', { name: 'Reading group: week 3', description: 'Attention\nand strings' });
    assert.equal(r.statusCode, 303, r.body);
    assert.match(String(r.headers.location), /^\/collections\/[a-z0-9]{12}-reading-group-week-3$/);
    key = keyIn(String(r.headers.location));
    const shown = await alice.get(String(r.headers.location));
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /<h1>Reading group: week 3<\/h1>/);
    assert.match(shown.body, /chip visibility private/);
    assert.match(shown.body, /<p class="description">Attention\nand strings<\/p>/);
    // The key alone works too, and an outdated slug: the key is what counts.
    assert.equal((await alice.get(`/collections/${key}`)).statusCode, 200);
    assert.equal((await alice.get(`/collections/${key}-old-name`)).statusCode, 200);
    assert.match((await alice.get('/collections')).body, new RegExp(`href="/collections/${key}-reading-group-week-3">Reading group: week 3</a>`));
  });

  it('adds from any card or paper page: a GET form to the picker, which saves with a note', async () => {
    const list = await alice.get('/papers?date=2026-08-24');
    const home = await alice.get('/');
    const page = await alice.get(`/papers/${B}`);
    assert.match(page.body, new RegExp(`<form class="collect-form big" method="get" action="/collections/add"><input type="hidden" name="paper" value="${B}">`));
    assert.ok(home.body.includes('class="collect-form"') || list.body.includes('class="collect-form"'), 'cards carry the save form');
    assert.ok(!(await t.server.inject({ url: '/' })).body.includes('collect-form'), 'anonymous (cached) lists hold no form');
    const anon = await t.server.inject({ url: `/papers/${B}` });
    assert.match(anon.body, /<a class="button subtle collect" href="\/signin\?next=%2Fpapers%2F2310.06511">Save to a collection<\/a>/);

    const picker = await alice.get(`/collections/add?paper=${B}&next=${encodeURIComponent(`/papers/${B}`)}`);
    assert.equal(picker.statusCode, 200);
    assert.match(picker.body, new RegExp(`<input type="radio" name="collection" value="${key}" checked>`));
    const saved = await alice.post('/collections/add', { paper: B, collection: key, note: 'Read §3 first.\nThen the appendix.', next: `/papers/${B}` });
    assert.equal(saved.statusCode, 303, saved.body);
    const back = await alice.get(String(saved.headers.location));
    assert.match(back.body, /Saved to “Reading group: week 3”/);
    assert.match(back.body, /<h2>In your collections<\/h2>/);
    assert.match(back.body, new RegExp(`action="/collections/${key}/items/remove"`));
    const shown = await alice.get(`/collections/${key}`);
    assert.deepEqual(order(shown.body), [B]);
    assert.match(shown.body, /<p class="item-note"><span class="sr-only">Note: <\/span>Read §3 first.\nThen the appendix.<\/p>/);
    // Saving again changes nothing but the note (when one is given): one entry per paper.
    await alice.post('/collections/add', { paper: B, collection: key, note: '' });
    assert.deepEqual(order((await alice.get(`/collections/${key}`)).body), [B]);
    assert.match((await alice.get(`/collections/${key}`)).body, /Read §3 first/);
  });

  it('the picker makes a new collection on the way; unknown papers are a clear 404', async () => {
    const r = await alice.post('/collections/add', { paper: A, collection: '', newName: 'Classics', note: '' });
    assert.equal(r.statusCode, 303, r.body);
    const mine = (await alice.json('POST', '/collections/add', { paper: C, collection: '', newName: 'Strings' })).json();
    assert.equal(mine.added, true);
    assert.equal(mine.collection.name, 'Strings');
    const missing = await alice.post('/collections/add', { paper: '2501.99999', collection: key });
    assert.equal(missing.statusCode, 404);
    const list = (await alice.get('/api/me/collections')).json();
    assert.deepEqual(list.map((c: { name: string }) => c.name).sort(), ['Classics', 'Reading group: week 3', 'Strings']);
  });

  it('reorders by move-up/down forms and by the API; removes; edits notes', async () => {
    await alice.post('/collections/add', { paper: A, collection: key });
    await alice.post('/collections/add', { paper: C, collection: key });
    assert.deepEqual(order((await alice.get(`/collections/${key}`)).body), [B, A, C]);
    const up = await alice.post(`/collections/${key}/items/move`, { paper: C, direction: 'up' });
    assert.equal(up.statusCode, 303);
    assert.deepEqual(order((await alice.get(`/collections/${key}`)).body), [B, C, A]);
    await alice.post(`/collections/${key}/items/move`, { paper: B, direction: 'up' });
    assert.deepEqual(order((await alice.get(`/collections/${key}`)).body), [B, C, A], 'the first stays first');
    await alice.post(`/collections/${key}/items/move`, { paper: B, direction: 'down' });
    assert.deepEqual(order((await alice.get(`/collections/${key}`)).body), [C, B, A]);
    const put = await alice.json('PUT', `/api/collections/${key}/order`, { papers: [A, B, C] });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json().papers.map((p: { paper: { id: string } }) => p.paper.id), [A, B, C]);
    assert.equal((await alice.json('PUT', `/api/collections/${key}/order`, { papers: [A, B] })).statusCode, 400, 'every paper, once');
    assert.equal((await alice.json('PUT', `/api/collections/${key}/order`, { papers: [A, A, B] })).statusCode, 400);
    assert.deepEqual(order((await alice.get(`/collections/${key}`)).body), [A, B, C], 'a refused order changes nothing');

    assert.equal((await alice.post(`/collections/${key}/items/note`, { paper: A, note: 'The transformer.' })).statusCode, 303);
    assert.match((await alice.get(`/collections/${key}`)).body, /The transformer\./);
    assert.equal((await alice.post(`/collections/${key}/items/remove`, { paper: C })).statusCode, 303);
    assert.deepEqual(order((await alice.get(`/collections/${key}`)).body), [A, B]);
    // An old-style id (with a slash) through the API's query parameter.
    await alice.json('POST', `/api/collections/${key}/items`, { paper: C });
    assert.deepEqual((await alice.json('DELETE', `/api/collections/${key}/items?paper=${encodeURIComponent(C)}`)).json(), { removed: true });
  });

  it('a public collection has RSS and Atom feeds and BibTeX/RIS exports; a private one has none for others', async () => {
    const rss = `/feeds/collections/${key}.rss`;
    assert.equal((await t.server.inject({ url: rss })).statusCode, 404, 'private: no feed');
    assert.equal((await t.server.inject({ url: `/collections/${key}/citations.bib` })).statusCode, 404);
    const own = await alice.get(`/collections/${key}/citations.bib`);
    assert.equal(own.statusCode, 200, 'the owner may export a private collection');
    assert.equal(own.headers['cache-control'], 'private, no-store');

    assert.equal((await alice.post(`/collections/${key}/edit`, { name: 'Reading group: week 3', description: '', visibility: 'public' })).statusCode, 303);
    const feed = await t.server.inject({ url: rss });
    assert.equal(feed.statusCode, 200);
    assert.match(String(feed.headers['content-type']), /^application\/rss\+xml/);
    const doc = parseXml(feed.body);
    assert.equal(all(doc, 'title')[0]!.text, 'Paperboy · Reading group: week 3');
    assert.equal(all(doc, 'item').length, 2);
    assert.match(all(doc, 'link')[0]!.text, new RegExp(`/collections/${key}-reading-group-week-3$`));
    const atom = await t.server.inject({ url: `/feeds/collections/${key}.atom` });
    assert.equal(all(parseXml(atom.body), 'entry').length, 2);
    const page = await t.server.inject({ url: `/collections/${key}` });
    assert.match(page.body, new RegExp(`<link rel="alternate" type="application/rss\\+xml" title="Collection: Reading group: week 3 \\(RSS\\)" href="/feeds/collections/${key}.rss">`));
    assert.equal(page.headers['cache-control'], 'public, no-cache');

    const bib = await t.server.inject({ url: `/collections/${key}/citations.bib` });
    assert.equal(bib.statusCode, 200);
    assert.match(String(bib.headers['content-type']), /^application\/x-bibtex/);
    assert.equal((bib.body.match(/^@/gm) ?? []).length, 2);
    assert.ok(bib.body.indexOf('Attention Is All You Need') < bib.body.indexOf('eprint = {2310.06511}'), "the owner's order");
    const ris = await t.server.inject({ url: `/collections/${key}/citations.ris` });
    assert.equal((ris.body.match(/^TY {2}- /gm) ?? []).length, 2);
  });

  it('the JSON API with a personal token: create, read, add, note, move, rename, delete', async () => {
    const token = await tokenOf(alice);
    const as = (method: string, url: string, payload?: unknown) =>
      t.server.inject({ method: method as 'GET', url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
    const made = await as('POST', '/api/collections', { name: 'By script', visibility: 'public' });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id as string;
    assert.equal(made.json().url, `https://papers.example.org/collections/${id}-by-script`);
    assert.equal((await as('POST', `/api/collections/${id}/items`, { paper: `https://arxiv.org/abs/${B}v2`, note: 'from a script' })).json().added, true);
    assert.equal((await as('POST', `/api/collections/${id}/items`, { paper: A })).json().added, true);
    const moved = await as('PATCH', `/api/collections/${id}/items`, { paper: A, move: 'up', note: 'now first' });
    assert.deepEqual(moved.json().papers.map((p: { paper: { id: string }; note: string }) => [p.paper.id, p.note]), [[A, 'now first'], [B, 'from a script']]);
    const read = (await t.server.inject({ url: `/api/collections/${id}` })).json();
    assert.equal(read.papers[0].paper.title, 'Attention Is All You Need');
    assert.equal(read.owner.handle, 'alice');
    assert.equal((await as('PATCH', `/api/collections/${id}`, { name: 'Renamed' })).json().name, 'Renamed');
    const withPaper = (await as('GET', `/api/me/collections?paper=${A}`)).json();
    assert.equal(withPaper.find((c: { id: string }) => c.id === id).hasPaper, true);
    assert.deepEqual((await as('DELETE', `/api/collections/${id}`)).json(), { deleted: true });
    assert.equal((await t.server.inject({ url: `/api/collections/${id}` })).statusCode, 404);
  });

  it('the profile lists public collections only; my data holds them all; deleting the account removes them', async () => {
    const secret = (await alice.json('POST', '/api/collections', { name: 'Secret list' })).json();
    await alice.json('POST', `/api/collections/${secret.id}/items`, { paper: A, note: 'private note' });
    const profile = await t.server.inject({ url: '/users/alice' });
    assert.match(profile.body, /<h2>Collections<\/h2>/);
    assert.match(profile.body, />Reading group: week 3<\/a>/);
    assert.ok(!profile.body.includes('Secret list'), 'private collections are not listed');
    assert.deepEqual((await t.server.inject({ url: '/api/users/alice/collections' })).json().map((c: { name: string }) => c.name), ['Reading group: week 3']);

    const data = JSON.parse((await alice.get('/settings/export.json')).body);
    const names = data.collections.map((c: { name: string }) => c.name).sort();
    assert.deepEqual(names, ['Classics', 'Reading group: week 3', 'Secret list', 'Strings']);
    assert.deepEqual(data.collections.find((c: { name: string }) => c.name === 'Secret list').papers.map((p: { paper: string; note: string }) => [p.paper, p.note]), [[A, 'private note']]);

    assert.equal((await alice.post('/settings/delete', { confirm: 'alice' })).statusCode, 303);
    const left = await ctx.store.db.selectFrom('collections').select('id').execute();
    const items = await ctx.store.db.selectFrom('collection_items').select('paper_id').execute();
    assert.deepEqual([left.length, items.length], [0, 0]);
    assert.equal((await t.server.inject({ url: `/collections/${key}` })).statusCode, 404);
  });
});
