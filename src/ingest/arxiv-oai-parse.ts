/**
 * Reads one OAI-PMH `ListRecords` page in arXiv's `arXiv` metadata format into papers, rejections,
 * the resumption token and any OAI-PMH error. A record that is not well-formed is rejected on its
 * own; the rest of the page is still read.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import { cleanText, type PaperInput } from '../catalog/paper.ts';
import { toTimestamp } from '../catalog/dates.ts';
import { AppError } from '../errors.ts';

export interface OaiRecord {
  /** 1-based position in the page, for locations such as `page 2 record 7`. */
  index: number;
  /** The header identifier, `oai:arXiv.org:2401.00001`, when readable. */
  identifier: string | null;
  datestamp: string | null;
  sets: string[];
  /** `status="deleted"`: arXiv withdrew the item's metadata; there is nothing to import. */
  deleted: boolean;
  paper: PaperInput | null;
  /** Why the record cannot be imported, when paper is null and it is not deleted. */
  reason: string | null;
}

export interface OaiToken {
  /** Null or empty on the last page. */
  value: string | null;
  cursor: number | null;
  completeListSize: number | null;
}

export interface OaiPage {
  /** An OAI-PMH `<error code=…>`: noRecordsMatch, badResumptionToken, badArgument, … */
  error: { code: string; message: string } | null;
  records: OaiRecord[];
  token: OaiToken | null;
}

const ARRAYS = new Set(['record', 'setSpec', 'author', 'error']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Keep every value a string: `0704.0001` must not become the number 704.0001.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;

/** Text content of a parsed element, whether or not it carried attributes. */
export function textOf(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as Node)) return textOf((v as Node)['#text']);
  return null;
}

function asNode(v: unknown): Node | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : null;
}

function intOrNull(v: unknown): number | null {
  const s = textOf(v);
  return s && /^\d+$/.test(s) ? Number(s) : null;
}

/** "Forenames Keyname Suffix", the way arXiv prints names on an abstract page. */
function authorName(a: unknown): string | null {
  const n = asNode(a);
  if (!n) return cleanText(textOf(a));
  const parts = [textOf(n.forenames), textOf(n.keyname), textOf(n.suffix)].map((p) => cleanText(p)).filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

function readRecord(rec: Node, index: number): OaiRecord {
  const header = asNode(rec.header) ?? {};
  const identifier = cleanText(textOf(header.identifier));
  const out: OaiRecord = {
    index,
    identifier,
    datestamp: cleanText(textOf(header.datestamp)),
    sets: ((header.setSpec as unknown[]) ?? []).map((s) => textOf(s)).filter((s): s is string => Boolean(s)),
    deleted: textOf(header['@_status']) === 'deleted',
    paper: null,
    reason: null,
  };
  if (out.deleted) return out;
  const metadata = asNode(rec.metadata);
  if (!metadata) return { ...out, reason: 'record has no <metadata>' };
  const m = asNode(metadata.arXiv);
  if (!m) return { ...out, reason: 'record has no <arXiv> metadata (expected metadataPrefix=arXiv)' };
  const rawId = cleanText(textOf(m.id));
  if (!rawId) return { ...out, reason: 'missing <id>' };
  const id = tryParseArxivId(rawId);
  if (!id) return { ...out, reason: `invalid arXiv id ${JSON.stringify(rawId.slice(0, 60))} in <id>` };
  // Titles keep arXiv's line breaks (stored as the source wrote them; paper-fields.ts normalizes).
  const title = textOf(m.title);
  if (!cleanText(title)) return { ...out, reason: 'missing <title>' };
  const authors = ((asNode(m.authors)?.author as unknown[]) ?? []).map(authorName).filter((a): a is string => Boolean(a));
  out.paper = {
    arxivId: id.id,
    // The arXiv format describes the latest version without numbering it; null keeps the stored one.
    version: id.version,
    title: title!,
    abstract: textOf(m.abstract),
    authors,
    categories: (cleanText(textOf(m.categories)) ?? '').split(' ').filter(Boolean),
    publishedAt: toTimestamp(textOf(m.created)),
    updatedAt: toTimestamp(textOf(m.updated)),
    comment: textOf(m.comments),
    journalRef: textOf(m['journal-ref']),
    doi: textOf(m.doi),
    source: 'oai',
  };
  return out;
}

const RECORD = /<record\b[^>]*>[\s\S]*?<\/record>/g;

function validationMessage(xml: string): string | null {
  const v = XMLValidator.validate(xml);
  return v === true ? null : `${v.err.msg} (line ${v.err.line}, column ${v.err.col})`;
}

/**
 * Parse a ListRecords response.
 * @example const page = parseOaiPage(xml); page.records.filter((r) => r.paper).length
 * @throws AppError UPSTREAM_BAD_RESPONSE when the page itself (outside its records) is not OAI-PMH XML
 */
export function parseOaiPage(xml: string): OaiPage {
  let doc: Node;
  let records: OaiRecord[];
  if (validationMessage(xml) === null) {
    doc = parser.parse(xml) as Node;
    const list = asNode(asNode(doc['OAI-PMH'])?.ListRecords);
    records = ((list?.record as unknown[]) ?? []).map((r, i) => readRecord(asNode(r) ?? {}, i + 1));
  } else {
    // One bad record must not cost the page: read the envelope and each record on its own.
    const chunks = xml.match(RECORD) ?? [];
    const shell = xml.replace(RECORD, '');
    const shellProblem = validationMessage(shell);
    if (shellProblem) throw new AppError('UPSTREAM_BAD_RESPONSE', `the OAI-PMH response is not well-formed XML: ${shellProblem}`);
    doc = parser.parse(shell) as Node;
    records = chunks.map((chunk, i) => {
      const problem = validationMessage(chunk);
      if (problem) {
        const identifier = /<identifier>\s*([^<\s]+)\s*<\/identifier>/.exec(chunk)?.[1] ?? null;
        return { index: i + 1, identifier, datestamp: null, sets: [], deleted: false, paper: null, reason: `not well-formed XML in the record: ${problem}` };
      }
      const parsed = (parser.parse(chunk) as Node).record as unknown[] | undefined;
      return readRecord(asNode(parsed?.[0]) ?? {}, i + 1);
    });
  }
  const root = asNode(doc['OAI-PMH']);
  if (!root) throw new AppError('UPSTREAM_BAD_RESPONSE', 'the response is not an OAI-PMH document (no <OAI-PMH> root element)');
  const err = (root.error as unknown[] | undefined)?.[0];
  const error = err === undefined ? null : { code: textOf(asNode(err)?.['@_code']) ?? 'unknown', message: cleanText(textOf(err)) ?? '' };
  const list = asNode(root.ListRecords);
  let token: OaiToken | null = null;
  if (list && 'resumptionToken' in list) {
    const t = list.resumptionToken;
    const n = asNode(t);
    token = { value: cleanText(textOf(t)), cursor: intOrNull(n?.['@_cursor']), completeListSize: intOrNull(n?.['@_completeListSize']) };
  }
  if (!error && !list) throw new AppError('UPSTREAM_BAD_RESPONSE', 'the OAI-PMH response has neither <ListRecords> nor <error>');
  return { error, records, token };
}
