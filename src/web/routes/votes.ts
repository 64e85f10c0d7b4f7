/**
 * Upvotes over HTTP: the page form (`POST /votes`, no JavaScript needed: it answers with a redirect
 * back, or JSON when the page's script asks for it) and the JSON API (`POST /api/votes`, with a
 * personal API token or a session cookie plus CSRF token). `GET /api/me` says who a token acts as.
 */
import type { FastifyPluginAsync } from 'fastify';
import { community } from '../../community/index.ts';
import { safeNext } from '../../community/user.ts';
import { AppError } from '../../errors.ts';
import { errorSchema } from '../error-schema.ts';
import { hfDailyEntrySchema, hfDailyEntryJson } from '../hf-json.ts';
import { LIMITS } from '../limits.ts';

const voteBody = {
  type: 'object',
  required: ['paper', 'vote'],
  properties: {
    paper: { type: 'string', maxLength: 300, description: 'arXiv id (any form)', examples: ['2310.06511'] },
    vote: { type: 'string', enum: ['up', 'down', 'toggle'], description: 'up: upvote; down: take the upvote back; toggle: the opposite of now' },
  },
} as const;

const voteResult = {
  type: 'object',
  required: ['paper', 'upvoted', 'upvotes'],
  properties: {
    paper: { type: 'string' },
    upvoted: { type: 'boolean', description: 'whether you upvote it now' },
    upvotes: { type: 'integer', description: 'the shown count: imported baseline + local votes' },
  },
} as const;

export const voteRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);

  server.post<{ Body: { paper?: string; vote?: string; next?: string } }>(
    '/votes',
    { config: { limit: LIMITS.vote }, schema: { hide: true, body: { type: 'object', properties: { paper: { type: 'string', maxLength: 300 }, vote: { type: 'string', maxLength: 10 }, next: { type: 'string', maxLength: 1000 } } } } },
    async (req, reply) => {
      const r = await c.votes.vote(req.user, req.body?.paper, req.body?.vote);
      reply.header('cache-control', 'no-store');
      if ((req.headers.accept ?? '').includes('application/json')) return r;
      return reply.redirect(req.body?.next ? safeNext(req.body.next) : `/papers/${r.paper}`, 303);
    },
  );

  server.post<{ Body: { paper: string; vote: 'up' | 'down' | 'toggle' } }>(
    '/api/votes',
    {
      config: { limit: LIMITS.vote },
      schema: {
        tags: ['community'],
        summary: 'Upvote a paper, take the upvote back, or toggle it (API token, or session cookie + X-CSRF-Token)',
        security: [{ bearer: [] }],
        body: voteBody,
        response: { 200: voteResult, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return c.votes.vote(req.user, req.body.paper, req.body.vote);
    },
  );

  server.get(
    '/api/me',
    {
      schema: {
        tags: ['community'],
        summary: 'The account this request acts as (API token or session)',
        response: {
          200: { type: 'object', properties: { handle: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, createdAt: { type: 'string' }, url: { type: 'string' } } },
          401: errorSchema,
        },
      },
    },
    async (req, reply) => {
      if (!req.user) throw new AppError('SIGN_IN_REQUIRED', 'Send an API token (Authorization: Bearer pb_…) or sign in.');
      reply.header('cache-control', 'private, no-store');
      const u = req.user;
      return { handle: u.handle, name: u.name, role: u.role, createdAt: u.createdAt, url: `${app.config.baseUrl}/users/${u.handle}` };
    },
  );

  server.get<{ Querystring: { limit?: number } }>(
    '/api/me/upvotes',
    {
      schema: {
        tags: ['community'],
        summary: 'Papers you upvoted, most recent first',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
        response: { 200: { type: 'array', items: hfDailyEntrySchema }, 401: errorSchema },
      },
    },
    async (req, reply) => {
      if (!req.user) throw new AppError('SIGN_IN_REQUIRED', 'Send an API token (Authorization: Bearer pb_…) or sign in.');
      reply.header('cache-control', 'private, no-store');
      const papers = await c.votes.upvotedBy(req.user.id, req.query.limit ?? 100);
      return papers.map((p) => hfDailyEntryJson(p, app.config.baseUrl));
    },
  );
};
