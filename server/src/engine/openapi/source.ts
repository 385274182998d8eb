/**
 * Spec files with exact source positions, at the cost of a plain parse.
 *
 * A spec is turned into plain JS values (what rules read) plus a *locator* that maps a JSON
 * pointer back to the exact key or value in the file. Positions are computed on demand and
 * cached per visited object, so a 13 MB document costs one `JSON.parse` up front and, for each
 * finding, a scan of the objects on its pointer path (each object's members are scanned once,
 * then remembered): linear in the document, never quadratic.
 *
 * - JSON: `JSON.parse` for the values (fastest parse there is; JSON never goes through the YAML
 *   parser), and a skipping scanner over the text for positions. A syntax error is located by the
 *   strict position-keeping parser in ../jsonpos.
 * - YAML: the `yaml` package's document (node ranges), `toJS` for the values; aliases are capped
 *   (alias bombs), duplicate keys and syntax errors are reported with their positions.
 */
import { parseDocument, isAlias, isMap, isPair, isScalar, isSeq, visit, type Document, type Node as YamlNode, type YAMLMap } from 'yaml';
import { JsonSyntaxError, parseJsonWithPositions } from '../jsonpos';
import type { SourceLocation } from '../model';
import { LineIndex, makeLocation } from '../parse';

export type Segment = string;

export interface SpecSyntaxProblem {
  message: string;
  location: SourceLocation;
}

export interface SpecFile {
  /** Absolute path. */
  file: string;
  format: 'json' | 'yaml';
  text: string;
  /** The parsed value, or undefined when the text cannot be parsed (see `problems`). */
  root: unknown;
  problems: SpecSyntaxProblem[];
  /** Location of the node at `pointer`: its key when it is an object member (where a squiggle belongs), else its value. Falls back to the nearest existing ancestor. */
  locate(pointer: readonly Segment[]): SourceLocation;
  /** Location of the value at `pointer` (whole object or scalar). */
  locateValue(pointer: readonly Segment[]): SourceLocation;
  lines(): LineIndex;
}

export const MAX_ALIAS_COUNT = 200;

export function isYamlPath(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

export function parseSpecFile(file: string, text: string): SpecFile {
  return isYamlPath(file) ? parseYaml(file, text) : parseJson(file, text);
}

// -------------------------------------------------------------------------------------------
// JSON

function parseJson(file: string, text: string): SpecFile {
  let lineIndex: LineIndex | undefined;
  const lines = () => (lineIndex ??= new LineIndex(text));
  const problems: SpecSyntaxProblem[] = [];
  let root: unknown;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    root = JSON.parse(body);
  } catch {
    // Locate the problem with the strict parser (slower, only on failure).
    let offset = 0;
    let message = 'invalid JSON';
    try {
      parseJsonWithPositions(text);
    } catch (err) {
      if (err instanceof JsonSyntaxError) {
        offset = err.pos.offset;
        message = err.message;
      }
    }
    problems.push({ message, location: makeLocation(file, lines(), offset, Math.min(text.length, offset + 1)) });
  }
  const loc = new JsonLocator(text);
  const toLocation = (r: [number, number]) => makeLocation(file, lines(), r[0], r[1]);
  return {
    file,
    format: 'json',
    text,
    root,
    problems,
    locate: (p) => toLocation(loc.find(p, true)),
    locateValue: (p) => toLocation(loc.find(p, false)),
    lines,
  };
}

/** Finds keys and values of a valid JSON text by pointer, scanning and caching lazily. */
class JsonLocator {
  /** Object value start → member key → [keyStart, keyEnd, valueStart]. */
  private readonly objects = new Map<number, Map<string, [number, number, number]>>();
  private readonly arrays = new Map<number, number[]>();
  private readonly ends = new Map<number, number>();
  constructor(private readonly text: string) {}

  find(pointer: readonly Segment[], preferKey: boolean): [number, number] {
    let at = this.ws(this.text.charCodeAt(0) === 0xfeff ? 1 : 0);
    let keyRange: [number, number] | undefined;
    for (const seg of pointer) {
      const c = this.text.charCodeAt(at);
      if (c === 0x7b /* { */) {
        const m = this.members(at).get(seg);
        if (!m) break;
        keyRange = [m[0], m[1]];
        at = m[2];
      } else if (c === 0x5b /* [ */) {
        const items = this.items(at);
        const idx = /^\d+$/.test(seg) ? Number(seg) : -1;
        if (idx < 0 || idx >= items.length) break;
        keyRange = undefined;
        at = items[idx];
      } else break;
    }
    if (preferKey && keyRange) return keyRange;
    const c = this.text.charCodeAt(at);
    // Objects and arrays: their opening bracket (a whole-object range would cover pages).
    if (preferKey && (c === 0x7b || c === 0x5b)) return [at, at + 1];
    return [at, this.end(at)];
  }

  private ws(i: number): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return i;
    }
  }

  private stringEnd(i: number): number {
    const t = this.text;
    for (i++; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) return i + 1;
    }
    return t.length;
  }

  /** Offset just past the value starting at `i`. */
  end(i: number): number {
    const cached = this.ends.get(i);
    if (cached !== undefined) return cached;
    const t = this.text;
    const c = t.charCodeAt(i);
    let e: number;
    if (c === 0x22) e = this.stringEnd(i);
    else if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      let j = i;
      for (; j < t.length; j++) {
        const d = t.charCodeAt(j);
        if (d === 0x22) j = this.stringEnd(j) - 1;
        else if (d === 0x7b || d === 0x5b) depth++;
        else if (d === 0x7d || d === 0x5d) {
          if (--depth === 0) break;
        }
      }
      e = Math.min(t.length, j + 1);
    } else {
      let j = i;
      while (j < t.length && !/[\s,\]}]/.test(t[j])) j++;
      e = j;
    }
    if (c === 0x7b || c === 0x5b) this.ends.set(i, e);
    return e;
  }

  private members(start: number): Map<string, [number, number, number]> {
    let m = this.objects.get(start);
    if (m) return m;
    m = new Map();
    const t = this.text;
    let i = this.ws(start + 1);
    while (i < t.length && t.charCodeAt(i) === 0x22) {
      const ke = this.stringEnd(i);
      const raw = t.slice(i + 1, ke - 1);
      const key = raw.includes('\\') ? (JSON.parse(t.slice(i, ke)) as string) : raw;
      let j = this.ws(ke);
      j = this.ws(j + 1); // ':'
      m.set(key, [i, ke, j]); // JSON.parse keeps the last duplicate; so do we.
      j = this.ws(this.end(j));
      if (t.charCodeAt(j) === 0x2c) j = this.ws(j + 1);
      i = j;
    }
    this.objects.set(start, m);
    return m;
  }

  private items(start: number): number[] {
    let a = this.arrays.get(start);
    if (a) return a;
    a = [];
    const t = this.text;
    let i = this.ws(start + 1);
    while (i < t.length && t.charCodeAt(i) !== 0x5d) {
      a.push(i);
      i = this.ws(this.end(i));
      if (t.charCodeAt(i) === 0x2c) i = this.ws(i + 1);
      else break;
    }
    this.arrays.set(start, a);
    return a;
  }
}

// -------------------------------------------------------------------------------------------
// YAML

function parseYaml(file: string, text: string): SpecFile {
  let lineIndex: LineIndex | undefined;
  const lines = () => (lineIndex ??= new LineIndex(text));
  const problems: SpecSyntaxProblem[] = [];
  let doc: Document | undefined;
  let root: unknown;
  try {
    // yaml's own duplicate-key check compares every pair of a map (quadratic on a 5,000-path
    // spec); we check with a Set per map instead.
    doc = parseDocument(text, { merge: true, prettyErrors: false, strict: false, stringKeys: true, uniqueKeys: false });
    // The first syntax error is the cause; the ones after it are mostly its echoes.
    const first = doc.errors[0];
    if (first) {
      const [s, en] = first.pos;
      problems.push({ message: cleanYamlMessage(first.message), location: makeLocation(file, lines(), s, Math.max(s + 1, Math.min(en, text.length))) });
    }
    if (!problems.length) {
      visit(doc, {
        Map(_key, map) {
          const seen = new Set<string>();
          for (const item of map.items) {
            const k = item.key as YamlNode | null;
            const name = isScalar(k) ? String(k.value) : undefined;
            if (name === undefined || name === '<<') continue;
            if (seen.has(name) && k?.range) {
              problems.push({ message: `Map keys must be unique ('${name}' appears twice)`, location: makeLocation(file, lines(), k.range[0], k.range[1]) });
            }
            seen.add(name);
          }
        },
      });
    }
    if (!problems.length) root = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // toJS throws on alias bombs ("Excessive alias count") and on cyclic aliases.
    const e = err as Error;
    problems.push({ message: cleanYamlMessage(e.message), location: makeLocation(file, lines(), 0, Math.min(1, text.length)) });
    root = undefined;
  }
  const mapCache = new WeakMap<YAMLMap, Map<string, { key: YamlNode; value: YamlNode | null }>>();
  const entriesOf = (m: YAMLMap) => {
    let c = mapCache.get(m);
    if (!c) {
      c = new Map();
      for (const item of m.items) {
        if (!isPair(item)) continue;
        const k = item.key as YamlNode | null;
        const key = isScalar(k) ? String(k.value) : k == null ? '' : String(k);
        if (k && (item.value as YamlNode | null) !== undefined) c.set(key, { key: k, value: item.value as YamlNode | null });
      }
      mapCache.set(m, c);
    }
    return c;
  };
  const find = (pointer: readonly Segment[], preferKey: boolean): [number, number] => {
    let node: YamlNode | null | undefined = doc?.contents as YamlNode | null;
    let keyNode: YamlNode | undefined;
    for (const seg of pointer) {
      if (node && isAlias(node) && doc) node = node.resolve(doc) as YamlNode | undefined;
      if (node && isMap(node)) {
        const entry = entriesOf(node).get(seg);
        if (!entry) break;
        keyNode = entry.key;
        if (!entry.value) {
          node = undefined;
          break;
        }
        node = entry.value;
      } else if (node && isSeq(node)) {
        const idx = /^\d+$/.test(seg) ? Number(seg) : -1;
        const item = node.items[idx] as YamlNode | undefined;
        if (!item) break;
        keyNode = undefined;
        node = item;
      } else break;
    }
    if (preferKey && keyNode?.range) return [keyNode.range[0], keyNode.range[1]];
    if (node?.range) {
      const [s, e] = node.range;
      if (preferKey && (isMap(node) || isSeq(node))) {
        // First line of a block collection.
        const nl = text.indexOf('\n', s);
        return [s, nl > s && nl < e ? nl : e];
      }
      return [s, e];
    }
    if (keyNode?.range) return [keyNode.range[0], keyNode.range[1]];
    return [0, Math.min(1, text.length)];
  };
  const toLocation = (r: [number, number]) => makeLocation(file, lines(), r[0], Math.max(r[0], Math.min(r[1], text.length)));
  return {
    file,
    format: 'yaml',
    text,
    root,
    problems,
    locate: (p) => toLocation(find(p, true)),
    locateValue: (p) => toLocation(find(p, false)),
    lines,
  };
}

function cleanYamlMessage(m: string): string {
  // "Map keys must be unique at line 3, column 1:\n\n  code frame" → first line, no position (we give our own).
  return m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Quick content check: could this text be the root of an OpenAPI / Swagger document? */
export function looksLikeSpecRoot(file: string, text: string): boolean {
  if (isYamlPath(file)) return /^(?:["']?)(openapi|swagger)(?:["']?)\s*:/m.test(text);
  if (!/"(openapi|swagger)"\s*:/.test(text)) return false;
  return true;
}

/** JSON pointer segments of a `#/a/b~1c` fragment. */
export function pointerSegments(fragment: string): string[] | undefined {
  let f = fragment;
  if (f.startsWith('#')) f = f.slice(1);
  if (f === '' || f === '/') return f === '' ? [] : [''];
  if (!f.startsWith('/')) return undefined;
  try {
    return f
      .slice(1)
      .split('/')
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    return undefined;
  }
}

export function pointerString(pointer: readonly Segment[]): string {
  return '#/' + pointer.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}
