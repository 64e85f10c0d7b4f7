/**
 * The pages behind a digest's signed links; the token in the path is the only credential, so none of
 * them needs a sign-in, and every answer is private and kept out of Referer headers.
 *
 * - `/subscribe/manage/:token`: settings, suspension reason, personal feed, unsubscribe (forms carry
 *   a CSRF token: the page sets its cookie).
 * - `/unsubscribe/:token`: RFC 8058. POST (a mail client's one-click `List-Unsubscribe=One-Click`, or
 *   the page's button) unsubscribes at once, needs no cookie (`csrf: false`: the unguessable token is
 *   the proof) and answers 200 without redirecting; a link of an earlier unsubscribe answers the same.
 *   GET never unsubscribes — mail scanners fetch links — it shows a one-button page.
 * - `/subscribe/feed/:token.atom|.rss`: the digest as a personal feed.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { subscriptions } from '../../digest/subscriptions-app.ts';
import { AppError, isAppError } from '../../errors.ts';
import { FEED_TYPES, renderFeed, type FeedFormat } from '../feed-format.ts';
import { daysInWords } from '../views/subscribe.ts';
import { managePage, unsubscribeConfirmPage, unsubscribedPage } from '../views/manage.ts';
import { settingsBody, tokenParams } from './subscribe-schemas.ts';

const HTML = 'text/html; charset=utf-8';

function privateReply(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
}

export const subscribeLinkRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const subs = subscriptions(app);
  const dailyDays = daysInWords(app.config.digestDailyDays);

  server.get<{ Params: { token: string }; Querystring: { saved?: string } }>(
    '/subscribe/manage/:token',
    { schema: { hide: true, params: tokenParams, querystring: { type: 'object', properties: { saved: { type: 'string', maxLength: 5 } } } } },
    async (req, reply) => {
      const v = await subs.manage(req.params.token);
      privateReply(reply);
      return reply.type(HTML).send(managePage({ ...v, csrf: reply.csrfToken(), action: `/subscribe/manage/${req.params.token}`, dailyDays, saved: req.query.saved !== undefined }).value);
    },
  );

  server.post<{ Params: { token: string }; Body: Record<string, unknown> }>(
    '/subscribe/manage/:token',
    { config: { csrf: 'always' }, schema: { hide: true, params: tokenParams, body: settingsBody } },
    async (req, reply) => {
      const action = `/subscribe/manage/${req.params.token}`;
      try {
        await subs.update(req.params.token, req.body ?? {});
      } catch (e) {
        if (!isAppError(e, 'SUBSCRIPTION_INVALID')) throw e;
        const v = await subs.manage(req.params.token);
        privateReply(reply);
        const shown = { ...v, subscriber: { ...v.subscriber, ...subs.draft(req.body ?? {}, v.subscriber) } };
        return reply.status(400).type(HTML).send(managePage({ ...shown, csrf: reply.csrfToken(), action, dailyDays, error: e.message }).value);
      }
      return reply.redirect(`${action}?saved=1`, 303);
    },
  );

  server.post<{ Params: { token: string } }>(
    '/subscribe/manage/:token/unsubscribe',
    { config: { csrf: 'always' }, schema: { hide: true, params: tokenParams } },
    async (req, reply) => {
      await subs.manage(req.params.token); // a revoked manage link says so (410) rather than "unsubscribed"
      await subs.unsubscribe(req.params.token);
      return privateReply(reply).type(HTML).send(unsubscribedPage().value);
    },
  );

  server.get<{ Params: { token: string } }>('/unsubscribe/:token', { schema: { hide: true, params: tokenParams } }, async (req, reply) => {
    const state = await subs.unsubscribeState(req.params.token);
    privateReply(reply);
    if (state === 'already') return reply.type(HTML).send(unsubscribedPage().value);
    return reply.type(HTML).send(unsubscribeConfirmPage({ action: `/unsubscribe/${req.params.token}` }).value);
  });

  // Any body is accepted (RFC 8058 sends `List-Unsubscribe=One-Click` form-encoded); none is needed.
  server.post<{ Params: { token: string } }>(
    '/unsubscribe/:token',
    { config: { csrf: false }, schema: { hide: true, params: tokenParams } },
    async (req, reply) => {
      await subs.unsubscribe(req.params.token);
      return privateReply(reply).type(HTML).send(unsubscribedPage().value);
    },
  );

  server.get<{ Params: { file: string } }>(
    '/subscribe/feed/:file',
    { config: { limit: 'feeds' }, schema: { hide: true, params: { type: 'object', required: ['file'], properties: { file: { type: 'string', maxLength: 120 } } } } },
    async (req, reply) => {
      const m = /^([A-Za-z0-9_-]+)\.(atom|rss)$/.exec(req.params.file);
      if (!m) throw new AppError('SUBSCRIPTION_LINK_INVALID', 'A personal feed link ends in .atom or .rss.');
      const [, token, format] = m as unknown as [string, string, FeedFormat];
      const { subscriber, items } = await subs.feed(token);
      const body = renderFeed(format, {
        title: 'Paperboy · Your digest',
        description: `Your ${subscriber.frequency} digest as a feed: ${subscriber.sections.join(', ')}.`,
        htmlPath: '/trending',
        feedPath: `/subscribe/feed/${token}`,
        itemDate: (p) => p.dailyDate ?? p.publishedAt,
        emptyUpdated: await app.catalog.lastChange(),
      }, items.map((i) => i.paper), app.config.baseUrl);
      return reply.header('cache-control', 'private, max-age=300').header('x-robots-tag', 'noindex').type(FEED_TYPES[format]).send(body);
    },
  );
};
