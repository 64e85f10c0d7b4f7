/**
 * Subscribing in a real browser (Chromium) under the strict CSP: the banner leads to the form, the page's
 * script preselects the browser's time zone, the mailed confirmation link (read from a loopback SMTP
 * server) shows a button that confirms, the manage page saves a change and unsubscribes — with no CSP
 * violation on any of these pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { App } from '../../src/app.ts';
import { subscriptions } from '../../src/digest/subscriptions-app.ts';
import { browserSkipReason, startBrowsing, watchCsp } from '../helpers/browser.ts';
import { confirmToken } from '../helpers/digest.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';

const skip = browserSkipReason();

describe('subscribing in Chromium', { skip: skip ?? false }, () => {
  let app: App;
  let browser: Browser;
  let smtp: TestSmtpServer;
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    smtp = await startSmtpServer();
    const b = await startBrowsing(['test/fixtures/hf-daily/2024-05-27.json'], { env: { SMTP_URL: smtp.url } });
    ({ app, browser, base } = b);
    close = async () => {
      await b.close();
      await smtp.close();
    };
  });
  after(async () => close?.());

  it('banner → form with the browser\'s zone → mailed link → confirm → manage → unsubscribe', async () => {
    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    const violations = await watchCsp(page);
    await page.goto(`${base}/`);
    await page.click('.digest-banner a');
    await page.waitForURL(`${base}/subscribe`);
    assert.equal(await page.locator('select[name="timeZone"]').inputValue(), 'Asia/Tokyo', 'subscribe.js preselected the browser zone');
    await page.fill('input[name="email"]', 'browser@example.org');
    await page.check('input[name="frequency"][value="weekly"]');
    await page.selectOption('select[name="hour"]', '7');
    await page.fill('textarea[name="searches"]', 'diffusion');
    const seen = smtp.messages.length;
    await page.click('form[action="/subscribe"] button[type="submit"]');
    await page.locator('h1', { hasText: 'Check your inbox' }).waitFor();
    assert.deepEqual(await violations(), [], 'CSP on the subscribe pages');

    const token = await confirmToken(smtp, 'browser@example.org', seen);
    await page.goto(`${base}/subscribe/confirm/${token}`);
    assert.equal((await subscriptions(app).byEmail('browser@example.org'))!.status, 'pending', 'opening the link confirms nothing');
    await page.click('button:has-text("Yes, subscribe")');
    await page.locator('h1', { hasText: 'Your digest' }).waitFor();
    const s = (await subscriptions(app).byEmail('browser@example.org'))!;
    assert.deepEqual([s.status, s.frequency, s.sendHour, s.timeZone, s.searches], ['active', 'weekly', 7, 'Asia/Tokyo', ['diffusion']]);
    assert.equal(await page.locator('select[name="timeZone"]').inputValue(), 'Asia/Tokyo', 'a chosen zone is kept, not re-detected');

    await page.selectOption('select[name="hour"]', '9');
    await page.click('form.stack button[type="submit"]');
    await page.locator('.notice', { hasText: 'Saved.' }).waitFor();
    assert.equal((await subscriptions(app).byEmail('browser@example.org'))!.sendHour, 9);

    await page.click('button:has-text("Unsubscribe browser@example.org")');
    await page.locator('h1', { hasText: 'You are unsubscribed' }).waitFor();
    assert.equal((await subscriptions(app).byEmail('browser@example.org'))!.status, 'unsubscribed');
    assert.deepEqual(await violations(), [], 'CSP on the confirmation and manage pages');
    await context.close();
  });

  it('the trending page shows why each paper trends, without CSP violations', async () => {
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    await page.goto(`${base}/trending`);
    const notes = await page.locator('article.card .note').allTextContents();
    assert.ok(notes.length > 0);
    for (const n of notes) assert.match(n, /^Why it is trending: \d+ upvotes? \+ 2 × \d+ comments? \+ 1 = \d+, (new today|\d+ days? old) \(× [\d.]+\) → [\d.]+$/);
    assert.deepEqual(await violations(), []);
    await page.close();
  });
});
