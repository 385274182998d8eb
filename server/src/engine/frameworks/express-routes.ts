/**
 * From recorded Express registrations to routes: walk each app through its mounts, in
 * registration order, collecting the steps that run before each handler (and those registered
 * too late to run), then read the handler.
 */
import type { Classifier } from '../classify';
import type { Evaluator, Value } from '../evaluate';
import { analyzeFunction, expressParams, type FunctionFacts } from '../facts';
import type { AppInfo, Evidence, Route, SourceLocation, Step } from '../model';
import { makeLocation, nodeLocation, type ParsedFile } from '../parse';
import type { ExpressAdapter, ExpressEvent, ExpressObject, HandlerRef } from './express';

export interface RouteDraft {
  route: Route;
  /** Facts of the handler (and helpers it hands `req` to), for postures. */
  handlerFacts: FunctionFacts[];
  /** Facts of step bodies, for cross-checks such as express-validator's validationResult. */
  stepFacts: FunctionFacts[];
  /** Mount registrations (for `apiwarden-public` above a mount). */
  mountLines: Array<{ file: string; line: number }>;
  orphan: boolean;
}

interface StepEntry {
  step: Step;
  scope: string;
}

interface BuildHost {
  getParsed(file: string): ParsedFile | undefined;
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

export function buildExpressRoutes(
  adapter: ExpressAdapter,
  classifier: Classifier,
  ev: Evaluator,
  host: BuildHost,
): { drafts: RouteDraft[]; apps: AppInfo[] } {
  const drafts: RouteDraft[] = [];
  const apps: AppInfo[] = [];
  const stepCache = new Map<string, Step>();

  const stepFor = (h: HandlerRef, scope: Step['scope'], pathScope: string): Step => {
    const key = `${h.file}:${h.node.range[0]}:${scope}:${pathScope}`;
    let s = stepCache.get(key);
    if (!s) {
      s = classifier.step(h.value, h.node, h.file, scope, pathScope);
      stepCache.set(key, s);
    }
    return s;
  };

  const isChild = (h: HandlerRef): h is HandlerRef & { value: { kind: 'instance'; obj: ExpressObject } } =>
    h.value.kind === 'instance' && h.value.obj.framework === 'express' && h.value.obj.kind !== 'route';

  /** Middleware-only `use` events after index i, as late steps. */
  const lateFrom = (obj: ExpressObject, i: number, prefix: string): StepEntry[] => {
    const out: StepEntry[] = [];
    for (let j = i + 1; j < obj.events.length; j++) {
      const e = obj.events[j];
      if (e.type !== 'use' || e.handlers.some(isChild)) continue;
      for (const p of e.paths) {
        const scope = joinPaths(prefix, p);
        for (const h of e.handlers) out.push({ step: stepFor(h, obj.kind === 'app' ? 'app' : 'router', scope), scope });
      }
    }
    return out;
  };

  const walk = (
    obj: ExpressObject,
    prefix: string,
    chain: StepEntry[],
    lateAncestors: StepEntry[],
    mounts: SourceLocation[],
    mountLines: Array<{ file: string; line: number }>,
    appId: string | undefined,
    orphan: boolean,
    visiting: Set<ExpressObject>,
  ): void => {
    if (visiting.has(obj) || visiting.size > 32) return;
    visiting.add(obj);
    const local: StepEntry[] = [];
    const scopeKind = obj.kind === 'app' ? 'app' : 'router';
    obj.events.forEach((e, i) => {
      if (e.type === 'use') {
        for (const p of e.paths) {
          const full = joinPaths(prefix, p);
          if (e.handlers.some(isChild)) {
            const mountMw: StepEntry[] = [];
            const pf = host.getParsed(e.file);
            const mountLoc = pf ? nodeLocation(pf, e.call) : undefined;
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
              } else mountMw.push({ step: stepFor(h, 'mount', full), scope: full });
            }
          } else {
            for (const h of e.handlers) local.push({ step: stepFor(h, scopeKind, full), scope: full });
          }
        }
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

  const makeRoute = (
    e: Extract<ExpressEvent, { type: 'route' }>,
    full: string,
    before: StepEntry[],
    late: StepEntry[],
    mounts: SourceLocation[],
    mountLines: Array<{ file: string; line: number }>,
    appId: string | undefined,
    orphan: boolean,
  ): RouteDraft => {
    const pf = host.getParsed(e.file)!;
    const handlers = [...(e.chainMiddleware ?? []), ...e.handlers];
    const handlerRef = handlers.length ? handlers[handlers.length - 1] : undefined;
    const steps: Step[] = before.filter((s) => scopeApplies(s.scope, full)).map((s) => s.step);
    for (const h of handlers.slice(0, -1)) steps.push(stepFor(h, 'route', full));
    const lateSteps = late.filter((s) => scopeApplies(s.scope, full)).map((s) => s.step);
    const registration = makeLocation(e.file, pf.lines, e.anchor[0], e.anchor[1]);
    const route: Route = {
      id: `${e.method} ${full} @ ${e.file}:${registration.start.line}`,
      framework: 'express',
      appId,
      method: e.method,
      path: full,
      registration,
      mounts,
      steps,
      handlerChecks: [],
      lateSteps,
      inputs: [],
      opaqueInputs: [],
      auth: { status: 'unknown', summary: '', evidence: [] },
      validation: { status: 'unknown', summary: '', evidence: [], uncovered: [] },
      rateLimit: { status: 'unknown', summary: '', evidence: [] },
      traits: { stateChanging: false },
      specOperations: [],
    };
    const handlerFacts: FunctionFacts[] = [];
    const fn = handlerRef ? handlerFunction(handlerRef.value) : undefined;
    if (handlerRef) {
      const apf = host.getParsed(handlerRef.file);
      if (apf) route.handlerArgument = nodeLocation(apf, handlerRef.node);
      const hpf = fn ? host.getParsed(fn.file) : undefined;
      if (fn && hpf) {
        route.handler = nodeLocation(hpf, fn.node);
        route.handlerName = fn.name ?? (handlerRef.node.type === 'Identifier' ? handlerRef.node.name : undefined);
        const facts = classifier.factsOf(fn);
        if (facts) {
          handlerFacts.push(facts);
          // Follow `req` into helpers one level deep.
          for (const d of facts.delegations) {
            const callee = handlerFunction(d.callee);
            const cpf = callee ? host.getParsed(callee.file) : undefined;
            if (callee && cpf) {
              const idx = d.node.arguments.findIndex((a) => a.type === 'Identifier' && a.name === expressParams(fn.node).req);
              const param = callee.node.params[idx];
              const name = param && param.type === 'Identifier' ? param.name : undefined;
              if (name) {
                handlerFacts.push(analyzeFunction(callee, cpf, ev, { req: name, destructured: new Map() }));
                continue;
              }
            }
            if (!d.passesNext) route.opaqueInputs.push({ message: `passes the request to ${describeValue(d.callee)}, which API Warden cannot follow`, location: d.location });
          }
        }
      } else {
        route.handler = nodeLocation(pf, handlerRef.node);
      }
    }
    const stepFacts: FunctionFacts[] = [];
    for (const s of [...steps]) {
      if (!s.definition) continue;
      const f = classifier.factsAt(s.definition);
      if (f) stepFacts.push(f);
    }
    return { route, handlerFacts, stepFacts, mountLines, orphan };
  };

  for (const obj of adapter.objects) {
    if (obj.kind !== 'app' || obj.mountedBy.length) continue;
    const pf = host.getParsed(obj.file);
    if (!pf) continue;
    const appId = obj.id;
    const before = drafts.length;
    walk(obj, '', [], [], [], [], appId, false, new Set());
    const mine = drafts.slice(before);
    apps.push({
      id: appId,
      framework: 'express',
      location: nodeLocation(pf, obj.node),
      hasRateLimiter: mine.some((d) => d.route.steps.some((s) => s.classifications.some((c) => c.role === 'rate-limit'))),
      hasAuth: mine.some((d) => d.route.steps.some((s) => s.classifications.some((c) => c.role === 'auth'))),
    });
  }
  for (const obj of adapter.objects) {
    if (obj.kind !== 'router' || obj.mountedBy.length) continue;
    walk(obj, '', [], [], [], [], undefined, true, new Set());
  }
  return { drafts, apps };
}

/** The function that handles a request: itself, or the function given to a wrapper (`asyncHandler(fn)`). */
export function handlerFunction(v: Value): Extract<Value, { kind: 'function' }> | undefined {
  if (v.kind === 'function') return v;
  if (v.kind === 'call') {
    for (const a of v.args) if (a.kind === 'function') return a;
  }
  return undefined;
}

function describeValue(v: Value): string {
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
