/**
 * A CLI a person trusts: one friendly line per mistake (with "did you mean"), usage errors exit 2,
 * a finished ingest with rejections exits 3, no doubled codes or temporary file names in messages,
 * PostgreSQL failures say what failed, backup never prints a password, --json equals the JSON API,
 * and a bad configuration stops any command before it does anything.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestServer } from '../helpers/server.ts';
import { startNode } from '../helpers/nodes.ts';
import { engineSkipReason, tempDir } from '../helpers/stores.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'paperboy.js');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'papers.jsonl');

function paperboy(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const full: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', DEMO_DATA: 'false', ...env };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: full, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: performance.now() - started });
    });
  });
}

const oneLine = (s: string) => s.endsWith('\n') && s.trim().split('\n').length === 1;

describe('paperboy CLI: mistakes', () => {
  const env = { DATA_DIR: tempDir('paperboy-cli-') };

  it('an unknown command: one line with a suggestion, exit 2', async () => {
    const r = await paperboy(['serv'], env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'paperboy: unknown command "serv"; did you mean serve? (paperboy --help lists the commands)\n');
    const far = await paperboy(['frobnicate'], env);
    assert.equal(far.code, 2);
    assert.equal(far.stderr, 'paperboy: unknown command "frobnicate" (paperboy --help lists the commands)\n');
  });

  it('an unknown option: one line with a suggestion, exit 2 (not Node’s parser message)', async () => {
    const r = await paperboy(['ingest', 'oai', '--frm', '2024-01-01'], env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'paperboy ingest: USAGE: unknown option --frm; did you mean --from? (paperboy ingest --help lists them)\n');
    const j = await paperboy(['stats', '--jsno'], env);
    assert.equal(j.code, 2);
    assert.match(j.stderr, /did you mean --json\?/);
    const v = await paperboy(['export', '--out'], env);
    assert.equal(v.code, 2);
    assert.equal(v.stderr, 'paperboy export: USAGE: option --out needs a value, e.g. --out VALUE\n');
  });

  it('every usage error exits 2 with one line', async () => {
    for (const args of [['search'], ['search', 'x', '--limit', '0'], ['search', 'x', '--mode', 'psychic'], ['index', 'polish'], ['backup'], ['eval'], ['ingest'], ['ingest', 'nope'], []]) {
      const r = await paperboy(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      if (args.length) assert.ok(oneLine(r.stderr), `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('--help for a command exits 0 with its usage', async () => {
    const r = await paperboy(['backup', '--help'], env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: paperboy backup --out FILE/);
  });

  it('export --out into a missing folder: one line naming the file (no temp name, no doubled code), exit 2, before any work', async () => {
    const r = await paperboy(['export', '--out', '/nonexistent/x.jsonl'], env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'paperboy export: USAGE: --out /nonexistent/x.jsonl: the folder /nonexistent does not exist\n');
    assert.doesNotMatch(r.stderr, /\.tmp|ENOENT: ENOENT/);
  });
});

describe('paperboy CLI: configuration and databases', () => {
  it('a bad variable stops any command at once with one line naming it and its forms', async () => {
    const dir = tempDir('paperboy-cli-');
    for (const cmd of ['serve', 'stats', 'migrate', 'export']) {
      const r = await paperboy([cmd], { DATA_DIR: dir, EMBEDDER: 'bogus' });
      assert.equal(r.code, 1, `${cmd}: ${r.stderr}`);
      assert.ok(oneLine(r.stderr), r.stderr);
      assert.match(r.stderr, new RegExp(`^paperboy ${cmd}: CONFIG_INVALID: EMBEDDER is invalid: must be none, builtin, onnx:<model folder or hub id>, or openai:<http\\(s\\) base url> \\(got "bogus"\\)\\n$`));
    }
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was created before the check');
    const jobs = await paperboy(['serve'], { DATA_DIR: dir, JOBS: 'nope=1d' });
    assert.equal(jobs.code, 1);
    assert.match(jobs.stderr, /^paperboy serve: CONFIG_INVALID: JOBS is invalid: unknown job "nope"; must be name=DURATION pairs .*jobs: prune-job-runs, db-optimize[,)]/);
  });

  it('PostgreSQL unreachable: names the database (without its password) and what failed, exit 1', async () => {
    const r = await paperboy(['stats'], { DATA_DIR: tempDir(), DATABASE_URL: 'postgres://paperboy:hunter2@127.0.0.1:1/paperboy', DB_CONNECT_TIMEOUT_MS: '1000' });
    assert.equal(r.code, 1);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.match(r.stderr, /^paperboy stats: DB_UNAVAILABLE: PostgreSQL at postgres:\/\/paperboy:\*\*\*@127\.0\.0\.1:1\/paperboy is unavailable: cannot connect \(connect ECONNREFUSED 127\.0\.0\.1:1\)\n$/);
    assert.doesNotMatch(r.stderr, /hunter2|migration unknown/);
  });

  it('PostgreSQL reachable but the database missing: says so, not "migration failed"', async (t) => {
    const skip = await engineSkipReason('postgres');
    if (skip) return t.skip(skip);
    const r = await paperboy(['stats'], { DATA_DIR: tempDir(), DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/paperboy_no_such_db' });
    assert.equal(r.code, 1);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.match(r.stderr, /^paperboy stats: DB_UNAVAILABLE: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:5432\/paperboy_no_such_db is unavailable: the database does not exist/);
  });

  it('backup on PostgreSQL never prints the password, in text or --json', async () => {
    const env = { DATA_DIR: tempDir(), DATABASE_URL: 'postgres://paperboy:hunter2@db.internal:5432/paperboy' };
    const out = path.join(tempDir(), 'p.dump');
    const text = await paperboy(['backup', '--out', out], env);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, `pg_dump --format=custom --no-owner --file "${out}" "postgres://paperboy@db.internal:5432/paperboy"\n`);
    assert.match(text.stderr, /PGPASSWORD or ~\/\.pgpass/);
    const json = await paperboy(['backup', '--out', out, '--json'], env);
    assert.equal(json.code, 0);
    for (const s of [text.stdout, text.stderr, json.stdout, json.stderr]) assert.doesNotMatch(s, /hunter2/);
    assert.equal((JSON.parse(json.stdout) as { command: string }).command, text.stdout.trim());
  });

  it('backup on SQLite copies the database, and never overwrites', async () => {
    const dir = tempDir();
    assert.equal((await paperboy(['ingest', 'jsonl', FIXTURE], { DATA_DIR: dir })).code, 0);
    const out = path.join(tempDir(), 'b.db');
    const r = await paperboy(['backup', '--out', out, '--json'], { DATA_DIR: dir });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { performed: boolean; bytes: number; file: string };
    assert.equal(s.performed, true);
    assert.equal(s.file, out);
    assert.equal(fs.statSync(out).size, s.bytes);
    const again = await paperboy(['backup', '--out', out], { DATA_DIR: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; choose a new file/);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['b.db'], 'no temporary file left behind');
  });
});

describe('paperboy CLI: output', () => {
  let db: string;
  let dir: string;
  before(async () => {
    dir = tempDir('paperboy-cli-');
    db = `sqlite:${path.join(dir, 'p.db')}`;
    const r = await paperboy(['ingest', 'jsonl', FIXTURE], { DATA_DIR: dir, DATABASE_URL: db });
    assert.equal(r.code, 0, r.stderr);
  });

  it('search --json has the field names of GET /api/search', async () => {
    const cli = await paperboy(['search', 'graph', '--json'], { DATA_DIR: dir, DATABASE_URL: db, BASE_URL: 'https://papers.example.org' });
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout) as Record<string, unknown> & { hits: Array<Record<string, unknown> & { paper: Record<string, unknown> }> };
    const t = await createTestServer(`sqlite:${path.join(tempDir(), 'q.db')}`);
    try {
      const fromApi = (await t.server.inject('/api/search?q=graph&limit=10')).json() as typeof fromCli;
      assert.deepEqual(Object.keys(fromCli).sort(), Object.keys(fromApi).sort());
      assert.ok(fromCli.hits.length > 0);
      assert.deepEqual(Object.keys(fromCli.hits[0]!).sort(), Object.keys(fromApi.hits[0]!).sort());
      assert.deepEqual(Object.keys(fromCli.hits[0]!.paper).sort(), Object.keys(fromApi.hits[0]!.paper).sort());
      assert.deepEqual(fromCli.hits.map((h) => h.paper.id), fromApi.hits.map((h) => h.paper.id));
    } finally {
      await t.close();
    }
  });
});

describe('paperboy serve: the ingest counter counts', () => {
  let node: Awaited<ReturnType<typeof startNode>> | undefined;
  after(async () => node?.kill());
  it('the demo papers loaded at start show in paperboy_ingest_records_total', async () => {
    node = await startNode({ DATA_DIR: tempDir(), DEMO_DATA: 'true' }, 120_000);
    const body = await (await fetch(`${node.url}/metrics`)).text();
    const m = /^paperboy_ingest_records_total\{source="demo",outcome="inserted"\} (\d+)$/m.exec(body);
    assert.ok(m, body.split('\n').filter((l) => l.includes('ingest')).join('\n'));
    const stats = (await (await fetch(`${node.url}/metrics`)).text()).match(/^paperboy_catalog_papers\{source="[^"]+"\} (\d+)$/gm) ?? [];
    const inCatalog = stats.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    assert.equal(Number(m[1]), inCatalog);
  });
});
