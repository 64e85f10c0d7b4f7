/**
 * Reads a BEIR folder: corpus.jsonl(.gz), queries.jsonl, qrels/<split>.tsv. Malformed input is an
 * error that names the file and line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { readLines } from '../../ingest/lines.ts';
import type { Qrels } from './metrics.ts';

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
  /** Our extension for sets where the community's signal matters (the navigational set): upvotes and day. */
  upvotes?: number;
  published?: string;
}

export interface BeirSet {
  corpus: BeirDoc[];
  queries: Map<string, string>;
  qrels: Map<string, Qrels>;
}

const bad = (file: string, line: number, why: string) => new AppError('INGEST_BAD_FILE', `${file}:${line}: ${why}`);

async function readJsonl<T>(file: string, pick: (o: Record<string, unknown>, line: number) => T): Promise<T[]> {
  const out: T[] = [];
  for await (const ev of readLines(file)) {
    if (ev.kind !== 'line') throw bad(file, ev.line, ev.kind === 'error' ? ev.reason : `line of ${ev.bytes} bytes is too long`);
    if (!ev.text.trim()) continue;
    let o: unknown;
    try {
      o = JSON.parse(ev.text);
    } catch (e) {
      throw bad(file, ev.line, `not JSON: ${(e as Error).message}`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(file, ev.line, 'expected a JSON object');
    out.push(pick(o as Record<string, unknown>, ev.line));
  }
  return out;
}

function findFile(dir: string, ...names: string[]): string {
  for (const n of names) {
    const f = path.join(dir, n);
    if (fs.existsSync(f)) return f;
  }
  throw new AppError('INGEST_BAD_FILE', `${dir} is not a BEIR folder: none of ${names.join(', ')} found`);
}

/**
 * The split to judge when none is named: the folder's only one (SciFact: train; the known-item sets: dev),
 * else dev, else train — never test by default, so tuning cannot touch a held-out split by accident.
 */
export function defaultSplit(dir: string): string | null {
  try {
    const splits = fs.readdirSync(path.join(dir, 'qrels')).filter((n) => n.endsWith('.tsv')).map((n) => n.slice(0, -4));
    if (splits.length === 1) return splits[0]!;
    return ['dev', 'train'].find((s) => splits.includes(s)) ?? null;
  } catch {
    return null;
  }
}

/**
 * @example const set = await loadBeir('../shared/eval/scifact', 'train')
 */
export async function loadBeir(dir: string, split: string): Promise<BeirSet> {
  if (!/^[a-z0-9_-]+$/i.test(split)) throw new AppError('USAGE', `--split must be a plain name such as train or test (got ${JSON.stringify(split)})`);
  const corpusFile = findFile(dir, 'corpus.jsonl', 'corpus.jsonl.gz');
  const queriesFile = findFile(dir, 'queries.jsonl', 'queries.jsonl.gz');
  const qrelsFile = findFile(path.join(dir, 'qrels'), `${split}.tsv`);
  const str = (o: Record<string, unknown>, k: string, file: string, line: number, required: boolean): string => {
    const v = o[k];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (required || v !== undefined) throw bad(file, line, `field ${k} must be a string`);
    return '';
  };
  const corpus = await readJsonl(corpusFile, (o, line): BeirDoc => {
    const doc: BeirDoc = { id: str(o, '_id', corpusFile, line, true), title: str(o, 'title', corpusFile, line, false), text: str(o, 'text', corpusFile, line, false) };
    if (o.upvotes !== undefined) {
      if (!Number.isInteger(o.upvotes) || (o.upvotes as number) < 0) throw bad(corpusFile, line, 'field upvotes must be a whole number ≥ 0');
      doc.upvotes = o.upvotes as number;
    }
    if (o.published !== undefined) {
      const p = str(o, 'published', corpusFile, line, false);
      if (!/^\d{4}-\d{2}-\d{2}/.test(p)) throw bad(corpusFile, line, 'field published must be a date YYYY-MM-DD');
      doc.published = p.slice(0, 10);
    }
    return doc;
  });
  const queries = new Map(
    (await readJsonl(queriesFile, (o, line) => [str(o, '_id', queriesFile, line, true), str(o, 'text', queriesFile, line, true)] as const)),
  );
  const qrels = new Map<string, Qrels>();
  let lineNo = 0;
  for await (const ev of readLines(qrelsFile)) {
    lineNo = ev.line;
    if (ev.kind !== 'line') throw bad(qrelsFile, ev.line, ev.kind === 'error' ? ev.reason : `line of ${ev.bytes} bytes is too long`);
    const cols = ev.text.split('\t');
    if (!ev.text.trim() || (ev.line === 1 && cols[0] === 'query-id')) continue;
    if (cols.length < 3 || !/^-?\d+$/.test(cols[2]!.trim())) throw bad(qrelsFile, ev.line, 'expected query-id<TAB>corpus-id<TAB>score');
    const [qid, did, score] = [cols[0]!, cols[1]!, Number(cols[2])];
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(did, score);
  }
  if (lineNo === 0 || qrels.size === 0) throw new AppError('INGEST_BAD_FILE', `${qrelsFile}: no judgements`);
  return { corpus, queries, qrels };
}
