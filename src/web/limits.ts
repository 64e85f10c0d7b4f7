/**
 * The community's rate limits on edges' named-limit mechanism (plugins/rate-limit.ts): per client
 * address and per e-mail address for signing in, per account for writes (after the session is read, hence
 * `preHandler`); votes, comments and submissions also per address.
 */
import type { FastifyRequest } from 'fastify';
import type { RouteLimit } from './plugins/rate-limit.ts';

/** Per account when signed in, else per address. */
const byAccount = (req: FastifyRequest): string => (req.user ? `user:${req.user.id}` : `ip:${req.ip}`);

/**
 * Per e-mail address typed into a sign-in form, normalized as accounts are (trimmed, lower case), so that
 * one address has one count however it is spelled; a form without one counts under the client's address.
 */
const byEmail = (req: FastifyRequest): string => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  const normal = typeof email === 'string' ? email.trim().toLowerCase().slice(0, 320) : '';
  return normal ? `email:${normal}` : `ip:${req.ip}`;
};

export const LIMITS = {
  signin: 'signin',
  /** The forms that name an address (asking for a link, trying a password): per client and per e-mail address. */
  signinAddress: ['signin', { name: 'signin-address', key: byEmail, hook: 'preHandler' }],
  vote: [{ name: 'vote', key: byAccount, hook: 'preHandler' }, 'vote-ip'],
  comment: [{ name: 'comment', key: byAccount, hook: 'preHandler' }, 'comment-ip'],
  submit: [{ name: 'submit', key: byAccount, hook: 'preHandler' }, 'submit-ip'],
  claim: { name: 'claim', key: byAccount, hook: 'preHandler' },
  collection: { name: 'collection', key: byAccount, hook: 'preHandler' },
} as const satisfies Record<string, RouteLimit>;
