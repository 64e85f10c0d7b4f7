import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldsFromInput, mergePaper, sameFields, type PaperInput } from '../../src/catalog/paper.ts';

const arxiv: PaperInput = {
  arxivId: '2401.00001', version: 2, title: 'Title', abstract: 'Abstract\n text', authors: ['A B'],
  categories: ['cs.CL', 'cs.AI'], publishedAt: '2024-01-01T00:00:00.000Z', comment: '9 pages', source: 'kaggle',
};
const hf: PaperInput = {
  arxivId: '2401.00001', title: 'Title', abstract: 'Abstract\n text', authors: ['A B'], dailyDate: '2024-01-03',
  upvotes: 12, numComments: 2, githubRepo: 'https://github.com/x/y', aiKeywords: ['llm'], source: 'hf-daily',
};

describe('merge rules', () => {
  it('combines what two sources know, in either order', () => {
    const ab = mergePaper(fieldsFromInput(arxiv), hf);
    const ba = mergePaper(fieldsFromInput(hf), arxiv);
    for (const m of [ab, ba]) {
      assert.equal(m.categories, 'cs.CL cs.AI');
      assert.equal(m.comment, '9 pages');
      assert.equal(m.upvotes, 12);
      assert.equal(m.daily_date, '2024-01-03');
      assert.equal(m.github_repo, 'https://github.com/x/y');
      assert.equal(m.version, 2);
    }
    assert.ok(sameFields(ab, { ...ba, source: ab.source }));
  });

  it('is idempotent', () => {
    const once = mergePaper(fieldsFromInput(arxiv), hf);
    assert.ok(sameFields(once, mergePaper(once, hf)));
    assert.ok(sameFields(once, mergePaper(once, arxiv)));
  });

  it('never lets an unknown value erase a known one', () => {
    const m = mergePaper(fieldsFromInput(arxiv), { arxivId: arxiv.arxivId, title: 'Title', source: 'x' });
    assert.equal(m.abstract, 'Abstract\n text', 'kept as the source wrote it');
    assert.equal(m.authors, JSON.stringify(['A B']));
    assert.equal(m.categories, 'cs.CL cs.AI');
  });

  it('keeps the earliest daily date and the largest counts', () => {
    const a = mergePaper(fieldsFromInput(hf), { ...hf, dailyDate: '2024-01-02', upvotes: 3 });
    assert.equal(a.daily_date, '2024-01-02');
    assert.equal(a.upvotes, 12);
  });

  it('lets an older version fill gaps only', () => {
    const m = mergePaper(fieldsFromInput({ ...arxiv, comment: null }), { ...arxiv, version: 1, title: 'Old', comment: 'old comment' });
    assert.equal(m.title, 'Title');
    assert.equal(m.version, 2);
    assert.equal(m.comment, 'old comment');
  });
});
