/**
 * Builds a tiny BERT-shaped model folder (ONNX graph, config, WordPiece tokenizer) so the ONNX embedder
 * can be tested end to end without downloading anything: the ONNX file is protobuf written by hand.
 *
 * The graph: last_hidden_state = Tanh(Gather(word_emb, input_ids) + Gather(type_emb, token_type_ids)).
 * It ignores attention_mask on purpose, like a real encoder it gives padding tokens non-zero states,
 * so a pooling step that forgets the mask produces different vectors.
 */
import fs from 'node:fs';
import path from 'node:path';

// ---- protobuf wire format (only what ONNX needs): varints and length-delimited fields ----

type Bytes = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n)); // negative int64 values are 10-byte two's complement varints
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const concat = (parts: Bytes[]): Bytes => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Field with wire type 0 (varint). */
const fInt = (field: number, n: number | bigint): Bytes => Uint8Array.from([...varint((field << 3) | 0), ...varint(n)]);
/** Field with wire type 2 (length-delimited: bytes, strings, sub-messages, packed arrays). */
const fBytes = (field: number, b: Bytes): Bytes => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
const fStr = (field: number, s: string): Bytes => fBytes(field, new TextEncoder().encode(s));
const msg = (...fields: Bytes[]): Bytes => concat(fields);

// ---- ONNX messages (field numbers from onnx/onnx.proto) ----

export const ELEM = { FLOAT: 1, INT64: 7 } as const;

/** TensorProto { dims=1, data_type=2, name=8, raw_data=9 } with float32 little-endian raw data. */
function floatTensor(name: string, dims: number[], data: Float32Array): Bytes {
  const raw = new Uint8Array(data.length * 4);
  const dv = new DataView(raw.buffer);
  data.forEach((x, i) => dv.setFloat32(i * 4, x, true));
  return msg(...dims.map((d) => fInt(1, d)), fInt(2, ELEM.FLOAT), fStr(8, name), fBytes(9, raw));
}

/** ValueInfoProto { name=1, type=2: TypeProto { tensor_type=1: { elem_type=1, shape=2: { dim=1: { dim_value=1 | dim_param=2 } } } } } */
function valueInfo(name: string, elemType: number, dims: (string | number)[]): Bytes {
  const shape = msg(...dims.map((d) => fBytes(1, typeof d === 'number' ? fInt(1, d) : fStr(2, d))));
  return msg(fStr(1, name), fBytes(2, fBytes(1, msg(fInt(1, elemType), fBytes(2, shape)))));
}

/** NodeProto { input=1, output=2, name=3, op_type=4, attribute=5 }; attributes here are INT only (type=20 INT=2, i=3). */
function node(op: string, inputs: string[], outputs: string[], ints: Record<string, number> = {}): Bytes {
  const attrs = Object.entries(ints).map(([k, v]) => fBytes(5, msg(fStr(1, k), fInt(20, 2), fInt(3, v))));
  return msg(...inputs.map((s) => fStr(1, s)), ...outputs.map((s) => fStr(2, s)), fStr(3, `${op}_${outputs[0]}`), fStr(4, op), ...attrs);
}

/** The serialized ModelProto of the tiny encoder described at the top of this file. */
export function tinyEncoderOnnx(wordEmb: Float32Array, vocab: number, typeEmb: Float32Array, hidden: number): Bytes {
  const graph = msg(
    fBytes(1, node('Gather', ['word_emb', 'input_ids'], ['we'], { axis: 0 })),
    fBytes(1, node('Gather', ['type_emb', 'token_type_ids'], ['te'], { axis: 0 })),
    fBytes(1, node('Add', ['we', 'te'], ['sum'])),
    fBytes(1, node('Tanh', ['sum'], ['last_hidden_state'])),
    fStr(2, 'tiny_bert'),
    fBytes(5, floatTensor('word_emb', [vocab, hidden], wordEmb)),
    fBytes(5, floatTensor('type_emb', [2, hidden], typeEmb)),
    fBytes(11, valueInfo('input_ids', ELEM.INT64, ['batch_size', 'sequence_length'])),
    fBytes(11, valueInfo('attention_mask', ELEM.INT64, ['batch_size', 'sequence_length'])),
    fBytes(11, valueInfo('token_type_ids', ELEM.INT64, ['batch_size', 'sequence_length'])),
    fBytes(12, valueInfo('last_hidden_state', ELEM.FLOAT, ['batch_size', 'sequence_length', hidden])),
  );
  // ModelProto { ir_version=1, producer_name=2, graph=7, opset_import=8: { domain=1, version=2 } }
  return msg(fInt(1, 8), fStr(2, 'paperboy-test'), fBytes(7, graph), fBytes(8, msg(fStr(1, ''), fInt(2, 17))));
}

// ---- the model folder ----

export const VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'the', 'a', 'of', 'and', 'to', 'in', 'is',
  'graph', 'neural', 'network', 'networks', 'attention', 'transformer', 'paper', 'model',
  'language', 'vision', 'retrieval', 'search', 'dense', 'sparse', 'learning', 'deep',
  '##s', '##ing', '.', ',',
];

export interface TinyModel {
  dir: string;
  hidden: number;
  vocab: Map<string, number>;
  /** Hidden state of token `id` with token type 0, computed in double precision. */
  state(id: number): number[];
}

export interface TinyModelOptions {
  hidden?: number;
  /** Write sentence-transformers files (modules.json, 1_Pooling/config.json) selecting this pooling. */
  stPooling?: 'cls' | 'mean' | 'lasttoken' | 'max' | 'weightedmean';
  /** Omit onnx/model.onnx (to test the error). */
  withoutOnnx?: boolean;
  modelMaxLength?: number;
}

/** A deterministic pseudo-random table, so expected vectors can be recomputed in the test. */
function table(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

export function writeTinyModel(dir: string, o: TinyModelOptions = {}): TinyModel {
  const hidden = o.hidden ?? 8;
  const word = table(VOCAB.length * hidden, 7);
  const type = table(2 * hidden, 11);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  if (!o.withoutOnnx) fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), tinyEncoderOnnx(word, VOCAB.length, type, hidden));

  const json = (file: string, v: unknown) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), JSON.stringify(v, null, 2));
  };
  json('config.json', {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: hidden,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    intermediate_size: hidden * 2,
    vocab_size: VOCAB.length,
    type_vocab_size: 2,
    max_position_embeddings: 64,
    pad_token_id: 0,
  });
  const vocab = Object.fromEntries(VOCAB.map((t, i) => [t, i]));
  const special = (id: number) => ({ id, content: VOCAB[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  json('tokenizer.json', {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [0, 1, 2, 3, 4].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  });
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: o.modelMaxLength ?? 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  });
  if (o.stPooling) {
    json('modules.json', [
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
      { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
    ]);
    json('1_Pooling/config.json', {
      word_embedding_dimension: hidden,
      pooling_mode_cls_token: o.stPooling === 'cls',
      pooling_mode_mean_tokens: o.stPooling === 'mean',
      pooling_mode_max_tokens: o.stPooling === 'max',
      pooling_mode_mean_sqrt_len_tokens: false,
      pooling_mode_weightedmean_tokens: o.stPooling === 'weightedmean',
      pooling_mode_lasttoken: o.stPooling === 'lasttoken',
      include_prompt: true,
    });
  }
  return {
    dir,
    hidden,
    vocab: new Map(VOCAB.map((t, i) => [t, i])),
    state: (id) => Array.from({ length: hidden }, (_, j) => Math.tanh(word[id * hidden + j]! + type[j]!)),
  };
}
