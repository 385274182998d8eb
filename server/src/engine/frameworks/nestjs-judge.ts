/**
 * NestJS knowledge that does not depend on routing: decorators read from the AST (the evaluator
 * does not run them) and resolved through imports, guards judged by their class (`extends
 * AuthGuard('jwt')`, `canActivate` body, metadata they honour), pipes and the DTO classes they
 * validate, and the package catalogue of the Nest ecosystem.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { classifyFacts, pkgClass, shortFile, type Classifier } from '../classify';
import { Env, packageOrigin, type Evaluator, type Value } from '../evaluate';
import { analyzeFunction, type FunctionFacts, type RequestParams } from '../facts';
import type { Classification, InputSource, SourceLocation } from '../model';
import { callDisplay, memberPath, nodeLocation, nodeText, unwrap, walk, type Node, type ParsedFile } from '../parse';

export type Cls = Extract<Value, { kind: 'class' }>;
export type Fn = Extract<Value, { kind: 'function' }>;
type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

export interface Judge {
  ev: Evaluator;
  classifier: Classifier;
  getParsed(file: string): ParsedFile | undefined;
  /** Per-run memos (class node → judgement). */
  memo: JudgeMemo;
}

export interface JudgeMemo {
  self: WeakMap<ClassNode, { self: Extract<Value, { kind: 'object' }>; env: Env }>;
  guard: WeakMap<ClassNode, GuardJudgement>;
  dto: WeakMap<ClassNode, { decorators: string[]; zod: boolean }>;
}

export function newMemo(): JudgeMemo {
  return { self: new WeakMap(), guard: new WeakMap(), dto: new WeakMap() };
}

export function safeEval(ev: Evaluator, node: Node, env: Env): Value {
  try {
    return ev.eval(node, env);
  } catch {
    return { kind: 'unknown' };
  }
}

// ---------------------------------------------------------------------------------------------
// Decorators

/** One decorator as Nest sees it, after following local factories and `applyDecorators(…)`. */
export interface Deco {
  /** Exported name in its package (`Get`, `UseGuards`, `SetMetadata`), or `<custom>` for `Reflector.createDecorator()` ones. */
  name: string;
  pkg?: string;
  args: Value[];
  /** Argument nodes (in `file`), aligned with `args`. */
  argNodes: Node[];
  /** File of the call that produced it (the composite's file when applied through one). */
  file: string;
  /** The decorator as written on the class / method / parameter (where evidence points). */
  anchor: TSESTree.Decorator;
  anchorFile: string;
  /** Text of the composite decorator it came through (`@Auth('admin')`), if any. */
  via?: string;
  /** Metadata key of a `Reflector.createDecorator()` decorator. */
  key?: string;
}

function argNodesOf(v: Extract<Value, { kind: 'call' }>): Node[] {
  const nodes = v.node.arguments as Node[];
  if (nodes.some((n) => n.type === 'SpreadElement') || nodes.length !== v.args.length) return v.args.map(() => v.node);
  return nodes;
}

export function keyOfNode(file: string, node: Node): string {
  return `deco:${file}:${node.range[0]}`;
}

export function resolveDecorators(j: Judge, decorators: readonly TSESTree.Decorator[] | undefined, env: Env | undefined, file: string): Deco[] {
  const out: Deco[] = [];
  if (!decorators || !env) return out;
  const pf = j.getParsed(file);
  for (const d of decorators) {
    const v = safeEval(j.ev, d.expression, env);
    flatten(v, d, file, undefined, out, 0, pf);
  }
  return out;
}

function flatten(v: Value, anchor: TSESTree.Decorator, anchorFile: string, via: string | undefined, out: Deco[], depth: number, pf: ParsedFile | undefined): void {
  if (depth > 5 || v.kind !== 'call') return;
  if (v.callee.kind === 'call') {
    const o = packageOrigin(v.callee.callee);
    if (o && o.path[o.path.length - 1] === 'createDecorator') {
      out.push({ name: '<custom>', args: v.args, argNodes: argNodesOf(v), file: v.file, anchor, anchorFile, via, key: keyOfNode(v.callee.file, v.callee.node) });
      return;
    }
  }
  const o = packageOrigin(v);
  if (!o || !o.path.length) return;
  const name = o.path[o.path.length - 1];
  if (name === 'applyDecorators') {
    const text = via ?? (pf ? nodeText(pf, anchor, 60) : '@composite');
    for (const a of v.args) flatten(a, anchor, anchorFile, text, out, depth + 1, pf);
    return;
  }
  out.push({ name, pkg: o.pkg, args: v.args, argNodes: argNodesOf(v), file: v.file, anchor, anchorFile, via });
}

export function isNestPkg(pkg: string | undefined): boolean {
  return !!pkg && pkg.startsWith('@nestjs/');
}

/** Metadata a decorator sets: `SetMetadata(key, value)` or a `Reflector.createDecorator()` one. */
export function metadataOf(d: Deco): { key: string; truthy: boolean } | undefined {
  if (d.key) return { key: d.key, truthy: !isFalsy(d.args[0]) };
  if (d.name !== 'SetMetadata' || d.pkg !== '@nestjs/common') return undefined;
  const k = d.args[0];
  if (!k || k.kind !== 'literal' || typeof k.value !== 'string') return undefined;
  return { key: `str:${k.value}`, truthy: !isFalsy(d.args[1]) };
}

function isFalsy(v: Value | undefined): boolean {
  return !!v && v.kind === 'literal' && (v.value === false || v.value === null || v.value === 0 || v.value === '');
}

// ---------------------------------------------------------------------------------------------
// Classes

/** The class a guard / pipe / middleware value stands for: a class reference or `new X()`. */
export function classOf(j: Judge, v: Value): Cls | undefined {
  if (v.kind === 'class') return v;
  if (v.kind === 'object' && v.node && v.file && (v.node.type === 'ClassDeclaration' || v.node.type === 'ClassExpression')) {
    let env: Env | undefined;
    for (const p of v.props.values()) if (p.kind === 'function') env = p.env;
    env ??= j.ev.module(v.file)?.env;
    if (!env) return undefined;
    return { kind: 'class', node: v.node, file: v.file, env };
  }
  return undefined;
}

export function className(c: Cls): string {
  return c.node.id?.name ?? 'anonymous class';
}

/** An instance-like `this` for a class's methods, so `this.helper(req)` resolves. */
function selfOf(j: Judge, c: Cls): { self: Extract<Value, { kind: 'object' }>; env: Env } {
  let s = j.memo.self.get(c.node);
  if (s) return s;
  const self: Extract<Value, { kind: 'object' }> = { kind: 'object', props: new Map(), node: c.node, file: c.file };
  const env = new Env(c.env, c.env.module, self);
  for (const m of c.node.body.body) {
    if (m.type === 'MethodDefinition' && !m.static && !m.computed && m.key.type === 'Identifier' && m.kind === 'method' && m.value.type === 'FunctionExpression') {
      self.props.set(m.key.name, { kind: 'function', node: m.value, file: c.file, env, name: m.key.name, thisValue: self });
    }
  }
  s = { self, env };
  j.memo.self.set(c.node, s);
  return s;
}

/** A method of a class as a function value whose `this` is the class. */
export function methodOf(j: Judge, c: Cls, name: string): Fn | undefined {
  const f = selfOf(j, c).self.props.get(name);
  return f && f.kind === 'function' ? f : undefined;
}

export function superOf(j: Judge, c: Cls): Value | undefined {
  return c.node.superClass ? safeEval(j.ev, c.node.superClass as Node, c.env) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Guards

export interface Honour {
  key: string;
  /** Which metadata the guard reads: the handler's, the class's, or both. */
  handler: boolean;
  cls: boolean;
  location: SourceLocation;
  guard: string;
}

export interface GuardJudgement {
  classes: Classification[];
  notes: string[];
  opaque: boolean;
  definition?: SourceLocation;
  /** Metadata keys whose presence makes the guard let the request through. */
  honours: Honour[];
  /** Is (or extends) @nestjs/throttler's ThrottlerGuard. */
  throttler: boolean;
}


/** Facts of a guard / middleware method, following `this.helper(request)` one level. */
function followFacts(j: Judge, fn: Fn, params: RequestParams, memo: string): FunctionFacts | undefined {
  const facts = j.classifier.factsOf(fn, 'nestjs', params, memo);
  if (!facts) return undefined;
  if (!facts.delegations.length) return facts;
  const merged: FunctionFacts = { ...facts, credentialSignals: [...facts.credentialSignals], rejections: [...facts.rejections], roleSignals: [...facts.roleSignals], validationCalls: [...facts.validationCalls], rateSignals: [...facts.rateSignals] };
  for (const d of facts.delegations.slice(0, 8)) {
    if (d.callee.kind !== 'function') continue;
    const pf = j.getParsed(d.callee.file);
    if (!pf) continue;
    const idx = d.node.arguments.findIndex((a) => a.type === 'Identifier');
    const p = d.callee.node.params[idx];
    const name = p && p.type === 'Identifier' ? p.name : undefined;
    if (!name) continue;
    const inner = analyzeFunction(d.callee, pf, j.ev, { req: name, destructured: new Map(), falseRejects: params.falseRejects });
    merged.credentialSignals.push(...inner.credentialSignals);
    merged.roleSignals.push(...inner.roleSignals);
    // What a helper returns is not a rejection by itself (the guard decides); its throws are.
    merged.rejections.push(...inner.rejections.filter((r) => r.how === 'throws' || !/canActivate returns/.test(r.how)));
    merged.validationCalls.push(...inner.validationCalls);
    merged.rateSignals.push(...inner.rateSignals);
  }
  return merged;
}

export function judgeGuardClass(j: Judge, c: Cls, depth = 0): GuardJudgement {
  const hit = j.memo.guard.get(c.node);
  if (hit) return hit;
  const pf = j.getParsed(c.file);
  const name = className(c);
  const out: GuardJudgement = { classes: [], notes: [], opaque: false, honours: [], throttler: false };
  if (pf) out.definition = nodeLocation(pf, c.node);
  j.memo.guard.set(c.node, out);
  const where = out.definition ? `${shortFile(c.file)}:${out.definition.start.line}` : shortFile(c.file);
  let known = false;
  const sv = superOf(j, c);
  if (sv) {
    const o = packageOrigin(sv);
    const text = pf && c.node.superClass ? nodeText(pf, c.node.superClass as Node, 40) : 'its base class';
    if (o) {
      const cat = nestCatalogue(o.pkg, o.path, sv, text);
      if (cat) {
        known = true;
        for (const k of cat.classes) out.classes.push({ ...k, reason: `${name} (${where}) extends ${k.reason}`, evidence: [{ message: `extends ${text}`, location: out.definition }] });
        out.notes.push(...cat.notes);
        if (o.pkg === '@nestjs/throttler') out.throttler = true;
      }
    } else if (sv.kind === 'class' && depth < 4) {
      known = true;
      const inner = judgeGuardClass(j, sv, depth + 1);
      out.classes.push(...inner.classes);
      out.notes.push(...inner.notes);
      out.honours.push(...inner.honours);
      out.throttler ||= inner.throttler;
      out.opaque = inner.opaque;
    } else if (sv.kind !== 'class') {
      out.opaque = true;
    }
  }
  // A passport guard whose handleRequest returns the user without throwing lets anonymous requests in.
  const hr = methodOf(j, c, 'handleRequest');
  if (hr && out.classes.some((k) => k.role === 'auth')) {
    const f = j.classifier.factsOf(hr, 'nestjs', { destructured: new Map() }, 'nestjs-handleRequest');
    if (f && !f.rejections.length) {
      out.classes = out.classes.filter((k) => k.role !== 'auth');
      out.notes.push(`${name}.handleRequest (${shortFile(c.file)}:${nodeLine(pf, hr.node)}) returns the user without throwing, so anonymous requests pass`);
    }
  }
  const ca = methodOf(j, c, 'canActivate');
  if (ca) {
    known = true;
    out.opaque = false;
    const facts = followFacts(j, ca, { destructured: new Map(), falseRejects: true }, 'nestjs-guard');
    if (facts) {
      const own = classifyFacts(facts, `${name}.canActivate (${shortFile(c.file)}:${nodeLine(pf, ca.node)})`);
      for (const k of own.classes) if (!out.classes.some((x) => x.role === k.role)) out.classes.push(k);
      out.notes.push(...own.notes.filter((n) => !(n.includes('never rejects') && out.classes.some((k) => k.role === 'auth'))));
    }
    out.honours.push(...honoursOf(j, ca, name));
  }
  if (!known && !ca) out.notes.push(`${name} has no canActivate method that API Warden can read`);
  return out;
}

function nodeLine(pf: ParsedFile | undefined, n: Node): number {
  return pf ? pf.lines.position(n.range[0]).line : 0;
}

const REFLECTOR_READS = new Set(['getAllAndOverride', 'get', 'getAllAndMerge']);

/** Metadata keys a guard's canActivate reads with the Reflector and answers `true` for (`@Public()`). */
function honoursOf(j: Judge, fn: Fn, guard: string): Honour[] {
  const pf = j.getParsed(fn.file);
  if (!pf || fn.node.body.type !== 'BlockStatement') return [];
  const out: Honour[] = [];
  const vars = new Map<string, Omit<Honour, 'location' | 'guard'>>();
  const readOf = (n: Node | null | undefined): Omit<Honour, 'location' | 'guard'> | undefined => {
    if (!n) return undefined;
    let u = unwrap(n);
    if (u.type === 'UnaryExpression' && u.operator === '!' && unwrap(u.argument).type === 'UnaryExpression') u = unwrap((unwrap(u.argument) as TSESTree.UnaryExpression).argument);
    if (u.type === 'Identifier') return vars.get(u.name);
    if (u.type !== 'CallExpression' || u.callee.type !== 'MemberExpression') return undefined;
    const path = memberPath(u.callee);
    const last = path?.[path.length - 1];
    if (!path || !last || !REFLECTOR_READS.has(last) || !path.slice(0, -1).some((p) => /reflector/i.test(p))) return undefined;
    const a0 = u.arguments[0] as Node | undefined;
    if (!a0) return undefined;
    const kv = safeEval(j.ev, a0, fn.env);
    let key: string | undefined;
    if (kv.kind === 'literal' && typeof kv.value === 'string') key = `str:${kv.value}`;
    else if (kv.kind === 'call') key = keyOfNode(kv.file, kv.node);
    if (!key) return undefined;
    const a1 = u.arguments[1] ? nodeText(pf, u.arguments[1] as Node, 200) : '';
    const handler = /getHandler/.test(a1);
    const cls = /getClass/.test(a1);
    return { key, handler: handler || !cls, cls: cls || !handler };
  };
  const returnsTrue = (s: Node): boolean => {
    let found = false;
    walk(s, (n) => {
      if (n.type === 'ReturnStatement' && n.argument && unwrap(n.argument).type === 'Literal' && (unwrap(n.argument) as TSESTree.Literal).value === true) found = true;
      return !found && !(n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration');
    });
    return found;
  };
  walk(fn.node.body, (n) => {
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) {
      const r = readOf(n.init);
      if (r) vars.set(n.id.name, r);
    } else if (n.type === 'IfStatement') {
      const r = readOf(n.test);
      if (r && returnsTrue(n.consequent)) out.push({ ...r, location: nodeLocation(pf, n), guard });
    } else if (n.type === 'ReturnStatement' && n.argument) {
      const a = unwrap(n.argument);
      if (a.type === 'LogicalExpression' && a.operator === '||') {
        const r = readOf(a.left);
        if (r) out.push({ ...r, location: nodeLocation(pf, n), guard });
      }
    }
    return !(n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression');
  });
  return out;
}

/** Class middleware (`implements NestMiddleware`): its `use(req, res, next)` judged like Express middleware. */
export function judgeMiddlewareClass(j: Judge, c: Cls): { classes: Classification[]; notes: string[]; definition?: SourceLocation; opaque: boolean } {
  const pf = j.getParsed(c.file);
  const definition = pf ? nodeLocation(pf, c.node) : undefined;
  const use = methodOf(j, c, 'use');
  if (!use) return { classes: [], notes: [`${className(c)} has no use() method API Warden can read`], definition, opaque: true };
  const facts = j.classifier.factsOf(use, 'express', undefined, 'nestjs-middleware');
  if (!facts) return { classes: [], notes: [], definition, opaque: true };
  const own = classifyFacts(facts, `${className(c)}.use (${shortFile(c.file)}:${nodeLine(pf, use.node)})`);
  return { ...own, definition, opaque: false };
}

// ---------------------------------------------------------------------------------------------
// Pipes and DTOs

export interface PipeJudgement {
  kind: 'validation' | 'parse' | 'zod' | 'custom' | 'none';
  /** ValidationPipe's `whitelist` option: true, false (off / default), undefined (options not readable). */
  whitelist?: boolean;
  /** A ZodValidationPipe given a schema validates whatever it is bound to. */
  hasSchema?: boolean;
  definition?: SourceLocation;
  reason: string;
  pkg?: string;
}

const PARSE_PIPE = /^Parse(Int|Float|Bool|UUID|Enum|Array|File|Date)Pipe$/;

export function judgePipe(j: Judge, v: Value, depth = 0): PipeJudgement {
  const o = packageOrigin(v);
  if (o) {
    const name = o.path[o.path.length - 1] ?? '';
    if (o.pkg === '@nestjs/common' && name === 'ValidationPipe') {
      let whitelist: boolean | undefined = false;
      if (v.kind === 'call' && v.args.length) {
        const a = v.args[0];
        if (a.kind === 'object') {
          const w = a.props.get('whitelist');
          whitelist = w ? (w.kind === 'literal' ? w.value === true : undefined) : false;
        } else whitelist = undefined;
      }
      return { kind: 'validation', whitelist, reason: 'ValidationPipe from @nestjs/common', pkg: o.pkg };
    }
    if (o.pkg === '@nestjs/common' && PARSE_PIPE.test(name)) return { kind: 'parse', reason: `${name} from @nestjs/common`, pkg: o.pkg };
    if (o.pkg === 'nestjs-zod' && /ZodValidationPipe/.test(name)) return { kind: 'zod', hasSchema: v.kind === 'call' && v.args.length > 0, reason: `${name} from nestjs-zod`, pkg: o.pkg };
    return { kind: 'none', reason: `${name || o.pkg} from ${o.pkg}`, pkg: o.pkg };
  }
  const c = classOf(j, v);
  if (!c || depth > 4) return { kind: 'none', reason: 'a pipe API Warden cannot follow' };
  const pf = j.getParsed(c.file);
  const definition = pf ? nodeLocation(pf, c.node) : undefined;
  const sv = superOf(j, c);
  if (sv && (packageOrigin(sv) || sv.kind === 'class')) {
    const inner = judgePipe(j, sv, depth + 1);
    if (inner.kind !== 'none') return { ...inner, whitelist: inner.kind === 'validation' ? undefined : inner.whitelist, definition, reason: `${className(c)} extends ${inner.reason}` };
  }
  const t = methodOf(j, c, 'transform');
  if (t) {
    const p0 = t.node.params[0];
    const name = p0 && p0.type === 'Identifier' ? p0.name : undefined;
    if (name) {
      const facts = j.classifier.factsOf(t, 'nestjs', { destructured: new Map<string, InputSource>([[name, 'body']]) }, 'nestjs-pipe');
      const checked = facts?.validationCalls.filter((x) => x.checked) ?? [];
      if (checked.length) return { kind: 'custom', definition, reason: `${className(c)}.transform (${shortFile(c.file)}:${nodeLine(pf, t.node)}) validates its value with ${checked[0].what}` };
    }
  }
  return { kind: 'none', definition, reason: `${className(c)} (${shortFile(c.file)}) transforms but does not validate` };
}

export interface DtoInfo {
  /** 'class': a class (decorated or not); 'array' of a class; 'primitive'; 'other' (interface, any, none). */
  kind: 'class' | 'array' | 'primitive' | 'other';
  name: string;
  /** class-validator decorators found on its properties (first few). */
  decorators: string[];
  zod: boolean;
  location?: SourceLocation;
}


function dtoOfClass(j: Judge, c: Cls, depth: number): { decorators: string[]; zod: boolean } {
  const hit = j.memo.dto.get(c.node);
  if (hit) return hit;
  const out = { decorators: [] as string[], zod: false };
  j.memo.dto.set(c.node, out);
  if (depth > 6) return out;
  for (const m of c.node.body.body) {
    if (m.type !== 'PropertyDefinition' && m.type !== 'TSAbstractPropertyDefinition') continue;
    for (const d of m.decorators ?? []) {
      const v = safeEval(j.ev, d.expression, c.env);
      const o = packageOrigin(v);
      if (o && o.pkg === 'class-validator') {
        const n = `@${o.path[o.path.length - 1] ?? 'Validate'}`;
        if (!out.decorators.includes(n)) out.decorators.push(n);
      }
    }
  }
  const sv = superOf(j, c);
  if (sv) {
    const o = packageOrigin(sv);
    if (o && o.pkg === 'nestjs-zod' && o.path.includes('createZodDto')) out.zod = true;
    else if (o && /^@nestjs\/(mapped-types|swagger|graphql)$/.test(o.pkg) && sv.kind === 'call') {
      // PartialType(CreateDto), PickType(CreateDto, ['a']), IntersectionType(A, B)
      for (const a of sv.args) {
        if (a.kind !== 'class') continue;
        const inner = dtoOfClass(j, a, depth + 1);
        for (const n of inner.decorators) if (!out.decorators.includes(n)) out.decorators.push(n);
        out.zod ||= inner.zod;
      }
    } else if (sv.kind === 'class') {
      const inner = dtoOfClass(j, sv, depth + 1);
      for (const n of inner.decorators) if (!out.decorators.includes(n)) out.decorators.push(n);
      out.zod ||= inner.zod;
    }
  }
  return out;
}

/** What a parameter's type annotation says ValidationPipe can validate. */
export function dtoOf(j: Judge, param: Node, env: Env): DtoInfo {
  const p = param.type === 'TSParameterProperty' ? param.parameter : param.type === 'AssignmentPattern' ? param.left : param;
  const ann = (p as { typeAnnotation?: TSESTree.TSTypeAnnotation }).typeAnnotation?.typeAnnotation;
  if (!ann) return { kind: 'other', name: 'an untyped parameter', decorators: [], zod: false };
  const pf = j.getParsed(env.module.file);
  const text = pf ? nodeText(pf, ann, 40) : 'its type';
  if (ann.type === 'TSArrayType') return { kind: 'array', name: text, decorators: [], zod: false };
  if (ann.type === 'TSTypeReference' && ann.typeName.type === 'Identifier') {
    if (ann.typeName.name === 'Array') return { kind: 'array', name: text, decorators: [], zod: false };
    const v = safeEval(j.ev, ann.typeName, env);
    if (v.kind === 'class') {
      const d = dtoOfClass(j, v, 0);
      const dpf = j.getParsed(v.file);
      return { kind: 'class', name: text, decorators: d.decorators, zod: d.zod, location: dpf ? nodeLocation(dpf, v.node) : undefined };
    }
    return { kind: 'other', name: text, decorators: [], zod: false };
  }
  if (/^TS(String|Number|Boolean|BigInt)Keyword$/.test(ann.type)) return { kind: 'primitive', name: text, decorators: [], zod: false };
  return { kind: 'other', name: text, decorators: [], zod: false };
}

// ---------------------------------------------------------------------------------------------
// Catalogue

export function nestCatalogue(pkg: string, path: string[], value: Value, name: string): { classes: Classification[]; opaque: boolean; notes: string[] } | undefined {
  const ok = (c: Classification) => ({ classes: [c], opaque: false, notes: [] as string[] });
  const not = (note: string) => ({ classes: [] as Classification[], opaque: false, notes: [note] });
  const head = path[0];
  const last = path[path.length - 1];
  switch (pkg) {
    case '@nestjs/passport':
      if (head === 'AuthGuard') {
        const strategy = value.kind === 'call' && value.args[0]?.kind === 'literal' ? ` with the '${String(value.args[0].value)}' passport strategy` : '';
        return ok(pkgClass('auth', `${name} from @nestjs/passport authenticates the caller${strategy}`, value));
      }
      if (head === 'PassportModule') return not('PassportModule configures passport; it does not reject anonymous requests');
      return undefined;
    case '@nestjs/throttler':
      if (head === 'ThrottlerGuard') return ok(pkgClass('rate-limit', `${name} from @nestjs/throttler`, value));
      return undefined;
    case 'nest-keycloak-connect':
      if (head === 'AuthGuard' || head === 'ResourceGuard' || head === 'RoleGuard') return ok(pkgClass('auth', `${name} from nest-keycloak-connect`, value, undefined, head === 'AuthGuard' ? 'high' : 'medium'));
      return undefined;
    case '@nestjs/swagger':
      if (/^Api(BearerAuth|Security|OAuth2|CookieAuth|BasicAuth)$/.test(last ?? '')) return not(`@${last}() only documents authentication in the OpenAPI spec; it does not reject anonymous requests (add a guard)`);
      return undefined;
    default:
      return undefined;
  }
}

export function displayOf(pf: ParsedFile, node: Node): string {
  const u = unwrap(node);
  if (u.type === 'CallExpression') return callDisplay(pf, u);
  if (u.type === 'NewExpression') return `new ${callDisplay(pf, { ...u, type: 'CallExpression', optional: false } as unknown as Node)}`;
  return nodeText(pf, u, 50);
}
