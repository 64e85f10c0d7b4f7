/**
 * Every error answer comes from the catalogue (src/errors.ts): ours, Fastify's own (validation, body
 * parsing, bad URLs, unknown routes, other methods on known routes) and the HTTP parser's (oversized
 * headers), as JSON `{error, code, statusCode}` on the API and the HTML error page elsewhere.
 * Expected answers (4xx, and 5xx the catalogue names, such as DB_UNAVAILABLE) are logged at info/warn
 * as one line without a stack; only unexpected failures (INTERNAL) are logged as errors with theirs.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { AppError, ERROR_CODES, type ErrorCode } from '../../errors.ts';
import { errorPage } from '../views/error.ts';
import { baselineHeaders } from './security.ts';

/**
 * Longer URLs answer 414. Node's HTTP parser holds the request line and headers to 16 KB, so past it
 * the parser's own overflow answers 414 (clientErrorHandler); this check covers the rest (inject()).
 */
export const MAX_URL_LENGTH = 16_384;
/** How long a client should wait before retrying a 503 (the database or index is away). */
export const RETRY_AFTER_SECONDS = 5;

/** Fastify's and its plugins' error codes, by the catalogue code they answer as. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_VALIDATION: 'BAD_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'INVALID_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_NOT_FOUND: 'NOT_FOUND',
};

/** Other 4xx statuses a plugin may raise, by catalogue code; anything else is a plain 400. */
const BY_STATUS: Record<number, ErrorCode> = {
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

const GENERIC: Partial<Record<ErrorCode, string>> = {
  INTERNAL: 'Something went wrong on our side.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'This endpoint does not take a body of that content type.',
  HEADERS_TOO_LARGE: 'The request headers are too large.',
  URI_TOO_LONG: `The URL is too long (at most ${MAX_URL_LENGTH} characters, and 300 for one path segment).`,
  INVALID_URL: 'The URL cannot be decoded: it holds a malformed percent-encoding.',
};

/** Ajv says "must be equal to one of the allowed values" without them: name them (`mode=psychic` → keyword, semantic, hybrid). */
function withAllowedValues(message: string, validation: unknown): string {
  if (!Array.isArray(validation)) return message;
  const allowed = validation.flatMap((v: { keyword?: string; params?: { allowedValues?: unknown[] } }) => (v.keyword === 'enum' && Array.isArray(v.params?.allowedValues) ? [v.params.allowedValues.map(String).join(', ')] : []));
  return allowed.length ? `${message}: ${allowed.join('; ')}` : message;
}

/** Any thrown value as the catalogue entry it answers with. */
export function classify(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as Partial<FastifyError> & { validation?: unknown };
  let code: ErrorCode;
  if (e.code && FASTIFY_CODES[e.code]) code = FASTIFY_CODES[e.code]!;
  else if (e.validation) code = 'BAD_REQUEST';
  // decodeURIComponent on a malformed path segment.
  else if (err instanceof URIError) code = 'INVALID_URL';
  else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) code = BY_STATUS[e.statusCode] ?? 'BAD_REQUEST';
  else code = 'INTERNAL';
  // Fastify's own messages for these quote the raw URL back: ours say what is wrong instead.
  const message = code === 'INTERNAL' || code === 'INVALID_URL' || code === 'URI_TOO_LONG' ? GENERIC[code]! : (e.message || GENERIC[code] || http.STATUS_CODES[ERROR_CODES[code]]!);
  return new AppError(code, withAllowedValues(message, e.validation), { cause: err });
}

/** Whether an answer to this request should be JSON rather than an HTML page. */
export function wantsJson(url: string, accept: string | undefined): boolean {
  return url.startsWith('/api/') || (accept !== undefined && accept.includes('application/json') && !accept.includes('text/html'));
}

/**
 * What a visitor reads. A database outage is told without the database's address or driver message
 * (the log has both).
 */
function publicMessage(e: AppError): string {
  return e.code === 'DB_UNAVAILABLE' ? `The database is not answering right now; try again in ${RETRY_AFTER_SECONDS} seconds.` : e.message;
}

/** The JSON body of an error answer. */
export function errorBody(e: AppError): { error: string; code: ErrorCode; statusCode: number } {
  return { error: publicMessage(e), code: e.code, statusCode: e.status };
}

/** Send `err` as its catalogue answer, logging it at the level it deserves. */
export function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const e = classify(err);
  if (e.code === 'INTERNAL') req.log.error({ err }, 'request failed');
  else if (e.status >= 500) req.log.warn({ code: e.code, statusCode: e.status }, e.message);
  else req.log.info({ code: e.code, statusCode: e.status }, e.message);
  reply.status(e.status);
  if (e.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (wantsJson(req.url, req.headers.accept)) return reply.type('application/json; charset=utf-8').send(errorBody(e));
  return reply.type('text/html; charset=utf-8').send(errorPage(e.status, publicMessage(e)).value);
}

/**
 * The methods a path answers to, for 405's `Allow` (a router of the registered routes without handlers).
 * @example allowed('/api/trending') // ['GET', 'HEAD']
 */
function createMethodIndex(server: FastifyInstance): (path: string) => string[] {
  const router = FindMyWay({ maxParamLength: 300 });
  const methods = new Set<string>();
  let built = false;
  const build = () => {
    for (const r of server.routeTable) {
      // @fastify/cors answers OPTIONS on every path: it says nothing about which paths exist.
      if (r.method === 'OPTIONS' && r.url === '*') continue;
      const add = (m: string) => {
        if (router.find(m as HTTPMethod, r.url)) return;
        router.on(m as HTTPMethod, r.url, () => {});
        methods.add(m);
      };
      add(r.method);
      if (r.method === 'GET') add('HEAD');
    }
    built = true;
  };
  return (path) => {
    if (!built) build();
    return [...methods].filter((m) => router.find(m as HTTPMethod, path) !== null);
  };
}

/**
 * The error handler, the not-found handler (404, or 405 with `Allow` when the path exists for other
 * methods) and the URL length check.
 */
export function installErrorHandling(server: FastifyInstance): void {
  const allowedMethods = createMethodIndex(server);
  server.addHook('onRequest', async (req) => {
    if (req.url.length > MAX_URL_LENGTH) throw new AppError('URI_TOO_LONG', GENERIC.URI_TOO_LONG!);
  });
  server.setErrorHandler((err, req, reply) => sendError(req, reply, err));
  server.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const allow = allowedMethods(path);
    if (allow.length) {
      reply.header('allow', allow.join(', '));
      return sendError(req, reply, new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path.slice(0, 200)}; use ${allow.join(' or ')}.`));
    }
    return sendError(req, reply, new AppError('NOT_FOUND', `There is no page at ${req.url.slice(0, 200)}.`));
  });
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode, or a path segment over maxParamLength.
 * These arrive before any hook ran, so the security headers are added here.
 */
export function frameworkErrors(config: Pick<Config, 'baseUrl'>) {
  const headers = baselineHeaders(config);
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    reply.headers(headers);
    reply.header('x-request-id', req.id);
    sendError(req, reply, err);
  };
}

/**
 * Node's HTTP parser errors (header overflow, a malformed request line), answered on the raw socket
 * in the catalogue's shape: JSON for API paths, the HTML page otherwise.
 */
export function clientErrorHandler(config: Pick<Config, 'baseUrl'>) {
  const headers = baselineHeaders(config);
  return (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    if (!socket.writable) {
      socket.destroy(err);
      return;
    }
    const head = err.rawPacket?.subarray(0, 2048).toString('latin1') ?? '';
    const requestLine = /^[A-Z]+ (\S+)/.exec(head);
    let e: AppError;
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      // The request line alone past the limit is a too-long URL, not too many headers.
      e = !head.includes('\r\n') ? new AppError('URI_TOO_LONG', GENERIC.URI_TOO_LONG!) : new AppError('HEADERS_TOO_LARGE', GENERIC.HEADERS_TOO_LARGE!);
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      e = new AppError('REQUEST_TIMEOUT', 'The request took too long to arrive.');
    } else {
      e = new AppError('BAD_REQUEST', 'The request is not valid HTTP.');
    }
    const json = requestLine ? wantsJson(requestLine[1]!, undefined) : true;
    const body = json ? JSON.stringify(errorBody(e)) : errorPage(e.status, publicMessage(e)).value;
    const all = {
      ...headers,
      'content-type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    socket.end(`HTTP/1.1 ${e.status} ${http.STATUS_CODES[e.status]}\r\n${lines}\r\n\r\n${body}`);
  };
}
