import { isObject, pointerString, schemaTypes, walkSchema, type Evidence, type Rule, type RuleContext, type SchemaVisit, type Severity, type SourceLocation, type SpecDocument, type SpecNode, type SpecOperation, type SpecParameter } from '../server/src/engine';
import { allOfMembers, isEmptySchema, keyOf, PARAM_LABEL, placeOf, Places, type Walker } from './spec-helpers';

/**
 * spec-unbounded-input: request input (parameters and request bodies) must have upper bounds:
 * strings a maxLength (or an enum, a fixed-size format, an anchored pattern without unbounded
 * quantifiers), arrays a maxItems, numbers a maximum, bodies a schema at all.
 */
export const specUnboundedInput: Rule = {
  meta: {
    id: 'spec-unbounded-input',
    description: 'Give every request string a maxLength, every request array a maxItems and every request number a maximum in the OpenAPI document.',
    defaultSeverity: 'warning',
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-20'],
    docs: 'rules/spec-unbounded-input.md',
    messages: {
      string: '{{where}} accepts a string of any length{{detail}}: add maxLength (or an enum, a fixed-size format such as uuid or date-time, or a ^…$ pattern without * or +) so oversized values are rejected before they are stored or processed.',
      array: '{{where}} accepts an array of any length: add maxItems so one request cannot make the server allocate, validate and process an unbounded list.',
      number: '{{where}} has no maximum: add maximum (or an enum) so out-of-range values are rejected at the edge instead of deep in the code.',
      size: "{{where}} is a size, count or amount ('{{name}}') with no maximum: one request can make the server load, allocate or process an arbitrarily large quantity (a page of a million records, a batch of a million items); add maximum.",
      several: '{{where}} has no upper bound ({{missing}}): add them so oversized input is rejected before it costs memory, CPU or storage.',
      anyBody: '{{where}} accepts any {{mediaType}} body: no schema is declared, so nothing limits its shape, depth or size; declare a schema with bounds.',
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const walker = loader;
    const places = new Places<Hit>((h) => h.place);
    /** Findings per request schema: a schema shared by many operations is walked once. */
    const cache = new Map<string, Hit[]>();
    /** One object per place and judgement, so the cached lists of big shared graphs stay small. */
    const interned = new Map<string, Hit>();
    const memo: Memo = { members: new Map(), judged: new Map() };
    for (const doc of context.model.specs) {
      for (const op of doc.operations) {
        for (const input of requestInputs(loader, doc, op)) {
          if (input.kind === 'noSchema') {
            const location = loader.location(input.at);
            places.add({ kind: 'anyBody', severity: 'warning', subject: input.subject, location, place: placeOf(location), data: { mediaType: input.mediaType }, evidence: [] }, op);
            continue;
          }
          const key = `${doc.version}|${keyOf(input.schema)}|${input.subject}|${input.name ?? ''}`;
          let hits = cache.get(key);
          if (!hits) {
            const list: Hit[] = [];
            judgeTree(walker, doc, input.schema, input.subject, input.name, memo, (j, subject) => {
              let h = interned.get(j.id);
              if (!h) interned.set(j.id, (h = { ...j, subject: subject() }));
              list.push(h);
            });
            cache.set(key, (hits = list));
          }
          for (const h of hits) places.add(h, op);
        }
      }
    }
    for (const { hit, where, ops } of places.all()) {
      const evidence: Evidence[] = [...hit.evidence, ...ops.map((o) => ({ message: `accepted by ${o.method} ${o.path}`, location: o.location }))];
      // A path segment is already capped by the URL length limit of every server and proxy (8–16 KB):
      // an unbounded path string is worth knowing, not a warning (224 of them in GitHub's spec).
      const severity = hit.subject.startsWith('Path parameter') && hit.kind === 'string' ? 'info' : hit.severity;
      context.report({ messageId: hit.kind, data: { ...hit.data, where: `${hit.subject} of ${where}` }, severity, location: hit.location, route: null, evidence });
    }
  },
};

interface Hit {
  kind: 'string' | 'array' | 'number' | 'size' | 'several' | 'anyBody';
  severity: Severity;
  /** `Query parameter 'q'`, `Request body property 'items[].name'`. */
  subject: string;
  location: SourceLocation;
  /** `file:offset` of the location: one finding per place. */
  place: string;
  data: Record<string, string>;
  evidence: Evidence[];
}

/** Per-run memos: allOf members by schema, and judgements by schema and name (without inherited keywords). */
interface Memo {
  members: Map<string, SpecNode[]>;
  judged: Map<string, Judgement | null>;
}



type Reader = RuleContext['model']['specLoader'];

type RequestInput = { kind: 'schema'; schema: SpecNode; subject: string; name?: string } | { kind: 'noSchema'; at: SpecNode; mediaType: string; subject: string };

/** OpenAPI 3.x: header parameters with these names "SHALL be ignored". */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);


/** Everything a client sends to an operation that has (or should have) a schema. */
function requestInputs(loader: Reader, doc: SpecDocument, op: SpecOperation): RequestInput[] {
  const out: RequestInput[] = [];
  for (const p of op.parameters) {
    if (p.in === 'body') continue; // the request body, below
    if (doc.version !== '2.0' && p.in === 'header' && IGNORED_HEADERS.has(p.name.toLowerCase())) continue;
    const subject = `${PARAM_LABEL[p.in] ?? 'Parameter'} '${p.name}'`;
    for (const s of parameterSchemas(loader, doc, p)) out.push({ kind: 'schema', schema: s, subject, name: p.name });
  }
  for (const m of op.requestBody?.media ?? []) {
    const mediaType = doc.version === '2.0' ? consumes2(doc, op) : m.mediaType;
    const data = mediaType !== undefined && carriesData(mediaType);
    if (doc.version !== '2.0' && data && isObject(m.node.value) && m.node.value.schema === undefined) {
      out.push({ kind: 'noSchema', at: m.node, mediaType: m.mediaType, subject: 'Request body' });
    } else if (m.schema && data && isEmptySchema(m.schema.value)) {
      // `schema: {}` says nothing: the same as no schema.
      out.push({ kind: 'noSchema', at: m.schema, mediaType: mediaType!, subject: 'Request body' });
    } else if (m.schema) {
      out.push({ kind: 'schema', schema: m.schema, subject: 'Request body' });
    }
    // A `schema` whose $ref does not resolve is spec-invalid's finding, not this rule's.
  }
  return out;
}

/** 2.0: the media type of a body parameter (the operation's or the document's `consumes`, JSON by default). */
function consumes2(doc: SpecDocument, op: SpecOperation): string | undefined {
  const list = Array.isArray(op.node.value.consumes) ? op.node.value.consumes : Array.isArray(doc.root.value.consumes) ? doc.root.value.consumes : ['application/json'];
  return list.find((t: unknown) => typeof t === 'string' && carriesData(t)) ?? (typeof list[0] === 'string' ? list[0] : undefined);
}

/** A parameter's schemas: 2.0 the parameter itself, 3.x `schema`, or the schemas under `content`. */
function parameterSchemas(loader: Reader, doc: SpecDocument, p: SpecParameter): SpecNode[] {
  if (doc.version === '2.0') return p.schema && p.schema.value?.type !== 'file' ? [p.schema] : [];
  if (p.node.value.schema !== undefined) return p.schema ? [p.schema] : [];
  const content = loader.child(p.node, 'content');
  if (!content || !isObject(content.value)) return [];
  const out: SpecNode[] = [];
  for (const mt of Object.keys(content.value)) {
    const s = loader.get(loader.get(content, mt), 'schema');
    if (s) out.push(s);
  }
  return out;
}

/** Media types whose body is structured data a schema can bound. */
function carriesData(mediaType: string): boolean {
  const mt = mediaType.split(';')[0].trim().toLowerCase();
  return (
    mt === 'application/json' ||
    mt.endsWith('+json') ||
    mt === 'application/xml' ||
    mt === 'text/xml' ||
    mt.endsWith('+xml') ||
    mt === 'application/x-www-form-urlencoded' ||
    mt === 'multipart/form-data'
  );
}



// ---------------------------------------------------------------------------------------------
// Judging one schema tree

/** Formats whose valid values have a small fixed maximum length. */
const BOUNDED_FORMATS = new Set(['date', 'date-time', 'time', 'uuid', 'ipv4', 'ipv6']);
/** Size-like names: a missing maximum there is a resource-consumption problem, not just hygiene. */
const SIZE_WORDS = new Set(['limit', 'size', 'count', 'top', 'first', 'last', 'take', 'amount', 'quantity']);
const SIZE_NAMES = new Set(['perpage', 'pagesize', 'maxresults', 'pagelimit']);
/** Keywords inherited from `$ref` siblings (3.1) and from a composition's parent. */
const BOUND_KEYS = ['type', 'maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'enum', 'const', 'format', 'pattern', 'uniqueItems', 'contentMediaType', 'contentEncoding'];

interface Bag {
  /** Merged keywords: the schema's own win over its allOf members', which win over inherited ones. */
  kw: Record<string, any>;
  /** The node whose `type` is in force (for the location), when there is one. */
  typeNode?: SpecNode;
  /** The node whose `items` is in force. */
  itemsNode?: SpecNode;
  /** Which schema each merged keyword comes from (for evidence locations). */
  from: Record<string, SpecNode>;
}

function judgeTree(walker: Walker, doc: SpecDocument, root: SpecNode, subjectBase: string, rootName: string | undefined, memo: Memo, emit: (j: Judgement, subject: () => string) => void): void {
  /** allOf members, judged together with the schema that composes them. */
  const absorbed = new Set<string>();
  /** Keywords a schema gets from where it is used: 3.1 `$ref` siblings, a oneOf/anyOf parent. */
  const inherited = new Map<string, Bag>();
  const membersOf = (n: SpecNode, key: string) => {
    let m = memo.members.get(key);
    if (!m) memo.members.set(key, (m = allOfMembers(walker, n)));
    return m;
  };
  walkSchema(walker, root, (v: SchemaVisit) => {
    const node = v.node;
    if (node.value.readOnly === true) return false; // not accepted in requests
    const key = keyOf(node);
    if (doc.version === '3.1') inheritRefSiblings(walker, node, inherited);
    if (absorbed.has(key)) return;
    const members = membersOf(node, key);
    for (let i = 1; i < members.length; i++) {
      absorbed.add(keyOf(members[i]));
      if (doc.version === '3.1') inheritRefSiblings(walker, members[i], inherited);
    }
    if (members.some((m) => m.value.readOnly === true)) return false;
    const inh = inherited.get(key);
    // Alternatives (oneOf / anyOf): each branch is judged on its own, with what the parent says.
    let branches = 0;
    let bag: Bag | undefined;
    for (const m of members) {
      for (const comb of ['anyOf', 'oneOf']) {
        const list = walker.child(m, comb);
        if (!list || !Array.isArray(list.value)) continue;
        for (let i = 0; i < list.value.length; i++) {
          const b = walker.get(list, i);
          if (!b || !isObject(b.value)) continue;
          branches++;
          bag ??= mergeBag(members, inh);
          if (!inherited.has(keyOf(b))) inherited.set(keyOf(b), bag);
        }
      }
    }
    if (branches) return;
    const name = v.property ?? (v.via === 'root' ? rootName : undefined);
    // Without inherited keywords, a schema's judgement depends only on the schema and its name.
    const memoKey = inh ? undefined : `${doc.version}|${key}|${name ?? ''}`;
    let j = memoKey !== undefined ? memo.judged.get(memoKey) : undefined;
    if (j === undefined) {
      const raw = judge(walker, doc, bag ?? mergeBag(members, inh), node);
      const size = raw?.kind === 'number' && name !== undefined && isSizeName(name);
      j = raw ? { ...raw, ...(size ? { kind: 'size' as const, severity: 'warning' as const } : {}), data: { ...raw.data, name: name ?? '' } } : null;
      if (j) j.id = `${j.place}:${j.kind}:${j.severity}`;
      if (memoKey !== undefined) memo.judged.set(memoKey, j);
    }
    if (j) emit(j, () => subjectOf(subjectBase, v.path));
  });
}

type Judgement = Pick<Hit, 'kind' | 'severity' | 'location' | 'place' | 'data' | 'evidence'> & { /** place, kind and severity */ id: string };

/** The missing upper bounds of one schema (its allOf members merged in), as one finding. */
function judge(walker: Walker, doc: SpecDocument, bag: Bag, node: SpecNode): Judgement | undefined {
  const kw = bag.kw;
  if (kw.enum !== undefined || kw.const !== undefined) return undefined;
  const missing: Array<{ kind: 'string' | 'array' | 'number'; text: string }> = [];
  const evidence: Evidence[] = [];
  for (const t of new Set(schemaTypes(kw))) {
    if (t === 'string') {
      const why = unboundedString(kw, doc);
      if (!why) continue;
      missing.push({ kind: 'string', text: 'maxLength for string values' });
      for (const w of why) evidence.push({ message: w.message, location: keywordLocation(bag, node, w.key) });
    } else if (t === 'array') {
      if (!arrayBounded(walker, kw, bag)) missing.push({ kind: 'array', text: 'maxItems for array values' });
    } else if (t === 'integer' || t === 'number') {
      if (!numberBounded(kw) && !missing.some((m) => m.kind === 'number')) missing.push({ kind: 'number', text: `maximum for ${t} values` });
    }
    // object (spec-mass-assignment's business), boolean, null, 2.0 file: nothing to bound here.
  }
  if (!missing.length) return undefined;
  const location = bag.typeNode ? bag.typeNode.file.locateValue([...bag.typeNode.pointer, 'type']) : walker.location(node);
  if (missing.length === 1) {
    const kind = missing[0].kind;
    const detail = kind === 'string' && evidence.length ? ` (${evidence.map((e) => e.message).join('; ')})` : '';
    return { kind, severity: kind === 'number' ? 'info' : 'warning', location, place: placeOf(location), data: { detail }, evidence, id: '' };
  }
  const severity: Severity = missing.some((m) => m.kind !== 'number') ? 'warning' : 'info';
  return { kind: 'several', severity, location, place: placeOf(location), data: { missing: missing.map((m) => m.text).join(', ') }, evidence, id: '' };
}

/** Why a string is unbounded (evidence), or undefined when it is bounded or binary. */
function unboundedString(kw: Record<string, any>, doc: SpecDocument): Array<{ message: string; key: string }> | undefined {
  if (typeof kw.maxLength === 'number') return undefined;
  const format = typeof kw.format === 'string' ? kw.format : undefined;
  if (format && BOUNDED_FORMATS.has(format)) return undefined;
  // Binary uploads: their size limit belongs in the server's body-size configuration.
  if (format === 'binary') return undefined;
  if (doc.version === '3.1' && typeof kw.contentMediaType === 'string' && kw.contentEncoding === undefined) return undefined;
  const pattern = typeof kw.pattern === 'string' ? kw.pattern : undefined;
  if (pattern !== undefined && boundedPattern(pattern)) return undefined;
  const why: Array<{ message: string; key: string }> = [];
  if (format) why.push({ message: `format: ${format} does not limit the length`, key: 'format' });
  if (pattern !== undefined) why.push({ message: `pattern ${pattern} ${patternWeakness(pattern)}`, key: 'pattern' });
  return why;
}

function arrayBounded(walker: Walker, kw: Record<string, any>, bag: Bag): boolean {
  if (typeof kw.maxItems === 'number') return true;
  if (Array.isArray(kw.prefixItems) && kw.items === false) return true;
  if (kw.uniqueItems === true && bag.itemsNode) {
    // Distinct values out of a closed set: at most as many items as the set has.
    const items = walker.get(bag.itemsNode, 'items');
    const iv = items?.value;
    if (isObject(iv) && (Array.isArray(iv.enum) || iv.const !== undefined || iv.type === 'boolean')) return true;
  }
  return false;
}

function numberBounded(kw: Record<string, any>): boolean {
  // 3.1 (and JSON Schema 2019+): numeric exclusiveMaximum. 3.0 / 2.0: boolean, only with maximum.
  return typeof kw.maximum === 'number' || typeof kw.exclusiveMaximum === 'number';
}

function isSizeName(name: string): boolean {
  const n = name.replace(/[-_]/g, '').toLowerCase();
  if (SIZE_NAMES.has(n)) return true;
  // The last word of camelCase / snake_case: pageSize, item_count, maxCount.
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean);
  return SIZE_WORDS.has((words[words.length - 1] ?? '').toLowerCase());
}

/**
 * Does the pattern bound the length? Anchored at both ends (`^…$`, no top-level `|`), and no
 * `*`, `+` or `{n,}` outside lookarounds (a lookahead such as `(?=.*\d)` consumes nothing).
 */
function boundedPattern(p: string): boolean {
  return patternWeakness(p) === '';
}

/** '' when the pattern bounds the length, else why it does not. */
function patternWeakness(p: string): string {
  if (!p.startsWith('^') || !endsWithAnchor(p)) return 'is not anchored at both ends (^…$)';
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 1; i < p.length - 1; i++) {
    const c = p[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      groups.push(/^\(\?<?[=!]/.test(p.slice(i, i + 4)));
      continue;
    }
    if (c === ')') {
      groups.pop();
      continue;
    }
    if (c === '|' && groups.length === 0) return 'has a top-level | so the anchors do not apply to every alternative';
    if (groups.some(Boolean)) continue;
    if (c === '*' || c === '+') return `repeats without limit (${c})`;
    if (c === '{' && /^\{\d*,\}/.test(p.slice(i))) return 'repeats without limit ({n,})';
  }
  return '';
}

function endsWithAnchor(p: string): boolean {
  if (p.length < 2 || !p.endsWith('$')) return false;
  let slashes = 0;
  for (let i = p.length - 2; i >= 0 && p[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0;
}

// ---------------------------------------------------------------------------------------------
// Schema plumbing



function mergeBag(members: SpecNode[], inherited: Bag | undefined): Bag {
  const kw: Record<string, any> = {};
  const from: Record<string, SpecNode> = {};
  for (const k of BOUND_KEYS) {
    if (inherited && inherited.kw[k] !== undefined) {
      kw[k] = inherited.kw[k];
      if (inherited.from[k]) from[k] = inherited.from[k];
    }
  }
  let typeNode = inherited?.typeNode;
  let itemsNode = inherited?.itemsNode;
  for (let i = members.length - 1; i >= 0; i--) {
    const v = members[i].value as Record<string, any>;
    for (const k of [...BOUND_KEYS, 'properties', 'items', 'prefixItems']) {
      if (v[k] === undefined) continue;
      kw[k] = v[k];
      from[k] = members[i];
    }
    if (v.type !== undefined) typeNode = members[i];
    if (v.items !== undefined) itemsNode = members[i];
  }
  return { kw, typeNode, itemsNode, from };
}

/** 3.1: `{ $ref: …, maxLength: 50 }` bounds the referenced schema at this use. */
function inheritRefSiblings(walker: Walker, node: SpecNode, inherited: Map<string, Bag>): void {
  const consider = (raw: unknown, target: SpecNode | undefined) => {
    if (!isObject(raw) || typeof raw.$ref !== 'string' || !target) return;
    const kw: Record<string, any> = {};
    for (const k of BOUND_KEYS) if (raw[k] !== undefined && k !== 'type') kw[k] = raw[k];
    if (!Object.keys(kw).length) return;
    const k = keyOf(target);
    if (!inherited.has(k)) inherited.set(k, { kw, from: {} });
  };
  const props = walker.child(node, 'properties');
  if (props && isObject(props.value)) for (const name of Object.keys(props.value)) consider(props.value[name], walker.get(props, name));
  const items = walker.child(node, 'items');
  if (items) consider(items.value, walker.deref(items));
}

function keywordLocation(bag: Bag, fallback: SpecNode, key: string): SourceLocation {
  const n = bag.from[key] ?? fallback;
  return n.file.locateValue([...n.pointer, key]);
}

/** `Request body property 'items[].name'`, `Each item of query parameter 'ids'`. */
function subjectOf(base: string, path: string[]): string {
  if (!path.length) return base;
  if (path.every((s) => s === '[]')) return base === 'Request body' ? 'Each item of the request body' : `Each item of ${base[0].toLowerCase()}${base.slice(1)}`;
  let text = '';
  // Deep paths through shared schemas: the last segments say enough.
  for (const seg of path.length > 8 ? ['…', ...path.slice(-6)] : path) text += seg === '[]' ? '[]' : text ? `.${seg}` : seg;
  return `${base} property '${text}'`;
}
