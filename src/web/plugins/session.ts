/**
 * Who is asking: `request.user` (or null) on every request, from a session cookie or an API token.
 *
 * - Session cookie `pb_session`: HttpOnly, SameSite=Lax, Path=/, Secure when the site is served over
 *   https (BASE_URL https:, or the request arrived over https behind a proxy); Max-Age SESSION_DAYS,
 *   sent again when the session's expiry slides forward.
 * - `Authorization: Bearer pb_…`: a personal API token. A bad or revoked token is a 401 at once, for
 *   any method, so a script never silently acts as nobody. A bearer that is not ours (`hf_…`, which
 *   huggingface_hub sends with its list calls) is ignored on GET/HEAD and a 401 on writes.
 * A request without either costs nothing here: no database query.
 */
import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { community } from '../../community/index.ts';
import type { SessionUser } from '../../community/user.ts';
import { AppError } from '../../errors.ts';

export const SESSION_COOKIE = 'pb_session';

export type RequestAuth = { kind: 'session'; sessionHash: string; secret: string } | { kind: 'token'; tokenId: number } | null;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. */
    user: SessionUser | null;
    /** How the user was authenticated (a session cookie or an API token), or null. */
    auth: RequestAuth;
  }
}

/** Secure cookies when the site is https, or this request came over https (trustProxy is on). */
export function secureCookies(req: FastifyRequest): boolean {
  return req.server.app.config.baseUrl.startsWith('https:') || req.protocol === 'https';
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(req),
    maxAge: community(req.server.app).sessions.maxAgeSeconds,
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(req) });
}

export const sessionPlugin = fp(
  async (server) => {
    if (!server.hasDecorator('parseCookie')) await server.register(cookie);
    server.decorateRequest('user', null);
    server.decorateRequest('auth', null);
    const c = community(server.app);
    server.addHook('onRequest', async (req, reply) => {
      const authz = req.headers.authorization;
      // huggingface_hub sends the user's own Hugging Face token (`hf_…`) with every list request: on a
      // read it is not meant for us and is ignored (docs/api.md). Anything else — a `pb_` token, or any
      // bearer on a write — must be valid.
      const foreignRead = authz !== undefined && (req.method === 'GET' || req.method === 'HEAD') && !/^bearer\s+pb_/i.test(authz);
      if (authz !== undefined && /^bearer\s/i.test(authz) && !foreignRead) {
        const found = await c.tokens.authenticate(authz.slice(7).trim());
        if (!found) throw new AppError('TOKEN_INVALID', 'This API token is not valid: it may have been revoked. Make a new one on your settings page.');
        req.user = found.user;
        req.auth = { kind: 'token', tokenId: found.tokenId };
        return;
      }
      const secret = req.cookies[SESSION_COOKIE];
      if (!secret) return;
      const found = await c.sessions.authenticate(secret);
      if (!found) {
        // Expired or signed out elsewhere: drop the dead cookie so the next request skips the lookup.
        clearSessionCookie(req, reply);
        return;
      }
      req.user = found.user;
      req.auth = { kind: 'session', sessionHash: found.sessionHash, secret };
      if (found.refreshed) setSessionCookie(req, reply, secret);
    });
  },
  { name: 'paperboy-session' },
);
