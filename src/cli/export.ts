import fs from 'node:fs';
import { once } from 'node:events';
import { createApp } from '../app.ts';
import type { Command } from './command.ts';
import { outFile } from './out-file.ts';

/**
 * `paperboy export [--out FILE]`: the whole catalog as JSONL (the layout `paperboy ingest jsonl` reads).
 * With --out the file is written beside itself and renamed at the end, so a crash never leaves half a file.
 */
export const exportCmd: Command = {
  name: 'export',
  summary: 'write the whole catalog as JSONL (read back by `ingest jsonl`)',
  usage: 'paperboy export [--out FILE] [--json]',
  options: { out: { type: 'string' } },
  async run({ values, out, config }) {
    // Checked before any work: a wrong folder fails at once, naming the file asked for.
    const target = typeof values.out === 'string' ? outFile(values.out, { overwrite: true }) : undefined;
    const app = await createApp(config);
    const sink = target ? fs.createWriteStream(target.tmp) : process.stdout;
    // A write error (disk full) arrives as an event: keep it for the loop to throw.
    let writeError: unknown;
    sink.on('error', (e) => (writeError ??= e));
    let n = 0;
    try {
      for await (const p of app.catalog.exportAll()) {
        if (writeError) throw writeError;
        // Respect back-pressure so exporting a large catalog keeps memory flat.
        if (!sink.write(`${JSON.stringify(p)}\n`)) await once(sink, 'drain');
        n += 1;
      }
      if (target) {
        await new Promise<void>((resolve, reject) => (sink as fs.WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
        if (writeError) throw writeError;
        target.commit();
        out.data({ papers: n, file: target.file }, () => `exported ${n} papers to ${target.file}`);
      } else {
        out.info(`exported ${n} papers`);
      }
    } catch (e) {
      if (target) {
        (sink as fs.WriteStream).destroy();
        target.discard();
        throw target.failed(e);
      }
      throw e;
    } finally {
      await app.close();
    }
  },
};
