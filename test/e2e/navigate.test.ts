import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, startBrowsing } from '../helpers/browser.ts';

const skip = browserSkipReason();

// Five real days of the Hugging Face daily list, months apart: Mon 2024-05-27, Thu 2025-01-02,
// Fri 2025-01-10, Tue 2025-01-21, Mon 2025-07-07. Every gap between them is a place navigation must jump.
describe('navigating the lists in Chromium', { skip: skip ?? false }, () => {
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    const files = fs.readdirSync('test/fixtures/hf-daily').map((f) => path.join('test/fixtures/hf-daily', f));
    ({ browser, base, close } = await startBrowsing(files, { repair: true }));
  });
  after(async () => close?.());

  const heading = async (page: Page) => ((await page.locator('h1').first().textContent()) ?? '').trim();
  const cards = (page: Page) => page.locator('article.card').count();
  const click = async (page: Page, selector: string, url: string) => {
    await Promise.all([page.waitForURL(`${base}${url}`), page.locator(selector).first().click()]);
    assert.ok((await cards(page)) > 0, `${url} lists papers`);
  };

  it('Previous / Next and the tabs only ever land on lists with papers', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    assert.equal(await heading(page), 'Mon, Jul 7, 2025');
    // Previous skips half a year of empty days.
    await click(page, 'a[rel=prev]', '/papers?date=2025-01-21');
    await click(page, 'a.tab:has-text("Weekly")', '/papers?week=2025-W04');
    await click(page, 'a[rel=prev]', '/papers?week=2025-W02');
    await click(page, 'a.tab:has-text("Monthly")', '/papers?month=2025-01');
    assert.equal(await heading(page), 'January 2025');
    // The month's Daily tab opens its latest day with papers, not Jan 31.
    await click(page, 'a.tab:has-text("Daily")', '/papers?date=2025-01-21');
    await click(page, 'a[rel=next]', '/papers?date=2025-07-07');
    assert.equal(await page.locator('span.next.disabled').count(), 1, 'no Next after the last day');
    await page.close();
  });

  it('the date picker goes to the nearest day with papers as soon as a day is picked', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/papers?date=2025-01-21`);
    assert.equal(await page.locator('form.date-picker button').isVisible(), false, 'with JavaScript the Go button is not needed');
    // Saturday Jan 11 has no papers; Friday Jan 10 is the nearest day that has.
    await Promise.all([page.waitForURL(`${base}/papers?date=2025-01-10`), page.locator('form.date-picker input[name=on]').fill('2025-01-11')]);
    assert.equal(await heading(page), 'Fri, Jan 10, 2025');
    assert.ok((await cards(page)) > 0);
    await page.close();
  });

  it('without JavaScript the picker is a plain form with a Go button, and the weekly picker opens a week', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/papers?week=2025-W02`);
    assert.equal(await page.locator('form.date-picker button').isVisible(), true);
    await page.locator('form.date-picker input[name=on]').fill('2024-06-15');
    await Promise.all([page.waitForURL(`${base}/papers?week=2024-W22`), page.locator('form.date-picker button').click()]);
    assert.match(await heading(page), /^Week 22, 2024/);
    assert.ok((await cards(page)) > 0);
    await context.close();
  });

  it('an author link opens that author’s papers; the search page has one search box', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/papers?date=2024-05-27`);
    const author = page.locator('article.card p.authors a.author').first();
    const name = ((await author.textContent()) ?? '').trim();
    // Author names link to the author's page (/authors/<name>, docs/community.md); the search by author is one click on.
    await Promise.all([page.waitForURL(/\/authors\//), author.click()]);
    assert.ok((await cards(page)) > 0, `papers by ${name}`);
    for (const text of await page.locator('article.card p.authors').allTextContents()) assert.ok(text.includes(name) || text.includes('et al.'), text);
    await page.goto(`${base}/search?q=${encodeURIComponent(`author:"${name}"`)}&sort=date`);
    assert.equal(await page.locator('input[name=q]').count(), 1, 'one search box on the search page');
    assert.equal(await page.locator('header form.search').count(), 0);
    assert.ok((await cards(page)) > 0, `the author search finds papers by ${name}`);
    await page.goto(`${base}/papers?date=2024-05-27`);
    assert.equal(await page.locator('input[name=q]').count(), 1, 'the header box on other pages');
    await page.close();
  });

  it('the favicon loads', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${base}/favicon.ico`);
    assert.equal(res?.status(), 200);
    assert.equal(res?.headers()['content-type'], 'image/x-icon');
    const svg = await page.goto(`${base}/static/favicon.svg`);
    assert.equal(svg?.status(), 200);
    await page.close();
  });
});
