import { createApp } from '../app.ts';
import { AppError } from '../errors.ts';
import type { Command } from './command.ts';

export const indexCmd: Command = {
  name: 'index',
  summary: 'the search index: status (papers, lag, embedder, vectors, size), or rebuild it from the catalog',
  usage: 'paperboy index status|rebuild [--json]',
  async run({ positionals, out, config }) {
    const action = positionals[0];
    if (action !== 'status' && action !== 'rebuild') throw new AppError('USAGE', `index needs status or rebuild (got ${JSON.stringify(action ?? '')})`);
    const app = await createApp(config);
    try {
      if (action === 'rebuild') {
        const started = performance.now();
        const applied = await app.search.rebuild();
        // Then the vectors: wait for the embedder (training the built-in one if due) and embed everything.
        await app.search.settled();
        await app.search.syncOnce();
        const s = await app.search.status();
        const seconds = (performance.now() - started) / 1000;
        out.data({ rebuilt: applied, vectors: s.vectors, embedder: s.embedder, embedderState: s.embedderState, seconds }, () =>
          `indexed ${applied} papers and embedded ${s.vectors} with ${s.embedder} (${s.embedderState}) in ${seconds.toFixed(1)} s`,
        );
        return;
      }
      // Status reports what is on disk now; it does not sync (a running server does that).
      const s = await app.search.status();
      out.data(s, () =>
        [
          `index file   ${s.file}`,
          `papers       ${s.indexed}`,
          `applied seq  ${s.lastSeq} of ${s.catalogSeq} (lag ${s.lag})`,
          `embedder     ${s.embedder} (${s.embedderState})`,
          `ranking      ${s.ranking}`,
          `vectors      ${s.vectors}${s.vectorsPending ? ` (${s.vectorsPending} waiting to be embedded)` : ''}, index ${s.vectorIndex}`,
          `size on disk ${(s.sizeBytes / 1048576).toFixed(1)} MiB`,
        ].join('\n'),
      );
    } finally {
      await app.close();
    }
  },
};
