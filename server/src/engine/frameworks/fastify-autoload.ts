/**
 * `@fastify/autoload`: which files of a folder become plugins, with which prefix, and which
 * `autohooks` files wrap them (the same conventions as the package: a folder's name is its
 * routes' prefix, `index` files stand for their folder, `autohooks` apply to the folder and,
 * with `cascadeHooks`, to its subfolders).
 */
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { objectPropertyValue, type Value } from '../evaluate';
import type { FileHost } from '../host';
import { propertyName, unwrap, type Node, type ParsedFile } from '../parse';
import type { FastifyAdapter } from './fastify';

export interface AutoloadOptions {
  dir: string;
  autoHooks: boolean;
  cascadeHooks: boolean;
  overwriteHooks: boolean;
  dirNameRoutePrefix: boolean;
  ignorePattern?: RegExp;
  indexPattern: RegExp;
  maxDepth?: number;
  routeParams: boolean;
  encapsulate: boolean;
  /** `options: { prefix }` given to every loaded plugin. */
  optionsPrefix?: string;
}

export interface AutoloadGroup {
  dir: string;
  prefix: string;
  hooks: string[];
  plugins: Array<{ file: string; prefix: string }>;
}

const SCRIPT = /((^.?|\.[^d]|[^.]d|[^.][^d])\.ts|\.js|\.cjs|\.mjs)$/i;
const AUTOHOOKS = /^[_.]?auto_?hooks(\.ts|\.js|\.cjs|\.mjs)$/i;
const INDEX = /^index(\.ts|\.js|\.cjs|\.mjs)$/i;
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]s$/i;

export function autoloadOptions(adapter: FastifyAdapter, opts: Value, file: string): AutoloadOptions | undefined {
  if (opts.kind !== 'object') return undefined;
  const pf = adapter.getParsed(opts.file ?? file);
  const dirNode = objectPropertyValue(opts, 'dir');
  const dir = dirNode && pf ? staticPath(dirNode, pf, 0) : undefined;
  if (!dir || !adapter.host!.isDirectory(dir)) return undefined;
  const bool = (k: string, d: boolean) => {
    const v = opts.props.get(k);
    return v && v.kind === 'literal' && typeof v.value === 'boolean' ? v.value : d;
  };
  const regex = (k: string): RegExp | undefined => {
    const v = opts.props.get(k);
    if (v && v.kind === 'literal' && v.value instanceof RegExp) return v.value;
    if (v && v.kind === 'literal' && typeof v.value === 'string') {
      try {
        return new RegExp(v.value);
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  const md = opts.props.get('maxDepth');
  const inner = opts.props.get('options');
  const ip = inner && inner.kind === 'object' ? inner.props.get('prefix') : undefined;
  return {
    dir,
    autoHooks: bool('autoHooks', false),
    cascadeHooks: bool('cascadeHooks', false),
    overwriteHooks: bool('overwriteHooks', false),
    dirNameRoutePrefix: bool('dirNameRoutePrefix', true),
    ignorePattern: regex('ignorePattern'),
    indexPattern: regex('indexPattern') ?? INDEX,
    maxDepth: md && md.kind === 'literal' && typeof md.value === 'number' ? md.value : undefined,
    routeParams: bool('routeParams', false),
    encapsulate: bool('encapsulate', true),
    optionsPrefix: ip && ip.kind === 'literal' && typeof ip.value === 'string' ? ip.value.replace(/\/$/, '') : undefined,
  };
}

/** The folders of an autoload directory, in load order, with their hooks and plugin files. */
export function scanAutoload(host: FileHost, o: AutoloadOptions): AutoloadGroup[] {
  const groups = new Map<string, AutoloadGroup>();
  const visit = (dir: string, prefix: string, depth: number, inherited: string[]) => {
    if (depth > 12) return;
    const key = prefix || '/';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { dir, prefix, hooks: [], plugins: [] }));
    const list = host.readDirectory(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let hooks: string[] = [];
    if (o.autoHooks) {
      hooks = [...inherited];
      const ah = list.find((e) => e.isFile && AUTOHOOKS.test(e.name));
      if (ah) {
        if (o.overwriteHooks) hooks = [];
        hooks.push(path.join(dir, ah.name));
      }
      g.hooks = hooks;
    }
    const index = list.find((e) => e.isFile && o.indexPattern.test(e.name));
    if (index) g.plugins.push({ file: path.join(dir, index.name), prefix });
    for (const e of list) {
      if (o.ignorePattern && o.ignorePattern.test(e.name)) continue;
      const atMax = o.maxDepth !== undefined && o.maxDepth <= depth;
      const full = path.join(dir, e.name);
      if (e.isDirectory && !atMax) {
        if (e.name === 'node_modules') continue;
        const crumb = (prefix ? `${prefix}/` : '/') + (o.dirNameRoutePrefix ? e.name : '');
        visit(full, crumb, depth + 1, o.autoHooks && o.cascadeHooks ? hooks : []);
        continue;
      }
      if (index) continue;
      if (e.isFile && SCRIPT.test(e.name) && !AUTOHOOKS.test(e.name) && !TEST_FILE.test(e.name)) g.plugins.push({ file: full, prefix });
    }
  };
  visit(o.dir, '', 0, []);
  return [...groups.values()].filter((g) => g.plugins.length);
}

/**
 * A folder path written in code: string literals, `__dirname`, `import.meta.dirname`,
 * `path.join/resolve(…)`, `dirname(fileURLToPath(import.meta.url))`, `new URL('./x', import.meta.url)`,
 * and identifiers bound to those at the top of the module.
 */
export function staticPath(node: Node, pf: ParsedFile, depth: number): string | undefined {
  if (depth > 8) return undefined;
  const u = unwrap(node);
  const here = path.dirname(pf.file);
  switch (u.type) {
    case 'Literal':
      if (typeof u.value !== 'string') return undefined;
      if (u.value.startsWith('file://')) return u.value.slice(7);
      return path.isAbsolute(u.value) ? u.value : path.resolve(here, u.value);
    case 'TemplateLiteral':
      if (u.expressions.length === 0) return path.resolve(here, u.quasis[0].value.cooked ?? '');
      return undefined;
    case 'Identifier':
      if (u.name === '__dirname') return here;
      if (u.name === '__filename') return pf.file;
      return identifierPath(u.name, pf, depth);
    case 'MemberExpression': {
      const prop = propertyName(u);
      if (u.object.type === 'MetaProperty') {
        if (prop === 'dirname') return here;
        if (prop === 'url' || prop === 'filename') return pf.file;
      }
      return undefined;
    }
    case 'CallExpression':
    case 'NewExpression': {
      const callee = unwrap(u.callee as Node);
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : undefined;
      const args = u.arguments as Node[];
      if (name === 'join' || name === 'resolve') {
        const parts: string[] = [];
        for (const a of args) {
          const x = unwrap(a);
          if (x.type === 'Literal' && typeof x.value === 'string') parts.push(x.value);
          else {
            const p = staticPath(a, pf, depth + 1);
            if (!p) return undefined;
            parts.push(p);
          }
        }
        if (!parts.length) return undefined;
        return path.isAbsolute(parts[0]) ? path.resolve(...parts) : path.resolve(here, ...parts);
      }
      if (name === 'dirname' && args[0]) {
        const p = staticPath(args[0], pf, depth + 1);
        return p ? path.dirname(p) : undefined;
      }
      if ((name === 'fileURLToPath' || name === 'String') && args[0]) return staticPath(args[0], pf, depth + 1);
      if (name === 'URL' && u.type === 'NewExpression' && args[0] && args[1]) {
        const rel = unwrap(args[0]);
        const base = staticPath(args[1], pf, depth + 1);
        if (rel.type === 'Literal' && typeof rel.value === 'string' && base) return path.resolve(path.dirname(base), rel.value);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function identifierPath(name: string, pf: ParsedFile, depth: number): string | undefined {
  for (const stmt of pf.ast?.body ?? []) {
    const decl = stmt.type === 'ExportNamedDeclaration' ? stmt.declaration : stmt;
    if (!decl || decl.type !== 'VariableDeclaration') continue;
    for (const d of decl.declarations as TSESTree.VariableDeclarator[]) {
      if (d.id.type === 'Identifier' && d.id.name === name && d.init) return staticPath(d.init, pf, depth + 1);
    }
  }
  return undefined;
}
