/**
 * The Fastify server: plugins, error handling, and the route modules listed in `routes/index.ts`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import etag from '@fastify/etag';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from '../app.ts';
import { OneLineRequestLog } from './request-log.ts';
import { ROUTES } from './routes/index.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './plugins/errors.ts';
import { registerRateLimits } from './plugins/rate-limit.ts';
import { registerSecurityHeaders } from './plugins/security.ts';
import { sessionPlugin } from './plugins/session.ts';
import { csrfPlugin } from './plugins/csrf.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

declare module 'fastify' {
  interface FastifyInstance {
    app: App;
    /**
     * Every route registered, as the onRoute hook saw it (the OpenAPI test compares against it; the field
     * limits test reads each route's schema).
     */
    routeTable: Array<{ method: string; url: string; hidden: boolean; schema?: RouteOptions['schema'] }>;
  }
}

/** Accept a caller's request id only when it is short and plain, so logs cannot be forged or flooded. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** TRUST_PROXY as Fastify takes it: a hop count becomes "the nearest N hops" (proxy-addr's hop index). */
function trustProxyOption(t: App['config']['trustProxy']): boolean | string[] | ((addr: string, hop: number) => boolean) {
  if (t === false) return false;
  if (typeof t === 'number') return (_addr, hop) => hop < t;
  return [...t];
}

export async function buildServer(app: App): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: app.log.child({ component: 'web' }) as FastifyBaseLogger,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    // Off unless TRUST_PROXY names the proxies (a hop count or their addresses): otherwise any client
    // could choose its own address with X-Forwarded-For, and with it its rate-limit bucket.
    trustProxy: trustProxyOption(app.config.trustProxy),
    logController: new OneLineRequestLog(),
    bodyLimit: 1024 * 1024,
    // A client gets this long to send a whole request (headers and body); slow-drip clients are cut off.
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 300 },
    frameworkErrors: frameworkErrors(app.config),
    clientErrorHandler: clientErrorHandler(app.config) as unknown as FastifyServerOptions['clientErrorHandler'],
  });
  server.decorate('app', app);
  const routeTable: FastifyInstance['routeTable'] = [];
  server.decorate('routeTable', routeTable);
  server.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const hidden = Boolean((r.schema as { hide?: boolean } | undefined)?.hide);
    for (const m of methods) if (m !== 'HEAD') routeTable.push({ method: m, url: r.url, hidden, schema: r.schema });
  });
  // First, so that every answer (errors included) carries the security headers.
  await registerSecurityHeaders(server, app.config);
  installErrorHandling(server);
  await registerRateLimits(server, app.config, app.redis);
  await server.register(formbody);
  // request.user on every request, and CSRF tokens checked on every state-changing one (community).
  await server.register(sessionPlugin);
  await server.register(csrfPlugin);
  // The stylesheet and client assets; hashed names are not needed at this size, a short max-age is.
  await server.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', maxAge: 3_600_000, schemaHide: true });
  // Before the route modules, so the OpenAPI document sees every route.
  await server.register(swagger, {
    openapi: {
      info: { title: 'Paperboy API', version: '0.1.0', description: 'Papers, lists, feeds, exports and operations endpoints. JSON lists page with an opaque `cursor`.' },
      servers: [{ url: app.config.baseUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (pb_…) made on /settings' } } },
    },
  });
  await server.register(swaggerUi, { routePrefix: '/docs' });
  // Read-only API: any origin may GET it from a browser; nothing else is cross-origin.
  await server.register(cors, {
    hook: 'onRequest',
    delegator: (req, cb) => cb(null, (req.url ?? '').startsWith('/api/') ? { origin: '*', methods: ['GET', 'HEAD'] } : { origin: false }),
  });
  await server.register(etag);
  // Callback-style hooks below, not async ones: hooks that do no I/O gain nothing from a promise, and
  // every request ran each of them (bench:votes, docs/benchmarks.md "Votes").
  server.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  // While shutting down, answer in-flight requests with `Connection: close` so their keep-alive
  // sockets end with the response instead of holding the process open for the keep-alive timeout.
  let draining = false;
  server.addHook('preClose', async () => {
    draining = true;
  });
  server.addHook('onSend', (_req, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  server.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    app.metrics.httpDuration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  for (const routes of ROUTES) await server.register(routes);
  return server;
}

/** Build and listen on the configured host and port. */
export async function startServer(app: App): Promise<FastifyInstance> {
  const server = await buildServer(app);
  await server.listen({ port: app.config.port, host: app.config.host });
  return server;
}
