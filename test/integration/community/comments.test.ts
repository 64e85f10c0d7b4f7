import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { signInByLink, useCommunityServer, type Client } from '../../helpers/community.ts';

const PAPER = '2310.06511';
const XSS = ['<script>window.pwned=1</script>', '<img src=x onerror="window.pwned=1">', '[click](javascript:window.pwned=1)', '<a href="javascript:alert(1)">x</a>', '$\\href{javascript:alert(1)}{x}$', '<svg onload=alert(1)>', '"><iframe src=//evil>'];

describeEngines('discussion: comments with Markdown and math', (ctx) => {
  // New-account limits apply to accounts under a day old here, so the tests can meet them.
  const t = useCommunityServer(ctx, { NEW_ACCOUNT_DAYS: '1', NEW_ACCOUNT_LINKS: '1' });
  let ada: Client;
  let bob: Client;
  before(async () => {
    ada = await signInByLink(t.server, t.smtp, 'ada@example.org');
    bob = await signInByLink(t.server, t.smtp, 'bob@example.org');
  });

  const page = async (c: Client) => (await c.get(`/papers/${PAPER}`)).body;

  it('a comment with math is rendered on the server as MathML, sanitized, and counted', async () => {
    const r = await ada.post('/comments', { paper: PAPER, body: 'The bound $O(n \\log n)$ holds:\n\n$$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$\n\nSee [the proof](https://example.org/proof).' });
    assert.equal(r.statusCode, 303);
    assert.match(String(r.headers.location), new RegExp(`^/papers/${PAPER}#c\\d+$`));
    const body = await page(ada);
    assert.match(body, /<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML"><semantics>/);
    assert.match(body, /<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" display="block">/);
    assert.match(body, /<a href="https:\/\/example.org\/proof" rel="nofollow ugc noopener">the proof<\/a>/);
    assert.ok(!/ style=/.test(body), 'no style attributes (strict CSP)');
    assert.match(body, /Discussion \(1\)/);
    const before = (await t.server.inject({ url: `/api/papers/${PAPER}` })).json().numComments as number;
    await community(t.app).counts.foldOnce();
    assert.equal((await t.server.inject({ url: `/api/papers/${PAPER}` })).json().numComments, before + 1);
  });

  it('threads replies under their parent; anonymous readers see the thread and a sign-in link', async () => {
    const list = (await t.server.inject({ url: `/api/comments?paper=${PAPER}` })).json();
    const parent = list.comments[0].id as number;
    const r = await bob.json('POST', '/api/comments', { paper: PAPER, body: 'A reply', parentId: parent });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().parentId, parent);
    const again = (await t.server.inject({ url: `/api/comments?paper=${PAPER}` })).json();
    assert.deepEqual(again.comments.map((c: { depth: number }) => c.depth), [0, 1]);
    assert.equal(again.numComments, 2);
    const anon = await t.server.inject({ url: `/papers/${PAPER}` });
    assert.match(anon.body, /class="comment depth-1"/);
    assert.match(anon.body, /Sign in to comment/);
    assert.ok(!anon.body.includes('name="_csrf"'), 'an anonymous page holds no forms with tokens');
  });

  it('edits keep the earlier version in a viewable history; only the author may edit or delete', async () => {
    const mine = await ada.json('POST', '/api/comments', { paper: PAPER, body: 'First take' });
    const id = mine.json().id as number;
    assert.equal((await bob.json('PATCH', `/api/comments/${id}`, { body: 'hijacked' })).statusCode, 403);
    assert.equal((await bob.json('DELETE', `/api/comments/${id}`)).statusCode, 403);
    assert.equal((await bob.post(`/comments/${id}/edit`, { body: 'hijacked' })).statusCode, 403);
    const edited = await ada.post(`/comments/${id}/edit`, { body: 'Second take, with $x^2$' });
    assert.equal(edited.statusCode, 303);
    const h = (await t.server.inject({ url: `/api/comments/${id}/history` })).json();
    assert.equal(h.comment.body, 'Second take, with $x^2$');
    assert.deepEqual(h.versions.map((v: { body: string }) => v.body), ['First take']);
    const historyPage = await t.server.inject({ url: `/comments/${id}/history` });
    assert.match(historyPage.body, /First take/);
    assert.match(await page(ada), new RegExp(`<a class="edited" href="/comments/${id}/history">edited</a>`));
    assert.equal((await ada.post(`/comments/${id}/delete`)).statusCode, 303);
    const after = (await t.server.inject({ url: `/api/comments?paper=${PAPER}` })).json();
    assert.ok(!after.comments.some((c: { id: number }) => c.id === id), 'a deleted comment without replies is gone');
  });

  it('code renders as code (inline and fenced, escaped); a deleted comment with replies keeps its place', async () => {
    const r = await ada.json('POST', '/api/comments', { paper: PAPER, body: 'Use `x < y` here:\n\n```python\nif a < b:\n    print("<b>")\n```' });
    assert.equal(r.statusCode, 200, r.body);
    const html = r.json().html as string;
    assert.match(html, /<code>x &lt; y<\/code>/);
    assert.match(html, /<pre><code class="language-python">if a &lt; b:\n {4}print\("&lt;b&gt;"\)\n<\/code><\/pre>/);
    assert.match(await page(bob), /<pre><code class="language-python">/, 'the page shows it too');
    const parent = r.json().id as number;
    await bob.json('POST', '/api/comments', { paper: PAPER, body: 'A reply to the code', parentId: parent });
    assert.equal((await ada.json('DELETE', `/api/comments/${parent}`)).statusCode, 200);
    const thread = (await t.server.inject({ url: `/api/comments?paper=${PAPER}` })).json();
    const kept = thread.comments.find((c: { id: number }) => c.id === parent);
    assert.deepEqual([kept.state, kept.body, kept.html], ['deleted', '', ''], 'the deleted comment stays, blank, for its reply');
    assert.ok(thread.comments.some((c: { parentId: number | null; body: string }) => c.parentId === parent && c.body === 'A reply to the code'));
    assert.match(await page(bob), /This comment was deleted/);
  });

  it('counts: numComments and discussionId in the comments API, numComments on the cards', async () => {
    const api = (await t.server.inject({ url: `/api/comments?paper=${PAPER}` })).json();
    assert.equal(api.discussionId, PAPER, 'our discussion is addressed by the paper');
    // The HF-shaped paper JSON says the same for a paper HF never discussed, and keeps HF's id for one it did.
    assert.equal((await t.server.inject({ url: `/api/papers/${PAPER}` })).json().discussionId, PAPER);
    assert.equal((await t.server.inject({ url: '/api/papers/2405.12345' })).json().discussionId, '664c1f3ad8f2f5a7e6d2a111');
    assert.equal(api.numComments, api.comments.filter((c: { state: string }) => c.state === 'visible').length);
    await community(t.app).counts.foldOnce();
    const shown = (await t.server.inject({ url: `/api/papers/${PAPER}` })).json().numComments as number;
    assert.ok(shown > 3, `the imported 3 plus the local comments (${shown})`);
    // A card (the author page, cached by catalog sequence: polled until the fold's new sequence shows).
    const deadline = Date.now() + 5000;
    for (;;) {
      const card = (await t.server.inject({ url: `/authors/${encodeURIComponent('José Álvarez')}` })).body;
      if (new RegExp(`<a class="comments" href="[^"]*${PAPER.replace('.', '\\.')}[^"]*">${shown} comments</a>`).test(card)) break;
      assert.ok(Date.now() < deadline, `no card shows ${shown} comments: ${/<a class="comments"[^>]*>[^<]*<\/a>/.exec(card)?.[0]}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  });

  it('reports go to the moderators once per member; nobody reports their own comment', async () => {
    const mine = (await ada.json('POST', '/api/comments', { paper: PAPER, body: 'Report me' })).json().id as number;
    assert.equal((await ada.json('POST', `/api/comments/${mine}/report`, { reason: 'me' })).statusCode, 400);
    assert.deepEqual((await bob.json('POST', `/api/comments/${mine}/report`, { reason: 'off-topic' })).json(), { created: true });
    assert.deepEqual((await bob.json('POST', `/api/comments/${mine}/report`, { reason: 'again' })).json(), { created: false });
    const form = await bob.post(`/comments/${mine}/report`, { reason: 'again' });
    assert.match(form.body, /reported this comment already/);
    const rows = await ctx.store.db.selectFrom('comment_reports').selectAll().where('comment_id', '=', mine).execute();
    assert.equal(rows.length, 1);
  });

  it('XSS payloads render inert and SQL-injection strings stay plain text', async () => {
    const body = [...XSS, "Robert'); DROP TABLE comments;--", "1' OR '1'='1"].join('\n\n');
    const r = await bob.json('POST', '/api/comments', { paper: PAPER, body });
    assert.equal(r.statusCode, 200);
    const html = r.json().html as string;
    // Every real tag of the output (escaped text is `&lt;…`, not a tag): no active element, no handler, no script URL.
    for (const m of html.matchAll(/<([a-z][a-z0-9-]*)\b([^>]*)>/gi)) {
      assert.ok(!/^(script|img|svg|iframe|object|embed|style|link|meta|form|input)$/i.test(m[1]!), m[0]);
      assert.ok(!/\son\w+\s*=/i.test(m[2]!) && !/javascript:/i.test(m[2]!) && !/\sstyle\s*=/i.test(m[2]!), m[0]);
    }
    assert.match(html, /Robert&#39;\); DROP TABLE comments;--|Robert'\); DROP TABLE comments;--/);
    assert.ok((await ctx.store.db.selectFrom('comments').select('id').execute()).length > 0, 'the table is still there');
  });

  it('new accounts are limited in links per comment; a locked thread takes no comments', async () => {
    const r = await bob.json('POST', '/api/comments', { paper: PAPER, body: 'See https://a.example and https://b.example' });
    assert.equal(r.statusCode, 429);
    assert.equal(r.json().code, 'NEW_ACCOUNT_LIMIT');
    assert.match(r.json().error, /at most 1 link/);
    const paperId = Number((await ctx.store.db.selectFrom('papers').select('id').where('arxiv_id', '=', PAPER).executeTakeFirstOrThrow()).id);
    await ctx.store.db.insertInto('discussions').values({ paper_id: paperId, locked_at: new Date().toISOString(), locked_by: null, lock_reason: 'heated' }).execute();
    const locked = await bob.json('POST', '/api/comments', { paper: PAPER, body: 'Still?' });
    assert.equal(locked.statusCode, 403);
    assert.equal(locked.json().code, 'THREAD_LOCKED');
    assert.match(await page(bob), /This discussion is locked: heated/);
    await ctx.store.db.deleteFrom('discussions').execute();
  });

  it('field limits: an empty or oversized comment is refused with a clear message', async () => {
    assert.equal((await ada.json('POST', '/api/comments', { paper: PAPER, body: '   ' })).json().code, 'BAD_REQUEST');
    const big = await ada.json('POST', '/api/comments', { paper: PAPER, body: 'x'.repeat(10_001) });
    assert.equal(big.json().code, 'FIELD_TOO_LONG');
    assert.match(big.json().error, /at most 10,000 characters/);
  });

  it('the JSON API takes an API token instead of a session', async () => {
    const token = (await community(t.app).tokens.create((await community(t.app).users.byEmail('ada@example.org')).id, 'api')).token;
    const r = await t.server.inject({ method: 'POST', url: '/api/comments', headers: { authorization: `Bearer ${token}` }, payload: { paper: PAPER, body: 'Posted by a script' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().author.handle, (await community(t.app).users.byEmail('ada@example.org')).handle);
  });
});
