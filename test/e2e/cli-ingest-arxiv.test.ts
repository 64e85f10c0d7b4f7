import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { arxivApi, busy, oaiPages, startFakeServer, type FakeServer } from '../helpers/arxiv-server.ts';
import { tempDir } from '../helpers/stores.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/paperboy.js');

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function paperboy(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

describe('paperboy ingest oai / arxiv-api (child process)', () => {
  let server: FakeServer;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startFakeServer(oaiPages);
    dir = tempDir();
    env = { DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}`, ARXIV_DELAY_MS: '20', LOG_LEVEL: 'silent', CI: '' };
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('harvests through a 503 with Retry-After and prints the summary with every rejection', async () => {
    let busyOnce = true;
    server.handle((req, n) => {
      if (req.params.get('resumptionToken') === '6960524|2002' && busyOnce) {
        busyOnce = false;
        return busy('1');
      }
      return oaiPages(req, n);
    });
    const url = `${server.origin}/oai`;
    const r = await paperboy(['ingest', 'oai', '--url', url, '--from', '2025-03-18', '--set', 'cs', '--json'], env).done;
    assert.equal(r.code, 3, `finished with rejections: ${r.stderr}`);
    const s = JSON.parse(r.stdout.trim());
    assert.deepEqual([s.source, s.read, s.inserted, s.updated, s.unchanged, s.rejected], ['oai', 12, 10, 0, 0, 2]);
    assert.deepEqual(s.rejections.map((x: { location: string }) => x.location), [
      'page 2 record 2 (oai:arXiv.org:2503.14001)',
      'page 3 record 3 (oai:arXiv.org:2503.18999)',
    ]);
    assert.match(r.stderr, /page 3, 8 records, waiting 1 s: HTTP 503, Retry-After 1/);
  });

  it('a harvest killed mid-way resumes from its checkpoint when run again', async () => {
    server.requests.length = 0;
    let hung: () => void = () => {};
    const reachedPage3 = new Promise<void>((resolve) => (hung = resolve));
    server.handle((req, n) => {
      if (req.params.get('resumptionToken') === '6960524|2002') {
        hung();
        return { hang: true };
      }
      return oaiPages(req, n);
    });
    const args = ['ingest', 'oai', '--url', `${server.origin}/oai`, '--from', '2025-03-10', '--set', 'cs', '--json'];
    const first = paperboy(args, env);
    await reachedPage3;
    first.child.kill('SIGKILL');
    assert.equal((await first.done).signal, 'SIGKILL');
    const before = server.requests.length;

    server.handle(oaiPages);
    const r = await paperboy(args, env).done;
    assert.equal(r.code, 3, `finished with a rejection: ${r.stderr}`);
    assert.deepEqual(server.requests.slice(before).map((q) => Object.fromEntries(q.params)), [
      { verb: 'ListRecords', resumptionToken: '6960524|2002' },
    ]);
    assert.match(r.stderr, /resuming the harvest from its checkpoint: page 3, 8 records read before/);
    const s = JSON.parse(r.stdout.trim());
    assert.deepEqual([s.read, s.unchanged, s.rejected], [5, 4, 1]);
  });

  it('fetches ids from the arXiv API and names the ones it could not import', async () => {
    server.handle(arxivApi);
    const r = await paperboy(['ingest', 'arxiv-api', '1706.03762', 'hep-th/9708147', '2503.99999', '--url', `${server.origin}/api/query`], env).done;
    assert.equal(r.code, 3, `finished with a rejection: ${r.stderr}`);
    assert.match(r.stdout, /^arxiv-api: read 3, inserted 1, updated 1, unchanged 0, rejected 1 in [\d.]+ s$/m);
    assert.match(r.stdout, /^ {2}rejected arXiv API id 2503\.99999: not found: arXiv returned no paper for 2503\.99999$/m);
  });

  it('a bad option value exits 2 with one readable line', async () => {
    const r = await paperboy(['ingest', 'oai', '--url', `${server.origin}/oai`, '--from', 'yesterday'], env).done;
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'paperboy ingest: USAGE: --from must be a day as YYYY-MM-DD, arXiv\'s datestamp granularity (got "yesterday")');
  });
});
