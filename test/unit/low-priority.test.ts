import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { trainInWorker } from '../../src/search/embedders/factory.ts';
import { openSearchIndex } from '../../src/search/keyword/keyword-index.ts';

/** The nice value of a thread, from the kernel (field 19 of /proc/PID/task/TID/stat). */
const niceOf = (tid: number) => Number(fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[16]);

describe('background threads at low priority', { skip: !fs.existsSync('/proc/thread-self') && 'needs Linux /proc' }, () => {
  it('lowers the calling thread only, not the process', async () => {
    const url = new URL('../../src/search/low-priority.mjs', import.meta.url).href;
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
      const fs = require('node:fs');
      import(${JSON.stringify(url)}).then(({ lowerThreadPriority }) => {
        const nice = lowerThreadPriority();
        const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
        parentPort.postMessage({ nice, tid });
        parentPort.once('message', () => parentPort.close());
      });`,
      { eval: true },
    );
    try {
      const { nice, tid } = await new Promise<{ nice: number; tid: number }>((resolve, reject) => worker.once('message', resolve).once('error', reject));
      assert.equal(nice, 19);
      assert.equal(niceOf(tid), 19, 'the kernel sees the worker thread at 19');
      assert.equal(niceOf(process.pid), 0, 'the main thread keeps its priority');
      assert.equal(os.getPriority(), 0);
    } finally {
      await worker.terminate();
    }
  });

  it('the LSA training worker and the checkpoint worker run at 19 while the main thread stays at 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-nice-'));
    const index = openSearchIndex(path.join(dir, 'index'));
    try {
      index.apply(Array.from({ length: 60 }, (_, i) => ({
        id: i + 1, arxivId: `2401.${i}`, title: `paper ${i} ${i % 2 ? 'protein folding' : 'galaxy survey'}`, abstract: `words ${i % 3} and ${i % 5} about ${i % 2 ? 'amino acids' : 'redshift'}`,
        authors: [], categories: [], publishedAt: null, dailyDate: null, upvotes: 0, seq: i + 1,
      })));
      const low = () => fs.readdirSync(`/proc/${process.pid}/task`).map(Number).filter((t) => niceOf(t) === 19);
      const before = new Set(low());
      // The index's checkpoint worker (started by openSearchIndex): poll until its thread shows up at 19.
      const deadline = Date.now() + 10_000;
      while (before.size === 0) {
        assert.ok(Date.now() < deadline, 'no thread at nice 19 (the checkpoint worker)');
        await new Promise((r) => setTimeout(r, 5));
        for (const t of low()) before.add(t);
      }
      const job = trainInWorker({ file: index.file, count: 60, saveTo: path.join(dir, 'lsa'), options: { dim: 4, minDf: 1 } });
      let training = false;
      let done = false;
      void job.model.finally(() => (done = true));
      while (!done && !training) {
        training = low().some((t) => !before.has(t));
        await new Promise((r) => setImmediate(r));
      }
      await job.model;
      assert.ok(training, 'the training worker ran at nice 19');
      assert.equal(niceOf(process.pid), 0);
    } finally {
      index.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
