/**
 * Replays real Hugging Face archive files (test/fixtures/hf-archive) and compares every entry Paperboy's
 * `/api/daily_papers?date=` answers with the entry in the file it imported, key by key, at every depth.
 * Only the differences docs/api.md lists ("Differences from Hugging Face") are allowed, each by a rule
 * below; anything else fails with its path and both values.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { archiveEntries, archiveFiles, createArchiveServer } from '../helpers/hf-archive.ts';
import { describeEngines } from '../helpers/stores.ts';

type Json = Record<string, any>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const dayOf = (file: string) => path.basename(file).slice(0, 10);

/** When a listing says its facts were true: when it was submitted, else the entry's date, else its day. */
const observedAt = (e: Json, day: string): string => e.paper.submittedOnDailyAt ?? e.publishedAt ?? `${day}T00:00:00.000Z`;

/** Every sighting of each person and organisation in the files, to check "latest known values". */
interface Sighting {
  at: string;
  value: Json;
}
class Sightings {
  private readonly seen = new Map<string, Sighting[]>();
  add(key: string | undefined, value: Json | undefined, at: string): void {
    if (!key || !isObj(value)) return;
    const list = this.seen.get(key) ?? [];
    // 2024's authors' users spell the id `id`.
    list.push({ at, value: value._id === undefined && value.id !== undefined ? { ...value, _id: value.id } : value });
    this.seen.set(key, list);
  }
  /** The values the latest sightings that know `field` give it (several when they tie). */
  latest(key: string, field: string): unknown[] {
    const knowing = (this.seen.get(key) ?? []).filter((s) => s.value[field] != null);
    if (!knowing.length) return [];
    const last = knowing.reduce((m, s) => (s.at > m ? s.at : m), '');
    return knowing.filter((s) => s.at === last).map((s) => oneLine(field, s.value[field]));
  }
}

/** Names, URLs and ids are stored trimmed and without control characters (docs/api.md, "values"). */
function oneLine(field: string, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  // Control characters go; white space at the edges goes; a name's inner runs of white space become one.
  const t = v.replace(/[\u0000-\u001f\u007f-\u009f]/g, field === 'fullname' || field === 'name' ? ' ' : '').trim();
  return field === 'fullname' || field === 'name' ? t.replace(/\s+/g, ' ') : t;
}

interface Tally {
  entries: number;
  keys: number;
  allowed: Map<string, number>;
  failures: string[];
}

describeEngines('replaying the HF archive: /api/daily_papers key by key', (ctx) => {
  let server: FastifyInstance;
  let close: () => Promise<void>;
  const files = archiveFiles();
  const people = new Sightings();
  const orgs = new Sightings();
  /** arXiv id → the listings of the paper (a few papers were listed on two days). */
  const listings = new Map<string, { day: string; entry: Json }[]>();

  before(async () => {
    ({ server, close } = await createArchiveServer(ctx.url));
    for (const file of files) {
      const day = dayOf(file);
      for (const e of archiveEntries(file)) {
        const entry = typeof e === 'string' ? null : e;
        if (!entry) continue;
        const at = observedAt(entry, day);
        people.add(entry.submittedBy?.name, entry.submittedBy, at);
        people.add(entry.paper.submittedOnDailyBy?.user, entry.paper.submittedOnDailyBy, at);
        for (const a of entry.paper.authors ?? []) people.add(a.user?.user, a.user, at);
        orgs.add(entry.organization?.name, entry.organization, at);
        orgs.add(entry.paper.organization?.name, entry.paper.organization, at);
        orgs.add(entry.submitterOrganization?.name, entry.submitterOrganization, at);
        const l = listings.get(entry.paper.id) ?? [];
        l.push({ day, entry });
        listings.set(entry.paper.id, l);
      }
    }
  });
  after(async () => close());

  function compareEntries(file: Json, ours: Json, day: string, t: Tally): void {
    const id: string = file.paper.id;
    const allListings = listings.get(id)!;
    const relisted = allListings.length > 1;
    const allow = (rule: string): void => void t.allowed.set(rule, (t.allowed.get(rule) ?? 0) + 1);
    const fail = (where: string, a: unknown, b: unknown): void => void t.failures.push(`${day} ${id} ${where}: file ${JSON.stringify(a)?.slice(0, 160)} ≠ ours ${JSON.stringify(b)?.slice(0, 160)}`);

    /** Which record an object at `where` is, for the latest-values rule. */
    const recordAt = (where: string, obj: Json): { book: Sightings; key: string } | null => {
      if (/(^|\.)(submittedBy|submittedOnDailyBy|user)$/.test(where)) return { book: people, key: obj.user ?? obj.name };
      if (/(^|\.)(organization|submitterOrganization)$/.test(where)) return { book: orgs, key: obj.name };
      return null;
    };

    const walk = (where: string, a: unknown, b: unknown, record: { book: Sightings; key: string } | null): void => {
      const field = where.split('.').at(-1)!.replace(/\[\d+\]$/, '');
      if (isObj(a)) {
        if (!isObj(b)) return fail(where, a, b);
        const rec = recordAt(where, a) ?? null;
        for (const k of Object.keys(a)) {
          const at = `${where}.${k}`;
          if (k in b) {
            walk(at, a[k], b[k], rec);
            continue;
          }
          // Keys Paperboy does not write: the archive's viewer state, and two keys it spells otherwise.
          if (k === 'isUserFollowing' && /submittedBy$/.test(where)) allow('submittedBy.isUserFollowing: the archiving account’s own state');
          else if (k === 'id' && /\.user$/.test(where) && b._id === a.id) allow("authors' user `id` spelled `_id`");
          else if (k === 'mediaUrl' && where === '' && b.thumbnail === oneLine('mediaUrl', a.mediaUrl)) allow('2024 `mediaUrl` is `thumbnail`');
          else fail(`${at} (missing)`, a[k], undefined);
        }
        for (const k of Object.keys(b)) {
          if (k in a) continue;
          const v = b[k];
          t.keys++;
          if (v === null || (Array.isArray(v) && v.length === 0)) allow('keys HF leaves out are written as null / []');
          else if (where === '.paper' && ['categories', 'comment', 'numComments', 'url'].includes(k)) allow('paper.categories, comment, numComments, url: our own');
          else if (where === '.paper' && k === 'discussionId' && v === id) allow('paper.discussionId: the arXiv id where HF had none (the discussion here)');
          else if (k === 'name' && /\.user$|submittedOnDailyBy$/.test(where) && v === b.user) allow('users carry `name` beside `user`');
          else if (where === '' && k === 'summary' && v === b.paper.summary) allow("entry summary repeated where the file's entry had none");
          else if (where === '.paper' && k === 'submittedOnDailyBy' && file.submittedBy && v.user === file.submittedBy.name) allow('paper.submittedOnDailyBy written for older entries (the submitter)');
          else if (where === '.paper' && k === 'mediaUrls' && JSON.stringify(v) === JSON.stringify(file.mediaUrls)) allow("paper.mediaUrls repeats the entry's");
          else if (rec && rec.book.latest(rec.key, k).some((x) => JSON.stringify(x) === JSON.stringify(v))) allow('people and organisations: latest known values');
          else if (relisted && allListings.some((l) => sameRecord(pick(l.entry, `${where}.${k}`), v))) allow('a paper listed twice: values of its other listing');
          else fail(`${where}.${k} (extra)`, undefined, v);
        }
        return;
      }
      if (Array.isArray(a)) {
        if (!Array.isArray(b)) return fail(where, a, b);
        const cleaned = field === 'ai_keywords' ? a.filter((x) => typeof x === 'string' && x.trim()) : a;
        if (cleaned.length !== a.length) void allow('empty keywords dropped');
        if (cleaned.length !== b.length) {
          if (relisted && allListings.some((l) => (pick(l.entry, where) as unknown[] | undefined)?.length === b.length)) return void allow('a paper listed twice: values of its other listing');
          return fail(`${where} (length)`, cleaned.length, b.length);
        }
        cleaned.forEach((x, i) => walk(`${where}[${i}]`, x, b[i], record));
        return;
      }
      t.keys++;
      if (a === b) return;
      if (where === '.paper.discussionId' && a === null && b === id) return void allow('paper.discussionId: the arXiv id where HF had none (the discussion here)');
      const expected = oneLine(field, a);
      if (expected === b) return void allow('names, URLs and ids trimmed (control characters removed)');
      if (field === 'ai_summary' && typeof a === 'string' && a.trim() === b) return void allow('names, URLs and ids trimmed (control characters removed)');
      if (record && record.book.latest(record.key, field).includes(b)) return void allow('people and organisations: latest known values');
      if (relisted) {
        const values = allListings.map((l) => pick(l.entry, where));
        if ((field === 'upvotes' || field === 'numComments') && b === Math.max(...(values as number[]))) return void allow('a paper listed twice: the largest counts');
        if (values.some((v) => JSON.stringify(oneLine(field, v)) === JSON.stringify(b))) return void allow('a paper listed twice: values of its other listing');
      }
      fail(where, a, b);
    };
    walk('', file, ours, null);
  }

  it('every entry of every file comes back with the values it was imported with, but for the documented differences', async () => {
    const t: Tally = { entries: 0, keys: 0, allowed: new Map(), failures: [] };
    for (const file of files) {
      const day = dayOf(file);
      const entries = archiveEntries(file).filter(isObj);
      const r = await server.inject(`/api/daily_papers?date=${day}&limit=100`);
      assert.equal(r.statusCode, 200, r.body);
      const ours = r.json() as Json[];
      const byId = new Map(ours.map((e) => [e.paper.id, e]));
      for (const e of entries) {
        t.entries++;
        const o = byId.get(e.paper.id);
        const first = listings.get(e.paper.id)![0]!.day;
        if (!o) {
          // A paper is on the daily list once, on the day it first entered it.
          if (first < day) t.allowed.set('a paper listed twice: on its first day only', (t.allowed.get('a paper listed twice: on its first day only') ?? 0) + 1);
          else t.failures.push(`${day} ${e.paper.id}: missing from our answer`);
          continue;
        }
        compareEntries(e, o, day, t);
      }
      assert.equal(ours.length, entries.filter((e) => listings.get(e.paper.id)![0]!.day === day).length, `${day}: no papers the file does not hold`);
      // Hugging Face orders a day by upvotes, then the entry's publishedAt, newest first; so do we.
      const key = (e: Json) => [-e.paper.upvotes, -Date.parse(e.publishedAt)];
      for (let i = 1; i < ours.length; i++) {
        const [a, b] = [key(ours[i - 1]!), key(ours[i]!)];
        assert.ok(a[0]! < b[0]! || (a[0] === b[0] && a[1]! <= b[1]!), `${day}: order at ${i}`);
      }
    }
    const summary = [...t.allowed].map(([rule, n]) => `  ${n} × ${rule}`).join('\n');
    console.log(`# replayed ${files.length} files: ${t.entries} entries, ${t.keys} values compared; allowed differences:\n${summary}`);
    assert.deepEqual(t.failures.slice(0, 20), [], `${t.failures.length} differences not allowed`);
    assert.ok(t.entries > 700 && t.keys > 50_000, 'the replay compared the archive, not a handful of values');
  });
});

/** The same value, or for records (users, organisations, authors) the same record by its key. */
function sameRecord(a: unknown, b: unknown): boolean {
  if (isObj(a) && isObj(b)) return ['user', 'name', '_id'].some((k) => a[k] !== undefined && a[k] === b[k]);
  return JSON.stringify(a) === JSON.stringify(b);
}

function pick(o: Json, where: string): unknown {
  let v: any = o;
  for (const part of where.split('.').filter(Boolean)) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(part);
    if (!m) return undefined;
    v = v?.[m[1]!];
    if (m[2] !== undefined) v = v?.[Number(m[2])];
  }
  return v;
}
