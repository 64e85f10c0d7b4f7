import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { mallocInfo, memoryExtension, trimMalloc, tuneMalloc } from '../../src/native-memory.ts';
import { IN_CI } from '../helpers/stores.ts';

// native/pb_memory.c is built by `npm install` with pb_rank.c; CI (Linux, glibc) must have it.
const loaded = memoryExtension();
if (!loaded.ok) {
  if (IN_CI) throw new Error(`CI=true and the native memory extension does not load: ${loaded.why}`);
  console.log(`# skipping native memory tests: ${loaded.why}`);
}
const glibc = loaded.ok && mallocInfo() !== null;
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

describe('native memory (glibc malloc)', { skip: !glibc }, () => {
  it('takes the settings a node applies at start and refuses unknown ones', () => {
    assert.equal(tuneMalloc('mmap_threshold', 256 * 1024), true);
    assert.equal(tuneMalloc('arena_max', 2), true);
    assert.throws(() => tuneMalloc('nope' as 'arena_max', 1), /arena_max or mmap_threshold/);
    assert.throws(() => tuneMalloc('arena_max', 0), /at least 1/);
  });

  it('gives back what a finished worker thread freed into its arena', async () => {
    // A worker allocates ~180 MB in blocks below the mmap threshold, so they come from its arena, and
    // exits: everything is freed, yet glibc keeps those pages until malloc_trim (the steady RSS of a node
    // after LSA training and graph builds).
    const code = `
      const keep = [];
      for (let i = 0; i < 3000; i++) keep.push(new Uint8Array(60000).fill(1));
      require('node:worker_threads').parentPort.postMessage(keep.length);
    `;
    await new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.on('error', reject);
      w.on('exit', resolve);
    });
    // glibc trims an arena whose free space is all at its top by itself, so how much stays held depends on
    // how the blocks were laid out (180 MB in most runs, 7 MB in one of several): what is held comes back.
    const free = mallocInfo()!.free / 2 ** 20;
    const before = rssMb();
    trimMalloc();
    const after = rssMb();
    if (free > 100) assert.ok(before - after > free / 2, `${free.toFixed(0)} MB held; RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`);
    else assert.ok(after <= before + 1, `RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`);
  });
});
