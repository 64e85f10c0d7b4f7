/**
 * The per-node session cache and its shared epoch (sessions.service.ts), with two session services on
 * one database standing for two app nodes: a session cached on node A ends within `cacheMs` when node B
 * signs it out, signs the member out everywhere, or changes the account; and A serves a busy session
 * from its cache (no lookup per request) while nothing changes.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSessions } from '../../../src/community/sessions.service.ts';
import { openStore } from '../../../src/store/db.ts';
import { describeEngines } from '../../helpers/stores.ts';

const CACHE_MS = 150;

/** Poll until `probe` is true, with a deadline well past CACHE_MS. */
async function within(ms: number, probe: () => Promise<boolean>, what: string): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > ms) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEngines('session cache across nodes (shared epoch)', (ctx) => {
  it('a change on one node reaches the other within cacheMs; unchanged sessions stay cached', async () => {
    // Node B has its own connections, as another process would.
    const storeB = ctx.engine === 'postgres' ? openStore(ctx.url) : ctx.store;
    try {
      const a = createSessions({ store: ctx.store, days: 30, cacheMs: CACHE_MS });
      const b = createSessions({ store: storeB, days: 30, cacheMs: CACHE_MS });
      const now = new Date().toISOString();
      const ids = [];
      for (const email of ['s1@example.org', 's2@example.org']) {
        const r = await ctx.store.db.insertInto('users').values({ email, handle: email.slice(0, 2), name: email, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
        ids.push(Number(r.id));
      }
      const [u1, u2] = ids as [number, number];
      const s1 = await b.start(u1, { userAgent: 't', ip: '127.0.0.1' });
      const s2 = await b.start(u2, { userAgent: 't', ip: '127.0.0.1' });
      assert.equal((await a.authenticate(s1))?.user.id, u1);
      assert.equal((await a.authenticate(s2))?.user.id, u2);

      // Cached: deleting the row behind the services' back is not seen (only the epoch tells A)...
      await ctx.store.db.deleteFrom('sessions').where('id_hash', '=', a.hashOf(s2)).execute();
      await new Promise((r) => setTimeout(r, CACHE_MS * 2));
      assert.equal((await a.authenticate(s2))?.user.id, u2, 'served from the cache while the epoch stands still');

      // ...while a sign-out on B reaches A within cacheMs, and takes the stale entry with it.
      await b.end(b.hashOf(s1));
      const took = await within(CACHE_MS * 4, async () => (await a.authenticate(s1)) === null, 'sign-out on another node');
      assert.ok(took <= CACHE_MS * 4, `${took} ms`);
      assert.equal(await a.authenticate(s2), null, 'the whole cache was dropped');

      // An account change on B (a role, a ban) reaches A's cached user within cacheMs.
      const s3 = await b.start(u1, { userAgent: 't', ip: '127.0.0.1' });
      assert.equal((await a.authenticate(s3))?.user.role, 'user');
      await ctx.store.db.updateTable('users').set({ role: 'moderator' }).where('id', '=', u1).execute();
      await b.forget(u1);
      await within(CACHE_MS * 4, async () => (await a.authenticate(s3))?.user.role === 'moderator', 'role change on another node');

      // Sign out everywhere on B.
      await b.endAll(u1);
      await within(CACHE_MS * 4, async () => (await a.authenticate(s3)) === null, 'sign out everywhere on another node');
    } finally {
      if (storeB !== ctx.store) await storeB.close();
    }
  });
});
