/**
 * The arXiv OAI-PMH harvester: `ListRecords` in the `arXiv` metadata format, page by page along
 * resumption tokens, with a checkpoint after every stored page so a killed harvest resumes.
 */
import { parseDay } from '../catalog/dates.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { parseOaiPage, type OaiPage } from './arxiv-oai-parse.ts';
import { clearCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoints.ts';
import type { HttpClient } from './http-client.ts';
import type { SourceItem } from './pipeline.ts';

export interface OaiHarvestOptions {
  store: Store;
  http: HttpClient;
  /** The OAI-PMH base URL, e.g. https://oaipmh.arxiv.org/oai */
  url: string;
  /** Datestamp range, inclusive, as YYYY-MM-DD (arXiv's granularity). */
  from?: string;
  until?: string;
  /** An arXiv set such as `cs` or `physics:hep-th`. */
  set?: string;
  info?: (line: string) => void;
}

/** What is stored after each page; the same arguments find it again. */
export interface OaiCheckpoint {
  resumptionToken: string | null;
  from: string | null;
  until: string | null;
  set: string | null;
  /** Pages completed and records read so far, across resumed runs. */
  page: number;
  harvested: number;
  /** The latest header datestamp seen: where to restart if the token has expired. */
  lastDatestamp: string | null;
}

/** The checkpoint key for a harvest's arguments. */
export function oaiCheckpointKey(url: string, set?: string, from?: string, until?: string): string {
  return `oai:${url}:${set ?? ''}:${from ?? ''}:${until ?? ''}`;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function checkDay(name: string, v: string | undefined): void {
  if (v !== undefined && !parseDay(v)) {
    throw new AppError('USAGE', `--${name} must be a day as YYYY-MM-DD, arXiv's datestamp granularity (got ${JSON.stringify(v.slice(0, 40))})`);
  }
}

function listUrl(base: string, cp: OaiCheckpoint, restartFrom: string | null): string {
  const u = new URL(base);
  u.searchParams.set('verb', 'ListRecords');
  if (cp.resumptionToken) {
    // The token carries every other argument; OAI-PMH forbids repeating them.
    u.searchParams.set('resumptionToken', cp.resumptionToken);
    return u.toString();
  }
  u.searchParams.set('metadataPrefix', 'arXiv');
  const from = restartFrom ?? cp.from;
  if (from) u.searchParams.set('from', from);
  if (cp.until) u.searchParams.set('until', cp.until);
  if (cp.set) u.searchParams.set('set', cp.set);
  return u.toString();
}

function rejectedError(page: OaiPage, cp: OaiCheckpoint): AppError {
  const e = page.error!;
  const args = `set=${cp.set ?? '(all)'}, from=${cp.from ?? '(start)'}, until=${cp.until ?? '(now)'}`;
  if (e.code === 'badArgument') return new AppError('UPSTREAM_REJECTED', `the OAI-PMH server rejected the arguments (${args}): ${e.message}`);
  if (e.code === 'cannotDisseminateFormat') {
    return new AppError('UPSTREAM_REJECTED', `the OAI-PMH server cannot provide metadataPrefix=arXiv (is --url an arXiv OAI-PMH endpoint?): ${e.message}`);
  }
  return new AppError('UPSTREAM_REJECTED', `OAI-PMH error ${e.code} (${args}): ${e.message}`);
}

/**
 * Harvest records as pipeline items. Resumes from a stored checkpoint for the same arguments;
 * clears it when the list is complete.
 * @example await ingest(store, 'oai', harvestOai({ store, http, url: config.oaiUrl, from: '2024-01-01', set: 'cs' }))
 * @throws AppError UPSTREAM_UNAVAILABLE after a run of failed requests (the checkpoint is kept), UPSTREAM_REJECTED on OAI-PMH errors, USAGE on bad dates
 */
export async function* harvestOai(o: OaiHarvestOptions): AsyncGenerator<SourceItem> {
  checkDay('from', o.from);
  checkDay('until', o.until);
  if (o.from && o.until && o.until < o.from) throw new AppError('USAGE', `--until (${o.until}) is before --from (${o.from})`);
  const info = o.info ?? (() => {});
  const key = oaiCheckpointKey(o.url, o.set, o.from, o.until);
  const saved = await loadCheckpoint<OaiCheckpoint>(o.store, key);
  const cp: OaiCheckpoint = saved ?? {
    resumptionToken: null, from: o.from ?? null, until: o.until ?? null, set: o.set ?? null, page: 0, harvested: 0, lastDatestamp: null,
  };
  // A checkpoint without a token (never written by us, but cheap to honour) restarts from its datestamp.
  let restartFrom: string | null = saved && !saved.resumptionToken ? saved.lastDatestamp : null;
  if (saved) info(`resuming the harvest from its checkpoint: page ${fmt(cp.page + 1)}, ${fmt(cp.harvested)} records read before`);
  let restarts = 0;

  while (true) {
    const pageNo = cp.page + 1;
    const url = listUrl(o.url, cp, restartFrom);
    let page: OaiPage;
    try {
      const res = await o.http.get(url, {
        label: `arXiv OAI-PMH at ${o.url}`,
        onWait: (ms, why) => info(`page ${fmt(pageNo)}, ${fmt(cp.harvested)} records, waiting ${Math.round(ms / 100) / 10} s: ${why}`),
        // A body cut short is a transport failure worth retrying, not bad data.
        accept: (r) => (/<\/OAI-PMH>\s*$/.test(r.text) ? null : 'truncated OAI-PMH response'),
      });
      if (res.status >= 300 && !/<OAI-PMH[\s>]/.test(res.text)) {
        throw new AppError('UPSTREAM_BAD_RESPONSE', `arXiv OAI-PMH at ${o.url} answered HTTP ${res.status} to ${url}`);
      }
      page = parseOaiPage(res.text);
    } catch (e) {
      if (!isAppError(e, 'UPSTREAM_UNAVAILABLE') && !isAppError(e, 'UPSTREAM_BAD_RESPONSE')) throw e;
      const where = cp.page > 0
        ? `the checkpoint is kept (${fmt(cp.page)} pages, ${fmt(cp.harvested)} records): run the same command again to resume at page ${fmt(pageNo)}`
        : 'no page was stored yet: run the same command again later';
      throw new AppError(e.code, `${e.message}; ${where}`, { cause: e, details: { ...e.details, checkpointKey: key, page: pageNo } });
    }

    if (page.error) {
      if (page.error.code === 'noRecordsMatch') {
        info(cp.page === 0 ? 'nothing to harvest: no records match these arguments' : 'harvest complete');
        await clearCheckpoint(o.store, key);
        return;
      }
      if (page.error.code === 'badResumptionToken' && cp.resumptionToken && restarts < 3) {
        // Tokens expire; everything up to the last datestamp is stored, and re-reading that day is idempotent.
        restarts += 1;
        restartFrom = cp.lastDatestamp ?? cp.from;
        info(`the resumption token has expired (${page.error.message || 'badResumptionToken'}); restarting from datestamp ${restartFrom ?? 'the beginning'}`);
        cp.resumptionToken = null;
        continue;
      }
      throw rejectedError(page, cp);
    }

    let deleted = 0;
    for (const r of page.records) {
      if (r.datestamp && (!cp.lastDatestamp || r.datestamp > cp.lastDatestamp)) cp.lastDatestamp = r.datestamp;
      if (r.deleted) {
        deleted += 1;
        continue;
      }
      const location = `page ${pageNo} record ${r.index}${r.identifier ? ` (${r.identifier})` : ''}`;
      if (r.paper) yield { kind: 'paper', paper: r.paper, location };
      else yield { kind: 'reject', reason: r.reason ?? 'unreadable record', location };
    }
    const next = page.token?.value ?? null;
    if (next !== null && next === cp.resumptionToken && page.records.length === 0) {
      // An empty page that hands back the token it was asked with would loop for ever.
      throw new AppError('UPSTREAM_BAD_RESPONSE', `arXiv OAI-PMH at ${o.url} returned an empty page ${pageNo} with the same resumptionToken ${JSON.stringify(next)}`);
    }
    cp.page = pageNo;
    cp.harvested += page.records.length;
    cp.resumptionToken = next;
    restartFrom = null;
    const total = page.token?.completeListSize;
    const note = `page ${fmt(pageNo)}: ${fmt(cp.harvested)}${total ? ` of ${fmt(total)}` : ''} records${deleted ? `, ${deleted} deleted upstream (skipped)` : ''}`;
    const snapshot: OaiCheckpoint = { ...cp };
    const done = !snapshot.resumptionToken;
    yield {
      kind: 'checkpoint',
      note,
      // Called by the pipeline once this page's records are stored.
      commit: () => (done ? clearCheckpoint(o.store, key) : saveCheckpoint(o.store, key, snapshot)),
    };
    if (done) {
      info(`harvest complete: ${fmt(cp.harvested)} records in ${fmt(cp.page)} pages`);
      return;
    }
  }
}
