import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pino from 'pino';
import { createSearchService, type ChangeFeed, type IndexDoc, type SearchService } from '../../src/search/index.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines, tempDir } from '../helpers/stores.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'paperboy.js');

// Self-repair: a damaged, cut-short, foreign or outdated index file is moved aside and rebuilt from the
// catalog with one warning line, and search keeps answering. The catalog here is a change feed of 300 papers.
const DOCS: IndexDoc[] = Array.from({ length: 300 }, (_, i) => ({
  id: i + 1, arxivId: `2401.${String(i + 1).padStart(5, '0')}`,
  title: i === 7 ? 'Quasicrystal tilings and their diffraction' : `Paper ${i} on graph neural networks and topic ${i % 17}`,
  abstract: `We study problem ${i} with methods number ${i % 23} and ${'words '.repeat(i % 40)}results.`,
  authors: ['A. Author'], categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: i, seq: i + 1,
}));
const feed: ChangeFeed = { since: async (seq, limit) => DOCS.filter((d) => d.seq > seq).slice(0, limit), head: async () => DOCS.length };

/** A service on `dir` whose warnings are collected. */
function open(dir: string): { s: SearchService; warnings: string[] } {
  const warnings: string[] = [];
  const stream = new Writable({ write: (chunk, _e, cb) => (warnings.push(...String(chunk).trim().split('\n').map((l) => JSON.parse(l).msg)), cb()) });
  const s = createSearchService({ dir, feed, log: pino({ level: 'warn' }, stream) });
  return { s, warnings };
}

async function builtIndex(): Promise<string> {
  const dir = tempDir();
  const { s } = open(dir);
  await s.syncOnce();
  await s.stop();
  s.close();
  return dir;
}

const found = async (s: SearchService) => (await s.search({ q: 'quasicrystal' })).hits.map((h) => h.arxivId);

async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const DAMAGE: Record<string, (file: string) => void> = {
  'garbage bytes': (f) => fs.writeFileSync(f, Buffer.alloc(64 * 1024, 'not a database ')),
  'cut to half its length': (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2)),
  'a zeroed header': (f) => {
    const fd = fs.openSync(f, 'r+');
    fs.writeSync(fd, Buffer.alloc(100), 0, 100, 0);
    fs.closeSync(fd);
  },
  'a foreign SQLite database': (f) => {
    fs.rmSync(f);
    const db = new SQLite(f);
    db.exec('CREATE TABLE papers (x TEXT); INSERT INTO papers VALUES (1)');
    db.close();
  },
  'an older schema version': (f) => {
    const db = new SQLite(f);
    db.prepare(`UPDATE meta SET value = '1' WHERE key = 'schema'`).run();
    db.close();
  },
  'an empty file': (f) => fs.writeFileSync(f, ''),
};

describe('search index self-repair', () => {
  for (const [name, damage] of Object.entries(DAMAGE)) {
    it(`an index file with ${name} is moved aside and rebuilt, with one warning`, async () => {
      const dir = await builtIndex();
      const file = path.join(dir, 'search.db');
      damage(file);
      const { s, warnings } = open(dir);
      try {
        assert.deepEqual(await found(s), [], 'answers (from an empty index) before the rebuild');
        await s.syncOnce();
        assert.deepEqual(await found(s), ['2401.00008']);
        assert.equal((await s.status()).indexed, DOCS.length);
        if (name !== 'an empty file') {
          assert.ok(fs.existsSync(`${file}.broken`), 'the damaged file is kept aside');
          assert.equal(warnings.length, 1, warnings.join(' | '));
          assert.match(warnings[0]!, /^the search index was unusable \(.+\); moved it aside and rebuilding it from the catalog$/);
        }
      } finally {
        s.close();
      }
    });
  }

  it('damage deep inside the file is found by the background quick_check and repaired', async () => {
    const dir = await builtIndex();
    const file = path.join(dir, 'search.db');
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    // Pages past the schema: FTS5 segments and the docs table.
    for (let at = 4096 * 3; at < size - 4096; at += 4096 * 2) fs.writeSync(fd, Buffer.alloc(512, 0xa5), 0, 512, at + 100);
    fs.closeSync(fd);
    const { s, warnings } = open(dir);
    try {
      await until('the damage is found and the file moved aside', () => fs.existsSync(`${file}.broken`));
      await until('the follower refilled the index', async () => (await s.syncOnce(), (await s.status()).indexed === DOCS.length));
      assert.deepEqual(await found(s), ['2401.00008']);
      assert.ok(warnings.some((w) => /^the search index is damaged \(quick_check: /.test(w)), warnings.join(' | '));
    } finally {
      s.close();
    }
  });

  it('a file damaged while the node runs is repaired when a search meets the damage, and the search is answered', async () => {
    // Larger than the connection's page cache (better-sqlite3's default: 16 MB), so that pages are read from the file again.
    const big: IndexDoc[] = Array.from({ length: 2500 }, (_, i) => ({ ...DOCS[i % DOCS.length]!, id: i + 1, seq: i + 1, arxivId: `2402.${String(i + 1).padStart(5, '0')}`, abstract: `${DOCS[i % DOCS.length]!.abstract} ${`filler ${i} text `.repeat(700)}` }));
    const bigFeed: ChangeFeed = { since: async (seq, limit) => big.filter((d) => d.seq > seq).slice(0, limit), head: async () => big.length };
    const dir = tempDir();
    const warnings: string[] = [];
    const stream = new Writable({ write: (chunk, _e, cb) => (warnings.push(...String(chunk).trim().split('\n').map((l) => JSON.parse(l).msg)), cb()) });
    const s = createSearchService({ dir, feed: bigFeed, log: pino({ level: 'warn' }, stream) });
    try {
      await s.syncOnce();
      const file = path.join(dir, 'search.db');
      // Overwrite the file and its WAL behind the connection's back.
      for (const f of [file, `${file}-wal`]) {
        const size = fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
        if (size) fs.writeFileSync(f, Buffer.alloc(size, 0x5a));
      }
      const r = await s.search({ q: 'quasicrystal' });
      assert.ok(Array.isArray(r.hits), 'answered');
      assert.ok(fs.existsSync(`${file}.broken`), 'the damaged file was moved aside');
      assert.ok(warnings.some((w) => /^the search index is damaged/.test(w)), warnings.join(' | '));
      await s.syncOnce();
      assert.equal((await s.search({ q: 'quasicrystal' })).hits[0]!.arxivId, '2402.00008');
      assert.equal((await s.status()).indexed, big.length);
    } finally {
      s.close();
    }
  });

  it('rebuild() works on a broken index', async () => {
    const dir = await builtIndex();
    fs.writeFileSync(path.join(dir, 'search.db'), 'garbage');
    const { s } = open(dir);
    try {
      assert.equal(await s.rebuild(), DOCS.length);
      assert.deepEqual(await found(s), ['2401.00008']);
    } finally {
      s.close();
    }
  });
});

describeEngines('a node started on a garbage search index', (ctx) => {
  it('serves /readyz, search and /metrics (no 500) while it rebuilds, and `paperboy index rebuild` works on it', async () => {
    const dataDir = tempDir();
    fs.mkdirSync(path.join(dataDir, 'index'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'index', 'search.db'), Buffer.alloc(8192, 'garbage!'));
    const { server, app, close } = await createTestServer(ctx.url, [], { DATA_DIR: dataDir });
    try {
      assert.equal((await server.inject('/readyz')).statusCode, 200);
      const r = await server.inject('/api/search?q=attention');
      assert.equal(r.statusCode, 200);
      assert.ok(r.json().hits.length > 0);
      assert.equal((await server.inject('/metrics')).statusCode, 200);
      assert.ok(fs.existsSync(path.join(dataDir, 'index', 'search.db.broken')));
      await app.search.stop();
    } finally {
      await close();
    }
    fs.writeFileSync(path.join(dataDir, 'index', 'search.db'), Buffer.alloc(8192, 'garbage!'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: ctx.url, LOG_LEVEL: 'silent', EMBEDDER: 'none' };
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'index', 'rebuild'], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^indexed \d+ papers/);
  });
});
