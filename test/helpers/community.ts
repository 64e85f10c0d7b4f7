/**
 * Browser-like clients for inject() tests of the community: a cookie jar, the CSRF token read from
 * the last page, and sign-in by magic link read from a real loopback SMTP server (helpers/smtp.ts).
 *
 * @example
 *   const smtp = await startSmtpServer();
 *   const { server } = await createTestServer(url, [], { SMTP_URL: smtp.url });
 *   const alice = await signInByLink(server, smtp, 'alice@example.org');
 *   const r = await alice.post('/votes', { paper: '2310.06511', vote: 'up' });
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { after, before } from 'node:test';
import type { App } from '../../src/app.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { createTestServer } from './server.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from './smtp.ts';

export interface Client {
  /** Cookies the client holds, by name. */
  cookies: Map<string, string>;
  /** The CSRF token of the last HTML page that had one. */
  csrf: string | null;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** A form POST carrying the current CSRF token (unless `_csrf` is given, or `csrf: false`). */
  post(url: string, form?: Record<string, string>, o?: { csrf?: boolean; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** A JSON request with the CSRF token in X-CSRF-Token (unless `csrf: false`). */
  json(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, o?: { csrf?: boolean; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
}

const CSRF_FIELD = /name="_csrf" value="([^"]+)"/;
const CSRF_META = /<meta name="csrf-token" content="([^"]+)">/;

export function createClient(server: FastifyInstance, o: { ip?: string } = {}): Client {
  const remoteAddress = o.ip ?? '127.0.0.1';
  const cookies = new Map<string, string>();
  const client: Client = {
    cookies,
    csrf: null,
    async get(url, headers = {}) {
      return absorb(await server.inject({ method: 'GET', url, remoteAddress, headers: { ...cookieHeader(), ...headers } }));
    },
    async post(url, form = {}, o = {}) {
      const body = new URLSearchParams({ ...(o.csrf === false || !client.csrf ? {} : { _csrf: client.csrf }), ...form }).toString();
      return absorb(await server.inject({ method: 'POST', url, remoteAddress, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...cookieHeader(), ...o.headers } }));
    },
    async json(method, url, body, o = {}) {
      const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json', ...cookieHeader(), ...o.headers };
      if (o.csrf !== false && client.csrf) headers['x-csrf-token'] = client.csrf;
      return absorb(await server.inject({ method, url, remoteAddress, payload: body === undefined ? undefined : JSON.stringify(body), headers }));
    },
  };
  function cookieHeader(): Record<string, string> {
    return cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }
  function absorb(r: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of r.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const gone = c.value === '' || c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now());
      if (gone) cookies.delete(c.name);
      else cookies.set(c.name, c.value);
    }
    const m = CSRF_FIELD.exec(r.body) ?? CSRF_META.exec(r.body);
    if (m) client.csrf = m[1]!.replace(/&amp;/g, '&');
    return r;
  }
  return client;
}

/** Wait (polling, with a deadline) for a mail to `email` arriving after the first `seen` messages. */
export async function waitForMail(smtp: TestSmtpServer, email: string, seen: number, match: RegExp = /./, timeoutMs = 10_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = smtp.messages.slice(seen).find((x) => x.to.includes(email) && match.test(x.text));
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no mail to ${email} matching ${match} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const LINK = /\/signin\/link\?token=([A-Za-z0-9_-]+)/;

/** Ask for a link and wait for its mail; resolves with the link's token. */
export async function requestLink(client: Client, smtp: TestSmtpServer, email: string, extra: Record<string, string> = {}): Promise<string> {
  const seen = smtp.messages.length;
  await client.get('/signin');
  const r = await client.post('/signin', { email, ...extra });
  assert.equal(r.statusCode, 200, r.body);
  const mail = await waitForMail(smtp, email.trim().toLowerCase(), seen, LINK);
  return LINK.exec(mail.text)![1]!;
}

/** Follow a link's token as a browser would: open the page, press the button. */
export async function useLink(client: Client, token: string): Promise<LightMyRequestResponse> {
  await client.get(`/signin/link?token=${token}`);
  return client.post('/signin/link', { token });
}

/** A signed-in client, by magic link over real SMTP (creating the account in open registration). */
export async function signInByLink(server: FastifyInstance, smtp: TestSmtpServer, email: string, o: { ip?: string } = {}): Promise<Client> {
  const client = createClient(server, o);
  const token = await requestLink(client, smtp, email);
  const r = await useLink(client, token);
  assert.equal(r.statusCode, 303, r.body);
  assert.ok(client.cookies.has('pb_session'), 'signed in');
  await client.get('/settings');
  return client;
}

export interface CommunityServer {
  smtp: TestSmtpServer;
  app: App;
  server: FastifyInstance;
}

/**
 * In a suite: a loopback SMTP server and a test server that mails through it, started before the
 * tests and closed after. The returned object is filled in by `before`.
 * @example const t = useCommunityServer(ctx, { REGISTRATION: 'invite' }); it('…', async () => t.server.inject('/'))
 */
export function useCommunityServer(ctx: { url: string }, env: Record<string, string> | (() => Record<string, string>) = {}, papers: PaperInput[] = []): CommunityServer {
  const t = {} as CommunityServer;
  let close: (() => Promise<void>) | undefined;
  before(async () => {
    t.smtp = await startSmtpServer();
    // A function: settings known only once other servers have started (a fake arXiv's port).
    const s = await createTestServer(ctx.url, papers, { SMTP_URL: t.smtp.url, ...(typeof env === 'function' ? env() : env) });
    t.app = s.app;
    t.server = s.server;
    close = s.close;
  });
  after(async () => {
    await close?.();
    await t.smtp?.close();
  });
  return t;
}
