import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { it } from 'node:test';
import { exportPapers, JSONL_FIELDS } from '../../src/catalog/export.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { migrate, openStore, type Store } from '../../src/store/db.ts';
import { createTestDatabase, describeEngines, tempDir } from '../helpers/stores.ts';

const FIXTURE = path.resolve('test/fixtures/papers.jsonl');
const run = promisify(execFile);

async function exportText(store: Store): Promise<string> {
  let s = '';
  for await (const p of exportPapers(store.db, 2)) s += `${JSON.stringify(p)}\n`;
  return s;
}

describeEngines('export → ingest round trip', (ctx) => {
  it('loses no field: fixture → export → fresh store → export is identical, and equals the fixture', async () => {
    const first = await ingest(ctx.store, 'jsonl', readJsonl([FIXTURE]));
    assert.equal(first.rejected, 0, JSON.stringify(first.rejections));
    const a = await exportText(ctx.store);

    const dir = tempDir();
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, a);
    const fresh = await createTestDatabase(ctx.engine);
    const store2 = openStore(fresh.url);
    try {
      await migrate(store2);
      const second = await ingest(store2, 'jsonl', readJsonl([file]));
      assert.equal(second.inserted, 5);
      const b = await exportText(store2);
      assert.equal(b, a);
    } finally {
      await store2.close();
      await fresh.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // The fixture is already in canonical form and sorted by arXiv id: every field survives as written.
    const fixtureLines = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n').sort();
    assert.deepEqual(a.trim().split('\n').sort(), fixtureLines);
    for (const line of a.trim().split('\n')) assert.deepEqual(Object.keys(JSON.parse(line)), [...JSONL_FIELDS]);
  });

  it('re-ingesting an export changes nothing', async () => {
    const again = await ingest(ctx.store, 'jsonl', readJsonl([FIXTURE]));
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 5]);
  });
});

it('the CLI round trip: paperboy ingest jsonl, then paperboy export --out', async () => {
  const dir = tempDir();
  try {
    const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'p.db')}`, LOG_LEVEL: 'silent' };
    const ing = await run(process.execPath, ['bin/paperboy.js', 'ingest', 'jsonl', FIXTURE, '--json'], { env });
    assert.equal(JSON.parse(ing.stdout).inserted, 5);
    const out = path.join(dir, 'catalog.jsonl');
    const exp = await run(process.execPath, ['bin/paperboy.js', 'export', '--out', out, '--json'], { env });
    assert.deepEqual(JSON.parse(exp.stdout), { papers: 5, file: out });
    assert.deepEqual(fs.readFileSync(out, 'utf8').trim().split('\n').sort(), fs.readFileSync(FIXTURE, 'utf8').trim().split('\n').sort());
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
