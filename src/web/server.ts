/**
 * The Fastify server: plugins, error handling, and the route modules listed in `routes/index.ts`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { ROUTES } from './routes/index.ts';
import { errorPage } from './views/error.ts';

declare module 'fastify' {
  interface FastifyInstance {
    app: App;
  }
}

export async function buildServer(app: App): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: app.log.child({ component: 'web' }) as FastifyBaseLogger,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 300 },
  });
  server.decorate('app', app);
  await server.register(formbody);

  server.setErrorHandler((err, req, reply) => {
    const e = err as Error & { statusCode?: number; code?: string; validation?: unknown };
    const status = e instanceof AppError ? e.status : e.validation ? 400 : (e.statusCode ?? 500);
    const code = e instanceof AppError ? e.code : e.validation ? 'BAD_REQUEST' : status >= 500 ? 'INTERNAL' : (e.code ?? 'BAD_REQUEST');
    const message = status >= 500 && !(e instanceof AppError) ? 'Something went wrong on our side.' : e.message;
    if (status >= 500) req.log.error({ err }, 'request failed');
    reply.status(status);
    if (wantsJson(req.url, req.headers.accept)) return reply.send({ error: message, code, statusCode: status });
    return reply.type('text/html; charset=utf-8').send(errorPage(status, message).value);
  });
  server.setNotFoundHandler((req, reply) => {
    reply.status(404);
    if (wantsJson(req.url, req.headers.accept)) return reply.send({ error: 'Not found', code: 'NOT_FOUND', statusCode: 404 });
    return reply.type('text/html; charset=utf-8').send(errorPage(404, `There is no page at ${req.url.slice(0, 200)}.`).value);
  });

  for (const routes of ROUTES) await server.register(routes);
  return server;
}

function wantsJson(url: string, accept: string | undefined): boolean {
  return url.startsWith('/api/') || (accept !== undefined && accept.includes('application/json') && !accept.includes('text/html'));
}

/** Build and listen on the configured host and port. */
export async function startServer(app: App): Promise<FastifyInstance> {
  const server = await buildServer(app);
  await server.listen({ port: app.config.port, host: app.config.host });
  return server;
}
