import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldsFromInput, mergePaper, sameFields, type PaperInput } from '../../src/catalog/paper.ts';

// Modeled on 2608.12313, listed on 2026-08-13 (2 upvotes) and again on 2026-08-19 (27 upvotes) with a
// GitHub link, project page and AI summary the first listing did not have or had differently.
const first: PaperInput = {
  arxivId: '2608.12313',
  title: 'A paper',
  dailyDate: '2026-08-13',
  upvotes: 2,
  githubRepo: 'https://github.com/old/repo',
  aiSummary: 'An early summary.',
  aiKeywords: ['a'],
  source: 'hf-daily',
};
const second: PaperInput = {
  ...first,
  dailyDate: '2026-08-19',
  upvotes: 27,
  githubRepo: 'https://github.com/new/repo',
  projectPage: 'https://example.org',
  aiSummary: 'A later summary.',
  aiKeywords: ['a', 'b'],
};

describe('merging two observations of one paper', () => {
  const merged = mergePaper(fieldsFromInput(first), second);

  it('the later observation (more upvotes) gives links and AI fields; counts and dates merge', () => {
    assert.equal(merged.github_repo, 'https://github.com/new/repo');
    assert.equal(merged.project_page, 'https://example.org');
    assert.equal(merged.ai_summary, 'A later summary.');
    assert.equal(merged.upvotes, 27);
    assert.equal(merged.daily_date, '2026-08-13');
  });

  it('re-importing either observation changes nothing (the flip-flop this rule fixes)', () => {
    assert.ok(sameFields(merged, mergePaper(merged, first)), 'the earlier listing does not win back');
    assert.ok(sameFields(merged, mergePaper(merged, second)));
  });

  it('the result does not depend on import order', () => {
    assert.ok(sameFields(merged, mergePaper(fieldsFromInput(second), first)));
  });

  it('an earlier observation still fills a gap', () => {
    const noRepo = mergePaper(fieldsFromInput({ ...second, githubRepo: null }), first);
    assert.equal(noRepo.github_repo, 'https://github.com/old/repo');
  });

  it('a newer arXiv version gives its links even with fewer upvotes', () => {
    const v2 = mergePaper(merged, { ...first, version: 2, upvotes: 0, githubRepo: 'https://github.com/v2/repo' });
    assert.equal(v2.github_repo, 'https://github.com/v2/repo');
  });
});
