/**
 * The collections JSON API, with a personal API token (`Authorization: Bearer pb_…`) or a session
 * cookie plus `X-CSRF-Token` (public/collections.js uses the latter). Reads of someone else's private
 * collection answer 404 COLLECTION_NOT_FOUND, the same as a key that does not exist; writes to someone
 * else's public collection 403 FORBIDDEN.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CollectionSummary, CollectionView } from '../../community/collections.service.ts';
import { DESCRIPTION_MAX, NAME_MAX, NOTE_MAX } from '../../community/collections.service.ts';
import { community } from '../../community/index.ts';
import { AppError } from '../../errors.ts';
import { errorSchema } from '../error-schema.ts';
import { hfPaperJson, hfPaperSchema } from '../hf-json.ts';
import { LIMITS } from '../limits.ts';

const summarySchema = {
  type: 'object',
  required: ['id', 'name', 'visibility', 'owner', 'url', 'numPapers'],
  properties: {
    id: { type: 'string', description: 'the key in the collection URL' },
    name: { type: 'string' },
    description: { type: 'string' },
    visibility: { type: 'string', enum: ['public', 'private'] },
    owner: { type: 'object', properties: { handle: { type: 'string' }, name: { type: 'string' } } },
    url: { type: 'string', description: 'the collection page' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    numPapers: { type: 'integer' },
    hasPaper: { type: 'boolean', description: 'with ?paper=: whether the collection holds it' },
  },
} as const;

const collectionSchema = {
  ...summarySchema,
  properties: {
    ...summarySchema.properties,
    papers: { type: 'array', items: { type: 'object', properties: { paper: hfPaperSchema, note: { type: 'string' }, addedAt: { type: 'string' } } } },
  },
} as const;

const keyParam = { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 200 } } } as const;
const paperField = { type: 'string', maxLength: 300, description: 'arXiv id (any form)' } as const;
const fields = {
  name: { type: 'string', maxLength: NAME_MAX * 4 },
  description: { type: 'string', maxLength: DESCRIPTION_MAX * 4 },
  visibility: { type: 'string', enum: ['public', 'private'] },
} as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema, 429: errorSchema };
const api = { tags: ['collections'], security: [{ bearer: [] }] };

export const collectionApiRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);
  const base = app.config.baseUrl;
  const summaryJson = (s: CollectionSummary & { hasPaper?: boolean }) => ({
    id: s.key, name: s.name, description: s.description, visibility: s.visibility, owner: s.owner, url: `${base}${s.path}`,
    createdAt: s.createdAt, updatedAt: s.updatedAt, numPapers: s.numPapers, hasPaper: s.hasPaper,
  });
  const viewJson = (v: CollectionView) => ({ ...summaryJson(v), numPapers: v.items.length, papers: v.items.map((i) => ({ paper: hfPaperJson(i.paper, base), note: i.note, addedAt: i.addedAt })) });
  const me = (user: unknown) => {
    if (!user) throw new AppError('SIGN_IN_REQUIRED', 'Send an API token (Authorization: Bearer pb_…) or sign in.');
  };
  const write = { config: { limit: LIMITS.collection } };

  server.get<{ Querystring: { paper?: string } }>(
    '/api/me/collections',
    { schema: { ...api, summary: 'Your collections, private ones included (with ?paper=: whether each holds it)', querystring: { type: 'object', additionalProperties: false, properties: { paper: paperField } }, response: { 200: { type: 'array', items: summarySchema }, ...errors } } },
    async (req, reply) => {
      me(req.user);
      reply.header('cache-control', 'private, no-store');
      return (await c.collections.mine(req.user!.id, req.query.paper)).map(summaryJson);
    },
  );

  server.get<{ Params: { handle: string } }>(
    '/api/users/:handle/collections',
    { schema: { tags: ['collections'], summary: "A member's public collections", params: { type: 'object', required: ['handle'], properties: { handle: { type: 'string', maxLength: 60 } } }, response: { 200: { type: 'array', items: summarySchema }, 404: errorSchema } } },
    async (req) => {
      const u = await c.users.byHandle(req.params.handle);
      if (!u) throw new AppError('USER_NOT_FOUND', `There is no member @${req.params.handle.slice(0, 60)}.`);
      return (await c.collections.publicOf(u.id, 200)).map(summaryJson);
    },
  );

  server.post<{ Body: { name: string; description?: string; visibility?: 'public' | 'private' } }>(
    '/api/collections',
    { ...write, schema: { ...api, summary: 'Make a collection (private unless visibility is public)', body: { type: 'object', required: ['name'], additionalProperties: false, properties: fields }, response: { 201: summarySchema, ...errors } } },
    async (req, reply) => {
      const made = await c.collections.create(req.user, req.body);
      return reply.status(201).header('cache-control', 'no-store').header('location', `${base}/api/collections/${made.key}`).send(summaryJson(made));
    },
  );

  server.get<{ Params: { key: string } }>(
    '/api/collections/:key',
    { schema: { tags: ['collections'], summary: 'A collection and its papers, in order (private ones: their owner only)', params: keyParam, response: { 200: collectionSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema } } },
    async (req, reply) => {
      const v = await c.collections.get(req.params.key, req.user);
      reply.header('cache-control', v.visibility === 'public' && !req.user ? 'public, no-cache' : 'private, no-store').header('vary', 'cookie, authorization');
      return viewJson(v);
    },
  );

  server.patch<{ Params: { key: string }; Body: { name?: string; description?: string; visibility?: 'public' | 'private' } }>(
    '/api/collections/:key',
    { ...write, schema: { ...api, summary: 'Rename a collection, change its description or who can see it', params: keyParam, body: { type: 'object', additionalProperties: false, properties: fields }, response: { 200: summarySchema, ...errors } } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return summaryJson(await c.collections.update(req.user, req.params.key, req.body ?? {}));
    },
  );

  server.delete<{ Params: { key: string } }>(
    '/api/collections/:key',
    { ...write, schema: { ...api, summary: 'Delete a collection (the papers stay in the catalog)', params: keyParam, response: { 200: { type: 'object', properties: { deleted: { type: 'boolean' } } }, ...errors } } },
    async (req) => {
      await c.collections.remove(req.user, req.params.key);
      return { deleted: true };
    },
  );

  server.post<{ Params: { key: string }; Body: { paper: string; note?: string } }>(
    '/api/collections/:key/items',
    {
      ...write,
      schema: {
        ...api, summary: 'Add a paper at the end, with an optional note (already there: sets the note if given)', params: keyParam,
        body: { type: 'object', required: ['paper'], additionalProperties: false, properties: { paper: paperField, note: { type: 'string', maxLength: NOTE_MAX * 4 } } },
        response: { 200: { type: 'object', properties: { added: { type: 'boolean' }, collection: summarySchema } }, ...errors },
      },
    },
    async (req, reply) => {
      const r = await c.collections.addPaper(req.user, req.params.key, req.body.paper, req.body.note);
      reply.header('cache-control', 'no-store');
      return { added: r.added, collection: summaryJson(r.collection) };
    },
  );

  server.patch<{ Params: { key: string }; Body: { paper: string; note?: string; move?: 'up' | 'down' } }>(
    '/api/collections/:key/items',
    {
      ...write,
      schema: {
        ...api, summary: "Change a paper's note, or move it one place up or down", params: keyParam,
        body: { type: 'object', required: ['paper'], additionalProperties: false, properties: { paper: paperField, note: { type: 'string', maxLength: NOTE_MAX * 4 }, move: { type: 'string', enum: ['up', 'down'] } } },
        response: { 200: collectionSchema, ...errors },
      },
    },
    async (req) => {
      if (req.body.note === undefined && req.body.move === undefined) throw new AppError('BAD_REQUEST', 'Send a note, a move (up or down), or both.');
      if (req.body.note !== undefined) await c.collections.setNote(req.user, req.params.key, req.body.paper, req.body.note);
      if (req.body.move !== undefined) await c.collections.move(req.user, req.params.key, req.body.paper, req.body.move);
      return viewJson(await c.collections.get(req.params.key, req.user));
    },
  );

  server.delete<{ Params: { key: string }; Querystring: { paper: string } }>(
    '/api/collections/:key/items',
    {
      ...write,
      schema: { ...api, summary: 'Remove a paper (?paper=ID: old-style ids hold a slash)', params: keyParam, querystring: { type: 'object', required: ['paper'], properties: { paper: paperField } }, response: { 200: { type: 'object', properties: { removed: { type: 'boolean' } } }, ...errors } },
    },
    async (req) => c.collections.removePaper(req.user, req.params.key, req.query.paper),
  );

  server.put<{ Params: { key: string }; Body: { papers: string[] } }>(
    '/api/collections/:key/order',
    {
      ...write,
      schema: {
        ...api, summary: "Set the collection's order: every paper it holds, once each", params: keyParam,
        body: { type: 'object', required: ['papers'], additionalProperties: false, properties: { papers: { type: 'array', maxItems: 100_000, items: paperField } } },
        response: { 200: collectionSchema, ...errors },
      },
    },
    async (req) => {
      await c.collections.reorder(req.user, req.params.key, req.body.papers);
      return viewJson(await c.collections.get(req.params.key, req.user));
    },
  );
};
