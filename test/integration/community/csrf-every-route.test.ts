/**
 * CSRF on every state-changing route, found from the server's own route table rather than a list kept by
 * hand: a route added later is checked without anyone remembering to. Each POST, PUT, PATCH and DELETE is
 * sent by a signed-in browser (session and CSRF cookies) without the token, as JSON and, for POST, as a
 * form; each must answer 403 CSRF_INVALID and change nothing. The bodies are valid for the route's schema
 * (Fastify validates before the CSRF preHandler, so a 403 CSRF_INVALID also proves the request got that
 * far); a new route whose schema needs fields answers 400 here until it gets a sample body below. The only
 * routes exempt are the ones that carry their own proof (`config: { csrf: false }`), listed exactly.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEngines } from '../../helpers/stores.ts';
import { createClient, signInByLink, useCommunityServer, type Client } from '../../helpers/community.ts';

const PAPER = '2310.06511';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes that prove their requests another way: RFC 8058 one-click unsubscribe carries a signed token. */
const EXEMPT = new Set(['POST /unsubscribe/:token']);
/** The routes whose schema requires fields: a body that passes validation. */
const BODIES: Record<string, unknown> = {
  'POST /api/votes': { paper: PAPER, vote: 'up' },
  'POST /api/comments': { paper: PAPER, body: 'forged' },
  'PATCH /api/comments/:id': { body: 'forged' },
  'POST /api/comments/:id/report': { reason: 'forged' },
  'POST /api/submissions': { paper: PAPER },
  'POST /api/claims': { paper: PAPER, author: 0 },
  'POST /api/collections': { name: 'forged' },
  'POST /api/collections/:key/items': { paper: PAPER },
  'PATCH /api/collections/:key/items': { paper: PAPER, note: 'forged' },
  'PUT /api/collections/:key/order': { papers: [PAPER] },
};
const QUERIES: Record<string, string> = { 'DELETE /api/collections/:key/items': `?paper=${PAPER}` };
/** Routes that check even without a session (login CSRF): a request with no cookies at all is refused too. */
const ALWAYS = ['POST /signin', 'POST /signin/link', 'POST /signin/password', 'POST /subscribe'];

const TABLES = ['users', 'sessions', 'api_tokens', 'votes', 'comments', 'comment_revisions', 'comment_reports', 'submissions', 'author_claims', 'collections', 'collection_items', 'moderation_log', 'discussions', 'subscribers', 'signin_tokens'] as const;

describeEngines('CSRF on every state-changing route (from the route table)', (ctx) => {
  const t = useCommunityServer(ctx);
  let member: Client;
  let key: string;
  let comment: number;

  before(async () => {
    member = await signInByLink(t.server, t.smtp, 'forged@example.org');
    // Real targets, so that a route without the check would act (and the row counts below would move).
    key = String((await member.json('POST', '/api/collections', { name: 'Mine', visibility: 'public' })).json().id);
    comment = Number((await member.json('POST', '/api/comments', { paper: PAPER, body: 'mine' })).json().id);
  });

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = Number((await ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return out;
  };
  const fill = (url: string) => url.replace(':id', String(comment)).replace(':key', key).replace(':token', 'x'.repeat(43));

  it('every POST, PUT, PATCH and DELETE with a session cookie and no token answers 403 CSRF_INVALID and changes nothing', async () => {
    const routes = t.server.routeTable.filter((r) => UNSAFE.has(r.method)).map((r) => `${r.method} ${r.url}`);
    assert.ok(routes.length >= 50, `found ${routes.length} state-changing routes`);
    assert.deepEqual(routes.filter((r) => EXEMPT.has(r)), [...EXEMPT], 'the exempt routes exist (update EXEMPT when one goes)');
    const before = await counts();
    const checked: string[] = [];
    for (const route of routes) {
      if (EXEMPT.has(route)) continue;
      const [method, path] = route.split(' ') as ['POST' | 'PUT' | 'PATCH' | 'DELETE', string];
      const url = fill(path) + (QUERIES[route] ?? '');
      const body = BODIES[route] ?? {};
      const json = await member.json(method, url, body, { csrf: false });
      assert.equal(json.statusCode, 403, `${route} as JSON: ${json.body.slice(0, 200)}`);
      assert.equal(json.json().code, 'CSRF_INVALID', route);
      const wrong = await member.json(method, url, body, { csrf: false, headers: { 'x-csrf-token': 'not-a-token' } });
      assert.equal(wrong.statusCode, 403, `${route} with a made-up token`);
      if (method === 'POST') {
        const form = Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        const r = await member.post(url, form, { csrf: false });
        assert.equal(r.statusCode, 403, `${route} as a form: ${r.body.slice(0, 200)}`);
      }
      checked.push(route);
    }
    assert.deepEqual(await counts(), before, 'no forged request changed anything');
    assert.equal((await member.get('/api/me')).statusCode, 200, 'still signed in: the forged sign-outs did nothing');
    // The control: the same client with its token gets past the check.
    const ok = await member.json('POST', '/api/votes', BODIES['POST /api/votes']);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.ok(checked.length >= 50, `${checked.length} routes checked`);
  });

  it('the sign-in and subscribe forms check the token even without a session (login CSRF)', async () => {
    for (const route of ALWAYS) {
      const [, path] = route.split(' ');
      const anon = createClient(t.server);
      const r = await anon.post(path!, { email: 'victim@example.org', token: 'x', password: 'whatever it is' }, { csrf: false });
      assert.equal(r.statusCode, 403, `${route}: ${r.body.slice(0, 200)}`);
    }
  });
});
