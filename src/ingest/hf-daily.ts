/**
 * Hugging Face `daily_papers` adapter: one JSON file per day (the archive layout) or the live API's
 * array, mapped to PaperInput with the community fields (upvotes, daily date, submitter, comments).
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import { toDay, toTimestamp } from '../catalog/dates.ts';
import type { PaperInput } from '../catalog/paper.ts';
import { authorsFromHf } from '../catalog/paper-authors.ts';
import { orgFromHf, personFromHf } from '../catalog/people.ts';
import { messageOf } from '../errors.ts';
import { createTotalEstimator, dayFromFileName, displayName, listInputFiles, readStdin } from './files.ts';
import type { SourceItem } from './pipeline.ts';
import { parsePythonLiteral } from './python-literal.ts';

export const HF_SOURCE = 'hf-daily';

const gunzip = promisify(zlib.gunzip);

/**
 * A day file is read whole (it is one JSON document): at most 64 MiB, decompressed. The largest real
 * one is 359 kB (2025-09-30.json); a bigger file is rejected by name without being read.
 */
export const MAX_DAY_FILE_BYTES = 64 * 1024 * 1024;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((k): k is string => k !== null) : []);

/**
 * Map one `daily_papers` entry to a PaperInput, or say why it cannot be. Everything the entry holds is
 * kept: texts as written, the submitter and organisation as records (people.ts), the authors' entries,
 * media, GitHub stars, the discussion id, and the entry's own title and date where they differ.
 * @example hfEntryToInput({ paper: { id: '2405.15738', title: 'T' } }, '2024-05-27').dailyDate // '2024-05-27'
 */
export function hfEntryToInput(entry: unknown, fallbackDay: string | null): PaperInput | string {
  if (typeof entry === 'string') return 'entry is a string (a Python repr?), not a JSON object';
  if (!isObj(entry)) return `entry is ${Array.isArray(entry) ? 'an array' : typeof entry}, not an object`;
  // The live API nests the paper; some clients flatten it. Accept both.
  const paper = isObj(entry.paper) ? entry.paper : entry;
  const rawId = paper.id ?? entry.id;
  if (rawId == null || rawId === '') return 'missing paper id';
  const id = tryParseArxivId(String(rawId));
  if (!id) return `not an arXiv id: ${JSON.stringify(String(rawId).slice(0, 60))}`;
  const title = str(paper.title) ?? str(entry.title);
  if (!title) return 'missing title';
  const entryTitle = str(entry.title);
  const submittedOnDailyAt = toTimestamp(str(paper.submittedOnDailyAt));
  const mediaUrls = strings(entry.mediaUrls ?? paper.mediaUrls);
  return {
    arxivId: id.id,
    version: id.version,
    title,
    abstract: str(paper.summary) ?? str(entry.summary),
    authors: authorsFromHf(paper.authors),
    publishedAt: toTimestamp(str(paper.publishedAt) ?? str(entry.publishedAt)),
    dailyDate: toDay(submittedOnDailyAt) ?? fallbackDay,
    submittedOnDailyAt,
    // The entry's own date and title: Hugging Face writes both beside the paper's, and they differ.
    dailyPublishedAt: paper === entry ? null : toTimestamp(str(entry.publishedAt)),
    dailyTitle: entryTitle && paper !== entry && entryTitle !== title ? entryTitle : null,
    upvotes: num(paper.upvotes),
    numComments: num(entry.numComments),
    submittedBy: personFromHf(entry.submittedBy) ?? personFromHf(paper.submittedOnDailyBy),
    submitterOrganization: orgFromHf(entry.submitterOrganization),
    organization: orgFromHf(entry.organization) ?? orgFromHf(paper.organization),
    githubRepo: str(paper.githubRepo),
    githubRepoAddedBy: str(paper.githubRepoAddedBy),
    githubStars: num(paper.githubStars),
    projectPage: str(paper.projectPage),
    // Archives of 2024 name the social thumbnail `mediaUrl`; later ones call it `thumbnail`.
    thumbnail: str(entry.thumbnail) ?? str(entry.mediaUrl),
    mediaUrls: mediaUrls.length ? mediaUrls : null,
    discussionId: str(paper.discussionId),
    isAuthorParticipating: bool(entry.isAuthorParticipating),
    aiSummary: str(paper.ai_summary),
    aiSummaryModel: str(paper.ai_summary_model),
    aiKeywords: strings(paper.ai_keywords),
    source: HF_SOURCE,
  };
}

export interface HfReadOptions {
  /** Decode entries stored as Python repr strings instead of rejecting their file. */
  repair?: boolean;
  /** Called when a file was repaired (for a note to the user). */
  onRepair?: (file: string, entries: number) => void;
}

/**
 * Parse one day file's text into items. A file that is not a JSON array of objects is rejected
 * as a whole with the reason; a bad entry is rejected as `file#index`.
 * @example [...parseHfDailyText('[]', '2024-05-27.json')] // []
 */
export function* parseHfDailyText(text: string, file: string, opts: HfReadOptions = {}): Generator<SourceItem> {
  const name = path.basename(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // A whole file written with Python's repr() (single quotes, True/None) rather than json.dump.
    const pythonish = /^\s*[[{]\s*[[{]?\s*'/.test(text);
    if (pythonish && opts.repair) {
      try {
        doc = parsePythonLiteral(text.trim());
        opts.onRepair?.(name, Array.isArray(doc) ? doc.length : 1);
      } catch (e2) {
        yield { kind: 'reject', location: name, reason: `not valid JSON (${messageOf(e)}), and not a Python literal either: ${messageOf(e2)}` };
        return;
      }
    } else {
      const hint = pythonish ? ' (it looks like a Python repr; use --repair to decode it)' : '';
      yield { kind: 'reject', location: name, reason: `not valid JSON: ${messageOf(e)}${hint}` };
      return;
    }
  }
  let wrapped = false;
  // One archived day wraps its list as {status, date, count, data}; unwrap it and say so if it fails later.
  if (isObj(doc) && Array.isArray(doc.data)) {
    doc = doc.data;
    wrapped = true;
  }
  if (!Array.isArray(doc)) {
    yield { kind: 'reject', location: name, reason: `expected a JSON array of daily entries, got ${isObj(doc) ? `an object with keys ${Object.keys(doc).slice(0, 5).join(', ')}` : typeof doc}` };
    return;
  }
  let entries: unknown[] = doc;
  const strings = entries.filter((e) => typeof e === 'string').length;
  const shape = `${wrapped ? 'a {status, data} wrapper whose' : 'its'} ${strings} entries are Python-repr strings, not JSON objects`;
  if (strings > 0 && opts.repair) {
    // Decode each string on its own: one that fails stays a string and is rejected as file#index.
    let repaired = 0;
    entries = entries.map((e) => {
      if (typeof e !== 'string') return e;
      try {
        const v = parsePythonLiteral(e);
        repaired++;
        return v;
      } catch {
        return e;
      }
    });
    if (repaired) opts.onRepair?.(name, repaired);
  } else if (strings > 0 && strings === entries.length) {
    yield { kind: 'reject', location: name, reason: `not valid daily_papers JSON: ${shape} (use --repair to decode them)` };
    return;
  }
  const day = dayFromFileName(name);
  for (let i = 0; i < entries.length; i++) {
    const r = hfEntryToInput(entries[i], day);
    if (typeof r === 'string') yield { kind: 'reject', location: `${name}#${i}`, reason: r };
    else yield { kind: 'paper', paper: r, location: `${name}#${i}` };
  }
}

/**
 * Read day files and directories of them (sorted by name), yielding a checkpoint after each file.
 * @example for await (const item of readHfDaily(['data/hf-daily-papers'])) …
 */
export async function* readHfDaily(paths: string[], opts: HfReadOptions = {}): AsyncGenerator<SourceItem> {
  const files = listInputFiles(paths, (n) => n.endsWith('.json') || n.endsWith('.json.gz'));
  const estimate = createTotalEstimator(files);
  let records = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    let text: string;
    try {
      // `-` is standard input: `curl …/api/daily_papers | paperboy ingest hf-daily -`.
      if (file === '-') text = await readStdin(MAX_DAY_FILE_BYTES);
      else {
        const size = (await fs.promises.stat(file)).size;
        if (size > MAX_DAY_FILE_BYTES) throw new RangeError(`${size.toLocaleString('en-US')} bytes`);
        // Archives are often kept compressed: `2025-10-29.json.gz` reads like `2025-10-29.json`.
        const bytes = await fs.promises.readFile(file);
        text = (file.endsWith('.gz') ? await gunzip(bytes, { maxOutputLength: MAX_DAY_FILE_BYTES }) : bytes).toString('utf8');
      }
    } catch (e) {
      const reason = e instanceof RangeError ? `too large (${e.message.startsWith('Cannot') ? 'decompressed' : e.message}): a day file may hold at most ${MAX_DAY_FILE_BYTES.toLocaleString('en-US')} bytes` : `cannot read file: ${messageOf(e)}`;
      yield { kind: 'reject', location: displayName(file), reason };
      continue;
    }
    for (const item of parseHfDailyText(text, displayName(file), opts)) {
      records++;
      yield item;
    }
    yield { kind: 'checkpoint', note: `${displayName(file)} (${i + 1}/${files.length} files)`, total: estimate(i + 1, records) };
  }
}
