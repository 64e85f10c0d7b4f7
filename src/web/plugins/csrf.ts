/**
 * CSRF protection for every state-changing request a browser could be tricked into sending.
 *
 * Double-submit with a secret cookie (@fastify/csrf): the `pb_csrf` cookie (HttpOnly, SameSite=Lax)
 * holds a random secret; pages embed tokens derived from it (`reply.csrfToken()`: a hidden `_csrf`
 * field in forms, a `<meta name="csrf-token">` for scripts, which send it as `X-CSRF-Token`). Another
 * site can make a browser send the cookie but can neither read it nor compute a token from it.
 *
 * Every POST, PUT, PATCH and DELETE that carries a session cookie (cookie-authenticated: what a forged
 * cross-site request would ride on) must carry a valid token, and so must every request to a route
 * that declares `config: { csrf: 'always' }` — the sign-in forms, against login CSRF (a forged sign-in
 * into the attacker's account needs no cookie). Exempt: requests authenticated by an API token (a
 * browser never adds an Authorization header by itself), requests that match no route (they get their
 * 404/405), and routes that declare `config: { csrf: false }` because they carry their own proof (e.g.
 * an RFC 8058 one-click unsubscribe link's signed token). A request with neither a session cookie nor
 * a token acts as nobody, so a write route answers it SIGN_IN_REQUIRED.
 */
import Tokens from '@fastify/csrf';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { secureCookies, SESSION_COOKIE } from './session.ts';

export const CSRF_COOKIE = 'pb_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyReply {
    /** A CSRF token for a form or script on the page being rendered (sets the secret cookie if needed). */
    csrfToken(): string;
  }
  interface FastifyContextConfig {
    /** false: this route proves its requests another way; 'always': check even without a session (sign-in forms). */
    csrf?: boolean | 'always';
  }
}

const tokens = new Tokens({ userInfo: false });

function tokenOf(req: FastifyRequest): unknown {
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === 'object' ? body._csrf : undefined;
  return fromBody ?? req.headers['x-csrf-token'] ?? req.headers['csrf-token'];
}

export const csrfPlugin = fp(
  async (server) => {
    server.decorateReply('csrfToken', function (this: FastifyReply) {
      const req = this.request;
      let secret = req.cookies[CSRF_COOKIE];
      if (!secret || !/^[A-Za-z0-9_-]{20,64}$/.test(secret)) {
        secret = tokens.secretSync();
        this.setCookie(CSRF_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(req) });
        // Later tokens in this same response derive from the same new secret.
        req.cookies[CSRF_COOKIE] = secret;
      }
      return tokens.create(secret);
    });
    server.addHook('preHandler', async (req) => {
      const rule = req.routeOptions.config?.csrf;
      if (!UNSAFE.has(req.method) || req.is404 || req.auth?.kind === 'token' || rule === false) return;
      if (rule !== 'always' && req.cookies[SESSION_COOKIE] === undefined) return;
      const secret = req.cookies[CSRF_COOKIE];
      const token = tokenOf(req);
      if (!secret || typeof token !== 'string' || !tokens.verify(secret, token)) {
        throw new AppError('CSRF_INVALID', 'This form has expired or did not come from this site. Reload the page and try again.');
      }
    });
  },
  { name: 'paperboy-csrf', dependencies: ['paperboy-session'] },
);
