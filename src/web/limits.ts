/**
 * The community's rate limits on edges' named-limit mechanism (plugins/rate-limit.ts): per client
 * address for signing in, per account for writes (after the session is read, hence `preHandler`);
 * submissions also per address.
 */
import type { FastifyRequest } from 'fastify';
import type { RouteLimit } from './plugins/rate-limit.ts';

/** Per account when signed in, else per address. */
const byAccount = (req: FastifyRequest): string => (req.user ? `user:${req.user.id}` : `ip:${req.ip}`);

export const LIMITS = {
  signin: 'signin',
  vote: { name: 'vote', key: byAccount, hook: 'preHandler' },
  comment: { name: 'comment', key: byAccount, hook: 'preHandler' },
  submit: [{ name: 'submit', key: byAccount, hook: 'preHandler' }, 'submit-ip'],
  claim: { name: 'claim', key: byAccount, hook: 'preHandler' },
  collection: { name: 'collection', key: byAccount, hook: 'preHandler' },
} as const satisfies Record<string, RouteLimit>;
