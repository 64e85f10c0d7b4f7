/**
 * Digest benchmark: `npm run bench:digest -- [options]`. N personal digests (trending plus one saved
 * search each, run through the product's search) are built into the outbox of a fresh database and
 * sent through it to a loopback SMTP server running in its own process (smtp-server, as in the tests),
 * which counts what arrives per recipient. Closing line:
 * `digests: N sent, X messages/s, lost 0, duplicated 0`.
 *
 * Beside it, the same digests sent again with one SMTP connection per message (nodemailer without a
 * pool: connect, EHLO, send, QUIT for every message) — what pooling saves. The catalog is the last two
 * weeks of real Hugging Face daily papers from ../shared when present, else the bundled demo papers.
 *
 *   --digests N      (default 10000)    --connections N   pooled SMTP connections (default 5)
 *   --skip-plain     only the pooled run
 *   Profile with `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/digest.ts …` (the SMTP child is not profiled).
 *   DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh database is made and dropped)
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDeliveryService } from '../src/digest/outbox.service.ts';
import { statusCounts } from '../src/digest/outbox.repo.ts';
import { subscriptions } from '../src/digest/subscriptions-app.ts';
import { readHfDaily } from '../src/ingest/hf-daily.ts';
import { loadDemoData } from '../src/ingest/demo.ts';
import { ingest } from '../src/ingest/pipeline.ts';
import { addSubscribers } from '../test/helpers/digest-mail.ts';
import { createPgDatabase, tempDir } from '../test/helpers/stores.ts';
import { SHARED } from './seed-data.ts';

/** The SMTP side, in a child process: accept everything, count per recipient and Message-ID. */
async function smtpChild(): Promise<void> {
  const perRcpt = new Map<string, number>();
  let messages = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        messages += 1;
        for (const r of session.envelope.rcptTo) perRcpt.set(r.address, (perRcpt.get(r.address) ?? 0) + 1);
        cb();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
    process.send!({ port });
  });
  process.on('message', (m: { report?: boolean; reset?: boolean }) => {
    if (m.reset) {
      perRcpt.clear();
      messages = 0;
    }
    if (m.report) process.send!({ messages, recipients: perRcpt.size, duplicated: [...perRcpt.values()].filter((n) => n > 1).length });
  });
}

if (process.argv.includes('--smtp-child')) {
  await smtpChild();
} else {
  await main();
}

interface SmtpReport {
  messages: number;
  recipients: number;
  duplicated: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      digests: { type: 'string', default: '10000' },
      connections: { type: 'string', default: '5' },
      'skip-plain': { type: 'boolean', default: false },
    },
  });
  const N = Number(values.digests);
  const child = fork(new URL(import.meta.url).pathname, ['--smtp-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(msg: object) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      if (Object.keys(msg).length) child.send(msg);
    });
  const { port } = await ask<{ port: number }>({});

  const pg = process.env.DATABASE_URL?.startsWith('postgres') ? await createPgDatabase() : null;
  const dir = tempDir('paperboy-bench-digest-');
  const app = await createApp(
    loadConfig({
      DATABASE_URL: pg?.url ?? `sqlite:${path.join(dir, 'bench.db')}`,
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      BASE_URL: 'https://papers.example.org',
      MAIL_FROM: 'Paperboy <papers@papers.example.org>',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      DIGEST_SMTP_CONNECTIONS: String(values.connections),
      DIGEST_DAILY_DAYS: 'mon-sun',
    }),
  );
  try {
    const at = await loadCatalog(app);
    await app.search.syncOnce();
    const queries = ['diffusion', 'reinforcement learning', 'attention', 'video generation', 'agents', 'reasoning', 'benchmark', 'multimodal', 'speech', 'robotics', 'retrieval', 'code generation', 'quantization', '3D', 'alignment', 'image editing', 'mixture of experts', 'long context', 'evaluation', 'medical'];
    const t0 = performance.now();
    for (let i = 0; i < N; i += 1000) {
      // One saved search each, spread over the queries (addSubscribers gives a batch the same ones).
      await addSubscribers(app, { n: Math.min(1000, N - i), email: (j) => `bench${i + j}@example.org`, searches: [queries[(i / 1000) % queries.length]!] });
    }
    console.log(`subscribers: ${N} added in ${Math.round(performance.now() - t0)} ms; catalog digest day ${at.toISOString().slice(0, 10)}`);

    // Build, timing the sections (trending + saved search) apart from composing and writing.
    const subs = subscriptions(app);
    let sectionsMs = 0;
    const timed = { ...subs, sectionsFor: async (...a: Parameters<typeof subs.sectionsFor>) => {
      const s = performance.now();
      try {
        return await subs.sectionsFor(...a);
      } finally {
        sectionsMs += performance.now() - s;
      }
    } };
    const delivery = createDeliveryService(app, timed);
    const b0 = performance.now();
    const built = await delivery.build('daily', at);
    const buildMs = performance.now() - b0;
    const perDigest = buildMs / Math.max(1, built.written);
    console.log(`build: ${built.written} digests written (${built.empty} empty) in ${(buildMs / 1000).toFixed(1)} s: ${perDigest.toFixed(2)} ms per digest, of which sections ${(sectionsMs / Math.max(1, built.written)).toFixed(2)} ms, compose + outbox write ${((buildMs - sectionsMs) / Math.max(1, built.written)).toFixed(2)} ms`);
    const bytes = await app.store.db.selectFrom('digest_messages').select((eb) => eb.fn.avg<number>(eb.fn('length', ['raw'])).as('n')).executeTakeFirst();
    console.log(`message size: ${Math.round(Number(bytes?.n ?? 0) / 1024)} KiB on average (the whole rendered message)`);

    const runs: Array<{ label: string; sent: number; rate: number; report: SmtpReport }> = [];
    for (const pool of values['skip-plain'] ? [true] : [true, false]) {
      if (!pool) {
        // The same digests again: back to pending, a fresh count on the server.
        await app.store.db.updateTable('digest_outbox').set({ status: 'pending', sent_at: null, attempts: 0 }).where('status', '=', 'sent').execute();
      }
      await ask<SmtpReport>({ reset: true, report: true });
      const sender = delivery.sender({ pool, concurrency: pool ? Number(values.connections) * 4 : Number(values.connections) * 4 });
      const s0 = performance.now();
      let sent = 0;
      for (;;) {
        const r = await sender.drain();
        sent += r.sent;
        if ((await statusCounts(app.store.db)).pending === 0 || r.paused) break;
      }
      const secs = (performance.now() - s0) / 1000;
      await sender.stop();
      const report = await ask<SmtpReport>({ report: true });
      const label = pool ? `pooled (${values.connections} connections)` : 'one connection per message';
      runs.push({ label, sent, rate: sent / secs, report });
      console.log(`send ${label}: ${sent} sent in ${secs.toFixed(1)} s, ${(sent / secs).toFixed(0)} messages/s; server got ${report.messages} for ${report.recipients} recipients, lost ${built.written - report.recipients}, duplicated ${report.duplicated}`);
    }
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`machine: ${process.platform} ${process.arch}, load average ${load}, engine ${app.store.engine}`);
    const main = runs[0]!;
    // Building is paid once per digest as well: the rate of the whole path, for the record beside the send rate.
    const endToEnd = buildMs / 1000 + main.sent / main.rate;
    console.log(`end to end (build + pooled send): ${main.sent} digests in ${endToEnd.toFixed(1)} s, ${(main.sent / endToEnd).toFixed(0)} digests/s`);
    console.log(`digests: ${main.sent} sent, ${main.rate.toFixed(0)} messages/s, lost ${built.written - main.report.recipients}, duplicated ${main.report.duplicated}`);
  } finally {
    await app.close();
    child.kill();
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Two weeks of real daily papers (../shared) or the demo bundle; returns the digest moment (09:00 UTC of the last day). */
async function loadCatalog(app: App): Promise<Date> {
  const shared = SHARED ? path.join(SHARED, 'hf-daily-papers') : '';
  const files = shared && fs.existsSync(shared) ? fs.readdirSync(shared).filter((f) => f.endsWith('.json')).sort().slice(-14) : [];
  if (files.length) await ingest(app.store, 'hf-daily', readHfDaily(files.map((f) => path.join(shared, f)), { repair: true }));
  else await loadDemoData(app);
  const r = await app.store.db.selectFrom('papers').select((eb) => eb.fn.max('daily_date').as('d')).executeTakeFirst();
  return new Date(`${String(r?.d ?? new Date().toISOString().slice(0, 10))}T09:00:00Z`);
}
