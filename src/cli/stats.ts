import { createApp } from '../app.ts';
import type { Command } from './command.ts';

export const stats: Command = {
  name: 'stats',
  summary: 'show what the catalog holds',
  usage: 'paperboy stats [--json]',
  async run({ out, config }) {
    const app = await createApp(config);
    try {
      const s = await app.catalog.stats();
      out.data({ database: app.store.location, engine: app.store.engine, ...s }, () =>
        [
          `database       ${app.store.engine} ${app.store.location}`,
          `papers         ${s.papers}`,
          `daily papers   ${s.dailyPapers}${s.firstDaily ? ` (${s.firstDaily} … ${s.lastDaily})` : ''}`,
          `change seq     ${s.maxSeq}`,
          ...Object.entries(s.bySource).map(([k, v]) => `  from ${k.padEnd(12)} ${v}`),
        ].join('\n'),
      );
    } finally {
      await app.close();
    }
  },
};
