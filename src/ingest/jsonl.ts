/**
 * The `jsonl` source: reads exactly the layout `paperboy export` writes (one PaperInput per line,
 * optionally gzipped). Each line is checked field by field; a bad line is rejected with `file:line`
 * and the reason, and the rest go on.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import type { PaperInput } from '../catalog/paper.ts';
import { paperFields } from '../catalog/paper-fields.ts';
import { AppError } from '../errors.ts';
import { jsonLineItems } from './lines.ts';
import type { SourceItem } from './pipeline.ts';
import type { SourceSpec } from './source.ts';

// The export layout, field by field, from the one paper field table: unknown fields are rejected too,
// so a typo is not silently dropped.
const lineSchema = z
  .object(Object.fromEntries(paperFields().filter(([, f]) => f.merge !== 'local').map(([k, f]) => [k, f.input])))
  .strict();

/** Parse one line; returns the paper or the reason it is rejected. */
export function parseJsonlLine(line: string): { paper: PaperInput } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { reason: `not JSON: ${(e as Error).message}` };
  }
  return parseJsonlRecord(value);
}

/** Check one parsed record against the export layout. */
export function parseJsonlRecord(value: unknown): { paper: PaperInput } | { reason: string } {
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `field ${issue.path.join('.')}` : 'line';
    return { reason: `${where}: ${issue.message}` };
  }
  const rawId = String(parsed.data.arxivId);
  const id = tryParseArxivId(rawId);
  if (!id) return { reason: `field arxivId: not an arXiv identifier: ${JSON.stringify(rawId.slice(0, 60))}` };
  const data = parsed.data as unknown as PaperInput;
  return { paper: { ...data, arxivId: id.id, version: data.version ?? id.version } };
}

/**
 * Read JSONL files (plain or .gz) as source items.
 * @example for await (const item of readJsonl(['catalog.jsonl'])) …
 */
export async function* readJsonl(files: string[]): AsyncGenerator<SourceItem> {
  for (const file of files) {
    const name = file.split(/[\\/]/).pop() ?? file;
    yield* jsonLineItems(file, name, (rec) => {
      const r = parseJsonlRecord(rec);
      return 'paper' in r ? r.paper : r.reason;
    });
    yield { kind: 'checkpoint', note: name };
  }
}

export const jsonlSource: SourceSpec = {
  name: 'jsonl',
  summary: 'papers in the layout `paperboy export` writes (.jsonl or .jsonl.gz)',
  usage: 'paperboy ingest jsonl FILE…',
  async open({ positionals }) {
    if (positionals.length === 0) throw new AppError('USAGE', 'ingest jsonl needs at least one FILE (written by `paperboy export`)');
    for (const f of positionals) {
      if (!fs.existsSync(f)) throw new AppError('INGEST_BAD_FILE', `no such file: ${f}`);
    }
    return { items: readJsonl(positionals) };
  },
};
