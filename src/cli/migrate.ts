import { createApp } from '../app.ts';
import { migrate as runMigrations } from '../store/db.ts';
import type { Command } from './command.ts';

export const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations',
  usage: 'paperboy migrate [--json]',
  async run({ out, config }) {
    const app = await createApp(config, { migrate: false });
    try {
      const applied = await runMigrations(app.store);
      out.data({ applied, database: app.store.location }, () =>
        applied.length ? `applied ${applied.join(', ')} to ${app.store.location}` : `${app.store.location} is up to date`,
      );
    } finally {
      await app.close();
    }
  },
};
