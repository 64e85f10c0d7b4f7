/**
 * Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core (no browser
 * download is possible here). Missing Chromium skips with a reason, except under CI=true.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { IN_CI } from './stores.ts';

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
