import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { countPapers, getPaperRow } from '../../src/catalog/papers.repo.ts';
import { readHfDaily } from '../../src/ingest/hf-daily.ts';
import { readKaggle } from '../../src/ingest/kaggle.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { describeEngines, tempDir } from '../helpers/stores.ts';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const HF = path.join(FIX, 'hf-daily');
const SLICE = path.join(FIX, 'kaggle', 'arxiv-slice.jsonl');

const tmp = tempDir('paperboy-ingest-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A real day file with one entry's id and another's title removed.
const broken = path.join(tmp, '2024-05-27.json');
{
  const day = JSON.parse(fs.readFileSync(path.join(HF, '2024-05-27.json'), 'utf8')) as Array<{ paper: Record<string, unknown>; title?: string }>;
  delete day[2]!.paper.id;
  // The API repeats the title beside the paper; both must be missing for the entry to have none.
  day[5]!.paper.title = '';
  delete day[5]!.title;
  fs.writeFileSync(broken, JSON.stringify(day));
}

describeEngines('file ingestion', (ctx) => {
  it('a record without id or title is rejected with its reason and location; the rest is imported', async () => {
    const s = await ingest(ctx.store, 'hf-daily', readHfDaily([broken]));
    assert.deepEqual(s.rejections, [
      { location: '2024-05-27.json#2', reason: 'missing paper id' },
      { location: '2024-05-27.json#5', reason: 'missing title' },
    ]);
    assert.equal(s.read, 13);
    assert.equal(s.inserted, 11);
    assert.equal(await countPapers(ctx.store.db), 11);
  });

  it('a directory with bad files: the bad ones are named, the others imported', async () => {
    const s = await ingest(ctx.store, 'hf-daily', readHfDaily([HF]));
    assert.deepEqual(s.rejections.map((r) => r.location), ['2025-01-02.json', '2025-01-10.json']);
    // The two entries missing above now arrive complete; the other 11 of that day are unchanged.
    assert.deepEqual({ inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, rejected: s.rejected }, {
      inserted: 4,
      updated: 0,
      unchanged: 11,
      rejected: 2,
    });
    const row = await getPaperRow(ctx.store.db, '2507.01853');
    assert.equal(row?.daily_date, '2025-07-07');
    assert.equal(row?.upvotes, 2);
    assert.equal(row?.num_comments, 1);
    assert.equal(row?.submitted_by, 'RajveeSheth');
    assert.equal(row?.source, 'hf-daily');
  });

  it('the same files imported twice: all unchanged, no duplicates, no new change sequence', async () => {
    const before = await countPapers(ctx.store.db);
    const seq = await ctx.store.db.selectFrom('counters').select('value').where('name', '=', 'paper_seq').executeTakeFirstOrThrow();
    const s = await ingest(ctx.store, 'hf-daily', readHfDaily([HF]));
    assert.equal(s.inserted + s.updated, 0);
    assert.equal(s.unchanged, 15);
    assert.equal(await countPapers(ctx.store.db), before);
    const seq2 = await ctx.store.db.selectFrom('counters').select('value').where('name', '=', 'paper_seq').executeTakeFirstOrThrow();
    assert.equal(Number(seq2.value), Number(seq.value));
  });

  it('kaggle: plain then gzip of the same slice inserts 200 then changes nothing', async () => {
    const a = await ingest(ctx.store, 'kaggle', readKaggle([SLICE]), { batchSize: 64 });
    assert.deepEqual([a.inserted, a.updated, a.unchanged, a.rejected], [200, 0, 0, 0]);
    const b = await ingest(ctx.store, 'kaggle', readKaggle([`${SLICE}.gz`]));
    assert.deepEqual([b.inserted, b.updated, b.unchanged, b.rejected], [0, 0, 200, 0]);
    const row = await getPaperRow(ctx.store.db, '2508.13020');
    assert.deepEqual(JSON.parse(row!.authors).slice(0, 2), ['Jiaqi Yin', 'Zhan Song']);
    assert.ok(row!.categories.length > 0);
  });

  it('a truncated .gz keeps what was read before the damage and names the file', async () => {
    const gz = fs.readFileSync(`${SLICE}.gz`);
    const f = path.join(tmp, `cut-${ctx.engine}.jsonl.gz`);
    fs.writeFileSync(f, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const s = await ingest(ctx.store, 'kaggle', readKaggle([f]));
    assert.equal(s.rejected, 1);
    assert.equal(s.rejections[0]!.location, path.basename(f));
    assert.match(s.rejections[0]!.reason, /truncated gzip/);
    assert.ok(s.unchanged > 50, 'the papers before the cut were read (and are already stored)');
  });
});
