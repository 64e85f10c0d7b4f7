import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { createClient, signInByLink, useCommunityServer, type Client } from '../../helpers/community.ts';
import { keyIn, named, tokenOf } from '../../helpers/collections.ts';
import { parseXml } from '../../helpers/xml.ts';

const A = '1706.03762';
const B = '2310.06511';
const C = '2401.00001';
const XSS = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">`;
const SQLI = `x'); DROP TABLE collections; --`;
/** A name has at most 100 characters: the image payload alone, with the SQL. */
const XSS_NAME = `<img src=x onerror="window.__pwned=1"> ${SQLI}`;

describeEngines('collections: CSRF, privacy (IDOR), limits, XSS, SQL injection, rate limit', (ctx) => {
  const t = useCommunityServer(ctx, { COLLECTION_MAX_PAPERS: '3', COLLECTIONS_PER_USER: '4', RATE_LIMITS: 'collection=60/1m' });
  let alice: Client;
  let bob: Client;
  let secret: string;
  let open: string;

  before(async () => {
    alice = await named(await signInByLink(t.server, t.smtp, 'alice@example.org'), 'Alice', 'alice');
    bob = await named(await signInByLink(t.server, t.smtp, 'bob@example.org'), 'Bob', 'bob');
    secret = keyIn(String((await alice.post('/collections', { name: 'Secret', visibility: 'private' })).headers.location));
    open = keyIn(String((await alice.post('/collections', { name: 'Open', visibility: 'public' })).headers.location));
    await alice.post('/collections/add', { paper: A, collection: secret, note: 'private thoughts' });
    await alice.post('/collections/add', { paper: A, collection: open });
  });

  it('every form and cookie-authenticated JSON write needs the CSRF token; without it nothing changes', async () => {
    const forms: Array<[string, Record<string, string>]> = [
      ['/collections', { name: 'Forged' }],
      ['/collections/add', { paper: B, collection: open }],
      [`/collections/${open}/edit`, { name: 'Forged', visibility: 'private' }],
      [`/collections/${open}/delete`, { confirm: 'yes' }],
      [`/collections/${open}/items/remove`, { paper: A }],
      [`/collections/${open}/items/move`, { paper: A, direction: 'down' }],
      [`/collections/${open}/items/note`, { paper: A, note: 'forged' }],
    ];
    for (const [url, form] of forms) {
      const r = await alice.post(url, form, { csrf: false });
      assert.equal(r.statusCode, 403, url);
      assert.match(r.body, /This form has expired or did not come from this site/);
      const wrong = await alice.post(url, { ...form, _csrf: 'not-a-token' });
      assert.equal(wrong.statusCode, 403, url);
    }
    const writes: Array<['POST' | 'PATCH' | 'DELETE' | 'PUT', string, unknown]> = [
      ['POST', '/api/collections', { name: 'Forged' }],
      ['PATCH', `/api/collections/${open}`, { name: 'Forged' }],
      ['DELETE', `/api/collections/${open}`, undefined],
      ['POST', `/api/collections/${open}/items`, { paper: B }],
      ['PATCH', `/api/collections/${open}/items`, { paper: A, note: 'forged' }],
      ['DELETE', `/api/collections/${open}/items?paper=${A}`, undefined],
      ['PUT', `/api/collections/${open}/order`, { papers: [A] }],
    ];
    for (const [method, url, body] of writes) {
      const r = await alice.json(method, url, body, { csrf: false });
      assert.equal(r.statusCode, 403, `${method} ${url}`);
      assert.equal(r.json().code, 'CSRF_INVALID');
    }
    const mine = (await alice.get('/api/me/collections')).json();
    assert.deepEqual(mine.map((c: { name: string; numPapers: number }) => [c.name, c.numPapers]).sort(), [['Open', 1], ['Secret', 1]]);
    assert.doesNotMatch((await alice.get(`/collections/${open}`)).body, /forged/);
  });

  it("nobody sees another's private collection — page, feed, exports, API: 404, exactly as for a key that does not exist", async () => {
    const anon = createClient(t.server);
    const bobToken = await tokenOf(bob);
    const ghost = 'zzzzzzzzzzzz';
    const urls = (k: string) => [`/collections/${k}`, `/collections/${k}-secret`, `/feeds/collections/${k}.rss`, `/feeds/collections/${k}.atom`, `/collections/${k}/citations.bib`, `/collections/${k}/citations.ris`, `/api/collections/${k}`];
    for (const [i, url] of urls(secret).entries()) {
      const ghostUrl = urls(ghost)[i]!;
      for (const [who, get] of [
        ['anonymous', (u: string) => anon.get(u)],
        ['bob', (u: string) => bob.get(u)],
        ['bob by token', (u: string) => t.server.inject({ url: u, headers: { authorization: `Bearer ${bobToken}` } })],
      ] as const) {
        const r = await get(url);
        assert.equal(r.statusCode, 404, `${who} ${url}`);
        assert.ok(!r.body.includes('Secret') && !r.body.includes('private thoughts'), `${who} ${url} reveals nothing`);
        const g = await get(ghostUrl);
        assert.equal(g.statusCode, 404);
        assert.equal(r.body.replaceAll(secret, 'KEY'), g.body.replaceAll(ghost, 'KEY'), `${who}: the same answer as a missing key (${url})`);
      }
    }
    assert.equal((await alice.get(`/collections/${secret}`)).statusCode, 200, 'its owner sees it');
    assert.ok(!(await bob.get('/api/me/collections')).body.includes('Secret'));
    assert.ok(!(await t.server.inject({ url: '/api/users/alice/collections' })).body.includes('Secret'));
    assert.ok(!(await t.server.inject({ url: '/users/alice' })).body.includes('Secret'));
  });

  it("nobody changes another's collection: 404 for a private one, 403 for a public one; by form, cookie or token", async () => {
    const bobToken = await tokenOf(bob);
    const byToken = (method: string, url: string, payload?: unknown) => t.server.inject({ method: method as 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${bobToken}` } });
    for (const [k, status] of [[secret, 404], [open, 403]] as const) {
      assert.equal((await bob.post(`/collections/${k}/edit`, { name: 'Mine now', visibility: 'public' })).statusCode, status);
      assert.equal((await bob.post(`/collections/${k}/delete`, { confirm: 'yes' })).statusCode, status);
      assert.equal((await bob.post(`/collections/${k}/items/remove`, { paper: A })).statusCode, status);
      assert.equal((await bob.post(`/collections/${k}/items/note`, { paper: A, note: 'defaced' })).statusCode, status);
      assert.equal((await bob.post('/collections/add', { paper: B, collection: k })).statusCode, status);
      assert.equal((await bob.json('PATCH', `/api/collections/${k}`, { visibility: 'public' })).statusCode, status);
      assert.equal((await byToken('DELETE', `/api/collections/${k}`)).statusCode, status);
      assert.equal((await byToken('POST', `/api/collections/${k}/items`, { paper: B })).statusCode, status);
      assert.equal((await byToken('PUT', `/api/collections/${k}/order`, { papers: [A] })).statusCode, status);
    }
    // A revoked token acts as nobody: 401, never anonymous.
    const settings = await bob.get('/settings');
    const id = /name="id" value="(\d+)"/.exec(settings.body)![1]!;
    await bob.post('/settings/tokens/revoke', { id });
    const revoked = await byToken('POST', '/api/collections', { name: 'After revoking' });
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.json().code, 'TOKEN_INVALID');
    const own = (await alice.get(`/api/collections/${secret}`)).json();
    assert.deepEqual([own.name, own.visibility, own.papers.map((p: { note: string }) => p.note)], ['Secret', 'private', ['private thoughts']]);
  });

  it('size limits: name, description and note lengths; papers per collection and collections per member (even racing)', async () => {
    const long = await alice.json('POST', '/api/collections', { name: 'n'.repeat(101) });
    assert.equal(long.statusCode, 400);
    assert.equal(long.json().code, 'FIELD_TOO_LONG');
    assert.match(long.json().error, /Name has at most 100 characters/);
    assert.equal((await alice.json('POST', '/api/collections', { name: '   ' })).statusCode, 400);
    assert.equal((await alice.json('PATCH', `/api/collections/${open}`, { description: 'd'.repeat(1001) })).json().code, 'FIELD_TOO_LONG');
    const note = await alice.json('PATCH', `/api/collections/${open}/items`, { paper: A, note: 'x'.repeat(1001) });
    assert.match(note.json().error, /Note has at most 1000 characters/);
    const form = await alice.post('/collections', { name: 'n'.repeat(101) });
    assert.equal(form.statusCode, 400, 'the form shows the message on the page');
    assert.match(form.body, /Name has at most 100 characters/);

    // Three papers at most: four adds at once, exactly three land.
    const racing = await Promise.all([A, B, C, 'hep-th/9901001'].map((p) => alice.json('POST', `/api/collections/${secret}/items`, { paper: p })));
    const codes = racing.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [200, 200, 200, 422], racing.map((r) => r.body).join('\n'));
    assert.match(racing.find((r) => r.statusCode === 422)!.json().error, /holds 3 papers, the most a collection can hold here/);
    assert.equal((await alice.get(`/api/collections/${secret}`)).json().papers.length, 3);

    // Four collections each at most (alice has two): three made at once, two land.
    const made = await Promise.all([1, 2, 3].map((i) => alice.json('POST', '/api/collections', { name: `More ${i}` })));
    assert.deepEqual(made.map((r) => r.statusCode).sort(), [201, 201, 422]);
    assert.equal(made.find((r) => r.statusCode === 422)!.json().code, 'COLLECTION_LIMIT');
  });

  it('XSS payloads in names, descriptions and notes render as text in pages and feeds; SQL stays text', async () => {
    const c = await signInByLink(t.server, t.smtp, 'mallory@example.org');
    const created = await c.json('POST', '/api/collections', { name: XSS_NAME, description: XSS, visibility: 'public' });
    assert.equal(created.statusCode, 201, created.body);
    const made = created.json();
    await c.json('POST', `/api/collections/${made.id}/items`, { paper: A, note: `${XSS}\n${SQLI}` });
    const page = await t.server.inject({ url: `/collections/${made.id}` });
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<script>window.__pwned') && !page.body.includes('<img src=x'), 'no live markup');
    assert.ok(page.body.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;'));
    assert.ok(page.body.includes('<h1>&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; x&#39;); DROP TABLE collections; --</h1>'));
    const own = await c.get(`/collections/${made.id}`);
    assert.ok(!own.body.includes('<script>window.__pwned') && !own.body.includes('<img src=x'), "the owner's forms escape too");
    const feed = parseXml((await t.server.inject({ url: `/feeds/collections/${made.id}.atom` })).body);
    assert.equal(feed.children.find((e) => e.local === 'title')!.text, `Paperboy · ${XSS_NAME}`, 'text, not markup, in the feed');
    assert.equal(feed.children.find((e) => e.local === 'subtitle')!.text, XSS);
    const json = (await t.server.inject({ url: `/api/collections/${made.id}` })).json();
    assert.equal(json.papers[0].note, `${XSS}\n${SQLI}`, 'stored exactly as given');
    assert.ok((await ctx.store.db.selectFrom('collections').select('id').execute()).length > 0, 'the table is still there');
    // Injection in the key or query: no such collection, not an error.
    assert.equal((await t.server.inject({ url: `/collections/${encodeURIComponent("' OR 1=1 --")}` })).statusCode, 404);
    assert.equal((await t.server.inject({ url: `/api/collections/${encodeURIComponent("x' OR '1'='1")}` })).statusCode, 404);
    assert.equal((await c.json('DELETE', `/api/collections/${made.id}/items?paper=${encodeURIComponent("1' OR '1'='1")}`)).statusCode, 400);
  });

  it('a banned member can read but not write collections, by token too', async () => {
    const carl = await named(await signInByLink(t.server, t.smtp, 'carl@example.org'), 'Carl', 'carl');
    const token = await tokenOf(carl);
    const k = keyIn(String((await carl.post('/collections', { name: 'Before the ban', visibility: 'public' })).headers.location));
    const admin = (await community(t.app).signIn.ensureUser('admin@example.org', 'admin')).user;
    await community(t.app).moderation.ban(admin, 'carl', 'spam lists');
    const r = await t.server.inject({ method: 'POST', url: '/api/collections', payload: { name: 'After the ban' }, headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().code, 'USER_BANNED');
    const add = await t.server.inject({ method: 'POST', url: `/api/collections/${k}/items`, payload: { paper: A }, headers: { authorization: `Bearer ${token}` } });
    assert.equal(add.json().code, 'USER_BANNED');
    assert.equal((await t.server.inject({ url: `/api/collections/${k}`, headers: { authorization: `Bearer ${token}` } })).statusCode, 200, 'reading still works');
  });

  it('no open redirect through the picker: `next` is a local path or /', async () => {
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const r = await alice.post('/collections/add', { paper: B, collection: open, next });
      assert.equal(r.statusCode, 303);
      assert.match(String(r.headers.location), /^\/collections\/add\?paper=[^&]+&next=%2F&saved=/, next);
      const page = await alice.get(`/collections/add?paper=${B}&next=${encodeURIComponent(next)}`);
      assert.match(page.body, /<input type="hidden" name="next" value="\/">/, next);
    }
  });

  it('collection writes are rate limited per account (429 with Retry-After)', async () => {
    const c = await signInByLink(t.server, t.smtp, 'busy@example.org');
    const k = (await c.json('POST', '/api/collections', { name: 'Busy' })).json().id as string;
    let limited;
    for (let i = 0; i < 70 && !limited; i++) {
      const r = await c.json('PATCH', `/api/collections/${k}`, { name: `Busy ${i}` });
      if (r.statusCode === 429) limited = r;
      else assert.equal(r.statusCode, 200, r.body);
    }
    assert.ok(limited, 'limited within 70 writes');
    assert.equal(limited.json().code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // The form path shares the budget; another member is not affected.
    assert.equal((await c.post(`/collections/${k}/edit`, { name: 'x', visibility: 'private' })).statusCode, 429);
    assert.equal((await bob.json('POST', '/api/collections', { name: 'Bob still writes' })).statusCode, 201);
  });
});
