/**
 * A small, strict JSON parser (RFC 8259) that keeps the 1-based line and column of every value and
 * object key, so configuration errors can point at the offending text. No comments, no trailing
 * commas: the file is `.json` and editors validate it as such.
 */

export interface JsonPos {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  offset: number;
}

export interface JsonMember {
  key: string;
  keyPos: JsonPos;
  value: JsonValue;
}

export type JsonValue =
  | { kind: 'object'; pos: JsonPos; members: JsonMember[] }
  | { kind: 'array'; pos: JsonPos; items: JsonValue[] }
  | { kind: 'string'; pos: JsonPos; value: string }
  | { kind: 'number'; pos: JsonPos; value: number }
  | { kind: 'boolean'; pos: JsonPos; value: boolean }
  | { kind: 'null'; pos: JsonPos };

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: JsonPos,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 200;

/** Parse `text`; throws JsonSyntaxError with the position of the problem. A leading BOM is skipped. */
export function parseJsonWithPositions(text: string): JsonValue {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;

  const posAt = (offset: number): JsonPos => ({ line, column: offset - lineStart + 1, offset });
  const fail = (message: string, offset = i): never => {
    throw new JsonSyntaxError(message, posAt(offset));
  };
  const describe = (offset: number): string => {
    if (offset >= text.length) return 'end of file';
    const ch = text[offset];
    return /[\x20-\x7e]/.test(ch) ? `'${ch}'` : `character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  };

  const skipWs = (): void => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        line++;
        lineStart = i + 1;
      } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
        if (c === 0x2f && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON');
        return;
      }
    }
  };

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return out;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape in string');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          fail(`invalid escape sequence '\\${e ?? ''}' in string`);
        }
        continue;
      }
      if (c === 0x0a || c === 0x0d) fail('unterminated string (line break inside a string)', start);
      if (c < 0x20) fail('control character in string');
      out += text[i];
      i++;
    }
  };

  const parseNumber = (): number => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail(`unexpected ${describe(i)}`);
    const s = m![0];
    const next = text[i + s.length];
    if (next !== undefined && /[0-9A-Za-z_.]/.test(next)) fail(`invalid number`);
    i += s.length;
    return Number(s);
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('JSON nested too deeply');
    skipWs();
    const pos = posAt(i);
    const ch = text[i];
    if (ch === '{') {
      i++;
      const members: JsonMember[] = [];
      skipWs();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', pos, members };
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma is not allowed in JSON' : `expected a property name in double quotes, found ${describe(i)}`);
        const keyPos = posAt(i);
        const key = parseString();
        skipWs();
        if (text[i] !== ':') fail(`expected ':' after property name, found ${describe(i)}`);
        i++;
        const value = parseValue(depth + 1);
        members.push({ key, keyPos, value });
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', pos, members };
        }
        fail(`expected ',' or '}' in object, found ${describe(i)}`);
      }
    }
    if (ch === '[') {
      i++;
      const items: JsonValue[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', pos, items };
      }
      for (;;) {
        skipWs();
        if (text[i] === ']') fail('trailing comma is not allowed in JSON');
        items.push(parseValue(depth + 1));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', pos, items };
        }
        fail(`expected ',' or ']' in array, found ${describe(i)}`);
      }
    }
    if (ch === '"') return { kind: 'string', pos, value: parseString() };
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return { kind: 'number', pos, value: parseNumber() };
    for (const [word, node] of [
      ['true', { kind: 'boolean', pos, value: true }],
      ['false', { kind: 'boolean', pos, value: false }],
      ['null', { kind: 'null', pos }],
    ] as const) {
      if (text.startsWith(word, i) && !/[A-Za-z0-9_$]/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return node;
      }
    }
    return fail(i >= text.length ? 'unexpected end of file, expected a value' : `unexpected ${describe(i)}, expected a value`);
  };

  const root = parseValue(0);
  skipWs();
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
  return root;
}
