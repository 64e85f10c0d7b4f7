/**
 * Submitting papers: the form (`/submit`) and the JSON API (`POST /api/submissions`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { community } from '../../community/index.ts';
import { isAppError } from '../../errors.ts';
import { errorSchema } from '../error-schema.ts';
import { LIMITS } from '../limits.ts';
import { viewerOf } from '../viewer.ts';
import { submitPage } from '../views/submit.ts';

export const submissionRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);
  const rules = { maxAgeDays: app.config.submitMaxAgeDays, dailyCap: app.config.submitDailyCap, noWeekends: app.config.submitNoWeekends };

  server.get('/submit', { schema: { hide: true } }, async (req, reply) => {
    const viewer = await viewerOf(req, reply);
    if (!viewer) return reply.redirect('/signin?next=%2Fsubmit', 303);
    return reply.type('text/html; charset=utf-8').send(submitPage({ viewer, ...rules }).value);
  });

  server.post<{ Body: { paper?: string } }>(
    '/submit',
    { config: { limit: LIMITS.submit }, schema: { hide: true, body: { type: 'object', properties: { paper: { type: 'string', maxLength: 2000 } } } } },
    async (req, reply) => {
      const viewer = await viewerOf(req, reply);
      if (!viewer) return reply.redirect('/signin?next=%2Fsubmit', 303);
      try {
        const r = await c.submissions.submit(req.user, req.body?.paper);
        return reply.type('text/html; charset=utf-8').send(submitPage({ viewer, ...rules, done: { paper: r.paper, title: r.title } }).value);
      } catch (e) {
        if (!isAppError(e) || e.status >= 500) throw e;
        return reply.status(e.status).type('text/html; charset=utf-8').send(submitPage({ viewer, ...rules, error: e.message, value: req.body?.paper?.slice(0, 300) }).value);
      }
    },
  );

  server.post<{ Body: { paper: string } }>(
    '/api/submissions',
    {
      config: { limit: LIMITS.submit },
      schema: {
        tags: ['community'],
        summary: "Submit a paper to today's daily list (arXiv id or URL)",
        security: [{ bearer: [] }],
        body: { type: 'object', required: ['paper'], additionalProperties: false, properties: { paper: { type: 'string', maxLength: 300 } } },
        response: {
          200: { type: 'object', properties: { paper: { type: 'string' }, title: { type: 'string' }, day: { type: 'string' }, submittedBy: { type: 'string' } } },
          401: errorSchema, 403: errorSchema, 422: errorSchema, 429: errorSchema, 502: errorSchema, 503: errorSchema,
        },
      },
    },
    async (req) => c.submissions.submit(req.user, req.body.paper),
  );
};
