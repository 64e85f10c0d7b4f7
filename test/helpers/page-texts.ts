/** Real arXiv papers (the Kaggle fixture slice) as an index's page texts, for the tests of highlighting. */
import fs from 'node:fs';
import type { PageText } from '../../src/search/keyword/ascii-marks.ts';

/** Ids from 1 in file order; every fifth paper has an expansion (the low-weight column) that the others lack. */
export function slicePageTexts(): PageText[] {
  return fs
    .readFileSync(new URL('../fixtures/kaggle/arxiv-slice.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l, i) => {
      const r = JSON.parse(l) as { title: string; abstract: string; authors: string };
      return { id: i + 1, title: r.title, abstract: r.abstract, authors: r.authors, expansion: i % 5 ? '' : 'graph neural network expansion' };
    });
}
