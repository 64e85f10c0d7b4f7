/**
 * The strict Content-Security-Policy holds in a real browser: Chromium reports no violation on the
 * pages people visit (daily list, paper page with its similar-papers script, search, feeds, error
 * pages, the API docs), and the page's own script and stylesheet still work under it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { readHfDaily } from '../../src/ingest/hf-daily.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { buildServer } from '../../src/web/server.ts';
import { browserSkipReason, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { tempDir } from '../helpers/stores.ts';

const skip = browserSkipReason();

describe('Content-Security-Policy in Chromium', { skip: skip ?? false }, () => {
  let app: App;
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    const dir = tempDir();
    app = await createApp(loadConfig({ DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'e2e.db')}`, LOG_LEVEL: 'silent', DEMO_DATA: 'false' }));
    await ingest(app.store, 'hf-daily', readHfDaily([path.resolve('test/fixtures/hf-daily/2024-05-27.json')]));
    await app.search.syncOnce();
    const server = await buildServer(app);
    await server.listen({ port: 0, host: '127.0.0.1' });
    const addr = server.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await launchBrowser();
    close = async () => {
      await browser.close();
      await server.close();
      await app.close();
    };
  });
  after(async () => close?.());

  it('no page triggers a CSP violation, and the page script still runs', async () => {
    const id = (await app.store.db.selectFrom('papers').select('arxiv_id').limit(1).executeTakeFirstOrThrow()).arxiv_id;
    for (const url of ['/', `/papers/${id}`, '/search?q=diffusion', '/feeds', '/nope', '/docs/static/index.html']) {
      const page = await browser.newPage();
      const violations = await watchCsp(page);
      const res = await page.goto(`${base}${url}`);
      assert.ok(res, url);
      if (url.startsWith('/papers/')) {
        // paperboy.js (a file under the CSP's script-src 'self') swaps the similar papers in.
        await page.locator('section.similar ul li a, section.similar p.muted').first().waitFor({ timeout: 10_000 });
      }
      if (url.startsWith('/docs')) await page.locator('.swagger-ui .info').first().waitFor({ timeout: 10_000 });
      assert.deepEqual(await violations(), [], `${url}: CSP violations`);
      await page.close();
    }
  });
});
