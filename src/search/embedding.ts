/**
 * Embedding what the index holds: keep the embedder maintained (the built-in one trains on the catalog
 * in a worker), embed papers without a vector in small steps that yield to the event loop, and start
 * over after a change of embedder.
 */
import type { Logger } from 'pino';
import type { EmbedderProvider } from './embedders/factory.ts';
import type { SearchIndex } from './keyword/types.ts';
import { createPacer, yieldToEventLoop } from './pace.ts';
import type { ServedVectors } from './vectors/served-vectors.ts';

/** Papers embedded per step at most; the step's size adapts to take about STEP_MS (embedding, storing, adding to the graph). */
const EMBED_BATCH = 256;

export interface Embedding {
  /** Embed what the index holds without a vector; re-embed everything after a change of embedder. Resolves to how many papers it embedded. */
  embedPending(): Promise<number>;
  /** The embedder's training started by the last embedPending (resolved when none runs). */
  training(): Promise<void>;
  /** Forget what was embedded (the index was rebuilt). */
  reset(): void;
}

export function createEmbedding(o: { provider: EmbedderProvider | undefined; index: () => SearchIndex; vectors: ServedVectors; log?: Logger | undefined }): Embedding {
  let training: Promise<void> = Promise.resolve();
  let countAt: { seq: number; n: number } | undefined;
  /** `embedder@seq` at which every indexed paper had a vector. */
  let embeddedAt: string | undefined;
  const log = o.log;
  const pacer = createPacer({ initial: 32, max: EMBED_BATCH });
  const discardPacer = createPacer({ initial: 500, max: 20_000 });
  return {
    training: () => training,
    reset() {
      embeddedAt = undefined;
      countAt = undefined;
    },
    async embedPending() {
      const provider = o.provider;
      if (!provider) return 0;
      const index = o.index();
      // Training can take a minute on a large catalog: it runs in a worker, and the next sync picks it up.
      const seq = index.lastSeq();
      if (countAt?.seq !== seq) countAt = { seq, n: index.count() };
      training = provider
        .maintain({ count: countAt.n, file: index.file })
        .catch((e) => log?.warn({ err: e }, 'embedder training failed; keyword search is unaffected'));
      const e = provider.current();
      if (!e) return 0;
      if (index.vectors.embedder() !== e.id) {
        log?.info({ from: index.vectors.embedder(), to: e.id }, 'embedder changed: re-embedding every paper');
        index.vectors.reset(e.id);
        o.vectors.drop();
      }
      await o.vectors.ensure(e);
      // Looking for papers without a vector scans the index: only when something could have changed.
      const state = `${e.id}@${seq}`;
      if (embeddedAt === state) return 0;
      let embedded = 0;
      for (let after = 0; ; ) {
        // One step is four pieces of work on this thread, each followed by a yield: finding the papers,
        // embedding them, storing the vectors, adding them to the served index. Run as one task they held
        // the loop for their sum (bench:memory at 30k, main f529704: 60–250 ms, most of it finding the
        // papers, which the pacing did not count); now a request waits behind one piece at most.
        const t0 = performance.now();
        const { rows: batch, through, done } = index.vectors.pending(pacer.size, after);
        let busy = performance.now() - t0;
        if (batch.length === 0) {
          if (!done) {
            after = through;
            await yieldToEventLoop();
            continue;
          }
          embeddedAt = state;
          // The previous embedder's vectors, set aside by reset(): deleted in paced steps, once every paper
          // has its new vector (semantic search is whole again first).
          for (;;) {
            const t = performance.now();
            const n = index.vectors.discardStep(discardPacer.size);
            if (n === 0) return embedded;
            discardPacer.took(n, performance.now() - t);
            await yieldToEventLoop();
          }
        }
        await yieldToEventLoop();
        // Steps are sized by the time spent on this thread before embed() first yields: the built-in embedder
        // computes in pieces of EMBED_SLICE_MS that yield between them (embedders/lsa.ts), and a remote or ONNX
        // one's wait for its answer is not the event loop's either.
        const t1 = performance.now();
        const embedding = e.embed(batch.map((b) => b.text), 'document');
        busy += performance.now() - t1;
        const vs = await embedding;
        await yieldToEventLoop();
        const t2 = performance.now();
        const rows = batch.map((b, i) => ({ id: b.id, v: vs[i]! }));
        if (!index.vectors.put(e.id, rows)) return embedded;
        busy += performance.now() - t2;
        await yieldToEventLoop();
        const t3 = performance.now();
        await o.vectors.add(rows);
        busy += performance.now() - t3;
        embedded += rows.length;
        pacer.took(batch.length, busy);
        after = through;
        await yieldToEventLoop();
      }
    },
  };
}
