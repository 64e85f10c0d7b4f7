/**
 * Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core (no browser
 * download is possible here). Missing Chromium skips with a reason, except under CI=true.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { readHfDaily } from '../../src/ingest/hf-daily.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { buildServer } from '../../src/web/server.ts';
import { IN_CI, tempDir } from './stores.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Null when Chromium can run here, else why not (and under CI that is an error). */
export function browserSkipReason(): string | null {
  if (fs.existsSync(CHROMIUM)) return null;
  const why = `Chromium not found at ${CHROMIUM} (apt-get install chromium)`;
  if (IN_CI) throw new Error(`CI=true and ${why}`);
  console.log(`# skipping browser test: ${why}`);
  return why;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A real server on a loopback port over a fresh SQLite catalog of Hugging Face day files (search index
 * synced), and Chromium: what the end-to-end tests drive.
 */
export async function startBrowsing(dayFiles: string[], opts: { repair?: boolean; env?: Record<string, string> } = {}): Promise<{ app: App; base: string; browser: Browser; close: () => Promise<void> }> {
  const dir = tempDir();
  const app = await createApp(loadConfig({ DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'e2e.db')}`, LOG_LEVEL: 'silent', DEMO_DATA: 'false', ...opts.env }));
  await ingest(app.store, 'hf-daily', readHfDaily(dayFiles.map((f) => path.resolve(f)), { repair: opts.repair ?? false }));
  await app.search.syncOnce();
  const server = await buildServer(app);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const browser = await launchBrowser();
  return {
    app,
    base,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      await app.close();
    },
  };
}

/**
 * Record a page's CSP violations (console reports and securitypolicyviolation events) from now on.
 * @example const violations = await watchCsp(page); await page.goto(url); assert.deepEqual(await violations(), [])
 */
export async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __csp: string[]; addEventListener(t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void };
    w.__csp = [];
    w.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return async () => [...violations, ...(await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp))];
}
