/**
 * Next.js adapter: routes come from files, not objects.
 *   - App Router: `app/**\/route.ts` exporting GET/POST/… (function declarations, `export const
 *     GET = withAuth(async (req) => …)`, `export { handler as GET }`), path from the folders
 *     (`[id]` → `:id`, `[...slug]` / `[[...slug]]` → `*`, `(group)` / `@slot` / `(.)x` dropped,
 *     `_private` not routable), `src/app` too;
 *   - Pages Router: `pages/api/**` default exports, one route per `req.method` branch;
 *   - `middleware.ts` / `proxy.ts` (project or `src/` root): an app-level step for the routes its
 *     `config.matcher` covers (see nextjs-middleware.ts).
 * Wrappers around a handler are route-level steps; checks inside the handler (an identity call
 * gating a 401/redirect, `schema.parse(await req.json())`, `ratelimit.limit(ip)` → 429) are
 * handler checks read by facts.
 */
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { pkgClass, type PackageCatalogue } from '../classify';
import { packageOrigin, type FrameworkObject, type ModuleRecord, type Value } from '../evaluate';
import type { FunctionFacts } from '../facts';
import type { AppInfo, PublicDeclaration, SourceLocation, Step } from '../model';
import { ModuleResolver } from '../modules';
import { makeLocation, nodeLocation, nodeText, propertyName, unwrap, walk, type Node } from '../parse';
import { isSourceFile } from '../workspace';
import { augmentFacts } from './nextjs-facts';
import { findExport, unwrapHandler, type UnwrappedHandler } from './nextjs-exports';
import { readMiddleware, type MiddlewareModel } from './nextjs-middleware';
import { branchFunction, methodBranches } from './nextjs-pages';
import { findNextEntries, paramNames, type NextEntry } from './nextjs-paths';
import { emptyRoute, readHandler } from './tree';
import type { BuildContext, FrameworkAdapter, HandlerRef, RouteDraft } from './types';

export const NEXT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Packages whose exported handlers serve their own (public by design) endpoints: sign-in, callbacks, session. */
const AUTH_ROUTE_LIBS = /^(next-auth|@auth\/.*|better-auth|@clerk\/.*|@auth0\/nextjs-auth0|@kinde-oss\/.*|@workos-inc\/.*|@supabase\/.*|lucia)$/;

export class NextAdapter implements FrameworkAdapter {
  readonly framework = 'nextjs' as const;
  /** Route files are found by where they are (`entryFiles`), never by content. */
  readonly candidate = /(?!)/;
  readonly catalogue: PackageCatalogue = nextCatalogue;
  private entries: NextEntry[] | undefined;

  construct(): Value | undefined {
    return undefined;
  }

  method(_obj: FrameworkObject): Value | undefined {
    return undefined;
  }

  entryFiles(files: readonly string[], ctx: Pick<BuildContext, 'host' | 'root'>): string[] {
    this.entries = findNextEntries(files, ctx.host, ctx.root);
    return this.entries.map((e) => e.file);
  }

  buildRoutes(ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
    const entries = this.entries ?? findNextEntries(ctx.files, ctx.host, ctx.root);
    const resolver = new ModuleResolver(ctx.host);
    const resolve = (from: string, spec: string) => {
      const r = resolver.resolve(from, spec);
      return r && isSourceFile(r) ? r : undefined;
    };
    const drafts: RouteDraft[] = [];
    const apps: AppInfo[] = [];
    const projects = new Map<string, NextEntry[]>();
    for (const e of entries) {
      const list = projects.get(e.project) ?? [];
      list.push(e);
      projects.set(e.project, list);
    }
    for (const [project, list] of projects) {
      const appId = `nextjs-app@${project}`;
      const routes = list.filter((e) => e.kind !== 'middleware' && e.path !== undefined);
      const usesSrc = routes.some((e) => e.rel.startsWith('src/'));
      const mwEntries = list.filter((e) => e.kind === 'middleware').sort((a, b) => Number(b.rel.startsWith('src/') === usesSrc) - Number(a.rel.startsWith('src/') === usesSrc));
      let mw: MiddlewareModel | undefined;
      for (const m of mwEntries) {
        mw = safely(() => readMiddleware(ctx, m.file, resolve));
        if (mw) break;
      }
      const before = drafts.length;
      for (const e of routes) {
        const rec = ctx.ev.module(e.file) ?? ctx.ev.runModule(e.file);
        if (!rec || !rec.pf.ast) continue;
        if (e.kind === 'app-route') this.appRoutes(ctx, rec, e, mw, appId, resolve, drafts);
        else this.pagesRoutes(ctx, rec, e, mw, appId, resolve, drafts);
      }
      const made = drafts.slice(before);
      if (!made.length) continue;
      apps.push(nextAppInfo(ctx, appId, project, mw, made));
    }
    return { drafts, apps };
  }

  private appRoutes(ctx: BuildContext, rec: ModuleRecord, e: NextEntry, mw: MiddlewareModel | undefined, appId: string, resolve: Resolve, drafts: RouteDraft[]): void {
    for (const method of NEXT_METHODS) {
      const site = findExport(ctx.ev, rec, method, resolve);
      if (!site) continue;
      const unwrapped = unwrapHandler(ctx.ev, rec, site.expr, site.value);
      const registration = nodeLocation(rec.pf, site.anchor);
      drafts.push(this.draft(ctx, method, e.path!, registration, unwrapped, mw, appId, method));
    }
  }

  private pagesRoutes(ctx: BuildContext, rec: ModuleRecord, e: NextEntry, mw: MiddlewareModel | undefined, appId: string, resolve: Resolve, drafts: RouteDraft[]): void {
    const site = findExport(ctx.ev, rec, 'default', resolve);
    if (!site) return;
    const unwrapped = unwrapHandler(ctx.ev, rec, site.expr, site.value);
    const h = unwrapped.handler;
    const hpf = h ? ctx.getParsed(h.value.file) : undefined;
    const anchorNode = site.anchor.type === 'ExportDefaultDeclaration' ? undefined : site.anchor;
    const registration = anchorNode ? nodeLocation(rec.pf, anchorNode) : makeLocation(rec.file, rec.pf.lines, site.anchor.range[0], site.anchor.range[0] + 'export default'.length);
    const branches = h && hpf ? safely(() => methodBranches(h.value.node, hpf)) : undefined;
    if (!h || !hpf || !branches?.length) {
      drafts.push(pathParamsFromQuery(this.draft(ctx, 'ALL', e.path!, registration, unwrapped, mw, appId, 'handler', undefined, 'express'), e.rel));
      return;
    }
    for (const b of branches) {
      const node = branchFunction(h.value.node, b.statements);
      const branchHandler: UnwrappedHandler = { ...unwrapped, handler: { value: { ...h.value, node }, node: h.node, file: h.file } };
      const reg = h.value.file === rec.file ? nodeLocation(hpf, b.anchor) : registration;
      drafts.push(pathParamsFromQuery(this.draft(ctx, b.method, e.path!, reg, branchHandler, mw, appId, h.value.name ?? 'handler', h.value.node, 'express'), e.rel));
    }
  }

  private draft(
    ctx: BuildContext,
    method: string,
    routePath: string,
    registration: SourceLocation,
    unwrapped: UnwrappedHandler,
    mw: MiddlewareModel | undefined,
    appId: string,
    exportName: string,
    wholeFunction?: Node,
    /** How handlers receive the request: App Router `(request, { params })`, Pages Router `(req, res)` like Express. */
    style: 'nextjs' | 'express' = 'nextjs',
  ): RouteDraft {
    const route = emptyRoute('nextjs', method, routePath, registration, appId);
    const steps: Step[] = mw ? mw.stepsFor(routePath) : [];
    for (const w of unwrapped.wrappers) {
      const value = safeValue(ctx, w.call, w.env);
      const step = ctx.classifier.step(value, w.call, w.file, 'route', undefined, style);
      const wpf = ctx.getParsed(w.file);
      steps.push(wpf ? { ...step, name: `${nodeText(wpf, w.call.callee, 40)}(…)` } : step);
    }
    route.steps = steps;
    let handlerFacts: FunctionFacts[] = [];
    let declaredPublic: PublicDeclaration | undefined = mw?.publicFor(routePath);
    if (unwrapped.handler) {
      handlerFacts = readHandler(route, unwrapped.handler as HandlerRef, ctx, style);
      // An exported handler takes no middleware arguments: nowhere to insert a step.
      delete route.handlerArgument;
      if (wholeFunction) {
        const hpf = ctx.getParsed(unwrapped.handler.value.file);
        if (hpf) route.handler = nodeLocation(hpf, wholeFunction);
      }
      route.handlerName ??= exportName;
      adjustRateSignals(ctx, route, unwrapped.handler.value, handlerFacts);
    } else {
      route.handler = registration;
      const origin = unwrapped.other ? packageOrigin(unwrapped.other) : undefined;
      if (origin && AUTH_ROUTE_LIBS.test(origin.pkg) && !unwrapped.wrappers.length) {
        declaredPublic ??= {
          kind: 'inferred',
          reason: `${origin.pkg}'s own route handler (sign-in, callback and session endpoints are public by design)`,
          evidence: [{ message: `${method} is ${origin.pkg}${origin.path.length ? ' ' + origin.path.join('.') : ''}`, location: registration }],
        };
      }
    }
    const stepFacts: FunctionFacts[] = [];
    for (const s of steps) {
      if (!s.definition) continue;
      const f = ctx.classifier.factsAt(s.definition);
      if (f) stepFacts.push(f);
    }
    for (const fn of mw?.functions ?? []) {
      const f = ctx.classifier.factsOf(fn, 'nextjs');
      if (f) stepFacts.push(f);
    }
    return { route, handlerFacts, stepFacts, mountLines: [], orphan: false, declaredPublic };
  }
}

type Resolve = (from: string, spec: string) => string | undefined;

/** Pages Router API routes receive their dynamic segments in `req.query` (`[id].ts` → `req.query.id`): those reads are path parameters. */
function pathParamsFromQuery(d: RouteDraft, rel: string): RouteDraft {
  const names = new Set(paramNames(rel));
  if (!names.size) return d;
  for (const f of d.handlerFacts) {
    for (const r of f.reads) if (r.source === 'query' && r.field && names.has(r.field)) r.source = 'params';
    for (const s of f.sinks) for (const i of s.inputs) if (i.source === 'query' && i.field && names.has(i.field)) i.source = 'params';
  }
  return d;
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function safeValue(ctx: BuildContext, node: Node, env: import('../evaluate').Env): Value {
  try {
    return ctx.ev.eval(node, env);
  } catch {
    return { kind: 'unknown' };
  }
}

/**
 * Rate limiting read in the handler: `await ratelimit.limit(ip)` whose result is ignored does not
 * limit anything (dropped, kept as a skipped step for evidence); what facts cannot see is added
 * (`augmentFacts`: Supabase getUser(), next-rate-limit).
 */
function adjustRateSignals(ctx: BuildContext, route: { steps: Step[] }, fn: Extract<Value, { kind: 'function' }>, facts: FunctionFacts[]): void {
  const pf = ctx.getParsed(fn.file);
  if (!pf || !facts.length) return;
  augmentFacts(ctx, facts[0], fn);
  const ignored: TSESTree.CallExpression[] = [];
  const body = fn.node.body;
  walk(body, (n) => {
    if (n.type === 'ExpressionStatement') {
      const e = unwrap(n.expression);
      if (e.type === 'CallExpression' && e.callee.type === 'MemberExpression' && propertyName(e.callee) === 'limit') ignored.push(e);
    }
    return undefined;
  });
  for (const call of ignored) {
    for (const f of facts) {
      const before = f.rateSignals.length;
      f.rateSignals = f.rateSignals.filter((s) => s.location.range[0] !== call.range[0] || s.location.file !== pf.file);
      if (f.rateSignals.length !== before) {
        const loc = nodeLocation(pf, call);
        route.steps.push({
          name: nodeText(pf, call, 40),
          scope: 'handler',
          location: loc,
          classifications: [pkgClass('rate-limit', `${nodeText(pf, call.callee, 40)}() counts the request`, { kind: 'unknown' })],
          opaque: false,
          skipped: { reason: 'its result is ignored, so the request goes on even when the limit is exceeded (check success and answer 429)', location: loc },
        });
      }
    }
  }
}

function nextAppInfo(ctx: BuildContext, id: string, project: string, mw: MiddlewareModel | undefined, drafts: RouteDraft[]): AppInfo {
  let location: SourceLocation | undefined = mw?.location;
  if (!location) {
    for (const n of ['next.config.ts', 'next.config.mjs', 'next.config.js', 'next.config.cjs']) {
      const pf = ctx.getParsed(path.join(project, n));
      if (pf) {
        location = makeLocation(pf.file, pf.lines, 0, 0);
        break;
      }
    }
  }
  location ??= drafts[0].route.registration;
  const has = (role: string) =>
    drafts.some((d) => d.route.steps.some((s) => !s.skipped && s.classifications.some((c) => c.role === role))) ||
    drafts.some((d) => d.handlerFacts.some((f) => (role === 'rate-limit' ? f.rateSignals.length > 0 : f.credentialSignals.length > 0)));
  return { id, framework: 'nextjs', location, hasRateLimiter: has('rate-limit'), hasAuth: has('auth') };
}

/** Next.js ecosystem packages, matched through their imports. */
export const nextCatalogue: PackageCatalogue = (pkg, p, value, name) => {
  const ok = (role: 'auth' | 'rate-limit', reason: string) => ({ classes: [pkgClass(role, reason, value)], opaque: false, notes: [] as string[] });
  const not = (note: string) => ({ classes: [], opaque: false, notes: [note] });
  const last = p[p.length - 1];
  switch (pkg) {
    case 'next-auth':
      if (p[0] === 'middleware') return ok('auth', `${name} from next-auth/middleware redirects anonymous requests to sign-in`);
      return undefined;
    case '@auth0/nextjs-auth0':
      if (last && /^with(Api|Middleware|Page)AuthRequired$/.test(last)) return ok('auth', `${name} from @auth0/nextjs-auth0 rejects requests without a session`);
      if (last === 'handleAuth') return not(`${name} from @auth0/nextjs-auth0 serves the login/callback endpoints; it does not protect other routes`);
      return undefined;
    case '@clerk/nextjs':
      if (p.includes('clerkMiddleware')) return not(`${name} from @clerk/nextjs attaches auth state but does not reject anonymous requests (call auth.protect() for protected routes)`);
      if (p.includes('authMiddleware')) return ok('auth', `${name} from @clerk/nextjs rejects anonymous requests outside its publicRoutes`);
      return undefined;
    case 'iron-session':
    case 'next-iron-session':
      if (last && /^withIron/.test(last)) return not(`${name} from ${pkg} loads the session but does not reject anonymous requests`);
      return undefined;
    case 'next-rate-limit':
      return ok('rate-limit', `${name} from next-rate-limit`);
    default:
      return undefined;
  }
};

export type { NextEntry };
