/**
 * The Next.js adapter: App Router route handlers, Pages Router API routes (one route per
 * `req.method` branch), middleware.ts with its matcher and the auth libraries' middleware
 * (next-auth, Clerk, Auth0), wrappers around handlers, checks inside handlers; the whole
 * inventory and every finding of the fixture app, and small in-memory cases per construct.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { AnalysisResult, Route } from '../server/src/engine';
import { classifyRel, compilePattern, patternCovers } from '../server/src/engine/frameworks/nextjs-paths';
import { analyzeDir, analyzeMemory, findingLines, findingTable, fixture, routeTable } from './helpers';

const PKG = JSON.stringify({ dependencies: { next: '15.1.0' } });

function routeOf(r: AnalysisResult, method: string, path: string): Route {
  const rt = r.model.routes.find((x) => x.method === method && x.path === path);
  assert.ok(rt, `route ${method} ${path} not found in ${r.model.routes.map((x) => `${x.method} ${x.path}`).join(', ')}`);
  return rt;
}

function table(r: AnalysisResult): string[] {
  return routeTable(r, '/mem');
}

describe('nextjs-app fixture (App Router + Pages Router + next-auth middleware)', () => {
  const root = fixture('nextjs-app');
  const result = analyzeDir(root);
  const route = (method: string, path: string) => routeOf(result, method, path);

  it('finds the whole route inventory from the file system', () => {
    assert.deepEqual(routeTable(result, root), [
      'ALL /api/files src/pages/api/files/index.ts:5 auth=missing validation=missing rateLimit=missing',
      'DELETE /api/legacy/orders/:id src/pages/api/legacy/orders/[id].ts:6 auth=present validation=not-needed rateLimit=missing',
      'DELETE /api/projects/:id src/app/api/projects/[id]/route.ts:15 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/admin/users src/app/api/admin/users/route.ts:5 auth=present validation=not-needed rateLimit=missing',
      'GET /api/auth/* src/app/api/auth/[...nextauth]/route.ts:3 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /api/docs/* src/app/api/docs/[[...slug]]/route.ts:3 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /api/health src/app/api/health/route.ts:3 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /api/legacy/orders src/pages/api/legacy/orders/index.ts:14 auth=present validation=missing rateLimit=missing',
      'GET /api/projects src/app/api/projects/route.ts:7 auth=present validation=not-needed rateLimit=missing',
      'GET /api/projects/:id src/app/api/projects/[id]/route.ts:8 auth=present validation=not-needed rateLimit=missing',
      'GET /api/search src/app/api/search/route.ts:4 auth=missing validation=missing rateLimit=missing',
      'PATCH /api/projects/:id src/app/api/projects/[id]/route.ts:31 auth=missing validation=missing rateLimit=missing',
      'POST /api/auth/* src/app/api/auth/[...nextauth]/route.ts:3 auth=public(inferred) validation=not-needed rateLimit=missing',
      'POST /api/legacy/orders src/pages/api/legacy/orders/index.ts:18 auth=present validation=present rateLimit=missing',
      'POST /api/newsletter src/app/(marketing)/api/newsletter/route.ts:7 auth=public(declared) validation=present rateLimit=missing',
      'POST /api/projects src/app/api/projects/route.ts:17 auth=missing validation=present rateLimit=present',
      'POST /api/webhooks/stripe src/pages/api/webhooks/stripe.ts:10 auth=public(inferred) validation=present rateLimit=missing',
    ]);
    assert.ok(result.model.routes.every((r) => r.framework === 'nextjs'));
  });

  it('reports exactly the expected findings', () => {
    assert.deepEqual(findingTable(result, root), [
      'src/app/(marketing)/api/newsletter/route.ts:7 missing-rate-limit error',
      'src/app/api/projects/[id]/route.ts:15 missing-auth error',
      'src/app/api/projects/[id]/route.ts:15 missing-rate-limit warning',
      'src/app/api/projects/[id]/route.ts:31 missing-auth error',
      'src/app/api/projects/[id]/route.ts:31 missing-rate-limit warning',
      'src/app/api/projects/[id]/route.ts:31 missing-validation warning',
      'src/app/api/projects/route.ts:17 missing-auth error',
      'src/app/api/search/route.ts:4 missing-auth warning',
      'src/app/api/search/route.ts:4 missing-rate-limit error',
      'src/app/api/search/route.ts:4 missing-validation error',
      'src/pages/api/files/index.ts:5 missing-auth error',
      'src/pages/api/files/index.ts:5 missing-rate-limit warning',
      'src/pages/api/files/index.ts:5 missing-validation error',
      'src/pages/api/legacy/orders/[id].ts:6 missing-rate-limit warning',
      'src/pages/api/legacy/orders/index.ts:14 missing-validation warning',
      'src/pages/api/legacy/orders/index.ts:18 missing-rate-limit warning',
    ]);
    assert.deepEqual(findingTable(result, root, { suppressed: true }), []);
    assert.deepEqual(result.internalErrors, []);
  });

  it('makes one app per project, located at its middleware, with limiter and auth seen in handlers', () => {
    assert.equal(result.model.apps.length, 1);
    const app = result.model.apps[0];
    assert.equal(app.framework, 'nextjs');
    assert.ok(app.location.file.endsWith('src/middleware.ts'));
    assert.equal(app.location.start.line, 1);
    assert.equal(app.hasRateLimiter, true);
    assert.equal(app.hasAuth, true);
  });

  it('does not route private folders, helpers beside API routes, or route.ts outside app/', () => {
    const paths = result.model.routes.map((r) => r.path);
    assert.ok(!paths.some((p) => p.includes('_lib') || p.includes('_helpers') || p.startsWith('/lib')));
  });

  it('applies middleware where callbacks.authorized refuses, with evidence, and skips it elsewhere with the reason', () => {
    const admin = route('GET', '/api/admin/users');
    assert.equal(admin.auth.confidence, 'medium');
    assert.deepEqual(admin.steps.map((s) => [s.name, s.scope, s.package, !!s.skipped]), [['auth', 'app', 'next-auth', false]]);
    assert.match(admin.auth.evidence[0].message, /^auth from next-auth redirects requests its callbacks\.authorized \(src\/auth\.ts:8\) refuses to sign-in$/);
    assert.ok(admin.auth.evidence[0].location!.file.endsWith('src/middleware.ts'));

    // matched by config.matcher, but authorized only refuses under /api/admin
    const post = route('POST', '/api/projects');
    assert.equal(post.steps[0].skipped!.reason, 'callbacks.authorized (src/auth.ts:8) only refuses requests when isAdminArea, which does not hold for /api/projects');
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/api/projects')!;
    assert.ok(f.evidence.some((e) => e.message.startsWith('auth (app level) does not apply to this route: callbacks.authorized')));

    // not matched by config.matcher at all
    const search = route('GET', '/api/search');
    assert.equal(search.steps[0].skipped!.reason, "src/middleware.ts config.matcher ('/api/admin/:path*', '/api/projects/:path*') does not cover /api/search");
    assert.equal(search.steps[0].skipped!.location!.start.line, 5);
    const fs = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/api/search')!;
    assert.ok(fs.evidence.some((e) => /config\.matcher .* does not cover \/api\/search/.test(e.message) && e.location?.start.line === 5));
  });

  it('treats wrappers as route-level steps judged by their body; a session-reading look-alike does not count', () => {
    const get = route('GET', '/api/projects/:id');
    const w = get.steps.find((s) => s.scope === 'route')!;
    assert.equal(w.name, 'withAuth(…)');
    assert.ok(w.definition!.file.endsWith('lib/with-auth.ts'));
    assert.deepEqual(w.classifications.map((c) => [c.role, c.source]), [['auth', 'body']]);
    assert.equal(get.handlerName, 'GET');
    assert.equal(get.handler!.start.line, 8);

    const del = route('DELETE', '/api/projects/:id');
    assert.equal(del.auth.status, 'missing');
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/api/projects/:id' && x.route.method === 'DELETE')!;
    assert.equal(f.message, 'DELETE /api/projects/:id has no authentication: withSession(…) (lib/with-session.ts:7) calls auth() from next-auth but never rejects the request (no 401/403, no next(err), no throw).');
  });

  it('counts an identity call that gates a 401 in the handler, not one whose result is ignored', () => {
    const get = route('GET', '/api/projects');
    assert.equal(get.auth.summary, 'GET (handler) (in the handler)');
    assert.match(get.auth.evidence[0].message, /calls auth\(\) from next-auth and rejects with NextResponse\.json\(…, \{ status: 401 \}\)/);
    assert.equal(route('PATCH', '/api/projects/:id').auth.status, 'missing');
  });

  it('exports through `export { fn as PATCH }` anchor on the exported name; safeParse with its result ignored is not validation', () => {
    const patch = route('PATCH', '/api/projects/:id');
    assert.equal(patch.registration.start.line, 31);
    assert.equal(patch.handlerName, 'updateProject');
    assert.deepEqual(patch.validation.uncovered, ['body']);
    const f = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.method === 'PATCH')!;
    assert.equal(f.message, 'PATCH /api/projects/:id reads request.json() (name) without validation.');
  });

  it('validates `await request.json()` with schema.parse and counts an upstash limiter whose result is checked', () => {
    const post = route('POST', '/api/projects');
    assert.deepEqual(post.validation.uncovered, []);
    assert.equal(post.rateLimit.confidence, 'high');
    assert.match(post.rateLimit.evidence.map((e) => e.message).join(' | '), /counts requests with ratelimit\.limit\(…\) from @upstash\/ratelimit/);
  });

  it('does not count a limiter whose result is ignored, and says why', () => {
    const nl = route('POST', '/api/newsletter');
    assert.equal(nl.rateLimit.status, 'missing');
    const s = nl.steps.find((x) => x.scope === 'handler')!;
    assert.equal(s.name, 'ratelimit.limit(ip)');
    assert.equal(s.location.start.line, 9);
    assert.match(s.skipped!.reason, /result is ignored/);
    const f = result.findings.find((x) => x.ruleId === 'missing-rate-limit' && x.route?.path === '/api/newsletter')!;
    assert.ok(f.evidence.some((e) => /ratelimit\.limit\(ip\) \(in the handler\) does not apply to this route: its result is ignored/.test(e.message)));
    assert.equal(nl.public!.reason, 'newsletter sign-up is anonymous by design');
  });

  it("infers the auth library's own endpoints, health and docs as public", () => {
    assert.match(route('GET', '/api/auth/*').public!.reason, /^next-auth's own route handler/);
    assert.equal(route('POST', '/api/auth/*').public!.kind, 'inferred');
    assert.match(route('GET', '/api/health').public!.reason, /health/);
    assert.match(route('GET', '/api/docs/*').public!.reason, /documentation/);
  });

  it('splits Pages Router handlers by req.method (switch with a shared prelude, a 405 guard) and reads path params from req.query', () => {
    const get = route('GET', '/api/legacy/orders');
    const post = route('POST', '/api/legacy/orders');
    // the prelude's getServerSession + 401 protects both branches
    assert.match(get.auth.evidence[0].message, /getServerSession\(\) from next-auth and rejects with res\.status\(401\)/);
    assert.deepEqual(get.inputs.map((i) => [i.source, i.field]), [['query', 'status']]);
    assert.deepEqual(post.inputs.map((i) => [i.source, i.field]), [['body', undefined]]);
    assert.equal(get.registration.start.column, 10);
    assert.equal(route('GET', '/api/legacy/orders').handler!.start.line, 8);
    const del = route('DELETE', '/api/legacy/orders/:id');
    assert.deepEqual(del.steps.filter((s) => !s.skipped).map((s) => [s.name, s.package, s.classifications[0].role]), [['withApiAuthRequired(…)', '@auth0/nextjs-auth0', 'auth']]);
    assert.deepEqual(del.inputs.map((i) => [i.source, i.field]), [['params', 'id']]);
    assert.equal(result.model.routes.filter((r) => r.path === '/api/legacy/orders/:id').length, 1);
  });

  it('a handler without method branches serves every method; signed webhooks are public', () => {
    const files = route('ALL', '/api/files');
    assert.equal(files.registration.start.line, 5);
    assert.equal(files.handlerName, 'download');
    const f = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/api/files')!;
    assert.equal(f.severity, 'error');
    assert.match(f.message, /reaches a file system path via fs\/promises\.readFile/);
    const hook = route('POST', '/api/webhooks/stripe');
    assert.match(hook.public!.reason, /constructEvent/);
    assert.equal(result.model.routes.filter((r) => r.path === '/api/webhooks/stripe').length, 1);
  });
});

describe('Next.js paths and matchers', () => {
  it('maps folders to Express-style paths', () => {
    assert.deepEqual(classifyRel('app/api/users/[id]/route.ts'), { kind: 'app-route', path: '/api/users/:id' });
    assert.deepEqual(classifyRel('src/app/(shop)/api/cart/route.js'), { kind: 'app-route', path: '/api/cart' });
    assert.deepEqual(classifyRel('app/docs/[...slug]/route.ts'), { kind: 'app-route', path: '/docs/*' });
    assert.deepEqual(classifyRel('app/shop/[[...slug]]/route.ts'), { kind: 'app-route', path: '/shop/*' });
    assert.deepEqual(classifyRel('app/@modal/(.)photos/[id]/route.ts'), { kind: 'app-route', path: '/:id' });
    assert.deepEqual(classifyRel('app/dashboard/@team/api/route.ts'), { kind: 'app-route', path: '/dashboard/api' });
    assert.deepEqual(classifyRel('app/route.ts'), { kind: 'app-route', path: '/' });
    assert.deepEqual(classifyRel('app/_components/route.ts'), { kind: 'app-route', path: undefined });
    assert.deepEqual(classifyRel('app/%5Fescaped/route.ts'), { kind: 'app-route', path: '/_escaped' });
    assert.deepEqual(classifyRel('pages/api/users/[id].ts'), { kind: 'pages-api', path: '/api/users/:id' });
    assert.deepEqual(classifyRel('src/pages/api/users/index.ts'), { kind: 'pages-api', path: '/api/users' });
    assert.deepEqual(classifyRel('pages/api/index.ts'), { kind: 'pages-api', path: '/api' });
    assert.deepEqual(classifyRel('pages/about.tsx'), undefined);
    assert.deepEqual(classifyRel('middleware.ts'), { kind: 'middleware' });
    assert.deepEqual(classifyRel('src/middleware.js'), { kind: 'middleware' });
    assert.deepEqual(classifyRel('lib/middleware.ts'), undefined);
    assert.deepEqual(classifyRel('app/api/page.tsx'), undefined);
  });

  it('reads path-to-regexp matchers', () => {
    const re = (s: string) => compilePattern(s);
    assert.equal(patternCovers(re('/dashboard/:path*'), '/dashboard'), true);
    assert.equal(patternCovers(re('/dashboard/:path*'), '/dashboard/a/:id'), true);
    assert.equal(patternCovers(re('/dashboard/:path*'), '/api/x'), false);
    assert.equal(patternCovers(re('/api/:path+'), '/api'), false);
    assert.equal(patternCovers(re('/api/:path+'), '/api/users'), true);
    assert.equal(patternCovers(re('/((?!api|_next/static|_next/image|favicon.ico).*)'), '/api/users'), false);
    assert.equal(patternCovers(re('/((?!api|_next/static|_next/image|favicon.ico).*)'), '/dashboard'), true);
    assert.equal(patternCovers(re('/(api|trpc)(.*)'), '/api/users/:id'), true);
    assert.equal(patternCovers(re('/users/new'), '/users/:id'), false, 'a literal matcher does not cover every id');
    assert.equal(patternCovers(re('/docs/:slug'), '/docs/*'), false);
    assert.equal(patternCovers(compilePattern('/(unclosed'), '/x'), true, 'an unreadable matcher counts as covering');
  });
});

describe('Next.js App Router exports (in memory)', () => {
  it('reads function declarations, const arrows, export-as lists and wrapped exports', () => {
    const r = analyzeMemory({
      'package.json': PKG,
      'app/api/a/route.ts': `
export async function GET() { return Response.json([]) }
export const POST = async (request: Request) => { const b = await request.json(); return Response.json(b) }
`,
      'app/api/b/route.ts': `
async function handler(request: Request) { return Response.json({ q: new URL(request.url).searchParams.get('q') }) }
export { handler as GET, handler as HEAD };
`,
      'app/api/c/route.ts': `
import { NextResponse } from 'next/server';
function withAdmin(h) {
  return async (req, ctx) => {
    if (req.headers.get('x-admin-key') !== process.env.ADMIN_KEY) return NextResponse.json({}, { status: 403 });
    return h(req, ctx);
  };
}
export const DELETE = withAdmin(async (req, { params }) => new Response(null, { status: 204 }));
`,
    });
    assert.deepEqual(table(r), [
      'DELETE /api/c app/api/c/route.ts:9 auth=present validation=not-needed rateLimit=missing',
      'GET /api/a app/api/a/route.ts:2 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/b app/api/b/route.ts:3 auth=missing validation=missing rateLimit=missing',
      'HEAD /api/b app/api/b/route.ts:3 auth=missing validation=missing rateLimit=missing',
      'POST /api/a app/api/a/route.ts:3 auth=missing validation=missing rateLimit=missing',
    ]);
    const del = routeOf(r, 'DELETE', '/api/c');
    assert.equal(del.steps[0].name, 'withAdmin(…)');
    assert.match(del.auth.evidence[0].message, /^withAdmin\(…\) \(c\/route\.ts:4\) reads req\.headers\.get\('x-admin-key'\) and rejects with NextResponse\.json\(…, \{ status: 403 \}\)$/);
    assert.equal(routeOf(r, 'GET', '/api/b').registration.start.column, 21);
    assert.deepEqual(r.internalErrors, []);
  });

  it('handler identity checks: getServerSession, Clerk currentUser, Supabase getUser + redirect; auth() alone does not count', () => {
    const r = analyzeMemory({
      'package.json': PKG,
      'app/api/n/route.ts': `
import { getServerSession } from 'next-auth';
export async function GET() { const s = await getServerSession(); if (!s) return new Response('no', { status: 401 }); return Response.json(s) }
`,
      'app/api/c/route.ts': `
import { currentUser } from '@clerk/nextjs/server';
import { NextResponse } from 'next/server';
export async function GET() { const u = await currentUser(); if (!u) return NextResponse.json({}, { status: 401 }); return NextResponse.json(u) }
`,
      'app/api/s/route.ts': `
import { createClient } from '@supabase/ssr';
import { redirect } from 'next/navigation';
export async function GET() {
  const supabase = createClient();
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) redirect('/login');
  return Response.json(user);
}
`,
      'app/api/x/route.ts': `
import { auth } from '@clerk/nextjs/server';
export async function GET() { const { userId } = await auth(); return Response.json({ userId }) }
`,
      'app/api/p/route.ts': `
import { auth } from '@clerk/nextjs/server';
export async function GET() { await auth.protect(); return Response.json({}) }
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/c app/api/c/route.ts:4 auth=present validation=not-needed rateLimit=missing',
      'GET /api/n app/api/n/route.ts:3 auth=present validation=not-needed rateLimit=missing',
      'GET /api/p app/api/p/route.ts:3 auth=present validation=not-needed rateLimit=missing',
      'GET /api/s app/api/s/route.ts:4 auth=present validation=not-needed rateLimit=missing',
      'GET /api/x app/api/x/route.ts:3 auth=missing validation=not-needed rateLimit=missing',
    ]);
  });

  it('validation of searchParams, params and bodies; rate limiting in handlers', () => {
    const r = analyzeMemory({
      'package.json': PKG,
      'lib/limits.ts': `
import { RateLimiterMemory } from 'rate-limiter-flexible';
import rateLimit from 'next-rate-limit';
export const flexible = new RateLimiterMemory({ points: 5, duration: 60 });
export const nrl = rateLimit({ interval: 60000, uniqueTokenPerInterval: 500 });
`,
      'app/api/search/route.ts': `
import { z } from 'zod';
import { type NextRequest } from 'next/server';
import { flexible } from '../../../lib/limits';
const Q = z.object({ q: z.string().max(50) });
export async function GET(request: NextRequest) {
  await flexible.consume(request.headers.get('x-forwarded-for') ?? 'anon');
  const { q } = Q.parse(Object.fromEntries(request.nextUrl.searchParams));
  return Response.json({ q });
}
`,
      'app/api/items/[id]/route.ts': `
import { z } from 'zod';
import { nrl } from '../../../../lib/limits';
const Body = z.object({ name: z.string() });
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  nrl.checkNext(request, 10);
  const { id } = await params;
  const r = Body.safeParse(await request.json());
  if (!r.success) return Response.json(r.error, { status: 400 });
  return Response.json({ id, ...r.data });
}
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/search app/api/search/route.ts:6 auth=missing validation=present rateLimit=present',
      'PUT /api/items/:id app/api/items/[id]/route.ts:5 auth=missing validation=present rateLimit=present',
    ]);
    assert.match(routeOf(r, 'PUT', '/api/items/:id').rateLimit.evidence[0].message, /checkNext\(…\) from next-rate-limit/);
    assert.deepEqual([...new Set(routeOf(r, 'PUT', '/api/items/:id').inputs.map((i) => i.source))].sort(), ['body', 'params']);
  });

  it("NextAuth's handler exported as GET/POST is public; an unknown package's handler is not", () => {
    const r = analyzeMemory({
      'package.json': PKG,
      'app/api/auth/[...nextauth]/route.ts': `
import NextAuth from 'next-auth';
const handler = NextAuth({ providers: [] });
export { handler as GET, handler as POST };
`,
      'app/api/graphql/route.ts': `
import { createYoga } from 'graphql-yoga';
const { handleRequest } = createYoga({});
export { handleRequest as GET, handleRequest as POST };
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/auth/* app/api/auth/[...nextauth]/route.ts:4 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /api/graphql app/api/graphql/route.ts:4 auth=missing validation=not-needed rateLimit=missing',
      'POST /api/auth/* app/api/auth/[...nextauth]/route.ts:4 auth=public(inferred) validation=not-needed rateLimit=missing',
      'POST /api/graphql app/api/graphql/route.ts:4 auth=missing validation=not-needed rateLimit=missing',
    ]);
  });

  it('ignores files outside a Next.js layout and tolerates odd exports', () => {
    const r = analyzeMemory({
      'package.json': PKG,
      'app/api/odd/route.ts': `
const name = 'GET';
export const GET = undefined;
export const POST = someFactory()(unknownThing);
export default function () {}
export const PUT = [];
`,
      'app/api/empty/route.ts': ``,
      'app/api/broken/route.ts': `export async function GET( {`,
      'src/routes/route.ts': `export function GET() { return new Response('x') }`,
    });
    assert.deepEqual(table(r), [
      'GET /api/odd app/api/odd/route.ts:3 auth=missing validation=not-needed rateLimit=missing',
      'POST /api/odd app/api/odd/route.ts:4 auth=missing validation=not-needed rateLimit=missing',
      'PUT /api/odd app/api/odd/route.ts:6 auth=missing validation=not-needed rateLimit=missing',
    ]);
    assert.deepEqual(r.internalErrors, []);
    assert.deepEqual(findingLines(r, ['parse-error']).length, 1);
  });
});

describe('Next.js Pages Router method branches (in memory)', () => {
  it('if / else-if chains, a final else, `const { method } = req`, includes(), guards and fall-through cases', () => {
    const r = analyzeMemory({
      'package.json': PKG,
      'pages/api/a.ts': `
export default function handler(req, res) {
  if (req.method === 'GET') {
    return res.json({ q: req.query.q });
  } else if (req.method === 'PUT' || req.method === 'PATCH') {
    return res.json(req.body);
  } else {
    return res.json({ other: true });
  }
}
`,
      'pages/api/b/[slug].ts': `
export default async (req, res) => {
  const { method } = req;
  switch (method) {
    case 'GET':
    case 'HEAD':
      return res.json({ slug: req.query.slug });
    case 'DELETE':
      return res.status(204).end();
    default:
      res.status(405).end();
  }
};
`,
      'pages/api/c.ts': `
export default function handler(req, res) {
  if (req.method !== 'POST' && req.method !== 'PUT') return res.status(405).json({ error: 'Method not allowed' });
  return res.json(req.body);
}
`,
      'pages/api/d.js': `
module.exports = function handler(req, res) {
  if (['GET', 'HEAD'].includes(req.method)) return res.json([]);
  res.status(405).end();
};
`,
    });
    assert.deepEqual(table(r), [
      'ALL /api/a pages/api/a.ts:7 auth=missing validation=not-needed rateLimit=missing',
      'DELETE /api/b/:slug pages/api/b/[slug].ts:8 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/a pages/api/a.ts:3 auth=missing validation=missing rateLimit=missing',
      'GET /api/b/:slug pages/api/b/[slug].ts:5 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/d pages/api/d.js:3 auth=missing validation=not-needed rateLimit=missing',
      'HEAD /api/b/:slug pages/api/b/[slug].ts:6 auth=missing validation=not-needed rateLimit=missing',
      'HEAD /api/d pages/api/d.js:3 auth=missing validation=not-needed rateLimit=missing',
      'PATCH /api/a pages/api/a.ts:5 auth=missing validation=missing rateLimit=missing',
      'POST /api/c pages/api/c.ts:3 auth=missing validation=missing rateLimit=missing',
      'PUT /api/a pages/api/a.ts:5 auth=missing validation=missing rateLimit=missing',
      'PUT /api/c pages/api/c.ts:3 auth=missing validation=missing rateLimit=missing',
    ]);
    // each branch reads only what it reads
    assert.deepEqual(routeOf(r, 'GET', '/api/a').inputs.map((i) => [i.source, i.field]), [['query', 'q']]);
    assert.deepEqual(routeOf(r, 'PUT', '/api/a').inputs.map((i) => i.source), ['body']);
    assert.deepEqual(routeOf(r, 'GET', '/api/b/:slug').inputs.map((i) => [i.source, i.field]), [['params', 'slug']]);
    assert.equal(routeOf(r, 'PUT', '/api/a').registration.start.column, 14);
    assert.equal(routeOf(r, 'PATCH', '/api/a').registration.start.column, 38);
  });
});

describe('Next.js middleware (in memory)', () => {
  const routes = {
    'package.json': PKG,
    'app/api/admin/route.ts': `export async function GET() { return Response.json({}) }`,
    'app/api/public/route.ts': `export async function GET() { return Response.json({}) }`,
    'app/dashboard/data/route.ts': `export async function GET() { return Response.json({}) }`,
  };

  it('Clerk: auth.protect() under createRouteMatcher protects matching routes; `!isPublicRoute(req)` declares the others public', () => {
    const r = analyzeMemory({
      ...routes,
      'middleware.ts': `
import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
const isPublicRoute = createRouteMatcher(['/api/public(.*)', '/sign-in(.*)']);
export default clerkMiddleware(async (auth, req) => {
  if (!isPublicRoute(req)) {
    await auth.protect();
  }
});
export const config = { matcher: ['/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)', '/(api|trpc)(.*)'] };
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=present validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
    const pub = routeOf(r, 'GET', '/api/public');
    assert.match(pub.public!.reason, /^listed as public in clerkMiddleware: auth\.protect\(\) is skipped when isPublicRoute\(req\)/);
    const admin = routeOf(r, 'GET', '/api/admin');
    assert.equal(admin.steps[0].name, 'clerkMiddleware(…)');
    assert.equal(admin.steps[0].package, '@clerk/nextjs');
    assert.equal(admin.auth.evidence[0].location!.start.line, 4);
  });

  it('Clerk: routes outside isProtectedRoute are missing with the reason; clerkMiddleware() alone is a look-alike', () => {
    const r = analyzeMemory({
      ...routes,
      'middleware.ts': `
import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
const isProtectedRoute = createRouteMatcher(['/dashboard(.*)']);
export default clerkMiddleware(async (auth, req) => {
  if (isProtectedRoute(req)) await auth.protect();
});
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
    assert.equal(routeOf(r, 'GET', '/api/admin').steps[0].skipped!.reason, 'auth.protect() in clerkMiddleware (mem/middleware.ts:5) only runs when isProtectedRoute(req), which does not hold for /api/admin');

    const bare = analyzeMemory({ ...routes, 'src/middleware.ts': `import { clerkMiddleware } from '@clerk/nextjs/server';\nexport default clerkMiddleware();\n`, 'app/api/admin/route.ts': routes['app/api/admin/route.ts'] });
    const f = bare.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/api/admin')!;
    assert.match(f.message, /clerkMiddleware\(\) from @clerk\/nextjs attaches auth state but does not reject anonymous requests/);
  });

  it('legacy Clerk authMiddleware protects everything but publicRoutes', () => {
    const r = analyzeMemory({
      ...routes,
      'middleware.ts': `
import { authMiddleware } from '@clerk/nextjs';
export default authMiddleware({ publicRoutes: ['/api/public'] });
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=present validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
  });

  it('next-auth: auth(callback) judged by the callback; withAuth from next-auth/middleware; matcher restricts both', () => {
    const r = analyzeMemory({
      ...routes,
      'auth.ts': `import NextAuth from 'next-auth';\nexport const { auth, handlers } = NextAuth({ providers: [] });\n`,
      'middleware.ts': `
import { auth } from './auth';
export default auth((req) => {
  if (!req.auth) return Response.redirect(new URL('/login', req.nextUrl));
});
export const config = { matcher: ['/api/admin/:path*', '/dashboard/:path*'] };
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=present validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
    assert.equal(routeOf(r, 'GET', '/api/admin').steps[0].name, 'auth(…)');

    const w = analyzeMemory({ ...routes, 'middleware.ts': `export { default } from 'next-auth/middleware';\nexport const config = { matcher: '/dashboard/:path*' };\n` });
    assert.deepEqual(table(w), [
      'GET /api/admin app/api/admin/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
    const bare = analyzeMemory({
      ...routes,
      'auth.ts': `import NextAuth from 'next-auth';\nexport const { auth } = NextAuth({ providers: [] });\n`,
      'middleware.ts': `export { auth as middleware } from './auth';\n`,
    });
    const f = bare.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/api/admin')!;
    assert.match(f.message, /auth from next-auth attaches the session \(req\.auth\) but does not reject anonymous requests: its config has no callbacks\.authorized/);
  });

  it('a plain middleware is judged by its body, with pathname conditions around its redirect; objects with `has` cover', () => {
    const r = analyzeMemory({
      ...routes,
      'middleware.ts': `
import { NextResponse, type NextRequest } from 'next/server';
export function middleware(request: NextRequest) {
  const token = request.cookies.get('session')?.value;
  if (request.nextUrl.pathname.startsWith('/dashboard') && !token) {
    return NextResponse.redirect(new URL('/login', request.url));
  }
  return NextResponse.next();
}
export const config = { matcher: [{ source: '/:path*', has: [{ type: 'header', key: 'x-present' }] }] };
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
    const admin = routeOf(r, 'GET', '/api/admin');
    assert.match(admin.steps[0].skipped!.reason, /^middleware \(mem\/middleware\.ts:3\) only rejects when request\.nextUrl\.pathname\.startsWith\('\/dashboard'\) && !token, which does not hold for \/api\/admin$/);
  });

  it('Supabase: a middleware delegating to updateSession(request), which redirects when getUser() finds nobody', () => {
    const r = analyzeMemory({
      ...routes,
      'utils/supabase/middleware.ts': `
import { createServerClient } from '@supabase/ssr';
import { NextResponse, type NextRequest } from 'next/server';
export async function updateSession(request: NextRequest) {
  const supabase = createServerClient(process.env.URL!, process.env.KEY!, { cookies: {} });
  const { data: { user } } = await supabase.auth.getUser();
  if (!user && !request.nextUrl.pathname.startsWith('/login')) {
    return NextResponse.redirect(new URL('/login', request.url));
  }
  return NextResponse.next();
}
`,
      'middleware.ts': `
import { type NextRequest } from 'next/server';
import { updateSession } from './utils/supabase/middleware';
export async function middleware(request: NextRequest) {
  return await updateSession(request);
}
export const config = { matcher: ['/dashboard/:path*', '/api/admin/:path*'] };
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=present validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
    assert.match(routeOf(r, 'GET', '/api/admin').auth.evidence[0].message, /^middleware \(mem\/middleware\.ts:4\) delegates to updateSession \(supabase\/middleware\.ts:4\) calls supabase\.auth\.getUser\(\) \(Supabase\) and rejects with NextResponse\.redirect/);
  });

  it('rate limiting in middleware (upstash) applies to covered routes; a matcher that leaves /api out shows as evidence', () => {
    const r = analyzeMemory({
      ...routes,
      'middleware.ts': `
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { NextResponse } from 'next/server';
const ratelimit = new Ratelimit({ redis: Redis.fromEnv(), limiter: Ratelimit.fixedWindow(20, '1 m') });
export default async function middleware(request) {
  const { success } = await ratelimit.limit(request.ip ?? '127.0.0.1');
  return success ? NextResponse.next() : new NextResponse('Too many requests', { status: 429 });
}
export const config = { matcher: '/((?!api|_next/static|_next/image|favicon.ico).*)' };
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=missing validation=not-needed rateLimit=present',
    ]);
    assert.match(routeOf(r, 'GET', '/api/admin').rateLimit.evidence[0].message, /config\.matcher \('\/\(\(\?!api\|_next\/static\|_next\/image\|favicon\.ico\)\.\*\)'\) does not cover \/api\/admin/);
    assert.equal(r.model.apps[0].hasRateLimiter, true);
  });

  it('Auth0 withMiddlewareAuthRequired protects matched routes; a dynamic matcher counts as covering', () => {
    const r = analyzeMemory({
      ...routes,
      'middleware.ts': `
import { withMiddlewareAuthRequired } from '@auth0/nextjs-auth0/edge';
export default withMiddlewareAuthRequired();
const paths = ['/api/admin/:path*'];
export const config = { matcher: paths.map((p) => p) };
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/admin app/api/admin/route.ts:1 auth=present validation=not-needed rateLimit=missing',
      'GET /api/public app/api/public/route.ts:1 auth=present validation=not-needed rateLimit=missing',
      'GET /dashboard/data app/dashboard/data/route.ts:1 auth=present validation=not-needed rateLimit=missing',
    ]);
  });

  it('uses the middleware of each project in a monorepo, and only its own', () => {
    const r = analyzeMemory({
      'apps/web/package.json': PKG,
      'apps/web/middleware.ts': `import { withMiddlewareAuthRequired } from '@auth0/nextjs-auth0/edge';\nexport default withMiddlewareAuthRequired();\n`,
      'apps/web/app/api/me/route.ts': `export async function GET() { return Response.json({}) }`,
      'apps/docs/next.config.js': `module.exports = {};`,
      'apps/docs/src/app/api/search/route.ts': `export async function GET() { return Response.json({}) }`,
    });
    assert.deepEqual(table(r), [
      'GET /api/me apps/web/app/api/me/route.ts:1 auth=present validation=not-needed rateLimit=missing',
      'GET /api/search apps/docs/src/app/api/search/route.ts:1 auth=missing validation=not-needed rateLimit=missing',
    ]);
    assert.equal(r.model.apps.length, 2);
  });
});

describe('nextjs: messages name inputs the way each router reads them', () => {
  it('Pages Router API routes say req.query, App Router route handlers say searchParams', () => {
    const r = analyzeDir(fixture('nextjs-app'));
    const pages = r.findings.find((f) => f.ruleId === 'missing-validation' && f.location.file.includes(`pages${path.sep}api${path.sep}legacy`));
    assert.ok(pages, 'a missing-validation finding in pages/api/legacy');
    assert.match(pages.message, /req\.query/);
    assert.doesNotMatch(pages.message, /searchParams/);
    const legacy = r.model.routes.find((x) => x.method === 'GET' && x.path === '/api/legacy/orders')!;
    assert.match(legacy.validation.summary, /^req\.query read without validation/);
  });
});
