/**
 * Signing in and out: the sign-in page, magic links (asked for, then used from the mail), password
 * sign-in, sign out, and sign out everywhere. Every form carries a CSRF token (plugins/csrf.ts).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { community } from '../../community/index.ts';
import { safeNext, type SessionUser } from '../../community/user.ts';
import { isAppError } from '../../errors.ts';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../plugins/session.ts';
import { LIMITS } from '../limits.ts';
import { checkInboxPage, signInLinkPage, signInPage, type SignInPageInput } from '../views/account.ts';

const HTML = 'text/html; charset=utf-8';
const field = { type: 'string', maxLength: 2000 } as const;
const formSchema = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, field])) });

interface SignInBody {
  email?: string;
  next?: string;
  invite?: string;
  password?: string;
  token?: string;
}

export const accountRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);

  const page = (reply: FastifyReply, status: number, i: Omit<SignInPageInput, 'csrf' | 'mode' | 'passwords'>) => {
    reply.header('cache-control', 'no-store').header('vary', 'cookie');
    return reply.status(status).type(HTML).send(signInPage({ csrf: reply.csrfToken(), mode: c.signIn.mode, passwords: app.config.passwordSignin, ...i }).value);
  };

  /** Start a fresh session (rotating away any the browser had) and go on. */
  const signedIn = async (req: FastifyRequest, reply: FastifyReply, user: SessionUser, next: string, created = false) => {
    const secret = await c.sessions.start(user.id, { userAgent: String(req.headers['user-agent'] ?? ''), ip: req.ip }, req.cookies[SESSION_COOKIE]);
    setSessionCookie(req, reply, secret);
    reply.header('cache-control', 'no-store');
    // A new account first says how it wants to appear (its handle is a random placeholder until then).
    return reply.redirect(created ? `/settings?welcome=1&next=${encodeURIComponent(next)}` : next, 303);
  };

  server.get<{ Querystring: { next?: string; invite?: string; signedout?: string } }>(
    '/signin',
    { schema: { hide: true, querystring: formSchema('next', 'invite', 'signedout') } },
    async (req, reply) => {
      const next = safeNext(req.query.next);
      if (req.user && req.auth?.kind === 'session') return reply.redirect(next, 303);
      const notice = req.query.signedout === 'everywhere' ? 'You are signed out on every device.' : undefined;
      return page(reply, 200, { next, invite: req.query.invite?.slice(0, 100), notice });
    },
  );

  server.post<{ Body: SignInBody }>('/signin', { config: { limit: LIMITS.signinAddress, csrf: 'always' }, schema: { hide: true, body: formSchema('email', 'next', 'invite') } }, async (req, reply) => {
    const next = safeNext(req.body?.next);
    try {
      await c.signIn.requestLink({ email: req.body?.email, next, invite: req.body?.invite });
    } catch (e) {
      if (isAppError(e) && e.status < 500) return page(reply, e.status, { next, email: req.body?.email?.slice(0, 254), invite: req.body?.invite?.slice(0, 100), error: e.message });
      throw e;
    }
    reply.header('cache-control', 'no-store');
    return reply.type(HTML).send(checkInboxPage({ email: req.body!.email!.trim(), minutes: app.config.signinLinkMinutes }).value);
  });

  server.get<{ Querystring: { token?: string } }>('/signin/link', { schema: { hide: true, querystring: formSchema('token') } }, async (req, reply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return reply.type(HTML).send(signInLinkPage({ csrf: reply.csrfToken(), token: req.query.token ?? '' }).value);
  });

  server.post<{ Body: SignInBody }>('/signin/link', { config: { limit: LIMITS.signin, csrf: 'always' }, schema: { hide: true, body: formSchema('token') } }, async (req, reply) => {
    try {
      const r = await c.signIn.useLink(String(req.body?.token ?? ''));
      return await signedIn(req, reply, r.user, r.next, r.created);
    } catch (e) {
      if (isAppError(e) && e.status < 500) return page(reply, e.status, { next: '/', error: e.message });
      throw e;
    }
  });

  server.post<{ Body: SignInBody }>('/signin/password', { config: { limit: LIMITS.signinAddress, csrf: 'always' }, schema: { hide: true, body: formSchema('email', 'password', 'next') } }, async (req, reply) => {
    const next = safeNext(req.body?.next);
    try {
      const user = await c.signIn.withPassword(req.body?.email, req.body?.password);
      return await signedIn(req, reply, user, next);
    } catch (e) {
      if (isAppError(e) && e.status < 500) return page(reply, e.status, { next, email: req.body?.email?.slice(0, 254), error: e.message });
      throw e;
    }
  });

  server.post('/signout', { schema: { hide: true } }, async (req, reply) => {
    if (req.auth?.kind === 'session') await c.sessions.end(req.auth.sessionHash);
    clearSessionCookie(req, reply);
    return reply.header('cache-control', 'no-store').redirect('/', 303);
  });

  server.post('/signout/everywhere', { schema: { hide: true } }, async (req, reply) => {
    if (req.user) await c.sessions.endAll(req.user.id);
    clearSessionCookie(req, reply);
    return reply.header('cache-control', 'no-store').redirect('/signin?signedout=everywhere', 303);
  });
};
