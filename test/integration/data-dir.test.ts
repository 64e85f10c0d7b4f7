/**
 * The data folder is real or the node says so: an unusable DATA_DIR stops any command at once with
 * one line naming it; a sqlite:PATH in a missing folder is an error naming the path (nothing is
 * created); a running node whose data folder or database file is removed or replaced stops being ready
 * and logs why.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { isAppError } from '../../src/errors.ts';
import { buildServer } from '../../src/web/server.ts';
import { tempDir } from '../helpers/stores.ts';

const run = promisify(execFile);

/** `paperboy <args>` as a user runs it; resolves with the exit code and output. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/paperboy.js', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

async function refusedWithin(env: Record<string, string>, pattern: RegExp, ms = 1000) {
  const started = performance.now();
  await assert.rejects(createApp(loadConfig({ LOG_LEVEL: 'silent', ...env })), (e: unknown) => {
    assert.ok(isAppError(e, 'CONFIG_INVALID'), String(e));
    assert.match((e as Error).message, pattern);
    assert.ok(!(e as Error).message.includes('\n'));
    return true;
  });
  const took = performance.now() - started;
  assert.ok(took < ms, `took ${Math.round(took)} ms`);
}

describe('DATA_DIR and sqlite:PATH at start-up', () => {
  it('a DATA_DIR that is a file stops start-up within a second, naming DATA_DIR', async () => {
    const file = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(file, 'x');
    await refusedWithin({ DATA_DIR: file }, new RegExp(`^DATA_DIR=${file} is a file, not a folder$`));
  });

  it('an unusable DATA_DIR (/proc/nope, an unwritable /proc) stops start-up within a second', async () => {
    await refusedWithin({ DATA_DIR: '/proc/nope' }, /^DATA_DIR=\/proc\/nope does not exist and cannot be created/);
    await refusedWithin({ DATA_DIR: '/proc' }, /^DATA_DIR=\/proc is not writable by this process/);
  });

  it('a DATA_DIR that was set is created only inside an existing folder', async () => {
    const parent = tempDir();
    const fresh = path.join(parent, 'data');
    const app = await createApp(loadConfig({ DATA_DIR: fresh, LOG_LEVEL: 'silent' }));
    await app.close();
    assert.ok(fs.statSync(fresh).isDirectory());
    await refusedWithin({ DATA_DIR: path.join(parent, 'typo', 'data') }, /does not exist, nor does its parent folder/);
    assert.equal(fs.existsSync(path.join(parent, 'typo')), false);
  });

  it('sqlite:PATH in a folder that does not exist is an error naming the path, and nothing is created', async () => {
    const dir = tempDir();
    await refusedWithin({ DATA_DIR: dir, DATABASE_URL: 'sqlite:/nonexistent/dir/p.db' }, /^DATABASE_URL=sqlite:\/nonexistent\/dir\/p\.db: the folder \/nonexistent\/dir does not exist/);
    assert.equal(fs.existsSync('/nonexistent'), false);
  });

  it('the CLI says it in one line and exits non-zero (stats, ingest, serve)', async () => {
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, 'x');
    for (const args of [['stats'], ['ingest', 'demo'], ['serve']]) {
      const r = await cli(args, { DATA_DIR: file });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, `paperboy ${args[0]}: CONFIG_INVALID: DATA_DIR=${file} is a file, not a folder\n`);
    }
    const r = await cli(['stats'], { DATA_DIR: tempDir(), DATABASE_URL: 'sqlite:/nonexistent/dir/p.db' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^paperboy stats: CONFIG_INVALID: DATABASE_URL=sqlite:\/nonexistent\/dir\/p\.db: the folder \/nonexistent\/dir does not exist/);
  });
});

describe('the data folder changes under a running node', () => {
  let dir: string;
  let app: App;
  let server: FastifyInstance;
  const logs: Array<Record<string, unknown>> = [];
  before(async () => {
    dir = path.join(tempDir(), 'data');
    const sink = new Writable({ write(c, _e, cb) { for (const l of String(c).split('\n').filter(Boolean)) logs.push(JSON.parse(l)); cb(); } });
    app = await createApp(loadConfig({ DATA_DIR: dir }), { log: pino({ level: 'info' }, sink) });
    await app.search.syncOnce();
    server = await buildServer(app);
    await server.ready();
  });
  after(async () => {
    await server?.close();
    await app?.close();
  });

  it('is ready while the folder and database file are the ones it opened', async () => {
    const r = await server.inject('/readyz');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((r.json() as { storage: string }).storage, 'ok');
  });

  it('a replaced database file: not ready, and the log says why (once)', async () => {
    const file = path.join(dir, 'paperboy.db');
    fs.copyFileSync(file, `${file}.copy`);
    fs.renameSync(`${file}.copy`, file);
    for (let i = 0; i < 2; i++) {
      const r = await server.inject('/readyz');
      assert.equal(r.statusCode, 503);
      assert.match((r.json() as { storage: string }).storage, /the database file .*paperboy\.db was replaced/);
    }
    assert.equal(logs.filter((l) => l.msg === 'storage changed under the node: not ready; restart it once the data is back').length, 1);
  });

  it('rm -rf DATA_DIR: not ready, naming DATA_DIR', async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    const r = await server.inject('/readyz');
    assert.equal(r.statusCode, 503);
    assert.match((r.json() as { storage: string }).storage, /^DATA_DIR .* was removed while this node runs$/);
    assert.equal((await server.inject('/healthz')).statusCode, 200, 'the process itself is alive');
  });
});
