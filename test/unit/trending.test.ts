import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageInDays, explainTrending, rankTrending, trendingParts, trendingScore } from '../../src/catalog/trending.ts';
import { blankRow } from '../../src/catalog/paper.ts';
import type { PaperRow } from '../../src/store/schema.ts';

function row(arxiv_id: string, upvotes: number, daily_date: string): PaperRow {
  return blankRow({ arxivId: arxiv_id, title: arxiv_id, upvotes, dailyDate: daily_date, source: 't' });
}

describe('trending', () => {
  it('halves the score every three days and counts unvoted papers as one vote', () => {
    assert.equal(trendingScore(9, 0, 0), 10);
    assert.equal(trendingScore(9, 0, 3), 5);
    assert.equal(trendingScore(9, 0, 6), 2.5);
    assert.equal(trendingScore(0, 0, 0), 1);
    assert.equal(trendingScore(-5, -1, -2), 1, 'negative inputs are clamped');
  });

  it('weighs a comment as two upvotes, and explains the parts', () => {
    assert.equal(trendingScore(9, 2, 0), 14);
    assert.equal(trendingScore(9, 2, 3), 7);
    const p = trendingParts(42, 3, 1);
    assert.equal(p.points, 49);
    assert.equal(explainTrending(p), '42 upvotes + 2 × 3 comments + 1 = 49, 1 day old (× 0.79) → 38.9');
    assert.equal(explainTrending(trendingParts(1, 1, 0)), '1 upvote + 2 × 1 comment + 1 = 4, new today (× 1) → 4');
  });

  it('ranks a discussed paper above an equally upvoted quiet one', () => {
    const quiet = row('2603.00010', 10, '2026-03-02');
    const discussed = { ...row('2603.00009', 10, '2026-03-02'), num_comments: 1, local_comments: 2 };
    const ranked = rankTrending([quiet, discussed], '2026-03-02');
    assert.deepEqual(ranked.map((r) => [r.row.arxiv_id, r.score]), [['2603.00009', 17], ['2603.00010', 11]]);
    assert.equal(ranked[0]!.parts.comments, 3, 'imported plus local comments');
  });

  it('counts whole days across month ends', () => {
    assert.equal(ageInDays('2026-02-27', '2026-03-02'), 3);
    assert.equal(ageInDays('2026-03-02', '2026-03-02'), 0);
  });

  it('ranks a fresh paper above an older one with more votes, and breaks ties deterministically', () => {
    const ranked = rankTrending(
      [
        row('2603.00001', 100, '2026-02-24'), // 6 days old: 101/4 = 25.25
        row('2603.00002', 30, '2026-03-02'), // today: 31
        row('2603.00003', 30, '2026-03-02'), // same score: higher arXiv id first
        row('2603.00004', 0, '2026-03-01'), // 1 × 2^(-1/3) ≈ 0.79
      ],
      '2026-03-02',
    );
    assert.deepEqual(
      ranked.map((r) => r.row.arxiv_id),
      ['2603.00003', '2603.00002', '2603.00001', '2603.00004'],
    );
    assert.equal(ranked[2]!.score, 25.25);
  });
});

describe('trending reads the shown count', () => {
  it('ranks by the imported baseline plus local votes', () => {
    const a = { ...row('2608.00001', 10, '2026-08-21'), local_upvotes: 0 };
    const b = { ...row('2608.00002', 4, '2026-08-21'), local_upvotes: 7 };
    assert.deepEqual(rankTrending([a, b], '2026-08-21').map((r) => [r.row.arxiv_id, r.score]), [['2608.00002', 12], ['2608.00001', 11]]);
  });
});
