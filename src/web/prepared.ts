/**
 * A response body encoded once and sent many times: bytes, gzip and brotli copies, and an ETag, all
 * computed when the body is (re)rendered, so a cache hit does no string encoding, hashing or
 * compression. Used for pages and feeds cached by catalog sequence (seq-cache.ts).
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Prepared {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
  /** The hash part of the ETag (each encoding gets its own suffix, as HTTP requires for distinct representations). */
  readonly tag: string;
}

/**
 * Encode `text` once. Brotli at quality 6: most of quality 11's gain on HTML and XML at a small
 * fraction of its cost, which matters because a busy catalog re-renders on every change.
 * @example const page = prepare(listingPage(...).value, 'text/html; charset=utf-8')
 */
export function prepare(text: string, type: string): Prepared {
  const body = Buffer.from(text, 'utf8');
  return {
    type,
    body,
    gzip: gzipSync(body),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    tag: createHash('sha1').update(body).digest('base64url'),
  };
}

/** The encoding to send for an Accept-Encoding header: br, then gzip, else identity (q=0 refuses one). */
export function pickEncoding(acceptEncoding: string | string[] | undefined): 'br' | 'gzip' | undefined {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  if (!header) return undefined;
  let gzip = false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    if (refused) continue;
    if (name === 'br') return 'br';
    if (name === 'gzip' || name === 'x-gzip') gzip = true;
  }
  return gzip ? 'gzip' : undefined;
}

/**
 * Send a prepared body in the encoding the client accepts, with its ETag. The ETag being set means
 * @fastify/etag neither hashes the body nor misses a conditional request: it answers a matching
 * If-None-Match with 304.
 */
export function sendPrepared(req: FastifyRequest, reply: FastifyReply, p: Prepared, o: { varyCookie?: boolean } = {}): FastifyReply {
  // varyCookie: an HTML page whose signed-in form differs (browsers must not reuse it across sign-in).
  reply.type(p.type).header('vary', o.varyCookie ? 'accept-encoding, cookie' : 'accept-encoding');
  const encoding = pickEncoding(req.headers['accept-encoding']);
  if (encoding === 'br') return reply.header('content-encoding', 'br').header('etag', `"${p.tag}-br"`).send(p.br);
  if (encoding === 'gzip') return reply.header('content-encoding', 'gzip').header('etag', `"${p.tag}-gz"`).send(p.gzip);
  return reply.header('etag', `"${p.tag}"`).send(p.body);
}
