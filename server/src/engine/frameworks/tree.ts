/**
 * Routes from an ordered tree of registrations, shared by the frameworks whose routing is "apps
 * and routers with middleware, in program order" (Express, Koa, Hono, Fastify contexts): walk each
 * root through its mounts in registration order, collect the steps that run before each handler
 * (and those registered too late to run), then read the handler.
 *
 * Adapters record `TreeObject`s with `TreeEvent`s while the evaluator runs the program; anything
 * framework-specific the walk cannot know (Fastify route options, koa-joi-router's `validate`,
 * koa-jwt's `.unless()`) reaches it as prebuilt steps or as a `skip` judgement on events.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Value } from '../evaluate';
import { analyzeFunction, paramsFor, type FunctionFacts } from '../facts';
import type { AppInfo, Evidence, Framework, Route, SourceLocation, Step, StepScope } from '../model';
import { makeLocation, nodeLocation } from '../parse';
import type { FrameworkObject } from '../evaluate';
import type { BuildContext, HandlerRef, RouteDraft } from './types';

export type { RouteDraft };

export type TreeEvent = UseEvent | RouteEvent;

/** Middleware or hooks for everything registered later under `paths`, or a mount of child objects. */
export interface UseEvent {
  type: 'use';
  /** Paths as written; ['/'] when none. */
  paths: string[];
  pathDynamic: boolean;
  handlers: HandlerRef[];
  call: TSESTree.CallExpression | TSESTree.NewExpression;
  file: string;
  /** The step does not run for some routes (koa-jwt `.unless({ path })`): why, or undefined when it runs. */
  skip?: (fullPath: string, method: string) => Step['skipped'] | undefined;
  /** Prebuilt steps (instead of, or besides, classified handlers), e.g. a registered Fastify plugin's hook. */
  steps?: Step[];
  /**
   * Applies to every route of the object wherever registered (not only to later ones), e.g. hooks
   * a framework collects before routes are built. Default: program order.
   */
  unordered?: boolean;
}

export interface RouteEvent {
  type: 'route';
  method: string;
  paths: string[];
  pathDynamic: boolean;
  /** Middleware then handler, as passed (the last one is the handler unless `handler` is set). */
  handlers: HandlerRef[];
  /** The handler when it is not the last of `handlers` (Fastify `route({ handler })`, options objects). */
  handler?: HandlerRef;
  call: TSESTree.CallExpression | TSESTree.NewExpression;
  file: string;
  /** Node to anchor findings on: from the method name to the path argument. */
  anchor: [number, number];
  /** For `.all()` inside `app.route(p)` chains followed by methods: acts as middleware. */
  consumed?: boolean;
  chainMiddleware?: HandlerRef[];
  /** Prebuilt route-level steps that run before the handler (schemas, option hooks, per-route limits). */
  extraSteps?: Step[];
  /** Judge inherited steps for this route: return why a step does not apply (`rateLimit: false`). */
  skip?: (step: Step) => Step['skipped'] | undefined;
  /** Extra facts of the route (e.g. a hook object's functions) for posture cross-checks. */
  stepFacts?: FunctionFacts[];
}

export interface TreeObject extends FrameworkObject {
  /** 'app' roots a tree; anything else is reached through mounts. */
  kind: string;
  events: TreeEvent[];
  seen: Set<string>;
  /** Mount events (in parents) that use this object. */
  mountedBy: Array<{ parent: TreeObject; event: TreeEvent }>;
  /** Prefix applied to everything registered on this object (`new Router({ prefix })`, `router.prefix()`). */
  prefix?: string;
  /** How steps registered on it are described (app level, router level, plugin level). */
  stepScope?: StepScope;
  /** For Express kind 'route': the owner and path of app.route(path). */
  owner?: TreeObject;
  routePath?: { paths: string[]; dynamic: boolean };
  pendingAll?: RouteEvent[];
}

interface StepEntry {
  step: Step;
  scope: string;
  skip?: UseEvent['skip'];
}

export function joinPaths(prefix: string, p: string): string {
  if (p === '<dynamic>' || prefix.endsWith('<dynamic>')) return (prefix === '/' ? '' : prefix) + (p.startsWith('/') ? p : '/' + p);
  const a = prefix.replace(/\/+$/, '');
  const b = p === '/' ? '' : p.startsWith('/') ? p : '/' + p;
  const joined = (a + b).replace(/\/{2,}/g, '/');
  return joined === '' ? '/' : joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** Does a step restricted to `scope` run for `path`? (Express `use` prefix matching.) */
export function scopeApplies(scope: string, path: string): boolean {
  if (scope === '/' || scope === '') return true;
  if (scope.includes('<dynamic>') || scope.startsWith('/^') || /\/.*\/$/.test(scope) && scope.includes('\\')) return true;
  const s = scope.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  if (s.length > p.length) return false;
  for (let i = 0; i < s.length; i++) {
    if (s[i].startsWith(':') || s[i] === '*') continue;
    if (s[i] !== p[i] && !p[i].startsWith(':')) return false;
    if (s[i] !== p[i] && p[i].startsWith(':')) return false;
  }
  return true;
}

export interface TreeOptions {
  framework: Framework;
  /** Is this framework object one of the tree's (a child to walk into when used/mounted)? */
  isTreeObject(obj: FrameworkObject): obj is TreeObject;
}

/** Walk every root object (kind 'app', not mounted) and every unmounted router (as orphans). */
export function buildTreeRoutes(objects: readonly TreeObject[], options: TreeOptions, ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
  const { classifier } = ctx;
  const framework = options.framework;
  const drafts: RouteDraft[] = [];
  const apps: AppInfo[] = [];
  const stepCache = new Map<string, Step>();

  const stepFor = (h: HandlerRef, scope: Step['scope'], pathScope: string): Step => {
    const key = `${h.file}:${h.node.range[0]}:${scope}:${pathScope}`;
    let s = stepCache.get(key);
    if (!s) {
      s = classifier.step(h.value, h.node, h.file, scope, pathScope, framework);
      stepCache.set(key, s);
    }
    return s;
  };

  const isChild = (h: HandlerRef): h is HandlerRef & { value: { kind: 'instance'; obj: TreeObject } } =>
    h.value.kind === 'instance' && options.isTreeObject(h.value.obj) && h.value.obj.kind !== 'route';

  const scopeOf = (obj: TreeObject): StepScope => obj.stepScope ?? (obj.kind === 'app' ? 'app' : 'router');

  const useEntries = (obj: TreeObject, e: UseEvent, prefix: string): StepEntry[] => {
    const out: StepEntry[] = [];
    for (const p of e.paths) {
      const scope = joinPaths(prefix, p);
      for (const h of e.handlers) if (!isChild(h)) out.push({ step: stepFor(h, scopeOf(obj), scope), scope, skip: e.skip });
      for (const st of e.steps ?? []) out.push({ step: st, scope, skip: e.skip });
    }
    return out;
  };

  /** Middleware-only `use` events after index i, as late steps. */
  const lateFrom = (obj: TreeObject, i: number, prefix: string): StepEntry[] => {
    const out: StepEntry[] = [];
    for (let j = i + 1; j < obj.events.length; j++) {
      const e = obj.events[j];
      if (e.type !== 'use' || e.unordered || e.handlers.some(isChild)) continue;
      out.push(...useEntries(obj, e, prefix));
    }
    return out;
  };

  const walk = (
    obj: TreeObject,
    outer: string,
    chain: StepEntry[],
    lateAncestors: StepEntry[],
    mounts: SourceLocation[],
    mountLines: Array<{ file: string; line: number }>,
    appId: string | undefined,
    orphan: boolean,
    visiting: Set<TreeObject>,
  ): void => {
    if (visiting.has(obj) || visiting.size > 32) return;
    visiting.add(obj);
    const prefix = obj.prefix ? joinPaths(outer, obj.prefix) : outer;
    // Steps that apply to the whole object whatever the order (collected hooks).
    const local: StepEntry[] = [];
    for (const e of obj.events) if (e.type === 'use' && e.unordered && !e.handlers.some(isChild)) local.push(...useEntries(obj, e, prefix));
    obj.events.forEach((e, i) => {
      if (e.type === 'use') {
        if (e.unordered && !e.handlers.some(isChild)) return;
        if (e.handlers.some(isChild)) {
          for (const p of e.paths) {
            const full = joinPaths(prefix, p);
            const mountMw: StepEntry[] = [];
            const pf = ctx.getParsed(e.file);
            const mountLoc = pf ? nodeLocation(pf, e.call) : undefined;
            for (const st of e.steps ?? []) mountMw.push({ step: st, scope: full, skip: e.skip });
            for (const h of e.handlers) {
              if (isChild(h)) {
                walk(
                  h.value.obj,
                  full,
                  [...chain, ...local, ...mountMw],
                  [...lateFrom(obj, i, prefix), ...lateAncestors],
                  mountLoc ? [...mounts, mountLoc] : mounts,
                  mountLoc ? [...mountLines, { file: e.file, line: mountLoc.start.line }] : mountLines,
                  appId,
                  orphan,
                  visiting,
                );
              } else mountMw.push({ step: stepFor(h, 'mount', full), scope: full, skip: e.skip });
            }
          }
        } else local.push(...useEntries(obj, e, prefix));
        return;
      }
      if (e.consumed) return;
      for (const p of e.paths) {
        const full = joinPaths(prefix, p);
        drafts.push(makeRoute(e, full, [...chain, ...local], [...lateFrom(obj, i, prefix), ...lateAncestors], mounts, mountLines, appId, orphan));
      }
    });
    visiting.delete(obj);
  };

  const applies = (s: StepEntry, full: string, method: string, route: RouteEvent): Step => {
    const skipped = s.skip?.(full, method) ?? route.skip?.(s.step);
    return skipped ? { ...s.step, skipped } : s.step;
  };

  const makeRoute = (
    e: RouteEvent,
    full: string,
    before: StepEntry[],
    late: StepEntry[],
    mounts: SourceLocation[],
    mountLines: Array<{ file: string; line: number }>,
    appId: string | undefined,
    orphan: boolean,
  ): RouteDraft => {
    const pf = ctx.getParsed(e.file)!;
    const handlers = [...(e.chainMiddleware ?? []), ...e.handlers];
    const handlerRef = e.handler ?? (handlers.length ? handlers[handlers.length - 1] : undefined);
    const middleware = e.handler ? handlers : handlers.slice(0, -1);
    const steps: Step[] = before.filter((s) => scopeApplies(s.scope, full)).map((s) => applies(s, full, e.method, e));
    for (const h of middleware) steps.push(stepFor(h, 'route', full));
    for (const st of e.extraSteps ?? []) steps.push(st);
    const lateSteps = late.filter((s) => scopeApplies(s.scope, full)).map((s) => s.step);
    const registration = makeLocation(e.file, pf.lines, e.anchor[0], e.anchor[1]);
    const route = emptyRoute(framework, e.method, full, registration, appId);
    route.mounts = mounts;
    route.steps = steps;
    route.lateSteps = lateSteps;
    const handlerFacts = handlerRef ? readHandler(route, handlerRef, ctx, framework) : [];
    const stepFacts: FunctionFacts[] = [...(e.stepFacts ?? [])];
    for (const s of steps) {
      if (!s.definition) continue;
      const f = classifier.factsAt(s.definition);
      if (f) stepFacts.push(f);
    }
    return { route, handlerFacts, stepFacts, mountLines, orphan };
  };

  for (const obj of objects) {
    if (obj.kind !== 'app' || obj.mountedBy.length) continue;
    const pf = ctx.getParsed(obj.file);
    if (!pf) continue;
    const appId = obj.id;
    const before = drafts.length;
    walk(obj, '', [], [], [], [], appId, false, new Set());
    apps.push(appInfo(appId, framework, nodeLocation(pf, obj.node), drafts.slice(before)));
  }
  for (const obj of objects) {
    if (obj.kind === 'app' || obj.kind === 'route' || obj.mountedBy.length) continue;
    walk(obj, '', [], [], [], [], undefined, true, new Set());
  }
  return { drafts, apps };
}

/** A route with nothing known yet (postures are computed later). */
export function emptyRoute(framework: Framework, method: string, path: string, registration: SourceLocation, appId?: string): Route {
  return {
    id: `${method} ${path} @ ${registration.file}:${registration.start.line}`,
    framework,
    appId,
    method,
    path,
    registration,
    mounts: [],
    steps: [],
    handlerChecks: [],
    lateSteps: [],
    inputs: [],
    opaqueInputs: [],
    auth: { status: 'unknown', summary: '', evidence: [] },
    validation: { status: 'unknown', summary: '', evidence: [], uncovered: [] },
    rateLimit: { status: 'unknown', summary: '', evidence: [] },
    traits: { stateChanging: false },
    specOperations: [],
  };
}

export function appInfo(id: string, framework: Framework, location: SourceLocation, drafts: readonly RouteDraft[]): AppInfo {
  const has = (role: string) => drafts.some((d) => d.route.steps.some((s) => !s.skipped && s.classifications.some((c) => c.role === role)));
  return { id, framework, location, hasRateLimiter: has('rate-limit'), hasAuth: has('auth') };
}

/**
 * Read a route's handler: its location and name on the route, and the facts of its body (and of
 * helpers it hands the request to, one level deep), with the framework's parameter conventions.
 */
export function readHandler(route: Route, handlerRef: HandlerRef, ctx: BuildContext, framework: Framework): FunctionFacts[] {
  const { classifier, ev } = ctx;
  const handlerFacts: FunctionFacts[] = [];
  const fn = handlerFunction(handlerRef.value);
  const apf = ctx.getParsed(handlerRef.file);
  if (apf) route.handlerArgument = nodeLocation(apf, handlerRef.node);
  const hpf = fn ? ctx.getParsed(fn.file) : undefined;
  if (!fn || !hpf) {
    if (apf) route.handler = nodeLocation(apf, handlerRef.node);
    return handlerFacts;
  }
  route.handler = nodeLocation(hpf, fn.node);
  route.handlerName = fn.name ?? (handlerRef.node.type === 'Identifier' ? handlerRef.node.name : undefined);
  const facts = classifier.factsOf(fn, framework);
  if (!facts) return handlerFacts;
  handlerFacts.push(facts);
  const own = paramsFor(framework, fn.node);
  const reqNames = [own.req, own.ctx].filter((x): x is string => !!x);
  for (const d of facts.delegations) {
    const callee = handlerFunction(d.callee);
    const cpf = callee ? ctx.getParsed(callee.file) : undefined;
    if (callee && cpf) {
      const idx = d.node.arguments.findIndex((a) => a.type === 'Identifier' && reqNames.includes(a.name));
      const param = callee.node.params[idx];
      const name = param && param.type === 'Identifier' ? param.name : undefined;
      if (name) {
        const isCtx = (d.node.arguments[idx] as TSESTree.Identifier).name === own.ctx;
        handlerFacts.push(analyzeFunction(callee, cpf, ev, isCtx ? { ctx: name, destructured: new Map() } : { req: name, destructured: new Map() }));
        continue;
      }
    }
    if (!d.passesNext) route.opaqueInputs.push({ message: `passes the request to ${describeValue(d.callee)}, which API Warden cannot follow`, location: d.location });
  }
  return handlerFacts;
}

/** The function that handles a request: itself, or the function given to a wrapper (`asyncHandler(fn)`). */
export function handlerFunction(v: Value): Extract<Value, { kind: 'function' }> | undefined {
  if (v.kind === 'function') return v;
  if (v.kind === 'call') {
    for (const a of v.args) if (a.kind === 'function') return a;
  }
  return undefined;
}

export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'package':
      return `${v.pkg}${v.path.length ? '.' + v.path.join('.') : ''}`;
    case 'member':
      return `${describeValue(v.object)}.${v.prop}`;
    case 'call':
      return `the result of ${describeValue(v.callee)}()`;
    case 'unknown':
      return 'an unknown function';
    default:
      return 'a function';
  }
}

export type { Evidence };
