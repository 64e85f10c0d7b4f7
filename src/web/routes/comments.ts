/**
 * Discussion over HTTP: the forms of the paper page (write, reply, edit, delete, report; each answers
 * with a redirect back, no JavaScript needed), the edit and history pages, and the JSON API
 * (`/api/comments…`, with an API token or a session cookie plus X-CSRF-Token).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CommentView } from '../../community/comments.service.ts';
import { community } from '../../community/index.ts';
import { AppError } from '../../errors.ts';
import { errorSchema } from '../error-schema.ts';
import { LIMITS } from '../limits.ts';
import { viewerOf } from '../viewer.ts';
import { editCommentPage, historyPage, messagePage } from '../views/discussion.ts';

const HTML = 'text/html; charset=utf-8';
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const form = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string', maxLength: 20_000 }])) });

const commentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    parentId: { type: ['integer', 'null'] },
    depth: { type: 'integer' },
    author: { type: ['object', 'null'], properties: { handle: { type: 'string' }, name: { type: 'string' }, avatarUrl: { type: ['string', 'null'] } } },
    body: { type: 'string', description: 'Markdown source' },
    html: { type: 'string', description: 'sanitized HTML (math as MathML): safe to insert' },
    createdAt: { type: 'string' },
    editedAt: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['visible', 'deleted', 'hidden'] },
    hiddenReason: { type: ['string', 'null'] },
  },
} as const;

const json = (c: CommentView) => ({ ...c, mine: undefined });

export const commentRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);
  const wantsJson = (req: FastifyRequest) => (req.headers.accept ?? '').includes('application/json');
  const done = (req: FastifyRequest, reply: FastifyReply, to: string, body: unknown) => {
    reply.header('cache-control', 'no-store');
    return wantsJson(req) ? reply.send(body) : reply.redirect(to, 303);
  };

  server.post<{ Body: { paper?: string; body?: string; parent?: string } }>(
    '/comments',
    { config: { limit: LIMITS.comment }, schema: { hide: true, body: form('paper', 'body', 'parent') } },
    async (req, reply) => {
      const r = await c.comments.add(req.user, String(req.body?.paper ?? ''), req.body?.body, req.body?.parent);
      const paper = String(req.body?.paper ?? '');
      return done(req, reply, `/papers/${encodeURI(paper)}#c${r.id}`, json(r));
    },
  );

  server.get<{ Params: { id: number } }>('/comments/:id/edit', { schema: { hide: true, params: idParam } }, async (req, reply) => {
    const viewer = await viewerOf(req, reply);
    if (!viewer) return reply.redirect(`/signin?next=${encodeURIComponent(`/comments/${req.params.id}/edit`)}`, 303);
    const { comment, arxivId } = await c.comments.get(req.params.id, req.user);
    if (!comment.mine || comment.state !== 'visible') throw new AppError('FORBIDDEN', 'Only its author can edit a comment.');
    return reply.type(HTML).send(editCommentPage(comment, arxivId, viewer).value);
  });

  server.post<{ Params: { id: number }; Body: { body?: string } }>(
    '/comments/:id/edit',
    { config: { limit: LIMITS.comment }, schema: { hide: true, params: idParam, body: form('body') } },
    async (req, reply) => {
      const r = await c.comments.edit(req.user, req.params.id, req.body?.body);
      const { arxivId } = await c.comments.get(r.id, req.user);
      return done(req, reply, `/papers/${arxivId}#c${r.id}`, json(r));
    },
  );

  server.post<{ Params: { id: number } }>('/comments/:id/delete', { schema: { hide: true, params: idParam } }, async (req, reply) => {
    const { arxivId } = await c.comments.get(req.params.id, req.user);
    await c.comments.remove(req.user, req.params.id);
    return done(req, reply, `/papers/${arxivId}#discussion`, { deleted: true });
  });

  server.post<{ Params: { id: number }; Body: { reason?: string } }>(
    '/comments/:id/report',
    { config: { limit: LIMITS.comment }, schema: { hide: true, params: idParam, body: form('reason') } },
    async (req, reply) => {
      const { arxivId } = await c.comments.get(req.params.id, req.user);
      const r = await c.comments.report(req.user, req.params.id, req.body?.reason);
      reply.header('cache-control', 'no-store');
      if (wantsJson(req)) return r;
      const message = r.created ? 'Thank you: the moderators will look at this comment.' : 'You reported this comment already; the moderators have it.';
      return reply.type(HTML).send(messagePage('Reported', message, `/papers/${arxivId}#c${req.params.id}`, await viewerOf(req, reply)).value);
    },
  );

  server.get<{ Params: { id: number } }>('/comments/:id/history', { schema: { hide: true, params: idParam } }, async (req, reply) => {
    const h = await c.comments.history(req.params.id, req.user);
    return reply.type(HTML).send(historyPage(h.comment, h.arxivId, h.versions, await viewerOf(req, reply)).value);
  });

  // --- JSON API -----------------------------------------------------------------------------------

  const api = { tags: ['community'], security: [{ bearer: [] }] };

  server.get<{ Querystring: { paper: string } }>(
    '/api/comments',
    {
      schema: {
        tags: ['community'],
        summary: "A paper's discussion: its comments, threaded (depth-first, oldest first)",
        querystring: { type: 'object', required: ['paper'], additionalProperties: false, properties: { paper: { type: 'string', maxLength: 300 } } },
        response: {
          200: { type: 'object', properties: { paper: { type: 'string' }, discussionId: { type: 'string' }, locked: { type: 'boolean' }, numComments: { type: 'integer' }, comments: { type: 'array', items: commentSchema } } },
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const t = await c.comments.thread(req.query.paper, req.user);
      reply.header('cache-control', 'no-cache');
      return { paper: t.arxivId, discussionId: t.arxivId, locked: t.locked, numComments: t.count, comments: t.comments.map(json) };
    },
  );

  server.post<{ Body: { paper: string; body: string; parentId?: number } }>(
    '/api/comments',
    {
      config: { limit: LIMITS.comment },
      schema: {
        ...api,
        summary: 'Write a comment (Markdown with $math$), or a reply with parentId',
        body: { type: 'object', required: ['paper', 'body'], additionalProperties: false, properties: { paper: { type: 'string', maxLength: 300 }, body: { type: 'string', maxLength: 20_000 }, parentId: { type: 'integer', minimum: 1 } } },
        response: { 200: commentSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 429: errorSchema },
      },
    },
    async (req) => json(await c.comments.add(req.user, req.body.paper, req.body.body, req.body.parentId)),
  );

  server.patch<{ Params: { id: number }; Body: { body: string } }>(
    '/api/comments/:id',
    {
      config: { limit: LIMITS.comment },
      schema: {
        ...api,
        summary: 'Edit your comment (the earlier version stays in its history)',
        params: idParam,
        body: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: { type: 'string', maxLength: 20_000 } } },
        response: { 200: commentSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => json(await c.comments.edit(req.user, req.params.id, req.body.body)),
  );

  server.delete<{ Params: { id: number } }>(
    '/api/comments/:id',
    { schema: { ...api, summary: 'Delete your comment', params: idParam, response: { 200: { type: 'object', properties: { deleted: { type: 'boolean' } } }, 401: errorSchema, 403: errorSchema, 404: errorSchema } } },
    async (req) => {
      await c.comments.remove(req.user, req.params.id);
      return { deleted: true };
    },
  );

  server.post<{ Params: { id: number }; Body: { reason: string } }>(
    '/api/comments/:id/report',
    {
      config: { limit: LIMITS.comment },
      schema: {
        ...api,
        summary: 'Report a comment to the moderators',
        params: idParam,
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', maxLength: 2000 } } },
        response: { 200: { type: 'object', properties: { created: { type: 'boolean' } } }, 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (req) => c.comments.report(req.user, req.params.id, req.body.reason),
  );

  server.get<{ Params: { id: number } }>(
    '/api/comments/:id/history',
    {
      schema: {
        tags: ['community'],
        summary: "A comment's earlier versions, oldest first",
        params: idParam,
        response: { 200: { type: 'object', properties: { comment: commentSchema, versions: { type: 'array', items: { type: 'object', properties: { body: { type: 'string' }, html: { type: 'string' }, writtenAt: { type: 'string' } } } } } }, 404: errorSchema },
      },
    },
    async (req) => {
      const h = await c.comments.history(req.params.id, req.user);
      return { comment: json(h.comment), versions: h.versions };
    },
  );
};
