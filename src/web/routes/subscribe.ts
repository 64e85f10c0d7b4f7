/**
 * Subscribing to the digest: the form, the request (double opt-in by mail, or at once for a signed-in
 * account), and the confirmation link (its GET shows a button; only the POST confirms, because mail
 * scanners open links). The signed-link pages (manage, unsubscribe, personal feed) are in
 * subscribe-links.ts. Every answer to a subscribe request reads the same whether or not the address
 * was subscribed; the `subscribe` rate limit caps requests per client address.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { subscriptions } from '../../digest/subscriptions-app.ts';
import { isAppError } from '../../errors.ts';
import { viewerOf } from '../viewer.ts';
import { checkInboxPage, confirmPage, daysInWords, subscribePage, type SubscribeFormInput } from '../views/subscribe.ts';
import { settingsBody, tokenParams } from './subscribe-schemas.ts';

const HTML = 'text/html; charset=utf-8';
export const subscribeRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const subs = subscriptions(app);
  const dailyDays = daysInWords(app.config.digestDailyDays);

  const form = (reply: FastifyReply, status: number, i: Omit<SubscribeFormInput, 'csrf' | 'dailyDays'>) => {
    reply.header('cache-control', 'no-store').header('vary', 'cookie');
    return reply.status(status).type(HTML).send(subscribePage({ csrf: reply.csrfToken(), dailyDays, ...i }).value);
  };

  server.get<{ Querystring: { q?: string } }>(
    '/subscribe',
    { schema: { hide: true, querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 2000 } } } } },
    async (req, reply) => {
      const viewer = await viewerOf(req, reply);
      const mine = viewer ? await subs.forUser(viewer.user) : null;
      const active = mine && mine.subscriber.status !== 'unsubscribed' && mine.subscriber.status !== 'pending' ? mine.links.manage : undefined;
      // "Get new papers matching this by mail" from a search page arrives with its query as a saved search.
      const q = req.query.q?.trim();
      const settings = { ...subs.defaults(), ...(q ? { searches: [q] } : {}) };
      return form(reply, 200, { settings, viewer, manageUrl: active });
    },
  );

  server.post<{ Body: Record<string, unknown> }>(
    '/subscribe',
    { config: { limit: 'subscribe', csrf: 'always' }, schema: { hide: true, body: settingsBody } },
    async (req, reply) => {
      const body = req.body ?? {};
      const viewer = await viewerOf(req, reply);
      try {
        const r = await subs.subscribe({ email: body.email, settings: body, user: viewer?.user ?? null });
        if (r.outcome === 'subscribed') return reply.redirect(new URL(r.manageUrl!).pathname + '?saved=1', 303);
        reply.header('cache-control', 'no-store');
        return reply.type(HTML).send(checkInboxPage(String(body.email).trim().toLowerCase(), viewer).value);
      } catch (e) {
        if (isAppError(e) && e.status < 500) {
          return form(reply, e.status, { settings: subs.draft(body), viewer, email: typeof body.email === 'string' ? body.email.slice(0, 254) : '', error: e.message });
        }
        throw e;
      }
    },
  );

  server.get<{ Params: { token: string } }>('/subscribe/confirm/:token', { schema: { hide: true, params: tokenParams } }, async (req, reply) => {
    const { email } = await subs.confirmable(req.params.token);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return reply.type(HTML).send(confirmPage({ email, csrf: reply.csrfToken(), action: `/subscribe/confirm/${req.params.token}` }).value);
  });

  server.post<{ Params: { token: string } }>(
    '/subscribe/confirm/:token',
    { config: { csrf: 'always' }, schema: { hide: true, params: tokenParams, body: settingsBody } },
    async (req, reply) => {
      const v = await subs.confirm(req.params.token);
      return reply.redirect(`${new URL(v.links.manage).pathname}?saved=1`, 303);
    },
  );
};
