import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { buildServer } from '../../src/web/server.ts';
import { createTestDatabase, tempDir } from '../helpers/stores.ts';

/** A stdout stand-in that keeps what is written, and says whether it is a terminal. */
function sink(isTTY: boolean): Writable & { isTTY: boolean; lines: () => string[] } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY: boolean; lines: () => string[] };
  w.isTTY = isTTY;
  w.lines = () => chunks.join('').split('\n').filter(Boolean);
  return w;
}

async function serve(env: Record<string, string>, out: ReturnType<typeof sink>, urls: string[]): Promise<string[]> {
  const db = await createTestDatabase('sqlite');
  const config = loadConfig({ DATABASE_URL: db.url, DATA_DIR: tempDir(), ...env });
  const app = await createApp(config, { log: createLogger(config, out) });
  const server = await buildServer(app);
  try {
    for (const u of urls) await server.inject(u);
    await new Promise((r) => setImmediate(r));
    return out.lines();
  } finally {
    await server.close();
    await app.close();
    await db.dispose();
  }
}

describe('terminal logs', () => {
  it('pretty: one readable line per request with method, URL, status and time', async () => {
    const lines = await serve({ LOG_FORMAT: 'pretty' }, sink(false), ['/api/trending', '/nope?x=1', '/papers?date=bad']);
    const requests = lines.filter((l) => / (GET|HEAD) \//.test(l));
    assert.equal(requests.length, 3, lines.join('\n'));
    assert.match(requests[0]!, /^\[\d\d:\d\d:\d\d\] INFO: web {2}GET \/api\/trending 200 \d+\.\d ms$/);
    assert.match(requests[1]!, /GET \/nope\?x=1 404 /);
    assert.match(requests[2]!, /GET \/papers\?date=bad 400 /);
    assert.ok(lines.every((l) => !l.startsWith('{')), 'no JSON');
    assert.ok(lines.every((l) => !l.includes('\u001b[')), 'no colour codes when not a terminal');
  });

  it('auto: readable (coloured) on a terminal, JSON lines when piped — one per request either way', async () => {
    const tty = await serve({}, sink(true), ['/api/trending']);
    assert.ok(tty.some((l) => l.includes('\u001b[') && l.includes('GET /api/trending 200')), tty.join('\n'));
    const piped = await serve({}, sink(false), ['/api/trending', '/api/trending?limit=0']);
    const json = piped.map((l) => JSON.parse(l) as Record<string, any>);
    const done = json.filter((l) => l.msg === 'request completed');
    assert.equal(done.length, 2);
    assert.equal(json.filter((l) => l.msg === 'incoming request').length, 0, 'no second line per request');
    assert.deepEqual(done.map((l) => [l.req.method, l.req.url, l.res.statusCode]), [['GET', '/api/trending', 200], ['GET', '/api/trending?limit=0', 400]]);
    assert.ok(done.every((l) => typeof l.reqId === 'string' && typeof l.responseTime === 'number'));
  });

  it('json is JSON even on a terminal; a bad LOG_FORMAT names the variable', async () => {
    const lines = await serve({ LOG_FORMAT: 'json' }, sink(true), ['/api/trending']);
    assert.ok(lines.every((l) => l.startsWith('{')));
    assert.throws(() => loadConfig({ LOG_FORMAT: 'fancy', DATA_DIR: tempDir() }), /LOG_FORMAT/);
  });
});
