/**
 * Size limits on every field (issue 12, item 8). Two layers: every route's schema bounds every string
 * (`maxLength`) and array (`maxItems`) it accepts — read from the server's route table, so a route added
 * later is checked too — and Fastify refuses one character over with a 400 before any handler runs; then
 * the community's finer limits (a name of 80, a bio of 1,000, …) each refuse one character over with a
 * message naming the limit, take exactly the limit, and store nothing on refusal.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { community } from '../../../src/community/index.ts';
import { COMMENT_MAX, REASON_MAX } from '../../../src/community/comments.service.ts';
import { MOD_REASON_MAX } from '../../../src/community/moderation.service.ts';
import { PASSWORD_MAX } from '../../../src/community/passwords.ts';
import { TOKEN_NAME_MAX } from '../../../src/community/tokens.service.ts';
import { EMAIL_MAX } from '../../../src/community/user.ts';
import { BIO_MAX, LINK_MAX, LINKS_MAX, NAME_MAX } from '../../../src/community/users.service.ts';
import { describeEngines } from '../../helpers/stores.ts';
import { createClient, signInByLink, useCommunityServer, type Client } from '../../helpers/community.ts';

const PAPER = '2310.06511';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** State-changing routes that read no field at all (their action is in the path), so they need no body schema. */
const BODILESS = new Set([
  'POST /signout', 'POST /signout/everywhere', 'POST /comments/:id/delete',
  'POST /claims/:id/withdraw', 'POST /api/claims/:id/withdraw', 'POST /claims/:id/hide', 'POST /api/claims/:id/hide',
  'POST /claims/:id/show', 'POST /api/claims/:id/show', 'POST /subscribe/manage/:token/unsubscribe', 'POST /unsubscribe/:token',
]);

type Schema = { type?: string | string[]; maxLength?: number; maxItems?: number; enum?: unknown[]; const?: unknown; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[] };

/** Every string or array in a schema without a bound, as paths. */
function unbounded(s: Schema | undefined, at: string): string[] {
  if (!s || typeof s !== 'object') return [];
  const types = ([] as string[]).concat(s.type ?? []);
  const out: string[] = [];
  if (types.includes('string') && s.maxLength === undefined && !s.enum && s.const === undefined) out.push(at);
  if (types.includes('array') && s.maxItems === undefined) out.push(`${at}[]`);
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...unbounded(v, `${at}.${k}`));
  out.push(...unbounded(s.items, `${at}[]`));
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) out.push(...unbounded(alt, at));
  return out;
}

describeEngines('size limits on every field', (ctx) => {
  const t = useCommunityServer(ctx);
  let member: Client;
  let comment: number;

  before(async () => {
    await community(t.app).signIn.ensureUser('limits-mod@example.org', 'moderator');
    member = await signInByLink(t.server, t.smtp, 'limits-mod@example.org');
    comment = Number((await member.json('POST', '/api/comments', { paper: PAPER, body: 'A comment to report' })).json().id);
  });

  const schemaOf = (r: { schema?: unknown }) => (r.schema ?? {}) as { body?: Schema; querystring?: Schema; params?: Schema };

  it('every route bounds every string and array it accepts; every state-changing route that reads fields has a schema', () => {
    const loose: string[] = [];
    const schemaless: string[] = [];
    for (const r of t.server.routeTable) {
      const s = schemaOf(r);
      // Path parameters are bounded by the router itself (maxParamLength 300, src/web/server.ts).
      for (const part of ['body', 'querystring'] as const) loose.push(...unbounded(s[part], part).map((p) => `${r.method} ${r.url} ${p}`));
      if (UNSAFE.has(r.method) && r.method !== 'DELETE' && !s.body) schemaless.push(`${r.method} ${r.url}`);
    }
    assert.deepEqual(loose, [], 'fields without a size limit');
    assert.deepEqual(schemaless.sort(), [...BODILESS].sort(), 'state-changing routes without a body schema (add one, or list it in BODILESS if it reads no field)');
  });

  it('one character over a schema limit is a 400 on every state-changing route, before any handler runs', async () => {
    let checked = 0;
    const fill = (url: string) => url.replace(':id', String(comment)).replace(':key', 'abcdefghijkl').replace(':token', 'x'.repeat(43));
    for (const r of t.server.routeTable) {
      const body = schemaOf(r).body;
      if (!UNSAFE.has(r.method) || !body?.properties) continue;
      for (const [field, s] of Object.entries(body.properties)) {
        if (s.maxLength === undefined) continue;
        const res = await member.json(r.method as 'POST', fill(r.url), { [field]: 'x'.repeat(s.maxLength + 1) });
        assert.equal(res.statusCode, 400, `${r.method} ${r.url} ${field} of ${s.maxLength + 1}: ${res.body.slice(0, 200)}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 80, `${checked} fields checked`);
  });

  it("the community's own limits: one over is refused naming the limit, exactly the limit is taken", async () => {
    const c = await signInByLink(t.server, t.smtp, 'fields@example.org');
    const profile = (o: Record<string, string>) => c.post('/settings/profile', { name: 'Fields', handle: 'fields', bio: '', avatarUrl: '', links: '', ...o });
    const cases: Array<[string, (n: number) => Promise<{ statusCode: number; body: string }>, number, RegExp]> = [
      ['name', (n) => profile({ name: 'n'.repeat(n) }), NAME_MAX, /Name has at most 80 characters/],
      ['username', (n) => profile({ handle: 'h'.repeat(n) }), 30, /Username has at most 30 characters/],
      ['bio', (n) => profile({ bio: 'b'.repeat(n) }), BIO_MAX, /Bio has at most 1000 characters/],
      ['a link', (n) => profile({ links: `https://example.org/${'l'.repeat(n - 20)}` }), LINK_MAX, /Link has at most 300 characters/],
      ['avatar URL', (n) => profile({ avatarUrl: `https://example.org/${'a'.repeat(n - 20)}` }), LINK_MAX, /Avatar URL has at most 300 characters/],
      ['links', (n) => profile({ links: Array.from({ length: n }, (_, i) => `https://example.org/${i}`).join('\n') }), LINKS_MAX, /At most 5 links/],
      ['password', (n) => c.post('/settings/password', { password: 'p'.repeat(n) }), PASSWORD_MAX, /at most 200 characters/],
      ['token name', (n) => c.post('/settings/tokens', { name: 't'.repeat(n) }), TOKEN_NAME_MAX, /at most 100 characters/],
      ['comment', (n) => c.json('POST', '/api/comments', { paper: PAPER, body: 'c'.repeat(n) }), COMMENT_MAX, /at most 10,000 characters/],
      ['report reason', (n) => c.json('POST', `/api/comments/${comment}/report`, { reason: 'r'.repeat(n) }), REASON_MAX, /at most 500 characters/],
      ['moderation reason', (n) => member.post('/moderation/threads', { paper: PAPER, action: n % 2 ? 'lock' : 'unlock', reason: 'm'.repeat(n) }), MOD_REASON_MAX, /at most 500 characters/],
    ];
    for (const [what, send, max, message] of cases) {
      const over = await send(max + 1);
      assert.ok(over.statusCode === 400 || over.statusCode === 422, `${what} of ${max + 1}: ${over.statusCode} ${over.body.slice(0, 200)}`);
      assert.match(over.body, message, what);
      const at = await send(max);
      assert.ok(at.statusCode < 400, `${what} of exactly ${max}: ${at.statusCode} ${at.body.slice(0, 300)}`);
    }
    // An e-mail address over 254 characters, on the sign-in form: the same limit, named, nothing mailed.
    const anon = createClient(t.server);
    await anon.get('/signin');
    const seen = t.smtp.messages.length;
    const long = await anon.post('/signin', { email: `${'e'.repeat(EMAIL_MAX - 11)}@example.org` });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /at most 254 characters/);
    assert.equal(t.smtp.messages.length, seen);
  });
});
