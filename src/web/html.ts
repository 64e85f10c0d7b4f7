/**
 * HTML by tagged template: every interpolated value is escaped unless it is itself `Html` built by
 * this tag (or explicitly `raw()` for trusted markup). Escaping is the default, not an option.
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

/**
 * A tagged template whose interpolations are escaped unless they are already `Markup` of its own kind;
 * html`…` here and xml`…` in xml.ts are its two instances.
 */
export function markupTag<M extends { readonly value: string }, V>(Markup: new (value: string) => M, escape: (s: string) => string) {
  const render = (v: unknown): string => {
    if (v == null || v === false) return '';
    if (v instanceof Markup) return v.value;
    if (Array.isArray(v)) return v.map(render).join('');
    return escape(String(v));
  };
  return (strings: TemplateStringsArray, ...values: V[]): M => {
    let out = strings[0]!;
    for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
    return new Markup(out);
  };
}

/**
 * @example html`<a href="${url}">${title}</a>` // both escaped
 */
export const html = markupTag<Html, Value>(Html, escapeHtml);

/** Mark trusted markup (our own constants, sanitizer output) as already safe. */
export function raw(s: string): Html {
  return new Html(s);
}

/** An external link target: only http(s) URLs pass, so stored data can never inject `javascript:`. */
export function safeUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
}
