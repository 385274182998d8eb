/**
 * Hono adapter: `new Hono()` / `new OpenAPIHono()` apps, `basePath()` children, sub-apps
 * mounted with `app.route('/prefix', sub)`, `use`, `get/post/…/all`, `on(methods, paths)`,
 * path-less chained calls that reuse the last path, and `openapi(createRoute({…}), handler)`.
 *
 * Hono's routing differs from Express in ways that matter for security:
 *   - middleware paths are exact unless they end in a wildcard: `app.use('/admin', auth)` runs for
 *     `/admin` only, `/admin/*` for `/admin` and everything below (kept as a skipped step with the
 *     reason, so the mistake is visible);
 *   - a method registration whose last handler calls `next()` (or is known middleware) is
 *     middleware for that method (`app.on(['POST','PUT'], '/api/*', bearerAuth(…))`);
 *   - everything runs in registration order (late steps).
 * The ordered router-tree walk (tree.ts) does the rest.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { objectPropertyValue, packageOrigin, type CallNode, type FrameworkObject, type FunctionNode, type Value } from '../evaluate';
import type { AppInfo, Classification, InputSource, PublicDeclaration, Step } from '../model';
import { nodeLocation, nodeText, unwrap, walk, type Node } from '../parse';
import { anchorRange } from './express';
import { honoCatalogue } from './hono-catalogue';
import { appInfo, buildTreeRoutes, type RouteEvent, type TreeObject, type UseEvent } from './tree';
import type { BuildContext, FrameworkAdapter, HandlerRef, RouteDraft } from './types';

export const HONO_METHODS = ['get', 'post', 'put', 'delete', 'options', 'patch', 'all'];

export interface HonoObject extends TreeObject {
  framework: 'hono';
  /** Hono's `#path`: the last path given to a method / use / on call (path-less chains reuse it). */
  lastPath: string;
  /** `.fetch` / `.request` read, or handed to a runtime adapter (`serve`, `handle`): a served app. */
  served?: boolean;
  /** The object `basePath()` was called on. */
  basePathOf?: HonoObject;
}

/** How a middleware registration restricts where it runs, beyond the prefix walk. */
interface MiddlewareInfo {
  /** The path has no wildcard: Hono runs it for that exact path only. */
  exact: boolean;
  /** Upper-case methods (`app.on(['POST'], …)`, `app.post('/x/*', mw)`); undefined for every method. */
  methods?: string[];
  /** `except('/api/public/*', mw)` from hono/combine: paths it skips (as written, full paths unknown). */
  except?: string[];
  call: CallNode;
  file: string;
  pathArg?: Node;
}

/** Packages whose handler serves API documentation. */
const DOC_PACKAGES = /^(@hono\/swagger-ui|@scalar\/hono-api-reference)$/;

export class HonoAdapter implements FrameworkAdapter {
  readonly framework = 'hono' as const;
  /** Files that mention Hono (imports, types of functions receiving an app). */
  readonly candidate = /\b[Hh]ono\b|OpenAPIHono/;
  readonly objects: HonoObject[] = [];
  private ctx: BuildContext | undefined;
  readonly catalogue = honoCatalogue(() => this.ctx);

  private readonly byNode = new Map<string, HonoObject>();
  /** Handler node (`file:offset`) of middleware registrations → where it runs. */
  private readonly mwInfo = new Map<string, MiddlewareInfo>();
  /** Registrations serving API docs (`app.doc()`, swagger UI): `file:offset` of the anchor. */
  private readonly docRoutes = new Map<string, string>();
  /** Functions known to pass control on (`await next()`). */
  private readonly middlewareMemo = new Map<FunctionNode, boolean>();

  construct(callee: Value, call: CallNode, args: Value[], file: string): Value | undefined {
    if (callee.kind === 'package') {
      const p = callee.path.filter((x) => x !== 'default');
      const isHono = (callee.pkg === 'hono' && p[p.length - 1] === 'Hono' && p.length <= 2) || (callee.pkg === '@hono/zod-openapi' && p.length === 1 && p[0] === 'OpenAPIHono');
      if (isHono && call.type === 'NewExpression') {
        const key = `${file}:${call.range[0]}`;
        let obj = this.byNode.get(key);
        if (!obj) {
          obj = { id: `hono-app@${key}`, framework: 'hono', kind: 'app', file, node: call, events: [], seen: new Set(), mountedBy: [], lastPath: '/' };
          this.byNode.set(key, obj);
          this.objects.push(obj);
        }
        return { kind: 'instance', obj };
      }
    }
    // `serve(app)`, `handle(app)` (hono/vercel, hono/aws-lambda…), `Deno.serve(app.fetch)`: the app is served.
    if (callee.kind === 'package') {
      for (const a of args) if (a.kind === 'instance' && a.obj.framework === 'hono') (a.obj as HonoObject).served = true;
    }
    return undefined;
  }

  property(fo: FrameworkObject, prop: string): Value | undefined {
    if (fo.framework === 'hono' && (prop === 'fetch' || prop === 'request' || prop === 'fire')) (fo as HonoObject).served = true;
    return undefined;
  }

  method(fo: FrameworkObject, method: string, call: TSESTree.CallExpression, args: Value[], file: string): Value | undefined {
    if (fo.framework !== 'hono') return undefined;
    const obj = fo as HonoObject;
    const self: Value = { kind: 'instance', obj };
    const key = `${file}:${call.range[0]}-${call.range[1]}`;
    const argNodes = call.arguments as Node[];
    try {
      switch (method) {
        case 'basePath':
          return { kind: 'instance', obj: this.basePath(obj, call, args, file, key) };
        case 'route': {
          if (obj.seen.has(key)) return self;
          obj.seen.add(key);
          const sub = args[1];
          if (sub && sub.kind === 'instance' && sub.obj.framework === 'hono' && sub.obj !== obj) {
            const { raw } = pathOf(args[0], argNodes[0]);
            const ev: UseEvent = { type: 'use', paths: [raw === '<dynamic>' ? raw : normalizeRoutePath(raw)], pathDynamic: raw === '<dynamic>', handlers: [{ value: sub, node: argNodes[1], file }], call, file };
            obj.events.push(ev);
            (sub.obj as HonoObject).mountedBy.push({ parent: obj, event: ev });
          }
          return self;
        }
        case 'use': {
          let rest = args;
          let restNodes = argNodes;
          let raw = '*';
          let pathArg: Node | undefined;
          if (args.length && isPathArg(args[0], argNodes[0], args.length)) {
            raw = pathOf(args[0], argNodes[0]).raw;
            pathArg = argNodes[0];
            rest = args.slice(1);
            restNodes = argNodes.slice(1);
          }
          obj.lastPath = raw;
          if (obj.seen.has(key)) return self;
          obj.seen.add(key);
          const handlers = this.handlers(rest, restNodes, file);
          if (handlers.length) this.middleware(obj, [raw], undefined, handlers, call, file, pathArg);
          return self;
        }
        case 'on': {
          if (args.length < 2) return self;
          const methods = methodsOf(args[0]);
          const paths = pathsOfOn(args[1], argNodes[1]);
          obj.lastPath = paths[paths.length - 1];
          if (obj.seen.has(key)) return self;
          obj.seen.add(key);
          const handlers = this.handlers(args.slice(2), argNodes.slice(2), file);
          if (handlers.length) this.register(obj, methods, paths, handlers, call, file, anchorRange(call, argNodes[1]), argNodes[1]);
          return self;
        }
        case 'openapi':
          if (!obj.seen.has(key)) {
            obj.seen.add(key);
            this.openapi(obj, call, args, file);
          }
          return self;
        case 'doc':
        case 'doc31': {
          if (obj.seen.has(key) || !args.length) return self;
          obj.seen.add(key);
          const { raw } = pathOf(args[0], argNodes[0]);
          const anchor = anchorRange(call, argNodes[0]);
          obj.events.push({ type: 'route', method: 'GET', paths: [normalizeRoutePath(raw)], pathDynamic: raw === '<dynamic>', handlers: [], call, file, anchor });
          this.docRoutes.set(`${file}:${anchor[0]}`, `the OpenAPI document served by ${method}()`);
          return self;
        }
        case 'mount':
        case 'notFound':
        case 'onError':
          return self;
        case 'fetch':
        case 'request':
        case 'fire':
          obj.served = true;
          return undefined;
        default:
          break;
      }
      if (!HONO_METHODS.includes(method)) return undefined;
      let rest = args;
      let restNodes = argNodes;
      let pathArg: Node | undefined;
      if (args.length && isPathArg(args[0], argNodes[0], args.length)) {
        obj.lastPath = pathOf(args[0], argNodes[0]).raw;
        pathArg = argNodes[0];
        rest = args.slice(1);
        restNodes = argNodes.slice(1);
      }
      const path = obj.lastPath;
      if (obj.seen.has(key)) return self;
      obj.seen.add(key);
      const handlers = this.handlers(rest, restNodes, file);
      if (handlers.length) this.register(obj, [method.toUpperCase()], [path], handlers, call, file, anchorRange(call, pathArg), pathArg);
      return self;
    } catch {
      return self;
    }
  }

  buildRoutes(ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
    this.ctx = ctx;
    try {
      const objects = this.decideRoots(ctx);
      const built = buildTreeRoutes(objects, { framework: 'hono', isTreeObject: (o): o is TreeObject => o.framework === 'hono' }, ctx);
      for (const d of built.drafts) this.refine(d, ctx);
      const apps = built.apps.map((a) => appInfo(a.id, 'hono', a.location, built.drafts.filter((d) => d.route.appId === a.id)));
      return { drafts: built.drafts, apps };
    } finally {
      this.ctx = undefined;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Recording

  private basePath(obj: HonoObject, call: TSESTree.CallExpression, args: Value[], file: string, key: string): HonoObject {
    const cached = this.byNode.get(key);
    if (cached) return cached;
    const { raw } = pathOf(args[0], call.arguments[0] as Node | undefined);
    const child: HonoObject = {
      id: `hono-base@${key}`,
      framework: 'hono',
      kind: 'app',
      file,
      node: call,
      events: [],
      seen: new Set(),
      mountedBy: [],
      lastPath: '/',
      prefix: raw === '<dynamic>' ? raw : normalizeRoutePath(raw),
      basePathOf: obj,
    };
    this.byNode.set(key, child);
    this.objects.push(child);
    // In Hono the child shares the router: routes registered on it get the prefix. Model it as a
    // child mounted at '/' of the original, in program order.
    const ev: UseEvent = { type: 'use', paths: ['/'], pathDynamic: false, handlers: [{ value: { kind: 'instance', obj: child }, node: call, file }], call, file };
    obj.events.push(ev);
    child.mountedBy.push({ parent: obj, event: ev });
    return child;
  }

  /** Handlers as passed, flattened (arrays, spreads), with hono/factory and hono/combine wrappers opened. */
  private handlers(values: Value[], nodes: Node[], file: string): HandlerRef[] {
    const out: HandlerRef[] = [];
    const push = (v: Value, n: Node, f: string, depth: number) => {
      if (depth > 4) return;
      if (v.kind === 'array') {
        v.items.forEach((item, j) => push(item, v.nodes[j] ?? n, f, depth + 1));
        return;
      }
      if (v.kind === 'instance' && v.obj.framework === 'hono') return;
      if (v.kind === 'call') {
        const origin = packageOrigin(v.callee);
        const last = origin?.path[origin.path.length - 1];
        if (origin && origin.pkg === 'hono' && (last === 'createMiddleware' || last === 'createHandlers')) {
          // createMiddleware(fn): the function is the middleware (judged by its body).
          const argNodes = v.node.arguments as Node[];
          if (last === 'createMiddleware') {
            const fn = v.args.find((a) => a.kind === 'function');
            if (fn) out.push({ value: fn, node: n, file: f });
            else out.push({ value: v, node: n, file: f });
          } else v.args.forEach((a, i) => push(a, argNodes[i] ?? n, v.file, depth + 1));
          return;
        }
        if (origin && origin.pkg === 'hono' && origin.path[0] === 'combine' && last === 'every') {
          const argNodes = v.node.arguments as Node[];
          v.args.forEach((a, i) => push(a, argNodes[i] ?? n, v.file, depth + 1));
          return;
        }
        if (origin && origin.pkg === 'hono' && origin.path[0] === 'combine' && last === 'except' && v.args.length >= 2) {
          const argNodes = v.node.arguments as Node[];
          const skipPaths = pathsOfOn(v.args[0], argNodes[0]);
          const before = out.length;
          v.args.slice(1).forEach((a, i) => push(a, argNodes[i + 1] ?? n, v.file, depth + 1));
          for (const h of out.slice(before)) this.pendingExcept.set(h, skipPaths);
          return;
        }
      }
      out.push({ value: v, node: n, file: f });
    };
    values.forEach((v, i) => push(v, nodes[i] ?? nodes[nodes.length - 1], file, 0));
    return out;
  }

  private readonly pendingExcept = new Map<HandlerRef, string[]>();

  private middleware(obj: HonoObject, rawPaths: string[], methods: string[] | undefined, handlers: HandlerRef[], call: TSESTree.CallExpression, file: string, pathArg: Node | undefined): void {
    for (const raw of rawPaths) {
      const { scope } = middlewareScope(raw);
      obj.events.push({ type: 'use', paths: [scope], pathDynamic: raw === '<dynamic>', handlers, call, file });
    }
    const exact = rawPaths.every((p) => middlewareScope(p).exact);
    for (const h of handlers) {
      const k = `${h.file}:${h.node.range[0]}`;
      const info: MiddlewareInfo = { exact, methods, except: this.pendingExcept.get(h), call, file, pathArg };
      const prev = this.mwInfo.get(k);
      // The same node registered twice (a shared array of guards): keep only what both agree on.
      this.mwInfo.set(k, prev && prev.call !== call ? { exact: prev.exact && exact, methods: prev.methods && methods ? [...new Set([...prev.methods, ...methods])] : undefined, call, file, pathArg } : info);
      this.pendingExcept.delete(h);
    }
  }

  /** A method registration: a route, or middleware when its last handler passes control on. */
  private register(obj: HonoObject, methods: string[], rawPaths: string[], handlers: HandlerRef[], call: TSESTree.CallExpression, file: string, anchor: [number, number], pathArg: Node | undefined): void {
    const last = handlers[handlers.length - 1];
    if (this.isMiddleware(last)) {
      this.middleware(obj, rawPaths, methods.includes('ALL') ? undefined : methods, handlers, call, file, pathArg);
      return;
    }
    for (const h of handlers) {
      const except = this.pendingExcept.get(h);
      if (except) this.mwInfo.set(`${h.file}:${h.node.range[0]}`, { exact: false, except, call, file, pathArg });
      this.pendingExcept.delete(h);
    }
    const docs = packageOrigin(last.value);
    if (docs && DOC_PACKAGES.test(docs.pkg)) this.docRoutes.set(`${file}:${anchor[0]}`, `API documentation served by ${docs.pkg}`);
    for (const m of methods) {
      const ev: RouteEvent = {
        type: 'route',
        method: m,
        paths: rawPaths.map((p) => (p === '<dynamic>' ? p : normalizeRoutePath(p))),
        pathDynamic: rawPaths.includes('<dynamic>'),
        handlers,
        call,
        file,
        anchor,
      };
      obj.events.push(ev);
    }
  }

  /** `app.openapi(createRoute({ method, path, request, middleware }), handler)` from @hono/zod-openapi. */
  private openapi(obj: HonoObject, call: TSESTree.CallExpression, args: Value[], file: string): void {
    const argNodes = call.arguments as Node[];
    const cfgValue = args[0];
    const cfg = cfgValue?.kind === 'call' ? cfgValue.args[0] : cfgValue;
    if (!cfg || cfg.kind !== 'object' || args.length < 2) return;
    const lit = (k: string) => {
      const v = cfg.props.get(k);
      return v && v.kind === 'literal' && typeof v.value === 'string' ? v.value : undefined;
    };
    const method = (lit('method') ?? 'ALL').toUpperCase();
    const rawPath = lit('path');
    const path = rawPath ? normalizeRoutePath(rawPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1')) : '<dynamic>';
    const mw = cfg.props.get('middleware');
    const mwNode = objectPropertyValue(cfg, 'middleware');
    const middleware = mw && cfg.file ? this.handlers([mw], [mwNode ?? argNodes[0]], cfg.file) : [];
    const handler = this.handlers([args[1]], [argNodes[1]], file);
    const extraSteps: Step[] = [];
    const request = cfg.props.get('request');
    if (request && request.kind === 'object' && request.node && request.file) {
      const covers: InputSource[] = [];
      const parts: Record<string, InputSource> = { body: 'body', query: 'query', params: 'params', headers: 'headers', cookies: 'cookies' };
      for (const k of request.props.keys()) if (parts[k] && !covers.includes(parts[k])) covers.push(parts[k]);
      if (covers.length) this.pendingOpenapi.push({ covers, node: request.node, file: request.file, steps: extraSteps });
    }
    obj.events.push({
      type: 'route',
      method,
      paths: [path],
      pathDynamic: !rawPath,
      handlers: [...middleware, ...handler],
      call,
      file,
      anchor: anchorRange(call, argNodes[0]),
      extraSteps,
    });
  }

  /** Validation steps of createRoute() request schemas, filled when routes are built (locations need the parsed file). */
  private readonly pendingOpenapi: Array<{ covers: InputSource[]; node: Node; file: string; steps: Step[] }> = [];

  /** Does this handler pass control on (`await next()`) or is it known middleware? */
  private isMiddleware(h: HandlerRef): boolean {
    const v = h.value;
    if (v.kind === 'function') return this.callsNext(v.node);
    const origin = packageOrigin(v);
    if (origin) {
      const r = this.catalogue(origin.pkg, origin.path, v, '');
      return !!r;
    }
    return false;
  }

  private callsNext(fn: FunctionNode): boolean {
    const memo = this.middlewareMemo.get(fn);
    if (memo !== undefined) return memo;
    let result = false;
    const p = fn.params[1];
    const name = p && p.type === 'Identifier' ? p.name : undefined;
    if (name) {
      walk(fn.body, (n) => {
        if (result) return false;
        if (n.type === 'CallExpression' && unwrap(n.callee).type === 'Identifier' && (unwrap(n.callee) as TSESTree.Identifier).name === name) result = true;
        return undefined;
      });
    }
    this.middlewareMemo.set(fn, result);
    return result;
  }

  // ---------------------------------------------------------------------------------------
  // Building

  /**
   * Which unmounted objects are apps (roots) and which are sub-apps whose mount API Warden did
   * not see (orphans): the served ones (`.fetch` read, handed to `serve()`/`handle()`) when any
   * is; else the default-exported ones; else every unmounted object.
   */
  private decideRoots(ctx: BuildContext): HonoObject[] {
    const rootOf = (o: HonoObject): HonoObject => {
      let cur = o;
      for (let i = 0; i < 16 && cur.basePathOf; i++) cur = cur.basePathOf;
      return cur;
    };
    const strong = new Set<HonoObject>();
    const weak = new Set<HonoObject>();
    for (const o of this.objects) {
      if (o.served) strong.add(rootOf(o));
      try {
        const rec = ctx.ev.module(o.file);
        const def = rec?.defaultExport?.();
        if (def && def.kind === 'instance' && def.obj === o) weak.add(rootOf(o));
      } catch {
        /* not decidable */
      }
    }
    const unmounted = this.objects.filter((o) => !o.mountedBy.length);
    const roots = new Set(unmounted.filter((o) => strong.has(o)));
    if (!roots.size) for (const o of unmounted) if (weak.has(o)) roots.add(o);
    if (!roots.size) for (const o of unmounted) roots.add(o);
    const out: HonoObject[] = [];
    for (const o of this.objects) {
      // `new Hono().basePath('/v1')` mounted elsewhere with app.route(): the hollow original adds nothing.
      const children = o.events.flatMap((e) => e.handlers.map((h) => (h.value.kind === 'instance' ? (h.value.obj as HonoObject) : undefined)));
      const hollow = children.length > 0 && children.every((c) => c && c.basePathOf === o && c.mountedBy.length > 1);
      if (!o.mountedBy.length && hollow && !o.served) continue;
      o.kind = o.mountedBy.length || roots.has(o) ? 'app' : 'router';
      out.push(o);
    }
    // basePath children describe their steps like their parent (app level under an app).
    for (const o of out) {
      if (o.basePathOf) o.stepScope = rootOf(o).kind === 'app' && !rootOf(o).mountedBy.length ? 'app' : 'router';
      else if (o.mountedBy.length) o.stepScope = 'router';
    }
    for (const p of this.pendingOpenapi) {
      const pf = ctx.getParsed(p.file);
      if (!pf || p.steps.length) continue;
      const location = nodeLocation(pf, p.node);
      const reason = `createRoute({ request: { ${p.covers.map((c) => (c === 'body' ? 'body' : c)).join(', ')} } }) from @hono/zod-openapi: OpenAPIHono validates these request parts before the handler`;
      const c: Classification = { role: 'validation', confidence: 'high', source: 'package', reason, evidence: [{ message: reason, location }], covers: p.covers };
      p.steps.push({ name: 'createRoute request schemas', scope: 'route', location, package: '@hono/zod-openapi', classifications: [c], opaque: false });
    }
    return out;
  }

  /** Hono's own matching on top of the prefix walk: exact middleware paths, methods, except(). */
  private refine(d: RouteDraft, ctx: BuildContext): void {
    const route = d.route;
    const judge = (s: Step): Step['skipped'] | undefined => {
      if (s.scope === 'route' || s.scope === 'handler') return undefined;
      const info = this.mwInfo.get(`${s.location.file}:${s.location.range[0]}`);
      if (!info) return undefined;
      const pf = ctx.getParsed(info.file);
      const where = pf ? nodeLocation(pf, info.call) : undefined;
      const shown = info.pathArg ? (info.call.arguments as Node[]).slice(0, (info.call.arguments as Node[]).indexOf(info.pathArg) + 1) : [];
      const callText = pf ? `${nodeText(pf, info.call.callee, 30)}(${shown.map((n) => nodeText(pf, n, 40) + ', ').join('')}…)` : 'the registration';
      const scope = s.pathScope ?? '/';
      if (info.exact && segs(route.path).length !== segs(scope).length) {
        return { reason: `${callText} matches ${scope} exactly: a Hono middleware path without a wildcard does not cover ${route.path} (use '${scope === '/' ? '' : scope}/*')`, location: where };
      }
      if (info.methods && !info.methods.includes(route.method)) {
        return { reason: `${callText} runs for ${info.methods.join(', ')} requests only${route.method === 'ALL' ? ', and this route answers every method' : ''}`, location: where };
      }
      if (info.except) {
        const hit = info.except.find((p) => exceptMatches(p, route.path));
        if (hit) return { reason: `except('${hit}', …) from hono/combine skips it for ${route.path}`, location: where };
      }
      return undefined;
    };
    let excepted: Step | undefined;
    route.steps = route.steps.map((s) => {
      if (s.skipped) return s;
      const skipped = judge(s);
      if (skipped && /^except\(/.test(skipped.reason) && s.classifications.some((c) => c.role === 'auth')) excepted ??= { ...s, skipped };
      return skipped ? { ...s, skipped } : s;
    });
    route.lateSteps = route.lateSteps.filter((s) => !judge(s));
    const doc = this.docRoutes.get(`${route.registration.file}:${route.registration.range[0]}`);
    if (doc) {
      const pub: PublicDeclaration = { kind: 'inferred', reason: `API documentation: ${doc}`, evidence: [{ message: doc, location: route.registration }] };
      d.declaredPublic = pub;
    } else if (excepted && excepted.skipped) {
      // The app says so itself: `except('/api/changelog', jwt(…))` exempts the path from its auth.
      d.declaredPublic = {
        kind: 'declared',
        reason: `exempted from ${excepted.name}: ${excepted.skipped.reason}`,
        evidence: [{ message: excepted.skipped.reason, location: excepted.skipped.location ?? excepted.location }],
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Paths

/** Is the first argument a path (`'/x'`, a template), rather than a handler? */
function isPathArg(v: Value, node: Node | undefined, argc: number): boolean {
  if (v.kind === 'literal') return typeof v.value === 'string';
  if (node) {
    const u = unwrap(node);
    if (u.type === 'TemplateLiteral' || u.type === 'Literal' || u.type === 'BinaryExpression') return true;
  }
  if (v.kind === 'function' || v.kind === 'call' || v.kind === 'package' || v.kind === 'instance' || v.kind === 'array' || v.kind === 'object') return false;
  // An unknown first argument followed by handlers is a path (a constant we could not read).
  return argc >= 2;
}

function pathOf(v: Value | undefined, node: Node | undefined): { raw: string } {
  if (v && v.kind === 'literal' && typeof v.value === 'string') return { raw: v.value };
  void node;
  return { raw: '<dynamic>' };
}

function pathsOfOn(v: Value | undefined, node: Node | undefined): string[] {
  if (v && v.kind === 'array') {
    const out = v.items.map((i) => pathOf(i, undefined).raw);
    return out.length ? out : ['<dynamic>'];
  }
  return [pathOf(v, node).raw];
}

function methodsOf(v: Value | undefined): string[] {
  const one = (x: Value) => (x.kind === 'literal' && typeof x.value === 'string' ? x.value.toUpperCase() : 'ALL');
  if (v && v.kind === 'array') {
    const out = v.items.map(one);
    return out.length ? [...new Set(out)] : ['ALL'];
  }
  return v ? [one(v)] : ['ALL'];
}

/** `/posts/:id{[0-9]+}` → `/posts/:id` (regex constraints dropped; `:id?` and `*` kept). */
export function normalizeRoutePath(p: string): string {
  if (p === '<dynamic>') return p;
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '{' && /:[A-Za-z0-9_]*$/.test(out)) {
      let depth = 0;
      for (; i < p.length; i++) {
        if (p[i] === '\\') {
          i++;
          continue;
        }
        if (p[i] === '{') depth++;
        else if (p[i] === '}' && --depth === 0) break;
      }
      continue;
    }
    out += ch;
  }
  return out || '/';
}

/**
 * A middleware path as a prefix scope for the tree walk, and whether Hono matches it exactly:
 * `*` and `/*` → every path; `/api/*` → `/api` and below; `/api` → `/api` only.
 */
export function middlewareScope(raw: string): { scope: string; exact: boolean } {
  if (raw === '<dynamic>') return { scope: raw, exact: false };
  const p = normalizeRoutePath(raw);
  if (p === '*' || p === '/*') return { scope: '/', exact: false };
  if (p.endsWith('/*')) return { scope: p.slice(0, -2) || '/', exact: false };
  if (p.endsWith('*')) return { scope: p.slice(0, -1) || '/', exact: false };
  return { scope: p.startsWith('/') ? p : '/' + p, exact: !p.includes('*') };
}

function segs(p: string): string[] {
  return p.split('/').filter(Boolean);
}

/** Does an `except()` path (written as in Hono) match a route's full path? */
function exceptMatches(pattern: string, path: string): boolean {
  const { scope, exact } = middlewareScope(pattern);
  const s = segs(scope);
  const p = segs(path);
  if (exact ? s.length !== p.length : s.length > p.length) return false;
  return s.every((x, i) => x === '*' || x.startsWith(':') || x === p[i]);
}

