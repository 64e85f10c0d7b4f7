import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { isAppError } from '../../src/errors.ts';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.databaseUrl, `sqlite:${path.resolve('./data/paperboy.db')}`);
    assert.equal(c.engine, 'sqlite');
    assert.equal(c.baseUrl, 'http://localhost:3000');
    assert.ok(Object.isFrozen(c));
  });

  it('reads PostgreSQL URLs and a base URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:secret@db:5432/p', BASE_URL: 'https://papers.example.org/', PORT: '8080' });
    assert.equal(c.engine, 'postgres');
    assert.equal(c.baseUrl, 'https://papers.example.org');
    assert.equal(c.port, 8080);
  });

  for (const [name, value] of [['PORT', 'abc'], ['PORT', '70000'], ['DATABASE_URL', 'mysql://x'], ['BASE_URL', 'not a url'], ['LOG_LEVEL', 'loud'], ['DEMO_DATA', 'maybe']] as const) {
    it(`stops on a bad ${name} with one line naming it`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (e) => isAppError(e, 'CONFIG_INVALID') && e.message.startsWith(`${name} is invalid`) && !e.message.includes('\n'),
      );
    });
  }

  it('takes an empty optional variable (a blank .env line, a compose pass-through) as unset', () => {
    const c = loadConfig({ SMTP_URL: '', BASE_URL: ' ', DATABASE_URL: '', MAIL_FROM: '' });
    const d = loadConfig({});
    assert.equal(c.smtpUrl, undefined);
    assert.equal(c.baseUrl, d.baseUrl);
    assert.equal(c.databaseUrl, d.databaseUrl);
    assert.equal(c.mailFrom, d.mailFrom);
    // A variable with a default still checks its value: an empty one is not its default.
    assert.equal(loadConfig({ DEMO_DATA: '' }).demoData, false);
    assert.throws(() => loadConfig({ SMTP_URL: 'ftp://x' }), (e) => isAppError(e, 'CONFIG_INVALID'));
  });

  it('never echoes a database URL, which may hold a password', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@x' }), (e) => !(e as Error).message.includes('hunter2'));
  });
});

describe('config: every variable parsed once into its final type', () => {
  const bad = (env: Record<string, string>, name: string) =>
    assert.throws(
      () => loadConfig(env),
      (e) => isAppError(e, 'CONFIG_INVALID') && e.message.startsWith(`${name} is invalid`) && !e.message.includes('\n'),
      JSON.stringify(env),
    );

  it('EMBEDDER: the accepted forms, and one line naming it otherwise', () => {
    for (const v of ['none', 'builtin', 'onnx:./models/e5', 'onnx:Xenova/all-MiniLM-L6-v2']) assert.equal(loadConfig({ EMBEDDER: v }).embedder, v);
    assert.equal(loadConfig({ EMBEDDER: 'openai:http://localhost:11434', EMBEDDER_MODEL: 'nomic-embed-text' }).embedder, 'openai:http://localhost:11434');
    for (const v of ['bogus', 'onnx:', 'openai:', 'openai:ftp://x', '']) bad({ EMBEDDER: v }, 'EMBEDDER');
    bad({ EMBEDDER: 'openai:http://localhost:11434' }, 'EMBEDDER_MODEL');
    assert.throws(() => loadConfig({ EMBEDDER: 'bogus' }), (e: Error) => /none, builtin, onnx:/.test(e.message), 'names the accepted forms');
  });

  it('JOBS: a map of periods; unknown jobs and bad durations stop start-up', () => {
    const c = loadConfig({ JOBS: 'prune-job-runs=12h,db-optimize=off' });
    assert.deepEqual([...c.jobs], [['prune-job-runs', 43_200_000], ['db-optimize', 0]]);
    assert.equal(loadConfig({}).jobs.size, 0);
    for (const v of ['nope=1d', 'db-optimize=0s', 'db-optimize=soon', 'db-optimize']) bad({ JOBS: v }, 'JOBS');
    assert.throws(() => loadConfig({ JOBS: 'nope=1d' }), (e: Error) => /prune-job-runs, db-optimize/.test(e.message), 'names the known jobs');
  });

  it('TRUST_PROXY: off, a hop count, or addresses and CIDR ranges', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'off' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,loopback' }).trustProxy, ['10.0.0.0/8', '::1', 'loopback']);
    for (const v of ['true', '11', '10.0.0.0/33', 'proxy.example.org', '::1/129', '1.2.3.4/8/9']) bad({ TRUST_PROXY: v }, 'TRUST_PROXY');
  });

  it('RATE_LIMITS: named limits over the defaults', () => {
    const c = loadConfig({ RATE_LIMITS: 'search=60/30s,feeds=off' });
    assert.deepEqual(c.rateLimits.search, { max: 60, windowMs: 30_000 });
    assert.equal(c.rateLimits.feeds, null);
    assert.deepEqual(c.rateLimits.api, { max: 600, windowMs: 60_000 });
    assert.ok(Object.values(loadConfig({ RATE_LIMITS: 'off' }).rateLimits).every((l) => l === null));
  });

  it('database timeouts, with defaults of a few seconds', () => {
    const d = loadConfig({});
    assert.deepEqual([d.dbConnectTimeoutMs, d.dbStatementTimeoutMs, d.dbBusyTimeoutMs], [3000, 5000, 5000]);
    assert.equal(loadConfig({ DB_STATEMENT_TIMEOUT_MS: '250' }).dbStatementTimeoutMs, 250);
    for (const v of ['0', 'soon', '-1']) bad({ DB_CONNECT_TIMEOUT_MS: v }, 'DB_CONNECT_TIMEOUT_MS');
  });

  it('INBOUND_SMTP_*: off by default; a port turns the unsubscribe listener on; TLS files in pairs, read at load', () => {
    assert.equal(loadConfig({}).inboundSmtp, undefined);
    const c = loadConfig({ INBOUND_SMTP_PORT: '2525', BASE_URL: 'https://papers.example.org' }).inboundSmtp!;
    assert.deepEqual({ ...c }, { port: 2525, host: '0.0.0.0', hostname: 'papers.example.org', maxBytes: 65536, perMinute: 30, tls: undefined });
    assert.ok(Object.isFrozen(c));
    for (const v of ['-1', '70000', 'smtp']) bad({ INBOUND_SMTP_PORT: v }, 'INBOUND_SMTP_PORT');
    bad({ INBOUND_SMTP_PORT: '25', INBOUND_SMTP_MAX_BYTES: '10' }, 'INBOUND_SMTP_MAX_BYTES');
    bad({ INBOUND_SMTP_PORT: '25', INBOUND_SMTP_TLS_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt' }, 'INBOUND_SMTP_TLS_KEY_FILE');
    bad({ INBOUND_SMTP_PORT: '25', INBOUND_SMTP_TLS_CERT_FILE: '/nonexistent/cert.pem', INBOUND_SMTP_TLS_KEY_FILE: '/nonexistent/key.pem' }, 'INBOUND_SMTP_TLS_CERT_FILE');
  });

  it('never echoes a value that may hold a password (REDIS_URL, SMTP_URL, keys)', () => {
    for (const [name, v] of [['REDIS_URL', 'mysql://u:hunter2@x'], ['SMTP_URL', 'http://u:hunter2@x']] as const) {
      assert.throws(() => loadConfig({ [name]: v }), (e: Error) => e.message.startsWith(`${name} is invalid`) && !e.message.includes('hunter2'));
    }
  });
});
