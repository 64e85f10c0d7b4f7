import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { loadDemoData } from '../ingest/demo.ts';
import { startServer } from '../web/server.ts';
import type { Command } from './command.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'serve the web site and API',
  usage: 'paperboy serve [--port N]',
  options: { port: { type: 'string' } },
  async run({ values, env, out }) {
    const config = loadConfig({ ...env, ...(values.port ? { PORT: String(values.port) } : {}) });
    const app = await createApp(config);
    // An empty catalog gets the bundled demo papers once, before the first request can see it empty.
    await loadDemoData(app);
    const server = await startServer(app);
    out.info(`Paperboy is serving ${config.baseUrl} (database: ${app.store.engine} ${app.store.location})`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.log.info({ signal }, 'shutting down: finishing in-flight requests');
        await server.close();
        await app.close();
        resolve();
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
  },
};
