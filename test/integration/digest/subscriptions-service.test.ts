/**
 * The subscriptions service as the mail side and the routes use it, on both engines: double opt-in
 * over real SMTP, signed links (forgery, reuse after unsubscribing), due-ness in the subscriber's zone
 * and the weekday rule, sections through the product's search, at-most-once per paper, suspension.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { addBounce, bounceScore, markSuspended, suspendedCount } from '../../../src/digest/bounces.repo.ts';
import { isAppError } from '../../../src/errors.ts';
import { useCommunityServer } from '../../helpers/community.ts';
import { clockedSubscriptions, confirmToken, DIGEST_PAPERS, tokenOf } from '../../helpers/digest.ts';
import { describeEngines } from '../../helpers/stores.ts';

describeEngines('digest subscriptions service', (ctx) => {
  const t = useCommunityServer(ctx, {}, DIGEST_PAPERS);
  // Wednesday 2026-08-19, 06:00 UTC: before anyone's 8 o'clock in Europe or America.
  const clock = { now: new Date('2026-08-19T06:00:00Z') };
  const subs = () => clockedSubscriptions(t.app, clock);

  async function subscribeAndConfirm(email: string, settings: Record<string, unknown> = {}) {
    const seen = t.smtp.messages.length;
    assert.deepEqual(await subs().subscribe({ email, settings }), { outcome: 'check-inbox' });
    const token = await confirmToken(t.smtp, email, seen);
    return subs().confirm(token);
  }

  it('subscribes by e-mail with double opt-in: nothing is active until the mailed link is confirmed, once', async () => {
    const s = subs();
    const seen = t.smtp.messages.length;
    assert.deepEqual(await s.subscribe({ email: '  Reader@Example.org ', settings: { frequency: 'daily', hour: '8', timeZone: 'Europe/Paris' } }), { outcome: 'check-inbox' });
    const token = await confirmToken(t.smtp, 'reader@example.org', seen);
    const mail = t.smtp.messages.slice(seen).find((m) => m.to.includes('reader@example.org'))!;
    assert.match(mail.subject, /Confirm your Paperboy digest subscription/);
    assert.equal((await s.byEmail('reader@example.org'))!.status, 'pending');
    assert.equal((await s.dueSubscribers('daily', new Date('2026-08-19T07:00:00Z'))).length, 0, 'pending is never due');
    // Asking again at once sends no second mail and answers the same.
    assert.deepEqual(await s.subscribe({ email: 'reader@example.org' }), { outcome: 'check-inbox' });
    assert.deepEqual(await s.confirmable(token), { email: 'reader@example.org' });
    const v = await s.confirm(token);
    assert.equal(v.subscriber.status, 'active');
    assert.equal(v.subscriber.timeZone, 'Europe/Paris');
    assert.match(v.links.manage, /^https:\/\/papers\.example\.org\/subscribe\/manage\/[A-Za-z0-9_-]{43}$/);
    assert.match(v.links.unsubscribe, /^https:\/\/papers\.example\.org\/unsubscribe\/[A-Za-z0-9_-]{43}$/);
    assert.match(v.links.unsubscribeMailto, /^mailto:unsubscribe@papers\.example\.org\?subject=unsubscribe%20[A-Za-z0-9_-]{43}$/);
    assert.equal(t.smtp.messages.slice(seen).filter((m) => m.to.includes('reader@example.org')).length, 1, 'one confirmation mail');
    await assert.rejects(s.confirm(token), (e) => isAppError(e, 'SUBSCRIPTION_LINK_INVALID'), 'a confirmation link works once');
    // The contract's URL builders give the same links.
    assert.equal(s.manageUrl(v.subscriber), v.links.manage);
    assert.equal(s.unsubscribeUrl(v.subscriber), v.links.unsubscribe);
    assert.equal(s.unsubscribeMailto(v.subscriber), v.links.unsubscribeMailto);
  });

  it('an active address asking again gets an "already subscribed" mail with its manage link, and its settings stay', async () => {
    const v = await subscribeAndConfirm('again@example.org', { frequency: 'weekly' });
    clock.now = new Date(clock.now.getTime() + 10 * 60_000);
    const seen = t.smtp.messages.length;
    assert.deepEqual(await subs().subscribe({ email: 'again@example.org', settings: { frequency: 'daily' } }), { outcome: 'check-inbox' });
    const [m] = await t.smtp.waitFor(seen + 1).then((all) => all.slice(seen));
    assert.match(m!.subject, /already subscribed/);
    assert.ok(m!.text.includes(v.links.manage));
    assert.equal((await subs().byEmail('again@example.org'))!.frequency, 'weekly');
  });

  it('two requests for one new address at once make one subscriber', async () => {
    const s = subs();
    const results = await Promise.all([1, 2, 3].map(() => s.subscribe({ email: 'race@example.org' })));
    assert.deepEqual(results, [1, 2, 3].map(() => ({ outcome: 'check-inbox' })));
    const n = await t.app.store.db.selectFrom('subscribers').select((eb) => eb.fn.countAll<number>().as('n')).where('email', '=', 'race@example.org').executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1);
  });

  it('refuses forged and malformed links, and links signed with another key', async () => {
    const v = await subscribeAndConfirm('forge@example.org');
    const other = createHmac('sha256', 'not the key').update(`manage:${v.subscriber.id}:0`).digest('base64url');
    for (const bad of [other, 'x'.repeat(43), 'short', `${tokenOf(v.links.manage)}x`, '../../etc/passwd']) {
      await assert.rejects(subs().manage(bad), (e) => isAppError(e, 'SUBSCRIPTION_LINK_INVALID'), bad);
      await assert.rejects(subs().unsubscribe(bad), (e) => isAppError(e, 'SUBSCRIPTION_LINK_INVALID'), bad);
    }
    // An unsubscribe token does not open the manage page (it travels in headers), a feed token neither.
    await assert.rejects(subs().manage(tokenOf(v.links.unsubscribe)), (e) => isAppError(e, 'SUBSCRIPTION_LINK_INVALID'));
    await assert.rejects(subs().manage(tokenOf(v.links.feed)), (e) => isAppError(e, 'SUBSCRIPTION_LINK_INVALID'));
    assert.equal((await subs().manage(tokenOf(v.links.manage))).subscriber.email, 'forge@example.org');
  });

  it('unsubscribes at once; old links never open the manage page again, even after subscribing again', async () => {
    const v = await subscribeAndConfirm('leaver@example.org');
    const s = subs();
    assert.equal(await s.unsubscribeState(tokenOf(v.links.unsubscribe)), 'active');
    assert.equal(await s.unsubscribe(tokenOf(v.links.unsubscribe)), 'unsubscribed');
    assert.equal((await s.byEmail('leaver@example.org'))!.status, 'unsubscribed');
    assert.equal(await s.unsubscribe(tokenOf(v.links.unsubscribe)), 'already', 'a retried POST is harmless');
    assert.equal(await s.unsubscribeState(tokenOf(v.links.unsubscribe)), 'already');
    await assert.rejects(s.manage(tokenOf(v.links.manage)), (e) => isAppError(e, 'SUBSCRIPTION_LINK_REVOKED'));
    await assert.rejects(s.update(tokenOf(v.links.manage), { frequency: 'weekly' }), (e) => isAppError(e, 'SUBSCRIPTION_LINK_REVOKED'));
    await assert.rejects(s.feed(tokenOf(v.links.feed)), (e) => isAppError(e, 'SUBSCRIPTION_LINK_REVOKED'));
    assert.ok(!(await s.dueSubscribers('daily', new Date('2026-08-19T10:00:00Z'))).some((r) => r.subscriber.email === 'leaver@example.org'));
    clock.now = new Date(clock.now.getTime() + 10 * 60_000);
    const again = await subscribeAndConfirm('leaver@example.org');
    assert.notEqual(again.links.manage, v.links.manage);
    await assert.rejects(s.manage(tokenOf(v.links.manage)), (e) => isAppError(e, 'SUBSCRIPTION_LINK_REVOKED'));
    assert.equal((await s.manage(tokenOf(again.links.manage))).subscriber.status, 'active');
  });

  it('is due from the send hour in the subscriber\'s zone, on weekdays for daily, from the chosen day for weekly', async () => {
    clock.now = new Date('2026-08-10T00:00:00Z'); // confirmed well before the days asked about
    const ny = await subscribeAndConfirm('ny@example.org', { frequency: 'daily', hour: '8', timeZone: 'America/New_York' });
    const tokyo = await subscribeAndConfirm('tokyo@example.org', { frequency: 'weekly', hour: '9', timeZone: 'Asia/Tokyo', weeklyDay: '3' });
    const due = async (period: 'daily' | 'weekly', at: string, id: number) => (await subs().dueSubscribers(period, new Date(at))).find((r) => r.subscriber.id === id);
    // Friday 2026-08-21: 07:59 in New York (EDT, UTC−4) is 11:59 UTC.
    assert.equal(await due('daily', '2026-08-21T11:59:00Z', ny.subscriber.id), undefined);
    const r = await due('daily', '2026-08-21T12:00:00Z', ny.subscriber.id);
    assert.equal(r?.periodKey, '2026-08-21');
    assert.equal(r?.dueAt, '2026-08-21T12:00:00.000Z');
    assert.equal(r?.since, '2026-08-20T12:00:00.000Z');
    // 23:30 in New York is already Saturday in UTC, still Friday's period there.
    assert.equal((await due('daily', '2026-08-22T03:30:00Z', ny.subscriber.id))?.periodKey, '2026-08-21');
    // Saturday and Sunday in New York: no daily digest (DIGEST_DAILY_DAYS=mon-fri); Monday's covers since Friday.
    assert.equal(await due('daily', '2026-08-22T15:00:00Z', ny.subscriber.id), undefined);
    assert.equal(await due('daily', '2026-08-23T15:00:00Z', ny.subscriber.id), undefined);
    assert.equal((await due('daily', '2026-08-24T15:00:00Z', ny.subscriber.id))?.since, '2026-08-21T12:00:00.000Z');
    // Winter time: 08:00 in New York is 13:00 UTC.
    assert.equal(await due('daily', '2026-12-02T12:30:00Z', ny.subscriber.id), undefined);
    assert.equal((await due('daily', '2026-12-02T13:00:00Z', ny.subscriber.id))?.periodKey, '2026-12-02');
    // Weekly on Wednesdays at 09:00 Tokyo (UTC+9): due from Wed 00:00 UTC until the week ends there.
    assert.equal(await due('weekly', '2026-08-18T23:59:00Z', tokyo.subscriber.id), undefined);
    assert.equal((await due('weekly', '2026-08-19T00:00:00Z', tokyo.subscriber.id))?.periodKey, '2026-W34');
    assert.equal((await due('weekly', '2026-08-23T14:00:00Z', tokyo.subscriber.id))?.periodKey, '2026-W34');
    assert.equal(await due('weekly', '2026-08-23T15:00:00Z', tokyo.subscriber.id), undefined, 'Monday in Tokyo: the next week, before its Wednesday');
    assert.equal(await due('daily', '2026-08-19T00:00:00Z', tokyo.subscriber.id), undefined, 'a weekly subscriber is never due a daily digest');
    // A subscription confirmed after today's send hour waits for the next period.
    clock.now = new Date('2026-08-25T14:00:00Z');
    const late = await subscribeAndConfirm('late@example.org', { hour: '8', timeZone: 'UTC' });
    assert.equal(await due('daily', '2026-08-25T15:00:00Z', late.subscriber.id), undefined);
    assert.equal((await due('daily', '2026-08-26T08:00:00Z', late.subscriber.id))?.periodKey, '2026-08-26');
  });

  it('builds sections through the product\'s search, says why each paper is there, and sends each paper at most once', async () => {
    clock.now = new Date('2026-08-10T00:00:00Z');
    const v = await subscribeAndConfirm('sections@example.org', { hour: '8', timeZone: 'UTC', searches: 'diffusion', authors: 'Alan Turing', categories: 'cs.CL' });
    const [r] = (await subs().dueSubscribers('daily', new Date('2026-08-21T09:00:00Z'))).filter((x) => x.subscriber.id === v.subscriber.id);
    assert.ok(r);
    assert.deepEqual(r.subscriber.searches, ['diffusion']);
    const sections = await subs().sectionsFor(r, 'daily');
    const kinds = sections.map((s) => s.kind);
    assert.equal(kinds[0], 'trending');
    const trending = sections[0]!;
    assert.equal(trending.items[0]!.paper.arxivId, '2608.00002', 'highest score first');
    assert.match(trending.items[0]!.why, /^Trending: 80 upvotes \+ 2 × 0 comments \+ 1 = 81, 1 day old/);
    assert.equal(trending.items[0]!.url, 'https://papers.example.org/papers/2608.00002');
    const all = sections.flatMap((s) => s.items.map((i) => i.paper.arxivId));
    assert.equal(new Set(all).size, all.length, 'no paper twice in one digest');
    assert.ok(!kinds.includes('picks'), 'the picks slot is empty until recommendations fill it');
    // Everything fits in trending here (10 per section); with a size of 2 the search section shows.
    const small = clockedSubscriptions(t.app, clock);
    await small.markSent(v.subscriber.id, trending.items.slice(0, 4).map((i) => i.paper.arxivId));
    const next = await small.sectionsFor(r, 'daily');
    const nextIds = next.flatMap((s) => s.items.map((i) => i.paper.arxivId));
    for (const id of trending.items.slice(0, 4).map((i) => i.paper.arxivId)) assert.ok(!nextIds.includes(id), `${id} was sent already`);
    await small.markSent(v.subscriber.id, nextIds);
    await small.markSent(v.subscriber.id, nextIds); // idempotent
    assert.deepEqual(await small.sectionsFor(r, 'daily'), [], 'nothing new: an empty digest');
  });

  it('fills search, author and category sections with new matching papers', async () => {
    clock.now = new Date('2026-08-10T00:00:00Z');
    const v = await subscribeAndConfirm('follows@example.org', { hour: '8', timeZone: 'UTC', sections: ['search', 'authors', 'categories'], sectionsSet: '1', searches: 'diffusion', authors: 'Alan Turing', categories: 'cs.CL' });
    const [r] = (await subs().dueSubscribers('daily', new Date('2026-08-21T09:00:00Z'))).filter((x) => x.subscriber.id === v.subscriber.id);
    const sections = await subs().sectionsFor(r!, 'daily');
    const byKind = Object.fromEntries(sections.map((s) => [s.kind, s]));
    assert.equal(byKind.search?.title, 'New papers matching "diffusion"');
    assert.deepEqual(byKind.search?.items.map((i) => i.paper.arxivId).sort(), ['2608.00001', '2608.00004'], 'both diffusion papers of the week');
    assert.match(byKind.search!.items[0]!.why, /Matches your search "diffusion"/);
    // Papers already in the search section are not repeated under the author.
    assert.equal(byKind.authors, undefined, "Alan Turing's papers both matched the search first");
    assert.deepEqual(byKind.categories?.items.map((i) => i.paper.arxivId), ['2608.00002', '2608.00003']);
    assert.match(byKind.categories!.items[0]!.why, /New in cs\.CL, which you follow/);
  });

  it('subscribes a signed-in account at once, and suspension shows its reason and stops digests', async () => {
    const user = (await community(t.app).signIn.ensureUser('member@example.org')).user;
    const seen = t.smtp.messages.length;
    clock.now = new Date('2026-08-10T00:00:00Z');
    // One service instance, so that drain() below waits for every mail this subscribe could have sent.
    const s = subs();
    const res = await s.subscribe({ user, settings: { timeZone: 'UTC', hour: '8' } });
    assert.equal(res.outcome, 'subscribed');
    const view = await subs().manage(tokenOf(res.manageUrl!));
    assert.equal(view.subscriber.userId, user.id);
    assert.equal(view.subscriber.status, 'active');
    assert.equal((await subs().forUser(user))?.links.manage, res.manageUrl);
    // No fixed sleep: drain() resolves once every mail the service queued has been accepted by the SMTP
    // server, which records a message before it answers 250. A positive control through the same instance
    // shows drain() is a real barrier: the address's confirmation is there at once, without polling.
    assert.deepEqual(await s.subscribe({ email: 'control@example.org', settings: {} }), { outcome: 'check-inbox' });
    await s.drain();
    assert.equal(t.smtp.messages.slice(seen).filter((m) => m.to.includes('control@example.org')).length, 1, 'the control mail arrived by the time drain() resolved');
    assert.equal(t.smtp.messages.slice(seen).filter((m) => m.to.includes('member@example.org')).length, 0, 'no confirmation for an account');
    assert.ok((await subs().dueSubscribers('daily', new Date('2026-08-21T09:00:00Z'))).some((r) => r.subscriber.id === view.subscriber.id));
    await subs().suspend(view.subscriber.id, 'Mail to this address bounced 4 times (550 no such user).');
    const after = await subs().manage(tokenOf(res.manageUrl!));
    assert.equal(after.subscriber.status, 'suspended');
    assert.match(after.subscriber.suspendedReason!, /bounced 4 times/);
    assert.ok(!(await subs().dueSubscribers('daily', new Date('2026-08-21T09:00:00Z'))).some((r) => r.subscriber.id === view.subscriber.id));
    await assert.rejects(subs().suspend(999_999, 'x'), (e) => isAppError(e, 'SUBSCRIBER_NOT_FOUND'));
    // Deleting the account keeps the subscription by address, unlinked.
    await community(t.app).accountData.deleteAccount(user.id, user.handle);
    const kept = (await subs().byId(view.subscriber.id))!;
    assert.deepEqual([kept.email, kept.userId], ['member@example.org', null]);
  });

  it('a suspended address starts again only through a new confirmation, which clears the reason', async () => {
    const v = await subscribeAndConfirm('bouncy@example.org', { searches: 'protein folding' });
    await subs().suspend(v.subscriber.id, 'bounced 4 times');
    clock.now = new Date(clock.now.getTime() + 10 * 60_000);
    const seen = t.smtp.messages.length;
    assert.deepEqual(await subs().subscribe({ email: 'bouncy@example.org', settings: { searches: 'spam', frequency: 'weekly' } }), { outcome: 'check-inbox' });
    const asked = (await subs().byId(v.subscriber.id))!;
    assert.deepEqual([asked.status, asked.frequency, asked.searches], ['suspended', 'daily', ['protein folding']], 'asking alone changes nothing, settings included');
    const again = await subs().confirm(await confirmToken(t.smtp, 'bouncy@example.org', seen));
    assert.equal(again.subscriber.id, v.subscriber.id);
    assert.deepEqual([again.subscriber.status, again.subscriber.suspendedReason], ['active', null]);
    assert.equal(again.links.manage, v.links.manage, 'no unsubscribe happened: the links stay the same');
  });

  it('a confirmed restart forgets the bounces of the address, so new bounces can suspend it again', async () => {
    const db = t.app.store.db;
    const v = await subscribeAndConfirm('bounced.again@example.org');
    const bounce = () => addBounce(db, { email: 'bounced.again@example.org', kind: 'hard', code: 550, error: '550 no such user', now: clock.now });
    await bounce();
    assert.equal((await bounce()).score, 4);
    assert.equal(await markSuspended(db, 'bounced.again@example.org', clock.now), true);
    await subs().suspend(v.subscriber.id, 'bounced 4 times');
    const suspendedBefore = await suspendedCount(db);
    clock.now = new Date(clock.now.getTime() + 10 * 60_000);
    const seen = t.smtp.messages.length;
    await subs().subscribe({ email: 'bounced.again@example.org' });
    await subs().confirm(await confirmToken(t.smtp, 'bounced.again@example.org', seen));
    assert.equal(await bounceScore(db, 'bounced.again@example.org'), null, 'the score starts again from nothing');
    assert.equal(await suspendedCount(db), suspendedBefore - 1, 'the suspended gauge no longer counts it');
    await bounce();
    assert.equal((await bounce()).score, 4);
    assert.equal(await markSuspended(db, 'bounced.again@example.org', clock.now), true, 'four new points suspend it again');
  });

  it('checks settings field by field with a message naming the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ timeZone: 'Mars/Olympus' }, /^timeZone: an IANA time zone name/],
      [{ timeZone: '+02:00' }, /^timeZone:/],
      [{ hour: '24' }, /^hour: a whole hour from 0 to 23/],
      [{ frequency: 'hourly' }, /^frequency: daily or weekly/],
      [{ sections: 'gossip' }, /^sections: each one of trending, search, authors, categories, picks/],
      [{ categories: 'not a category!' }, /^categories: arXiv categories/],
      [{ searches: 'year:20x after:2024-13-45' }, /^searches: "year:20x after:2024-13-45" is not a valid search/],
      [{ searches: Array.from({ length: 11 }, (_, i) => `q${i}`) }, /^searches: at most 10/],
    ];
    for (const [settings, re] of cases) {
      await assert.rejects(subs().subscribe({ email: 'fields@example.org', settings }), (e) => isAppError(e, 'SUBSCRIPTION_INVALID') && re.test(e.message), JSON.stringify(settings));
    }
    await assert.rejects(subs().subscribe({ email: 'not an address' }), (e) => isAppError(e, 'BAD_REQUEST'));
  });
});
