/**
 * Authorship claims over HTTP: the paper page's forms (`POST /claims`, `/claims/:id/withdraw|hide|show`,
 * each answering with a redirect back to the paper) and the JSON API (`POST /api/claims`,
 * `GET /api/me/claims`, `POST /api/claims/:id/{withdraw,hide,show}`) with an API token or a session
 * cookie plus CSRF token. Moderators decide claims on /moderation (routes/moderation.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { community } from '../../community/index.ts';
import type { Claim } from '../../community/claims.service.ts';
import { AppError } from '../../errors.ts';
import { errorSchema } from '../error-schema.ts';
import { LIMITS } from '../limits.ts';

const claimSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, paper: { type: 'string' }, title: { type: 'string' }, authorIndex: { type: 'integer', description: '0-based position in the author list' },
    authorName: { type: 'string' }, claimant: { type: 'string', description: 'the handle' }, state: { type: 'string', enum: ['pending', 'verified', 'rejected'] },
    hidden: { type: 'boolean' }, createdAt: { type: 'string' }, decidedAt: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] },
  },
} as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 429: errorSchema };

const json = (c: Claim) => ({ id: c.id, paper: c.arxivId, title: c.title, authorIndex: c.authorIndex, authorName: c.authorName, claimant: c.claimant.handle, state: c.state, hidden: c.hidden, createdAt: c.createdAt, decidedAt: c.decidedAt, reason: c.reason });

export const claimRoutes: FastifyPluginAsync = async (server) => {
  const claims = community(server.app).claims;
  const back = (arxivId: string) => `/papers/${arxivId}#claim`;

  server.post<{ Body: { paper?: string; author?: string } }>(
    '/claims',
    { config: { limit: LIMITS.claim }, schema: { hide: true, body: { type: 'object', properties: { paper: { type: 'string', maxLength: 300 }, author: { type: 'string', maxLength: 10 } } } } },
    async (req, reply) => {
      const c = await claims.claim(req.user, req.body?.paper, req.body?.author);
      return reply.redirect(back(c.arxivId), 303);
    },
  );

  // The claimant's own actions; another member's claim is a 403 (services check ownership).
  const own = { withdraw: null, hide: true, show: false } as const;
  for (const [action, hidden] of Object.entries(own) as Array<[keyof typeof own, boolean | null]>) {
    const run = async (user: Parameters<typeof claims.withdraw>[0], id: number): Promise<Claim | { arxivId: string; withdrawn: true }> =>
      hidden === null ? { ...(await claims.withdraw(user, id)), withdrawn: true } : claims.setHidden(user, id, hidden);
    server.post<{ Params: { id: number } }>(`/claims/:id/${action}`, { schema: { hide: true, params: idParam } }, async (req, reply) =>
      reply.redirect(back((await run(req.user, req.params.id)).arxivId), 303),
    );
    server.post<{ Params: { id: number } }>(
      `/api/claims/:id/${action}`,
      { schema: { tags: ['community'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} your authorship claim`, security: [{ bearer: [] }], params: idParam, response: { 200: claimSchema, 204: { type: 'null' }, ...errors } } },
      async (req, reply) => {
        const r = await run(req.user, req.params.id);
        return 'withdrawn' in r ? reply.status(204).send() : json(r);
      },
    );
  }

  server.post<{ Body: { paper: string; author: number } }>(
    '/api/claims',
    {
      config: { limit: LIMITS.claim },
      schema: {
        tags: ['community'],
        summary: 'Claim authorship of a paper: which author you are (0-based position); a moderator verifies it',
        security: [{ bearer: [] }],
        body: { type: 'object', required: ['paper', 'author'], additionalProperties: false, properties: { paper: { type: 'string', maxLength: 300 }, author: { type: 'integer', minimum: 0, maximum: 9999 } } },
        response: { 200: claimSchema, ...errors },
      },
    },
    async (req) => json(await claims.claim(req.user, req.body.paper, req.body.author)),
  );

  server.get('/api/me/claims', { schema: { tags: ['community'], summary: 'Your authorship claims, newest first (every state)', security: [{ bearer: [] }], response: { 200: { type: 'array', items: claimSchema }, 401: errorSchema } } }, async (req, reply) => {
    if (!req.user) throw new AppError('SIGN_IN_REQUIRED', 'Send an API token (Authorization: Bearer pb_…) or sign in.');
    reply.header('cache-control', 'private, no-store');
    return (await claims.byUser(req.user.id, { publicOnly: false, limit: 500 })).map(json);
  });
};
