/**
 * Moderation over HTTP: the moderators' queue page and its forms (each redirects back to the queue),
 * the public log page, and the log as JSON.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { community } from '../../community/index.ts';
import { isModerator } from '../../community/user.ts';
import { AppError, isAppError } from '../../errors.ts';
import { errorSchema } from '../error-schema.ts';
import { viewerOf } from '../viewer.ts';
import { moderationLogPage, moderationPage } from '../views/moderation.ts';

const HTML = 'text/html; charset=utf-8';
const form = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string', maxLength: 2000 }])) });
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export const moderationRoutes: FastifyPluginAsync = async (server) => {
  const m = community(server.app).moderation;
  const cl = community(server.app).claims;

  const page = async (req: FastifyRequest, reply: FastifyReply, extra: { notice?: string; error?: string } = {}, status = 200) => {
    const viewer = await viewerOf(req, reply);
    if (!viewer) return reply.redirect('/signin?next=%2Fmoderation', 303);
    if (!isModerator(viewer.user)) throw new AppError('FORBIDDEN', 'Only moderators and admins can see the moderation queue.');
    const [queue, claims] = await Promise.all([m.queue(req.user), cl.queue(req.user)]);
    return reply.status(status).type(HTML).send(moderationPage({ viewer, queue, claims, ...extra }).value);
  };

  /** Run an action; a user error re-renders the queue with its message. */
  const act = async (req: FastifyRequest, reply: FastifyReply, done: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (e) {
      if (isAppError(e) && e.status < 500 && e.code !== 'FORBIDDEN' && e.code !== 'SIGN_IN_REQUIRED') return page(req, reply, { error: e.message }, e.status);
      throw e;
    }
    return page(req, reply, { notice: done });
  };

  server.get('/moderation', { schema: { hide: true } }, async (req, reply) => page(req, reply));

  server.post<{ Params: { id: number }; Body: { reason?: string } }>('/moderation/comments/:id/hide', { schema: { hide: true, params: idParam, body: form('reason') } }, async (req, reply) =>
    act(req, reply, `Comment ${req.params.id} hidden.`, () => m.hideComment(req.user, req.params.id, req.body?.reason)),
  );
  server.post<{ Params: { id: number }; Body: { reason?: string } }>('/moderation/comments/:id/dismiss', { schema: { hide: true, params: idParam, body: form('reason') } }, async (req, reply) =>
    act(req, reply, `Reports on comment ${req.params.id} dismissed.`, () => m.dismissReports(req.user, req.params.id, req.body?.reason)),
  );
  server.post<{ Body: { id?: string; action?: string; reason?: string } }>('/moderation/comments', { schema: { hide: true, body: form('id', 'action', 'reason') } }, async (req, reply) => {
    const id = Number(req.body?.id);
    const hide = req.body?.action !== 'unhide';
    return act(req, reply, `Comment ${id} ${hide ? 'hidden' : 'shown again'}.`, () => (hide ? m.hideComment : m.unhideComment)(req.user, id, req.body?.reason));
  });
  server.post<{ Body: { paper?: string; action?: string; reason?: string } }>('/moderation/threads', { schema: { hide: true, body: form('paper', 'action', 'reason') } }, async (req, reply) => {
    const lock = req.body?.action !== 'unlock';
    const paper = String(req.body?.paper ?? '');
    return act(req, reply, `Discussion of ${paper} ${lock ? 'locked' : 'unlocked'}.`, () => (lock ? m.lockThread : m.unlockThread)(req.user, paper, req.body?.reason));
  });
  server.post<{ Body: { handle?: string; action?: string; reason?: string } }>('/moderation/users', { schema: { hide: true, body: form('handle', 'action', 'reason') } }, async (req, reply) => {
    const ban = req.body?.action !== 'unban';
    const handle = String(req.body?.handle ?? '');
    return act(req, reply, `@${handle} ${ban ? 'banned' : 'unbanned'}.`, () => (ban ? m.ban : m.unban)(req.user, handle, req.body?.reason));
  });

  // Authorship claims (claims.service.ts) and hiding papers (moderation.service.ts), beside the reports.
  for (const decision of ['verify', 'reject'] as const) {
    server.post<{ Params: { id: number }; Body: { reason?: string } }>(`/moderation/claims/:id/${decision}`, { schema: { hide: true, params: idParam, body: form('reason') } }, async (req, reply) =>
      act(req, reply, `Claim ${req.params.id} ${decision === 'verify' ? 'verified' : 'rejected'}.`, async () => void (await cl[decision](req.user, req.params.id, req.body?.reason))),
    );
  }
  server.post<{ Body: { paper?: string; action?: string; reason?: string } }>('/moderation/papers', { schema: { hide: true, body: form('paper', 'action', 'reason') } }, async (req, reply) => {
    const hide = req.body?.action !== 'unhide';
    const paper = String(req.body?.paper ?? '');
    return act(req, reply, `Paper ${paper} ${hide ? 'hidden' : 'shown again'}.`, () => (hide ? m.hidePaper : m.unhidePaper)(req.user, paper, req.body?.reason));
  });

  server.get('/moderation/log', { schema: { hide: true } }, async (req, reply) =>
    reply.type(HTML).send(moderationLogPage(await m.log(500), await viewerOf(req, reply)).value),
  );

  server.get(
    '/api/moderation/log',
    {
      schema: {
        tags: ['community'],
        summary: 'The public moderation log, newest first: what was done, to what, and why',
        response: { 200: { type: 'array', items: { type: 'object', properties: { at: { type: 'string' }, action: { type: 'string' }, target: { type: 'string' }, reason: { type: 'string' } } } }, 400: errorSchema },
      },
    },
    async () => m.log(500),
  );
};
