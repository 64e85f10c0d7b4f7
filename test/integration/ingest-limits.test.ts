/**
 * Bounded, clean input (issue 10, item 6): per-field limits reject an oversized record with its reason
 * and location and import the rest; control characters are gone after normalization; an over-long line
 * is skipped unread; the kept list of rejections is bounded.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { it } from 'node:test';
import { getPaperRow } from '../../src/catalog/papers.repo.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { readHfDaily } from '../../src/ingest/hf-daily.ts';
import { readKaggle } from '../../src/ingest/kaggle.ts';
import { FIELD_LIMITS, OTHER_CHARS, checkLimits } from '../../src/ingest/limits.ts';
import { MAX_LINE_BYTES } from '../../src/ingest/lines.ts';
import { KEPT_REJECTIONS, ingest, type SourceItem } from '../../src/ingest/pipeline.ts';
import { describeEngines, tempDir } from '../helpers/stores.ts';

const base = (id: string, over: Partial<PaperInput> = {}): PaperInput => ({ arxivId: id, title: `Paper ${id}`, abstract: 'An abstract.', authors: ['Ada Lovelace'], source: 'test', ...over });
const items = async function* (list: Array<PaperInput | SourceItem>): AsyncGenerator<SourceItem> {
  for (const [i, p] of list.entries()) yield 'kind' in p ? p : { kind: 'paper', paper: p, location: `test#${i}` };
};
const kaggleLine = (id: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({ id, title: `Paper ${id}`, abstract: 'An abstract.', authors: 'Ada Lovelace and Alan Turing', categories: 'cs.CL', ...over });

describeEngines('bounded, clean input', (ctx) => {
  it('each field over its limit is rejected with the field, its size and the limit; the rest is imported', async () => {
    const over = (k: keyof typeof FIELD_LIMITS) => FIELD_LIMITS[k]!.chars + 1;
    const cases: Array<[PaperInput, RegExp]> = [
      [base('2601.00001', { title: 'T'.repeat(200_000) }), /^title is 200,000 characters, over the limit of 1,000$/],
      [base('2601.00002', { abstract: 'a'.repeat(over('abstract')) }), /^abstract is 10,001 characters, over the limit of 10,000$/],
      [base('2601.00003', { authors: Array.from({ length: 10_001 }, (_, i) => `Author ${i}`) }), /^authors has 10,001 items, over the limit of 10,000$/],
      [base('2601.00004', { authors: ['Ada', 'N'.repeat(over('authors'))] }), /^authors\[1\] is 1,001 characters/],
      [base('2601.00005', { authors: [{ name: 'Ada', user: { user: 'u'.repeat(OTHER_CHARS + 1) } }] }), /^authors\[0\]\.user\.user is 2,049 characters/],
      [base('2601.00006', { comment: 'c'.repeat(over('comment')) }), /^comment is 2,001 characters, over the limit of 2,000$/],
      [base('2601.00007', { githubRepo: `https://github.com/${'x'.repeat(2_100)}` }), /^githubRepo is 2,119 characters, over the limit of 2,048$/],
      [base('2601.00008', { mediaUrls: Array.from({ length: 101 }, (_, i) => `https://x.org/${i}.png`) }), /^mediaUrls has 101 items, over the limit of 100$/],
      [base('2601.00009', { categories: ['cs.CL', 'c'.repeat(41)] }), /^categories\[1\] is 41 characters, over the limit of 40$/],
      [base('2601.00010', { aiSummary: 's'.repeat(over('aiSummary')) }), /^aiSummary is 5,001 characters/],
      [base('2601.00011', { submittedBy: { user: 'ak', fullname: 'F'.repeat(OTHER_CHARS + 1) } }), /^submittedBy\.fullname is 2,049 characters/],
      [base('2601.00012', { journalRef: 'j'.repeat(over('journalRef')) }), /^journalRef is 1,001 characters/],
    ];
    const good = [base('2601.00100'), base('2601.00101', { authors: Array.from({ length: 3_303 }, (_, i) => `Gemini Author ${i}`), abstract: 'w '.repeat(1_744) })];
    const s = await ingest(ctx.store, 'test', items([...cases.map((c) => c[0]), ...good]));
    assert.deepEqual([s.read, s.inserted, s.rejected], [cases.length + 2, 2, cases.length]);
    cases.forEach(([p, reason], i) => {
      const r = s.rejections[i]!;
      assert.equal(r.location, `test#${i}`, p.arxivId);
      assert.match(r.reason, reason);
    });
    for (const [p] of cases) assert.equal(await getPaperRow(ctx.store.db, p.arxivId), undefined, `${p.arxivId} not stored`);
    assert.equal(JSON.parse((await getPaperRow(ctx.store.db, '2601.00101'))!.authors).length, 3_303, 'the largest real author list fits');
  });

  it('real data fits: the largest measured values pass every limit', () => {
    const real = base('2507.06261', {
      title: 'T'.repeat(226),
      abstract: 'a'.repeat(3_488),
      authors: [...Array.from({ length: 3_302 }, () => 'A Name'), 'N'.repeat(512)],
      comment: 'c'.repeat(431),
      categories: Array.from({ length: 32 }, () => 'cond-mat.stat-mech'),
      projectPage: `https://${'p'.repeat(239)}`,
      mediaUrls: Array.from({ length: 13 }, () => 'https://x.org/a.mp4'),
      aiSummary: 's'.repeat(1_606),
      aiKeywords: Array.from({ length: 44 }, () => 'k'.repeat(73)),
    });
    assert.equal(checkLimits(real), null);
  });

  it('a Kaggle line over the limit is skipped unread and named file:line; the lines around it are imported', async () => {
    const dir = tempDir('paperboy-limits-');
    const file = path.join(dir, 'part01.jsonl.gz');
    const huge = kaggleLine('2602.00002', { abstract: 'x'.repeat(MAX_LINE_BYTES + 10) });
    const big = kaggleLine('2602.00003', { title: 'Q'.repeat(5_000) });
    fs.writeFileSync(file, zlib.gzipSync([kaggleLine('2602.00001'), huge, big, kaggleLine('2602.00004')].join('\n') + '\n'));
    const s = await ingest(ctx.store, 'kaggle', readKaggle([file]));
    assert.deepEqual([s.read, s.inserted, s.rejected], [4, 2, 2]);
    assert.deepEqual(s.rejections.map((r) => r.location), ['part01.jsonl.gz:2', 'part01.jsonl.gz:3']);
    assert.match(s.rejections[0]!.reason, /^line is 4,194,\d{3} bytes, over the limit of 4,194,304 \(skipped unread\)$/);
    assert.match(s.rejections[1]!.reason, /^title is 5,000 characters, over the limit of 1,000$/);
    assert.ok(await getPaperRow(ctx.store.db, '2602.00004'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a Hugging Face entry over a limit is named file#index', async () => {
    const dir = tempDir('paperboy-limits-');
    const entry = (id: string, title: string) => ({ paper: { id, title, summary: 'S', authors: [{ name: 'A' }], publishedAt: '2026-01-02T00:00:00.000Z', upvotes: 1 }, title });
    fs.writeFileSync(path.join(dir, '2026-01-02.json'), JSON.stringify([entry('2601.01001', 'Fine'), entry('2601.01002', 'Long '.repeat(400))]));
    const s = await ingest(ctx.store, 'hf-daily', readHfDaily([dir]));
    assert.deepEqual([s.inserted, s.rejected], [1, 1]);
    assert.equal(s.rejections[0]!.location, '2026-01-02.json#1');
    assert.match(s.rejections[0]!.reason, /^title is 2,000 characters/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('NUL and the other C0/C1 controls are removed; tab and newline stay in running text only', async () => {
    const p = base('2603.00001', {
      title: 'A\u0000 title\u001b[2J with\u0085 controls\u009b',
      abstract: 'Line one,\tcolumn\r\nline two\u0007.\u0000',
      authors: ['Ada\u0000 Love\u001blace', { name: 'Alan\nTuring\u0008', user: { user: 'alan\u0000t', fullname: 'Alan\u0007 T' } }],
      comment: '12 pages\u0000,\n5 figures',
      githubRepo: ' https://github.com/a/b\n',
      aiKeywords: ['graph\u0000 neural', '\u0001'],
    });
    const s = await ingest(ctx.store, 'test', items([p]));
    assert.equal(s.inserted, 1);
    const row = (await getPaperRow(ctx.store.db, '2603.00001'))!;
    const all = JSON.stringify(row);
    assert.doesNotMatch(all, /\\u000[0-8bcef]|\\u001[0-9a-f]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/, 'no control character anywhere in the row');
    assert.equal(row.title, 'A title[2J with controls');
    assert.equal(row.abstract, 'Line one,\tcolumn\nline two.');
    assert.deepEqual(JSON.parse(row.authors).map((a: string | { name: string }) => (typeof a === 'string' ? a : a.name)), ['Ada Love lace', 'Alan Turing']);
    assert.equal(row.github_repo, 'https://github.com/a/b');
    assert.deepEqual(JSON.parse(row.ai_keywords!), ['graph neural']);
    assert.equal(row.submitted_by, null);
  });

  it('the kept list of rejections is bounded: the first N with their reasons, and a count of the rest', async () => {
    const rejects: SourceItem[] = Array.from({ length: KEPT_REJECTIONS + 500 }, (_, i) => ({ kind: 'reject', location: `big.jsonl:${i + 1}`, reason: 'bad JSON' }));
    const s = await ingest(ctx.store, 'test', items([...rejects, base('2604.00001')]));
    assert.equal(s.rejected, KEPT_REJECTIONS + 500);
    assert.equal(s.rejections.length, KEPT_REJECTIONS);
    assert.equal(s.rejections.at(-1)!.location, `big.jsonl:${KEPT_REJECTIONS}`, 'the first ones are kept');
    assert.equal(s.rejectionsNotListed, 500);
    assert.equal(s.inserted, 1);
  });
});
