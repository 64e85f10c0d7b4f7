import { createApp } from '../app.ts';
import { AppError } from '../errors.ts';
import { ingest as runIngest, type IngestSummary } from '../ingest/pipeline.ts';
import { SOURCES } from '../ingest/sources.ts';
import { EXIT, type Command, type OptionSpec } from './command.ts';
import { terminalSafe } from './terminal-text.ts';

const options: OptionSpec = Object.assign({}, ...SOURCES.map((s) => s.options ?? {}));

function summaryText(s: IngestSummary): string {
  const lines = [
    `${s.source}: read ${s.read}, inserted ${s.inserted}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected} in ${s.seconds.toFixed(1)} s`,
  ];
  // Locations and reasons can quote input: escaped, so a record cannot drive the terminal.
  for (const r of s.rejections) lines.push(`  rejected ${terminalSafe(r.location)}: ${terminalSafe(r.reason)}`);
  if (s.rejectionsNotListed > 0) lines.push(`  … and ${s.rejectionsNotListed.toLocaleString('en-US')} more rejections not listed (the first ${s.rejections.length.toLocaleString('en-US')} are above)`);
  return lines.join('\n');
}

export const ingest: Command = {
  name: 'ingest',
  summary: `import papers (${SOURCES.map((s) => s.name).join(', ')}); exits 3 when some input was rejected`,
  usage: ['paperboy ingest <source> …', ...SOURCES.map((s) => `  ${s.usage}  — ${s.summary}`)].join('\n'),
  options,
  async run({ positionals, values, out, config }) {
    const [name, ...rest] = positionals;
    const spec = SOURCES.find((s) => s.name === name);
    if (!spec) {
      throw new AppError('USAGE', `ingest needs a source: one of ${SOURCES.map((s) => s.name).join(', ')} (got ${JSON.stringify(name ?? '')})`);
    }
    const app = await createApp(config);
    try {
      const { items, total } = await spec.open({ store: app.store, config: app.config, positionals: rest, values, info: out.info });
      const progress = out.progress?.(spec.name, total);
      const summary = await runIngest(app.store, spec.name, items, { total, onProgress: progress?.update });
      progress?.done();
      out.data(summary, () => summaryText(summary));
      // Finished, but not everything went in: a script must be able to tell (docs/operations.md).
      return summary.rejected > 0 ? EXIT.REJECTED : EXIT.OK;
    } finally {
      await app.close();
    }
  },
};
