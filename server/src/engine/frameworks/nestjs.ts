/**
 * NestJS adapter. Nest routing is declarative: controllers (`@Controller`) with method decorators
 * (`@Get(':id')`), modules (`@Module`) that list controllers, global providers (`APP_GUARD`,
 * `APP_PIPE`) and middleware (`configure(consumer)`), and the bootstrap in main.ts
 * (`NestFactory.create`, `setGlobalPrefix`, `enableVersioning`, `useGlobalGuards/Pipes`, `use`).
 *
 * The evaluator records what main.ts does to the app (hooks below); decorators are read from the
 * AST of every file mentioning `@nestjs/` and resolved through imports (nestjs-judge.ts). Routes
 * are built directly: middleware (app.use, then consumer middleware), guards (global →
 * controller → route), then pipes (global → controller → route → parameter), then the handler
 * read with its parameter decorators (`@Body() dto`, `@Param('id')`, `@Req() req`).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { shortFile } from '../classify';
import { objectPropertyValue, packageOrigin, type CallNode, type Env, type FrameworkObject, type Value } from '../evaluate';
import type { FunctionFacts, InputRead, RequestParams } from '../facts';
import type { AppInfo, Classification, InputSource, PublicDeclaration, SourceLocation, Step, StepScope } from '../model';
import { makeLocation, nodeLocation, nodeText, type Node, type ParsedFile } from '../parse';
import { appInfo, emptyRoute, joinPaths } from './tree';
import type { BuildContext, FrameworkAdapter, HandlerRef, RouteDraft } from './types';
import {
  classOf,
  className,
  displayOf,
  dtoOf,
  isNestPkg,
  judgeGuardClass,
  judgeMiddlewareClass,
  judgePipe,
  metadataOf,
  methodOf,
  nestCatalogue,
  newMemo,
  resolveDecorators,
  safeEval,
  type Cls,
  type Deco,
  type DtoInfo,
  type Honour,
  type Judge,
  type PipeJudgement,
} from './nestjs-judge';

const HTTP_DECORATORS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  All: 'ALL',
  Options: 'OPTIONS',
  Head: 'HEAD',
  Search: 'SEARCH',
};
const PARAM_SOURCES: Record<string, InputSource> = { Body: 'body', Query: 'query', Param: 'params', Headers: 'headers' };
/** RequestMethod enum values (numbers) as names. */
const REQUEST_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

interface NestApp extends FrameworkObject {
  framework: 'nestjs';
  kind: 'app';
  call: CallNode;
  rootModule?: Value;
  seen: Set<string>;
  prefix?: { value: string; exclude: Matcher[] };
  versioning?: { uri: boolean; defaultVersion?: Value; prefix: string };
  guards: HandlerRef[];
  pipes: HandlerRef[];
  middleware: HandlerRef[];
}

/** A path (or controller) pattern from forRoutes / exclude / setGlobalPrefix's exclude. */
type Matcher = { kind: 'controller'; key: string; node: Node; file: string } | { kind: 'path'; pattern: string; method?: string; node: Node; file: string };

interface ModuleInfo {
  cls: Cls;
  key: string;
  controllers: string[];
  imports: string[];
  globalGuards: HandlerRef[];
  globalPipes: HandlerRef[];
  middleware: Array<{ handlers: HandlerRef[]; forRoutes: Matcher[]; excludes: Matcher[] }>;
}

function classKey(c: { file: string; node: Node }): string {
  return `${c.file}:${c.node.range[0]}`;
}

export class NestAdapter implements FrameworkAdapter {
  readonly framework = 'nestjs' as const;
  readonly candidate = /@nestjs\//;
  readonly apps: NestApp[] = [];
  private readonly byNode = new Map<string, NestApp>();

  catalogue = nestCatalogue;

  construct(callee: Value, call: CallNode, args: Value[], file: string): Value | undefined {
    if (callee.kind !== 'package' || callee.pkg !== '@nestjs/core') return undefined;
    const p = callee.path;
    if (p.length !== 2 || p[0] !== 'NestFactory' || p[1] !== 'create') return undefined;
    const key = `${file}:${call.range[0]}`;
    let app = this.byNode.get(key);
    if (!app) {
      app = { id: `nestjs-app@${key}`, framework: 'nestjs', kind: 'app', file, node: call, call, rootModule: args[0], seen: new Set(), guards: [], pipes: [], middleware: [] };
      this.byNode.set(key, app);
      this.apps.push(app);
    }
    return { kind: 'instance', obj: app };
  }

  method(fo: FrameworkObject, method: string, call: TSESTree.CallExpression, args: Value[], file: string): Value | undefined {
    if (fo.framework !== 'nestjs') return undefined;
    const app = fo as NestApp;
    const self: Value = { kind: 'instance', obj: app };
    const key = `${file}:${call.range[0]}-${call.range[1]}`;
    const nodes = call.arguments as Node[];
    const refs = (vals: Value[]) => vals.map((value, i) => ({ value, node: nodes[i] && nodes[i].type !== 'SpreadElement' ? nodes[i] : call, file }));
    switch (method) {
      case 'setGlobalPrefix': {
        if (app.seen.has(key)) return self;
        app.seen.add(key);
        const v = args[0];
        const raw = v && v.kind === 'literal' && typeof v.value === 'string' ? v.value : '<dynamic>';
        const value = '/' + raw.replace(/^\/+|\/+$/g, '');
        const exclude: Matcher[] = [];
        const opts = args[1];
        const ex = opts && opts.kind === 'object' ? opts.props.get('exclude') : undefined;
        if (ex && ex.kind === 'array') ex.items.forEach((it, i) => exclude.push(...matchersOf(it, ex.nodes[i] ?? call, file)));
        app.prefix = { value, exclude };
        return self;
      }
      case 'enableVersioning': {
        const o = args[0];
        let uri = true;
        let defaultVersion: Value | undefined;
        let prefix = 'v';
        if (o && o.kind === 'object') {
          const t = o.props.get('type');
          if (t) uri = enumName(t) === 'URI' || (t.kind === 'literal' && t.value === 0);
          defaultVersion = o.props.get('defaultVersion');
          const pv = o.props.get('prefix');
          if (pv && pv.kind === 'literal') prefix = pv.value === false ? '' : typeof pv.value === 'string' ? pv.value : 'v';
        } else if (o) uri = false;
        app.versioning = { uri, defaultVersion, prefix };
        return self;
      }
      case 'useGlobalGuards':
      case 'useGlobalPipes':
      case 'use': {
        if (app.seen.has(key)) return self;
        app.seen.add(key);
        const list = method === 'useGlobalGuards' ? app.guards : method === 'useGlobalPipes' ? app.pipes : app.middleware;
        // app.use('/path', mw) is rare in Nest; a leading path is dropped (kept app-wide: conservative for auth).
        const r = refs(args).filter((h) => !(method === 'use' && h.value.kind === 'literal'));
        list.push(...r);
        return self;
      }
      default:
        return undefined;
    }
  }

  buildRoutes(ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
    return new NestBuilder(ctx, this.apps).build();
  }
}

function enumName(v: Value): string | undefined {
  const o = packageOrigin(v);
  if (o) return o.path[o.path.length - 1];
  if (v.kind === 'literal' && typeof v.value === 'number') return REQUEST_METHODS[v.value];
  return undefined;
}

/** forRoutes / exclude arguments as matchers: 'users/*', { path, method }, a controller class. */
function matchersOf(v: Value, node: Node, file: string): Matcher[] {
  if (v.kind === 'literal' && typeof v.value === 'string') return [{ kind: 'path', pattern: v.value, node, file }];
  if (v.kind === 'class') return [{ kind: 'controller', key: classKey(v), node, file }];
  if (v.kind === 'object') {
    const p = v.props.get('path');
    if (p && p.kind === 'literal' && typeof p.value === 'string') {
      const m = v.props.get('method');
      const method = m ? enumName(m) : undefined;
      return [{ kind: 'path', pattern: p.value, method: method && method !== 'ALL' ? method : undefined, node, file }];
    }
  }
  if (v.kind === 'array') return v.items.flatMap((it, i) => matchersOf(it, v.nodes[i] ?? node, file));
  return [];
}

function segs(p: string): string[] {
  return p
    .replace(/\(\.\*\)/g, '*')
    .replace(/\{\*[^}]*\}/g, '*')
    .replace(/\/\*\w+/g, '/*')
    .split('/')
    .filter(Boolean);
}

/** Does a Nest path pattern (path-to-regexp: `:id`, `*`, `(.*)`) match a route's path? */
export function patternMatches(pattern: string, path: string): boolean {
  const ps = segs(pattern);
  const rs = segs(path);
  for (let i = 0; i < ps.length; i++) {
    const s = ps[i];
    if (s === '*') return true;
    if (i >= rs.length) return false;
    if (s.includes('*')) {
      const re = new RegExp('^' + s.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
      if (!re.test(rs[i])) return false;
      continue;
    }
    if (s.startsWith(':')) continue;
    if (s !== rs[i]) return false;
  }
  return ps.length === rs.length;
}

function matches(m: Matcher, path: string, method: string, controllerKey: string): boolean {
  if (m.kind === 'controller') return m.key === controllerKey;
  if (m.method && m.method !== method && method !== 'ALL') return false;
  return patternMatches(m.pattern, path);
}

interface ControllerInfo {
  cls: Cls;
  key: string;
  file: string;
  pf: ParsedFile;
  decos: Deco[];
  paths: string[];
  version?: Value;
}

interface ParamInfo {
  index: number;
  name?: string;
  decorator: string;
  source?: InputSource;
  field?: string;
  pipes: HandlerRef[];
  dto: DtoInfo;
  anchor: Node;
}

interface PipeUse {
  ref: HandlerRef;
  scope: StepScope;
  judgement: PipeJudgement;
  /** Only for parameter pipes: the parameter index. */
  param?: number;
}

class NestBuilder implements Judge {
  readonly ev;
  readonly classifier;
  readonly getParsed;
  readonly memo = newMemo();
  private readonly modules: ModuleInfo[] = [];
  private readonly controllers: ControllerInfo[] = [];
  private readonly stepCache = new Map<string, { step: Step; honours: Honour[]; throttler: boolean }>();

  constructor(
    private readonly ctx: BuildContext,
    private readonly apps: NestApp[],
  ) {
    this.ev = ctx.ev;
    this.classifier = ctx.classifier;
    this.getParsed = ctx.getParsed;
  }

  build(): { drafts: RouteDraft[]; apps: AppInfo[] } {
    this.scan();
    const drafts: RouteDraft[] = [];
    const appDrafts = new Map<NestApp, RouteDraft[]>(this.apps.map((a) => [a, []]));
    const listed = new Set(this.modules.flatMap((m) => m.controllers));
    const modulePaths = this.routerModulePaths();
    const globalGuards = this.modules.flatMap((m) => m.globalGuards);
    const globalPipes = this.modules.flatMap((m) => m.globalPipes);
    const consumer = this.modules.flatMap((m) => m.middleware);
    for (const c of this.controllers) {
      const owner = this.ownerModule(c.key);
      const orphan = this.modules.length > 0 && !listed.has(c.key);
      const app = orphan ? undefined : this.appFor(owner);
      for (const d of this.routesOf(c, app, owner ? modulePaths.get(owner.key) ?? [''] : [''], globalGuards, globalPipes, consumer, orphan)) {
        drafts.push(d);
        if (app) appDrafts.get(app)!.push(d);
      }
    }
    const infos: AppInfo[] = [];
    for (const a of this.apps) {
      const pf = this.getParsed(a.file);
      if (pf) infos.push(appInfo(a.id, 'nestjs', nodeLocation(pf, a.call), appDrafts.get(a)!));
    }
    return { drafts, apps: infos };
  }

  // -------------------------------------------------------------------------------------------
  // Scanning modules and controllers

  private scan(): void {
    for (const file of this.ctx.files) {
      const text = this.ctx.host.readFile(file);
      if (text === undefined || !/@nestjs\//.test(text) || !/@/.test(text)) continue;
      const pf = this.getParsed(file);
      if (!pf || !pf.ast) continue;
      let rec;
      try {
        rec = this.ev.module(file) ?? this.ev.runModule(file);
      } catch {
        rec = undefined;
      }
      if (!rec) continue;
      for (const stmt of pf.ast.body) {
        const d = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : stmt;
        if (!d || (d.type !== 'ClassDeclaration' && d.type !== 'ClassExpression') || !d.decorators?.length) continue;
        const cls: Cls = { kind: 'class', node: d, file, env: rec.env };
        const decos = resolveDecorators(this, d.decorators, rec.env, file);
        const ctl = decos.find((x) => x.name === 'Controller' && x.pkg === '@nestjs/common');
        if (ctl) this.addController(cls, pf, decos, ctl);
        const mod = decos.find((x) => x.name === 'Module' && x.pkg === '@nestjs/common');
        if (mod) this.addModule(cls, mod, rec.env);
      }
    }
  }

  private addController(cls: Cls, pf: ParsedFile, decos: Deco[], ctl: Deco): void {
    let paths = [''];
    let version: Value | undefined;
    const a = ctl.args[0];
    const pathsOf = (v: Value | undefined): string[] => {
      if (!v || (v.kind === 'literal' && v.value === null)) return [''];
      if (v.kind === 'literal' && typeof v.value === 'string') return [v.value];
      if (v.kind === 'array') return v.items.flatMap((i) => pathsOf(i));
      return ['<dynamic>'];
    };
    if (a && a.kind === 'object') {
      paths = pathsOf(a.props.get('path'));
      version = a.props.get('version');
    } else if (a) paths = pathsOf(a);
    this.controllers.push({ cls, key: classKey(cls), file: cls.file, pf, decos, paths, version });
  }

  private addModule(cls: Cls, mod: Deco, env: Env): void {
    const info: ModuleInfo = { cls, key: classKey(cls), controllers: [], imports: [], globalGuards: [], globalPipes: [], middleware: [] };
    this.modules.push(info);
    const meta = mod.args[0];
    if (meta && meta.kind === 'object') {
      const list = (k: string) => {
        const v = meta.props.get(k);
        return v && v.kind === 'array' ? v : undefined;
      };
      for (const c of list('controllers')?.items ?? []) if (c.kind === 'class') info.controllers.push(classKey(c));
      for (const m of list('imports')?.items ?? []) {
        const mc = this.moduleClassOf(m);
        if (mc) info.imports.push(classKey(mc));
      }
      const providers = list('providers');
      providers?.items.forEach((p) => {
        if (p.kind !== 'object') return;
        const provide = p.props.get('provide');
        const o = provide ? packageOrigin(provide) : undefined;
        const token = o && o.pkg === '@nestjs/core' ? o.path[o.path.length - 1] : undefined;
        if (token !== 'APP_GUARD' && token !== 'APP_PIPE') return;
        const key = p.props.has('useClass') ? 'useClass' : p.props.has('useValue') ? 'useValue' : p.props.has('useExisting') ? 'useExisting' : undefined;
        if (!key) return;
        const value = p.props.get(key)!;
        const node = objectPropertyValue(p, key) ?? (p.node as Node | undefined);
        if (!node || !p.file) return;
        (token === 'APP_GUARD' ? info.globalGuards : info.globalPipes).push({ value, node, file: p.file });
      });
    }
    this.readConfigure(info, env);
  }

  /** A module reference in `imports`: a class, `X.forRoot()` returning `{ module: X }`, `forwardRef(() => X)`. */
  private moduleClassOf(v: Value, depth = 0): Cls | undefined {
    if (depth > 3) return undefined;
    if (v.kind === 'class') return v;
    if (v.kind === 'object') {
      const m = v.props.get('module');
      return m ? this.moduleClassOf(m, depth + 1) : undefined;
    }
    if (v.kind === 'call') {
      const fn = v.args[0];
      const o = packageOrigin(v);
      if (o && o.path[o.path.length - 1] === 'forwardRef' && fn && fn.kind === 'function' && fn.node.body.type !== 'BlockStatement') {
        return this.moduleClassOf(safeEval(this.ev, fn.node.body, fn.env), depth + 1);
      }
    }
    return undefined;
  }

  /** `configure(consumer) { consumer.apply(mw).exclude(…).forRoutes(…) }` */
  private readConfigure(info: ModuleInfo, env: Env): void {
    const m = info.cls.node.body.body.find((x): x is TSESTree.MethodDefinition => x.type === 'MethodDefinition' && !x.computed && x.key.type === 'Identifier' && x.key.name === 'configure');
    if (!m || !m.value.body) return;
    const file = info.cls.file;
    const evalIn = (n: Node) => safeEval(this.ev, n, env);
    const visit = (n: Node): boolean => {
      if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression' || n.callee.property.type !== 'Identifier' || n.callee.property.name !== 'forRoutes') return true;
      const entry: ModuleInfo['middleware'][number] = { handlers: [], forRoutes: [], excludes: [] };
      for (const a of n.arguments) if (a.type !== 'SpreadElement') entry.forRoutes.push(...matchersOf(evalIn(a), a, file));
      let cur: Node = n.callee.object;
      for (let i = 0; i < 16 && cur.type === 'CallExpression' && cur.callee.type === 'MemberExpression' && cur.callee.property.type === 'Identifier'; i++) {
        const name = cur.callee.property.name;
        for (const a of cur.arguments) {
          if (a.type === 'SpreadElement') continue;
          if (name === 'exclude') entry.excludes.push(...matchersOf(evalIn(a), a, file));
          if (name === 'apply') {
            const v = evalIn(a);
            if (v.kind === 'array') v.items.forEach((it, k) => entry.handlers.push({ value: it, node: v.nodes[k] ?? a, file }));
            else entry.handlers.push({ value: v, node: a, file });
          }
        }
        if (name === 'apply') break;
        cur = cur.callee.object;
      }
      if (entry.handlers.length) info.middleware.push(entry);
      return false;
    };
    walkNodes(m.value.body, visit);
  }

  /** RouterModule.register([{ path, module, children }]) → module key → path prefixes. */
  private routerModulePaths(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const add = (routes: Value, prefix: string, depth: number) => {
      if (depth > 8 || routes.kind !== 'array') return;
      for (const r of routes.items) {
        if (r.kind === 'class') {
          const list = out.get(classKey(r)) ?? [];
          if (!list.includes(prefix)) list.push(prefix);
          out.set(classKey(r), list);
          continue;
        }
        if (r.kind !== 'object') continue;
        const p = r.props.get('path');
        const here = joinPaths(prefix || '/', p && p.kind === 'literal' && typeof p.value === 'string' ? p.value : '<dynamic>');
        const mod = r.props.get('module');
        if (mod && mod.kind === 'class') {
          const list = out.get(classKey(mod)) ?? [];
          if (!list.includes(here)) list.push(here);
          out.set(classKey(mod), list);
        }
        const ch = r.props.get('children');
        if (ch) add(ch, here, depth + 1);
      }
    };
    for (const m of this.modules) {
      const meta = this.moduleMeta(m);
      const imports = meta?.props.get('imports');
      if (!imports || imports.kind !== 'array') continue;
      for (const i of imports.items) {
        if (i.kind !== 'call') continue;
        const o = packageOrigin(i);
        if (o && o.pkg === '@nestjs/core' && o.path.join('.') === 'RouterModule.register' && i.args[0]) add(i.args[0], '', 0);
      }
    }
    return out;
  }

  private moduleMeta(m: ModuleInfo): Extract<Value, { kind: 'object' }> | undefined {
    const d = resolveDecorators(this, m.cls.node.decorators, m.cls.env, m.cls.file).find((x) => x.name === 'Module');
    const a = d?.args[0];
    return a && a.kind === 'object' ? a : undefined;
  }

  private ownerModule(ctlKey: string): ModuleInfo | undefined {
    return this.modules.find((m) => m.controllers.includes(ctlKey));
  }

  /** The app whose root module reaches the controller's module; the only app when there is one. */
  private appFor(owner: ModuleInfo | undefined): NestApp | undefined {
    if (this.apps.length <= 1) return this.apps[0];
    if (owner) {
      for (const a of this.apps) {
        const root = a.rootModule && this.moduleClassOf(a.rootModule);
        if (root && this.reaches(classKey(root), owner.key, new Set())) return a;
      }
    }
    return this.apps[0];
  }

  private reaches(from: string, to: string, seen: Set<string>): boolean {
    if (from === to) return true;
    if (seen.has(from) || seen.size > 256) return false;
    seen.add(from);
    const m = this.modules.find((x) => x.key === from);
    return !!m && m.imports.some((i) => this.reaches(i, to, seen));
  }

  // -------------------------------------------------------------------------------------------
  // Routes

  private *routesOf(
    c: ControllerInfo,
    app: NestApp | undefined,
    modulePaths: string[],
    moduleGuards: HandlerRef[],
    modulePipes: HandlerRef[],
    consumer: ModuleInfo['middleware'],
    orphan: boolean,
  ): Generator<RouteDraft> {
    for (const m of c.cls.node.body.body) {
      if (m.type !== 'MethodDefinition' || m.kind !== 'method' || m.static || !m.decorators?.length || m.value.type !== 'FunctionExpression') continue;
      const decos = resolveDecorators(this, m.decorators, c.cls.env, c.file);
      const methodName = !m.computed && m.key.type === 'Identifier' ? m.key.name : nodeText(c.pf, m.key, 30);
      for (const d of decos) {
        if (d.pkg !== '@nestjs/common' || !HTTP_DECORATORS[d.name] || d.via) continue;
        const httpMethod = HTTP_DECORATORS[d.name];
        const a = d.args[0];
        let methodPaths =
          !a ? [''] : a.kind === 'literal' && typeof a.value === 'string' ? [a.value] : a.kind === 'array' ? a.items.map((i) => (i.kind === 'literal' && typeof i.value === 'string' ? i.value : '<dynamic>')) : ['<dynamic>'];
        if (!methodPaths.length) methodPaths = ['<dynamic>'];
        const version = decos.find((x) => x.name === 'Version' && x.pkg === '@nestjs/common')?.args[0] ?? c.version ?? app?.versioning?.defaultVersion;
        const versions = app?.versioning?.uri ? versionsOf(version) : [undefined];
        for (const mp of modulePaths)
          for (const cp of c.paths)
            for (const hp of methodPaths) {
              const local = joinPaths(joinPaths(mp || '/', cp), hp);
              for (const v of versions) {
                const versioned = v === undefined ? local : joinPaths(`/${app!.versioning!.prefix}${v}`, local);
                let full = versioned;
                if (app?.prefix && app.prefix.value !== '/' && !app.prefix.exclude.some((x) => matches(x, versioned, httpMethod, c.key))) full = joinPaths(app.prefix.value, versioned);
                yield this.makeRoute(c, m, methodName, d, decos, httpMethod, full, local, app, moduleGuards, modulePipes, consumer, orphan);
              }
            }
      }
    }
  }

  private makeRoute(
    c: ControllerInfo,
    m: TSESTree.MethodDefinition,
    methodName: string,
    httpDeco: Deco,
    methodDecos: Deco[],
    method: string,
    full: string,
    local: string,
    app: NestApp | undefined,
    moduleGuards: HandlerRef[],
    modulePipes: HandlerRef[],
    consumer: ModuleInfo['middleware'],
    orphan: boolean,
  ): RouteDraft {
    const pf = c.pf;
    const registration = nodeLocation(pf, httpDeco.anchor);
    const route = emptyRoute('nestjs', method, full, registration, app?.id);
    const steps: Step[] = [];
    const stepFacts: FunctionFacts[] = [];
    // 1. Middleware: app.use() in main.ts, then consumer.apply(…).forRoutes(…) of modules.
    for (const h of app?.middleware ?? []) steps.push(this.middlewareStep(h));
    for (const mw of consumer) {
      if (!mw.forRoutes.some((x) => matches(x, local, method, c.key))) continue;
      const ex = mw.excludes.find((x) => matches(x, local, method, c.key));
      for (const h of mw.handlers) {
        const s = this.middlewareStep(h);
        const exText = ex ? nodeText(this.getParsed(ex.file)!, ex.node, 60) : '';
        steps.push(ex ? { ...s, skipped: { reason: `excluded by .exclude(${exText})`, location: nodeLocation(this.getParsed(ex.file)!, ex.node) } } : s);
      }
    }
    // 2. Guards: global (APP_GUARD providers, then useGlobalGuards), controller, route.
    const guards: Array<{ step: Step; honours: Honour[]; throttler: boolean }> = [];
    for (const h of moduleGuards) guards.push(this.guardStep(h, 'app'));
    for (const h of app?.guards ?? []) guards.push(this.guardStep(h, 'app'));
    for (const d of c.decos) if (d.name === 'UseGuards' && isNestPkg(d.pkg)) d.args.forEach((v, i) => guards.push(this.guardStep({ value: v, node: d.argNodes[i], file: d.file }, 'controller', d)));
    for (const d of methodDecos) if (d.name === 'UseGuards' && isNestPkg(d.pkg)) d.args.forEach((v, i) => guards.push(this.guardStep({ value: v, node: d.argNodes[i], file: d.file }, 'route', d)));
    // Public-style metadata honoured by a guard.
    const meta = [...methodDecos.map((d) => ({ d, on: 'handler' as const })), ...c.decos.map((d) => ({ d, on: 'class' as const }))];
    let declaredPublic: PublicDeclaration | undefined;
    const guardSteps: Step[] = [];
    for (const g of guards) {
      let step = g.step;
      for (const h of g.honours) {
        const hit = meta.find(({ d, on }) => {
          const md = metadataOf(d);
          return md && md.truthy && md.key === h.key && (on === 'handler' ? h.handler : h.cls);
        });
        if (!hit || !step.classifications.some((k) => k.role === 'auth')) continue;
        const dText = nodeText(this.getParsed(hit.d.anchorFile)!, hit.d.anchor, 40);
        const dLoc = nodeLocation(this.getParsed(hit.d.anchorFile)!, hit.d.anchor);
        step = { ...step, skipped: { reason: `${dText} sets metadata that ${h.guard} honours (${shortFile(h.location.file)}:${h.location.start.line}): it lets the request through without authenticating`, location: dLoc } };
        declaredPublic ??= {
          kind: 'declared',
          reason: `${dText} (${h.guard} lets it through)`,
          evidence: [
            { message: `${dText} on the ${hit.on === 'handler' ? 'route' : 'controller'}`, location: dLoc },
            { message: `${h.guard} returns true without authenticating when this metadata is set`, location: h.location },
          ],
        };
        break;
      }
      guardSteps.push(step);
    }
    if (declaredPublic && guardSteps.some((s) => !s.skipped && s.classifications.some((k) => k.role === 'auth'))) declaredPublic = undefined;
    // @SkipThrottle(): the method's word overrides the controller's.
    const skip = skipThrottle(methodDecos, 'route') ?? skipThrottle(c.decos, 'controller');
    guards.forEach((g, i) => {
      if (skip?.skip && g.throttler && !guardSteps[i].skipped) {
        guardSteps[i] = { ...guardSteps[i], skipped: { reason: `${nodeText(this.getParsed(skip.deco.anchorFile)!, skip.deco.anchor, 40)} turns the throttler off for this ${skip.on}`, location: nodeLocation(this.getParsed(skip.deco.anchorFile)!, skip.deco.anchor) } };
      }
    });
    steps.push(...guardSteps);
    // @Throttle({...}): a per-route limit, enforced only by a ThrottlerGuard that runs.
    const throttled = guards.some((g, i) => g.throttler && !guardSteps[i].skipped);
    for (const [decos, scope] of [[c.decos, 'controller'], [methodDecos, 'route']] as const) {
      for (const d of decos) {
        if (d.name !== 'Throttle' || d.pkg !== '@nestjs/throttler') continue;
        const dpf = this.getParsed(d.anchorFile)!;
        const s: Step = { name: nodeText(dpf, d.anchor, 50).replace(/^@/, ''), scope, location: nodeLocation(dpf, d.anchor), classifications: [], opaque: false, package: '@nestjs/throttler' };
        if (throttled) s.classifications.push({ role: 'rate-limit', confidence: 'high', source: 'package', reason: `${s.name} sets this ${scope === 'route' ? 'route' : 'controller'}'s limit, enforced by ThrottlerGuard`, evidence: [{ message: s.name, location: s.location }] });
        else s.notes = [`${s.name} sets a limit, but no ThrottlerGuard runs for this route, so nothing enforces it`];
        steps.push(s);
      }
    }
    // Documentation-only auth decorators (@ApiBearerAuth()).
    for (const [decos, scope] of [[c.decos, 'controller'], [methodDecos, 'route']] as const) {
      for (const d of decos) {
        if (d.pkg !== '@nestjs/swagger' || !/^Api(BearerAuth|Security|OAuth2|CookieAuth|BasicAuth)$/.test(d.name)) continue;
        const dpf = this.getParsed(d.anchorFile)!;
        const label = d.via ? `@${d.name}() (through ${d.via})` : nodeText(dpf, d.anchor, 40);
        steps.push({
          name: label,
          scope,
          location: nodeLocation(dpf, d.anchor),
          classifications: [],
          opaque: false,
          package: '@nestjs/swagger',
          notes: [`${label} only documents authentication in the OpenAPI spec; it does not reject anonymous requests (add a guard)`],
        });
      }
    }
    // 3. Handler parameters and pipes.
    const fn = methodOf(this, c.cls, methodName);
    const params = this.paramsOf(m, c);
    const pipes: PipeUse[] = [];
    for (const h of modulePipes) pipes.push({ ref: h, scope: 'app', judgement: judgePipe(this, h.value) });
    for (const h of app?.pipes ?? []) pipes.push({ ref: h, scope: 'app', judgement: judgePipe(this, h.value) });
    for (const [decos, scope] of [[c.decos, 'controller'], [methodDecos, 'route']] as const) {
      for (const d of decos) if (d.name === 'UsePipes' && isNestPkg(d.pkg)) d.args.forEach((v, i) => pipes.push({ ref: { value: v, node: d.argNodes[i], file: d.file }, scope, judgement: judgePipe(this, v) }));
    }
    for (const p of params) for (const h of p.pipes) pipes.push({ ref: h, scope: 'route', judgement: judgePipe(this, h.value), param: p.index });
    steps.push(...this.pipeSteps(pipes, params));
    route.steps = steps;
    route.mounts = [];
    // 4. The handler.
    route.handlerName = `${className(c.cls)}.${methodName}`;
    route.handler = makeLocation(pf.file, pf.lines, m.key.range[0], m.range[1]);
    // No handlerArgument: guards are decorators, not arguments a step could be inserted before.
    const handlerFacts: FunctionFacts[] = [];
    if (fn) {
      const rp: RequestParams = { destructured: new Map(), fields: new Map() };
      for (const p of params) {
        if (!p.name) continue;
        if (p.decorator === 'Req' || p.decorator === 'Request') rp.req = p.name;
        else if (p.decorator === 'Res' || p.decorator === 'Response') rp.res = p.name;
        else if (p.source && p.field === undefined) rp.destructured.set(p.name, p.source);
        else if (p.source && !p.pipes.some((h) => judgePipe(this, h.value).kind === 'parse')) rp.fields!.set(p.name, { source: p.source, field: p.field });
      }
      const facts = this.classifier.factsOf(fn, 'nestjs', rp, 'nestjs-handler');
      if (facts) {
        // What the signature declares it reads (`@Body('email') email`), as reads.
        const declared: InputRead[] = params.filter((p) => p.source).map((p) => ({ source: p.source!, field: p.field, node: p.anchor, location: nodeLocation(pf, p.anchor) }));
        const creds = params
          .filter((p) => p.source === 'headers' && p.field && /^(proxy-)?authorization$|token|api-?key|(^|-)key$|secret/i.test(p.field))
          .map((p) => ({ what: `reads header ${p.field} (${nodeText(pf, p.anchor, 40)})`, location: nodeLocation(pf, p.anchor) }));
        handlerFacts.push({ ...facts, reads: [...declared, ...facts.reads], credentialSignals: [...creds, ...facts.credentialSignals] });
        for (const d of facts.delegations) {
          if (d.passesNext) continue;
          route.opaqueInputs.push({ message: `passes the request to ${nodeText(pf, d.node.callee, 40)}, which API Warden cannot follow`, location: d.location });
        }
      }
    }
    for (const s of steps) {
      if (!s.definition) continue;
      const f = this.classifier.factsAt(s.definition);
      if (f) stepFacts.push(f);
    }
    return { route, handlerFacts, stepFacts, mountLines: [], orphan, declaredPublic };
  }

  private paramsOf(m: TSESTree.MethodDefinition, c: ControllerInfo): ParamInfo[] {
    const out: ParamInfo[] = [];
    const fn = m.value as TSESTree.FunctionExpression;
    fn.params.forEach((param, index) => {
      const decorators = (param as { decorators?: TSESTree.Decorator[] }).decorators;
      if (!decorators?.length) return;
      const inner = param.type === 'TSParameterProperty' ? param.parameter : param.type === 'AssignmentPattern' ? param.left : param;
      const name = inner.type === 'Identifier' ? inner.name : undefined;
      for (const d of resolveDecorators(this, decorators, c.cls.env, c.file)) {
        if (d.pkg !== '@nestjs/common') continue;
        const source = PARAM_SOURCES[d.name];
        if (!source && !/^(Req|Request|Res|Response)$/.test(d.name)) continue;
        let field: string | undefined;
        let pipeArgs = d.args.map((v, i) => ({ value: v, node: d.argNodes[i], file: d.file }));
        const a0 = d.args[0];
        if (a0 && a0.kind === 'literal' && typeof a0.value === 'string') {
          field = source === 'headers' ? a0.value.toLowerCase() : a0.value;
          pipeArgs = pipeArgs.slice(1);
        } else if (a0 && a0.kind === 'unknown') pipeArgs = pipeArgs.slice(1);
        out.push({ index, name, decorator: d.name, source, field, pipes: source ? pipeArgs : [], dto: dtoOf(this, param as Node, c.cls.env), anchor: d.anchor });
        break;
      }
    });
    return out;
  }

  /** Pipe steps with what each validates on this route. */
  private pipeSteps(pipes: PipeUse[], params: ParamInfo[]): Step[] {
    const inputs = params.filter((p) => p.source);
    const validates = (u: PipeUse, p: ParamInfo): boolean => {
      if (u.param !== undefined && u.param !== p.index) return false;
      switch (u.judgement.kind) {
        case 'parse':
        case 'custom':
          return u.param !== undefined || p.field !== undefined;
        case 'zod':
          return !!u.judgement.hasSchema || (p.dto.kind === 'class' && p.dto.zod);
        case 'validation':
          return p.dto.kind === 'class' && p.dto.decorators.length > 0;
        default:
          return false;
      }
    };
    const fully = new Set<InputSource>();
    for (const s of new Set(inputs.map((p) => p.source!))) if (inputs.filter((p) => p.source === s).every((p) => pipes.some((u) => validates(u, p)))) fully.add(s);
    const whitelisted = (p: ParamInfo) => pipes.some((u) => u.judgement.kind === 'validation' && u.judgement.whitelist === true && validates(u, p));
    const out: Step[] = [];
    for (const u of pipes) {
      const pf = this.getParsed(u.ref.file);
      if (!pf) continue;
      const location = nodeLocation(pf, u.ref.node);
      const name = displayOf(pf, u.ref.node);
      const step: Step = { name, scope: u.scope, location, classifications: [], opaque: u.judgement.kind === 'none' && !u.judgement.pkg && !u.judgement.definition };
      if (u.judgement.pkg) step.package = u.judgement.pkg;
      if (u.judgement.definition) step.definition = u.judgement.definition;
      const notes: string[] = [];
      const mine = inputs.filter((p) => validates(u, p));
      const where = `${shortFile(u.ref.file)}:${location.start.line}`;
      if (mine.length) {
        const what = mine.map((p) => describeParam(p)).join(', ');
        let reason = `${name} (${where}) validates ${what}`;
        const loose = u.judgement.kind === 'validation' && u.judgement.whitelist === false ? mine.filter((p) => p.source === 'body' && p.field === undefined && !whitelisted(p)) : [];
        if (loose.length) {
          const note = `ValidationPipe without whitelist: properties ${loose[0].dto.name} does not declare reach the handler (mass assignment, OWASP API3); set whitelist: true (and forbidNonWhitelisted: true)`;
          notes.push(note);
          reason += `; ${note}`;
        }
        const k: Classification = {
          role: 'validation',
          confidence: 'high',
          source: u.judgement.pkg ? 'package' : 'body',
          reason,
          evidence: [{ message: `${u.judgement.reason}: ${what}`, location }, ...notes.map((n) => ({ message: n, location }))],
          covers: [...new Set(mine.map((p) => p.source!))].filter((s) => fully.has(s)),
          ...(loose.length ? { acceptsUndeclared: { reason: `ValidationPipe without whitelist: properties ${loose[0].dto.name} does not declare reach the handler`, location } } : {}),
        };
        step.classifications.push(k);
      } else if (u.judgement.kind === 'validation' || u.judgement.kind === 'zod') {
        for (const p of inputs) {
          if (u.param !== undefined && u.param !== p.index) continue;
          if (p.field !== undefined) continue;
          notes.push(
            p.dto.kind === 'class'
              ? `${name} runs, but ${p.dto.name} has no class-validator decorators, so ${describeParam(p)} is not validated`
              : `${name} runs, but ${describeParam(p)} is ${p.dto.kind === 'array' ? 'an array type' : p.dto.kind === 'primitive' ? 'a primitive type' : 'not typed with a DTO class'}, so it is not validated`,
          );
        }
      } else if (u.judgement.kind === 'none') {
        notes.push(u.judgement.reason);
      }
      if (notes.length) step.notes = notes;
      out.push(step);
    }
    return out;
  }

  private guardStep(h: HandlerRef, scope: StepScope, via?: Deco): { step: Step; honours: Honour[]; throttler: boolean } {
    const key = `${h.file}:${h.node.range[0]}:${h.node.range[1]}:${scope}:${via ? `${via.anchorFile}:${via.anchor.range[0]}` : ''}`;
    const hit = this.stepCache.get(key);
    if (hit) return hit;
    const step = this.classifier.step(h.value, h.node, h.file, scope, undefined, 'nestjs');
    let honours: Honour[] = [];
    let throttler = step.package === '@nestjs/throttler' && step.classifications.some((k) => k.role === 'rate-limit');
    const cls = classOf(this, h.value);
    if (cls) {
      const j = judgeGuardClass(this, cls);
      const cfg = step.classifications.filter((k) => k.source === 'config');
      step.classifications = [...cfg, ...j.classes.filter((k) => !cfg.some((x) => x.role === k.role))];
      step.opaque = j.opaque && !step.classifications.length;
      if (j.definition) step.definition = j.definition;
      if (j.notes.length) step.notes = j.notes;
      honours = j.honours;
      throttler = j.throttler;
    }
    if (via?.via) {
      // Applied through a composite decorator: point at it on the route / controller.
      step.location = nodeLocation(this.getParsed(via.anchorFile)!, via.anchor);
      step.classifications = step.classifications.map((k) => ({ ...k, reason: `${k.reason} (applied by ${via.via})` }));
    }
    const r = { step, honours, throttler };
    this.stepCache.set(key, r);
    return r;
  }

  private middlewareStep(h: HandlerRef): Step {
    const step = this.classifier.step(h.value, h.node, h.file, 'app', undefined, 'express');
    const cls = classOf(this, h.value);
    if (cls) {
      const j = judgeMiddlewareClass(this, cls);
      const cfg = step.classifications.filter((k) => k.source === 'config');
      step.classifications = [...cfg, ...j.classes.filter((k) => !cfg.some((x) => x.role === k.role))];
      step.opaque = j.opaque && !step.classifications.length;
      if (j.definition) step.definition = j.definition;
      step.notes = j.notes.length ? j.notes : undefined;
      if (!step.notes) delete step.notes;
    }
    return step;
  }
}

function describeParam(p: ParamInfo): string {
  const dec = p.field !== undefined ? `@${p.decorator}('${p.field}')` : `@${p.decorator}()`;
  return `${dec} ${p.name ?? ''}${p.dto.kind === 'class' ? `: ${p.dto.name}` : ''}`.trim();
}

function versionsOf(v: Value | undefined): Array<string | undefined> {
  if (!v) return [undefined];
  if (v.kind === 'literal' && (typeof v.value === 'string' || typeof v.value === 'number')) return [String(v.value)];
  if (v.kind === 'array') {
    const out = v.items.flatMap((i) => versionsOf(i));
    return out.length ? out : [undefined];
  }
  const o = packageOrigin(v);
  if (o && o.path[o.path.length - 1] === 'VERSION_NEUTRAL') return [undefined];
  return ['<dynamic>'];
}

/** @SkipThrottle() / @SkipThrottle({ default: false }) among decorators: skip, explicit no-skip, or nothing said. */
function skipThrottle(decos: Deco[], on: 'route' | 'controller'): { skip: boolean; deco: Deco; on: 'route' | 'controller' } | undefined {
  for (const d of decos) {
    if (d.name !== 'SkipThrottle' || d.pkg !== '@nestjs/throttler') continue;
    const a = d.args[0];
    if (!a) return { skip: true, deco: d, on };
    if (a.kind === 'object') {
      const def = a.props.get('default');
      if (!def) continue;
      return { skip: !(def.kind === 'literal' && (def.value === false || def.value === null)), deco: d, on };
    }
    return { skip: true, deco: d, on };
  }
  return undefined;
}

/** Pre-order walk that stops descending where `visit` returns false (nested functions included). */
function walkNodes(root: Node, visit: (n: Node) => boolean): void {
  const stack: Node[] = [root];
  let guard = 0;
  while (stack.length && guard++ < 100000) {
    const n = stack.pop()!;
    if (!visit(n)) continue;
    for (const k in n) {
      if (k === 'parent' || k === 'range' || k === 'loc' || k === 'typeAnnotation' || k === 'decorators') continue;
      const v = (n as unknown as Record<string, unknown>)[k];
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) if (v[i] && typeof (v[i] as Node).type === 'string') stack.push(v[i] as Node);
      } else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') stack.push(v as Node);
    }
  }
}
