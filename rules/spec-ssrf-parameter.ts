import { isObject, pointerString, schemaTypes, walkSchema, type Evidence, type Rule, type RuleContext, type SchemaVisit, type Severity, type SourceLocation, type SpecDocument, type SpecNode, type SpecOperation, type SpecParameter } from '../server/src/engine';
import { allOfMembers, keyOf, PARAM_LABEL, placeOf, Places, type Walker } from './spec-helpers';

/**
 * spec-ssrf-parameter: request inputs that carry a URL (webhooks, callbacks, imports, image
 * URLs, redirect targets) must be restricted to known hosts (enum / const / an anchored pattern
 * that fixes the host), or, for redirects, to relative paths.
 */
export const specSsrfParameter: Rule = {
  meta: {
    id: 'spec-ssrf-parameter',
    description: 'Restrict request inputs that carry a URL (webhooks, callbacks, imports, redirects) to known hosts or relative paths in the OpenAPI document.',
    defaultSeverity: 'warning',
    owasp: ['API7:2023'],
    cwe: ['CWE-918', 'CWE-601'],
    docs: 'rules/spec-ssrf-parameter.md',
    messages: {
      fetch: '{{where}} is a URL the server may fetch ({{why}}): a client can point it at internal services or cloud metadata such as http://169.254.169.254/ (SSRF); restrict it to known hosts with an enum or an anchored pattern such as ^https://hooks\\.example\\.com/.',
      redirect: '{{where}} is a redirect target ({{why}}): a client can send users to any site (open redirect: phishing, stolen OAuth codes and tokens); allow only relative paths with a pattern such as ^/[^/\\\\], or known hosts with an anchored pattern or an enum.',
    },
  },
  check(context: RuleContext) {
    const walker = context.model.specLoader;
    const places = new Places<Hit>((h) => placeOf(h.location), 'first');
    /** Judgements per parameter and per body schema: what many operations share is judged once. */
    const cache = new Map<string, Hit[]>();
    /** One object per place, so the cached lists of big shared graphs stay small. */
    const interned = new Map<string, Hit>();
    const judged = (key: string, judge: (add: (h: Hit) => void) => void): Hit[] => {
      let hits = cache.get(key);
      if (!hits) {
        const list: Hit[] = [];
        judge((h) => {
          const k = `${h.location.file}:${h.location.range[0]}`;
          if (!interned.has(k)) interned.set(k, h);
          list.push(interned.get(k)!);
        });
        cache.set(key, (hits = list));
      }
      return hits;
    };
    for (const doc of context.model.specs) {
      for (const op of doc.operations) {
        for (const p of op.parameters) {
          if (p.in === 'body') continue; // the request body, below
          const hits = judged(`${doc.version}|${keyOf(p.node)}`, (add) => {
            for (const { schema, raw } of parameterSchemas(walker, doc, p)) {
              const u = urlInput(walker, doc, p.name, schema, raw);
              if (u) add({ ...u, subject: `${PARAM_LABEL[p.in] ?? 'Parameter'} '${p.name}'`, location: p.node.file.locateValue([...p.node.pointer, 'name']) });
            }
          });
          for (const h of hits) places.add(h, op);
        }
        for (const m of op.requestBody?.media ?? []) {
          if (!m.schema) continue;
          const hits = judged(`${doc.version}|${keyOf(m.schema)}`, (add) => {
            walkSchema(walker, m.schema, (v: SchemaVisit) => {
              if (v.node.value.readOnly === true) return false; // not accepted in requests
              const props = walker.child(v.node, 'properties');
              if (!props || !isObject(props.value)) return;
              for (const name of Object.keys(props.value)) {
                const u = urlInput(walker, doc, name, walker.get(props, name), props.value[name]);
                if (u) add({ ...u, subject: `Request body property '${propertyPath([...v.path, name])}'`, location: props.file.locate([...props.pointer, name]) });
              }
            });
          });
          for (const h of hits) places.add(h, op);
        }
      }
    }
    for (const { hit, where, ops } of places.all()) {
      const evidence: Evidence[] = [...hit.evidence, ...ops.map((o) => ({ message: `accepted by ${o.method} ${o.path}`, location: o.location }))];
      context.report({ messageId: hit.kind, data: { where: `${hit.subject} of ${where}`, why: hit.why }, severity: hit.severity, location: hit.location, route: null, evidence });
    }
  },
};


interface UrlInput {
  kind: 'fetch' | 'redirect';
  /** `named 'webhookUrl'`, `format: uri`, `a list of URLs, format: uri`. */
  why: string;
  evidence: Evidence[];
  severity: Severity;
}

interface Hit extends UrlInput {
  subject: string;
  location: SourceLocation;
}



/** Names that carry a URL (compared lower case without `_` / `-`). */
const URL_NAMES = new Set([
  'url', 'uri', 'href', 'link', 'callback', 'webhook', 'endpoint', 'feed',
  'redirect', 'redirectto', 'returnto',
]);
/** Names that carry a URL only sometimes: reported when the schema also says `format: uri`. */
const AMBIGUOUS_NAMES = new Set(['next', 'dest', 'destination', 'target']);
const URL_FORMATS = new Set(['uri', 'uri-reference', 'url', 'iri', 'iri-reference']);
/** Formats that say the value is something else than a URL. */
const OTHER_FORMATS = new Set(['uuid', 'email', 'idn-email', 'date', 'date-time', 'time', 'duration', 'ipv4', 'ipv6', 'hostname', 'idn-hostname', 'byte', 'binary', 'password', 'int32', 'int64', 'regex', 'json-pointer', 'uri-template']);

function norm(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

/** `url`, `webhookUrl`, `image_url`, `redirectUri`, `RETURN_URL`: a URL by its name. */
function urlName(name: string): boolean {
  const n = norm(name);
  if (URL_NAMES.has(n)) return true;
  // A `Url` / `Uri` word at the end: camelCase, snake_case, kebab-case, SCREAMING_CASE.
  return /(?:[a-z0-9](?:Url|URL|Uri|URI)|[_-](?:url|uri|URL|URI))$/.test(name);
}

function redirectName(name: string): boolean {
  const n = norm(name);
  return /^(?:redirect|return|next|continue|goto)/.test(n) || /^(?:success|cancel|failure|error|logout|login|postlogout|back)(?:url|uri)$/.test(n);
}

/** Is this property or parameter a URL input left open? */
function urlInput(walker: Walker, doc: SpecDocument, name: string, node: SpecNode | undefined, raw: unknown, list?: string): UrlInput | undefined {
  if (!node || !isObject(node.value)) return undefined;
  const members = allOfMembers(walker, node);
  const kw: Record<string, any> = {};
  const from: Record<string, SpecNode> = {};
  for (let i = members.length - 1; i >= 0; i--) {
    for (const [k, val] of Object.entries(members[i].value)) {
      kw[k] = val;
      from[k] = members[i];
    }
  }
  // 3.1: keywords next to a $ref apply too.
  if (doc.version === '3.1' && isObject(raw) && typeof raw.$ref === 'string') for (const [k, val] of Object.entries(raw)) if (k !== '$ref') kw[k] = val;
  if (kw.readOnly === true) return undefined;
  const types = schemaTypes(kw);
  if (!list && types.includes('array') && !types.includes('string')) {
    const owner = members.find((m) => m.value.items !== undefined);
    if (!owner) return undefined;
    const singular = name.replace(/(?<=[a-z])s$/i, '');
    return urlInput(walker, doc, singular, walker.get(owner, 'items'), owner.value.items, name);
  }
  if (types.length && !types.includes('string')) return undefined;
  if (kw.enum !== undefined || kw.const !== undefined) return undefined;
  const format = typeof kw.format === 'string' ? kw.format : undefined;
  if (format && OTHER_FORMATS.has(format)) return undefined;
  const byFormat = format !== undefined && URL_FORMATS.has(format);
  const byName = urlName(name) || (byFormat && AMBIGUOUS_NAMES.has(norm(name)));
  if (!byName && !byFormat) return undefined;
  const redirect = redirectName(name);
  const pattern = typeof kw.pattern === 'string' ? kw.pattern : undefined;
  const evidence: Evidence[] = [];
  let patternNote = '';
  if (pattern !== undefined) {
    if (fixesHost(pattern) || cannotBeUrl(pattern) || fixesOtherScheme(pattern) || (redirect && relativeOnly(pattern))) return undefined;
    patternNote = fixesHost(pattern.replace(/(?<!\\)\./g, '\\.'))
      ? `its pattern ${pattern} leaves a '.' of the host unescaped, which matches any character`
      : `its pattern ${pattern} does not fix the host${redirect ? ' nor keep the target relative' : ''}`;
    const at = from.pattern;
    evidence.push({ message: patternNote, location: at ? at.file.locateValue([...at.pointer, 'pattern']) : undefined });
  }
  if (byFormat && from.format) evidence.unshift({ message: `format: ${format}`, location: from.format.file.locateValue([...from.format.pointer, 'format']) });
  const reasons = [...(byName ? [`named '${list ?? name}'`] : []), ...(byFormat ? [`format: ${format}`] : [])];
  const why = (list ? 'a list of URLs, ' : '') + reasons.join(', ') + (patternNote ? `; ${patternNote}` : '');
  return { kind: redirect ? 'redirect' : 'fetch', why, evidence, severity: 'warning' };
}

/** A parameter's schemas: 2.0 the parameter itself, 3.x `schema`, or the schemas under `content`. */
function parameterSchemas(walker: Walker, doc: SpecDocument, p: SpecParameter): Array<{ schema: SpecNode; raw: unknown }> {
  if (doc.version === '2.0') return p.schema ? [{ schema: p.schema, raw: p.schema.value }] : [];
  if (p.node.value.schema !== undefined) return p.schema ? [{ schema: p.schema, raw: p.node.value.schema }] : [];
  const content = walker.child(p.node, 'content');
  if (!content || !isObject(content.value)) return [];
  const out: Array<{ schema: SpecNode; raw: unknown }> = [];
  for (const mt of Object.keys(content.value)) {
    const media = walker.get(content, mt);
    const s = walker.get(media, 'schema');
    if (s && media) out.push({ schema: s, raw: media.value.schema });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Patterns

const SCHEMES = ['https?', 'https', 'http', '(https?)', '(?:https?)', '(https|http)', '(http|https)', '(?:https|http)', '(?:http|https)'];

/**
 * Does an anchored pattern fix the host? `^https://hooks\.example\.com/`, `^https?://api\.x\.io(/.*)?$`,
 * `^https://([a-z0-9-]+\.)*example\.com/`. An unescaped `.` in the host (`hooks.example.com`
 * also matches `hooksXexample.com`) or a host not followed by `/`, `?`, `#`, a port or the end
 * (`^https://example\.com` also matches `https://example.com.evil.net`) does not.
 */
export function fixesHost(p: string): boolean {
  if (!p.startsWith('^')) return false;
  let s = p.slice(1);
  const scheme = SCHEMES.filter((x) => s.startsWith(x)).sort((a, b) => b.length - a.length)[0];
  if (scheme === undefined) return false;
  s = s.slice(scheme.length);
  const sep = /^:(?:\/\/|\\\/\\\/)/.exec(s);
  if (!sep) return false;
  s = s.slice(sep[0].length);
  const sub = /^\((?:\?:)?\[[A-Za-z0-9_-]+\][+*]\\\.\)[*?]/.exec(s);
  if (sub) s = s.slice(sub[0].length);
  const host = /^(?:[A-Za-z0-9-]|\\\.)+/.exec(s);
  if (!host || host[0].startsWith('\\.') || host[0].endsWith('\\.')) return false;
  s = s.slice(host[0].length);
  const port = /^:(?:\d+|\\d\+|\[0-9\]\+|\\d\{\d+(?:,\d+)?\})/.exec(s);
  if (port) s = s.slice(port[0].length);
  return hostEnds(s);
}

/** URL schemes a server-side HTTP client or URL library can be made to fetch (or a browser to open). */
const FETCHABLE_SCHEMES = ['http', 'https', 'ftp', 'ftps', 'sftp', 'file', 'gopher', 'dict', 'ldap', 'ldaps', 'tftp', 'ws', 'wss', 'smb', 'scp', 'telnet', 'jar', 'netdoc', 'data', 'javascript'];

/**
 * Does an anchored pattern fix a scheme that cannot be fetched? `^pkg:` (package URLs), `^urn:`,
 * `^mailto:`: the value starts with a literal of letters that neither starts nor continues any
 * fetchable scheme, and is not protocol-relative.
 */
export function fixesOtherScheme(p: string): boolean {
  if (splitTop(p).length > 1) return false; // `^pkg|http` anchors only its first alternative
  const m = /^\^([A-Za-z][A-Za-z0-9-]*)/.exec(p);
  if (!m) return false;
  let lit = m[1].toLowerCase();
  // A quantifier after the literal can drop its last character (`^pkgs?`, `^pkgx*`).
  if (/^[?*{]/.test(p.slice(m[0].length))) lit = lit.slice(0, -1);
  if (lit.length < 3) return false;
  return !FETCHABLE_SCHEMES.some((s) => s.startsWith(lit) || lit.startsWith(s));
}

/** What follows the host ends it: `/`, `?`, `#`, the end, or a group whose every branch starts so. */
function hostEnds(s: string): boolean {
  if (s.startsWith('$') || s.startsWith('/') || s.startsWith('\\/') || s.startsWith('\\?') || s.startsWith('#')) return true;
  if (/^\[(?:[/?#]|\\[/?#])+\]/.test(s)) return true;
  if (!s.startsWith('(')) return false;
  const end = groupEnd(s);
  if (end < 0) return false;
  const inner = s.slice(1, end).replace(/^\?:/, '');
  if (!splitTop(inner).every((alt) => alt !== '' && hostEnds(alt))) return false;
  const after = s.slice(end + 1);
  return /^[?*]/.test(after) ? hostEnds(after.slice(1)) : true;
}

/**
 * For redirects: does an anchored pattern keep the target a relative path? `^/[^/\\]`,
 * `^/(?![/\\])`, `^/[a-z]`, `^/$`. Plain `^/` does not (`//evil.example` is another site, and
 * browsers read `/\evil.example` the same way).
 */
export function relativeOnly(p: string): boolean {
  if (!p.startsWith('^/')) return false;
  return relativeRest(p.slice(2));
}

function relativeRest(s: string): boolean {
  if (s.startsWith('$')) return true;
  const optional = (rest: string) => /^(?:[?*]|\{0)/.test(rest);
  const lit = /^(?:[A-Za-z0-9_-]|\\[wd])/.exec(s);
  if (lit) return !optional(s.slice(lit[0].length));
  const cls = /^\[(\^?)((?:\\.|[^\]\\])*)\]/.exec(s);
  if (cls) {
    const body = cls[2];
    const ok = cls[1] ? (body.includes('/') && body.includes('\\\\')) : /^(?:[A-Za-z0-9_.~%-]|\\[wd.\-_])+$/.test(body);
    return ok && !optional(s.slice(cls[0].length));
  }
  const look = /^\(\?!([^)]*)\)/.exec(s);
  if (look) {
    const inner = look[1].replace(/\\\//g, '/');
    return ['[/\\\\]', '[\\\\/]', '/|\\\\', '\\\\|/'].includes(inner);
  }
  if (s.startsWith('(')) {
    const end = groupEnd(s);
    if (end < 0 || optional(s.slice(end + 1))) return false;
    return splitTop(s.slice(1, end).replace(/^\?:/, '')).every((alt) => alt !== '' && relativeRest(alt));
  }
  return false;
}

/**
 * An anchored pattern (`^…$`, no top-level `|`) that cannot produce `:`, `/` or `\`: the value is
 * a plain name (`^[A-Za-z_$][\w$]*$` for a JSONP callback), never a URL.
 */
export function cannotBeUrl(p: string): boolean {
  if (!p.startsWith('^') || !p.endsWith('$') || p.endsWith('\\$')) return false;
  const body = p.slice(1, -1);
  if (splitTop(body).length > 1) return false;
  const banned = (code: number) => code === 0x2f || code === 0x3a || code === 0x5c;
  let inClass = false;
  let negated = false;
  let prev = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const e = body[++i];
      if (e === undefined || 'WSDxucpPk/\\'.includes(e)) return false;
      prev = 'wdsbB'.includes(e) ? -1 : e.charCodeAt(0);
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        if (negated) return false;
        continue;
      }
      if (c === '-' && prev >= 0 && body[i + 1] !== ']' && body[i + 1] !== undefined) {
        const hi = body[i + 1] === '\\' ? body.charCodeAt(i + 2) : body.charCodeAt(i + 1);
        for (const b of [0x2f, 0x3a, 0x5c]) if (b >= prev && b <= hi) return false;
        continue;
      }
      if (banned(c.charCodeAt(0))) return false;
      prev = c.charCodeAt(0);
      continue;
    }
    if (c === '[') {
      inClass = true;
      negated = body[i + 1] === '^';
      if (negated) i++;
      prev = -1;
      continue;
    }
    if (c === '.' || banned(c.charCodeAt(0))) return false;
  }
  return !inClass;
}

/** Index of the `)` closing the group that opens at s[0], or -1. */
function groupEnd(s: string): number {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Alternatives of a pattern at its top level (`|` outside groups and classes). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

// ---------------------------------------------------------------------------------------------



function propertyPath(path: string[]): string {
  let text = '';
  // Deep paths through shared schemas: the last segments say enough.
  for (const seg of path.length > 8 ? ['…', ...path.slice(-6)] : path) text += seg === '[]' ? '[]' : text ? `.${seg}` : seg;
  return text;
}
