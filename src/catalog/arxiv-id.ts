/**
 * arXiv identifiers: every spelling users and sources use, reduced to one canonical id plus version.
 */
import { AppError } from '../errors.ts';

export interface ArxivId {
  /** Canonical id without version: `2310.06511`, `hep-th/9901001`. */
  id: string;
  /** Version number, or null when the input named none. */
  version: number | null;
}

const NEW = /^(\d{2})(\d{2})\.(\d{4,5})(?:v(\d+))?$/;
// Old style: archive, optional subject class (not part of the identifier), YYMMNNN.
const OLD = /^([a-z]+(?:-[a-z]+)*)(?:\.[A-Za-z-]{2,})?\/(\d{2})(\d{2})(\d{3})(?:v(\d+))?$/;
const URL_FORM =
  /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html|format)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;
const HF_URL = /^(?:https?:\/\/)?huggingface\.co\/papers\/(.+?)\/?(?:[?#].*)?$/i;

/**
 * Parse any common form of an arXiv identifier.
 * @example parseArxivId('https://arxiv.org/pdf/2310.06511v2.pdf') // { id: '2310.06511', version: 2 }
 * @example parseArxivId('math.GT/0309136') // { id: 'math/0309136', version: null }
 * @throws AppError INVALID_ARXIV_ID saying what was wrong
 */
export function parseArxivId(input: string): ArxivId {
  const parsed = tryParseArxivId(input);
  if (!parsed) {
    const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
    throw new AppError('INVALID_ARXIV_ID', `not an arXiv identifier: ${JSON.stringify(shown)}`);
  }
  return parsed;
}

/** Like {@link parseArxivId} but returns null instead of throwing. */
export function tryParseArxivId(input: unknown): ArxivId | null {
  if (typeof input !== 'string') return null;
  let s = input.trim();
  if (s.length === 0 || s.length > 300) return null;
  const url = URL_FORM.exec(s) ?? HF_URL.exec(s);
  if (url) s = decodeURIComponent(url[1]!);
  s = s.replace(/^oai:arxiv\.org:/i, '').replace(/^arxiv:\s*/i, '');

  const n = NEW.exec(s);
  if (n) {
    const [, yy, mm, num, v] = n;
    const year = Number(yy);
    const month = Number(mm);
    if (month < 1 || month > 12) return null;
    // Four-digit numbers ran from 0704 to 1412; five-digit from 1501 on.
    if (num!.length === 4 && (year < 7 || year > 14 || (year === 7 && month < 4))) return null;
    if (num!.length === 5 && year < 15) return null;
    return { id: `${yy}${mm}.${num}`, version: versionOf(v) };
  }
  const o = OLD.exec(s);
  if (o) {
    const [, archive, yy, mm, num, v] = o;
    const month = Number(mm);
    const year = Number(yy);
    if (month < 1 || month > 12) return null;
    // Old-style ids were issued from 1991-08 to 2007-03.
    if (year > 7 && year < 91) return null;
    return { id: `${archive!.toLowerCase()}/${yy}${mm}${num}`, version: versionOf(v) };
  }
  return null;
}

function versionOf(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  return n >= 1 ? n : null;
}

/** The arXiv abstract page URL for a canonical id. */
export function absUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/abs/${id}${version ? `v${version}` : ''}`;
}

/** The arXiv PDF URL for a canonical id. */
export function pdfUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/pdf/${id}${version ? `v${version}` : ''}`;
}
