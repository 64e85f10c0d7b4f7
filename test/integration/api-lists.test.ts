import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { describeEngines } from '../helpers/stores.ts';
import { createTestServer } from '../helpers/server.ts';

/** Items have the /api/daily_papers entry shape: the paper under `paper`, list fields beside it. */
type Page = { items: Array<{ paper: { id: string; title: string; url: string }; title: string; score?: number; why?: string }>; next_cursor: string | null; reference?: string };

describeEngines('JSON lists with cursors', (ctx) => {
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, close } = await createTestServer(ctx.url, [
      { arxivId: '2405.11111', title: 'Older daily paper', categories: ['cs.LG'], publishedAt: '2024-05-18T00:00:00Z', dailyDate: '2024-05-19', upvotes: 3, source: 'test' },
      { arxivId: '2405.22222', title: 'No date', categories: ['cs.LG'], dailyDate: '2024-05-20', source: 'test' },
    ]));
  });
  after(async () => close());

  async function walk(url: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { statusCode: number; body: string; json: () => unknown } = await server.inject(`${url}${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json() as Page;
      assert.ok(page.items.length <= 1);
      ids.push(...page.items.map((p) => p.paper.id));
      cursor = page.next_cursor;
      if (cursor) assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'cursors are opaque base64url');
    } while (cursor && ids.length < 20);
    return ids;
  }

  it('a category pages newest first, one at a time, papers without a date last', async () => {
    assert.deepEqual(await walk('/api/categories/cs.LG/papers?limit=1'), ['2405.12345', '2405.11111', '1706.03762', '2405.22222']);
  });

  it('trending pages with the reference day pinned, scores descending', async () => {
    const first = (await server.inject('/api/trending?limit=2')).json() as Page;
    assert.equal(first.reference, '2024-05-21');
    // 3 votes two days back: 4 × 2^(−2/3) ≈ 2.52 beats 0 votes one day back: 2^(−1/3) ≈ 0.79.
    assert.deepEqual(first.items.map((p) => p.paper.id), ['2405.12345', '2405.11111']);
    assert.equal(first.items[0]!.score, 145, '120 upvotes + 2 × 12 comments + 1, new on the reference day');
    assert.equal(first.items[0]!.why, '120 upvotes + 2 × 12 comments + 1 = 145, new today (× 1) → 145');
    assert.equal(first.items[1]!.title, 'Older daily paper');
    assert.deepEqual(await walk('/api/trending?limit=1'), ['2405.12345', '2405.11111', '2405.22222']);
  });

  it('list items have the same shape as /api/daily_papers entries', async () => {
    const daily = (await server.inject('/api/daily_papers?date=2024-05-19')).json() as Array<Record<string, unknown>>;
    const entry = daily.find((e) => (e.paper as { id: string }).id === '2405.11111')!;
    const trending = ((await server.inject('/api/trending?limit=100')).json() as Page).items.find((e) => e.paper.id === '2405.11111')!;
    const category = ((await server.inject('/api/categories/cs.LG/papers?limit=100')).json() as Page).items.find((e) => e.paper.id === '2405.11111')!;
    const { score, why, ...rest } = trending;
    assert.equal(typeof score, 'number');
    assert.equal(typeof why, 'string');
    assert.deepEqual(rest, entry);
    assert.deepEqual(category, entry);
  });

  it('rejects bad input with clear JSON 400s', async () => {
    for (const url of ['/api/trending?cursor=!!', '/api/trending?cursor=e30', '/api/trending?limit=0', '/api/trending?limit=101', '/api/categories/cs.LG/papers?cursor=eyJvIjoxfQ', '/api/categories/%25/papers']) {
      const r = await server.inject(url);
      assert.equal(r.statusCode, 400, url);
      const body = r.json() as { error: string; code: string };
      assert.equal(body.code, 'BAD_REQUEST', url);
      assert.ok(body.error.length > 10, url);
    }
  });
});
