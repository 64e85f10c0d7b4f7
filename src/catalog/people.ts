/**
 * People and organisations imported from Hugging Face (submitters, authors who claimed a paper, the
 * organisation a paper belongs to): records of their own, not accounts — nobody signs in as one; the
 * community work may link an account to one later. Each entity is described once here (its fields,
 * columns and Hugging Face keys); the table types, the JSONL shape, the parsers of HF objects and the
 * JSON Paperboy writes are derived from these lists.
 *
 * A paper refers to a person by user name and to an organisation by name; what is shown is the
 * record's latest known values (as on Hugging Face, where a renamed avatar shows everywhere).
 */
import { z } from 'zod';
import { cleanText, cleanToken } from './text.ts';

type Kind = 'text' | 'bool' | 'int';
interface Attr<K extends string = string, C extends string = string, H extends string = string> {
  key: K;
  column: C;
  /** The key in Hugging Face's JSON. */
  hf: H;
  kind: Kind;
}
type TsOf<T extends Kind> = T extends 'text' ? string : T extends 'bool' ? boolean : number;
type ColOf<T extends Kind> = T extends 'text' ? string : number;

/** A person's public fields beside the user name (the key). */
export const PERSON_ATTRS = [
  { key: 'hfId', column: 'hf_id', hf: '_id', kind: 'text' },
  { key: 'fullname', column: 'fullname', hf: 'fullname', kind: 'text' },
  { key: 'avatarUrl', column: 'avatar_url', hf: 'avatarUrl', kind: 'text' },
  { key: 'type', column: 'type', hf: 'type', kind: 'text' },
  { key: 'isPro', column: 'is_pro', hf: 'isPro', kind: 'bool' },
  { key: 'isHf', column: 'is_hf', hf: 'isHf', kind: 'bool' },
  { key: 'isMod', column: 'is_mod', hf: 'isMod', kind: 'bool' },
  { key: 'isHfAdmin', column: 'is_hf_admin', hf: 'isHfAdmin', kind: 'bool' },
  { key: 'followerCount', column: 'follower_count', hf: 'followerCount', kind: 'int' },
] as const satisfies readonly Attr[];

/** An organisation's public fields beside its name (the key). */
export const ORG_ATTRS = [
  { key: 'hfId', column: 'hf_id', hf: '_id', kind: 'text' },
  { key: 'fullname', column: 'fullname', hf: 'fullname', kind: 'text' },
  { key: 'avatarUrl', column: 'avatar_url', hf: 'avatar', kind: 'text' },
] as const satisfies readonly Attr[];

type Values<A extends readonly Attr[]> = { [X in A[number] as X['key']]: TsOf<X['kind']> | null };
type Columns<A extends readonly Attr[]> = { [X in A[number] as X['column']]: ColOf<X['kind']> | null };

/** A person as the code reads it: `user` is the Hugging Face user name. */
export type Person = { user: string } & Values<typeof PERSON_ATTRS>;
/** An organisation as the code reads it: `name` is its Hugging Face name (`nvidia`). */
export type Organization = { name: string } & Values<typeof ORG_ATTRS>;

/** Book-keeping both tables share: which source the values came from and when they were observed. */
interface RecordColumns {
  id: import('kysely').Generated<number>;
  /** When the values were observed (the listing's time); a later observation replaces them. */
  observed_at: string | null;
  source: string;
  created_at: string;
  modified_at: string;
}
export type PeopleTable = { username: string } & Columns<typeof PERSON_ATTRS> & RecordColumns;
export type OrganizationsTable = { name: string } & Columns<typeof ORG_ATTRS> & RecordColumns;

const attrSchema = (kind: Kind) => (kind === 'text' ? z.string() : kind === 'bool' ? z.boolean() : z.number().int().min(0)).nullable().optional();

/** A person in the JSONL export layout (every attribute present, null when unknown). */
export const personInputSchema = z
  .object({ user: z.string().min(1), ...Object.fromEntries(PERSON_ATTRS.map((a) => [a.key, attrSchema(a.kind)])) })
  .strict() as unknown as z.ZodType<PersonInput>;
/** An organisation in the JSONL export layout. */
export const orgInputSchema = z
  .object({ name: z.string().min(1), ...Object.fromEntries(ORG_ATTRS.map((a) => [a.key, attrSchema(a.kind)])) })
  .strict() as unknown as z.ZodType<OrgInput>;

export type PersonInput = { user: string } & Partial<Values<typeof PERSON_ATTRS>>;
export type OrgInput = { name: string } & Partial<Values<typeof ORG_ATTRS>>;

type Loose = Record<string, unknown>;
const isObj = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

function readAttr(kind: Kind, v: unknown): string | boolean | number | null {
  if (kind === 'text') return typeof v === 'string' ? cleanToken(v) : null;
  if (kind === 'bool') return typeof v === 'boolean' ? v : null;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

/**
 * A Hugging Face user object in any of its spellings (`submittedBy` names the user `name`,
 * `submittedOnDailyBy` and authors' `user` call it `user`; some carry `id` for `_id`), or null.
 * @example personFromHf({ _id: '60f1', user: 'akhaliq', fullname: 'AK' }).user // 'akhaliq'
 */
export function personFromHf(v: unknown): PersonInput | null {
  if (!isObj(v)) return null;
  const user = cleanToken(typeof v.user === 'string' ? v.user : typeof v.name === 'string' ? v.name : null);
  if (!user) return null;
  const out: Loose = { user };
  for (const a of PERSON_ATTRS) out[a.key] = readAttr(a.kind, v[a.hf] ?? (a.hf === '_id' ? v.id : undefined));
  out.fullname = typeof v.fullname === 'string' ? cleanText(v.fullname) : null;
  return out as PersonInput;
}

/** A Hugging Face organisation object (`organization`, `submitterOrganization`), or null. */
export function orgFromHf(v: unknown): OrgInput | null {
  if (!isObj(v)) return null;
  const name = cleanToken(typeof v.name === 'string' ? v.name : null);
  if (!name) return null;
  const out: Loose = { name };
  for (const a of ORG_ATTRS) out[a.key] = readAttr(a.kind, v[a.hf]);
  out.fullname = typeof v.fullname === 'string' ? cleanText(v.fullname) : null;
  return out as OrgInput;
}

/** The record a name refers to when nothing else is known about it. */
export function bareOrg(name: string): Organization {
  return { name, ...Object.fromEntries(ORG_ATTRS.map((a) => [a.key, null])) } as Organization;
}
export function barePerson(user: string): Person {
  return { user, ...Object.fromEntries(PERSON_ATTRS.map((a) => [a.key, null])) } as Person;
}

/** A stored row as a Person / Organization. */
export function personFromRow(r: Loose): Person {
  const out: Loose = { user: r.username };
  for (const a of PERSON_ATTRS) out[a.key] = fromCol(a.kind, r[a.column]);
  return out as Person;
}
export function orgFromRow(r: Loose): Organization {
  const out: Loose = { name: r.name };
  for (const a of ORG_ATTRS) out[a.key] = fromCol(a.kind, r[a.column]);
  return out as Organization;
}
const fromCol = (kind: Kind, v: unknown) => (v == null ? null : kind === 'bool' ? Boolean(v) : v);
const toCol = (kind: Kind, v: unknown) => (v == null ? null : kind === 'bool' ? (v ? 1 : 0) : v);

/** The columns an input sets (attributes only; unknown ones are null). */
export function personColumns(p: PersonInput): Loose {
  return Object.fromEntries(PERSON_ATTRS.map((a) => [a.column, toCol(a.kind, (p as Loose)[a.key])]));
}
export function orgColumns(o: OrgInput): Loose {
  return Object.fromEntries(ORG_ATTRS.map((a) => [a.column, toCol(a.kind, (o as Loose)[a.key])]));
}
export const PERSON_COLUMNS = PERSON_ATTRS.map((a) => a.column);
export const ORG_COLUMNS = ORG_ATTRS.map((a) => a.column);

/** A person for the JSONL export (every key, null when unknown). */
export function personExport(p: Person): PersonInput {
  return { ...p };
}

function hfObject(attrs: readonly Attr[], head: Loose, v: Loose, only?: readonly string[]): Loose {
  const out: Loose = { ...head };
  for (const a of attrs) {
    if (only && !only.includes(a.key)) continue;
    // Hugging Face leaves out what it does not know; so do we.
    if (v[a.key] != null) out[a.hf] = v[a.key];
  }
  return out;
}

/** `submittedBy` of a daily entry: the user name under `name`, with the submitter's flags. */
export function hfSubmitterJson(p: Person): Loose {
  return hfObject(PERSON_ATTRS, { name: p.user }, p);
}

/** A user as a paper's `submittedOnDailyBy` and an author's `user` carry it: `user` and `name` both. */
export function hfUserJson(p: Person): Loose {
  return hfObject(PERSON_ATTRS, { user: p.user, name: p.user }, p, ['hfId', 'fullname', 'avatarUrl', 'type', 'isPro']);
}

export function hfOrgJson(o: Organization): Loose {
  return hfObject(ORG_ATTRS, { name: o.name }, o);
}

const str = { type: 'string' } as const;
const jsonType = (k: Kind) => (k === 'text' ? str : k === 'bool' ? { type: 'boolean' } : { type: 'integer' });
export const hfSubmitterSchema = {
  type: ['object', 'null'],
  description: 'a Hugging Face user (the user name under `name`); keys Paperboy does not know are left out',
  properties: { name: str, ...Object.fromEntries(PERSON_ATTRS.map((a) => [a.hf, jsonType(a.kind)])) },
} as const;
export const hfUserSchema = {
  type: ['object', 'null'],
  description: 'a Hugging Face user (the user name under `user`, and `name` too)',
  properties: { user: str, name: str, ...Object.fromEntries(PERSON_ATTRS.map((a) => [a.hf, jsonType(a.kind)])) },
} as const;
export const hfOrgSchema = {
  type: ['object', 'null'],
  description: 'a Hugging Face organisation',
  properties: { name: str, ...Object.fromEntries(ORG_ATTRS.map((a) => [a.hf, jsonType(a.kind)])) },
} as const;
