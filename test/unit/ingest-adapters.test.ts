import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hfEntryToInput, readHfDaily } from '../../src/ingest/hf-daily.ts';
import { kaggleRecordToInput, readKaggle } from '../../src/ingest/kaggle.ts';
import { readLines } from '../../src/ingest/lines.ts';
import type { SourceItem } from '../../src/ingest/pipeline.ts';
import { readSeed } from '../../src/ingest/seed.ts';
import { tempDir } from '../helpers/stores.ts';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const HF = path.join(FIX, 'hf-daily');
const SLICE = path.join(FIX, 'kaggle', 'arxiv-slice.jsonl');

async function drain(items: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}
const papers = (items: SourceItem[]) => items.flatMap((i) => (i.kind === 'paper' ? [i] : []));
const rejects = (items: SourceItem[]) => items.flatMap((i) => (i.kind === 'reject' ? [i] : []));

const tmp = tempDir('paperboy-adapters-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('hf-daily adapter', () => {
  it('maps a real entry with its community fields', async () => {
    const items = await drain(readHfDaily([path.join(HF, '2025-07-07.json')]));
    const [p] = papers(items);
    assert.equal(p?.location, '2025-07-07.json#0');
    assert.equal(p?.paper.arxivId, '2507.01853');
    assert.equal(p?.paper.dailyDate, '2025-07-07');
    assert.equal(p?.paper.upvotes, 2);
    assert.equal(p?.paper.numComments, 1);
    const by = p?.paper.submittedBy;
    assert.ok(by && typeof by === 'object', 'the submitter is a whole person');
    assert.equal(by.user, 'RajveeSheth');
    assert.equal(by.fullname, 'Rajvee Sheth');
    assert.equal(by.hfId, '66e1425c919f283fbd7dfb5e');
    assert.equal(p?.paper.source, 'hf-daily');
    assert.match(p?.paper.publishedAt ?? '', /^2025-07-0\dT/);
    assert.ok((p?.paper.authors?.length ?? 0) > 0);
    assert.equal(items.at(-1)?.kind, 'checkpoint', 'a checkpoint after each file');
  });

  it('takes the day from the file name when submittedOnDailyAt is absent', async () => {
    const items = papers(await drain(readHfDaily([path.join(HF, '2024-05-27.json')])));
    assert.equal(items.length, 13);
    assert.ok(items.every((i) => i.paper.dailyDate === '2024-05-27'));
  });

  it('rejects a Python-repr file and the wrapped one by name, reading the others (sorted)', async () => {
    const items = await drain(readHfDaily([HF]));
    assert.deepEqual(
      rejects(items).map((r) => r.location),
      ['2025-01-02.json', '2025-01-10.json'],
    );
    assert.match(rejects(items)[0]!.reason, /3 entries are Python-repr strings/);
    assert.match(rejects(items)[1]!.reason, /\{status, data\} wrapper/);
    const days = papers(items).map((p) => p.paper.dailyDate);
    assert.equal(days.length, 15);
    assert.deepEqual(days, [...days].sort(), 'files are read in name order');
    assert.equal(items.filter((i) => i.kind === 'checkpoint').length, 5);
  });

  it('with repair, decodes the Python-repr entries instead', async () => {
    const repaired: string[] = [];
    const items = await drain(readHfDaily([HF], { repair: true, onRepair: (f) => repaired.push(f) }));
    assert.deepEqual(rejects(items), []);
    assert.deepEqual(repaired, ['2025-01-02.json', '2025-01-10.json']);
    assert.equal(papers(items).length, 15 + 3 + 9);
  });

  it('repair decodes string entries one by one; one that fails is rejected as file#index', async () => {
    const day = JSON.parse(fs.readFileSync(path.join(HF, '2025-01-02.json'), 'utf8')) as string[];
    const f = path.join(tmp, '2025-01-02.json');
    fs.writeFileSync(f, JSON.stringify([day[0], `${day[1]!.slice(0, 50)}`, day[2]]));
    const items = await drain(readHfDaily([f], { repair: true }));
    assert.equal(papers(items).length, 2);
    assert.deepEqual(rejects(items).map((r) => [r.location, r.reason]), [['2025-01-02.json#1', 'entry is a string (a Python repr?), not a JSON object']]);
  });

  it('checkpoints carry an estimate of the total that ends at the true count', async () => {
    const items = await drain(readHfDaily([HF]));
    const totals = items.flatMap((i) => (i.kind === 'checkpoint' ? [i.total] : []));
    assert.equal(totals.length, 5);
    assert.equal(totals.at(-1), 17, 'after the last file the estimate is exact (15 papers + 2 rejected files)');
    assert.ok(totals.every((t) => t === undefined || t >= 1));
  });

  it('a whole file written as a Python repr is rejected with a hint, and decoded with repair', async () => {
    const day = JSON.parse(fs.readFileSync(path.join(HF, '2025-01-02.json'), 'utf8')) as string[];
    const f = path.join(tmp, '2025-01-03.json');
    fs.writeFileSync(f, `[${day.join(', ')}]`);
    const [r] = rejects(await drain(readHfDaily([f])));
    assert.equal(r?.location, '2025-01-03.json');
    assert.match(r?.reason ?? '', /^not valid JSON: .*looks like a Python repr; use --repair/);
    const fixed = papers(await drain(readHfDaily([f], { repair: true })));
    assert.equal(fixed[0]!.paper.arxivId, '2412.19723');
    assert.equal(fixed.length, 3);
    assert.ok(fixed.every((p) => p.paper.dailyDate));
  });

  it('says why an entry is unusable', () => {
    assert.equal(hfEntryToInput({ paper: { title: 'T' } }, null), 'missing paper id');
    assert.equal(hfEntryToInput({ paper: { id: '2501.00001' } }, null), 'missing title');
    assert.match(hfEntryToInput({ paper: { id: 'nonsense', title: 'T' } }, null) as string, /not an arXiv id/);
    assert.match(hfEntryToInput("{'paper': {}}", null) as string, /Python repr/);
  });

  it('rejects a file that is not JSON with the parser message', async () => {
    const f = path.join(tmp, '2025-02-03.json');
    fs.writeFileSync(f, '[{"paper": ');
    const [r] = rejects(await drain(readHfDaily([f])));
    assert.equal(r?.location, '2025-02-03.json');
    assert.match(r?.reason ?? '', /^not valid JSON: /);
  });
});

describe('kaggle adapter', () => {
  it('maps a record in the full snapshot layout', () => {
    const p = kaggleRecordToInput({
      id: '0704.0001',
      authors: "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan",
      authors_parsed: [['Balázs', 'C.', ''], ['Berger', 'E. L.', ''], ['Nadolsky', 'P. M.', ''], ['Yuan', 'C. -P.', '']],
      title: 'Calculation of prompt diphoton production cross sections at Tevatron\n  energies',
      comments: '37 pages, 15 figures; published version',
      'journal-ref': 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      categories: 'hep-ph',
      abstract: '  A fully differential calculation…',
      versions: [
        { version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' },
        { version: 'v2', created: 'Tue, 24 Jul 2007 20:10:27 GMT' },
      ],
      update_date: '2008-11-13',
    });
    assert.ok(typeof p !== 'string');
    assert.equal(p.arxivId, '0704.0001');
    assert.equal(p.version, 2);
    assert.deepEqual(p.authors, ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan']);
    assert.deepEqual(p.categories, ['hep-ph']);
    assert.equal(p.publishedAt, '2007-04-02T19:18:42.000Z');
    assert.equal(p.updatedAt, '2008-11-13T00:00:00.000Z');
    assert.equal(p.journalRef, 'Phys.Rev.D76:013009,2007');
    assert.equal(p.doi, '10.1103/PhysRevD.76.013009');
  });

  it('uses update_date when versions is empty, and keeps the primary category first', async () => {
    const items = papers(await drain(readKaggle([SLICE])));
    assert.equal(items.length, 200);
    const first = items[0]!.paper;
    assert.equal(first.arxivId, '2508.13020');
    assert.deepEqual(first.authors?.slice(0, 2), ['Jiaqi Yin', 'Zhan Song']);
    assert.match(first.publishedAt ?? '', /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
    assert.equal(items[0]!.location, 'arxiv-slice.jsonl:1');
  });

  it('reads .gz and plain alike', async () => {
    const plain = papers(await drain(readKaggle([SLICE]))).map((p) => p.paper);
    const gz = papers(await drain(readKaggle([`${SLICE}.gz`]))).map((p) => p.paper);
    assert.deepEqual(gz, plain);
  });

  it('rejects a bad line as file:line and reads on', async () => {
    const lines = fs.readFileSync(SLICE, 'utf8').split('\n').slice(0, 5);
    lines[2] = lines[2]!.slice(0, 40);
    lines[3] = JSON.stringify({ ...JSON.parse(lines[3]!), title: '' });
    const f = path.join(tmp, 'bad-lines.jsonl');
    fs.writeFileSync(f, lines.join('\n'));
    const items = await drain(readKaggle([f]));
    assert.equal(papers(items).length, 3);
    assert.deepEqual(
      rejects(items).map((r) => [r.location, r.reason.split(':')[0]]),
      [['bad-lines.jsonl:3', 'bad JSON'], ['bad-lines.jsonl:4', 'missing title']],
    );
  });

  it('a truncated .gz is rejected by name; the papers before the damage are kept', async () => {
    const gz = fs.readFileSync(`${SLICE}.gz`);
    const f = path.join(tmp, 'truncated.jsonl.gz');
    fs.writeFileSync(f, gz.subarray(0, Math.floor(gz.length / 2)));
    const items = await drain(readKaggle([f]));
    const n = papers(items).length;
    assert.ok(n > 20 && n < 200, `read ${n} papers before the cut`);
    const [r] = rejects(items);
    assert.equal(r?.location, 'truncated.jsonl.gz');
    assert.match(r?.reason ?? '', /^truncated gzip .* after line \d+$/);
    assert.equal(rejects(items).length, 1, 'the cut-off partial line is not reported as bad JSON');
  });
});

describe('readLines', () => {
  it('numbers lines, keeps multi-byte characters split across chunks, and reads a last line without newline', async () => {
    const text = `${'é'.repeat(300_000)}\nsecond\n\nlast`;
    const f = path.join(tmp, 'lines.txt.gz');
    fs.writeFileSync(f, zlib.gzipSync(text));
    const got: string[] = [];
    for await (const ev of readLines(f)) if (ev.kind === 'line') got.push(`${ev.line}:${ev.text.slice(0, 6)}`);
    assert.deepEqual(got, ['1:éééééé', '2:second', '3:', '4:last']);
  });
});

describe('seed adapter', () => {
  it('reads the 34 seed papers with their category', async () => {
    const items = papers(await drain(readSeed([path.join(FIX, 'seed', 'seed-papers.jsonl')])));
    assert.equal(items.length, 34);
    assert.equal(items[0]!.paper.arxivId, '2310.06511');
    assert.deepEqual(items[0]!.paper.categories, ['cs.LG']);
    assert.equal(items[0]!.paper.publishedAt, '2023-10-10T00:00:00.000Z');
  });
});
