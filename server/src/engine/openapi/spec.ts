/**
 * OpenAPI 3.0 / 3.1 and Swagger 2.0 documents as a small model for rules: operations with their
 * effective security, parameters, request bodies and responses, every piece addressable as a
 * `SpecNode` (file + JSON pointer + value) so findings point at exact text, in the file where
 * the text is (a `$ref`erenced file reports in that file).
 *
 * `$ref`s are followed lazily and cycle-safely: nothing is dereferenced up front, so circular
 * schemas cost nothing and a node's location stays the location of its text. Remote refs
 * (http/https) are never fetched unless the config allows it; files outside the workspace root
 * are never read.
 */
import * as path from 'node:path';
import type { FileHost } from '../host';
import type { RouteTraits, SourceLocation } from '../model';
import { publicNature, routeTraits } from '../posture';
import { parseSpecFile, pointerSegments, pointerString, type Segment, type SpecFile } from './source';

export type SpecVersion = '2.0' | '3.0' | '3.1';

export interface SpecNode {
  file: SpecFile;
  pointer: readonly Segment[];
  value: any;
}

export interface SpecProblem {
  /** `parse-error` for unreadable YAML/JSON; `spec-invalid` for everything structural. */
  kind: 'parse-error' | 'spec-invalid';
  severity: 'error' | 'warning';
  message: string;
  location: SourceLocation;
}

export const HTTP_METHODS_3 = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const HTTP_METHODS_2 = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SpecParameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie' | 'body' | 'formData';
  required: boolean;
  /** The parameter object (resolved). */
  node: SpecNode;
  /** Its schema (3.x `schema`; 2.0: the parameter itself for non-body, `schema` for body). */
  schema?: SpecNode;
}

export interface SpecRequestBody {
  node: SpecNode;
  required: boolean;
  /** Media type → schema node (2.0 body parameter: one entry keyed by the consumes type or '*'). */
  media: Array<{ mediaType: string; node: SpecNode; schema?: SpecNode }>;
}

export interface SecurityRequirementSet {
  /** Each alternative: scheme name → scopes. An empty alternative (`{}`) makes auth optional. */
  alternatives: Array<Record<string, string[]>>;
  /** Where the effective requirement comes from. */
  source: 'operation' | 'global' | 'none';
  /** The `security` node in force (operation or root), when there is one. */
  node?: SpecNode;
}

export interface SpecOperation {
  spec: SpecDocument;
  /** Upper case. */
  method: string;
  /** The path template as written, e.g. `/users/{id}`. */
  path: string;
  operationId?: string;
  summary?: string;
  tags: string[];
  /** The operation object (resolved), its pointer ends with the method. */
  node: SpecNode;
  pathItem: SpecNode;
  /** The method key (where operation-level findings point). */
  location: SourceLocation;
  parameters: SpecParameter[];
  requestBody?: SpecRequestBody;
  /** `responses` (resolved), when present. */
  responses?: SpecNode;
  security: SecurityRequirementSet;
  /** Path prefixes from servers/basePath applying to this operation ('' for none). */
  prefixes: string[];
  deprecated: boolean;
  stateChanging: boolean;
  /** The same traits code routes get from method and path (credential / abuse-prone endpoints). */
  traits: RouteTraits;
  /** Public by nature (sign-in, token exchange, health probe, docs), from method and path. */
  publicNature?: { reason: string; what: string };
  /** `x-apiwarden-public: "<reason>"` on the operation: deliberately public. */
  declaredPublic?: { reason: string; location: SourceLocation };
  /** Code routes implementing this operation (filled by the cross-check matcher). */
  routes: import('../model').Route[];
}

export interface SecurityScheme {
  name: string;
  node: SpecNode;
  /** 3.x: apiKey | http | oauth2 | openIdConnect | mutualTLS; 2.0: basic | apiKey | oauth2. */
  type: string;
}

export interface SpecServer {
  url: string;
  description?: string;
  node: SpecNode;
  /** Path part of the URL with variables replaced by their defaults (`/v1`), '' for none. */
  prefix: string;
}

export interface SpecDocument {
  file: string;
  version: SpecVersion;
  /** The raw version string (`3.0.3`, `2.0`). */
  versionText: string;
  title?: string;
  root: SpecNode;
  servers: SpecServer[];
  securitySchemes: Map<string, SecurityScheme>;
  /** The root `security` node, when present. */
  globalSecurity?: SpecNode;
  operations: SpecOperation[];
}

export interface SpecLoaderOptions {
  host: FileHost;
  /** Files outside these folders (the workspace and the analysed paths) are never read through `$ref`. */
  roots: string[];
  allowRemoteRefs: boolean;
}

/** Loads spec files (once each), follows `$ref`s and collects the problems met on the way. */
export class SpecLoader {
  private readonly files = new Map<string, SpecFile | null>();
  readonly problems: SpecProblem[] = [];
  private readonly problemKeys = new Set<string>();

  constructor(private readonly options: SpecLoaderOptions) {}

  /** A spec file already read, by absolute path. */
  loaded(file: string): SpecFile | undefined {
    return this.files.get(file) ?? undefined;
  }

  /** Every spec file read so far (roots and referenced fragments). */
  loadedFiles(): SpecFile[] {
    return [...this.files.values()].filter((f): f is SpecFile => !!f);
  }

  load(file: string, text?: string): SpecFile | undefined {
    const hit = this.files.get(file);
    if (hit !== undefined) return hit ?? undefined;
    const t = text ?? this.options.host.readFile(file);
    if (t === undefined) {
      this.files.set(file, null);
      return undefined;
    }
    const sf = parseSpecFile(file, t);
    this.files.set(file, sf);
    for (const p of sf.problems) this.problem({ kind: 'parse-error', severity: 'error', message: p.message, location: p.location });
    return sf;
  }

  problem(p: SpecProblem): void {
    const key = `${p.location.file}:${p.location.range[0]}:${p.message}`;
    if (this.problemKeys.has(key)) return;
    this.problemKeys.add(key);
    this.problems.push(p);
  }

  node(file: SpecFile, pointer: readonly Segment[]): SpecNode | undefined {
    let v: any = file.root;
    for (const s of pointer) {
      if (v === null || typeof v !== 'object') return undefined;
      if (Array.isArray(v)) {
        if (!/^\d+$/.test(s)) return undefined;
        v = v[Number(s)];
      } else {
        if (!Object.prototype.hasOwnProperty.call(v, s)) return undefined;
        v = v[s];
      }
      if (v === undefined) return undefined;
    }
    return { file, pointer, value: v };
  }

  child(n: SpecNode, key: string | number): SpecNode | undefined {
    const v = n.value;
    if (v === null || typeof v !== 'object') return undefined;
    const k = String(key);
    if (Array.isArray(v) ? !/^\d+$/.test(k) || Number(k) >= v.length : !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    return { file: n.file, pointer: [...n.pointer, k], value: (v as any)[k] };
  }

  /** Follow `$ref` chains (cycle-safe). Dangling and refused refs are reported and give undefined. */
  deref(n: SpecNode | undefined): SpecNode | undefined {
    let cur = n;
    const seen = new Set<string>();
    for (let hops = 0; cur && hops < 64; hops++) {
      const v = cur.value;
      if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof v.$ref !== 'string') return cur;
      const key = cur.file.file + pointerString(cur.pointer);
      if (seen.has(key)) return undefined; // a $ref that points to itself through a chain
      seen.add(key);
      cur = this.follow(cur, v.$ref);
    }
    return cur;
  }

  /** Where a `$ref` string points from `at`, or undefined (reported). */
  private follow(at: SpecNode, ref: string): SpecNode | undefined {
    const refLoc = () => at.file.locateValue([...at.pointer, '$ref']);
    const hash = ref.indexOf('#');
    const target = hash >= 0 ? ref.slice(0, hash) : ref;
    const fragment = hash >= 0 ? ref.slice(hash) : '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !/^[a-z]:[\\/]/i.test(target)) {
      if (/^https?:/i.test(target) && !this.options.allowRemoteRefs) {
        this.problem({ kind: 'spec-invalid', severity: 'warning', message: `Remote $ref '${ref}' is not fetched (set "allowRemoteRefs": true in apiwarden.config.json to allow network access); what it describes is not checked`, location: refLoc() });
      } else {
        this.problem({ kind: 'spec-invalid', severity: 'warning', message: `$ref '${ref}' uses a scheme API Warden does not read; what it describes is not checked`, location: refLoc() });
      }
      return undefined;
    }
    let file = at.file;
    if (target) {
      let decoded = target;
      try {
        decoded = decodeURI(target);
      } catch {
        /* keep as written */
      }
      const abs = path.resolve(path.dirname(at.file.file), decoded);
      const inside = this.options.roots.some((r) => {
        const root = path.resolve(r);
        return abs === root || abs.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
      });
      if (!inside) {
        this.problem({ kind: 'spec-invalid', severity: 'error', message: `$ref '${ref}' points outside the workspace; it is not read`, location: refLoc() });
        return undefined;
      }
      const loaded = this.load(abs);
      if (!loaded) {
        this.problem({ kind: 'spec-invalid', severity: 'error', message: `$ref '${ref}': file ${path.basename(abs)} not found`, location: refLoc() });
        return undefined;
      }
      if (loaded.root === undefined) return undefined; // its parse error is reported in that file
      file = loaded;
    }
    const pointer = pointerSegments(fragment);
    if (!pointer) {
      this.problem({ kind: 'spec-invalid', severity: 'error', message: `$ref '${ref}' is not a JSON pointer (expected '#/…')`, location: refLoc() });
      return undefined;
    }
    const node = this.node(file, pointer);
    if (!node) {
      this.problem({ kind: 'spec-invalid', severity: 'error', message: `$ref '${ref}' points to nothing: ${fragment || '#'} does not exist${target ? ` in ${path.basename(file.file)}` : ''}`, location: refLoc() });
      return undefined;
    }
    return node;
  }

  /**
   * Resolve every `$ref` in `file` and in the files it references (once each), so dangling and
   * refused refs are reported even where no rule looks. One pass over each document: linear.
   */
  checkAllRefs(file: SpecFile): void {
    const done = new Set<string>();
    const queue = [file];
    while (queue.length) {
      const f = queue.pop()!;
      if (done.has(f.file) || f.root === undefined) continue;
      done.add(f.file);
      const keys: string[] = [];
      const visit = (v: any): void => {
        if (v === null || typeof v !== 'object') return;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            keys.push(String(i));
            visit(v[i]);
            keys.pop();
          }
          return;
        }
        if (typeof v.$ref === 'string') {
          const target = this.follow({ file: f, pointer: keys.slice(), value: v }, v.$ref);
          if (target && target.file !== f && !done.has(target.file.file)) queue.push(target.file);
        }
        for (const k in v) {
          if (k === '$ref') continue;
          const c = v[k];
          if (c === null || typeof c !== 'object') continue;
          keys.push(k);
          visit(c);
          keys.pop();
        }
      };
      visit(f.root);
    }
  }

  /** `child` then `deref`. */
  get(n: SpecNode | undefined, key: string | number): SpecNode | undefined {
    return n ? this.deref(this.child(n, key)) : undefined;
  }

  location(n: SpecNode): SourceLocation {
    return n.file.locate(n.pointer);
  }
}

/** The document model of a root spec file, or undefined when it is not an OpenAPI/Swagger root. */
export function buildSpecDocument(loader: SpecLoader, file: SpecFile): SpecDocument | undefined {
  const rootValue = file.root as any;
  if (!rootValue || typeof rootValue !== 'object' || Array.isArray(rootValue)) return undefined;
  const versionText = rootValue.openapi ?? rootValue.swagger;
  if (versionText === undefined) return undefined;
  const rootNode: SpecNode = { file, pointer: [], value: rootValue };
  const vt = String(versionText);
  const version: SpecVersion | undefined = rootValue.swagger !== undefined ? (vt === '2.0' ? '2.0' : undefined) : /^3\.0(\.\d+)?$/.test(vt) ? '3.0' : /^3\.1(\.\d+)?$/.test(vt) ? '3.1' : undefined;
  const versionKey = rootValue.openapi !== undefined ? 'openapi' : 'swagger';
  if (typeof versionText !== 'string') {
    const loc = file.locateValue([versionKey]);
    const raw = file.text.slice(loc.range[0], loc.range[1]);
    loader.problem({ kind: 'spec-invalid', severity: 'error', message: `'${versionKey}' must be a string: ${raw} is read as the number ${String(versionText)}; write "${versionKey === 'openapi' ? '3.0.3' : '2.0'}" (quoted)`, location: loc });
    if (!version) return undefined;
  }
  if (!version) {
    loader.problem({ kind: 'spec-invalid', severity: 'error', message: `Unsupported ${versionKey} version '${vt}': API Warden reads Swagger 2.0 and OpenAPI 3.0 / 3.1`, location: file.locateValue([versionKey]) });
    return undefined;
  }
  const doc: SpecDocument = {
    file: file.file,
    version,
    versionText: vt,
    title: typeof rootValue.info?.title === 'string' ? rootValue.info.title : undefined,
    root: rootNode,
    servers: [],
    securitySchemes: new Map(),
    globalSecurity: loader.child(rootNode, 'security'),
    operations: [],
  };
  doc.servers = readServers(loader, rootNode, version);
  const schemesNode = version === '2.0' ? loader.child(rootNode, 'securityDefinitions') : loader.get(loader.child(rootNode, 'components'), 'securitySchemes');
  if (schemesNode && isObject(schemesNode.value)) {
    for (const name of Object.keys(schemesNode.value)) {
      const n = loader.get(schemesNode, name);
      if (n && isObject(n.value)) doc.securitySchemes.set(name, { name, node: n, type: String(n.value.type ?? '') });
    }
  }
  const rootPrefixes = doc.servers.length ? [...new Set(doc.servers.map((s) => s.prefix))] : [''];
  const paths = loader.child(rootNode, 'paths');
  if (paths && isObject(paths.value)) {
    for (const p of Object.keys(paths.value)) {
      if (p.startsWith('x-')) continue;
      const item = loader.get(paths, p);
      if (!item || !isObject(item.value)) continue;
      const pathParams = readParameters(loader, loader.child(item, 'parameters'));
      const itemServers = version === '2.0' ? [] : readServerList(loader, loader.child(item, 'servers'));
      for (const m of version === '2.0' ? HTTP_METHODS_2 : HTTP_METHODS_3) {
        const opNode = loader.get(item, m);
        if (!opNode || !isObject(opNode.value)) continue;
        const op = buildOperation(loader, doc, p, m, item, opNode, pathParams, itemServers.length ? itemServers : undefined, rootPrefixes);
        doc.operations.push(op);
      }
    }
  }
  return doc;
}

function buildOperation(
  loader: SpecLoader,
  doc: SpecDocument,
  p: string,
  m: string,
  item: SpecNode,
  opNode: SpecNode,
  pathParams: SpecParameter[],
  itemServers: SpecServer[] | undefined,
  rootPrefixes: string[],
): SpecOperation {
  const v = opNode.value;
  const own = readParameters(loader, loader.child(opNode, 'parameters'));
  const params = new Map<string, SpecParameter>();
  for (const prm of [...pathParams, ...own]) params.set(`${prm.in}:${prm.name}`, prm);
  const parameters = [...params.values()];
  let requestBody: SpecRequestBody | undefined;
  if (doc.version === '2.0') {
    const body = parameters.find((x) => x.in === 'body');
    const form = parameters.filter((x) => x.in === 'formData');
    if (body) requestBody = { node: body.node, required: body.required, media: [{ mediaType: '*', node: body.node, schema: body.schema }] };
    else if (form.length) requestBody = { node: form[0].node, required: form.some((f) => f.required), media: [] };
  } else {
    const rb = loader.get(opNode, 'requestBody');
    if (rb && isObject(rb.value)) {
      const media: SpecRequestBody['media'] = [];
      const content = loader.child(rb, 'content');
      if (content && isObject(content.value)) {
        for (const mt of Object.keys(content.value)) {
          const mn = loader.get(content, mt);
          if (!mn) continue;
          media.push({ mediaType: mt, node: mn, schema: loader.get(mn, 'schema') });
        }
      }
      requestBody = { node: rb, required: rb.value.required === true, media };
    }
  }
  const opSecurity = loader.child(opNode, 'security');
  const security: SecurityRequirementSet = opSecurity
    ? { alternatives: requirementList(opSecurity.value), source: 'operation', node: opSecurity }
    : doc.globalSecurity
      ? { alternatives: requirementList(doc.globalSecurity.value), source: 'global', node: doc.globalSecurity }
      : { alternatives: [], source: 'none' };
  const opServers = doc.version === '2.0' ? [] : readServerList(loader, loader.child(opNode, 'servers'));
  const servers = opServers.length ? opServers : itemServers;
  const prefixes = servers ? [...new Set(servers.map((s) => s.prefix))] : rootPrefixes;
  const marker = v['x-apiwarden-public'];
  const method = m.toUpperCase();
  const expressPath = p.replace(/\{([^}]+)\}/g, ':$1');
  const traits = routeTraits(method, expressPath);
  return {
    spec: doc,
    method,
    path: p,
    operationId: typeof v.operationId === 'string' ? v.operationId : undefined,
    summary: typeof v.summary === 'string' ? v.summary : undefined,
    tags: Array.isArray(v.tags) ? v.tags.filter((t: unknown) => typeof t === 'string') : [],
    node: opNode,
    pathItem: item,
    location: opNode.file === item.file ? item.file.locate([...item.pointer, m]) : loader.location(opNode),
    parameters,
    requestBody,
    responses: loader.get(opNode, 'responses'),
    security,
    prefixes,
    deprecated: v.deprecated === true,
    stateChanging: WRITE_METHODS.has(method),
    traits,
    publicNature: publicNature(method, expressPath, traits),
    declaredPublic:
      marker !== undefined && marker !== false
        ? { reason: typeof marker === 'string' ? marker : '', location: opNode.file.locate([...opNode.pointer, 'x-apiwarden-public']) }
        : undefined,
    routes: [],
  };
}

function requirementList(v: unknown): Array<Record<string, string[]>> {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((o) => {
    const r: Record<string, string[]> = {};
    for (const [k, s] of Object.entries(o)) r[k] = Array.isArray(s) ? s.map(String) : [];
    return r;
  });
}

function readParameters(loader: SpecLoader, list: SpecNode | undefined): SpecParameter[] {
  if (!list || !Array.isArray(list.value)) return [];
  const out: SpecParameter[] = [];
  for (let i = 0; i < list.value.length; i++) {
    const n = loader.get(list, i);
    if (!n || !isObject(n.value) || typeof n.value.name !== 'string') continue;
    const where = String(n.value.in) as SpecParameter['in'];
    const schema = where === 'body' || n.value.schema !== undefined ? loader.get(n, 'schema') : n;
    out.push({ name: n.value.name, in: where, required: n.value.required === true || where === 'path', node: n, schema });
  }
  return out;
}

function readServers(loader: SpecLoader, root: SpecNode, version: SpecVersion): SpecServer[] {
  if (version === '2.0') {
    const bp = loader.child(root, 'basePath');
    const prefix = bp && typeof bp.value === 'string' ? trimSlash(bp.value) : '';
    const schemes = Array.isArray(root.value.schemes) ? root.value.schemes.map(String) : ['https'];
    const host = typeof root.value.host === 'string' ? root.value.host : undefined;
    if (!bp && !host) return [];
    return [{ url: host ? `${schemes[0]}://${host}${prefix}` : prefix || '/', node: bp ?? loader.child(root, 'host')!, prefix }];
  }
  return readServerList(loader, loader.child(root, 'servers'));
}

function readServerList(loader: SpecLoader, list: SpecNode | undefined): SpecServer[] {
  if (!list || !Array.isArray(list.value)) return [];
  const out: SpecServer[] = [];
  for (let i = 0; i < list.value.length; i++) {
    const n = loader.get(list, i);
    if (!n || !isObject(n.value) || typeof n.value.url !== 'string') continue;
    const vars = isObject(n.value.variables) ? n.value.variables : {};
    const url = n.value.url.replace(/\{([^}]+)\}/g, (_m: string, k: string) => (isObject(vars[k]) && vars[k].default !== undefined ? String(vars[k].default) : ''));
    out.push({ url: n.value.url, description: typeof n.value.description === 'string' ? n.value.description : undefined, node: n, prefix: urlPathPrefix(url) });
  }
  return out;
}

/** `/v1` from `https://api.example.com/v1/`, `/api` from `/api`, '' from `https://x.com`. */
export function urlPathPrefix(url: string): string {
  let p = url;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(p);
  if (m) p = p.slice(m[0].length);
  else if (p.startsWith('//')) p = p.replace(/^\/\/[^/]*/, '');
  p = p.split(/[?#]/)[0];
  return trimSlash(p);
}

function trimSlash(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t && !t.startsWith('/') ? '/' + t : t;
}

/** A readable place in a document: `GET /orders › responses › 200`, `components › schemas › User`. */
export function describePointer(pointer: readonly string[]): string {
  if (!pointer.length) return 'the document root';
  if (pointer[0] === 'paths' && pointer.length >= 2) {
    const head = pointer.length >= 3 ? `${pointer[2].toUpperCase()} ${pointer[1]}` : pointer[1];
    return [head, ...pointer.slice(3)].join(' › ');
  }
  return pointer.join(' › ');
}

export function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when the security set requires credentials (at least one alternative, none of them empty). */
export function requiresAuth(s: SecurityRequirementSet): boolean {
  return s.alternatives.length > 0 && s.alternatives.every((a) => Object.keys(a).length > 0);
}
