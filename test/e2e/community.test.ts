/**
 * The community in Chromium: sign in by a magic link read from a loopback SMTP server, choose a name,
 * upvote without a reload, comment with math (rendered as MathML), submit a paper (metadata from the
 * fake arXiv API server), save it to a new collection with a note without a reload, and sign out —
 * with XSS payloads in the name, the comment and the collection note, checking that no script of
 * theirs runs and the strict CSP reports no violation on any page. Once per engine (SQLite, PostgreSQL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { buildServer } from '../../src/web/server.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { waitForMail } from '../helpers/community.ts';
import { arxivApi, startFakeServer, type FakeServer } from '../helpers/arxiv-server.ts';
import { freePort } from '../helpers/nodes.ts';
import { FIXTURE } from '../helpers/server.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import { createTestDatabase, engineSkipReason, ENGINES, tempDir, type TestDatabase } from '../helpers/stores.ts';

const skip = browserSkipReason();
const PWN = 'window.__pwned = 1';
const XSS_NAME = `<img src=x onerror="${PWN}">Eve`;
const XSS_COMMENT = `<script>${PWN}</script> <img src=x onerror="${PWN}"> [x](javascript:${PWN}) $\\href{javascript:${PWN}}{y}$`;
const XSS_NOTE = `<script>${PWN}</script><img src=x onerror="${PWN}"> read §2`;
const XSS_BIO = `<script>${PWN}</script><img src=x onerror="${PWN}"> I read papers`;
const XSS_COLLECTION = `<b onmouseover="${PWN}">Reading</b> list`;
/** A paper the fake arXiv API knows (recorded in test/fixtures/arxiv-api), not in the fixture catalog. */
const SUBMITTED = '2503.12229';

type W = { __pwned?: number; __csp: string[]; __marker?: number };

for (const engine of ENGINES) describe(`the community in Chromium [${engine}]`, { skip: skip ?? false }, async () => {
  // Both engines (issue 12, item 9): the same walk on SQLite and on PostgreSQL.
  const engineSkip = skip ? null : await engineSkipReason(engine);
  if (engineSkip) {
    it('needs PostgreSQL', { skip: engineSkip }, () => {});
    return;
  }
  let app: App;
  let db: TestDatabase;
  let smtp: TestSmtpServer;
  let arxiv: FakeServer;
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    const dir = tempDir();
    db = await createTestDatabase(engine);
    smtp = await startSmtpServer();
    arxiv = await startFakeServer(arxivApi);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await createApp(loadConfig({ DATA_DIR: dir, DATABASE_URL: db.url, LOG_LEVEL: 'silent', DEMO_DATA: 'false', BASE_URL: base, SMTP_URL: smtp.url,
      // The recorded paper is from March 2025: a long window lets it count as new.
      ARXIV_API_URL: `${arxiv.origin}/api/query`, ARXIV_DELAY_MS: '0', SUBMIT_MAX_AGE_DAYS: '100000' }));
    await ingest(app.store, 'jsonl', readJsonl([FIXTURE]));
    await app.search.syncOnce();
    const server = await buildServer(app);
    await server.listen({ port, host: '127.0.0.1' });
    browser = await launchBrowser();
    close = async () => {
      await browser.close();
      await server.close();
      await app.close();
      await smtp.close();
      await arxiv.close();
      await db.dispose();
    };
  });
  after(async () => close?.());

  /** Pages report CSP violations into window.__csp and the console. */
  async function watched(): Promise<{ page: Page; violations: string[] }> {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    await page.addInitScript(() => {
      const w = globalThis as unknown as W & { addEventListener(t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void };
      w.__csp = [];
      w.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    return { page, violations };
  }

  const state = (page: Page) => page.evaluate(() => {
    const w = globalThis as unknown as W;
    return { pwned: w.__pwned, csp: w.__csp, marker: w.__marker };
  });

  it('sign in by magic link → choose a name → upvote in place → comment with math → submit a paper → save it to a collection → sign out', async () => {
    const { page, violations } = await watched();
    await page.goto(`${base}/signin`);
    await page.locator('form[action="/signin"] input[name=email]').fill('eve@example.org');
    const seen = smtp.messages.length;
    await page.locator('form[action="/signin"] button[type=submit]').click();
    await page.locator('h1', { hasText: 'Check your inbox' }).waitFor();
    const mail = await waitForMail(smtp, 'eve@example.org', seen, /signin\/link/);
    const link = /(http:\/\/\S+\/signin\/link\?token=\S+)/.exec(mail.text)![1]!;
    assert.ok(link.startsWith(base), 'the link points at this site');
    await page.goto(link);
    await page.locator('button', { hasText: 'Sign in to Paperboy' }).click();
    await page.waitForURL('**/settings?welcome=1**');
    await page.locator('form[action="/settings/profile"] input[name=name]').fill(XSS_NAME);
    await page.locator('form[action="/settings/profile"] input[name=handle]').fill('eve');
    await page.locator('form[action="/settings/profile"] textarea[name=bio]').fill(XSS_BIO);
    await page.locator('form[action="/settings/profile"] button[type=submit]').click();
    await page.waitForURL(`${base}/`);
    assert.equal(((await page.locator('header a.me').textContent()) ?? '').trim(), XSS_NAME, 'the name shows as text');

    // Upvote the first card without a reload: a marker set on the page survives, the count moves.
    const card = page.locator('article.card').first();
    const before = Number(await card.locator('.vote-form .count').textContent());
    await page.evaluate(() => ((globalThis as unknown as W).__marker = 1));
    await card.locator('.vote-form button').click();
    await card.locator('.vote-form.voted').waitFor();
    assert.equal(Number(await card.locator('.vote-form .count').textContent()), before + 1);
    assert.equal(await card.locator('.vote-form .you').isVisible(), true, '"upvoted by you"');
    assert.equal((await state(page)).marker, 1, 'no page reload');

    // Comment with math and an XSS payload on that paper.
    const id = await card.getAttribute('data-id');
    await page.goto(`${base}/papers/${id}`);
    await page.locator('.discussion > form textarea[name=body]').fill(`Euler: $e^{i\\pi}+1=0$\n\n${XSS_COMMENT}`);
    await page.locator('.discussion > form button[type=submit]').click();
    await page.waitForURL(`**/papers/${id}#c*`);
    const comment = page.locator('article.comment').last();
    await comment.locator('math').first().waitFor();
    assert.match((await comment.locator('.comment-body').textContent()) ?? '', /<script>/, 'the payload shows as text');
    assert.equal(((await comment.locator('header .author').textContent()) ?? '').trim(), XSS_NAME);
    // The paper page's own vote control shows the vote too.
    assert.equal(await page.locator('.actions .vote-form.voted').count(), 1);

    // Submit a paper: its metadata comes from the (fake) arXiv API; it goes on today's list.
    await page.goto(`${base}/submit`);
    await page.locator('form[action="/submit"] input[name=paper]').fill(`https://arxiv.org/abs/${SUBMITTED}v1`);
    await page.locator('form[action="/submit"] button[type=submit]').click();
    await page.locator('.notice', { hasText: 'is on today’s list' }).waitFor();
    assert.ok(arxiv.requests.some((r) => r.params.get('id_list')?.includes(SUBMITTED)), 'asked the arXiv API');
    await page.locator('.notice a').click();
    await page.waitForURL(`**/papers/${SUBMITTED}`);
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /Submitted by/);

    // Save it to a new collection with a note, in place: the panel from /static/collections.js.
    await page.evaluate(() => ((globalThis as unknown as W).__marker = 2));
    await page.locator('.actions form.collect-form button').click();
    const panel = page.locator('.collect-panel');
    await panel.waitFor();
    await panel.locator('textarea[name=note]').fill(XSS_NOTE);
    await panel.locator('input[name=newName]').fill(XSS_COLLECTION);
    await panel.locator('form.collect-new button').click();
    await panel.locator('.collect-status', { hasText: 'Saved to the new collection' }).waitFor();
    assert.equal(await panel.locator('ul.collect-list input[type=checkbox]:checked').count(), 1);
    assert.equal(((await panel.locator('ul.collect-list .name').textContent()) ?? '').trim(), XSS_COLLECTION, 'the name shows as text');
    assert.equal((await state(page)).marker, 2, 'saved without a page reload');
    await panel.locator('button.collect-close').click();

    // The collection page: the paper with its note as text; make it public (a plain form).
    await page.goto(`${base}/collections`);
    await page.locator('ul.collections a', { hasText: XSS_COLLECTION }).click();
    await page.waitForURL('**/collections/*');
    const collectionUrl = page.url();
    assert.equal(((await page.locator('h1').textContent()) ?? '').trim(), XSS_COLLECTION);
    await page.locator(`li.collection-item[data-id="${SUBMITTED}"] .item-note`).waitFor();
    assert.match((await page.locator('.item-note').textContent()) ?? '', /<script>.*read §2/, 'the note shows as text');
    // A second paper (the upvoted one, through the JSON API with the page's CSRF token), then move it
    // up with the owner's form: in place, without a reload.
    const key = /\/collections\/([a-z0-9]{12})/.exec(collectionUrl)![1]!;
    const added = await page.evaluate(async ([k, paper]) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } } }).document;
      const csrf = doc.querySelector('meta[name="csrf-token"]').getAttribute('content')!;
      const r = await fetch(`/api/collections/${k}/items`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ paper }) });
      return r.status;
    }, [key, id!] as const);
    assert.equal(added, 200);
    await page.reload();
    const ids = () => page.locator('li.collection-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    assert.deepEqual(await ids(), [SUBMITTED, id]);
    await page.evaluate(() => ((globalThis as unknown as W).__marker = 3));
    await page.locator(`li.collection-item[data-id="${id}"] button[name=direction][value=up]`).click();
    await page.locator(`li.collection-item:first-child[data-id="${id}"]`).waitFor();
    assert.equal((await state(page)).marker, 3, 'moved without a reload');
    await page.reload();
    assert.deepEqual(await ids(), [id, SUBMITTED], 'the new order is stored');

    await page.locator('details.collection-settings summary').click();
    await page.locator('details.collection-settings input[value=public]').check();
    await page.locator('details.collection-settings form[action$="/edit"] button[type=submit]').click();
    await page.locator('.chip.visibility.public').waitFor();

    // Sign out from the header.
    await page.locator('header form.signout button').click();
    await page.waitForURL(`${base}/`);
    await page.locator('header a.signin').waitFor();
    // Signed out, the public collection shows the paper and the note, still as text.
    await page.goto(collectionUrl);
    await page.locator(`li.collection-item[data-id="${SUBMITTED}"] .item-note`, { hasText: 'read §2' }).waitFor();
    assert.equal(await page.locator('li.collection-item script, li.collection-item img[src="x"], h1 b').count(), 0, 'no element made from the payloads');
    // Signed out, the profile page shows the bio as text, and no element is made from it.
    await page.goto(`${base}/users/eve`);
    assert.equal(((await page.locator('p.bio').textContent()) ?? '').trim(), XSS_BIO, 'the bio shows as text');
    assert.equal(await page.locator('p.bio script, p.bio img').count(), 0, 'no element made from the bio');
    const onProfile = await state(page);
    assert.equal(onProfile.pwned, undefined, 'no script from the bio ran');
    assert.deepEqual(onProfile.csp, [], 'no CSP violation on the profile page');
    // Signed out, the paper page shows the comment and its math to anyone.
    await page.goto(`${base}/papers/${id}`);
    await page.locator('article.comment math').first().waitFor();
    await page.locator('a', { hasText: 'Sign in to comment' }).waitFor();
    const s = await state(page);
    assert.equal(s.pwned, undefined, 'no injected script ran');
    assert.deepEqual([...violations, ...s.csp], [], 'CSP violations');
    await page.close();
  });

});
