/**
 * Which embedder a node uses, from one configuration string:
 *   none                      keyword search only
 *   builtin                   LSA trained on this node's own index (the default; no download)
 *   onnx:<folder or hub id>   a transformers.js / ONNX model
 *   openai:<base url>         an OpenAI-compatible /v1/embeddings endpoint (EMBEDDER_MODEL names the model)
 * The built-in model depends on the corpus, so a provider also trains it when there is enough text
 * and retrains it when the corpus has doubled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { AppError, messageOf } from '../../errors.ts';
import { yieldToEventLoop } from '../pace.ts';
import type { Embedder } from './embedder.ts';
import { LSA_MAX_TRAIN_DOCS, loadLsa, lsaEmbedder, needsRetraining, type LsaModel, type LsaOptions } from './lsa.ts';
import { createOpenAIEmbedder } from './openai.ts';

export interface EmbedderProvider {
  readonly spec: string;
  /** The embedder for queries and documents now, or null while none is available yet. */
  current(): Embedder | null;
  /** What the provider is doing, for `index status` (e.g. "training LSA on 74,728 papers"). */
  state(): string;
  /**
   * Called after the index has synced with its size and its file (search.db). For the built-in model:
   * train once the corpus is big enough, retrain when it has doubled (a worker thread reads the texts from
   * the file itself). Resolves when the (re)trained model is in place.
   */
  maintain(corpus: { count: number; file: string }): Promise<void>;
  /** Stop any training in progress (its worker is terminated; a restarted node trains again). */
  close(): void;
}

/** The EMBEDDER* settings of the configuration (src/config.ts); only `embedder` is required. */
export type EmbedderConfig = Pick<Config, 'embedder'> &
  Partial<Pick<Config, 'embedderApiKey' | 'embedderModel' | 'embedderDim' | 'embedderQueryPrefix' | 'embedderDocumentPrefix' | 'embedderPooling'>>;

/** Fewer papers than this teach LSA nothing useful: keyword search only until then. */
export const LSA_MIN_DOCS = 200;
/**
 * Measured on SciFact train, semantic mode (bench/lab, unit-weighted LSA): 128 dims 0.43, 256 0.53, 384 0.56
 * nDCG@10 (the product at 256: 0.47). Training the 74.7k arXiv papers at 256 dims takes 87 s in the worker.
 */
export const LSA_DIM = 256;

/**
 * Check the configuration now (a bad spec fails at start-up); models load on first use.
 * @example createEmbedderProvider({ embedder: 'builtin' }, { dir: 'data/index' })
 */
export function createEmbedderProvider(c: EmbedderConfig, o: { dir: string; log?: Logger | undefined; lsa?: LsaOptions; minDocs?: number }): EmbedderProvider {
  const spec = c.embedder.trim();
  if (spec === 'none') return { spec, current: () => null, state: () => 'none (keyword only)', maintain: async () => {}, close: () => {} };
  if (spec === 'builtin' || spec === 'lsa') return builtin(spec, o);
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : spec;
  const arg = colon > 0 ? spec.slice(colon + 1) : '';
  if (kind === 'openai') {
    if (!arg) throw new AppError('CONFIG_INVALID', 'EMBEDDER=openai:<base url> needs the endpoint, e.g. openai:http://localhost:11434');
    if (!c.embedderModel) throw new AppError('CONFIG_INVALID', 'EMBEDDER=openai:… needs EMBEDDER_MODEL (e.g. text-embedding-3-small, nomic-embed-text)');
    if (!/^https?:\/\//.test(arg)) throw new AppError('CONFIG_INVALID', `EMBEDDER=openai:<base url> needs an http(s) URL (got ${JSON.stringify(arg)})`);
    const model = c.embedderModel;
    return loaded(spec, o.log, () => createOpenAIEmbedder({ baseUrl: arg, model, apiKey: c.embedderApiKey, dim: c.embedderDim }));
  }
  if (kind === 'onnx') {
    if (!arg) throw new AppError('CONFIG_INVALID', 'EMBEDDER=onnx:<model folder or hub id> needs the model');
    return loaded(spec, o.log, async () => {
      // Imported here so that nodes that never use ONNX never load onnxruntime.
      const { createOnnxEmbedder } = await import('./onnx.ts');
      return createOnnxEmbedder({
        model: arg, cacheDir: path.join(o.dir, '..', 'models'), dims: c.embedderDim,
        queryPrefix: c.embedderQueryPrefix, documentPrefix: c.embedderDocumentPrefix, pooling: c.embedderPooling,
      });
    });
  }
  throw new AppError('CONFIG_INVALID', `EMBEDDER=${JSON.stringify(spec)} is not one of none, builtin, onnx:<model>, openai:<base url>`);
}

/** An embedder that does not depend on the corpus: loaded once, on first use; a failure is retried a minute later. */
function loaded(spec: string, log: Logger | undefined, load: () => Promise<Embedder>): EmbedderProvider {
  let e: Embedder | null = null;
  let state = 'not loaded yet';
  let loading: Promise<void> | undefined;
  let failedAt = 0;
  return {
    spec,
    current: () => e,
    state: () => state,
    maintain() {
      if (e || Date.now() - failedAt < 60_000) return Promise.resolve();
      loading ??= (async () => {
        state = 'loading';
        try {
          e = await load();
          state = 'ready';
          log?.info({ embedder: e.id, dim: e.dim }, 'embedder loaded');
        } catch (err) {
          failedAt = Date.now();
          state = `failed to load: ${messageOf(err)}`;
          throw err;
        } finally {
          loading = undefined;
        }
      })();
      return loading;
    },
    close: () => {},
  };
}

function builtin(spec: string, o: { dir: string; log?: Logger | undefined; lsa?: LsaOptions; minDocs?: number }): EmbedderProvider {
  const modelDir = path.join(o.dir, 'lsa');
  const minDocs = o.minDocs ?? LSA_MIN_DOCS;
  let model: LsaModel | null = null;
  let embedder: Embedder | null = null;
  let state = 'waiting for papers';
  let training: Promise<void> | undefined;
  let worker: Worker | undefined;
  let closed = false;
  if (fs.existsSync(path.join(modelDir, 'lsa.json'))) {
    try {
      model = loadLsa(modelDir);
      embedder = lsaEmbedder(model);
      state = 'ready';
    } catch (e) {
      // Kept aside (one copy) for whoever wants to look; training writes a new one.
      fs.rmSync(`${modelDir}.broken`, { recursive: true, force: true });
      fs.renameSync(modelDir, `${modelDir}.broken`);
      o.log?.warn({ err: e, movedTo: `${modelDir}.broken` }, 'the saved LSA model is unusable; moved it aside, it will be retrained');
    }
  }
  const train = async (file: string, corpusSize: number) => {
    const t0 = performance.now();
    const papers = Math.min(corpusSize, LSA_MAX_TRAIN_DOCS);
    state = `training LSA on ${papers.toLocaleString('en')} papers${papers < corpusSize ? ` (a sample of ${corpusSize.toLocaleString('en')})` : ''}`;
    o.log?.info({ papers }, 'training the built-in LSA embedder');
    // Written beside (by the worker), then swapped in, so a crash never leaves half a model.
    const tmp = `${modelDir}.tmp`;
    const job = trainInWorker({ file, count: corpusSize, saveTo: tmp, options: { ...o.lsa, dim: o.lsa?.dim ?? LSA_DIM } });
    worker = job.worker;
    const next = await job.model.finally(() => (worker = undefined));
    fs.rmSync(modelDir, { recursive: true, force: true });
    fs.renameSync(tmp, modelDir);
    model = next;
    embedder = lsaEmbedder(next);
    state = 'ready';
    o.log?.info({ papers, dim: next.dim, vocabulary: next.vocab.size, seconds: Math.round((performance.now() - t0) / 100) / 10 }, 'LSA embedder trained');
  };
  return {
    spec,
    current: () => embedder,
    state: () => state,
    maintain(corpus) {
      if (training) return training;
      const due = model ? needsRetraining(model, corpus.count) : corpus.count >= minDocs;
      if (!due) {
        if (!model) state = `waiting for papers (${corpus.count} of the ${minDocs} needed to train LSA)`;
        return Promise.resolve();
      }
      training = train(corpus.file, corpus.count)
        .catch((e) => {
          if (closed) {
            state = 'training stopped';
            return;
          }
          state = `training failed: ${messageOf(e)}`;
          throw e;
        })
        .finally(() => (training = undefined));
      return training;
    },
    close() {
      closed = true;
      if (worker) void worker.terminate();
    },
  };
}

/**
 * The vocabulary (word → column) from the worker's newline-joined words, in steps that yield: one Map of
 * 50k words, received by structured clone or built at once, held the event loop 12–65 ms on a loaded machine.
 */
async function vocabularyOf(words: string): Promise<Map<string, number>> {
  const vocab = new Map<string, number>();
  for (let at = 0; at < words.length; ) {
    for (let n = 0; n < 2000 && at < words.length; n++) {
      const end = words.indexOf('\n', at);
      const to = end < 0 ? words.length : end;
      vocab.set(words.slice(at, to), vocab.size);
      at = to + 1;
    }
    await yieldToEventLoop();
  }
  return vocab;
}

/**
 * Train LSA in a worker thread on an even sample of the index file's papers (read there, not here: a
 * 100k-paper sample read and copied on the main thread held it for seconds), saved to `saveTo`; the model
 * comes back as transferable typed arrays.
 */
export function trainInWorker(job: { file: string; count: number; saveTo: string; options: LsaOptions }): { worker: Worker; model: Promise<LsaModel> } {
  const worker = new Worker(new URL('./lsa-train.worker.mjs', import.meta.url), { workerData: { ...job, max: LSA_MAX_TRAIN_DOCS } });
  let sent = false;
  const model = new Promise<LsaModel>((resolve, reject) => {
    // The vocabulary arrives as one string of words in column order (lsa-train.worker.mjs says why).
    worker.once('message', ({ words, ...m }: Omit<LsaModel, 'vocab'> & { words: string }) => {
      sent = true;
      void vocabularyOf(words).then((vocab) => resolve({ ...m, vocab }), reject);
    });
    worker.once('error', reject);
    // After a model arrived (the worker ends as its vocabulary is still being read here) this is a no-op;
    // before, the worker was stopped or died.
    worker.once('exit', (code) => sent || reject(new Error(`the LSA training worker ended (exit code ${code}) before it sent a model`)));
  });
  return { worker, model };
}
