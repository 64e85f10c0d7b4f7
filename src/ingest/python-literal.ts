/**
 * A reader for Python literals (what `repr()` of a dict prints): some archived daily files hold
 * `str(entry)` instead of JSON. Only literals — dict, list, tuple, str, int, float, True, False,
 * None — nothing is evaluated.
 */

/**
 * Parse one Python literal into the equivalent JSON value.
 * @example parsePythonLiteral("{'id': '2412.07730', 'hidden': False}") // { id: '2412.07730', hidden: false }
 * @throws Error naming the offset and what was expected
 */
export function parsePythonLiteral(src: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    // eslint-disable-next-line no-restricted-syntax -- caught by the hf-daily reader, which rejects the record with this message
    throw new Error(`Python literal: expected ${what} at offset ${i} (near ${JSON.stringify(src.slice(i, i + 20))})`);
  };
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };

  const parseString = (): string => {
    const quote = src[i]!;
    i++;
    let out = '';
    while (i < src.length && src[i] !== quote) {
      const c = src[i]!;
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = src[i + 1];
      i += 2;
      const hex = (n: number) => {
        const h = src.slice(i, i + n);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) fail(`${n} hex digits`);
        i += n;
        return String.fromCodePoint(parseInt(h, 16));
      };
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === '0') out += '\0';
      else if (e === 'x') out += hex(2);
      else if (e === 'u') out += hex(4);
      else if (e === 'U') out += hex(8);
      else if (e === '\\' || e === "'" || e === '"') out += e;
      else if (e === '\n') out += '';
      else out += `\\${e ?? ''}`; // Python keeps unknown escapes as written.
    }
    if (src[i] !== quote) fail(`closing ${quote}`);
    i++;
    return out;
  };

  const parseSeq = (close: string): unknown[] => {
    i++;
    const items: unknown[] = [];
    ws();
    while (src[i] !== close) {
      items.push(value());
      ws();
      if (src[i] === ',') {
        i++;
        ws();
      } else if (src[i] !== close) fail(`, or ${close}`);
    }
    i++;
    return items;
  };

  const parseDict = (): Record<string, unknown> => {
    i++;
    const obj: Record<string, unknown> = {};
    ws();
    while (src[i] !== '}') {
      const k = value();
      ws();
      if (src[i] !== ':') fail(':');
      i++;
      obj[String(k)] = value();
      ws();
      if (src[i] === ',') {
        i++;
        ws();
      } else if (src[i] !== '}') fail(', or }');
    }
    i++;
    return obj;
  };

  function value(): unknown {
    ws();
    const c = src[i];
    if (c === '{') return parseDict();
    if (c === '[') return parseSeq(']');
    if (c === '(') return parseSeq(')');
    if (c === "'" || c === '"') return parseString();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (src.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 40));
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    return fail('a value');
  }

  const v = value();
  ws();
  if (i !== src.length) fail('end of input');
  return v;
}
