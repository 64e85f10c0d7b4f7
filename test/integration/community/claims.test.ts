/**
 * Author pages, authorship claims and hidden papers, on both engines through inject(): the author page
 * (exact name, newest first, paged, feeds), claiming a paper (CSRF, sign-in, one open claim per paper),
 * the moderators' claims queue (only moderators decide; logged publicly), a verified claim in the
 * HF-shaped API and on the page and profile, hiding an attribution (only the claimant), mentions of
 * claimed authors by mail over loopback SMTP, and hiding a paper from lists, search and feeds.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PaperInput } from '../../../src/catalog/paper.ts';
import { community } from '../../../src/community/index.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { signInByLink, useCommunityServer, waitForMail } from '../../helpers/community.ts';

const ADA = 'Ada Lovelace';
const PAPER = '2405.12345'; // fixture: Ada Lovelace (claimed on HF by user "ada"), Alan Turing; daily list of 2024-05-21
const CLAIMED = '2501.10001'; // Charles Babbage, Ada Lovelace; daily list of 2025-01-02

/** 22 more papers by Ada (one a day), one by a longer name that must not match, one HF-claimed. */
function extraPapers(): PaperInput[] {
  const out: PaperInput[] = [];
  for (let i = 0; i < 22; i++) {
    const day = new Date(Date.UTC(2025, 0, 1 + i)).toISOString();
    out.push({ arxivId: `2501.${String(10000 + i)}`, title: `Engines ${i}`, abstract: 'Notes on the analytical engine.', authors: [i % 2 ? 'Charles Babbage' : ADA, ...(i % 2 ? [ADA] : [])], categories: ['cs.DM'], publishedAt: day, dailyDate: day.slice(0, 10), source: 'test' });
  }
  out.push({ arxivId: '2502.00001', title: 'Not her paper', abstract: 'x', authors: ['Ada Lovelace Jr'], categories: ['cs.DM'], publishedAt: '2025-02-01T00:00:00.000Z', source: 'test' });
  return out;
}

/** Poll `probe` until it gives `want` (pages cached by catalog sequence re-read it every 250 ms). */
async function eventually<T>(probe: () => Promise<T>, want: T, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const got = await probe();
    try {
      assert.deepEqual(got, want, what);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}


describeEngines('authors: author pages, claims, hidden papers', (ctx) => {
  const t = useCommunityServer(ctx, {}, extraPapers());
  const authorsJson = async (id = CLAIMED) => (await t.server.inject(`/api/papers/${id}`)).json().authors as Array<Record<string, unknown>>;

  it('an author page lists the papers carrying exactly that name, newest first, paged, with feeds', async () => {
    const first = await t.server.inject('/authors/Ada%20Lovelace');
    assert.equal(first.statusCode, 200);
    const ids = [...first.body.matchAll(/<article class="card[^"]*" data-id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(ids.length, 20, 'a page holds 20');
    assert.equal(ids[0], '2501.10021', 'newest first');
    assert.match(first.body, /23 papers with this author name, newest first · page 1 of 2/);
    assert.ok(!ids.includes('2502.00001'), 'a longer name is another author');
    const second = await t.server.inject('/authors/Ada%20Lovelace?p=2');
    const rest = [...second.body.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(rest, ['2501.10001', '2501.10000', PAPER]);
    assert.equal((await t.server.inject('/authors/Ada%20Lovelace?p=x')).statusCode, 400);
    // JSON in Hugging Face's paper shape.
    const api = (await t.server.inject('/api/authors/Ada%20Lovelace?p=2')).json();
    assert.deepEqual({ total: api.total, pages: api.pages, ids: api.papers.map((p: { id: string }) => p.id) }, { total: 23, pages: 2, ids: ['2501.10001', '2501.10000', PAPER] });
    // Feeds, linked from the page.
    assert.match(first.body, /<link rel="alternate" type="application\/atom\+xml" title="Papers by Ada Lovelace \(Atom\)" href="\/authors\/Ada%20Lovelace\/feed.atom">/);
    const atom = await t.server.inject('/authors/Ada%20Lovelace/feed.atom');
    assert.equal(atom.statusCode, 200);
    assert.equal(String(atom.headers['content-type']).split(';')[0], 'application/atom+xml');
    assert.equal([...atom.body.matchAll(/<entry>/g)].length, 23);
    const rss = await t.server.inject('/authors/Ada%20Lovelace/feed.rss');
    assert.match(rss.body, /<rss /);
    // Names on papers link to the author page.
    const paper = (await t.server.inject(`/papers/${PAPER}`)).body;
    assert.match(paper, /<a class="author" href="\/authors\/Ada%20Lovelace">Ada Lovelace<\/a>/);
    const unicode = await t.server.inject(`/authors/${encodeURIComponent('José Álvarez')}`);
    assert.match(unicode.body, /data-id="2310.06511"/);
    // Hostile names are text, and find nothing.
    for (const name of ['<script>alert(1)</script>', "' OR 1=1 --", '"', '%']) {
      const r = await t.server.inject(`/authors/${encodeURIComponent(name)}`);
      assert.equal(r.statusCode, 200, name);
      assert.ok(!r.body.includes('<script>alert'), 'escaped');
      assert.match(r.body, /0 papers with this author name/);
    }
  });

  it('claims: a member claims, a moderator verifies; the account shows on the paper, the API and the profile; only the claimant hides it', async () => {
    const c = community(t.app);
    await c.signIn.ensureUser('mod@example.org', 'moderator');
    const mod = await signInByLink(t.server, t.smtp, 'mod@example.org');
    const ada = await signInByLink(t.server, t.smtp, 'ada@example.org');
    await ada.post('/settings/profile', { name: 'Ada L.', handle: 'ada', bio: '', avatarUrl: '', links: '' });
    const bob = await signInByLink(t.server, t.smtp, 'bob@example.org');
    await bob.post('/settings/profile', { name: 'Bob', handle: 'bob', bio: '', avatarUrl: '', links: '' });

    // The paper page offers the claim to signed-in members; anonymous readers are asked to sign in.
    assert.match((await t.server.inject(`/papers/${CLAIMED}`)).body, /Are you an author of this paper\? <a href="\/signin\?next=/);
    const page = await ada.get(`/papers/${CLAIMED}`);
    assert.match(page.body, /<form class="stack" method="post" action="\/claims"><input type="hidden" name="_csrf"/);
    assert.match(page.body, /<option value="0">1\. Charles Babbage<\/option><option value="1">2\. Ada Lovelace<\/option>/);

    // CSRF and sign-in are required.
    assert.equal((await ada.post('/claims', { paper: CLAIMED, author: '0' }, { csrf: false })).statusCode, 403);
    assert.equal((await ada.json('POST', '/api/claims', { paper: CLAIMED, author: 1 }, { csrf: false })).json().code, 'CSRF_INVALID');
    assert.equal((await t.server.inject({ method: 'POST', url: '/api/claims', payload: { paper: CLAIMED, author: 0 } })).json().code, 'SIGN_IN_REQUIRED');
    assert.equal((await ada.json('POST', '/api/claims', { paper: CLAIMED, author: 7 })).json().code, 'BAD_REQUEST');

    const claimed = await ada.post('/claims', { paper: CLAIMED, author: '1' });
    assert.equal(claimed.statusCode, 303);
    assert.equal(claimed.headers.location, `/papers/${CLAIMED}#claim`);
    assert.match((await ada.get(`/papers/${CLAIMED}`)).body, /Your claim: you are <strong>Ada Lovelace<\/strong> \(author 2\) — waiting for a moderator/);
    assert.equal((await ada.json('POST', '/api/claims', { paper: CLAIMED, author: 0 })).json().code, 'CLAIM_REFUSED', 'one open claim per paper');
    const mine = (await ada.get('/api/me/claims')).json();
    assert.deepEqual(mine.map((x: { state: string; authorName: string }) => [x.state, x.authorName]), [['pending', ADA]]);
    const id = mine[0].id as number;
    assert.equal((await authorsJson())[1]!.user, undefined, 'not shown before a moderator verifies');

    // Only moderators see the queue and decide.
    assert.equal((await bob.get('/moderation')).statusCode, 403);
    assert.equal((await bob.post(`/moderation/claims/${id}/verify`, { reason: 'trust me' })).statusCode, 403);
    assert.equal((await ada.post(`/moderation/claims/${id}/verify`, { reason: 'it is me' })).statusCode, 403, 'not even the claimant');
    const queue = await mod.get('/moderation');
    assert.match(queue.body, /<h2>Authorship claims \(1\)<\/h2>/);
    assert.match(queue.body, /Ada L\. \(@ada\)<\/a> claims to be <a href="\/authors\/Ada%20Lovelace">Ada Lovelace<\/a>, author 2 of/);
    assert.equal((await mod.post(`/moderation/claims/${id}/verify`, { reason: '' })).statusCode, 400, 'a reason is required');
    const verified = await mod.post(`/moderation/claims/${id}/verify`, { reason: 'matches the e-mail on the paper' });
    assert.equal(verified.statusCode, 200);
    assert.match(verified.body, /No claims waiting/);
    assert.equal((await mod.post(`/moderation/claims/${id}/reject`, { reason: 'again' })).statusCode, 409, 'decided once');

    // The account on the paper: HF's shape (user, status claimed_verified, hidden), the page, lists, the profile.
    const [second, first] = await authorsJson();
    assert.deepEqual(first!.user, { user: 'ada', name: 'ada', fullname: 'Ada L.', type: 'user' });
    assert.equal(first!.status, 'claimed_verified');
    assert.equal(first!.hidden, false);
    assert.equal(typeof first!.statusLastChangedAt, 'string');
    assert.equal(second!.user, undefined);
    const dailyUser = async () => ((await t.server.inject('/api/daily_papers?date=2025-01-02')).json() as Array<{ paper: { id: string; authors: Array<{ user?: { user: string } }> } }>).find((e) => e.paper.id === CLAIMED)!.paper.authors[1]!.user?.user;
    await eventually(dailyUser, 'ada', 'lists cached by sequence show it');
    assert.match((await t.server.inject(`/papers/${CLAIMED}`)).body, /Authors on this site: <a href="\/authors\/Ada%20Lovelace">Ada Lovelace<\/a> is <a class="member" href="\/users\/ada">@ada<\/a>/);
    assert.match((await t.server.inject('/users/ada')).body, /<h2>Papers they wrote<\/h2>\s*<ul class="claimed"><li><a href="\/papers\/2501.10001">/);
    assert.deepEqual((await t.server.inject('/api/users/ada')).json().claimed.map((x: { paper: string }) => x.paper), [CLAIMED]);
    assert.match((await t.server.inject('/authors/Ada%20Lovelace?p=2')).body, /On this site: <a href="\/users\/ada">Ada L\. \(@ada\)<\/a>/);

    // A verified position cannot be claimed again; another position can, and a rejection keeps the claimant out of the log.
    assert.equal((await bob.json('POST', '/api/claims', { paper: CLAIMED, author: 1 })).json().code, 'CLAIM_REFUSED');
    const bobs = (await bob.json('POST', '/api/claims', { paper: CLAIMED, author: 0 })).json();
    assert.equal(bobs.state, 'pending');
    // IDOR: nobody but the claimant hides, shows or withdraws a claim.
    assert.equal((await bob.json('POST', `/api/claims/${id}/hide`)).statusCode, 403);
    assert.equal((await bob.post(`/claims/${id}/hide`)).statusCode, 403);
    assert.equal((await mod.json('POST', `/api/claims/${id}/hide`)).statusCode, 403, 'moderators do not hide a member’s attribution');
    assert.equal((await ada.json('POST', `/api/claims/${bobs.id}/withdraw`)).statusCode, 403);
    assert.equal((await mod.post(`/moderation/claims/${bobs.id}/reject`, { reason: 'Charles Babbage is not Bob' })).statusCode, 200);
    assert.equal((await bob.get('/api/me/claims')).json()[0].state, 'rejected');

    // The claimant hides a wrong attribution: HF's hidden flag, off the page and the public profile.
    assert.equal((await ada.post(`/claims/${id}/hide`)).statusCode, 303);
    assert.equal((await authorsJson())[1]!.hidden, true);
    assert.ok(!(await t.server.inject(`/papers/${CLAIMED}`)).body.includes('Authors on this site'));
    assert.match((await t.server.inject('/users/ada')).body, /None claimed yet/);
    assert.match((await ada.get('/users/ada')).body, /as Ada Lovelace · hidden/, 'the owner still sees it');
    assert.equal((await ada.json('POST', `/api/claims/${id}/show`)).json().hidden, false);
    assert.equal((await ada.json('POST', `/api/claims/${id}/withdraw`)).json().code, 'CLAIM_REFUSED', 'a verified claim is hidden, not withdrawn');

    const log = (await t.server.inject('/api/moderation/log')).json() as Array<{ action: string; target: string }>;
    assert.deepEqual(log.slice(0, 2).map((e) => [e.action, e.target]), [
      ['reject-claim', `a claim on author 1 (Charles Babbage) of ${CLAIMED}`],
      ['verify-claim', `author 2 (Ada Lovelace) of ${CLAIMED} is @ada`],
    ]);
    assert.ok(!JSON.stringify(log).includes('bob'), 'a rejected claimant is not named');

    // Mentions of the paper's claimed authors reach them by mail; other members get nothing.
    const carol = await signInByLink(t.server, t.smtp, 'carol@example.org');
    await carol.post('/settings/profile', { name: 'Carol', handle: 'carol', bio: '', avatarUrl: '', links: '' });
    const seen = t.smtp.messages.length;
    const comment = await carol.json('POST', '/api/comments', { paper: CLAIMED, body: 'Lovely proof, @ada — and @bob, see this.' });
    assert.equal(comment.statusCode, 200, comment.body);
    const mail = await waitForMail(t.smtp, 'ada@example.org', seen, /mentioned you/);
    assert.match(mail.text, /Carol \(@carol\) mentioned you in the discussion of your paper/);
    assert.match(mail.text, new RegExp(`https://papers\\.example\\.org/papers/${CLAIMED.replace('.', '\\.')}#c${comment.json().id}`));
    await c.mentions.drain();
    assert.ok(!t.smtp.messages.slice(seen).some((m) => m.to.includes('bob@example.org')), 'bob is not an author of this paper');
  });

  it('names in claims render as text everywhere they appear; hostile ids and positions are clear 400s', async () => {
    const c = community(t.app);
    await c.signIn.ensureUser('mod3@example.org', 'moderator');
    const mod = await signInByLink(t.server, t.smtp, 'mod3@example.org');
    const eve = await signInByLink(t.server, t.smtp, 'eve@example.org');
    const XSS = '<img src=x onerror=alert(1)>Eve';
    assert.equal((await eve.post('/settings/profile', { name: XSS, handle: 'eve', bio: '<script>alert(2)</script>', avatarUrl: '', links: '' })).statusCode, 200);
    for (const paper of ["' OR 1=1 --", '2501.10002; DROP TABLE author_claims', '<script>']) {
      assert.equal((await eve.json('POST', '/api/claims', { paper, author: 0 })).json().code, 'INVALID_ARXIV_ID', paper);
    }
    assert.equal((await eve.post('/claims', { paper: '2501.10002', author: "0 OR 1=1" })).statusCode, 400);
    const claim = (await eve.json('POST', '/api/claims', { paper: '2501.10002', author: 0 })).json();
    const queue = (await mod.get('/moderation')).body;
    assert.ok(queue.includes('&lt;img src=x onerror=alert(1)&gt;Eve (@eve)'), 'escaped in the queue');
    assert.ok(!queue.includes('<img src=x'), 'no markup from a name');
    assert.equal((await mod.post(`/moderation/claims/${claim.id}/verify`, { reason: '<b>ok</b>' })).statusCode, 200);
    for (const url of ['/authors/Ada%20Lovelace', '/users/eve', '/moderation/log', '/papers/2501.10002']) {
      const body = (await t.server.inject(url)).body;
      assert.ok(!body.includes('<img src=x') && !body.includes('<script>alert') && !body.includes('<b>ok</b>'), url);
    }
    assert.ok((await t.server.inject('/authors/Ada%20Lovelace')).body.includes('&lt;img src=x onerror=alert(1)&gt;Eve (@eve)'));
    assert.equal((await t.server.inject('/api/papers/2501.10002')).json().authors[0].user.fullname, XSS, 'JSON carries the text as it is');
  });

  it('moderators hide a paper: it leaves lists, search and feeds; its page says so; unhiding brings it back', async () => {
    const c = community(t.app);
    await c.signIn.ensureUser('mod2@example.org', 'moderator');
    const mod = await signInByLink(t.server, t.smtp, 'mod2@example.org');
    const member = await signInByLink(t.server, t.smtp, 'dave@example.org');
    const listed = async () => ((await t.server.inject('/api/daily_papers?date=2024-05-21')).json() as Array<{ paper: { id: string } }>).some((e) => e.paper.id === PAPER);
    const searched = async () => ((await t.server.inject('/api/search?q=Lovelace')).json().hits as Array<{ paper: { id: string } }>).some((h) => h.paper.id === PAPER);
    const inFeed = async () => (await t.server.inject('/authors/Ada%20Lovelace/feed.atom')).body.includes(`abs/${PAPER}<`);
    assert.deepEqual([await listed(), await searched(), await inFeed()], [true, true, true]);
    const total = async () => (await t.server.inject('/api/search?q=Lovelace')).json().total as number;
    const totalBefore = await total();

    assert.equal((await member.post('/moderation/papers', { paper: PAPER, action: 'hide', reason: 'x' })).statusCode, 403);
    assert.equal((await mod.post('/moderation/papers', { paper: PAPER, action: 'hide', reason: 'x' }, { csrf: false })).statusCode, 403, 'CSRF');
    assert.equal((await mod.post('/moderation/papers', { paper: PAPER, action: 'hide', reason: 'duplicate of 2405.12346' })).statusCode, 200);
    await t.app.search.syncOnce();
    const where = async () => [await listed(), await searched(), await inFeed()];
    await eventually(where, [false, false, false], 'gone from lists, search, feeds');
    assert.ok(!(await t.server.inject('/papers?date=2024-05-21')).body.includes(`data-id="${PAPER}"`));
    const page = await t.server.inject(`/papers/${PAPER}`);
    assert.equal(page.statusCode, 200, 'the page stays');
    assert.match(page.body, /Hidden by moderators on [^:]+: duplicate of 2405\.12346 It is not shown in lists, search results or feeds\./);
    // Search totals leave it out too (the index drops hidden papers, not just the page of results).
    await eventually(total, totalBefore - 1, 'the search total counts one paper fewer');
    // The API answers 410 with when and why for everyone but moderators, who still read it privately.
    for (const url of [`/api/papers/${PAPER}`, `/papers/${PAPER}.md`]) {
      const gone = await t.server.inject(url);
      assert.equal(gone.statusCode, 410, url);
      // The API answers in JSON, the Markdown URL with the error page: both say when and why.
      if (url.startsWith('/api/')) assert.equal(gone.json().code, 'PAPER_HIDDEN');
      assert.match(gone.body, /hidden by moderators on \d{4}-\d{2}-\d{2}: duplicate of 2405\.12346/);
      assert.equal((await member.get(url)).statusCode, 410, 'a member is the public');
      const seen = await mod.get(url);
      assert.equal(seen.statusCode, 200, url);
      assert.equal(seen.headers['cache-control'], 'private, no-store');
    }

    assert.equal((await mod.post('/moderation/papers', { paper: PAPER, action: 'unhide', reason: 'not a duplicate after all' })).statusCode, 200);
    await t.app.search.syncOnce();
    await eventually(where, [true, true, true], 'back in lists, search, feeds');
    await eventually(total, totalBefore, 'counted again');
    assert.equal((await t.server.inject(`/api/papers/${PAPER}`)).statusCode, 200);
    const log = (await t.server.inject('/api/moderation/log')).json() as Array<{ action: string; target: string }>;
    assert.deepEqual(log.slice(0, 2).map((e) => [e.action, e.target]), [['unhide-paper', PAPER], ['hide-paper', PAPER]]);
  });
});

describeEngines('authors: the claim rate limit', (ctx) => {
  const t = useCommunityServer(ctx, { RATE_LIMITS: 'claim=2/1h' }, extraPapers());

  it('claims are limited per account: 429 with Retry-After', async () => {
    const eve = await signInByLink(t.server, t.smtp, 'eve@example.org');
    for (const paper of ['2501.10000', '2501.10002']) assert.equal((await eve.json('POST', '/api/claims', { paper, author: 0 })).statusCode, 200);
    const over = await eve.json('POST', '/api/claims', { paper: '2501.10004', author: 0 });
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'RATE_LIMITED');
    assert.ok(Number(over.headers['retry-after']) > 0);
    // Per account: another member still may.
    const fay = await signInByLink(t.server, t.smtp, 'fay@example.org');
    assert.equal((await fay.json('POST', '/api/claims', { paper: '2501.10004', author: 0 })).statusCode, 200);
  });
});
