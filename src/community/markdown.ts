/**
 * Comments as safe HTML: Markdown (markdown-it, raw HTML off, images off) with math rendered on the
 * server by KaTeX to MathML, then sanitized by sanitize-html against an allowlist — a second line of
 * defence that also guarantees the output fits the strict CSP (no `style=` attributes, no inline
 * handlers, no scripts: KaTeX's error spans carry `style`, and it is removed here). Links get
 * `rel="nofollow ugc noopener"`; only http(s) and mailto links survive. `@handle` mentions of known
 * users become links to their profiles.
 *
 * Math: `$…$` inline (not next to a space inside, so "$5 and $6" stays text), `$$…$$` as a block;
 * `\$` is a literal dollar. KaTeX runs with trust off (no \href, \url, \htmlStyle …) and limits on
 * size and macro expansion, so a comment cannot make the server or the browser do unbounded work.
 */
import katex from 'katex';
import MarkdownIt, { type StateBlock, type StateInline } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

function tex(src: string, displayMode: boolean): string {
  return katex.renderToString(src, { output: 'mathml', displayMode, throwOnError: false, trust: false, strict: 'ignore', maxSize: 20, maxExpand: 200 });
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const s = state.src;
  const start = state.pos;
  if (s[start] !== '$' || s[start + 1] === '$') return false;
  const first = s[start + 1];
  if (first === undefined || first === ' ' || first === '\t' || first === '\n') return false;
  let end = start + 1;
  for (;;) {
    end = s.indexOf('$', end);
    if (end < 0) return false;
    if (s[end - 1] !== '\\') break;
    end += 1;
  }
  const body = s.slice(start + 1, end);
  if (/\s$/.test(body) || /^\d/.test(s.slice(end + 1, end + 2))) return false;
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = body;
  }
  state.pos = end + 1;
  return true;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineText = (n: number) => state.src.slice(state.bMarks[n]! + state.tShift[n]!, state.eMarks[n]);
  const first = lineText(startLine);
  if (!first.startsWith('$$')) return false;
  let content: string;
  let last = startLine;
  const rest = first.slice(2);
  if (rest.trimEnd().endsWith('$$') && rest.trim().length > 2) {
    content = rest.trimEnd().slice(0, -2);
  } else {
    const lines = [rest];
    let found = false;
    while (++last < endLine) {
      const l = lineText(last);
      if (l.trimEnd().endsWith('$$')) {
        lines.push(l.trimEnd().slice(0, -2));
        found = true;
        break;
      }
      lines.push(l);
    }
    if (!found) return false;
    content = lines.join('\n');
  }
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = content;
  token.map = [startLine, last + 1];
  state.line = last + 1;
  return true;
}

const HANDLE_AT = /^@([a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?)/;

function mention(known: ReadonlySet<string>) {
  return (state: StateInline, silent: boolean): boolean => {
    if (state.src[state.pos] !== '@') return false;
    const before = state.pos > 0 ? state.src[state.pos - 1]! : ' ';
    if (/[\w@./-]/.test(before)) return false;
    const m = HANDLE_AT.exec(state.src.slice(state.pos));
    if (!m || !known.has(m[1]!)) return false;
    if (!silent) {
      const open = state.push('link_open', 'a', 1);
      open.attrs = [['href', `/users/${m[1]}`], ['class', 'mention']];
      state.push('text', '', 0).content = m[0];
      state.push('link_close', 'a', -1);
    }
    state.pos += m[0].length;
    return true;
  };
}

function parser(known: ReadonlySet<string>): InstanceType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  md.disable(['image']);
  md.inline.ruler.after('escape', 'math_inline', mathInline);
  md.block.ruler.after('blockquote', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.inline.ruler.push('mention', mention(known));
  md.renderer.rules.math_inline = (tokens, i) => tex(tokens[i]!.content, false);
  md.renderer.rules.math_block = (tokens, i) => `<div class="math-block">${tex(tokens[i]!.content, true)}</div>\n`;
  return md;
}

const plain = parser(new Set());

const MATHML = [
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mo', 'mn', 'ms', 'mtext', 'mspace', 'msup', 'msub', 'msubsup', 'mfrac',
  'msqrt', 'mroot', 'mover', 'munder', 'munderover', 'mtable', 'mtr', 'mtd', 'mlabeledtr', 'mstyle', 'mpadded', 'mphantom',
  'menclose', 'merror', 'mmultiscripts', 'mprescripts', 'none',
];
const MATHML_ATTRS = [
  'xmlns', 'display', 'encoding', 'mathvariant', 'stretchy', 'fence', 'separator', 'lspace', 'rspace', 'width', 'height',
  'depth', 'columnalign', 'rowalign', 'columnspacing', 'rowspacing', 'columnlines', 'rowlines', 'frame', 'accent',
  'accentunder', 'minsize', 'maxsize', 'movablelimits', 'scriptlevel', 'displaystyle', 'linethickness', 'notation',
  'symmetric', 'largeop', 'voffset', 'form', 'mathcolor', 'mathbackground', 'mathsize',
];

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'em', 'strong', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h3', 'h4', 'h5', 'h6',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div', ...MATHML],
  allowedAttributes: {
    a: ['href', 'rel', 'class'],
    ol: ['start'],
    span: ['class'],
    div: ['class'],
    code: ['class'],
    ...Object.fromEntries(MATHML.map((t) => [t, MATHML_ATTRS])),
  },
  allowedClasses: { span: ['katex', 'katex-mathml', 'katex-error'], div: ['math-block'], a: ['mention'], code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  allowedStyles: {},
  // Headings stay below the page's own (h1 title, h2 sections).
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    a: (tagName, attribs) => ({
      tagName,
      attribs: attribs.class === 'mention' && attribs.href?.startsWith('/users/') ? attribs : { ...attribs, rel: 'nofollow ugc noopener', class: '' },
    }),
  },
  exclusiveFilter: (frame) => frame.tag === 'a' && !frame.attribs.href,
};

export interface Rendered {
  html: string;
  /** Links to other sites (new accounts have a limit). */
  links: number;
}

/**
 * Markdown → sanitized HTML. `knownHandles`: the handles that exist (their mentions become links).
 * @example renderComment('Nice: $e^{i\\pi}+1=0$').html // '<p>Nice: <span class="katex"><math …'
 */
export function renderComment(source: string, knownHandles: ReadonlySet<string> = new Set()): Rendered {
  const md = knownHandles.size ? parser(knownHandles) : plain;
  const html = sanitizeHtml(md.render(source), SANITIZE).replace(/ class=""/g, '');
  const links = (html.match(/<a href="(?:https?:|mailto:)/g) ?? []).length;
  return { html, links };
}

/** The handles a comment mentions (`@name`), to look up before rendering and to notify. */
export function mentionedHandles(source: string): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(/(?:^|[^\w@./-])@([a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?)/g)) out.add(m[1]!);
  return [...out];
}
