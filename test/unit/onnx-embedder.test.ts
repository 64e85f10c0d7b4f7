import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { createOnnxEmbedder } from '../../src/search/embedders/onnx.ts';
import { writeTinyModel, type TinyModel } from '../helpers/tiny-onnx.ts';

/**
 * The whole path on a real (tiny) ONNX model built by the test: transformers.js loads the folder,
 * onnxruntime runs the graph, and the vectors must equal the pooling computed here by hand from the
 * model's known embedding table.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-onnx-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** The ids BERT's tokenizer gives `words` (already lower-case word pieces), with [CLS] … [SEP]. */
function ids(m: TinyModel, words: string[]): number[] {
  return ['[CLS]', ...words, '[SEP]'].map((w) => {
    const id = m.vocab.get(w);
    assert.ok(id !== undefined, `test vocabulary lacks ${w}`);
    return id;
  });
}

function meanPooled(m: TinyModel, words: string[], dims = m.hidden): number[] {
  const states = ids(m, words).map((id) => m.state(id));
  const mean = Array.from({ length: m.hidden }, (_, j) => states.reduce((s, h) => s + h[j]!, 0) / states.length);
  return unit(mean.slice(0, dims));
}

function assertClose(actual: Float32Array, expected: number[], label: string) {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let j = 0; j < expected.length; j++) {
    assert.ok(Math.abs(actual[j]! - expected[j]!) < 1e-5, `${label}: dim ${j} is ${actual[j]}, expected ${expected[j]}`);
  }
}

const norm = (v: Float32Array) => Math.hypot(...v);

// Texts of different lengths, so a batch needs padding; expected word pieces beside each.
const TEXTS: [string, string[]][] = [
  ['Graph networks.', ['graph', 'networks', '.']],
  ['Deep learnings', ['deep', 'learning', '##s']],
  ['the transformer', ['the', 'transformer']],
  ['Dense retrieval and sparse search in a language model', ['dense', 'retrieval', 'and', 'sparse', 'search', 'in', 'a', 'language', 'model']],
  ['vision', ['vision']],
];

describe('ONNX embedder on a tiny BERT built by the test', () => {
  const mean = writeTinyModel(path.join(root, 'mean'));

  test('loads the folder, mean-pools over real tokens only, returns unit vectors', async () => {
    const e = await createOnnxEmbedder({ model: mean.dir, batchSize: 2 });
    assert.equal(e.dim, 8);
    assert.equal(e.id, `onnx:${mean.dir}:mean:8`);
    const out = await e.embed(TEXTS.map(([t]) => t), 'document');
    assert.equal(out.length, TEXTS.length);
    out.forEach((v, i) => {
      assert.ok(Math.abs(norm(v) - 1) < 1e-6, `vector ${i} has norm ${norm(v)}`);
      assertClose(v, meanPooled(mean, TEXTS[i]![1]), TEXTS[i]![0]);
    });
  });

  test('batching (with padding) gives the same vectors as one text at a time', async () => {
    const batched = await (await createOnnxEmbedder({ model: mean.dir, batchSize: 32 })).embed(TEXTS.map(([t]) => t), 'document');
    const single = await createOnnxEmbedder({ model: mean.dir, batchSize: 1 });
    for (let i = 0; i < TEXTS.length; i++) {
      const [alone] = await single.embed([TEXTS[i]![0]], 'document');
      assert.deepEqual(Array.from(batched[i]!), Array.from(alone!), TEXTS[i]![0]);
    }
    assert.deepEqual(await single.embed([], 'query'), []);
  });

  test('a relative path works and query/document prefixes are prepended', async () => {
    const rel = path.relative(process.cwd(), mean.dir);
    const e = await createOnnxEmbedder({ model: rel, queryPrefix: 'search ', documentPrefix: 'paper ' });
    assert.equal(e.id, `onnx:${rel}:mean:8:doc-prefix=paper `);
    const [q] = await e.embed(['Graph'], 'query');
    const [d] = await e.embed(['Graph'], 'document');
    assertClose(q!, meanPooled(mean, ['search', 'graph']), 'query');
    assertClose(d!, meanPooled(mean, ['paper', 'graph']), 'document');
  });

  test('Matryoshka dims keeps the first dimensions and re-normalizes; too many is an error', async () => {
    const e = await createOnnxEmbedder({ model: mean.dir, dims: 3 });
    assert.equal(e.dim, 3);
    assert.equal(e.id, `onnx:${mean.dir}:mean:3`);
    const [v] = await e.embed(['Graph networks.'], 'query');
    assert.ok(Math.abs(norm(v!) - 1) < 1e-6);
    assertClose(v!, meanPooled(mean, ['graph', 'networks', '.'], 3), 'truncated');
    await assert.rejects(createOnnxEmbedder({ model: mean.dir, dims: 9 }), (err) => isAppError(err, 'CONFIG_INVALID') && /dims=9/.test(err.message) && /\(8\)/.test(err.message));
  });

  test('maxLength truncates and keeps the closing [SEP]', async () => {
    const e = await createOnnxEmbedder({ model: mean.dir, maxLength: 4 });
    const [v] = await e.embed(['the graph neural network model'], 'document');
    assertClose(v!, meanPooled(mean, ['the', 'graph']), 'truncated to [CLS] the graph [SEP]');
  });

  test('sentence-transformers pooling config selects CLS pooling', async () => {
    const cls = writeTinyModel(path.join(root, 'cls'), { stPooling: 'cls' });
    const e = await createOnnxEmbedder({ model: cls.dir });
    assert.equal(e.id, `onnx:${cls.dir}:cls:8`);
    // This graph has no attention between tokens, so the [CLS] state is the same for every text.
    const out = await e.embed(['Graph networks.', 'vision'], 'document');
    for (const v of out) assertClose(v, unit(cls.state(cls.vocab.get('[CLS]')!)), 'cls');
    assert.notDeepEqual(Array.from(out[0]!), meanPooled(cls, ['graph', 'networks', '.']));
  });

  test('last-token pooling takes the last real token, not padding', async () => {
    const last = writeTinyModel(path.join(root, 'last'), { stPooling: 'lasttoken' });
    const e = await createOnnxEmbedder({ model: last.dir });
    assert.equal(e.id, `onnx:${last.dir}:lasttoken:8`);
    const out = await e.embed(['vision', 'Dense retrieval and sparse search'], 'document'); // the first is padded
    for (const v of out) assertClose(v, unit(last.state(last.vocab.get('[SEP]')!)), 'last');
  });

  test('a hub id is found in cacheDir/<owner>/<name> without any download', async () => {
    const cacheDir = path.join(root, 'cache');
    writeTinyModel(path.join(cacheDir, 'test-org', 'tiny-bert'));
    const e = await createOnnxEmbedder({ model: 'test-org/tiny-bert', cacheDir, allowRemote: false });
    assert.equal(e.id, 'onnx:test-org/tiny-bert:mean:8');
    const [v] = await e.embed(['Graph networks.'], 'document');
    assertClose(v!, meanPooled(mean, ['graph', 'networks', '.']), 'cached hub model');
  });
});

describe('ONNX embedder downloads a hub id into cacheDir', () => {
  test('from a local server speaking the hub URL layout, completing a partial folder, then loads offline; a missing repo is a clear error', async () => {
    const served = writeTinyModel(path.join(root, 'served'), { stPooling: 'cls' });
    const requested: string[] = [];
    // GET /<owner>/<name>/resolve/main/<file>, as https://huggingface.co answers it.
    const server = http.createServer((req, res) => {
      requested.push(req.url!);
      const m = /^\/test-org\/served\/resolve\/main\/(.+)$/.exec(req.url!);
      const file = m && path.join(served.dir, decodeURIComponent(m[1]!));
      if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404).end('Entry not found');
        return;
      }
      res.writeHead(200, { 'content-length': fs.statSync(file).size }).end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cacheDir = path.join(root, 'download-cache');
    // What an interrupted download leaves behind: the folder with config.json and nothing else.
    fs.mkdirSync(path.join(cacheDir, 'test-org', 'served'), { recursive: true });
    fs.copyFileSync(path.join(served.dir, 'config.json'), path.join(cacheDir, 'test-org', 'served', 'config.json'));
    try {
      const e = await createOnnxEmbedder({ model: 'test-org/served', cacheDir, hubUrl });
      assert.equal(e.id, 'onnx:test-org/served:cls:8');
      for (const f of ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'modules.json', '1_Pooling/config.json']) {
        assert.ok(fs.existsSync(path.join(cacheDir, 'test-org', 'served', f)), `${f} was saved`);
        assert.ok(requested.includes(`/test-org/served/resolve/main/${f}`), `${f} was requested`);
      }
      await assert.rejects(
        createOnnxEmbedder({ model: 'test-org/missing', cacheDir, hubUrl }),
        (err) => isAppError(err, 'EMBEDDER_FAILED') && err.message.includes(`model test-org/missing is not in ${cacheDir} and could not be downloaded (HTTP 404 for ${hubUrl}/test-org/missing/resolve/main/config.json)`),
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
    requested.length = 0;
    const offline = await createOnnxEmbedder({ model: 'test-org/served', cacheDir, hubUrl, allowRemote: false });
    assert.equal(offline.id, 'onnx:test-org/served:cls:8');
    const [v] = await offline.embed(['Graph networks.'], 'document');
    assertClose(v!, unit(served.state(served.vocab.get('[CLS]')!)), 'downloaded model');
    assert.deepEqual(requested, []);
  });
});

describe('ONNX embedder errors name the model and the folder', () => {
  test('missing folder', async () => {
    const dir = path.join(root, 'nope');
    await assert.rejects(createOnnxEmbedder({ model: dir }), (err) => isAppError(err, 'CONFIG_INVALID') && err.message.includes(dir) && /does not exist/.test(err.message));
  });

  test('hub id not in cacheDir with downloads off', async () => {
    const cacheDir = path.join(root, 'empty-cache');
    await assert.rejects(
      createOnnxEmbedder({ model: 'Xenova/bge-small-en-v1.5', cacheDir, allowRemote: false }),
      (err) =>
        isAppError(err, 'CONFIG_INVALID') &&
        err.message.includes('model Xenova/bge-small-en-v1.5 is not in') &&
        err.message.includes(cacheDir) &&
        err.message.includes(path.join(cacheDir, 'Xenova', 'bge-small-en-v1.5')),
    );
  });

  test('folder without onnx/model.onnx', async () => {
    const m = writeTinyModel(path.join(root, 'no-onnx'), { withoutOnnx: true });
    await assert.rejects(createOnnxEmbedder({ model: m.dir }), (err) => isAppError(err, 'CONFIG_INVALID') && err.message.includes('onnx/model.onnx') && err.message.includes(m.dir));
  });

  test('folder without tokenizer_config.json', async () => {
    const m = writeTinyModel(path.join(root, 'no-tokenizer-config'));
    fs.rmSync(path.join(m.dir, 'tokenizer_config.json'));
    await assert.rejects(createOnnxEmbedder({ model: m.dir }), (err) => isAppError(err, 'CONFIG_INVALID') && err.message.includes(`tokenizer_config.json is missing from ${m.dir}`));
  });

  test('a quantized-only folder is picked up and named in the id', async () => {
    const m = writeTinyModel(path.join(root, 'q8'));
    fs.renameSync(path.join(m.dir, 'onnx', 'model.onnx'), path.join(m.dir, 'onnx', 'model_quantized.onnx'));
    const e = await createOnnxEmbedder({ model: m.dir });
    assert.equal(e.id, `onnx:${m.dir}:mean:8:q8`);
  });

  test('bad config.json and unsupported pooling', async () => {
    const bad = writeTinyModel(path.join(root, 'bad-config'));
    fs.writeFileSync(path.join(bad.dir, 'config.json'), '{ "model_type": ');
    await assert.rejects(createOnnxEmbedder({ model: bad.dir }), (err) => isAppError(err, 'CONFIG_INVALID') && err.message.includes(path.join(bad.dir, 'config.json')));
    const wm = writeTinyModel(path.join(root, 'weighted'), { stPooling: 'weightedmean' });
    await assert.rejects(createOnnxEmbedder({ model: wm.dir }), (err) => isAppError(err, 'CONFIG_INVALID') && /unsupported pooling/.test(err.message) && err.message.includes('1_Pooling'));
  });

  test('a corrupt model.onnx fails loading with the folder named', async () => {
    const m = writeTinyModel(path.join(root, 'corrupt'));
    fs.writeFileSync(path.join(m.dir, 'onnx', 'model.onnx'), 'not protobuf');
    await assert.rejects(createOnnxEmbedder({ model: m.dir }), (err) => isAppError(err, 'CONFIG_INVALID') && err.message.includes(m.dir) && /could not be loaded/.test(err.message));
  });
});
