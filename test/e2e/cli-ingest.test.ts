import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/stores.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'paperboy.js');
const HF = path.join(ROOT, 'test', 'fixtures', 'hf-daily');
const dataDir = tempDir('paperboy-cli-');
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Run the real bin in a child process with its own DATA_DIR (an SQLite file there). */
function paperboy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return paperboyWithInput(null, ...args);
}

function paperboyWithInput(input: string | null, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

describe('paperboy ingest (CLI)', () => {
  it('imports a directory of day files and lists every rejection in the summary', async () => {
    const r = await paperboy('ingest', 'hf-daily', HF);
    assert.equal(r.code, 3, `finished with rejections exits 3: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^hf-daily: read 17, inserted 15, updated 0, unchanged 0, rejected 2 in \d+\.\d s$/);
    assert.match(lines[1]!, /^ {2}rejected 2025-01-02\.json: not valid daily_papers JSON: its 3 entries are Python-repr strings/);
    assert.match(lines[2]!, /^ {2}rejected 2025-01-10\.json: .*\{status, data\} wrapper/);
    assert.equal(lines.length, 3);
    // Not a terminal: progress goes to stderr as plain lines, never into the data on stdout.
    assert.doesNotMatch(r.stderr, /\x1b\[/);
  });

  it('--json prints the summary as one JSON object; a re-import is all unchanged', async () => {
    const r = await paperboy('ingest', 'hf-daily', path.join(HF, '2025-07-07.json'), path.join(HF, '2024-05-27.json'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(s.source, 'hf-daily');
    assert.deepEqual([s.read, s.inserted, s.updated, s.unchanged, s.rejected], [14, 0, 0, 14, 0]);
    assert.deepEqual(s.rejections, []);
  });

  it('reads the live API shape from standard input with -', async () => {
    // What `curl https://huggingface.co/api/daily_papers | paperboy ingest hf-daily -` feeds it.
    const day = JSON.parse(fs.readFileSync(path.join(HF, '2024-05-27.json'), 'utf8')) as Array<{ paper: { submittedOnDailyAt?: string } }>;
    const live = day.slice(0, 3).map((e) => ({ ...e, paper: { ...e.paper, id: `2406.0000${day.indexOf(e)}`, submittedOnDailyAt: '2024-06-03T08:00:00.000Z' } }));
    const r = await paperboyWithInput(JSON.stringify(live), 'ingest', 'hf-daily', '-', '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { inserted: number; rejected: number };
    assert.deepEqual([s.inserted, s.rejected], [3, 0]);
    const stats = await paperboy('stats', '--json');
    const st = JSON.parse(stats.stdout) as { lastDaily: string; papers: number };
    assert.equal(st.papers, 18);
  });

  it('an unknown path is one readable line on stderr and a non-zero exit', async () => {
    const r = await paperboy('ingest', 'kaggle', path.join(dataDir, 'no-such-file.jsonl.gz'));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^paperboy ingest: INGEST_PATH_NOT_FOUND: no such file or directory: .*no-such-file\.jsonl\.gz\n$/);
  });

  it('an unknown source names the known ones and exits 2', async () => {
    const r = await paperboy('ingest', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hf-daily, kaggle, seed, demo/);
  });

  it('the summary escapes control bytes from the input; an oversized record is one rejection among imports', async () => {
    // A file name and a record carrying terminal escape sequences: ESC [2J clears the screen, 0x9B is a
    // one-byte CSI, U+202E reverses what follows.
    const dir = path.join(dataDir, 'hostile');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'evil\x1b[2J\u009b\u202e.jsonl');
    const line = (id: string, title: string) => JSON.stringify({ id, title, abstract: 'A.', authors: 'Ada Lovelace', categories: 'cs.CL' });
    fs.writeFileSync(file, [line('2605.00001', 'Fine'), line('2605.00002', 'T'.repeat(200_000)), '{"id": "\u001b]0;pwned\u0007"'].join('\n') + '\n');
    const r = await paperboy('ingest', 'kaggle', file);
    assert.equal(r.code, 3, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, 'no control byte reaches the terminal');
    assert.match(r.stdout, /read 3, inserted 1, updated 0, unchanged 0, rejected 2/);
    assert.match(r.stdout, /rejected evil\\x1b\[2J\\x9b\\u202e\.jsonl:2: title is 200,000 characters, over the limit of 1,000\n/);
    assert.match(r.stdout, /rejected evil\\x1b\[2J\\x9b\\u202e\.jsonl:3: bad JSON/);
  });
});
