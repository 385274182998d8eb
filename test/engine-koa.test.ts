/**
 * The Koa route model and the three core rules: the koa-app fixture (whole inventory, every
 * finding, evidence, look-alikes) and small in-memory cases for each construct the adapter knows.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { AnalysisResult, Route } from '../server/src/engine';
import { analyzeDir, analyzeMemory, findingLines, findingTable, fixture, routeTable } from './helpers';

const PKG = { 'package.json': '{"dependencies":{"koa":"^2.15.3"}}' };

function mem(files: Record<string, string>): AnalysisResult {
  const r = analyzeMemory({ ...PKG, ...files });
  assert.deepEqual(r.internalErrors, []);
  return r;
}

function find(r: AnalysisResult, method: string, path: string): Route {
  const rt = r.model.routes.find((x) => x.method === method && x.path === path);
  assert.ok(rt, `route ${method} ${path} not found in ${r.model.routes.map((x) => `${x.method} ${x.path}`).join(', ')}`);
  return rt;
}

/** `name[scope]:roles` of each step, with `(skipped)` when it does not apply. */
function chain(rt: Route): string[] {
  return rt.steps.map((s) => `${s.name}[${s.scope}]${s.skipped ? '(skipped)' : ''}:${s.classifications.map((c) => c.role).join('/')}`);
}

describe('koa-app fixture (TypeScript, @koa/router, koa-router, koa-joi-router, koa-mount)', () => {
  const root = fixture('koa-app');
  const result = analyzeDir(root);
  const route = (method: string, path: string) => find(result, method, path);

  it('finds the whole route inventory with prefixes, nested routers and mounts', () => {
    assert.deepEqual(routeTable(result, root), [
      'ALL /api/v1/sync src/routes/legacy.ts:16 auth=missing validation=not-needed rateLimit=missing',
      'DELETE /api/projects/:id src/routes/projects.ts:29 auth=present validation=not-needed rateLimit=present',
      'GET /admin/stats src/admin/index.ts:12 auth=present validation=not-needed rateLimit=missing',
      'GET /api/projects src/routes/projects.ts:10 auth=present validation=not-needed rateLimit=present',
      'GET /api/projects/:id/docs src/routes/projects.ts:25 auth=missing validation=not-needed rateLimit=present',
      'GET /api/projects/search src/routes/projects.ts:19 auth=present validation=missing rateLimit=present',
      'GET /api/status src/routes/api.ts:17 auth=public(inferred) validation=not-needed rateLimit=present',
      'GET /api/users/:id/profile src/routes/users.ts:9 auth=present validation=not-needed rateLimit=present',
      'GET /api/v1/reports src/routes/legacy.ts:7 auth=missing validation=not-needed rateLimit=missing',
      'GET /healthz src/routes/health.ts:5 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /public/catalog src/routes/public.ts:7 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /public/catalog/:sku src/routes/public.ts:12 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /public/wishlist src/routes/public.ts:17 auth=missing validation=not-needed rateLimit=missing',
      'PATCH /api/users/:id src/routes/users.ts:13 auth=present validation=missing rateLimit=present',
      'POST /admin/flags src/admin/index.ts:16 auth=present validation=present rateLimit=missing',
      'POST /api/auth/login src/routes/auth.ts:14 auth=public(inferred) validation=present rateLimit=present',
      'POST /api/auth/password-reset src/routes/auth.ts:45 auth=public(inferred) validation=missing rateLimit=missing',
      'POST /api/auth/signup src/routes/auth.ts:28 auth=public(inferred) validation=present rateLimit=missing',
      'POST /api/projects src/routes/projects.ts:14 auth=present validation=present rateLimit=present',
      'POST /api/v1/reports src/routes/legacy.ts:11 auth=missing validation=missing rateLimit=missing',
      'POST /public/newsletter src/routes/public.ts:21 auth=missing validation=missing rateLimit=missing',
    ]);
    assert.ok(result.model.routes.every((r) => r.framework === 'koa'));
    assert.equal(result.model.apps.length, 1, 'the koa-mount sub-app is not a separate app');
    assert.equal(result.model.apps[0].framework, 'koa');
    assert.equal(result.model.apps[0].location.start.line, 17);
    assert.equal(result.model.apps[0].hasRateLimiter, true);
  });

  it('reports exactly the expected findings', () => {
    assert.deepEqual(findingTable(result, root), [
      'src/admin/index.ts:16 missing-rate-limit warning',
      'src/routes/auth.ts:28 missing-rate-limit error',
      'src/routes/auth.ts:45 missing-rate-limit error',
      'src/routes/auth.ts:45 missing-validation warning',
      'src/routes/legacy.ts:11 missing-auth error',
      'src/routes/legacy.ts:11 missing-rate-limit warning',
      'src/routes/legacy.ts:11 missing-validation warning',
      'src/routes/legacy.ts:16 missing-auth error',
      'src/routes/legacy.ts:16 missing-rate-limit warning',
      'src/routes/legacy.ts:7 missing-auth warning',
      'src/routes/projects.ts:19 missing-validation error',
      'src/routes/projects.ts:25 missing-auth warning',
      'src/routes/public.ts:17 missing-auth warning',
      'src/routes/public.ts:21 missing-auth error',
      'src/routes/public.ts:21 missing-rate-limit error',
      'src/routes/public.ts:21 missing-validation warning',
      'src/routes/users.ts:13 missing-validation warning',
    ]);
    assert.deepEqual(findingTable(result, root, { suppressed: true }), []);
    assert.deepEqual(result.internalErrors, []);
  });

  it('app.use(jwt) after app.use(router.routes()) never runs first: a late step, named in the finding', () => {
    const r = route('POST', '/api/v1/reports');
    assert.ok(!r.steps.some((s) => s.package === 'koa-jwt'));
    assert.deepEqual(
      r.lateSteps.map((s) => s.name),
      ['jwt({ secret: config.jwtSecret }).unless({…})', 'loadUser', 'api.allowedMethods()'],
    );
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.location.start.line === 11 && x.location.file.endsWith('legacy.ts'))!;
    assert.equal(f.message, 'POST /api/v1/reports has no authentication: jwt({ secret: config.jwtSecret }).unless({…}) is registered after this route (src/app.ts:30), so it never runs before the handler.');
    assert.ok(f.evidence.some((e) => e.message === 'route reached through this mount' && e.location?.start.line === 28));
    // the registration is anchored from the method name to the path argument
    assert.equal(r.registration.start.column, 14);
    assert.equal(r.registration.end.column, 29);
  });

  it('koa-jwt .unless(): the step stays in the chain, skipped on exempted routes, with the unless call as location', () => {
    const docs = route('GET', '/api/projects/:id/docs');
    const jwt = docs.steps.find((s) => s.package === 'koa-jwt')!;
    assert.equal(jwt.scope, 'app');
    assert.deepEqual(jwt.skipped?.reason, '.unless() exempts paths matching /\\/docs/ (e.g. /api/projects/1/docs)');
    assert.equal(jwt.skipped?.location?.start.line, 30);
    assert.equal(jwt.skipped?.location?.start.column, 43, 'from `unless`');
    assert.equal(docs.auth.evidence[0].message, "jwt({ secret: config.jwtSecret }).unless({…}) (app level) does not apply to this route: .unless() exempts paths matching /\\/docs/ (e.g. /api/projects/1/docs)");
    // the same step applies (not skipped) to its sibling routes
    assert.equal(route('GET', '/api/projects').steps.find((s) => s.package === 'koa-jwt')!.skipped, undefined);
    assert.equal(route('GET', '/api/status').steps.find((s) => s.package === 'koa-jwt')!.skipped?.reason, ".unless() exempts path '/api/status'");
    assert.match(route('GET', '/public/wishlist').steps.find((s) => s.package === 'koa-jwt')!.skipped!.reason, /\/\^\\\/public\//);
  });

  it('does not count loadUser (sets ctx.state.user, never rejects) nor koa-session as auth', () => {
    const r = route('GET', '/public/wishlist');
    const load = r.steps.find((s) => s.name === 'loadUser')!;
    assert.deepEqual(load.classifications, []);
    assert.ok(load.definition?.file.endsWith('middleware/user.ts'));
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/public/wishlist')!;
    assert.equal(f.message, "GET /public/wishlist has no authentication: loadUser (middleware/user.ts:5) reads ctx.cookies.get('sid') but never rejects the request (no 401/403, no next(err), no throw).");
    const session = r.steps.find((s) => s.name === 'session(app)')!;
    assert.deepEqual([session.classifications, session.opaque, session.package], [[], false, 'koa-session']);
  });

  it('helmet, cors, bodyParser and allowedMethods are known and play no security role', () => {
    const r = route('POST', '/public/newsletter');
    for (const name of ['helmet()', 'cors()', 'bodyParser()']) {
      const s = r.steps.find((x) => x.name === name)!;
      assert.deepEqual([s.classifications, s.opaque], [[], false], name);
    }
    assert.deepEqual(r.steps.find((x) => x.name === 'bodyParser()')!.notes, ['koa-bodyparser parses the body; parsing is not validation (no schema)']);
    assert.deepEqual(r.validation.uncovered, ['body']);
    const am = route('GET', '/api/users/:id/profile').lateSteps.find((s) => s.name === 'users.allowedMethods()')!;
    assert.deepEqual([am.classifications, am.opaque, am.package], [[], false, 'koa-router']);
  });

  it('nested routers, prefixes, named routes and koa-mount', () => {
    const profile = route('GET', '/api/users/:id/profile');
    assert.deepEqual(chain(profile), [
      'helmet()[app]:',
      'cors()[app]:',
      'bodyParser()[app]:',
      'session(app)[app]:',
      'jwt({ secret: config.jwtSecret }).unless({…})[app]:auth',
      'loadUser[app]:',
      'ratelimit({…})[router]:rate-limit',
      "passport.authenticate('jwt', {…})[router]:auth",
    ]);
    assert.deepEqual(profile.mounts.map((m) => `${m.file.split('/').pop()}:${m.start.line}`), ['app.ts:34', 'api.ts:22']);
    assert.equal(profile.handlerName, undefined);
    assert.ok(profile.steps.find((s) => s.package === 'koa-passport'));
    const stats = route('GET', '/admin/stats');
    assert.deepEqual(stats.mounts.map((m) => `${m.file.split('/').pop()}:${m.start.line}`), ['app.ts:36', 'index.ts:23']);
    assert.equal(stats.steps.find((s) => s.name === "requireRole('admin')")!.classifications[0].source, 'body');
  });

  it('koa-joi-router validate becomes a route step covering what it lists; continueOnError does not reject', () => {
    const login = route('POST', '/api/auth/login');
    const v = login.steps.find((s) => s.name === 'validate: { body }')!;
    assert.equal(v.scope, 'route');
    assert.equal(v.package, 'koa-joi-router');
    assert.equal(v.location.start.line, 17);
    assert.deepEqual(v.classifications.map((c) => [c.role, c.source, c.covers]), [['validation', 'package', ['body']]]);
    assert.equal(v.classifications[0].reason, "koa-joi-router validates ctx.request.body against the route's Joi schemas (400 before the handler)");
    assert.ok(login.steps.some((s) => s.name === 'loginLimiter' && s.package === 'koa2-ratelimit' && s.scope === 'route'));
    assert.equal(login.handlerArgument, undefined, 'no insertion point inside route({ handler })');
    const reset = route('POST', '/api/auth/password-reset');
    const rv = reset.steps.find((s) => s.package === 'koa-joi-router')!;
    assert.deepEqual(rv.classifications, []);
    assert.deepEqual(rv.notes, ['koa-joi-router validate has continueOnError: true and the handler never checks ctx.invalid, so invalid ctx.request.body still reaches the handler']);
  });

  it('koa2-ratelimit with max: 0 is kept as evidence but turned off', () => {
    const signup = route('POST', '/api/auth/signup');
    const lim = signup.steps.find((s) => s.name === 'signupLimiter')!;
    assert.equal(lim.skipped?.reason, 'max: 0 turns koa2-ratelimit off (it never answers 429)');
    assert.equal(signup.rateLimit.summary, 'the rate limiter is turned off for this route');
    const f = result.findings.find((x) => x.ruleId === 'missing-rate-limit' && x.route?.path === '/api/auth/signup')!;
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.evidence.map((e) => [e.message, e.location?.start.line]), [['signupLimiter (route level) does not apply to this route: max: 0 turns koa2-ratelimit off (it never answers 429)', 36]]);
  });

  it('reads Koa inputs and sinks in Koa words; counts zod parses in handlers', () => {
    const f = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/api/projects/search')!;
    assert.equal(f.message, 'GET /api/projects/search reads ctx.query (q) without validation, and ctx.query.q reaches a SQL query via pool.query (line 21).');
    assert.equal(route('POST', '/api/projects').handlerChecks[0].classifications[0].role, 'validation');
    assert.equal(route('POST', '/admin/flags').validation.status, 'present');
    const patch = route('PATCH', '/api/users/:id');
    assert.deepEqual(patch.inputs.map((i) => `${i.source}.${i.field ?? ''}`), ['body.displayName', 'body.bio', 'body.', 'params.id']);
  });
});

describe('koa constructs (in memory)', () => {
  it('routes: named routes, prefix option and prefix(), router.all, nested use with path, chained calls, CommonJS', () => {
    const r = mem({
      'app.js': `const Koa = require('koa');
const Router = require('koa-router');
const app = new Koa();
const api = new Router({ prefix: '/api' });
const v2 = Router();
v2.prefix('/v2');
v2.get('item', '/items/:id', (ctx) => { ctx.body = ctx.params.id; }).post('/items', (ctx) => { ctx.body = 1; });
v2.all('/any', (ctx) => { ctx.body = 1; });
api.use('/nested', v2.routes());
api.get('/regex', (ctx) => { ctx.body = 1; });
app.use(api.routes()).use(api.allowedMethods());
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'ALL /api/nested/v2/any app.js:8 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/nested/v2/items/:id app.js:7 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/regex app.js:10 auth=missing validation=not-needed rateLimit=missing',
      'POST /api/nested/v2/items app.js:7 auth=missing validation=not-needed rateLimit=missing',
    ]);
    // a named route is anchored on its path argument
    const item = find(r, 'GET', '/api/nested/v2/items/:id');
    assert.equal(r.model.routes[0].registration.file, '/mem/app.js');
    assert.equal(item.registration.start.column, 4);
    assert.equal(item.registration.end.column, 28);
  });

  it('order: middleware registered after router.routes() is a late step, before it applies', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
import jwt from 'koa-jwt';
const app = new Koa();
const open = new Router();
open.get('/early', (ctx) => { ctx.body = 1; });
const closed = new Router();
closed.get('/late', (ctx) => { ctx.body = 1; });
app.use(open.routes());
app.use(jwt({ secret: 's' }));
app.use(closed.routes());
`,
    });
    assert.equal(find(r, 'GET', '/early').auth.status, 'missing');
    assert.deepEqual(find(r, 'GET', '/early').lateSteps.map((s) => s.name), ['jwt({…})']);
    assert.equal(find(r, 'GET', '/late').auth.status, 'present');
    assert.equal(find(r, 'GET', '/late').auth.summary, 'jwt({…}) (app level)');
  });

  it('router.use order inside a router: middleware after a route does not protect it', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
const app = new Koa();
const router = new Router();
const requireUser = async (ctx, next) => { if (!ctx.state.user) ctx.throw(401); await next(); };
router.get('/before', (ctx) => { ctx.body = 1; });
router.use(requireUser);
router.get('/after', (ctx) => { ctx.body = 1; });
app.use(router.routes());
`,
    });
    assert.equal(find(r, 'GET', '/before').auth.status, 'missing');
    assert.deepEqual(find(r, 'GET', '/before').lateSteps.map((s) => s.name), ['requireUser']);
    assert.equal(find(r, 'GET', '/after').auth.status, 'present');
    assert.equal(find(r, 'GET', '/after').steps[0].scope, 'router');
  });

  it('koa-jwt .unless(): strings, regexes, ext and method', () => {
    const r = mem({
      'app.js': `const Koa = require('koa');
const Router = require('@koa/router');
const jwt = require('koa-jwt');
const app = new Koa();
const router = new Router();
router.get('/session/new', (ctx) => { ctx.body = 1; });
router.get('/files/:name', (ctx) => { ctx.body = ctx.params.name; });
router.get('/page.html', (ctx) => { ctx.body = 1; });
router.post('/items', (ctx) => { ctx.body = 1; });
router.get('/items', (ctx) => { ctx.body = 1; });
router.all('/any', (ctx) => { ctx.body = 1; });
router.get('/filesystem', (ctx) => { ctx.body = 1; });
app.use(jwt({ secret: 's' }).unless({ path: ['/session/new', /^\\/files\\//], ext: ['.html'], method: ['GET', 'OPTIONS'] }));
app.use(router.routes());
`,
    });
    const skip = (m: string, p: string) => find(r, m, p).steps[0].skipped?.reason;
    assert.equal(skip('GET', '/session/new'), ".unless() exempts path '/session/new'");
    assert.equal(skip('GET', '/files/:name'), '.unless() exempts paths matching /^\\/files\\// (e.g. /files/1)');
    assert.equal(skip('GET', '/page.html'), ".unless() exempts paths ending in '.html'");
    assert.equal(skip('GET', '/items'), '.unless() exempts GET requests');
    assert.equal(skip('POST', '/items'), undefined);
    assert.equal(skip('ALL', '/any'), undefined, 'a route serving every method is not judged on a method exemption');
    const loc = find(r, 'GET', '/page.html').steps[0].skipped!.location!;
    assert.deepEqual([loc.start.line, loc.start.column, loc.end.line], [13, 30, 13]);
    assert.equal(find(r, 'POST', '/items').auth.status, 'present');
    assert.equal(find(r, 'GET', '/page.html').auth.status, 'missing');
  });

  it('koa-jwt .unless() with options it cannot read does not skip; custom middleware.unless is unwrapped', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
import jwt from 'koa-jwt';
import unless from 'koa-unless';
const app = new Koa();
const requireUser = async (ctx, next) => { if (!ctx.state.user) ctx.throw(401); await next(); };
requireUser.unless = unless;
const router = new Router();
router.get('/a', (ctx) => { ctx.body = 1; });
router.get('/b', (ctx) => { ctx.body = 1; });
app.use(jwt({ secret: 's' }).unless({ path: PUBLIC_PATHS }));
app.use(requireUser.unless({ path: ['/b'] }));
app.use(router.routes());
`,
    });
    assert.deepEqual(chain(find(r, 'GET', '/a')), ["jwt({ secret: 's' }).unless({…})[app]:auth", 'requireUser.unless({…})[app]:auth']);
    assert.deepEqual(chain(find(r, 'GET', '/b')), ["jwt({ secret: 's' }).unless({…})[app]:auth", 'requireUser.unless({…})[app](skipped):auth']);
  });

  it('koa-jwt passthrough: true is a note, not auth; custom ctx.state.user checks are judged by body', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
import jwt from 'koa-jwt';
const app = new Koa();
app.use(jwt({ secret: 's', passthrough: true }));
const requireUser = async (ctx, next) => { ctx.assert(ctx.state.user, 401, 'sign in'); await next(); };
const statusCheck = async (ctx, next) => { if (!ctx.state.user) { ctx.status = 401; return; } await next(); };
const setsOnly = async (ctx, next) => { ctx.state.user = ctx.state.user || { anonymous: true }; await next(); };
const r = new Router();
r.get('/a', requireUser, (ctx) => { ctx.body = 1; });
r.get('/b', statusCheck, (ctx) => { ctx.body = 1; });
r.get('/c', setsOnly, (ctx) => { ctx.body = 1; });
r.get('/d', (ctx) => { if (!ctx.state.user) ctx.throw(401); ctx.body = 1; });
r.get('/e', (ctx) => { ctx.body = ctx.state.user; });
app.use(r.routes());
`,
    });
    assert.deepEqual(
      ['/a', '/b', '/c', '/d', '/e'].map((p) => find(r, 'GET', p).auth.status),
      ['present', 'present', 'missing', 'present', 'missing'],
    );
    const pass = find(r, 'GET', '/e').steps[0];
    assert.deepEqual(pass.classifications, []);
    assert.deepEqual(pass.notes, ['jwt({…}) from koa-jwt has passthrough: true, so anonymous requests pass (it only sets ctx.state.user when a valid token is present)']);
    assert.equal(find(r, 'GET', '/a').auth.evidence[0].message, "requireUser (mem/app.ts:6) reads ctx.state.user and rejects with ctx.assert(…, 401)");
    assert.equal(find(r, 'GET', '/b').auth.evidence[0].message, 'statusCheck (mem/app.ts:7) reads ctx.state.user and rejects with ctx.status = 401');
    assert.deepEqual(find(r, 'GET', '/c').steps[1].notes, ['setsOnly (mem/app.ts:8) reads ctx.state.user but never rejects the request (no 401/403, no next(err), no throw)']);
    assert.deepEqual(find(r, 'GET', '/d').handlerChecks.map((s) => s.classifications[0].role), ['auth']);
    assert.deepEqual(findingLines(r, ['missing-auth']), [
      'app.ts:12:3 missing-auth warning GET /c has no authentication: jwt({…}) from koa-jwt has passthrough: true, so anonymous requests pass (it only sets ctx.state.user when a valid token is present).',
      'app.ts:14:3 missing-auth warning GET /e has no authentication: jwt({…}) from koa-jwt has passthrough: true, so anonymous requests pass (it only sets ctx.state.user when a valid token is present).',
    ]);
  });

  it('koa-passport authenticate is auth; initialize() is not; koa-basic-auth is auth', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
import passport from 'koa-passport';
import basic from 'koa-basic-auth';
const app = new Koa();
app.use(passport.initialize());
const r = new Router();
r.get('/p', passport.authenticate('jwt', { session: false }), (ctx) => { ctx.body = 1; });
r.get('/b', basic({ name: 'a', pass: 'b' }), (ctx) => { ctx.body = 1; });
r.get('/none', (ctx) => { ctx.body = 1; });
app.use(r.routes());
`,
    });
    assert.deepEqual(chain(find(r, 'GET', '/p')), ['passport.initialize()[app]:', "passport.authenticate('jwt', {…})[route]:auth"]);
    assert.equal(find(r, 'GET', '/b').auth.status, 'present');
    assert.equal(find(r, 'GET', '/none').auth.status, 'missing');
  });

  it('koa-joi-router: route() with method arrays and spec arrays, router.get(path, { validate }, handler), continueOnError', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import router from 'koa-joi-router';
const Joi = router.Joi;
const app = new Koa();
const r = router();
r.route([{ method: ['put', 'patch'], path: '/items/:id', validate: { params: { id: Joi.number() }, body: { name: Joi.string() }, type: 'json' }, handler: async (ctx) => { ctx.body = ctx.request.body.name + ctx.params.id; } },
  { method: 'get', path: '/search', validate: { query: { q: Joi.string() } }, handler: [async (ctx, next) => next(), async (ctx) => { ctx.body = ctx.query.q; }] }]);
r.get('/list', { validate: { query: { page: Joi.number() } } }, async (ctx) => { ctx.body = ctx.query.page; });
r.post('/checked', { validate: { type: 'json', body: { a: Joi.string() }, continueOnError: true } }, async (ctx) => { if (ctx.invalid) ctx.throw(400); ctx.body = ctx.request.body.a; });
r.post('/only-query', { validate: { query: { a: Joi.string() } } }, async (ctx) => { ctx.body = ctx.request.body.a; });
r.post('/plain', async (ctx) => { ctx.body = ctx.request.body; });
app.use(r.middleware());
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'GET /list app.ts:8 auth=missing validation=present rateLimit=missing',
      'GET /search app.ts:7 auth=missing validation=present rateLimit=missing',
      'PATCH /items/:id app.ts:6 auth=missing validation=present rateLimit=missing',
      'POST /checked app.ts:9 auth=missing validation=present rateLimit=missing',
      'POST /only-query app.ts:10 auth=missing validation=missing rateLimit=missing',
      'POST /plain app.ts:11 auth=missing validation=missing rateLimit=missing',
      'PUT /items/:id app.ts:6 auth=missing validation=present rateLimit=missing',
    ]);
    const put = find(r, 'PUT', '/items/:id');
    assert.deepEqual(put.steps.map((s) => [s.name, s.classifications[0]?.covers]), [['validate: { params, body }', ['params', 'body']]]);
    assert.equal(find(r, 'GET', '/search').steps.length, 2, 'handler array: middleware then the validation step');
    assert.equal(find(r, 'POST', '/checked').steps[0].classifications[0].confidence, 'medium');
    assert.deepEqual(find(r, 'POST', '/only-query').validation.uncovered, ['body']);
    assert.equal(find(r, 'POST', '/plain').handlerArgument?.start.line, 11, 'a plain route keeps its insertion point');
    assert.equal(find(r, 'GET', '/list').handlerArgument, undefined, 'no insertion around the config argument');
  });

  it('rate limiters: koa-ratelimit, koa-simple-ratelimit, koa2-ratelimit (max: 0 off); koa-mount and koa-compose; body parsers are not validation', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
import mount from 'koa-mount';
import compose from 'koa-compose';
import ratelimit from 'koa-ratelimit';
import simple from 'koa-simple-ratelimit';
import { RateLimit } from 'koa2-ratelimit';
import bodyParser from '@koa/bodyparser';
import { koaBody } from 'koa-body';
const app = new Koa();
const a = new Router();
a.post('/one', (ctx) => { ctx.body = ctx.request.body; });
const b = new Router();
b.post('/two', simple({ db: redis, max: 10 }), (ctx) => { ctx.body = 2; });
b.post('/three', RateLimit.middleware({ max: 0 }), (ctx) => { ctx.body = 3; });
b.post('/four', RateLimit.middleware({ max: 10 }), (ctx) => { ctx.body = 4; });
app.use(compose([bodyParser(), koaBody()]));
app.use(mount('/v2', compose([ratelimit({ driver: 'memory', db: new Map() }), a.routes()])));
app.use(mount('/b', b.routes()));
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'POST /b/four app.ts:16 auth=missing validation=not-needed rateLimit=present',
      'POST /b/three app.ts:15 auth=missing validation=not-needed rateLimit=missing',
      'POST /b/two app.ts:14 auth=missing validation=not-needed rateLimit=present',
      'POST /v2/one app.ts:12 auth=missing validation=missing rateLimit=present',
    ]);
    assert.deepEqual(chain(find(r, 'POST', '/v2/one')), ['bodyParser()[app]:', 'koaBody()[app]:', 'ratelimit({…})[mount]:rate-limit']);
    assert.deepEqual(find(r, 'POST', '/v2/one').steps[1].notes, ['koa-body parses the body; parsing is not validation (no schema)']);
    assert.equal(find(r, 'POST', '/b/three').rateLimit.summary, 'the rate limiter is turned off for this route');
    assert.equal(find(r, 'POST', '/b/two').steps[2].package, 'koa-simple-ratelimit');
    assert.equal(find(r, 'POST', '/b/four').steps[2].package, 'koa2-ratelimit');
  });

  it('a body-judged rate limiter (ctx.status = 429) and in-handler zod validation', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
import { z } from 'zod';
const hits = new Map();
const schema = z.object({ q: z.string().max(50) });
const limit = async (ctx, next) => { const n = await redis.incr(ctx.ip); if (n > 10) { ctx.status = 429; return; } await next(); };
const app = new Koa();
const r = new Router();
r.get('/search', limit, (ctx) => { const { q } = schema.parse(ctx.query); ctx.body = q; });
app.use(r.routes());
`,
    });
    const s = find(r, 'GET', '/search');
    assert.equal(s.rateLimit.status, 'present');
    assert.equal(s.validation.status, 'present');
    assert.deepEqual(s.handlerChecks[0].classifications[0].covers, ['query']);
  });

  it('never throws on odd code: dynamic paths and prefixes, spreads, missing arguments, orphan routers', () => {
    const r = mem({
      'app.ts': `import Koa from 'koa';
import Router from '@koa/router';
const app = new Koa();
const r = new Router({ prefix: PREFIX });
r.get(makePath(), ...handlers);
r.get();
r.post('/x');
r.use();
r.use(...mws);
r.route();
r.route({ method: 'get' });
r.prefix();
const n = new Router();
n.get('/in', (ctx) => { ctx.body = 1; });
r.use(\`/\${base}\`, n.routes());
app.use(r.routes());
app.use();
const orphan = new Router();
orphan.get('/lonely', (ctx) => { ctx.body = 1; });
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'GET /<dynamic>/<dynamic> app.ts:5 auth=missing validation=not-needed rateLimit=missing',
      'GET /<dynamic>/<dynamic>/in app.ts:14 auth=missing validation=not-needed rateLimit=missing',
      'GET /lonely app.ts:19 auth=unknown validation=not-needed rateLimit=missing',
    ]);
  });

  it('a router exported from one file and mounted in another, with a routes-registering function', () => {
    const r = mem({
      'src/app.ts': `import Koa from 'koa';
import jwt from 'koa-jwt';
import router from './routes';
export const app = new Koa();
app.use(jwt({ secret: process.env.S }));
app.use(router.routes());
`,
      'src/routes.ts': `import Router from '@koa/router';
import { register } from './orders';
const router = new Router({ prefix: '/api' });
register(router);
export default router;
`,
      'src/orders.ts': `import type Router from '@koa/router';
export function register(router: Router) {
  router.get('/orders', (ctx) => { ctx.body = []; });
}
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), ['GET /api/orders src/orders.ts:3 auth=present validation=not-needed rateLimit=missing']);
  });
});
