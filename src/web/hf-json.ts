/**
 * Papers in Hugging Face's JSON shapes (`/api/daily_papers`, `/api/papers/{id}`), with the JSON
 * schemas Fastify validates and serializes with (and OpenAPI documents). Both come from the one paper
 * field table (catalog/paper-fields.ts: each field's `hf` placement), so the JSON and its schema cannot
 * drift apart. Field names are Hugging Face's wherever it has the field; we add a few of our own
 * (`categories`, `comment`, `url`).
 */
import type { Paper } from '../catalog/paper.ts';
import { paperFields, type PaperKey } from '../catalog/paper-fields.ts';

const str = { type: 'string' } as const;

interface Placed {
  key: PaperKey;
  name: string;
  json: (v: unknown, p: Readonly<Record<string, unknown>>) => unknown;
  schema: Record<string, unknown>;
}

function placed(where: 'paper' | 'entry'): Placed[] {
  const out: Placed[] = [];
  for (const [key, f] of paperFields()) {
    const slot = f.hf?.[where];
    if (!slot) continue;
    const json = slot.json?.bind(slot) ?? ((v: unknown) => v);
    out.push({ key, name: slot.name, json, schema: slot.schema });
  }
  return out;
}

const ON_PAPER = placed('paper');
const ON_ENTRY = placed('entry');

function write(fields: Placed[], p: Paper, into: Record<string, unknown>): Record<string, unknown> {
  const whole = p as unknown as Readonly<Record<string, unknown>>;
  for (const f of fields) into[f.name] = f.json(p[f.key], whole);
  return into;
}

/** A paper as Hugging Face's paper object, plus `url`: the paper page on this site. */
export function hfPaperJson(p: Paper, baseUrl: string): Record<string, unknown> {
  return write(ON_PAPER, p, { url: `${baseUrl}/papers/${p.arxivId}` });
}

export const hfPaperSchema = {
  type: 'object',
  required: ['id', 'authors', 'title', 'summary', 'upvotes'],
  properties: {
    ...Object.fromEntries(ON_PAPER.map((f) => [f.name, f.schema])),
    url: { ...str, description: 'the paper page on this site' },
  },
} as const;

/** One entry of `/api/daily_papers`: the paper plus the list-level fields HF repeats beside it. */
export function hfDailyEntryJson(p: Paper, baseUrl: string): { paper: Record<string, unknown> } & Record<string, unknown> {
  const paper = hfPaperJson(p, baseUrl);
  return { paper, ...write(ON_ENTRY, p, {}) };
}

export const hfDailyEntrySchema = {
  type: 'object',
  required: ['paper', 'title', 'summary', 'numComments'],
  properties: {
    paper: hfPaperSchema,
    ...Object.fromEntries(ON_ENTRY.map((f) => [f.name, f.schema])),
  },
} as const;
