/**
 * People and organisations repository: every SQL statement on `people` and `organizations`.
 *
 * Records are written from what papers carry (a submitter, an author who claimed the paper, the
 * paper's organisation). Each observation has a time (the listing's); the latest observation's known
 * values win and the others only fill gaps, so importing days in any order ends in the same record,
 * and importing the same files again changes nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import {
  ORG_COLUMNS, PERSON_COLUMNS, orgColumns, orgFromRow, personColumns, personFromRow,
  type OrgInput, type Organization, type Person, type PersonInput,
} from './people.ts';

/** One sighting of a record: its values, when they were true, and which source said so. */
export interface Observation<T> {
  value: T;
  observedAt: string | null;
  source: string;
}

type Loose = Record<string, unknown>;
const CHUNK = 500;

/** Fold two observations of one record: the later one's known values win, the other fills gaps. */
export function foldObservation<T>(a: Observation<T>, b: Observation<T>): Observation<T> {
  const [late, early] = (b.observedAt ?? '') > (a.observedAt ?? '') ? [b, a] : [a, b];
  const value: Loose = { ...(early.value as Loose) };
  for (const [k, v] of Object.entries(late.value as Loose)) if (v != null) value[k] = v;
  return { value: value as T, observedAt: late.observedAt ?? early.observedAt, source: late.source };
}

interface Spec {
  table: 'people' | 'organizations';
  key: 'username' | 'name';
  columns: readonly string[];
  toColumns: (v: never) => Loose;
  keyOf: (v: never) => string;
}
const PEOPLE: Spec = { table: 'people', key: 'username', columns: PERSON_COLUMNS, toColumns: personColumns as (v: never) => Loose, keyOf: ((p: PersonInput) => p.user) as (v: never) => string };
const ORGS: Spec = { table: 'organizations', key: 'name', columns: ORG_COLUMNS, toColumns: orgColumns as (v: never) => Loose, keyOf: ((o: OrgInput) => o.name) as (v: never) => string };

/** Write observed people inside a papers transaction; returns how many records changed. */
export function upsertPeople(trx: Transaction<Database>, seen: Map<string, Observation<PersonInput>>): Promise<number> {
  return upsertRecords(trx, PEOPLE, seen);
}

/** Write observed organisations inside a papers transaction; returns how many records changed. */
export function upsertOrganizations(trx: Transaction<Database>, seen: Map<string, Observation<OrgInput>>): Promise<number> {
  return upsertRecords(trx, ORGS, seen);
}

async function upsertRecords<T>(trx: Transaction<Database>, spec: Spec, seen: Map<string, Observation<T>>): Promise<number> {
  if (seen.size === 0) return 0;
  // One generic upsert for two tables whose names come from `spec`: Kysely cannot type that.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = trx as unknown as Kysely<any>;
  const keys = [...seen.keys()];
  const stored = new Map<string, Loose>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows: Loose[] = await db.selectFrom(spec.table).selectAll().where(spec.key, 'in', keys.slice(i, i + CHUNK)).execute();
    for (const r of rows) stored.set(r[spec.key] as string, r);
  }
  const now = new Date().toISOString();
  const writes: Loose[] = [];
  for (const [key, obs] of seen) {
    const incoming = spec.toColumns(obs.value as never);
    const old = stored.get(key);
    if (!old) {
      writes.push({ [spec.key]: key, ...incoming, observed_at: obs.observedAt, source: obs.source, created_at: now, modified_at: now });
      continue;
    }
    const oldCols = Object.fromEntries(spec.columns.map((c) => [c, old[c] ?? null]));
    const merged = foldObservation({ value: oldCols, observedAt: (old.observed_at as string | null) ?? null, source: old.source as string }, { value: incoming, observedAt: obs.observedAt, source: obs.source });
    const changed = spec.columns.some((c) => (merged.value[c] ?? null) !== (oldCols[c] ?? null)) || (merged.observedAt ?? null) !== (old.observed_at ?? null);
    if (!changed) continue;
    writes.push({ [spec.key]: key, ...merged.value, observed_at: merged.observedAt, source: merged.source, created_at: old.created_at, modified_at: now });
  }
  const set = [...spec.columns, 'observed_at', 'source', 'modified_at'];
  const chunk = Math.floor(30_000 / (spec.columns.length + 6));
  for (let i = 0; i < writes.length; i += chunk) {
    await db
      .insertInto(spec.table)
      .values(writes.slice(i, i + chunk))
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the same generic upsert
      .onConflict((oc: any) => oc.column(spec.key).doUpdateSet((eb: any) => Object.fromEntries(set.map((c) => [c, eb.ref(`excluded.${c}`)]))))
      .execute();
  }
  return writes.length;
}

/** People by user name (those the store knows). */
export async function getPeople(db: Kysely<Database>, users: string[]): Promise<Map<string, Person>> {
  const out = new Map<string, Person>();
  const unique = [...new Set(users)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db.selectFrom('people').selectAll().where('username', 'in', unique.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.set(r.username, personFromRow(r as unknown as Loose));
  }
  return out;
}

/** Organisations by name (those the store knows). */
export async function getOrganizations(db: Kysely<Database>, names: string[]): Promise<Map<string, Organization>> {
  const out = new Map<string, Organization>();
  const unique = [...new Set(names)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db.selectFrom('organizations').selectAll().where('name', 'in', unique.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.set(r.name, orgFromRow(r as unknown as Loose));
  }
  return out;
}

/** One person by user name, or null. */
export async function getPerson(db: Kysely<Database>, user: string): Promise<Person | null> {
  return (await getPeople(db, [user])).get(user) ?? null;
}
