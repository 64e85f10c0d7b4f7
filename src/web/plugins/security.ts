/**
 * Security headers on every answer (helmet's, computed once), from one policy: a strict Content-Security-Policy
 * (scripts, styles, images and fonts from this origin only; no inline script, inline style, `style=`
 * attribute or `on…=` handler is ever allowed), nosniff, no framing, a referrer policy that sends other
 * sites the origin only, and HSTS when the public URL is https. Answers written before Fastify's hooks
 * run (a malformed URL, an oversized header) take the same headers from `baselineHeaders`.
 */
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { REMOTE_IMAGE_ORIGINS } from '../remote-images.ts';

/**
 * The one inline <style> Swagger UI (the /docs page, @fastify/swagger-ui 6.1.3) writes at run time,
 * allowed on /docs by its hash rather than by 'unsafe-inline'. A new Swagger UI with another style
 * makes test/e2e/csp.test.ts fail and print the new hash.
 */
const SWAGGER_UI_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/**
 * The CSP directives (camelCase, as helmet takes them). `data:` images: Swagger UI's icons; remote images:
 * Hugging Face's thumbnail and avatar hosts only (remote-images.ts).
 */
function directives(https: boolean, extraStyle: string[] = []): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", ...extraStyle],
    styleSrcAttr: ["'none'"],
    imgSrc: ["'self'", 'data:', ...REMOTE_IMAGE_ORIGINS],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    ...(https ? { upgradeInsecureRequests: [] } : {}),
  };
}

/** HSTS for an https site: a year, this host only (subdomains may be other people's services). */
const HSTS_MAX_AGE = 365 * 24 * 3600;
export const REFERRER_POLICY = 'strict-origin-when-cross-origin';

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The policy as a header value, written as helmet writes it. */
export function cspHeader(https: boolean, extraStyle: string[] = []): string {
  return Object.entries(directives(https, extraStyle))
    .map(([k, v]) => [kebab(k), ...v].join(' '))
    .join(';');
}

/** The headers helmet would add, for answers written outside Fastify's request cycle. */
export function baselineHeaders(config: Pick<Config, 'baseUrl'>): Record<string, string> {
  const https = config.baseUrl.startsWith('https:');
  return {
    'content-security-policy': cspHeader(https),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': REFERRER_POLICY,
    ...(https ? { 'strict-transport-security': `max-age=${HSTS_MAX_AGE}` } : {}),
  };
}

/**
 * The headers of every answer, computed once. @fastify/helmet builds a new helmet middleware (parsing
 * the CSP directives again) for every request: 6% of a node's CPU under bench:votes. The same helmet
 * options, run once against a recording response, give the identical header set, sent as it is.
 */
function helmetHeaders(https: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (k: string, v: string | number | readonly string[]) => (headers[k.toLowerCase()] = String(v)),
    removeHeader: (k: string) => delete headers[k.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives(https) },
    strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE, includeSubDomains: false } : false,
    referrerPolicy: { policy: REFERRER_POLICY },
    xFrameOptions: { action: 'deny' },
  })({} as never, res as never, (e?: unknown) => {
    if (e) throw e;
  });
  return headers;
}

export async function registerSecurityHeaders(server: FastifyInstance, config: Pick<Config, 'baseUrl'>): Promise<void> {
  const https = config.baseUrl.startsWith('https:');
  const headers = helmetHeaders(https);
  const docsHeaders = { ...headers, 'content-security-policy': cspHeader(https, [SWAGGER_UI_STYLE]) };
  // A callback hook: no I/O here, so no promise per request.
  server.addHook('onRequest', (req, reply, done) => {
    reply.headers(req.url === '/docs' || req.url.startsWith('/docs/') ? docsHeaders : headers);
    done();
  });
}
