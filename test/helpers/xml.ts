/**
 * A strict XML 1.0 parse (saxes: well-formedness, legal characters, namespaces) into a tiny element
 * tree, for tests that check documents the way a conforming reader sees them. Any error throws with
 * the line and column saxes reports.
 */
import { SaxesParser } from 'saxes';

export interface El {
  /** Qualified name as written, e.g. `dc:creator`. */
  name: string;
  /** Namespace URI and local name. */
  uri: string;
  local: string;
  attrs: Record<string, string>;
  children: El[];
  /** The element's own character data (CDATA included), concatenated. */
  text: string;
}

export function parseXml(doc: string): El {
  const parser = new SaxesParser({ xmlns: true });
  const stack: El[] = [];
  let root: El | undefined;
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (t) => {
    const attrs: Record<string, string> = {};
    for (const [k, a] of Object.entries(t.attributes)) attrs[k] = a.value;
    const el: El = { name: t.name, uri: t.uri ?? '', local: t.local ?? t.name, attrs, children: [], text: '' };
    if (stack.length) stack.at(-1)!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (s: string) => {
    if (stack.length) stack.at(-1)!.text += s;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(doc).close();
  if (error) throw error;
  if (!root) throw new Error('no root element');
  return root;
}

/** Direct children named `name` (qualified name as written). */
export function kids(el: El, name: string): El[] {
  return el.children.filter((c) => c.name === name);
}

/** The first direct child named `name`; throws when absent. */
export function kid(el: El, name: string): El {
  const c = el.children.find((x) => x.name === name);
  if (!c) throw new Error(`<${el.name}> has no <${name}> (has ${el.children.map((x) => x.name).join(', ')})`);
  return c;
}
