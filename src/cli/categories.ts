/**
 * `paperboy categories`: one pass of what the `arxiv-categories` job does hourly (src/ingest/arxiv-categories.ts),
 * now and in the foreground — for catalogs run with JOBS=arxiv-categories=off, or to fill a fresh import at once.
 */
import { createApp } from '../app.ts';
import { AppError } from '../errors.ts';
import { fillCategories } from '../ingest/arxiv-categories.ts';
import { createArxivHttpClient } from '../ingest/arxiv-sources.ts';
import { EXIT, type Command } from './command.ts';

export const categoriesCmd: Command = {
  name: 'categories',
  summary: 'fill arXiv categories of papers that have none, from the arXiv API (what the arxiv-categories job does)',
  usage: 'paperboy categories [--max-requests N] [--json]   (ARXIV_API_URL, ARXIV_DELAY_MS pace it)',
  options: { 'max-requests': { type: 'string' } },
  async run({ values, out, config }) {
    const raw = values['max-requests'];
    const maxBatches = typeof raw === 'string' ? Number(raw) : undefined;
    if (maxBatches !== undefined && !(Number.isInteger(maxBatches) && maxBatches > 0)) {
      throw new AppError('USAGE', `--max-requests must be a positive whole number (got ${JSON.stringify(raw)})`);
    }
    const app = await createApp(config);
    try {
      const r = await fillCategories({
        store: app.store,
        http: createArxivHttpClient(app.config, out.info),
        url: app.config.arxivApiUrl,
        ...(maxBatches ? { maxBatches } : {}),
        info: (f) => out.info(`asked ${String(f.asked)}, filled ${String(f.filled)}, unknown to arXiv ${String(f.missing)}`),
      });
      out.data(r, () =>
        `categories: asked arXiv for ${r.asked} papers in ${r.batches} requests, filled ${r.filled}, unknown to arXiv ${r.missing}; ` +
        (r.complete ? 'every paper arXiv knows has its categories' : `stopped: ${r.stopped} (run again to resume)`),
      );
      // arXiv away is a failure here (unlike the job, nobody retries for the user); a chosen stop is not.
      return r.stoppedBy === 'arxiv' ? EXIT.FAILED : EXIT.OK;
    } finally {
      await app.close();
    }
  },
};
