/**
 * Next.js `middleware.ts` (or `proxy.ts`): the step it contributes to each route (scope 'app'),
 * restricted by `config.matcher` and by the path conditions inside it:
 *   - Clerk `clerkMiddleware(async (auth, req) => { if (isProtected(req)) await auth.protect() })`
 *     with `createRouteMatcher([...])`; `clerkMiddleware()` alone only attaches auth state;
 *     legacy `authMiddleware({ publicRoutes })`;
 *   - Auth.js / NextAuth v5 `export default auth((req) => …)`, `export { auth as middleware }`
 *     (judged by the callback and by `callbacks.authorized` of the NextAuth config);
 *   - `withAuth` from next-auth/middleware, `withMiddlewareAuthRequired` (catalogue);
 *   - a plain `export function middleware(req)` judged by its body (token/cookie read +
 *     redirect/401), with `pathname` conditions around its rejections.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Evaluator, ModuleRecord, Value } from '../evaluate';
import { packageOrigin } from '../evaluate';
import type { Classification, PublicDeclaration, SourceLocation, Step } from '../model';
import { isFunctionNode, memberPath, nodeLocation, nodeText, propertyName, unwrap, type Node, type ParsedFile } from '../parse';
import { shortFile } from '../classify';
import { augmentFacts } from './nextjs-facts';
import { findExport, localDefinition, safeEval, type ExportSite } from './nextjs-exports';
import { CondReader, guardedSites, patternsPred, siteApplies, type GuardedSite } from './nextjs-guards';
import { compilePattern, patternCovers, samplePath } from './nextjs-paths';
import type { BuildContext } from './types';

type Fn = Extract<Value, { kind: 'function' }>;

export interface MiddlewareModel {
  file: string;
  location: SourceLocation;
  /** Steps the middleware contributes to a route: applied, skipped (with why) or none. */
  stepsFor(routePath: string): Step[];
  /** Facts of the functions judged (for posture cross-checks). */
  functions: Fn[];
  /** A public list the middleware declares (`if (!isPublicRoute(req)) auth.protect()`, Clerk `publicRoutes`). */
  publicFor(routePath: string): PublicDeclaration | undefined;
}

interface Matcher {
  patterns: Array<{ source: string; re?: RegExp }>;
  dynamic: boolean;
  location: SourceLocation;
}


export function readMiddleware(ctx: BuildContext, file: string, resolve: (from: string, spec: string) => string | undefined): MiddlewareModel | undefined {
  const ev = ctx.ev;
  const rec = ev.module(file) ?? ev.runModule(file);
  if (!rec || !rec.pf.ast) return undefined;
  const pf = rec.pf;
  const site = findExport(ev, rec, 'middleware', resolve) ?? findExport(ev, rec, 'proxy', resolve) ?? findExport(ev, rec, 'default', resolve);
  if (!site) return undefined;
  const where = (n: Node) => `${shortFile(file)}:${nodeLocation(pf, n).start.line}`;
  const matcher = readMatcher(ev, rec, resolve);
  const judge = judgeMiddleware(ctx, rec, site, where);
  const location = nodeLocation(pf, site.anchor);
  return {
    file,
    location,
    functions: judge.functions,
    publicFor: (p) => {
      if (matcher && !matcher.dynamic && !matcher.patterns.some((x) => patternCovers(x.re, p))) return undefined;
      return judge.publicFor?.(p);
    },
    stepsFor(routePath: string): Step[] {
      const step = judge.stepFor(routePath);
      if (matcher && !matcher.dynamic && !matcher.patterns.some((p) => patternCovers(p.re, routePath))) {
        if (!step.classifications.length) return [];
        const list = matcher.patterns.map((p) => `'${p.source}'`).join(', ');
        return [{ ...step, skipped: { reason: `${shortFile(file)} config.matcher (${list}) does not cover ${routePath}`, location: matcher.location } }];
      }
      return [step];
    },
  };
}

function readMatcher(ev: Evaluator, rec: ModuleRecord, resolve: (from: string, spec: string) => string | undefined): Matcher | undefined {
  const cfg = findExport(ev, rec, 'config', resolve);
  if (!cfg) return undefined;
  const v = cfg.value();
  let location = nodeLocation(rec.pf, cfg.anchor);
  const expr = cfg.expr && unwrap(cfg.expr);
  if (expr && expr.type === 'ObjectExpression') {
    for (const p of expr.properties) {
      if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'matcher') location = nodeLocation(rec.pf, p);
    }
  }
  if (v.kind !== 'object') return { patterns: [], dynamic: true, location };
  const m = v.props.get('matcher');
  if (!m) return undefined;
  const items = m.kind === 'array' ? m.items : [m];
  const patterns: Matcher['patterns'] = [];
  let dynamic = false;
  for (const it of items) {
    const src = it.kind === 'literal' && typeof it.value === 'string' ? it.value : it.kind === 'object' ? lit(it.props.get('source')) : undefined;
    // `has` / `missing` conditions narrow a matcher further: treated as covering (precision first).
    if (src === undefined) dynamic = true;
    else patterns.push({ source: src, re: compilePattern(src) });
  }
  return { patterns, dynamic: dynamic || !patterns.length, location };
}

function lit(v: Value | undefined): string | undefined {
  return v && v.kind === 'literal' && typeof v.value === 'string' ? v.value : undefined;
}

interface Judge {
  stepFor(routePath: string): Step;
  functions: Fn[];
  publicFor?(routePath: string): PublicDeclaration | undefined;
}

function judgeMiddleware(ctx: BuildContext, rec: ModuleRecord, site: ExportSite, where: (n: Node) => string): Judge {
  const ev = ctx.ev;
  const pf = rec.pf;
  const file = rec.file;
  let expr = site.expr ? unwrap(site.expr) : undefined;
  if (expr && expr.type === 'Identifier') {
    const def = localDefinition(rec, expr.name);
    if (def) expr = unwrap(def);
  }
  const value = site.value();
  const anchor = expr && expr.type !== 'FunctionDeclaration' ? expr : site.anchor;
  const location = nodeLocation(pf, anchor);
  const exportedAs = site.local && site.local !== 'default' ? site.local : site.anchor.type === 'Identifier' ? site.anchor.name : 'middleware';
  const name = expr && expr.type === 'CallExpression' ? callName(pf, expr) : exportedAs;
  const fixed = (step: Step): Judge => ({ stepFor: () => step, functions: [] });
  const base = (classifications: Classification[], pkg?: string, notes?: string[]): Step => ({
    name,
    scope: 'app',
    location,
    classifications,
    opaque: false,
    ...(pkg ? { package: pkg } : {}),
    ...(notes?.length ? { notes } : {}),
  });

  // The function given to a wrapper call, if any.
  const callbackOf = (call: TSESTree.CallExpression): Fn | undefined => {
    for (const a of call.arguments) {
      const au = unwrap(a as Node);
      const v = isFunctionNode(au) ? safeEval(ev, au, rec.env) : au.type === 'Identifier' ? safeEval(ev, au, rec.env) : undefined;
      if (v && v.kind === 'function') return v;
    }
    return undefined;
  };

  const origin = packageOrigin(expr && expr.type === 'CallExpression' ? safeEval(ev, expr.callee, rec.env) : value) ?? packageOrigin(value);

  // Clerk.
  if (origin && /^@clerk\//.test(origin.pkg) && expr && expr.type === 'CallExpression') {
    if (origin.path.includes('clerkMiddleware')) return clerkJudge(ctx, rec, expr, callbackOf(expr), base, where);
    if (origin.path.includes('authMiddleware')) return clerkLegacyJudge(ev, rec, expr, base, where);
  }

  // Auth.js / NextAuth v5: `auth` from NextAuth(config), bare or wrapping a callback.
  if (origin && origin.pkg === 'next-auth' && origin.path[origin.path.length - 1] === 'auth') {
    const authValue = expr && expr.type === 'CallExpression' ? safeEval(ev, expr.callee, rec.env) : value;
    const authorized = authorizedCallback(authValue);
    const cb = expr && expr.type === 'CallExpression' ? callbackOf(expr) : undefined;
    const fromCb = cb ? bodyJudge(ctx, cb, anchor, file, name, where, 'next-auth') : undefined;
    const fromAuthorized = authorized ? authorizedJudge(ctx, authorized, name, location, where) : undefined;
    const functions = [...(cb ? [cb] : []), ...(authorized ? [authorized] : [])];
    if (!fromCb && !fromAuthorized) {
      return fixed(base([], 'next-auth', [`${name} from next-auth attaches the session (req.auth) but does not reject anonymous requests: its config has no callbacks.authorized`]));
    }
    return {
      functions,
      stepFor: (p) => {
        const a = fromCb?.stepFor(p);
        const b = fromAuthorized?.stepFor(p);
        for (const s of [a, b]) if (s && !s.skipped && s.classifications.some((c) => c.role === 'auth')) return s;
        // neither protects this path: keep the most informative one (skipped with its reason, or the look-alike)
        return (b && b.classifications.length ? b : a ?? b)!;
      },
    };
  }

  // A plain middleware function, or a wrapper whose callback is judged by its body.
  if (value.kind === 'function') return bodyJudge(ctx, value, site.anchor, file, value.name ?? exportedAs, where);
  const step = ctx.classifier.step(value, anchor, file, 'app', undefined, 'nextjs');
  return fixed(step);
}

function callName(pf: ParsedFile, call: TSESTree.CallExpression): string {
  return `${nodeText(pf, call.callee, 40)}(${call.arguments.length ? '…' : ''})`;
}

/** Calls that refuse a request in middleware: redirects, 401/403 responses, `auth.protect()`. */
function isRejectionCall(n: Node): boolean {
  if (n.type !== 'CallExpression' && n.type !== 'NewExpression') return false;
  const path = memberPath(n.callee);
  const last = path?.[path.length - 1];
  if (!path || !last) return false;
  if (last === 'redirect' || last === 'permanentRedirect' || last === 'redirectToSignIn' || last === 'protect') return true;
  if ((path[0] === 'NextResponse' || path[0] === 'Response') && (path.length === 1 || /^(json|error)$/.test(last))) {
    const init = n.arguments[1] ? unwrap(n.arguments[1] as Node) : undefined;
    if (init && init.type === 'ObjectExpression') {
      for (const p of init.properties) {
        if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'status') {
          const v = unwrap(p.value as Node);
          if (v.type === 'Literal' && (v.value === 401 || v.value === 403)) return true;
        }
      }
    }
  }
  return false;
}

/**
 * A middleware (or callback) judged by its body: auth when it reads credentials and rejects;
 * restricted to the paths where its rejections are reachable (`if (pathname.startsWith('/x'))`).
 */
function bodyJudge(ctx: BuildContext, fn: Fn, anchor: Node, file: string, name: string, where: (n: Node) => string, pkg?: string): Judge {
  // what facts cannot see (Supabase getUser()), added before the body is judged, here and one call deep
  const facts = ctx.classifier.factsOf(fn, 'nextjs');
  augmentFacts(ctx, facts, fn);
  for (const d of facts?.delegations ?? []) if (d.callee.kind === 'function') augmentFacts(ctx, ctx.classifier.factsOf(d.callee, 'nextjs'), d.callee);
  const step0 = ctx.classifier.step(fn, anchor, file, 'app', undefined, 'nextjs');
  const step: Step = { ...step0, name, ...(pkg ? { package: pkg } : {}) };
  const auth = step.classifications.find((c) => c.role === 'auth' && c.source === 'body');
  const fpf = ctx.getParsed(fn.file);
  if (!auth || !fpf) return { stepFor: () => step, functions: [fn] };
  const reader = new CondReader(ctx.ev, fn.env, fpf, fn.node.body);
  const sites = guardedSites(fn.node.body, isRejectionCall, reader);
  if (!sites.length) return { stepFor: () => step, functions: [fn] };
  return { stepFor: (p) => restrict(step, sites, p, 'auth', `${name} (${where(fn.node)}) only rejects when`), functions: [fn] };
}

/** The step with its auth classification, or skipped when none of the guarded sites runs for the path. */
function restrict(step: Step, sites: GuardedSite[], routePath: string, role: 'auth', lead: string): Step {
  const sample = samplePath(routePath);
  const results = sites.map((s) => siteApplies(s, sample));
  if (results.some((r) => r === true)) return step;
  if (results.some((r) => r === undefined)) {
    return { ...step, notes: [...(step.notes ?? []), `the rejection runs under a condition API Warden cannot evaluate for ${routePath}; counted as protecting`] };
  }
  const conds = [...new Set(sites.flatMap((s) => s.conds.map((c) => c.text)))].join(' / ');
  void role;
  return { ...step, skipped: { reason: `${lead} ${conds}, which does not hold for ${routePath}`, location: step.location } };
}

/** `callbacks.authorized` of the NextAuth config behind an `auth` value. */
function authorizedCallback(authValue: Value): Fn | undefined {
  let cur: Value | undefined = authValue;
  for (let i = 0; cur && i < 8; i++) {
    if (cur.kind === 'member') cur = cur.object;
    else break;
  }
  if (!cur || cur.kind !== 'call') return undefined;
  const cfg = cur.args[0];
  if (!cfg || cfg.kind !== 'object') return undefined;
  const cbs = cfg.props.get('callbacks');
  const a = cbs && cbs.kind === 'object' ? cbs.props.get('authorized') : undefined;
  return a && a.kind === 'function' ? a : undefined;
}

/** NextAuth's `authorized` callback: requests it answers falsy for are redirected to sign-in. */
function authorizedJudge(ctx: BuildContext, fn: Fn, name: string, location: SourceLocation, where: (n: Node) => string): Judge {
  const fpf = ctx.getParsed(fn.file);
  const at = fpf ? `${shortFile(fn.file)}:${nodeLocation(fpf, fn.node).start.line}` : shortFile(fn.file);
  const reason = `${name} from next-auth redirects requests its callbacks.authorized (${at}) refuses to sign-in`;
  const step: Step = {
    name,
    scope: 'app',
    location,
    package: 'next-auth',
    classifications: [{ role: 'auth', confidence: 'medium', source: 'package', reason, evidence: [{ message: 'callbacks.authorized', location: fpf ? nodeLocation(fpf, fn.node) : location }] }],
    opaque: false,
  };
  if (!fpf) return { stepFor: () => step, functions: [fn] };
  const body = fn.node.body;
  if (body.type !== 'BlockStatement') {
    // `authorized: ({ auth }) => !!auth` refuses anonymous requests everywhere.
    const u = unwrap(body);
    if (u.type === 'Literal' && u.value === true) return { stepFor: () => ({ ...step, classifications: [], notes: [`callbacks.authorized (${at}) always returns true, so ${name} never refuses a request`] }), functions: [fn] };
    return { stepFor: () => step, functions: [fn] };
  }
  const reader = new CondReader(ctx.ev, fn.env, fpf, body);
  const refuses = (n: Node): boolean => {
    if (n.type !== 'ReturnStatement' || !n.argument) return false;
    const u = unwrap(n.argument);
    if (u.type === 'Literal') return u.value === false;
    return u.type === 'Identifier' || u.type === 'UnaryExpression' || u.type === 'LogicalExpression' || u.type === 'MemberExpression' || u.type === 'BinaryExpression';
  };
  const sites = guardedSites(body, refuses, reader);
  if (!sites.length) return { stepFor: () => ({ ...step, classifications: [], notes: [`callbacks.authorized (${at}) never returns false, so ${name} does not reject anonymous requests`] }), functions: [fn] };
  void where;
  return { stepFor: (p) => restrict(step, sites, p, 'auth', `callbacks.authorized (${at}) only refuses requests when`), functions: [fn] };
}

/** `clerkMiddleware(async (auth, req) => { if (isProtectedRoute(req)) await auth.protect() })`. */
function clerkJudge(
  ctx: BuildContext,
  rec: ModuleRecord,
  call: TSESTree.CallExpression,
  cb: Fn | undefined,
  base: (c: Classification[], pkg?: string, notes?: string[]) => Step,
  where: (n: Node) => string,
): Judge {
  const pkg = '@clerk/nextjs';
  const lookAlike = (why: string): Judge => ({ stepFor: () => base([], pkg, [why]), functions: cb ? [cb] : [] });
  if (!cb) return lookAlike(`clerkMiddleware() from @clerk/nextjs attaches auth state but does not reject anonymous requests (call auth.protect() for protected routes)`);
  const cpf = ctx.getParsed(cb.file);
  const p0 = cb.node.params[0];
  const authName = p0 && p0.type === 'Identifier' ? p0.name : undefined;
  if (!cpf || !authName) return lookAlike(`clerkMiddleware(…) from @clerk/nextjs: its callback never calls auth.protect(), so anonymous requests pass`);
  const isProtect = (n: Node): boolean => {
    if (n.type !== 'CallExpression') return false;
    const callee = unwrap(n.callee);
    if (callee.type === 'Identifier') return callee.name === 'redirectToSignIn';
    if (callee.type !== 'MemberExpression') return false;
    const m = propertyName(callee);
    if (m === 'redirectToSignIn') return true;
    if (m !== 'protect') return false;
    const obj = unwrap(callee.object);
    if (obj.type === 'Identifier') return obj.name === authName;
    return obj.type === 'CallExpression' && unwrap(obj.callee).type === 'Identifier' && (unwrap(obj.callee) as TSESTree.Identifier).name === authName;
  };
  const reader = new CondReader(ctx.ev, cb.env, cpf, cb.node.body);
  const sites = guardedSites(cb.node.body, isProtect, reader);
  if (!sites.length) return lookAlike(`clerkMiddleware(…) from @clerk/nextjs: its callback (${where(cb.node)}) never calls auth.protect(), so it attaches auth state but does not reject anonymous requests`);
  const first = sites[0].node;
  const protectText = nodeText(cpf, (first as TSESTree.CallExpression).callee, 30);
  const cls: Classification = {
    role: 'auth',
    confidence: 'high',
    source: 'package',
    reason: `clerkMiddleware from @clerk/nextjs calls ${protectText}() (${shortFile(cb.file)}:${nodeLocation(cpf, first).start.line}), which rejects anonymous requests`,
    evidence: sites.map((s) => ({ message: `${nodeText(cpf, (s.node as TSESTree.CallExpression).callee, 30)}()${s.conds.length ? ` when ${s.conds.map((c) => c.text).join(' && ')}` : ''}`, location: nodeLocation(cpf, s.node) })),
  };
  const step = base([cls], pkg);
  void rec;
  void call;
  return {
    stepFor: (p) => restrict(step, sites, p, 'auth', `${protectText}() in clerkMiddleware (${where(first)}) only runs when`),
    functions: [cb],
    publicFor: (p) => {
      const sample = samplePath(p);
      if (sites.some((s) => siteApplies(s, sample) !== false)) return undefined;
      for (const s of sites) {
        const c = s.conds.find((x) => x.negatedMatcher?.(sample) === true);
        if (c) return { kind: 'declared', reason: `listed as public in clerkMiddleware: ${protectText}() is skipped when ${c.text.startsWith('!(') && c.text.endsWith(')') ? c.text.slice(2, -1) : c.text.replace(/^!/, '')}`, evidence: [{ message: `${c.text} guards ${protectText}()`, location: nodeLocation(cpf, s.node) }] };
      }
      return undefined;
    },
  };
}

/** Legacy Clerk `authMiddleware({ publicRoutes: [...] })`: every route but the public ones is protected. */
function clerkLegacyJudge(ev: Evaluator, rec: ModuleRecord, call: TSESTree.CallExpression, base: (c: Classification[], pkg?: string, notes?: string[]) => Step, where: (n: Node) => string): Judge {
  const opts = call.arguments[0] ? safeEval(ev, call.arguments[0] as Node, rec.env) : undefined;
  const cls: Classification = { role: 'auth', confidence: 'high', source: 'package', reason: `authMiddleware from @clerk/nextjs rejects anonymous requests outside its publicRoutes`, evidence: [{ message: 'authMiddleware(…)', location: nodeLocation(rec.pf, call) }] };
  const step = base([cls], '@clerk/nextjs');
  const pub = opts && opts.kind === 'object' ? opts.props.get('publicRoutes') : undefined;
  const items = pub ? (pub.kind === 'array' ? pub.items : [pub]) : [];
  const patterns = items.map((i) => (i.kind === 'literal' && (typeof i.value === 'string' || i.value instanceof RegExp) ? i.value : undefined));
  if (!pub || patterns.some((p) => p === undefined)) return { stepFor: () => step, functions: [] };
  const pred = patternsPred(patterns as Array<string | RegExp>);
  return {
    functions: [],
    stepFor: (p) => (pred(samplePath(p)) === true ? { ...step, skipped: { reason: `${p} is listed in authMiddleware publicRoutes (${where(call)})`, location: step.location } } : step),
    publicFor: (p) => (pred(samplePath(p)) === true ? { kind: 'declared', reason: `listed in Clerk authMiddleware publicRoutes (${where(call)})`, evidence: [{ message: 'authMiddleware publicRoutes', location: step.location }] } : undefined),
  };
}

