/**
 * The digest from a member's account, on both engines: the settings page's digest section (plain forms
 * with CSRF, no JavaScript: subscribe, change, see a suspension, unsubscribe) and the subscription in
 * "download all my data" (settings, searches, follows, bounces, the digests sent — no token, no body).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addBounce } from '../../../src/digest/bounces.repo.ts';
import { deliveryFor } from '../../../src/digest/outbox.service.ts';
import { subscriptions } from '../../../src/digest/subscriptions-app.ts';
import { signInByLink, useCommunityServer } from '../../helpers/community.ts';
import { confirmToken, DIGEST_PAPERS, tokenOf } from '../../helpers/digest.ts';
import { describeEngines } from '../../helpers/stores.ts';

/** Noon UTC of the last Monday–Friday at least a day ago: a daily 08:00 UTC digest was due then. */
function lastWeekdayNoon(): Date {
  const d = new Date(Date.now() - 86_400_000);
  d.setUTCHours(12, 0, 0, 0);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() - 1);
  return d;
}

describeEngines('the digest in account settings and in my data', (ctx) => {
  const t = useCommunityServer(ctx, {}, DIGEST_PAPERS);

  it('settings: subscribe, change, see a suspension and unsubscribe with plain CSRF-protected forms', async () => {
    const m = await signInByLink(t.server, t.smtp, 'settings-reader@example.org');
    const page = await m.get('/settings');
    assert.match(page.body, /<h2 id="digest">Digest by e-mail<\/h2>/);
    assert.match(page.body, /You are not subscribed/);
    assert.match(page.body, /<form class="stack" method="post" action="\/settings\/digest"><input type="hidden" name="_csrf"/);
    const form = { frequency: 'weekly', weeklyDay: '3', hour: '7', timeZone: 'Europe/Paris', sectionsSet: '1', sections: 'trending', searches: 'diffusion', authors: 'Alan Turing', categories: 'cs.CL' };
    assert.equal((await m.post('/settings/digest', form, { csrf: false })).statusCode, 403, 'no CSRF token, nothing done');
    assert.equal(await subscriptions(t.app).byEmail('settings-reader@example.org'), null);
    const seen = t.smtp.messages.length;
    const saved = await m.post('/settings/digest', form);
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, '/settings?digest=saved#digest');
    const sub = (await subscriptions(t.app).byEmail('settings-reader@example.org'))!;
    assert.deepEqual(
      { status: sub.status, frequency: sub.frequency, weeklyDay: sub.weeklyDay, sendHour: sub.sendHour, timeZone: sub.timeZone, sections: sub.sections, searches: sub.searches, authors: sub.authors, categories: sub.categories },
      { status: 'active', frequency: 'weekly', weeklyDay: 3, sendHour: 7, timeZone: 'Europe/Paris', sections: ['trending'], searches: ['diffusion'], authors: ['Alan Turing'], categories: ['cs.CL'] },
    );
    const shown = (await m.get('/settings?digest=saved')).body;
    assert.match(shown, /Digest settings saved\./);
    assert.match(shown, /You get the digest <strong>weekly<\/strong> at 07:00 Europe\/Paris time/);
    assert.match(shown, /<option selected>Europe\/Paris<\/option>/);
    assert.ok(shown.includes(`href="${subscriptions(t.app).manageUrl(sub)}"`), 'links the manage page');

    // A bad field: the message names it, the form keeps what was typed, nothing changes.
    const bad = await m.post('/settings/digest', { ...form, timeZone: 'Mars/Olympus' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /time zone/i);
    assert.equal((await subscriptions(t.app).byId(sub.id))!.timeZone, 'Europe/Paris');
    // Changing it again goes through the same rules as the manage page.
    assert.equal((await m.post('/settings/digest', { ...form, frequency: 'daily', hour: '9', timeZone: 'UTC' })).statusCode, 303);
    assert.equal((await subscriptions(t.app).byId(sub.id))!.frequency, 'daily');

    await subscriptions(t.app).suspend(sub.id, 'mail to this address bounced 4 times (last: 550 5.1.1 no such user)');
    assert.match((await m.get('/settings')).body, /Sending is paused<\/strong> since .*550 5\.1\.1 no such user/);
    // The page says saving starts it again: it does, on the same subscription.
    assert.equal((await m.post('/settings/digest', { ...form, frequency: 'daily', hour: '9', timeZone: 'UTC' })).statusCode, 303);
    const resumed = (await subscriptions(t.app).byId(sub.id))!;
    assert.deepEqual([resumed.status, resumed.suspendedReason ?? null], ['active', null]);

    const manage = subscriptions(t.app).manageUrl(sub);
    assert.equal((await m.post('/settings/digest/unsubscribe', {}, { csrf: false })).statusCode, 403);
    const gone = await m.post('/settings/digest/unsubscribe');
    assert.equal(gone.statusCode, 200, gone.body);
    assert.match(gone.body, /You are unsubscribed from the digest/);
    assert.equal((await subscriptions(t.app).byId(sub.id))!.status, 'unsubscribed');
    assert.equal((await t.server.inject({ url: new URL(manage).pathname })).statusCode, 410, 'the old manage link stopped working');
    assert.match((await m.get('/settings')).body, /You are not subscribed/);
    assert.equal(t.smtp.messages.slice(seen).filter((x) => x.to.includes('settings-reader@example.org')).length, 0, 'an account needs no confirmation mail');
    // Without a session the forms are refused.
    assert.equal((await t.server.inject({ method: 'POST', url: '/settings/digest', payload: { frequency: 'daily' } })).statusCode, 401);
  });

  it('my data holds the subscription, its bounces and the digests sent, without tokens or message bodies', async () => {
    const m = await signInByLink(t.server, t.smtp, 'export-reader@example.org');
    assert.equal((await m.post('/settings/digest', { frequency: 'daily', hour: '8', timeZone: 'UTC', sectionsSet: '1', sections: 'trending', searches: 'attention' })).statusCode, 303);
    const sub = (await subscriptions(t.app).byEmail('export-reader@example.org'))!;
    // Subscribed a while ago, so the digest of a past day is due (and due now for the sender).
    await ctx.store.db.updateTable('subscribers').set({ confirmed_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', sub.id).execute();
    const delivery = deliveryFor(t.app);
    const built = await delivery.build('daily', lastWeekdayNoon());
    assert.ok(built.written >= 1, JSON.stringify(built));
    const sender = delivery.sender();
    await sender.drain();
    await sender.stop();
    await addBounce(ctx.store.db, { email: 'export-reader@example.org', kind: 'soft', code: 452, error: '452 4.2.2 mailbox full', now: new Date() });

    const r = await m.get('/settings/export.json');
    assert.equal(r.statusCode, 200);
    const [d] = r.json().digestSubscriptions;
    assert.equal(d.email, 'export-reader@example.org');
    assert.equal(d.status, 'active');
    assert.equal(d.linkedToAccount, true);
    assert.deepEqual(d.settings, { frequency: 'daily', sendHour: 8, timeZone: 'UTC', weeklyDay: 1, sections: ['trending'] });
    assert.deepEqual(d.savedSearches, ['attention']);
    assert.deepEqual(d.bounces.score, 1);
    assert.equal(d.digests.length, 1);
    assert.equal(d.digests[0].status, 'sent');
    assert.match(d.digests[0].subject, /^Paperboy: /);
    assert.ok(d.digests[0].papers.length >= 1);
    assert.deepEqual(d.papersSent.map((p: { paper: string }) => p.paper).sort(), [...d.digests[0].papers].sort());
    for (const url of [subscriptions(t.app).manageUrl(sub), subscriptions(t.app).unsubscribeUrl(sub)]) assert.ok(!r.body.includes(tokenOf(url)), 'no link token');
    assert.ok(!/hash|List-Unsubscribe|<html/i.test(r.body), 'no hashes, headers or bodies');
  });

  it('a subscription made by e-mail alone before the account existed belongs to the account: shown, managed, exported', async () => {
    const email = 'early-reader@example.org';
    const seen = t.smtp.messages.length;
    await subscriptions(t.app).subscribe({ email, settings: { frequency: 'weekly', weeklyDay: '5', hour: '6', timeZone: 'UTC', searches: 'transformers' } });
    await subscriptions(t.app).drain();
    await subscriptions(t.app).confirm(await confirmToken(t.smtp, email, seen));
    const sub = (await subscriptions(t.app).byEmail(email))!;
    assert.equal(sub.userId, null, 'made without an account');

    const m = await signInByLink(t.server, t.smtp, email);
    const page = (await m.get('/settings')).body;
    assert.doesNotMatch(page, /You are not subscribed/);
    assert.match(page, /You get the digest <strong>weekly<\/strong> at 06:00 UTC time/);
    assert.ok(page.includes(`href="${subscriptions(t.app).manageUrl(sub)}"`), 'links its manage page');
    const [d] = (await m.get('/settings/export.json')).json().digestSubscriptions;
    assert.deepEqual([d.email, d.status, d.savedSearches], [email, 'active', ['transformers']]);

    // Changing it from the account changes that subscription (no second one) and links it to the account.
    assert.equal((await m.post('/settings/digest', { frequency: 'daily', hour: '9', timeZone: 'UTC' })).statusCode, 303);
    const after = (await subscriptions(t.app).byId(sub.id))!;
    assert.equal(after.frequency, 'daily');
    assert.ok(after.userId !== null, 'linked to the account');
    assert.equal((await m.get('/settings/export.json')).json().digestSubscriptions[0].linkedToAccount, true);
    const gone = await m.post('/settings/digest/unsubscribe');
    assert.equal(gone.statusCode, 200, gone.body);
    assert.equal((await subscriptions(t.app).byId(sub.id))!.status, 'unsubscribed');
  });

  it('an unconfirmed e-mail subscription shows as waiting, and subscribing from the account starts it', async () => {
    const email = 'pending-reader@example.org';
    await subscriptions(t.app).subscribe({ email, settings: { hour: '10', timeZone: 'UTC' } });
    await subscriptions(t.app).drain();
    const m = await signInByLink(t.server, t.smtp, email);
    assert.match((await m.get('/settings')).body, /is waiting for its confirmation mail/);
    assert.equal((await m.post('/settings/digest', { frequency: 'daily', hour: '10', timeZone: 'UTC' })).statusCode, 303);
    assert.equal((await subscriptions(t.app).byEmail(email))!.status, 'active');
  });
});
