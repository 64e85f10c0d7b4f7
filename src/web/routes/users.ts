/**
 * Members' public pages (`/users/:handle`) and their JSON (`/api/users/:handle`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { community } from '../../community/index.ts';
import { AppError } from '../../errors.ts';
import { errorSchema } from '../error-schema.ts';
import { viewerOf } from '../viewer.ts';
import { claimedPapers } from '../views/claims.ts';
import { profilePage } from '../views/profile.ts';

const handleParam = { type: 'object', required: ['handle'], properties: { handle: { type: 'string', maxLength: 60 } } } as const;

export const userRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);

  const load = async (handle: string) => {
    const found = await c.users.byHandle(handle);
    if (!found) throw new AppError('USER_NOT_FOUND', `There is no member @${handle.slice(0, 60)}.`);
    const [upvoted, comments, submitted, claimed, collections] = await Promise.all([c.votes.upvotedBy(found.id, 20), c.comments.byUser(found.id, 20), c.submissions.byUser(found.id, 20), c.claims.byUser(found.id, { publicOnly: true, limit: 100 }), c.collections.publicOf(found.id)]);
    return { ...found, upvoted, submitted, comments, claimed, collections };
  };

  server.get<{ Params: { handle: string } }>('/users/:handle', { schema: { hide: true, params: handleParam } }, async (req, reply) => {
    const u = await load(req.params.handle);
    const viewer = await viewerOf(req, reply, u.upvoted);
    if (!viewer) reply.header('cache-control', 'public, no-cache');
    // The owner also sees their pending, rejected and hidden claims.
    const own = viewer?.user.id === u.id;
    const claimed = own ? await c.claims.byUser(u.id, { publicOnly: false, limit: 100 }) : u.claimed;
    return reply.type('text/html; charset=utf-8').send(profilePage({ profile: u.profile, upvoted: u.upvoted, comments: u.comments, submitted: u.submitted, collections: u.collections, viewer, extra: claimedPapers(claimed, own) }).value);
  });

  server.get<{ Params: { handle: string } }>(
    '/api/users/:handle',
    {
      schema: {
        tags: ['community'],
        summary: "A member's public profile and recent activity",
        params: handleParam,
        response: {
          200: {
            type: 'object',
            properties: {
              handle: { type: 'string' }, name: { type: 'string' }, bio: { type: 'string' }, avatarUrl: { type: ['string', 'null'] },
              links: { type: 'array', items: { type: 'string' } }, role: { type: 'string' }, createdAt: { type: 'string' },
              upvoted: { type: 'array', items: { type: 'string' } },
              submitted: { type: 'array', description: 'papers this member submitted to a daily list', items: { type: 'object', properties: { paper: { type: 'string' }, title: { type: 'string' }, day: { type: 'string' } } } },
              claimed: { type: 'array', description: 'papers moderators verified this member wrote', items: { type: 'object', properties: { paper: { type: 'string' }, title: { type: 'string' }, authorName: { type: 'string' } } } },
              comments: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, paper: { type: 'string' }, html: { type: 'string' }, createdAt: { type: 'string' } } } },
            },
          },
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const u = await load(req.params.handle);
      const p = u.profile;
      return { handle: p.handle, name: p.name, bio: p.bio, avatarUrl: p.avatarUrl, links: p.links, role: p.role, createdAt: p.createdAt, upvoted: u.upvoted.map((x) => x.arxivId), submitted: u.submitted.map((x) => ({ paper: x.arxivId, title: x.title, day: x.day })), claimed: u.claimed.map((x) => ({ paper: x.arxivId, title: x.title, authorName: x.authorName })), comments: u.comments.map((x) => ({ id: x.id, paper: x.arxivId, html: x.html, createdAt: x.createdAt })) };
    },
  );
};
