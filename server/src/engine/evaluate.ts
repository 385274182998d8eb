/**
 * A small abstract interpreter over ESTree. It follows values through variables, imports and
 * requires (ESM and CommonJS), object literals, factories (`requireRole('admin')` returning a
 * middleware) and functions that receive an app or router (`require('./routes')(app)`), and
 * executes module and function bodies in source order so that framework adapters (through
 * `FrameworkHooks`) see registrations in the order the program makes them.
 *
 * It never runs project code: it only reads the syntax tree.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunctionNode, propertyName, unwrap, type Node, type ParsedFile } from './parse';
import { packageName } from './modules';

export type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;
export type CallNode = TSESTree.CallExpression | TSESTree.NewExpression;

export interface FrameworkObject {
  id: string;
  framework: string;
  kind: string;
  file: string;
  node: Node;
}

export type Value =
  | { kind: 'unknown'; why?: string }
  | { kind: 'literal'; value: string | number | boolean | null | RegExp }
  | { kind: 'package'; pkg: string; path: string[] }
  | { kind: 'function'; node: FunctionNode; file: string; env: Env; name?: string; thisValue?: Value }
  | { kind: 'call'; callee: Value; node: CallNode; file: string; args: Value[] }
  | { kind: 'member'; object: Value; prop: string; node: Node; file: string }
  | { kind: 'object'; props: Map<string, Value>; node?: Node; file?: string }
  | { kind: 'array'; items: Value[]; nodes: Node[] }
  | { kind: 'module'; file: string }
  | { kind: 'instance'; obj: FrameworkObject }
  | { kind: 'class'; node: TSESTree.ClassDeclaration | TSESTree.ClassExpression; file: string; env: Env };

export const UNKNOWN: Value = { kind: 'unknown' };

interface Binding {
  value?: Value;
  compute?: () => Value;
  busy?: boolean;
}

export class Env {
  readonly vars = new Map<string, Binding>();
  constructor(
    readonly parent: Env | undefined,
    readonly module: ModuleRecord,
    readonly thisValue?: Value,
  ) {}
  lookup(name: string): Binding | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const b = e.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }
  define(name: string, value: Value | (() => Value)): void {
    this.vars.set(name, typeof value === 'function' ? { compute: value } : { value });
  }
}

export interface ModuleRecord {
  file: string;
  pf: ParsedFile;
  env: Env;
  named: Map<string, () => Value>;
  defaultExport?: () => Value;
  /** `module.exports = …` */
  cjs?: Value;
  /** `exports.x = …` / `module.exports.x = …` */
  cjsProps: Map<string, Value>;
  /** `export * from './x'` targets. */
  starFrom: string[];
  state: 'new' | 'running' | 'done';
  /** Local imports of this module: local name → package and imported path (for quick callee lookups). */
  packageImports: Map<string, { pkg: string; path: string[] }>;
}

export interface FrameworkHooks {
  /** A call or `new` of `callee`; return a value to stand for its result (e.g. a new app). */
  construct(callee: Value, call: CallNode, args: Value[], file: string): Value | undefined;
  /** A method call on a framework object: `app.get(…)`; return the call's result value. */
  method(obj: FrameworkObject, method: string, call: TSESTree.CallExpression, args: Value[], file: string): Value | undefined;
  /** A property read on a framework object (`fastify.authenticate`, a decorator): its value, if known. */
  property?(obj: FrameworkObject, prop: string, node: Node, file: string): Value | undefined;
}

export interface EvaluatorHost {
  /** Parsed file, or undefined when it cannot be read / parsed (the engine records why). */
  getParsed(file: string): ParsedFile | undefined;
  resolveImport(fromFile: string, specifier: string): string | undefined;
}

const MAX_DEPTH = 24;

export class Evaluator {
  private readonly modules = new Map<string, ModuleRecord>();
  private readonly executedFunctions = new Set<FunctionNode>();
  private readonly callMemo = new Map<Node, Value>();
  private depth = 0;
  private readonly callStack = new Set<FunctionNode>();
  hooks: FrameworkHooks[] = [];

  constructor(private readonly host: EvaluatorHost) {}

  /** Evaluate a module's top level (once), then execute its still-unexecuted top-level functions standalone. */
  runModule(file: string): ModuleRecord | undefined {
    const rec = this.loadModule(file);
    if (!rec || rec.state !== 'done') return rec;
    const body = rec.pf.ast!.body;
    for (const stmt of body) this.runStandalone(stmt, rec.env);
    return rec;
  }

  module(file: string): ModuleRecord | undefined {
    return this.modules.get(file);
  }

  private runStandalone(stmt: Node, env: Env): void {
    let target: Node | null | undefined = stmt;
    if (target.type === 'ExportNamedDeclaration' || target.type === 'ExportDefaultDeclaration') target = target.declaration;
    if (!target) return;
    if (isFunctionNode(target)) {
      this.runFunctionStandalone({ kind: 'function', node: target, file: env.module.file, env });
    } else if (target.type === 'VariableDeclaration') {
      for (const d of target.declarations) {
        const init = d.init && unwrap(d.init);
        if (init && isFunctionNode(init)) this.runFunctionStandalone({ kind: 'function', node: init, file: env.module.file, env });
      }
    } else if (target.type === 'ClassDeclaration' || target.type === 'ClassExpression') {
      this.runClassStandalone({ kind: 'class', node: target, file: env.module.file, env });
    }
  }

  private runFunctionStandalone(fn: Extract<Value, { kind: 'function' }>): void {
    if (this.executedFunctions.has(fn.node)) return;
    this.callFunction(fn, [], undefined);
  }

  private runClassStandalone(cls: Extract<Value, { kind: 'class' }>): void {
    const self = this.instantiateClass(cls, []);
    for (const m of cls.node.body.body) {
      if (m.type === 'MethodDefinition' && m.kind === 'method' && m.value.type === 'FunctionExpression' && !this.executedFunctions.has(m.value)) {
        this.callFunction({ kind: 'function', node: m.value, file: cls.file, env: cls.env, thisValue: self }, [], undefined);
      }
    }
  }

  loadModule(file: string): ModuleRecord | undefined {
    const existing = this.modules.get(file);
    if (existing) return existing;
    const pf = this.host.getParsed(file);
    if (!pf || !pf.ast) return undefined;
    const rec: ModuleRecord = {
      file,
      pf,
      env: undefined as unknown as Env,
      named: new Map(),
      cjsProps: new Map(),
      starFrom: [],
      state: 'running',
      packageImports: new Map(),
    };
    (rec as { env: Env }).env = new Env(undefined, rec);
    this.modules.set(file, rec);
    this.bindImports(rec);
    this.execBlock(pf.ast.body, rec.env, true);
    rec.state = 'done';
    return rec;
  }

  // ---------------------------------------------------------------------------------------
  // Imports and exports

  private bindImports(rec: ModuleRecord): void {
    for (const stmt of rec.pf.ast!.body) {
      if (stmt.type !== 'ImportDeclaration') continue;
      const spec = String(stmt.source.value);
      const target = this.host.resolveImport(rec.file, spec);
      for (const s of stmt.specifiers) {
        const local = s.local.name;
        if (target) {
          if (s.type === 'ImportDefaultSpecifier') rec.env.define(local, () => this.moduleDefault(target));
          else if (s.type === 'ImportNamespaceSpecifier') rec.env.define(local, { kind: 'module', file: target });
          else rec.env.define(local, () => this.moduleExport(target, importedName(s.imported)));
        } else if (!spec.startsWith('.')) {
          const pkg = packageName(spec);
          const p = s.type === 'ImportSpecifier' ? [importedName(s.imported)] : [];
          const sub = spec.replace(/^node:/, '').slice(pkg.length).replace(/^\//, '');
          const pathParts = sub ? [...sub.split('/'), ...p] : p;
          rec.env.define(local, { kind: 'package', pkg, path: pathParts });
          rec.packageImports.set(local, { pkg, path: pathParts });
        } else {
          rec.env.define(local, { kind: 'unknown', why: `cannot resolve ${spec}` });
        }
      }
    }
  }

  moduleDefault(file: string): Value {
    const rec = this.loadModule(file);
    if (!rec) return { kind: 'unknown', why: 'module not analysed' };
    if (rec.defaultExport) return rec.defaultExport();
    if (rec.cjs) return rec.cjs;
    if (rec.cjsProps.size) return { kind: 'object', props: rec.cjsProps };
    return { kind: 'module', file };
  }

  moduleExport(file: string, name: string, seen = new Set<string>()): Value {
    const rec = this.loadModule(file);
    if (!rec) return { kind: 'unknown', why: 'module not analysed' };
    if (name === 'default') return this.moduleDefault(file);
    const named = rec.named.get(name);
    if (named) return named();
    const cjsProp = rec.cjsProps.get(name);
    if (cjsProp) return cjsProp;
    if (rec.cjs) return this.member(rec.cjs, name, rec.pf.ast!, file);
    seen.add(file);
    for (const star of rec.starFrom) {
      if (seen.has(star)) continue;
      const v = this.moduleExport(star, name, seen);
      if (v.kind !== 'unknown') return v;
    }
    return { kind: 'unknown', why: `${name} is not exported` };
  }

  private requireValue(spec: string, file: string): Value {
    const target = this.host.resolveImport(file, spec);
    if (target) {
      const rec = this.loadModule(target);
      if (!rec) return { kind: 'unknown', why: 'module not analysed' };
      if (rec.cjs) return rec.cjs;
      if (rec.cjsProps.size) return { kind: 'object', props: rec.cjsProps };
      if (rec.defaultExport && rec.named.size === 0) return { kind: 'module', file: target };
      return { kind: 'module', file: target };
    }
    if (spec.startsWith('.')) return { kind: 'unknown', why: `cannot resolve ${spec}` };
    const pkg = packageName(spec);
    const sub = spec.replace(/^node:/, '').slice(pkg.length).replace(/^\//, '');
    return { kind: 'package', pkg, path: sub ? sub.split('/') : [] };
  }

  // ---------------------------------------------------------------------------------------
  // Statements

  execBlock(stmts: readonly Node[], env: Env, topLevel = false): Value | undefined {
    // Hoist function declarations.
    for (const s of stmts) {
      const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? s.declaration : s;
      if (d && d.type === 'FunctionDeclaration' && d.id) {
        env.define(d.id.name, { kind: 'function', node: d, file: env.module.file, env, name: d.id.name });
      }
    }
    let ret: Value | undefined;
    for (const s of stmts) {
      const r = this.execStatement(s, env, topLevel);
      if (r) ret = r;
    }
    return ret;
  }

  private execStatement(stmt: Node, env: Env, topLevel: boolean): Value | undefined {
    const rec = env.module;
    switch (stmt.type) {
      case 'VariableDeclaration':
        for (const d of stmt.declarations) this.declare(d.id, d.init ?? undefined, env);
        return undefined;
      case 'ExpressionStatement':
        this.eval(stmt.expression, env);
        return undefined;
      case 'FunctionDeclaration':
        return undefined;
      case 'ClassDeclaration':
        if (stmt.id) env.define(stmt.id.name, { kind: 'class', node: stmt, file: rec.file, env });
        return undefined;
      case 'ReturnStatement':
        return stmt.argument ? this.eval(stmt.argument, env) : UNKNOWN;
      case 'IfStatement': {
        const a = this.execStatement(stmt.consequent, env, false);
        const b = stmt.alternate ? this.execStatement(stmt.alternate, env, false) : undefined;
        return a ?? b;
      }
      case 'BlockStatement':
        return this.execBlock(stmt.body, new Env(env, rec, env.thisValue));
      case 'TryStatement': {
        const a = this.execBlock(stmt.block.body, new Env(env, rec, env.thisValue));
        if (stmt.finalizer) this.execBlock(stmt.finalizer.body, new Env(env, rec, env.thisValue));
        return a;
      }
      case 'ForOfStatement':
      case 'ForInStatement':
      case 'ForStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        // Loops registering routes (`for (const r of routes) app.get(r.path, …)`) are dynamic: run once.
        return this.execStatement(stmt.body, new Env(env, rec, env.thisValue), false);
      case 'ExportNamedDeclaration': {
        if (stmt.declaration) {
          this.execStatement(stmt.declaration, env, topLevel);
          if (topLevel) {
            const d = stmt.declaration;
            if (d.type === 'VariableDeclaration') {
              for (const decl of d.declarations) for (const n of patternNames(decl.id)) rec.named.set(n, () => this.lookupValue(n, env));
            } else if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
              const n = d.id.name;
              rec.named.set(n, () => this.lookupValue(n, env));
            }
          }
        } else if (topLevel) {
          const from = stmt.source ? this.host.resolveImport(rec.file, String(stmt.source.value)) : undefined;
          const fromPkg = stmt.source && !from ? packageName(String(stmt.source.value)) : undefined;
          for (const s of stmt.specifiers) {
            const exported = importedName(s.exported);
            const local = importedName(s.local);
            if (from) rec.named.set(exported, () => this.moduleExport(from, local));
            else if (fromPkg) rec.named.set(exported, () => ({ kind: 'package', pkg: fromPkg, path: local === 'default' ? [] : [local] }));
            else rec.named.set(exported, () => this.lookupValue(local, env));
          }
        }
        return undefined;
      }
      case 'ExportAllDeclaration': {
        const from = this.host.resolveImport(rec.file, String(stmt.source.value));
        if (from && topLevel) {
          if (stmt.exported) {
            rec.named.set(importedName(stmt.exported), () => ({ kind: 'module', file: from }));
          } else rec.starFrom.push(from);
        }
        return undefined;
      }
      case 'ExportDefaultDeclaration': {
        const d = stmt.declaration;
        let v: () => Value;
        if (d.type === 'FunctionDeclaration' || d.type === 'FunctionExpression' || d.type === 'ArrowFunctionExpression') {
          const fv: Value = { kind: 'function', node: d, file: rec.file, env, name: d.type !== 'ArrowFunctionExpression' ? d.id?.name : undefined };
          v = () => fv;
        } else if (d.type === 'ClassDeclaration' || d.type === 'ClassExpression') {
          const cv: Value = { kind: 'class', node: d, file: rec.file, env };
          if (d.id) env.define(d.id.name, cv);
          v = () => cv;
        } else {
          const ev = this.eval(d as Node, env);
          v = () => ev;
        }
        if (topLevel) rec.defaultExport = v;
        return undefined;
      }
      case 'TSExportAssignment': {
        const ev = this.eval(stmt.expression, env);
        if (topLevel) rec.cjs = ev;
        return undefined;
      }
      case 'LabeledStatement':
        return this.execStatement(stmt.body, env, topLevel);
      case 'SwitchStatement':
        for (const c of stmt.cases) this.execBlock(c.consequent, new Env(env, rec, env.thisValue));
        return undefined;
      default:
        return undefined;
    }
  }

  private declare(id: Node, init: Node | undefined, env: Env): void {
    if (id.type === 'Identifier') {
      if (!init) {
        env.define(id.name, UNKNOWN);
        return;
      }
      const v = this.eval(init, env);
      if (v.kind === 'function' && !v.name) (v as { name?: string }).name = id.name;
      env.define(id.name, v);
      return;
    }
    const source = init ? this.eval(init, env) : UNKNOWN;
    this.destructure(id, source, env, init);
  }

  private destructure(pattern: Node, source: Value, env: Env, node: Node | undefined): void {
    if (pattern.type === 'Identifier') {
      env.define(pattern.name, source);
    } else if (pattern.type === 'ObjectPattern') {
      for (const p of pattern.properties) {
        if (p.type === 'RestElement') {
          this.destructure(p.argument, UNKNOWN, env, node);
          continue;
        }
        const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
        const v = key === undefined ? UNKNOWN : this.member(source, key, node ?? pattern, env.module.file);
        this.destructure(p.value, v, env, node);
      }
    } else if (pattern.type === 'ArrayPattern') {
      pattern.elements.forEach((el, i) => {
        if (!el) return;
        const v = source.kind === 'array' ? source.items[i] ?? UNKNOWN : UNKNOWN;
        this.destructure(el, v, env, node);
      });
    } else if (pattern.type === 'AssignmentPattern') {
      this.destructure(pattern.left, source.kind === 'unknown' ? this.eval(pattern.right, env) : source, env, node);
    }
  }

  lookupValue(name: string, env: Env): Value {
    const b = env.lookup(name);
    if (!b) return { kind: 'unknown', why: `${name} is not defined here` };
    if (b.value) return b.value;
    if (b.compute) {
      if (b.busy) return { kind: 'unknown', why: 'circular' };
      b.busy = true;
      try {
        b.value = b.compute();
      } finally {
        b.busy = false;
      }
      return b.value;
    }
    return UNKNOWN;
  }

  // ---------------------------------------------------------------------------------------
  // Expressions

  eval(node: Node, env: Env): Value {
    if (this.depth > MAX_DEPTH * 8) return { kind: 'unknown', why: 'too deep' };
    this.depth++;
    try {
      return this.evalInner(node, env);
    } finally {
      this.depth--;
    }
  }

  private evalInner(node: Node, env: Env): Value {
    const file = env.module.file;
    switch (node.type) {
      case 'Literal':
        return { kind: 'literal', value: (node as TSESTree.Literal).value as string | number | boolean | null | RegExp };
      case 'TemplateLiteral': {
        let s = '';
        for (let i = 0; i < node.quasis.length; i++) {
          s += node.quasis[i].value.cooked ?? '';
          if (i < node.expressions.length) {
            const v = this.eval(node.expressions[i], env);
            if (v.kind !== 'literal' || v.value instanceof RegExp) return UNKNOWN;
            s += String(v.value);
          }
        }
        return { kind: 'literal', value: s };
      }
      case 'BinaryExpression': {
        if (node.operator !== '+') return UNKNOWN;
        const l = this.eval(node.left as Node, env);
        const r = this.eval(node.right, env);
        if (l.kind === 'literal' && r.kind === 'literal' && !(l.value instanceof RegExp) && !(r.value instanceof RegExp)) {
          return { kind: 'literal', value: String(l.value) + String(r.value) };
        }
        return UNKNOWN;
      }
      case 'Identifier':
        if (node.name === 'undefined') return { kind: 'literal', value: null };
        return this.lookupValue(node.name, env);
      case 'ThisExpression':
        return env.thisValue ?? UNKNOWN;
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
        return this.eval(node.expression, env);
      case 'AwaitExpression':
        return this.eval(node.argument, env);
      case 'UnaryExpression':
        // `void app.register(…)` (floating-promise lint style) still registers.
        if (node.operator === 'void') this.eval(node.argument, env);
        return UNKNOWN;
      case 'SequenceExpression': {
        let v: Value = UNKNOWN;
        for (const e of node.expressions) v = this.eval(e, env);
        return v;
      }
      case 'LogicalExpression': {
        const l = this.eval(node.left, env);
        this.eval(node.right, env);
        return l;
      }
      case 'ConditionalExpression': {
        this.eval(node.test, env);
        const a = this.eval(node.consequent, env);
        const b = this.eval(node.alternate, env);
        return a.kind !== 'unknown' ? a : b;
      }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return { kind: 'function', node, file, env, thisValue: node.type === 'ArrowFunctionExpression' ? env.thisValue : undefined };
      case 'ClassExpression':
        return { kind: 'class', node, file, env };
      case 'ObjectExpression': {
        const props = new Map<string, Value>();
        for (const p of node.properties) {
          if (p.type === 'SpreadElement') {
            const s = this.eval(p.argument, env);
            if (s.kind === 'object') for (const [k, v] of s.props) props.set(k, v);
            continue;
          }
          const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
          if (key === undefined) {
            // computed key: keep the value reachable under the key's text (celebrate's [Segments.BODY]).
            const kv = this.eval(p.key, env);
            const v = this.eval(p.value as Node, env);
            const k = kv.kind === 'literal' ? String(kv.value) : kv.kind === 'package' ? kv.path.join('.') : undefined;
            if (k !== undefined) props.set(k, v);
            continue;
          }
          props.set(key, this.eval(p.value as Node, env));
        }
        return { kind: 'object', props, node, file };
      }
      case 'ArrayExpression': {
        const items: Value[] = [];
        const nodes: Node[] = [];
        for (const el of node.elements) {
          if (!el) continue;
          if (el.type === 'SpreadElement') {
            const s = this.eval(el.argument, env);
            if (s.kind === 'array') {
              items.push(...s.items);
              nodes.push(...s.nodes);
            }
            continue;
          }
          items.push(this.eval(el, env));
          nodes.push(el);
        }
        return { kind: 'array', items, nodes };
      }
      case 'MemberExpression': {
        const obj = this.eval(node.object, env);
        const prop = propertyName(node);
        if (prop === undefined) return UNKNOWN;
        return this.member(obj, prop, node, file);
      }
      case 'AssignmentExpression':
        return this.assign(node, env);
      case 'CallExpression':
      case 'NewExpression':
        return this.call(node, env);
      default:
        return UNKNOWN;
    }
  }

  member(obj: Value, prop: string, node: Node, file: string): Value {
    switch (obj.kind) {
      case 'package':
        return { kind: 'package', pkg: obj.pkg, path: [...obj.path, prop] };
      case 'object':
        return obj.props.get(prop) ?? { kind: 'unknown', why: `no property ${prop}` };
      case 'module':
        return this.moduleExport(obj.file, prop);
      case 'class': {
        for (const m of obj.node.body.body) {
          if (m.type === 'MethodDefinition' && m.static && !m.computed && m.key.type === 'Identifier' && m.key.name === prop) {
            return { kind: 'function', node: m.value as FunctionNode, file: obj.file, env: obj.env, name: prop };
          }
        }
        return UNKNOWN;
      }
      case 'unknown':
        return obj;
      case 'instance':
        for (const h of this.hooks) {
          const r = h.property?.(obj.obj, prop, node, file);
          if (r) return r;
        }
        return { kind: 'member', object: obj, prop, node, file };
      default:
        return { kind: 'member', object: obj, prop, node, file };
    }
  }

  private assign(node: TSESTree.AssignmentExpression, env: Env): Value {
    const rec = env.module;
    const value = this.eval(node.right, env);
    if (node.operator !== '=') return value;
    const left = node.left;
    if (left.type === 'Identifier') {
      const b = env.lookup(left.name);
      if (b) {
        b.value = value;
        b.compute = undefined;
      }
      return value;
    }
    if (left.type !== 'MemberExpression') return value;
    const prop = propertyName(left);
    if (prop === undefined) return value;
    const obj = left.object;
    // module.exports = X / module.exports.x = X / exports.x = X
    if (obj.type === 'Identifier' && obj.name === 'module' && prop === 'exports' && !env.lookup('module')) {
      rec.cjs = value;
      if (value.kind === 'object') for (const [k, v] of value.props) rec.cjsProps.set(k, v);
      return value;
    }
    if (
      (obj.type === 'Identifier' && obj.name === 'exports' && !env.lookup('exports')) ||
      (obj.type === 'MemberExpression' && obj.object.type === 'Identifier' && obj.object.name === 'module' && propertyName(obj) === 'exports')
    ) {
      rec.cjsProps.set(prop, value);
      if (rec.cjs && rec.cjs.kind === 'object') rec.cjs.props.set(prop, value);
      return value;
    }
    const target = this.eval(obj, env);
    if (target.kind === 'object') target.props.set(prop, value);
    return value;
  }

  private call(node: CallNode, env: Env): Value {
    const file = env.module.file;
    const calleeNode = node.callee;
    // require('x')
    if (
      node.type === 'CallExpression' &&
      calleeNode.type === 'Identifier' &&
      calleeNode.name === 'require' &&
      !env.lookup('require') &&
      node.arguments.length >= 1 &&
      node.arguments[0].type === 'Literal' &&
      typeof node.arguments[0].value === 'string'
    ) {
      return this.requireValue(node.arguments[0].value, file);
    }
    // import('x') is dynamic; treated like require for the module's value.
    const args = node.arguments.map((a) => (a.type === 'SpreadElement' ? this.eval(a.argument, env) : this.eval(a, env)));

    // Method call on a framework object.
    if (node.type === 'CallExpression') {
      const cn = calleeNode.type === 'ChainExpression' ? calleeNode.expression : calleeNode;
      if (cn.type === 'MemberExpression') {
        const objValue = this.eval(cn.object, env);
        const prop = propertyName(cn);
        if (objValue.kind === 'instance' && prop !== undefined) {
          for (const h of this.hooks) {
            const r = h.method(objValue.obj, prop, node, args, file);
            if (r) return r;
          }
          return { kind: 'member', object: objValue, prop, node: cn, file };
        }
        const callee = prop !== undefined ? this.member(objValue, prop, cn, file) : UNKNOWN;
        return this.finishCall(callee, node, args, file);
      }
    }
    const callee = this.eval(calleeNode, env);
    return this.finishCall(callee, node, args, file);
  }

  private finishCall(callee: Value, node: CallNode, args: Value[], file: string): Value {
    for (const h of this.hooks) {
      const r = h.construct(callee, node, args, file);
      if (r) return r;
    }
    if (callee.kind === 'function') {
      // A call that receives a framework object registers on it: never answer it from a memo
      // made by an earlier run of the same code with other (or unknown) arguments.
      const receivesInstance = args.some((a) => a.kind === 'instance');
      const memo = receivesInstance ? undefined : this.callMemo.get(node);
      if (memo) return memo;
      const r = this.callFunction(callee, args, node);
      const result: Value = r.kind === 'unknown' ? { kind: 'call', callee, node, file, args } : r;
      if (!receivesInstance) this.callMemo.set(node, result);
      return result;
    }
    if (callee.kind === 'class' && node.type === 'NewExpression') {
      return this.instantiateClass(callee, args);
    }
    return { kind: 'call', callee, node, file, args };
  }

  /** Run a function's body with its parameters bound; returns the value of its return. */
  callFunction(fn: Extract<Value, { kind: 'function' }>, args: Value[], _site: CallNode | undefined): Value {
    if (this.callStack.has(fn.node) || this.callStack.size > MAX_DEPTH) return UNKNOWN;
    this.callStack.add(fn.node);
    this.executedFunctions.add(fn.node);
    try {
      const env = new Env(fn.env, fn.env.module, fn.node.type === 'ArrowFunctionExpression' ? fn.env.thisValue : fn.thisValue);
      fn.node.params.forEach((p, i) => this.bindParam(p, args[i] ?? UNKNOWN, env));
      if (fn.node.body.type !== 'BlockStatement') return this.eval(fn.node.body, env);
      return this.execBlock(fn.node.body.body, env) ?? UNKNOWN;
    } finally {
      this.callStack.delete(fn.node);
    }
  }

  private bindParam(p: Node, v: Value, env: Env): void {
    if (p.type === 'TSParameterProperty') {
      this.bindParam(p.parameter, v, env);
      return;
    }
    if (p.type === 'RestElement') {
      this.destructure(p.argument, UNKNOWN, env, undefined);
      return;
    }
    this.destructure(p, v, env, undefined);
  }

  private instantiateClass(cls: Extract<Value, { kind: 'class' }>, args: Value[]): Value {
    const self: Value = { kind: 'object', props: new Map(), node: cls.node, file: cls.file };
    // methods reachable through `this.method`
    for (const m of cls.node.body.body) {
      if (m.type === 'MethodDefinition' && !m.static && !m.computed && m.key.type === 'Identifier' && m.kind === 'method') {
        self.props.set(m.key.name, { kind: 'function', node: m.value as FunctionNode, file: cls.file, env: cls.env, name: m.key.name, thisValue: self });
      }
    }
    const classEnv = new Env(cls.env, cls.env.module, self);
    for (const m of cls.node.body.body) {
      if (m.type === 'PropertyDefinition' && !m.static && !m.computed && m.key.type === 'Identifier' && m.value) {
        self.props.set(m.key.name, this.eval(m.value, classEnv));
      }
    }
    const ctor = cls.node.body.body.find((m) => m.type === 'MethodDefinition' && m.kind === 'constructor') as TSESTree.MethodDefinition | undefined;
    if (ctor && ctor.value.type === 'FunctionExpression') {
      this.callFunction({ kind: 'function', node: ctor.value, file: cls.file, env: cls.env, thisValue: self }, args, undefined);
    }
    return self;
  }
}

function importedName(n: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return n.type === 'Identifier' ? n.name : String(n.value);
}

export function patternNames(p: Node): string[] {
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'ObjectPattern':
      return p.properties.flatMap((q) => (q.type === 'RestElement' ? patternNames(q.argument) : patternNames(q.value)));
    case 'ArrayPattern':
      return p.elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'AssignmentPattern':
      return patternNames(p.left);
    case 'RestElement':
      return patternNames(p.argument);
    default:
      return [];
  }
}

/** The package call at the root of a chain: `body('email').isEmail().trim()` → the `body(…)` call. */
export function rootCall(v: Value): Extract<Value, { kind: 'call' }> | undefined {
  let cur: Value | undefined = v;
  let lastCall: Extract<Value, { kind: 'call' }> | undefined;
  for (let i = 0; cur && i < 64; i++) {
    if (cur.kind === 'call') {
      lastCall = cur;
      cur = cur.callee;
    } else if (cur.kind === 'member') cur = cur.object;
    else break;
  }
  return lastCall;
}

/** The package member a value ultimately comes from (for calls, the callee's). */
export function packageOrigin(v: Value): { pkg: string; path: string[] } | undefined {
  let cur: Value | undefined = v;
  const trail: string[] = [];
  for (let i = 0; cur && i < 64; i++) {
    if (cur.kind === 'package') return { pkg: cur.pkg, path: [...cur.path, ...trail.reverse()] };
    if (cur.kind === 'call') cur = cur.callee;
    else if (cur.kind === 'member') {
      trail.push(cur.prop);
      cur = cur.object;
    } else return undefined;
  }
  return undefined;
}

/** The `key: …` Property node of an object value written as a literal (for locations and options). */
export function objectProperty(obj: Value | undefined, key: string): TSESTree.Property | undefined {
  if (!obj || obj.kind !== 'object' || !obj.node || obj.node.type !== 'ObjectExpression') return undefined;
  for (const p of obj.node.properties) {
    if (p.type !== 'Property') continue;
    const k = !p.computed && p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
    if (k === key) return p;
  }
  return undefined;
}

/** The value node of `key` in an object value written as a literal. */
export function objectPropertyValue(obj: Value | undefined, key: string): Node | undefined {
  return objectProperty(obj, key)?.value as Node | undefined;
}
