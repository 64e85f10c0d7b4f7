/**
 * Small helpers for the collections suites: a member with a chosen handle, a personal API token, and
 * the key inside a collection URL.
 */
import assert from 'node:assert/strict';
import type { Client } from './community.ts';

/** Give a signed-in client a name and handle (profile form). */
export async function named(c: Client, name: string, handle: string): Promise<Client> {
  const r = await c.post('/settings/profile', { name, handle, bio: '', avatarUrl: '', links: '' });
  assert.equal(r.statusCode, 200, r.body);
  return c;
}

/** A personal API token made on the settings page (shown once there). */
export async function tokenOf(c: Client): Promise<string> {
  const r = await c.post('/settings/tokens', { name: 'script' });
  const m = /<code class="token">(pb_[A-Za-z0-9_-]+)<\/code>/.exec(r.body);
  assert.ok(m, `no token on the settings page: ${r.statusCode}`);
  return m[1]!;
}

/** The key in a collection URL (`/collections/<key>-<slug>`). */
export const keyIn = (location: string): string => /\/collections\/([a-z0-9]{12})/.exec(location)![1]!;
