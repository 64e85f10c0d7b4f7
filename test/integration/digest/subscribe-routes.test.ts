/**
 * Subscribing and the signed-link pages through inject(), on both engines: the banner, double opt-in
 * over real SMTP, the same answer for subscribed and new addresses, CSRF and the rate limit, the
 * manage page, RFC 8058 one-click unsubscribe (POST without cookies, no redirect, at once; GET never
 * unsubscribes), forged and reused links, and the personal feed.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { subscriptions } from '../../../src/digest/subscriptions-app.ts';
import { createClient, signInByLink, useCommunityServer } from '../../helpers/community.ts';
import { confirmToken, DIGEST_PAPERS, tokenOf } from '../../helpers/digest.ts';
import { describeEngines } from '../../helpers/stores.ts';

const CONFIRM_PATH = /\/subscribe\/confirm\/[A-Za-z0-9_-]{43}/;

describeEngines('subscribe pages', (ctx) => {
  const t = useCommunityServer(ctx, { RATE_LIMITS: 'subscribe=4/1m' }, DIGEST_PAPERS);
  let ipN = 10;
  const browser = () => createClient(t.server, { ip: `192.0.2.${ipN++}` });

  /** Subscribe through the form and confirm by the mailed link; returns the manage path. */
  async function subscribed(email: string, form: Record<string, string> = {}) {
    const c = browser();
    await c.get('/subscribe');
    const seen = t.smtp.messages.length;
    const r = await c.post('/subscribe', { email, frequency: 'daily', hour: '8', timeZone: 'UTC', ...form });
    assert.equal(r.statusCode, 200, r.body);
    const token = await confirmToken(t.smtp, email, seen);
    await c.get(`/subscribe/confirm/${token}`);
    const done = await c.post(`/subscribe/confirm/${token}`);
    assert.equal(done.statusCode, 303, done.body);
    return { client: c, manage: String(done.headers.location).replace(/\?saved=1$/, '') };
  }

  it('shows the digest banner on every page, linking to the subscribe page', async () => {
    for (const url of ['/', '/trending', '/search?q=diffusion', '/papers/2608.00001']) {
      const r = await t.server.inject(url);
      assert.equal(r.statusCode, 200, url);
      assert.match(r.body, /<aside class="digest-banner"><a href="\/subscribe">Get trending papers in your inbox<\/a>/, url);
    }
    const page = await t.server.inject('/subscribe');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form class="stack" method="post" action="\/subscribe">/);
    assert.doesNotMatch(page.body, /<script>|style="/, 'CSP-clean: no inline script or style');
    assert.match(page.body, /<option selected>UTC<\/option>/);
    assert.match((await t.server.inject('/search?q=diffusion&cat=cs.CV')).body, /<a class="digest-offer" href="\/subscribe\?q=diffusion%20cat%3Acs.CV">Mail me new matches<\/a>/);
    assert.match((await t.server.inject('/subscribe?q=diffusion%20cat:cs.CV')).body, /<textarea name="searches"[^>]*>diffusion cat:cs.CV<\/textarea>/);
  });

  it('double opt-in: the mailed link\'s GET shows a button and changes nothing; its POST confirms once', async () => {
    const c = browser();
    await c.get('/subscribe');
    assert.equal((await c.post('/subscribe', { email: 'optin@example.org' }, { csrf: false })).statusCode, 403, 'the form needs its CSRF token');
    const seen = t.smtp.messages.length;
    const r = await c.post('/subscribe', { email: 'optin@example.org', frequency: 'weekly', weeklyDay: '2', hour: '7', timeZone: 'Europe/Berlin', sectionsSet: '1', sections: 'trending', searches: 'diffusion' });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /Check your inbox/);
    const token = await confirmToken(t.smtp, 'optin@example.org', seen);
    const mail = t.smtp.messages.slice(seen).find((m) => CONFIRM_PATH.test(m.text))!;
    assert.match(mail.text, /https:\/\/papers\.example\.org\/subscribe\/confirm\//);
    const subs = subscriptions(t.app);
    const page = await c.get(`/subscribe/confirm/${token}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Send the Paperboy digest to <strong>optin@example.org<\/strong>\?/);
    assert.equal((await subs.byEmail('optin@example.org'))!.status, 'pending', 'opening the link confirms nothing');
    const done = await c.post(`/subscribe/confirm/${token}`);
    assert.equal(done.statusCode, 303);
    assert.match(String(done.headers.location), /^\/subscribe\/manage\/[A-Za-z0-9_-]{43}\?saved=1$/);
    const s = (await subs.byEmail('optin@example.org'))!;
    assert.deepEqual([s.status, s.frequency, s.weeklyDay, s.sendHour, s.timeZone, s.sections, s.searches], ['active', 'weekly', 2, 7, 'Europe/Berlin', ['trending'], ['diffusion']]);
    assert.equal((await c.post(`/subscribe/confirm/${token}`)).statusCode, 404, 'used once');
    assert.equal((await t.server.inject(`/subscribe/confirm/${'A'.repeat(43)}`)).statusCode, 404, 'a forged confirmation link');
  });

  it('answers the same whether or not the address is subscribed, and rate-limits requests per address', async () => {
    await subscribed('known@example.org');
    const c = browser();
    await c.get('/subscribe');
    const known = await c.post('/subscribe', { email: 'known@example.org' });
    const fresh = await c.post('/subscribe', { email: 'fresh@example.org' });
    assert.equal(known.statusCode, fresh.statusCode);
    assert.equal(known.body.replace('known@example.org', 'X'), fresh.body.replace('fresh@example.org', 'X'));
    await c.post('/subscribe', { email: 'fresh2@example.org' });
    await c.post('/subscribe', { email: 'fresh3@example.org' });
    const limited = await c.post('/subscribe', { email: 'fresh4@example.org' });
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /RATE_LIMITED|Too many/);
  });

  it('says what is wrong with a bad field and keeps nothing', async () => {
    const c = browser();
    await c.get('/subscribe');
    const r = await c.post('/subscribe', { email: 'tz@example.org', timeZone: 'Moon/Base', searches: 'graph neural networks', hour: '21' });
    assert.equal(r.statusCode, 400);
    assert.match(r.body, /timeZone: an IANA time zone name such as Europe\/Paris/);
    assert.match(r.body, /<textarea name="searches"[^>]*>graph neural networks<\/textarea>/, 'the other fields are kept in the form');
    assert.match(r.body, /<option value="21" selected>21:00<\/option>/);
    assert.match(r.body, /name="email" value="tz@example.org"/);
    assert.equal(await subscriptions(t.app).byEmail('tz@example.org'), null);
  });

  it('the manage page opens from the signed link alone, changes settings, and shows a suspension\'s reason', async () => {
    const { manage } = await subscribed('manage@example.org');
    const anon = browser();
    const page = await anon.get(manage);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.match(page.body, /For <strong>manage@example.org<\/strong>/);
    const saved = await anon.post(manage, { frequency: 'weekly', weeklyDay: '5', hour: '18', timeZone: 'Asia/Kolkata', sectionsSet: '1', sections: 'trending', authors: 'Alan Turing\nGrace Hopper', categories: 'cs.CL' });
    assert.equal(saved.statusCode, 303);
    const again = await anon.get(`${manage}?saved=1`);
    assert.match(again.body, /Saved\./);
    assert.match(again.body, /weekly<\/strong> at 18:00 Asia\/Kolkata time/);
    assert.match(again.body, /<textarea name="authors"[^>]*>Alan Turing\nGrace Hopper<\/textarea>/);
    const bad = await anon.post(manage, { hour: '25' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /hour: a whole hour from 0 to 23/);
    const subs = subscriptions(t.app);
    const s = (await subs.byEmail('manage@example.org'))!;
    await subs.suspend(s.id, 'mail to this address bounced 4 times (last: 550 5.1.1 no such user)');
    assert.match((await anon.get(manage)).body, /Sending is paused<\/strong> since [^:]+: mail to this address bounced 4 times \(last: 550 5\.1\.1 no such user\)/);
    assert.equal((await anon.post(manage, { hour: '9' }, { csrf: false })).statusCode, 403, 'manage forms need their CSRF token');
  });

  it('RFC 8058: GET never unsubscribes; a cookieless POST does at once, without a redirect; old links stop working', async () => {
    const { manage } = await subscribed('oneclick@example.org');
    const subs = subscriptions(t.app);
    const s = (await subs.byEmail('oneclick@example.org'))!;
    const url = new URL(subs.unsubscribeUrl(s)).pathname;
    const feed = new URL((await subs.manage(tokenOf(manage))).links.feed).pathname;
    assert.equal((await t.server.inject(feed)).statusCode, 200);
    for (let i = 0; i < 3; i++) {
      const get = await t.server.inject(url); // a mail scanner, several times
      assert.equal(get.statusCode, 200);
      assert.match(get.body, /<form method="post" action="\/unsubscribe\/[A-Za-z0-9_-]{43}"><button type="submit" class="primary">Unsubscribe<\/button>/);
    }
    assert.equal((await subs.byId(s.id))!.status, 'active', 'GET changed nothing');
    // What a mail client sends for List-Unsubscribe-Post: no cookie, no CSRF token, this body.
    const post = await t.server.inject({ method: 'POST', url, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(post.statusCode, 200, post.body);
    assert.equal(post.headers.location, undefined);
    assert.match(post.body, /You are unsubscribed/);
    assert.equal((await subs.byId(s.id))!.status, 'unsubscribed', 'at once');
    const retry = await t.server.inject({ method: 'POST', url, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(retry.statusCode, 200, 'a retried one-click POST is fine');
    assert.match((await t.server.inject(url)).body, /You are unsubscribed/);
    assert.equal((await t.server.inject(manage)).statusCode, 410, 'the manage link is not reusable after unsubscribing');
    const c = browser();
    await c.get('/subscribe');
    assert.equal((await c.post(manage, { frequency: 'weekly' })).statusCode, 410, 'nor to change settings');
    assert.equal((await t.server.inject(feed)).statusCode, 410, 'nor the personal feed');
  });

  it('one-click works with a session cookie and no CSRF token too; forged links are 404 everywhere', async () => {
    await subscribed('member-click@example.org');
    const member = await signInByLink(t.server, t.smtp, 'someone-else@example.org');
    const subs = subscriptions(t.app);
    const s = (await subs.byEmail('member-click@example.org'))!;
    const r = await member.post(new URL(subs.unsubscribeUrl(s)).pathname, { 'List-Unsubscribe': 'One-Click' }, { csrf: false });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((await subs.byId(s.id))!.status, 'unsubscribed');
    const forged = 'B'.repeat(43);
    for (const [method, url] of [['GET', `/unsubscribe/${forged}`], ['POST', `/unsubscribe/${forged}`], ['GET', `/subscribe/manage/${forged}`], ['GET', `/subscribe/feed/${forged}.atom`], ['GET', '/unsubscribe/not-a-token']] as const) {
      const res = await t.server.inject({ method, url, payload: method === 'POST' ? 'List-Unsubscribe=One-Click' : undefined, headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {} });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
    }
  });

  it('the manage page\'s own unsubscribe button works and the page says so', async () => {
    const { manage } = await subscribed('button@example.org');
    const c = browser();
    await c.get(manage);
    const r = await c.post(`${manage}/unsubscribe`);
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /You are unsubscribed/);
    assert.equal((await subscriptions(t.app).byEmail('button@example.org'))!.status, 'unsubscribed');
  });

  it('a signed-in member subscribes without a confirmation mail and then sees the manage link', async () => {
    const member = await signInByLink(t.server, t.smtp, 'reader-account@example.org');
    const form = await member.get('/subscribe');
    assert.doesNotMatch(form.body, /name="email"/);
    assert.match(form.body, /reader-account@example.org/);
    const seen = t.smtp.messages.length;
    const r = await member.post('/subscribe', { frequency: 'daily', hour: '6', timeZone: 'America/Chicago' });
    assert.equal(r.statusCode, 303, r.body);
    const manage = String(r.headers.location);
    assert.match(manage, /^\/subscribe\/manage\/[A-Za-z0-9_-]{43}\?saved=1$/);
    assert.equal((await subscriptions(t.app).byEmail('reader-account@example.org'))!.status, 'active');
    assert.match((await member.get('/subscribe')).body, /You are subscribed\. <a href="https:\/\/papers\.example\.org\/subscribe\/manage\//);
    // No fixed sleep: the routes' service (subscriptions(app)) resolves drain() once every mail it queued
    // has been accepted by the SMTP server (which records a message before answering 250). A positive
    // control through the same service shows drain() is a real barrier: the address's mail is there at once.
    const control = browser();
    await control.get('/subscribe');
    assert.equal((await control.post('/subscribe', { email: 'control-route@example.org', frequency: 'daily', hour: '6', timeZone: 'UTC' })).statusCode, 200);
    await subscriptions(t.app).drain();
    assert.equal(t.smtp.messages.slice(seen).filter((m) => m.to.includes('control-route@example.org')).length, 1, 'the control mail arrived by the time drain() resolved');
    assert.equal(t.smtp.messages.slice(seen).filter((m) => m.to.includes('reader-account@example.org')).length, 0, 'no mail to the member');
  });

  it('serves the personal feed as Atom and RSS with the digest\'s papers', async () => {
    const { manage } = await subscribed('feed@example.org', { sectionsSet: '1', sections: 'trending' });
    const links = (await subscriptions(t.app).manage(tokenOf(manage))).links;
    const atom = await t.server.inject(new URL(links.feed).pathname);
    assert.equal(atom.statusCode, 200);
    assert.match(String(atom.headers['content-type']), /^application\/atom\+xml/);
    assert.match(atom.body, /<title type="text">Sparse attention at scale<\/title>/);
    assert.equal(atom.headers['x-robots-tag'], 'noindex');
    const rss = await t.server.inject(new URL(links.feed).pathname.replace(/\.atom$/, '.rss'));
    assert.equal(rss.statusCode, 200);
    assert.match(rss.body, /<rss version="2.0"/);
    assert.equal((await t.server.inject(new URL(links.feed).pathname.replace(/\.atom$/, '.json'))).statusCode, 404);
  });
});
