import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import SQLite from 'better-sqlite3';
import { createTestDatabase, tempDir, type TestDatabase } from '../helpers/stores.ts';
import { createTestServer, FIXTURE } from '../helpers/server.ts';

const run = promisify(execFile);

describe('citation exports', () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    db = await createTestDatabase('sqlite');
    ({ server, close } = await createTestServer(db.url));
  });
  after(async () => {
    await close();
    await db.dispose();
  });

  it('BibTeX: one entry per paper in the order asked, TeX specials escaped, math and balanced braces kept, old-style ids work', async () => {
    const r = await server.inject('/api/export?ids=hep-th/9901001,https://arxiv.org/abs/2310.06511v2,1706.03762&format=bibtex');
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^application\/x-bibtex/);
    assert.equal(r.headers['content-disposition'], 'attachment; filename="papers.bib"');
    const entries = r.body.trim().split(/\n(?=@)/);
    assert.equal(entries.length, 3);
    assert.match(entries[0]!, /^@article\{Witten1999Strings,/);
    assert.match(entries[0]!, /url = \{https:\/\/arxiv\.org\/abs\/hep-th\/9901001\}/);
    assert.ok(entries[1]!.includes('  title = {Diffusion Models: “quotes”, $<$tags$>$ \\& {braces} $\\backslash$ backslash {$x_1$}},\n'), entries[1]);
    assert.ok(entries[1]!.includes("author = {{\\'A}lvarez, Jos{\\'e} and van Beethoven, Ludwig and {The ATLAS Collaboration}},"), entries[1]);
    assert.ok(entries[1]!.includes('  month = oct,\n  day = {10},\n'), entries[1]);
    assert.match(entries[2]!, /^@article\{/);
    assert.match(entries[2]!, /journal = \{Advances in Neural Information Processing Systems 30 \(2017\)\}/);
    assert.match(entries[2]!, /doi = \{10\.48550\/arXiv\.1706\.03762\}/);
    // Braces balance in every entry, whatever the title held.
    for (const e of entries) assert.equal([...e].filter((c) => c === '{').length, [...e].filter((c) => c === '}').length);
  });

  it('RIS: TY…ER records with authors, year and abstract', async () => {
    const r = await server.inject('/api/export?ids=2310.06511&format=ris');
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-disposition'], 'attachment; filename="2310.06511.ris"');
    const lines = r.body.trim().split('\r\n');
    assert.equal(lines[0], 'TY  - JOUR');
    assert.equal(lines.at(-1)!, 'ER  -');
    assert.ok(lines.includes('DA  - 2023/10/10'));
    assert.ok(lines.includes('AU  - van Beethoven, Ludwig'));
    assert.ok(lines.includes('PY  - 2023'));
    assert.ok(lines.includes('UR  - https://arxiv.org/abs/2310.06511'));
    assert.ok(lines.some((l) => l.startsWith('AB  - Ünïcödé abstract')));
  });

  it('names what is wrong: unknown papers 404, bad ids and formats 400', async () => {
    const missing = await server.inject('/api/export?ids=1706.03762,2501.99999&format=ris');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json().error, /2501\.99999/);
    const bad = await server.inject('/api/export?ids=banana&format=ris');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error, /banana/);
    assert.equal((await server.inject('/api/export?ids=1706.03762&format=xml')).statusCode, 400);
  });
});

describe('paperboy backup', () => {
  it('SQLite: writes a consistent copy that opens and holds every paper; never overwrites', async () => {
    const dir = tempDir();
    try {
      const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'p.db')}`, LOG_LEVEL: 'silent' };
      await run(process.execPath, ['bin/paperboy.js', 'ingest', 'jsonl', FIXTURE], { env });
      // The folder must exist: backup never creates folders (a typo is not a request for new ones).
      fs.mkdirSync(path.join(dir, 'backups'));
      const out = path.join(dir, 'backups', 'b.db');
      const r = await run(process.execPath, ['bin/paperboy.js', 'backup', '--out', out, '--json'], { env });
      const summary = JSON.parse(r.stdout) as { performed: boolean; file: string };
      assert.equal(summary.performed, true);
      const copy = new SQLite(out, { readonly: true });
      assert.equal((copy.prepare('select count(*) as n from papers').get() as { n: number }).n, 5);
      assert.equal((copy.pragma('integrity_check', { simple: true }) as string), 'ok');
      copy.close();
      await assert.rejects(run(process.execPath, ['bin/paperboy.js', 'backup', '--out', out], { env }), /exists/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: prints the pg_dump command without the password', async () => {
    const env = { ...process.env, DATABASE_URL: 'postgres://paperboy:secret@db.example:5432/paperboy', LOG_LEVEL: 'silent', DATA_DIR: tempDir() };
    const r = await run(process.execPath, ['bin/paperboy.js', 'backup', '--out', '/tmp/x.dump', '--json'], { env });
    const j = JSON.parse(r.stdout) as { performed: boolean; command: string };
    assert.equal(j.performed, false);
    // No password at all (not even masked): the command works as printed, with PGPASSWORD or ~/.pgpass.
    assert.equal(j.command, 'pg_dump --format=custom --no-owner --file "/tmp/x.dump" "postgres://paperboy@db.example:5432/paperboy"');
  });
});
