import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createApp } from '../app.ts';
import { exportPapers } from '../catalog/export.ts';
import { loadConfig } from '../config.ts';
import type { Command } from './command.ts';

/**
 * `paperboy export [--out FILE]`: the whole catalog as JSONL (the layout `paperboy ingest jsonl` reads).
 * With --out the file is written beside itself and renamed at the end, so a crash never leaves half a file.
 */
export const exportCmd: Command = {
  name: 'export',
  summary: 'write the whole catalog as JSONL (read back by `ingest jsonl`)',
  usage: 'paperboy export [--out FILE] [--json]',
  options: { out: { type: 'string' } },
  async run({ values, env, out }) {
    const file = typeof values.out === 'string' ? path.resolve(values.out) : undefined;
    const app = await createApp(loadConfig(env));
    const tmp = file ? `${file}.${process.pid}.tmp` : undefined;
    const sink = tmp ? fs.createWriteStream(tmp) : process.stdout;
    let n = 0;
    try {
      for await (const p of exportPapers(app.store.db)) {
        // Respect back-pressure so exporting a large catalog keeps memory flat.
        if (!sink.write(`${JSON.stringify(p)}\n`)) await once(sink, 'drain');
        n += 1;
      }
      if (tmp && file) {
        await new Promise<void>((resolve, reject) => (sink as fs.WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
        fs.renameSync(tmp, file);
        out.data({ papers: n, file }, () => `exported ${n} papers to ${file}`);
      } else {
        out.info(`exported ${n} papers`);
      }
    } catch (e) {
      if (tmp) {
        (sink as fs.WriteStream).destroy();
        fs.rmSync(tmp, { force: true });
      }
      throw e;
    } finally {
      await app.close();
    }
  },
};
