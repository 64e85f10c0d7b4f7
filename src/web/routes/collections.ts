/**
 * Collection pages and their forms: your collections (`/collections`), one collection
 * (`/collections/<key>` or `/collections/<key>-<slug>`), the picker (`/collections/add?paper=…`), and
 * the POST forms to create, edit, delete, add, remove, move and annotate — each answers with a
 * redirect back (no JavaScript needed), or JSON when a script asks for it. A private collection is a
 * 404 to everyone but its owner, exactly like a key that does not exist.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { keyOfPath } from '../../community/collections.service.ts';
import { community } from '../../community/index.ts';
import { safeNext } from '../../community/user.ts';
import { AppError, isAppError } from '../../errors.ts';
import { LIMITS } from '../limits.ts';
import { viewerOf } from '../viewer.ts';
import { addPage, collectionPage, myCollectionsPage } from '../views/collections.ts';

const HTML = 'text/html; charset=utf-8';
const form = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string', maxLength: 5000 }])) });
const keyParam = { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 200 } } } as const;
type Body = Record<string, string | undefined>;

export const collectionRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);
  const wantsJson = (req: FastifyRequest) => (req.headers.accept ?? '').includes('application/json');
  const signIn = (reply: FastifyReply, next: string) => reply.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
  const keyOf = (ref: string) => {
    const key = keyOfPath(ref);
    if (!key) throw new AppError('COLLECTION_NOT_FOUND', `There is no collection ${ref.slice(0, 40)} (or it is private).`);
    return key;
  };
  const back = (req: FastifyRequest, reply: FastifyReply, to: string, json: unknown) => {
    reply.header('cache-control', 'no-store');
    return wantsJson(req) ? reply.send(json) : reply.redirect(to, 303);
  };

  server.get('/collections', { schema: { hide: true } }, async (req, reply) => {
    const viewer = await viewerOf(req, reply);
    if (!viewer) return signIn(reply, '/collections');
    return reply.type(HTML).send(myCollectionsPage({ viewer, collections: await c.collections.mine(viewer.user.id) }).value);
  });

  server.post<{ Body: Body }>('/collections', { config: { limit: LIMITS.collection }, schema: { hide: true, body: form('name', 'description', 'visibility') } }, async (req, reply) => {
    const b = req.body ?? {};
    try {
      const made = await c.collections.create(req.user, { name: b.name, description: b.description, visibility: b.visibility });
      return back(req, reply, made.path, made);
    } catch (e) {
      const viewer = await viewerOf(req, reply);
      if (!viewer || !isAppError(e) || e.status >= 500 || wantsJson(req)) throw e;
      return reply.status(e.status).type(HTML).send(myCollectionsPage({ viewer, collections: await c.collections.mine(viewer.user.id), error: e.message }).value);
    }
  });

  server.get<{ Querystring: { paper?: string; next?: string; saved?: string } }>(
    '/collections/add',
    { schema: { hide: true, querystring: form('paper', 'next', 'saved') } },
    async (req, reply) => {
      const paperRef = req.query.paper ?? '';
      const next = safeNext(req.query.next ?? `/papers/${paperRef}`);
      const viewer = await viewerOf(req, reply);
      if (!viewer) return signIn(reply, `/collections/add?paper=${encodeURIComponent(paperRef)}&next=${encodeURIComponent(next)}`);
      const paper = await app.catalog.getPaper(paperRef);
      const collections = await c.collections.mine(viewer.user.id, paper.arxivId);
      const saved = collections.find((x) => x.key === req.query.saved);
      return reply.type(HTML).send(addPage({ viewer, paper, collections, next, notice: saved ? `Saved to “${saved.name}”.` : undefined }).value);
    },
  );

  server.post<{ Body: Body }>('/collections/add', { config: { limit: LIMITS.collection }, schema: { hide: true, body: form('paper', 'collection', 'newName', 'note', 'next') } }, async (req, reply) => {
    const b = req.body ?? {};
    const next = safeNext(b.next ?? `/papers/${b.paper ?? ''}`);
    try {
      const key = b.collection ? keyOf(b.collection) : (await c.collections.create(req.user, { name: b.newName })).key;
      const r = await c.collections.addPaper(req.user, key, b.paper, b.note);
      return back(req, reply, `/collections/add?paper=${encodeURIComponent(String(b.paper))}&next=${encodeURIComponent(next)}&saved=${key}`, r);
    } catch (e) {
      const viewer = await viewerOf(req, reply);
      if (!viewer || !isAppError(e) || e.status >= 500 || wantsJson(req) || e.code === 'PAPER_NOT_FOUND' || e.code === 'INVALID_ARXIV_ID') throw e;
      const paper = await app.catalog.getPaper(String(b.paper ?? ''));
      const collections = await c.collections.mine(viewer.user.id, paper.arxivId);
      return reply.status(e.status).type(HTML).send(addPage({ viewer, paper, collections, next, error: e.message }).value);
    }
  });

  server.get<{ Params: { key: string } }>('/collections/:key', { schema: { hide: true, params: keyParam } }, async (req, reply) => {
    // Not cacheable until we know it is public: a 404 for a private one must not be kept for its owner.
    reply.header('cache-control', 'private, no-store').header('vary', 'cookie');
    const col = await c.collections.get(keyOf(req.params.key), req.user);
    const viewer = await viewerOf(req, reply, col.items.map((i) => i.paper));
    // A public collection seen anonymously is the same for everyone: revalidated by ETag.
    if (!viewer && col.visibility === 'public') reply.header('cache-control', 'public, no-cache');
    return reply.type(HTML).send(collectionPage({ collection: col, viewer }).value);
  });

  server.post<{ Params: { key: string }; Body: Body }>(
    '/collections/:key/edit',
    { config: { limit: LIMITS.collection }, schema: { hide: true, params: keyParam, body: form('name', 'description', 'visibility') } },
    async (req, reply) => {
      const b = req.body ?? {};
      const r = await c.collections.update(req.user, keyOf(req.params.key), { name: b.name, description: b.description ?? '', visibility: b.visibility });
      return back(req, reply, r.path, r);
    },
  );

  server.post<{ Params: { key: string }; Body: Body }>(
    '/collections/:key/delete',
    { config: { limit: LIMITS.collection }, schema: { hide: true, params: keyParam, body: form('confirm') } },
    async (req, reply) => {
      if (req.body?.confirm !== 'yes') throw new AppError('BAD_REQUEST', 'Tick the box to confirm deleting the collection.');
      await c.collections.remove(req.user, keyOf(req.params.key));
      return back(req, reply, '/collections', { deleted: true });
    },
  );

  /** The item forms: each names the paper; `next` (the picker) or the collection page is where they go back to. */
  const itemForm = (what: string, run: (req: FastifyRequest, key: string, b: Body) => Promise<unknown>) =>
    server.post<{ Params: { key: string }; Body: Body }>(
      `/collections/:key/items/${what}`,
      { config: { limit: LIMITS.collection }, schema: { hide: true, params: keyParam, body: form('paper', 'note', 'direction', 'next') } },
      async (req, reply) => {
        const key = keyOf(req.params.key);
        const out = await run(req, key, req.body ?? {});
        const to = req.body?.next ? `/collections/add?paper=${encodeURIComponent(String(req.body.paper))}&next=${encodeURIComponent(safeNext(req.body.next))}` : `/collections/${key}#p-${String(req.body?.paper ?? '').slice(0, 40)}`;
        return back(req, reply, to, out ?? { ok: true });
      },
    );
  itemForm('remove', (req, key, b) => c.collections.removePaper(req.user, key, b.paper));
  itemForm('move', (req, key, b) => c.collections.move(req.user, key, b.paper, b.direction));
  itemForm('note', (req, key, b) => c.collections.setNote(req.user, key, b.paper, b.note ?? ''));
};
