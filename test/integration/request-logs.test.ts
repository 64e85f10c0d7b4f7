import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/web/server.ts';
import { createTestDatabase, tempDir } from '../helpers/stores.ts';

it('request logs are JSON lines carrying the request id returned in x-request-id', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const db = await createTestDatabase('sqlite');
  const app = await createApp(loadConfig({ DATABASE_URL: db.url, DATA_DIR: tempDir() }), { log: pino({ level: 'info' }, sink) });
  const server = await buildServer(app);
  try {
    const r = await server.inject({ url: '/api/trending', headers: { 'x-request-id': 'trace-42' } });
    assert.equal(r.headers['x-request-id'], 'trace-42');
    const fresh = await server.inject('/api/trending?limit=0');
    const id = String(fresh.headers['x-request-id']);
    await new Promise((res) => setImmediate(res));
    const done = lines.filter((l) => l.msg === 'request completed');
    assert.ok(done.some((l) => l.reqId === 'trace-42' && (l.res as { statusCode: number }).statusCode === 200), JSON.stringify(done));
    assert.ok(done.some((l) => l.reqId === id && (l.res as { statusCode: number }).statusCode === 400));
  } finally {
    await server.close();
    await app.close();
    await db.dispose();
  }
});
