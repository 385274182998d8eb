/**
 * Koa adapter: apps (`new Koa()`), routers from `@koa/router` / `koa-router` (`new Router({ prefix })`,
 * `router.prefix()`, named routes, `router.use('/x', other.routes())`) and `koa-joi-router`
 * (`router.route({ method, path, validate, handler })`, `router.post(path, { validate }, handler)`),
 * recorded in program order: Koa middleware runs in registration order exactly like Express, so
 * `app.use(jwt)` after `app.use(router.routes())` never runs before those routes (late steps).
 *
 * Also understood while recording: `koa-mount` (`mount('/admin', subApp)`), `koa-compose`
 * (`compose([a, b])`), koa-unless exemptions (`jwt(...).unless({ path, ext, method })`: the step is
 * kept and marked skipped on the routes it exempts), koa2-ratelimit `max: 0` (turned off).
 */
import { inputLabel } from '../posture';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { ALL_INPUTS } from '../classify';
import { objectProperty, objectPropertyValue, type CallNode, type FrameworkObject, type Value } from '../evaluate';
import type { InputSource, SourceLocation, Step } from '../model';
import { makeLocation, nodeLocation, unwrap, type Node, type ParsedFile } from '../parse';
import { anchorRange, flattenHandlers, isPathArg, pathsOf } from './express';
import { KOA2_RATELIMIT_OFF, koaCatalogue, readUnless, unlessExempts } from './koa-catalogue';
import { appInfo, buildTreeRoutes, handlerFunction, joinPaths, type RouteEvent, type TreeObject, type UseEvent } from './tree';
import type { AttachContext, BuildContext, FrameworkAdapter, HandlerRef, RouteDraft } from './types';
import type { AppInfo } from '../model';

export type KoaObject = TreeObject & { framework: 'koa'; /** Package the object comes from. */ pkg: string };

/** Router methods that register a route, and the method they serve. */
const ROUTE_METHODS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  del: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
  all: 'ALL',
};

const ROUTER_PACKAGES = new Set(['@koa/router', 'koa-router']);

/** A middleware as registered, after unwrapping koa-compose, koa-mount and `.unless()`. */
interface UseItem {
  ref: HandlerRef;
  /** koa-mount prefix, as written. */
  mount?: { paths: string[]; dynamic: boolean };
  skip?: UseEvent['skip'];
}

export class KoaAdapter implements FrameworkAdapter {
  readonly framework = 'koa' as const;
  /** Files that can create or extend a Koa app mention koa (`koa`, `@koa/router`, `koa-router`, `new Koa()`). */
  readonly candidate = /\b[Kk]oa\b/;
  readonly catalogue = koaCatalogue;
  readonly objects: KoaObject[] = [];
  private readonly byNode = new Map<string, KoaObject>();
  private getParsed: (file: string) => ParsedFile | undefined = () => undefined;
  /** Registrations whose handler sits inside an options object (`route({ handler })`): no step can be inserted before it. */
  private readonly noInsert = new Set<string>();

  attach(env: AttachContext): void {
    this.getParsed = env.getParsed;
  }

  construct(callee: Value, call: CallNode, args: Value[], file: string): Value | undefined {
    if (callee.kind !== 'package') return undefined;
    const p = callee.path.filter((x) => x !== 'default');
    let kind: 'app' | 'router' | undefined;
    if (callee.pkg === 'koa' && (p.length === 0 || (p.length === 1 && p[0] === 'Koa'))) kind = 'app';
    else if (ROUTER_PACKAGES.has(callee.pkg) && (p.length === 0 || (p.length === 1 && p[0] === 'Router'))) kind = 'router';
    else if (callee.pkg === 'koa-joi-router' && p.length === 0) kind = 'router';
    if (!kind) return undefined;
    const key = `${file}:${call.range[0]}`;
    let obj = this.byNode.get(key);
    if (!obj) {
      obj = { id: `koa-${kind}@${key}`, framework: 'koa', kind, pkg: callee.pkg, file, node: call, events: [], seen: new Set(), mountedBy: [] };
      if (kind === 'router') {
        const opts = args[0];
        const prefix = opts && opts.kind === 'object' ? opts.props.get('prefix') : undefined;
        if (prefix) obj.prefix = prefix.kind === 'literal' && typeof prefix.value === 'string' ? prefix.value : '<dynamic>';
      }
      this.byNode.set(key, obj);
      this.objects.push(obj);
    }
    return { kind: 'instance', obj };
  }

  method(fo: FrameworkObject, method: string, call: TSESTree.CallExpression, args: Value[], file: string): Value | undefined {
    if (fo.framework !== 'koa') return undefined;
    const obj = fo as KoaObject;
    const self: Value = { kind: 'instance', obj };
    const key = `${file}:${call.range[0]}-${call.range[1]}`;
    const argNodes = call.arguments as Node[];
    switch (method) {
      case 'routes':
      case 'middleware':
        // `app.use(router.routes())`: the router itself is mounted.
        return self;
      case 'allowedMethods':
        return { kind: 'call', callee: { kind: 'package', pkg: obj.pkg, path: ['allowedMethods'] }, node: call, file, args };
      case 'prefix': {
        if (obj.kind !== 'router' || !args.length) return self;
        const v = args[0];
        const prefix = v.kind === 'literal' && typeof v.value === 'string' ? v.value : '<dynamic>';
        // koa-router prepends the new prefix to the routes already registered.
        if (!obj.seen.has(key)) obj.prefix = obj.prefix ? joinPaths(prefix, obj.prefix) : prefix;
        obj.seen.add(key);
        return self;
      }
      case 'use':
        if (!obj.seen.has(key)) {
          obj.seen.add(key);
          this.recordUse(obj, call, args, argNodes, file);
        }
        return self;
      case 'route':
        if (obj.kind !== 'router') return undefined;
        if (!obj.seen.has(key)) {
          obj.seen.add(key);
          this.recordSpecs(obj, call, args, argNodes, file);
        }
        return self;
      case 'param':
      case 'redirect':
        return self;
      default:
        break;
    }
    const httpMethod = ROUTE_METHODS[method];
    if (!httpMethod || obj.kind !== 'router') return undefined;
    if (!args.length) return self;
    if (obj.seen.has(key)) return self;
    obj.seen.add(key);
    this.recordRoute(obj, httpMethod, call, args, argNodes, file);
    return self;
  }

  buildRoutes(ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
    const built = buildTreeRoutes(this.objects, { framework: 'koa', isTreeObject: (o): o is TreeObject => o.framework === 'koa' }, ctx);
    for (const d of built.drafts) {
      const r = d.route;
      if (this.noInsert.has(`${r.registration.file}:${r.registration.range[0]}`)) delete r.handlerArgument;
      r.steps = r.steps.map(turnedOff);
      r.lateSteps = r.lateSteps.map(turnedOff);
    }
    const apps = built.apps.map((a) => appInfo(a.id, 'koa', a.location, built.drafts.filter((d) => d.route.appId === a.id)));
    return { drafts: built.drafts, apps };
  }

  // -------------------------------------------------------------------------------------------

  /** `app.use(mw)` / `router.use([path], ...mw)`: one event per middleware, or a mount of child routers / apps. */
  private recordUse(obj: KoaObject, call: TSESTree.CallExpression, args: Value[], argNodes: Node[], file: string): void {
    let rest = args;
    let restNodes = argNodes;
    let paths = ['/'];
    let dynamic = false;
    if (obj.kind !== 'app' && args.length && isPathArg(args[0], argNodes[0])) {
      ({ paths, dynamic } = pathsOf(args[0]));
      rest = args.slice(1);
      restNodes = argNodes.slice(1);
    }
    // Koa's app.use takes exactly one middleware; extra arguments are ignored by Koa.
    if (obj.kind === 'app') {
      rest = rest.slice(0, 1);
      restNodes = restNodes.slice(0, 1);
    }
    if (!rest.length) return;
    const items = this.expand(flattenHandlers(rest, restNodes, file), 0);
    const within = (it: UseItem) => {
      if (!it.mount) return { paths, dynamic };
      const out: string[] = [];
      for (const a of paths) for (const b of it.mount.paths) out.push(joinPaths(a, b));
      return { paths: out, dynamic: dynamic || it.mount.dynamic };
    };
    const children = items.filter((it) => this.isChild(it.ref.value));
    if (!children.length) {
      for (const it of items) {
        const w = within(it);
        obj.events.push({ type: 'use', paths: w.paths, pathDynamic: w.dynamic, handlers: [it.ref], call, file, skip: it.skip });
      }
      return;
    }
    // `router.use('/x', mw, child.routes(), after)`: middleware before a child runs before its routes
    // (mount level); middleware after it is registered after those routes (a late step for them).
    let pending: UseItem[] = [];
    for (const it of items) {
      if (!this.isChild(it.ref.value)) {
        pending.push(it);
        continue;
      }
      const w = within(it);
      const ev: UseEvent = {
        type: 'use',
        paths: w.paths,
        pathDynamic: w.dynamic,
        handlers: [...pending.map((m) => m.ref), it.ref],
        call,
        file,
        skip: pending.find((m) => m.skip)?.skip,
      };
      pending = [];
      obj.events.push(ev);
      const v = it.ref.value;
      if (v.kind === 'instance') (v.obj as KoaObject).mountedBy.push({ parent: obj, event: ev });
    }
    for (const it of pending) {
      const w = within(it);
      obj.events.push({ type: 'use', paths: w.paths, pathDynamic: w.dynamic, handlers: [it.ref], call, file, skip: it.skip });
    }
  }

  private isChild(v: Value): boolean {
    return v.kind === 'instance' && v.obj.framework === 'koa';
  }

  /** Unwrap `compose([a, b])` (koa-compose), `mount('/x', mw)` (koa-mount) and `mw.unless({...})` (koa-unless). */
  private expand(refs: HandlerRef[], depth: number): UseItem[] {
    const out: UseItem[] = [];
    for (const ref of refs) {
      const v = ref.value;
      if (depth > 4 || v.kind !== 'call') {
        out.push({ ref });
        continue;
      }
      const pkg = v.callee.kind === 'package' ? v.callee.pkg : undefined;
      if (pkg === 'koa-compose' && v.args[0]?.kind === 'array') {
        const arr = v.args[0];
        const inner = arr.items.map((item, j) => ({ value: item, node: arr.nodes[j] ?? ref.node, file: v.file }));
        out.push(...this.expand(inner, depth + 1));
        continue;
      }
      if (pkg === 'koa-mount' && v.args.length) {
        const callArgs = v.node.arguments as Node[];
        const hasPath = v.args.length >= 2;
        const inner: HandlerRef = { value: v.args[hasPath ? 1 : 0], node: callArgs[hasPath ? 1 : 0] ?? ref.node, file: v.file };
        const mount = hasPath ? pathsOf(v.args[0]) : undefined;
        for (const it of this.expand([inner], depth + 1)) {
          let m = it.mount;
          if (mount) {
            const paths: string[] = [];
            for (const a of mount.paths) for (const b of m?.paths ?? ['/']) paths.push(joinPaths(a, b));
            m = { paths, dynamic: mount.dynamic || !!m?.dynamic };
          }
          out.push({ ...it, mount: m });
        }
        continue;
      }
      if (v.callee.kind === 'member' && v.callee.prop === 'unless') {
        const rule = readUnless(v.args[0]);
        const callNode = v.node;
        const memberNode = v.callee.node;
        const file = v.file;
        let where: SourceLocation | undefined;
        let computed = false;
        const whereOf = () => {
          if (!computed) {
            computed = true;
            const pf = this.getParsed(file);
            const start = memberNode.type === 'MemberExpression' ? memberNode.property.range[0] : callNode.range[0];
            if (pf) where = makeLocation(file, pf.lines, start, callNode.range[1]);
          }
          return where;
        };
        const skip: UseEvent['skip'] = rule.dynamic || rule.custom ? undefined : (fullPath, method) => unlessExempts(rule, fullPath, method, whereOf());
        // The step is the middleware itself (classified as such), shown as written (`jwt(…).unless({…})`).
        const [first, ...more] = this.expand([{ value: v.callee.object, node: ref.node, file: ref.file }], depth + 1);
        out.push({ ...first, skip }, ...more);
        continue;
      }
      out.push({ ref });
    }
    return out;
  }

  /** `router.get([name,] path, ...middleware, handler)`, with koa-joi-router's `{ validate }` config argument. */
  private recordRoute(obj: KoaObject, httpMethod: string, call: TSESTree.CallExpression, args: Value[], argNodes: Node[], file: string): void {
    let i = 0;
    const a0 = args[0];
    const named = a0.kind === 'literal' && typeof a0.value === 'string' && !a0.value.startsWith('/') && a0.value !== '*' && args.length >= 3;
    if (named) {
      const n1 = argNodes[1] ? unwrap(argNodes[1]) : undefined;
      if (isPathArg(args[1], argNodes[1]) || (args[1].kind === 'unknown' && n1 && (n1.type === 'Identifier' || n1.type === 'MemberExpression'))) i = 1;
    }
    const { paths, dynamic } = pathsOf(args[i]);
    const extraSteps: Step[] = [];
    const handlers: HandlerRef[] = [];
    const configs: HandlerRef[] = [];
    for (const h of flattenHandlers(args.slice(i + 1), argNodes.slice(i + 1), file)) {
      // koa-joi-router: `router.post(path, { validate, meta }, handler)`.
      if (h.value.kind === 'object' && (h.value.props.has('validate') || h.value.props.has('meta'))) configs.push(h);
      else handlers.push(h);
    }
    for (const c of configs) {
      const validate = c.value.kind === 'object' ? c.value.props.get('validate') : undefined;
      if (!validate) continue;
      const prop = objectProperty(c.value, 'validate');
      const cfile = prop && c.value.kind === 'object' && c.value.file ? c.value.file : file;
      const st = this.validationStep(validate, prop ?? c.node, cfile, handlers[handlers.length - 1]);
      if (st) extraSteps.push(st);
    }
    // koa-router refuses a route without middleware (it throws); nothing is registered.
    if (!handlers.length) return;
    const ev: RouteEvent = {
      type: 'route',
      method: httpMethod,
      paths,
      pathDynamic: dynamic,
      handlers,
      call,
      file,
      anchor: anchorRange(call, argNodes[i]),
    };
    if (extraSteps.length) ev.extraSteps = extraSteps;
    // koa-joi-router wants its config as the second argument: no step is inserted around it.
    if (configs.length) this.noInsert.add(`${file}:${ev.anchor[0]}`);
    obj.events.push(ev);
  }

  /** koa-joi-router `router.route(spec | spec[])`. */
  private recordSpecs(obj: KoaObject, call: TSESTree.CallExpression, args: Value[], argNodes: Node[], file: string): void {
    const a0 = args[0];
    if (!a0) return;
    const specs: Array<{ spec: Value; node: Node; direct: boolean }> =
      a0.kind === 'array' ? a0.items.map((spec, j) => ({ spec, node: a0.nodes[j] ?? argNodes[0], direct: false })) : [{ spec: a0, node: argNodes[0], direct: true }];
    for (const { spec, node, direct } of specs) {
      if (spec.kind !== 'object') continue;
      const specFile = spec.file ?? file;
      const specNode = spec.node ?? node;
      const m = spec.props.get('method');
      const methods: string[] = [];
      for (const x of m ? (m.kind === 'array' ? m.items : [m]) : []) {
        if (x.kind === 'literal' && typeof x.value === 'string') methods.push(x.value.toUpperCase() === 'DEL' ? 'DELETE' : x.value.toUpperCase());
      }
      if (!methods.length) methods.push('ALL');
      const { paths, dynamic } = pathsOf(spec.props.get('path'));
      const handlers: HandlerRef[] = [];
      for (const key of ['pre', 'handler']) {
        const v = spec.props.get(key);
        if (!v) continue;
        const n = objectPropertyValue(spec, key) ?? specNode;
        handlers.push(...flattenHandlers([v], [n], specFile));
      }
      if (!handlers.length) continue;
      const handlerRef = handlers[handlers.length - 1];
      const extraSteps: Step[] = [];
      const validate = spec.props.get('validate');
      if (validate) {
        const st = this.validationStep(validate, objectProperty(spec, 'validate') ?? specNode, specFile, handlerRef);
        if (st) extraSteps.push(st);
      }
      let anchor: [number, number];
      let anchorFile = file;
      const pathProp = objectProperty(spec, 'path');
      if (direct || !pathProp || specFile !== file) anchor = anchorRange(call, undefined);
      else {
        anchor = pathProp.range;
        anchorFile = specFile;
      }
      // The handler sits inside an options object (`handler: fn`, `pre: fn`, `validate: {…}`): a
      // step cannot be inserted as an argument before it, so no insertion fix is offered.
      this.noInsert.add(`${anchorFile}:${anchor[0]}`);
      for (const method of methods) {
        obj.events.push({ type: 'route', method, paths, pathDynamic: dynamic, handlers, call, file: anchorFile, anchor, extraSteps: extraSteps.length ? extraSteps : undefined });
      }
    }
  }

  /**
   * koa-joi-router's `validate: { body, query, params, header, type, continueOnError }`: a synthetic
   * route step covering the parts it lists (it answers 400 before the handler runs, unless
   * `continueOnError: true` hands invalid requests on with `ctx.invalid` set).
   */
  private validationStep(validate: Value, node: Node, file: string, handler: HandlerRef | undefined): Step | undefined {
    const pf = this.getParsed(file);
    if (!pf) return undefined;
    const location = nodeLocation(pf, node);
    const base = { scope: 'route' as const, location, package: 'koa-joi-router' };
    if (validate.kind !== 'object') {
      return { ...base, name: 'validate', classifications: [], opaque: true, notes: ['koa-joi-router validate options could not be read'] };
    }
    const parts: Record<string, InputSource> = { body: 'body', query: 'query', params: 'params', header: 'headers', headers: 'headers' };
    const covers: InputSource[] = [];
    const keys: string[] = [];
    for (const [k, v] of validate.props) {
      if (!parts[k] || (v.kind === 'literal' && (v.value === null || v.value === false))) continue;
      keys.push(k);
      if (!covers.includes(parts[k])) covers.push(parts[k]);
    }
    const name = `validate: { ${keys.length ? keys.join(', ') : [...validate.props.keys()].join(', ')} }`;
    if (!covers.length) {
      return { ...base, name, classifications: [], opaque: false, notes: ['koa-joi-router validate lists no request part (body, query, params, header)'] };
    }
    const what = covers.map((c) => inputLabel('koa', c)).join(', ');
    const cont = validate.props.get('continueOnError');
    if (cont && cont.kind === 'literal' && cont.value === true) {
      if (handlerChecksInvalid(handler, this.getParsed)) {
        return {
          ...base,
          name,
          opaque: false,
          classifications: [
            {
              role: 'validation',
              confidence: 'medium',
              source: 'package',
              reason: `koa-joi-router validates ${what} with continueOnError: true, and the handler checks ctx.invalid`,
              evidence: [{ message: 'validate with continueOnError: true', location }],
              covers,
            },
          ],
        };
      }
      return {
        ...base,
        name,
        opaque: false,
        classifications: [],
        notes: [`koa-joi-router validate has continueOnError: true and the handler never checks ctx.invalid, so invalid ${what} still reaches the handler`],
      };
    }
    return {
      ...base,
      name,
      opaque: false,
      classifications: [
        {
          role: 'validation',
          confidence: 'high',
          source: 'package',
          reason: `koa-joi-router validates ${what} against the route's Joi schemas (400 before the handler)`,
          evidence: [{ message: `${name} on the route`, location }],
          covers: covers.length ? covers : [...ALL_INPUTS],
        },
      ],
    };
  }
}


/** Does the route's handler look at koa-joi-router's `ctx.invalid`? */
function handlerChecksInvalid(h: HandlerRef | undefined, getParsed: (file: string) => ParsedFile | undefined): boolean {
  const fn = h ? handlerFunction(h.value) : undefined;
  const pf = fn ? getParsed(fn.file) : undefined;
  if (!fn || !pf) return false;
  return /\.invalid\b/.test(pf.text.slice(fn.node.range[0], fn.node.range[1]));
}

/** koa2-ratelimit with `max: 0` is attached but turned off: kept as evidence, marked skipped. */
function turnedOff(s: Step): Step {
  if (s.skipped || s.package !== 'koa2-ratelimit' || !s.notes?.includes(KOA2_RATELIMIT_OFF)) return s;
  return { ...s, skipped: { reason: 'max: 0 turns koa2-ratelimit off (it never answers 429)', location: s.location } };
}

