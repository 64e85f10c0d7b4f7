import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { App } from '../../src/app.ts';
import { browserSkipReason, startBrowsing } from '../helpers/browser.ts';

const skip = browserSkipReason();

describe('browsing in Chromium', { skip: skip ?? false }, () => {
  let app: App;
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    // A real day of the Hugging Face daily list.
    ({ app, browser, base, close } = await startBrowsing(['test/fixtures/hf-daily/2024-05-27.json']));
  });
  after(async () => close?.());

  it('opens the daily page, follows a paper and sees its abstract', async () => {
    await app.search.syncOnce();
    const page = await browser.newPage();
    const res = await page.goto(`${base}/`);
    assert.equal(res?.status(), 200);
    assert.match((await page.locator('h1').first().textContent()) ?? '', /May 27, 2024/);
    const cards = page.locator('article.card');
    assert.ok((await cards.count()) > 3, 'several papers listed');
    const first = cards.first().locator('h3 a');
    const title = ((await first.textContent()) ?? '').trim();
    const id = await cards.first().getAttribute('data-id');
    await first.click();
    await page.waitForURL(`**/papers/${id}`);
    assert.equal(((await page.locator('h1').textContent()) ?? '').trim(), title);
    const abstract = ((await page.locator('.abstract-full p').textContent()) ?? '').trim();
    assert.ok(abstract.length > 200, 'the whole abstract is shown');
    // The stylesheet loaded: cards and buttons are styled, not default blue links on white.
    const radius = await page.locator('.paper').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopLeftRadius: string } }).getComputedStyle(el).borderTopLeftRadius);
    assert.equal(radius, '12px');
    // The small client script swaps in the similar papers (a plain link without JavaScript).
    await page.locator('section.similar ul li a, section.similar p.muted').first().waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('searches from the header box, sees highlighted results and opens one', async () => {
    await app.search.syncOnce();
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.locator('header form.search input[name=q]').fill('diffusion');
    await page.locator('header form.search input[name=q]').press('Enter');
    await page.waitForURL('**/search?q=diffusion');
    const marks = page.locator('article.card mark');
    assert.ok((await marks.count()) > 0, 'matches are highlighted');
    assert.match(((await marks.first().textContent()) ?? '').toLowerCase(), /diffusion/);
    const first = page.locator('article.card h3 a').first();
    const id = await page.locator('article.card').first().getAttribute('data-id');
    await first.click();
    await page.waitForURL(`**/papers/${id}`);
    assert.match(((await page.locator('.abstract-full p').textContent()) ?? '').toLowerCase(), /diffusion/);
    await page.close();
  });
});
