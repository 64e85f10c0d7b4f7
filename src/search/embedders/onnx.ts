/**
 * An embedder that runs a sentence-embedding model (BERT, bge, e5, MiniLM, …) exported to ONNX,
 * in process through transformers.js, from a local folder or a Hugging Face hub id cached on disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AutoModel, AutoTokenizer, env, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { AppError, messageOf } from '../../errors.ts';
import { normalize, type Embedder } from './embedder.ts';
import { pool, POOLINGS, readStPooling, type Pooling, type StModule } from './onnx-pooling.ts';

export interface OnnxEmbedderOptions {
  /** A local model folder (absolute or relative path) or a Hugging Face hub id like "Xenova/bge-small-en-v1.5". */
  model: string;
  /** Where hub ids are looked up and downloaded to, as `<cacheDir>/<owner>/<name>/` (default ~/.cache/paperboy/models). */
  cacheDir?: string | undefined;
  /** May a hub id missing from cacheDir be downloaded? Default true. Local folders never download. */
  allowRemote?: boolean | undefined;
  batchSize?: number | undefined;
  /** Matryoshka truncation: keep the first `dims` dimensions, then re-normalize. */
  dims?: number | undefined;
  /** e.g. "query: " / "passage: " for e5 models. */
  queryPrefix?: string | undefined;
  documentPrefix?: string | undefined;
  /** Tokens per text, special tokens included (default: the tokenizer's model_max_length, else 512). */
  maxLength?: number | undefined;
  /** Overrides the pooling read from the folder's sentence-transformers files (default there: mean). */
  pooling?: Pooling | undefined;
  /** Hub to download from (default https://huggingface.co; a mirror works too). */
  hubUrl?: string | undefined;
}

/** File suffixes transformers.js uses per dtype (utils/dtypes.js), in the order we prefer them. */
const DTYPE_SUFFIXES: [string, string][] = [
  ['fp32', ''],
  ['q8', '_quantized'],
  ['fp16', '_fp16'],
  ['int8', '_int8'],
  ['uint8', '_uint8'],
  ['q4', '_q4'],
  ['q4f16', '_q4f16'],
  ['bnb4', '_bnb4'],
];

const HUB_ID = /^[\w.-]+\/[\w.-]+$/;
const DEFAULT_CACHE_DIR = path.join(os.homedir(), '.cache', 'paperboy', 'models');

interface Located {
  dir: string;
  /** Where the .onnx file sits inside dir: transformers.js looks in `onnx/` unless told otherwise. */
  subfolder: string;
  dtype: string;
}

/**
 * @example
 * const e = await createOnnxEmbedder({ model: 'Xenova/bge-small-en-v1.5', cacheDir: 'data/models' });
 * const [v] = await e.embed(['graph neural networks'], 'query');
 */
export async function createOnnxEmbedder(o: OnnxEmbedderOptions): Promise<Embedder> {
  const batchSize = o.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AppError('CONFIG_INVALID', `ONNX embedder batchSize must be a positive integer, got ${o.batchSize}`);
  if (o.dims !== undefined && (!Number.isInteger(o.dims) || o.dims < 1)) throw new AppError('CONFIG_INVALID', `ONNX embedder dims must be a positive integer, got ${o.dims}`);
  if (o.maxLength !== undefined && (!Number.isInteger(o.maxLength) || o.maxLength < 2)) throw new AppError('CONFIG_INVALID', `ONNX embedder maxLength must be an integer of at least 2, got ${o.maxLength}`);
  if (o.pooling !== undefined && !POOLINGS.includes(o.pooling)) throw new AppError('CONFIG_INVALID', `ONNX embedder pooling must be one of ${POOLINGS.join(', ')}, got ${o.pooling}`);

  const { tokenizer, model, located } = await serialized(() => load(o));
  const config = readConfig(located.dir);
  const pooling = o.pooling ?? readStPooling(located.dir) ?? 'mean';
  const maxLength = o.maxLength ?? defaultMaxLength(tokenizer, config);
  // The trailing special token ([SEP], </s>, EOS) is kept when truncating, as the Python tokenizers do.
  const special = new Set<number>(tokenizer.all_special_ids ?? []);
  const padId = tokenizer.pad_token_id ?? 0;

  async function run(texts: string[]): Promise<Float32Array[]> {
    const enc = tokenizer(texts, { padding: false, truncation: false, return_tensor: false }) as unknown as Record<string, number[][]>;
    const ids = enc.input_ids!.map((row) => truncate(row, maxLength, special));
    const order = ids.map((_, i) => i).sort((a, b) => ids[a]!.length - ids[b]!.length); // less padding per batch
    const out: Float32Array[] = new Array(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const seq = Math.max(...rows.map((r) => ids[r]!.length));
      const feed = (fill: (r: number, s: number) => number) => {
        const data = new BigInt64Array(rows.length * seq);
        rows.forEach((r, b) => {
          for (let s = 0; s < seq; s++) data[b * seq + s] = BigInt(fill(r, s));
        });
        return new Tensor('int64', data, [rows.length, seq]);
      };
      const inputs: Record<string, Tensor> = {
        input_ids: feed((r, s) => ids[r]![s] ?? padId),
        attention_mask: feed((r, s) => (s < ids[r]!.length ? 1 : 0)),
      };
      if (enc.token_type_ids) inputs.token_type_ids = feed((r, s) => (s < ids[r]!.length ? (enc.token_type_ids![r]![s] ?? 0) : 0));
      let result: Record<string, Tensor>;
      try {
        result = (await model(inputs)) as Record<string, Tensor>;
      } catch (e) {
        throw new AppError('EMBEDDER_FAILED', `ONNX model ${o.model} failed on a batch of ${rows.length}: ${messageOf(e)}`, { cause: e });
      }
      const states = result.last_hidden_state ?? result.token_embeddings;
      if (!states || states.dims.length !== 3) {
        throw new AppError('CONFIG_INVALID', `ONNX model ${o.model} has no [batch, seq, hidden] output named last_hidden_state or token_embeddings (outputs: ${Object.keys(result).join(', ')})`);
      }
      const h = states.type === 'float32' ? (states.data as Float32Array) : (states.to('float32').data as Float32Array);
      const pooled = pool(h, inputs.attention_mask!.data as BigInt64Array, rows.length, seq, states.dims[2]!, pooling);
      rows.forEach((r, b) => (out[r] = pooled[b]!));
    }
    return out;
  }

  // Probe once: it proves the model runs before anything is indexed, and gives its width.
  const modelDim = (await run(['dimension probe']))[0]!.length;
  if (o.dims !== undefined && o.dims > modelDim) {
    throw new AppError('CONFIG_INVALID', `ONNX embedder dims=${o.dims} is more than model ${o.model} produces (${modelDim})`);
  }
  const dim = o.dims ?? modelDim;
  const idParts = ['onnx', o.model, pooling, String(dim)];
  if (located.dtype !== 'fp32') idParts.push(located.dtype);
  // Documents are stored, so what changes their vectors must change the id; the query prefix does not.
  if (o.documentPrefix) idParts.push(`doc-prefix=${o.documentPrefix}`);
  if (o.maxLength !== undefined) idParts.push(`max-length=${o.maxLength}`);

  return {
    id: idParts.join(':'),
    dim,
    async embed(texts, kind) {
      if (texts.length === 0) return [];
      const prefix = (kind === 'query' ? o.queryPrefix : o.documentPrefix) ?? '';
      const vs = await run(prefix ? texts.map((t) => prefix + t) : texts);
      return vs.map((v) => normalize(dim < v.length ? v.slice(0, dim) : v));
    },
  };
}

/** fetch() says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, …) is in its cause. */
function reason(e: unknown): string {
  const cause = e instanceof Error && e.cause !== undefined ? messageOf(e.cause) : '';
  return cause && !messageOf(e).includes(cause) ? `${messageOf(e)}: ${cause}` : messageOf(e);
}

function truncate(row: number[], max: number, special: Set<number>): number[] {
  if (row.length <= max) return row;
  const last = row[row.length - 1]!;
  return special.has(last) ? [...row.slice(0, max - 1), last] : row.slice(0, max);
}

function defaultMaxLength(tokenizer: PreTrainedTokenizer, config: Record<string, unknown>): number {
  // Tokenizers without a limit report a huge sentinel (1e30); position embeddings are the hard cap.
  const t = tokenizer.model_max_length;
  const p = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : Infinity;
  const m = Math.min(Number.isFinite(t) && t > 0 && t < 1e6 ? t : 512, p);
  return Math.max(2, m);
}

function readConfig(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'config.json');
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    // eslint-disable-next-line no-restricted-syntax -- wrapped below into CONFIG_INVALID naming the file
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('not a JSON object');
    return c as Record<string, unknown>;
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `${file} is not a valid model config: ${messageOf(e)}`, { cause: e });
  }
}

/** Checks the files transformers.js will ask for, so a wrong folder fails with a sentence, not a stack. */
function inspectFolder(dir: string, model: string): Located {
  if (!fs.existsSync(dir)) throw new AppError('CONFIG_INVALID', `ONNX model ${model}: folder ${dir} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new AppError('CONFIG_INVALID', `ONNX model ${model}: ${dir} is not a folder`);
  // transformers.js needs tokenizer_config.json too, and without it fails with a TypeError.
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    if (!fs.existsSync(path.join(dir, f))) throw new AppError('CONFIG_INVALID', `ONNX model ${model}: ${f} is missing from ${dir}`);
  }
  readConfig(dir);
  // transformers.js loads `onnx/model<suffix>.onnx`; optimum exports put model.onnx at the top instead.
  for (const subfolder of ['onnx', '']) {
    for (const [dtype, suffix] of DTYPE_SUFFIXES) {
      if (fs.existsSync(path.join(dir, subfolder, `model${suffix}.onnx`))) return { dir, subfolder, dtype };
    }
  }
  const found = fs.existsSync(path.join(dir, 'onnx')) ? fs.readdirSync(path.join(dir, 'onnx')).join(', ') || 'nothing' : 'no onnx/ folder';
  throw new AppError('CONFIG_INVALID', `ONNX model ${model}: no onnx/model.onnx (or model_quantized.onnx, model_fp16.onnx, …) in ${dir} (found ${found})`);
}

/** A string is a local folder when it looks like a path or exists; otherwise an owner/name hub id. */
function isLocalPath(model: string): boolean {
  return path.isAbsolute(model) || model.startsWith('.') || model.startsWith('~') || fs.existsSync(model) || !HUB_ID.test(model);
}

async function load(o: OnnxEmbedderOptions): Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel; located: Located }> {
  env.allowLocalModels = true;
  if (isLocalPath(o.model)) {
    const dir = path.resolve(o.model.startsWith('~') ? path.join(os.homedir(), o.model.slice(1)) : o.model);
    const located = inspectFolder(dir, o.model);
    // An absolute path is never taken for a hub id by transformers.js, and remote loading is off anyway.
    env.allowRemoteModels = false;
    return { ...(await fromPretrained(dir, located, o.model, { local_files_only: true })), located };
  }

  const cacheDir = path.resolve(o.cacheDir ?? DEFAULT_CACHE_DIR);
  const folder = path.join(cacheDir, o.model);
  // transformers.js looks for hub ids under localModelPath and caches downloads under cache_dir with
  // the same <owner>/<name>/ layout, so one folder serves both: a copied-in model and a download.
  env.localModelPath = cacheDir;
  env.cacheDir = cacheDir;
  const fix = `put the model folder at ${folder} or use a local path`;
  let incomplete: unknown;
  if (fs.existsSync(folder)) {
    let located: Located | undefined;
    try {
      located = inspectFolder(folder, o.model);
    } catch (e) {
      // A folder left by an interrupted download is completed below when downloads are allowed.
      if (o.allowRemote === false) throw e;
      incomplete = e;
    }
    if (located) {
      // Complete but unloadable (a corrupt file) is reported as it is: downloading again would not help,
      // transformers.js would serve the same cached file.
      env.allowRemoteModels = false;
      return { ...(await fromPretrained(o.model, located, o.model, { local_files_only: true, cache_dir: cacheDir })), located };
    }
  }
  if (o.allowRemote === false) {
    throw new AppError('CONFIG_INVALID', `model ${o.model} is not in ${cacheDir} and downloads are disabled; ${fix}`);
  }
  env.allowRemoteModels = true;
  env.remoteHost = (o.hubUrl ?? 'https://huggingface.co').replace(/\/*$/, '/');
  try {
    await fetchSmallFiles(o.model, folder);
    const loaded = await fromPretrained(o.model, { dir: folder, subfolder: 'onnx', dtype: 'fp32' }, o.model, { cache_dir: cacheDir });
    return { ...loaded, located: inspectFolder(folder, o.model) };
  } catch (e) {
    const why = incomplete ? `${reason(e)}; the folder there is incomplete: ${messageOf(incomplete)}` : reason(e);
    throw new AppError('EMBEDDER_FAILED', `model ${o.model} is not in ${cacheDir} and could not be downloaded (${why}); ${fix}`, { cause: e });
  } finally {
    env.allowRemoteModels = false;
  }
}

async function fromPretrained(
  idOrDir: string,
  located: Located,
  model: string,
  opts: { local_files_only?: boolean; cache_dir?: string },
): Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel }> {
  try {
    const tokenizer = await AutoTokenizer.from_pretrained(idOrDir, opts);
    const m = await AutoModel.from_pretrained(idOrDir, { ...opts, subfolder: located.subfolder, dtype: located.dtype as 'fp32' });
    return { tokenizer, model: m };
  } catch (e) {
    if (opts.local_files_only) throw new AppError('CONFIG_INVALID', `ONNX model ${model} in ${located.dir} could not be loaded: ${messageOf(e)}`, { cause: e });
    throw e;
  }
}

/**
 * Fetches config.json first, so a wrong or private repo fails with its HTTP status rather than deep in
 * transformers.js; then the sentence-transformers files, which transformers.js never downloads but
 * which name the pooling (absent ones are fine: mean pooling is the default).
 */
async function fetchSmallFiles(model: string, folder: string): Promise<void> {
  const get = async (file: string, required: boolean): Promise<string | undefined> => {
    const url = `${env.remoteHost.replace(/\/+$/, '')}/${model}/resolve/main/${file}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) {
      await res.body?.cancel();
      if (!required && (res.status === 404 || res.status === 401)) return undefined;
      throw new AppError('EMBEDDER_FAILED', `HTTP ${res.status} for ${url}`);
    }
    const text = await res.text();
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), text);
    return text;
  };
  await get('config.json', true);
  const modules = await get('modules.json', false);
  let poolingPath = '1_Pooling';
  try {
    poolingPath = (modules && (JSON.parse(modules) as StModule[]).find((m) => m.type?.endsWith('.Pooling'))?.path) || poolingPath;
  } catch {
    // readStPooling reports a malformed modules.json with its path.
  }
  await get(`${poolingPath}/config.json`, false);
}

// env is global to transformers.js and read during loading: one load at a time keeps the settings of
// one embedder from leaking into another's.
let queue: Promise<unknown> = Promise.resolve();
function serialized<T>(f: () => Promise<T>): Promise<T> {
  const next = queue.then(f, f);
  queue = next.catch(() => undefined);
  return next;
}
