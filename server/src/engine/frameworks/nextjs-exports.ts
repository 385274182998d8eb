/**
 * Reading a Next.js module's exports as written: where an exported name is declared (for
 * findings) and what it is: the handler function, the wrappers around it
 * (`export const GET = withAuth(async (req) => …)`), or a library's handler (`NextAuth(…)`).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Env, Evaluator, ModuleRecord, Value } from '../evaluate';
import { packageName } from '../modules';
import { isFunctionNode, unwrap, type Node } from '../parse';
import type { HandlerRef } from './types';

export interface ExportSite {
  name: string;
  /** The node to anchor findings on: the exported identifier (`GET`), or the `export` statement. */
  anchor: Node;
  /** The expression (or function declaration) that defines the export, in this module. */
  expr?: Node;
  value: () => Value;
  /** The local or imported name when exported under another (`export { auth as middleware }`). */
  local?: string;
}

function idName(n: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return n.type === 'Identifier' ? n.name : String(n.value);
}

/** The top-level declaration of a local name: a function declaration or a variable's initialiser. */
export function localDefinition(rec: ModuleRecord, local: string): Node | undefined {
  for (const stmt of rec.pf.ast!.body) {
    const d = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : stmt;
    if (!d) continue;
    if (d.type === 'FunctionDeclaration' && d.id?.name === local) return d;
    if (d.type === 'VariableDeclaration') {
      for (const decl of d.declarations) if (decl.id.type === 'Identifier' && decl.id.name === local && decl.init) return decl.init;
    }
  }
  return undefined;
}

/** Where and how `name` (`GET`, `default`, `config`, `middleware`) is exported by the module. */
export function findExport(ev: Evaluator, rec: ModuleRecord, name: string, resolve: (from: string, spec: string) => string | undefined): ExportSite | undefined {
  const env = rec.env;
  for (const stmt of rec.pf.ast!.body) {
    if (stmt.type === 'ExportNamedDeclaration') {
      const d = stmt.declaration;
      if (d && d.type === 'FunctionDeclaration' && d.id?.name === name) {
        return { name, anchor: d.id, expr: d, value: () => ev.lookupValue(name, env) };
      }
      if (d && d.type === 'VariableDeclaration') {
        for (const decl of d.declarations) {
          if (decl.id.type === 'Identifier' && decl.id.name === name) return { name, anchor: decl.id, expr: decl.init ?? undefined, value: () => ev.lookupValue(name, env) };
          if (decl.id.type === 'ObjectPattern') {
            for (const p of decl.id.properties) {
              if (p.type === 'Property' && p.value.type === 'Identifier' && p.value.name === name) return { name, anchor: p.value, value: () => ev.lookupValue(name, env) };
            }
          }
        }
      }
      for (const s of stmt.specifiers) {
        if (idName(s.exported) !== name) continue;
        const local = idName(s.local);
        if (stmt.source) {
          const spec = String(stmt.source.value);
          const target = resolve(rec.file, spec);
          if (target) return { name, anchor: s.exported, local, value: () => ev.moduleExport(target, local) };
          if (spec.startsWith('.')) return { name, anchor: s.exported, value: () => ({ kind: 'unknown', why: `cannot resolve ${spec}` }) };
          const pkg = packageName(spec);
          const sub = spec.replace(/^node:/, '').slice(pkg.length).replace(/^\//, '');
          const p = [...(sub ? sub.split('/') : []), ...(local === 'default' ? [] : [local])];
          return { name, anchor: s.exported, local, value: () => ({ kind: 'package', pkg, path: p }) };
        }
        return { name, anchor: s.exported, local, expr: localDefinition(rec, local) ?? s.local, value: () => ev.lookupValue(local, env) };
      }
    }
    if (stmt.type === 'ExportDefaultDeclaration' && name === 'default') {
      const d = stmt.declaration;
      const anchor: Node = (d.type === 'FunctionDeclaration' || d.type === 'FunctionExpression') && d.id ? d.id : stmt;
      return { name, anchor, expr: d as Node, value: () => ev.moduleDefault(rec.file) };
    }
  }
  // `export * from './handlers'`, `module.exports = handler`.
  const v = name === 'default' ? ev.moduleDefault(rec.file) : ev.moduleExport(rec.file, name);
  if (v.kind === 'unknown' || v.kind === 'module') return undefined;
  const stmt = rec.pf.ast!.body.find((s) => s.type === 'ExportAllDeclaration' || (s.type === 'ExpressionStatement' && /module\.exports|exports\./.test(rec.pf.text.slice(s.range[0], s.range[1]))));
  return { name, anchor: stmt ?? rec.pf.ast!, value: () => v };
}

export interface UnwrappedHandler {
  handler?: HandlerRef & { value: Extract<Value, { kind: 'function' }> };
  /** Wrapper calls around the handler, outermost first (`withAuth(withLimit(fn))`). */
  wrappers: Array<{ call: TSESTree.CallExpression; file: string; env: Env }>;
  /** The export's value when no handler function was found (a library's handler, an unknown value). */
  other?: Value;
}

/** Find the handler function inside an export's expression, and the wrapper calls around it. */
export function unwrapHandler(ev: Evaluator, rec: ModuleRecord, expr: Node | undefined, fallback: () => Value, depth = 0): UnwrappedHandler {
  const env = rec.env;
  const file = rec.file;
  if (!expr || depth > 8) return fromValue(fallback(), expr, file);
  const u = unwrap(expr);
  if (isFunctionNode(u)) {
    const value: Extract<Value, { kind: 'function' }> =
      u.type === 'FunctionDeclaration'
        ? { kind: 'function', node: u, file, env, name: u.id?.name }
        : { kind: 'function', node: u, file, env, name: u.type === 'FunctionExpression' ? u.id?.name : undefined };
    return { handler: { value, node: u, file }, wrappers: [] };
  }
  if (u.type === 'Identifier') {
    const def = localDefinition(rec, u.name);
    if (def && def !== u) return unwrapHandler(ev, rec, def, () => ev.eval(u, env), depth + 1);
    return fromValue(safeEval(ev, u, env), u, file);
  }
  if (u.type === 'CallExpression') {
    for (const a of u.arguments) {
      if (a.type === 'SpreadElement') continue;
      const au = unwrap(a);
      if (!(isFunctionNode(au) || au.type === 'Identifier' || au.type === 'CallExpression')) continue;
      const inner = unwrapHandler(ev, rec, au, () => safeEval(ev, au, env), depth + 1);
      if (inner.handler) return { handler: inner.handler, wrappers: [{ call: u, file, env }, ...inner.wrappers] };
    }
  }
  return fromValue(safeEval(ev, u, env), u, file);
}

function fromValue(v: Value, node: Node | undefined, file: string): UnwrappedHandler {
  if (v.kind === 'function') return { handler: node ? { value: v, node, file } : { value: v, node: v.node, file: v.file }, wrappers: [] };
  return { wrappers: [], other: v };
}

export function safeEval(ev: Evaluator, node: Node, env: Env): Value {
  try {
    return ev.eval(node, env);
  } catch {
    return { kind: 'unknown' };
  }
}
