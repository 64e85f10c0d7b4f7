/**
 * An embedder over any OpenAI-compatible `POST {base}/v1/embeddings` endpoint
 * (OpenAI, Ollama, vLLM, TEI): batches, retries 429/5xx with backoff (honouring Retry-After),
 * times out, and fails clearly on bad credentials without ever printing the key.
 */
import { AppError, messageOf } from '../../errors.ts';
import { normalize, type Embedder } from './embedder.ts';

export interface OpenAIEmbedderOptions {
  /** e.g. 'https://api.openai.com' or 'http://localhost:11434' (with or without /v1). */
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  /** Expected dimension; also sent as `dimensions` when the model supports truncation. */
  dim?: number | undefined;
  sendDimensions?: boolean;
  batchSize?: number;
  maxRetries?: number;
  timeoutMs?: number;
  /** Base backoff (ms); doubled per attempt. */
  backoffMs?: number;
}

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: number[] }[];
}

/**
 * @example
 * const e = await createOpenAIEmbedder({ baseUrl: 'http://localhost:11434', model: 'nomic-embed-text' });
 * const [v] = await e.embed(['hello'], 'query');
 */
export async function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Promise<Embedder> {
  const url = opts.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '') + '/v1/embeddings';
  const batchSize = opts.batchSize ?? 64;
  const maxRetries = opts.maxRetries ?? 4;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const backoffMs = opts.backoffMs ?? 500;
  let dim = opts.dim ?? 0;

  async function post(input: string[]): Promise<Float32Array[]> {
    const body: Record<string, unknown> = { model: opts.model, input, encoding_format: 'float' };
    if (opts.sendDimensions && opts.dim) body.dimensions = opts.dim;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        if (attempt < maxRetries) {
          await sleep(backoffMs * 2 ** attempt);
          continue;
        }
        throw new AppError('EMBEDDER_FAILED', `embedding endpoint ${url} unreachable after ${attempt + 1} attempts: ${messageOf(e)}`, { cause: e });
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new AppError('EMBEDDER_AUTH', `embedding endpoint ${url} refused the credentials (HTTP ${res.status}): check EMBEDDER_API_KEY`);
      }
      if ((res.status === 429 || res.status >= 500) && attempt < maxRetries) {
        await res.body?.cancel();
        await sleep(retryAfterMs(res.headers.get('retry-after')) ?? backoffMs * 2 ** attempt);
        continue;
      }
      if (!res.ok) {
        const text = (await res.text()).slice(0, 300);
        throw new AppError('EMBEDDER_FAILED', `embedding endpoint ${url} answered HTTP ${res.status}: ${text}`);
      }
      return parse((await res.json()) as EmbeddingsResponse, input.length);
    }
  }

  function parse(json: EmbeddingsResponse, n: number): Float32Array[] {
    const data = json.data;
    if (!Array.isArray(data) || data.length !== n) {
      throw new AppError('EMBEDDER_FAILED', `embedding endpoint ${url} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${n} inputs`);
    }
    const out: Float32Array[] = new Array(n);
    data.forEach((d, i) => {
      const idx = d.index ?? i;
      if (!Array.isArray(d.embedding) || idx < 0 || idx >= n) throw new AppError('EMBEDDER_FAILED', `embedding endpoint ${url} returned a malformed item at ${i}`);
      if (dim === 0) dim = d.embedding.length;
      if (d.embedding.length !== dim) {
        throw new AppError('EMBEDDER_FAILED', `embedding endpoint ${url} returned ${d.embedding.length} dimensions, expected ${dim} (EMBEDDER_DIM)`);
      }
      out[idx] = normalize(Float32Array.from(d.embedding));
    });
    return out;
  }

  // Probe once so `dim` is known before the index is created.
  if (dim === 0) await post(['dimension probe']);
  return {
    id: `openai:${opts.model}:${dim}`,
    get dim() {
      return dim;
    },
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await post(texts.slice(i, i + batchSize))));
      return out;
    },
  };
}

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.min(60_000, Math.max(0, s * 1000));
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.min(60_000, Math.max(0, t - Date.now())) : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
