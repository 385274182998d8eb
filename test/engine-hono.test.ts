/**
 * The Hono route model: the fixture app (inventory, every finding, evidence for key routes,
 * look-alikes) and small in-memory cases for each construct the adapter understands.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeDir, analyzeMemory, findingTable, fixture, routeTable } from './helpers';

describe('hono-app fixture (TypeScript, multi-file, sub-apps, OpenAPIHono)', () => {
  const root = fixture('hono-app');
  const result = analyzeDir(root);
  const route = (method: string, path: string) => {
    const r = result.model.routes.find((x) => x.method === method && x.path === path);
    assert.ok(r, `route ${method} ${path} not found`);
    return r;
  };

  it('finds the whole route inventory with full paths and statuses', () => {
    assert.deepEqual(routeTable(result, root), [
      'DELETE /account/team/:id src/routes/account.ts:29 auth=present validation=not-needed rateLimit=missing',
      'DELETE /api/notes/:id src/routes/notes.ts:36 auth=present validation=not-needed rateLimit=present',
      'GET /account/plans src/routes/account.ts:22 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /account/profile src/routes/account.ts:9 auth=present validation=not-needed rateLimit=missing',
      'GET /account/sessions src/routes/account.ts:16 auth=missing validation=not-needed rateLimit=missing',
      'GET /admin src/routes/admin.ts:8 auth=present validation=not-needed rateLimit=missing',
      'GET /admin/users src/routes/admin.ts:10 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/billing/invoices src/routes/billing.ts:12 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/changelog src/app.ts:34 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /api/notes src/routes/notes.ts:12 auth=present validation=not-needed rateLimit=missing',
      'GET /api/notes/:id src/routes/notes.ts:29 auth=present validation=not-needed rateLimit=missing',
      'GET /api/notes/search src/routes/notes.ts:17 auth=present validation=present rateLimit=missing',
      'GET /api/v2/users/:id src/openapi.ts:21 auth=present validation=present rateLimit=missing',
      'GET /health src/app.ts:23 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /openapi.json src/openapi.ts:31 auth=public(inferred) validation=not-needed rateLimit=missing',
      'POST /account/feedback src/routes/account.ts:24 auth=present validation=missing rateLimit=missing',
      'POST /admin/flags/:name src/routes/admin.ts:14 auth=present validation=present rateLimit=missing',
      'POST /api/billing/checkout src/routes/billing.ts:14 auth=missing validation=present rateLimit=present',
      'POST /api/billing/coupons src/routes/billing.ts:28 auth=missing validation=missing rateLimit=missing',
      'POST /api/notes src/routes/notes.ts:23 auth=present validation=missing rateLimit=present',
      'POST /api/v2/users src/openapi.ts:26 auth=present validation=present rateLimit=present',
      'POST /auth/login src/routes/auth.ts:10 auth=public(inferred) validation=present rateLimit=present',
      'POST /auth/password-reset src/routes/auth.ts:20 auth=public(inferred) validation=missing rateLimit=missing',
      'POST /auth/signup src/routes/auth.ts:15 auth=public(inferred) validation=present rateLimit=missing',
      'PURGE /api/notes/cache src/routes/notes.ts:41 auth=present validation=not-needed rateLimit=missing',
      'PUT /api/notes/:id src/routes/notes.ts:32 auth=present validation=present rateLimit=present',
    ]);
    assert.ok(result.model.routes.every((r) => r.framework === 'hono'));
  });

  it('reports exactly the expected findings', () => {
    assert.deepEqual(findingTable(result, root), [
      'src/routes/account.ts:16 missing-auth warning',
      'src/routes/account.ts:24 missing-rate-limit error',
      'src/routes/account.ts:24 missing-validation warning',
      'src/routes/account.ts:29 missing-rate-limit warning',
      'src/routes/admin.ts:10 missing-auth warning',
      'src/routes/admin.ts:14 missing-rate-limit warning',
      'src/routes/auth.ts:15 missing-rate-limit error',
      'src/routes/auth.ts:20 missing-rate-limit error',
      'src/routes/auth.ts:20 missing-validation warning',
      'src/routes/billing.ts:12 missing-auth warning',
      'src/routes/billing.ts:14 missing-auth error',
      'src/routes/billing.ts:28 missing-auth error',
      'src/routes/billing.ts:28 missing-rate-limit warning',
      'src/routes/billing.ts:28 missing-validation warning',
      'src/routes/notes.ts:17 missing-rate-limit error',
      'src/routes/notes.ts:23 missing-validation error',
    ]);
    assert.deepEqual(findingTable(result, root, { suppressed: true }), []);
    assert.deepEqual(result.internalErrors, []);
  });

  it('has one app, served through @hono/node-server, with auth and a limiter', () => {
    assert.equal(result.model.apps.length, 1);
    const app = result.model.apps[0];
    assert.equal(app.framework, 'hono');
    assert.ok(app.location.file.endsWith('src/app.ts'));
    assert.equal(app.location.start.line, 17);
    assert.equal(app.hasAuth, true);
    assert.equal(app.hasRateLimiter, true);
  });

  it('says when jwt() is registered after the sub-app mount, and where', () => {
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/api/billing/checkout')!;
    assert.equal(f.message, 'POST /api/billing/checkout has no authentication: jwt({…}) is registered after this route (src/app.ts:30), so it never runs before the handler.');
    assert.ok(f.evidence.some((e) => e.message === 'route reached through this mount' && e.location?.start.line === 28));
    assert.deepEqual(route('GET', '/api/billing/invoices').lateSteps.map((s) => s.name), ['jwt({…})', 'auditTrail']);
    // apiLimiter (app.on POST…/api/*) is late for POST routes only
    assert.deepEqual(route('POST', '/api/billing/coupons').lateSteps.map((s) => s.name), ['jwt({…})', 'apiLimiter', 'auditTrail']);
  });

  it("keeps app.use('/admin', basicAuth) as a skipped step on /admin/users: Hono matches it exactly", () => {
    const users = route('GET', '/admin/users');
    const basic = users.steps.find((s) => s.name === 'basicAuth({…})')!;
    assert.equal(basic.package, 'hono');
    assert.equal(basic.skipped?.reason, "app.use('/admin', …) matches /admin exactly: a Hono middleware path without a wildcard does not cover /admin/users (use '/admin/*')");
    assert.equal(basic.skipped?.location?.start.line, 38);
    assert.equal(users.auth.status, 'missing');
    assert.ok(users.auth.evidence.some((e) => e.message.startsWith('basicAuth({…}) (app level) does not apply to this route: ')));
    // the sub-app's own root (/admin) is covered
    const home = route('GET', '/admin');
    assert.equal(home.steps.find((s) => s.name === 'basicAuth({…})')!.skipped, undefined);
    assert.equal(home.auth.summary, 'basicAuth({…}) (app level)');
    // a sub-app's own /flags/* middleware applies under the mount prefix
    const flags = route('POST', '/admin/flags/:name');
    assert.deepEqual(flags.steps.filter((s) => s.classifications.some((c) => c.role === 'auth') && !s.skipped).map((s) => [s.name, s.scope, s.pathScope]), [['bearerAuth({…})', 'router', '/admin/flags']]);
  });

  it('restricts middleware registered with app.on(methods) to those methods', () => {
    const search = route('GET', '/api/notes/search');
    const lim = search.steps.find((s) => s.name === 'apiLimiter')!;
    assert.equal(lim.skipped?.reason, "app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/api/*', …) runs for POST, PUT, PATCH, DELETE requests only");
    assert.equal(search.rateLimit.status, 'missing');
    assert.equal(search.rateLimit.summary, 'the rate limiter is turned off for this route');
    const f = result.findings.find((x) => x.ruleId === 'missing-rate-limit' && x.route?.path === '/api/notes/search')!;
    assert.equal(f.severity, 'error');
    assert.equal(route('POST', '/api/notes').rateLimit.summary, 'apiLimiter (app level)');
    assert.equal(route('POST', '/api/notes').steps.find((s) => s.name === 'apiLimiter')!.package, 'hono-rate-limiter');
  });

  it("declares a path public when except() exempts it from the auth middleware", () => {
    const r = route('GET', '/api/changelog');
    assert.equal(r.public?.kind, 'declared');
    assert.equal(r.public?.reason, "exempted from jwt({…}): except('/api/changelog', …) from hono/combine skips it for /api/changelog");
    assert.equal(r.public?.evidence[0].location?.start.line, 30);
    // and the same jwt() protects the rest of /api
    assert.equal(route('GET', '/api/notes').auth.summary, 'jwt({…}) (app level)');
    assert.equal(route('GET', '/api/notes').steps.find((s) => s.name === 'jwt({…})')!.classifications[0].reason, 'jwt({…}) from hono/jwt verifies a JWT and rejects requests without a valid one (401)');
  });

  it('does not count look-alikes: an audit logger reading Authorization, clerkMiddleware(), secureHeaders(), cors()', () => {
    const notes = route('GET', '/api/notes');
    const audit = notes.steps.find((s) => s.name === 'auditTrail')!;
    assert.deepEqual(audit.classifications, []);
    assert.match(audit.notes![0], /^auditTrail \(middleware\/audit\.ts:4\) reads c\.req\.header\('Authorization'\) but never rejects/);
    for (const name of ['secureHeaders()', 'cors()', 'logger()']) {
      const s = notes.steps.find((x) => x.name === name)!;
      assert.deepEqual(s.classifications, [], name);
      assert.equal(s.opaque, false, name);
    }
    const sessions = route('GET', '/account/sessions');
    assert.equal(sessions.auth.status, 'missing');
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/account/sessions')!;
    assert.equal(f.message, 'GET /account/sessions has no authentication: clerkMiddleware() from @hono/clerk-auth attaches Clerk auth state but does not reject anonymous requests (check getAuth(c) before serving).');
    // getAuth(c) checked in the handler with a 401 is auth
    const profile = route('GET', '/account/profile');
    assert.equal(profile.auth.status, 'present');
    assert.equal(profile.handlerChecks[0].classifications[0].role, 'auth');
  });

  it('judges createMiddleware() bodies: header + HTTPException(401), role check + 403, a Workers rate-limit binding + 429', () => {
    const team = route('DELETE', '/account/team/:id');
    const ru = team.steps.find((s) => s.name === 'requireUser')!;
    assert.equal(ru.scope, 'route');
    assert.equal(ru.classifications[0].source, 'body');
    assert.equal(ru.classifications[0].confidence, 'high');
    assert.ok(ru.definition?.file.endsWith('middleware/require-user.ts'));
    assert.equal(ru.definition?.start.line, 5);
    const role = team.steps.find((s) => s.name === "requireRole('owner')")!;
    assert.equal(role.classifications[0].role, 'auth');
    const checkout = route('POST', '/api/billing/checkout');
    const wl = checkout.steps.find((s) => s.name === 'workersLimit')!;
    assert.equal(wl.classifications[0].role, 'rate-limit');
    assert.equal(wl.classifications[0].confidence, 'high');
    assert.equal(wl.pathScope, '/api/billing/checkout');
    // billing.use('/checkout', …) is exact: not attached to /coupons at all
    assert.ok(!route('POST', '/api/billing/coupons').steps.some((s) => s.name === 'workersLimit'));
  });

  it('maps validator targets to request parts: a query validator does not cover the body', () => {
    const post = route('POST', '/api/notes');
    assert.deepEqual(post.validation.uncovered, ['body']);
    const zv = post.steps.find((s) => s.name.startsWith('zValidator('))!;
    assert.deepEqual(zv.classifications[0].covers, ['query']);
    const f = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/api/notes')!;
    assert.match(f.message, /reaches a SQL query via db\.query/);
    // c.req.valid() is validated input, not a raw read
    assert.deepEqual(route('POST', '/auth/signup').inputs, []);
    assert.deepEqual(route('PUT', '/api/notes/:id').steps.find((s) => s.package === '@hono/valibot-validator')!.classifications[0].covers, ['body']);
  });

  it('judges hono/validator callbacks: a 400 counts, a pass-through does not', () => {
    const ok = route('POST', '/api/billing/checkout').steps.find((s) => s.name === "validator('json', …)")!;
    assert.deepEqual(ok.classifications.map((c) => [c.role, c.covers]), [['validation', ['body']]]);
    assert.match(ok.classifications[0].reason, /its callback rejects with c\.json\(…, 400\)/);
    const bad = route('POST', '/api/billing/coupons').steps.find((s) => s.name === "validator('form', …)")!;
    assert.deepEqual(bad.classifications, []);
    assert.match(bad.notes![0], /its callback never rejects/);
  });

  it('reads OpenAPIHono routes: {id} params, request schemas as validation, app.doc() as docs', () => {
    const get = route('GET', '/api/v2/users/:id');
    const v = get.steps.find((s) => s.package === '@hono/zod-openapi')!;
    assert.deepEqual(v.classifications[0].covers, ['params']);
    assert.equal(v.location.start.line, 8);
    assert.deepEqual(route('POST', '/api/v2/users').steps.find((s) => s.package === '@hono/zod-openapi')!.classifications[0].covers, ['body']);
    assert.equal(route('POST', '/api/v2/users').handlerName, undefined);
    assert.equal(route('GET', '/openapi.json').public?.reason, 'API documentation: the OpenAPI document served by doc()');
  });

  it('normalises regex params, reuses the last path for path-less chained calls, and reads custom methods', () => {
    const byId = route('GET', '/api/notes/:id');
    assert.equal(byId.registration.start.line, 29);
    const del = route('DELETE', '/api/notes/:id');
    assert.equal(del.registration.start.line, 36);
    assert.equal(del.registration.start.column, 4);
    assert.ok(route('PURGE', '/api/notes/cache'));
    // the whole login chain: limiter and validator at route level
    assert.deepEqual(route('POST', '/auth/login').steps.filter((s) => s.scope === 'route').map((s) => s.name), ['loginLimiter', "zValidator('json', credentials)"]);
  });
});

describe('hono constructs (in memory)', () => {
  const pkg = { 'package.json': '{"dependencies":{"hono":"^4"}}' };
  const run = (files: Record<string, string>) => analyzeMemory({ ...pkg, ...files });
  const table = (r: ReturnType<typeof run>) => routeTable(r, '/mem');

  it('app.on with a custom method, method lists and path lists', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
const app = new Hono()
app.on('PURGE', '/cache', (c) => c.text('ok'))
app.on(['PUT', 'DELETE'], '/post', (c) => c.text('ok'))
app.on('get', ['/hello', '/ja/hello'], (c) => c.text('hi'))
export default app
`,
    });
    assert.deepEqual(table(r), [
      'DELETE /post app.ts:4 auth=missing validation=not-needed rateLimit=missing',
      'GET /hello app.ts:5 auth=missing validation=not-needed rateLimit=missing',
      'GET /ja/hello app.ts:5 auth=missing validation=not-needed rateLimit=missing',
      'PURGE /cache app.ts:3 auth=missing validation=not-needed rateLimit=missing',
      'PUT /post app.ts:4 auth=missing validation=not-needed rateLimit=missing',
    ]);
    const purge = r.model.routes.find((x) => x.method === 'PURGE')!;
    assert.equal(purge.registration.start.column, 5);
    assert.equal(purge.registration.end.column, 25);
  });

  it('basePath: new Hono().basePath(p), basePath after routes, nested route() prefixes', () => {
    const r = run({
      'index.ts': `import { Hono } from 'hono'
import v1 from './v1'
const app = new Hono().basePath('/api')
app.get('/ping', (c) => c.text('pong'))
app.route('/v1', v1)
const admin = app.basePath('/admin')
admin.get('/stats', (c) => c.json({}))
export default app
`,
      'v1.ts': `import { Hono } from 'hono'
const v1 = new Hono()
v1.get('/books/:id{[0-9]+}', (c) => c.json({ id: c.req.param('id') }))
v1.all('/any', (c) => c.text('x'))
export default v1
`,
    });
    assert.deepEqual(table(r), [
      'ALL /api/v1/any v1.ts:4 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/admin/stats index.ts:7 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/ping index.ts:4 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /api/v1/books/:id v1.ts:3 auth=missing validation=not-needed rateLimit=missing',
    ]);
    assert.equal(r.model.apps.length, 1);
  });

  it('chained registrations: path-less calls reuse the last path (also after use)', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
const app = new Hono()
  .get('/x', (c) => c.text('x'))
  .post((c) => c.text('y'))
app.use('/y/*', async (c, next) => { await next() }).get((c) => c.text('z'))
export default app
`,
    });
    assert.deepEqual(table(r), [
      'GET /x app.ts:3 auth=missing validation=not-needed rateLimit=missing',
      'GET /y/* app.ts:5 auth=missing validation=not-needed rateLimit=missing',
      'POST /x app.ts:4 auth=missing validation=not-needed rateLimit=missing',
    ]);
  });

  it("use paths: '/api/*' covers /api and below, '*' everything, '/api' only itself", () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { basicAuth } from 'hono/basic-auth'
const app = new Hono()
app.use('/api/*', bearerAuth({ token: 't' }))
app.use('/ops', basicAuth({ username: 'u', password: 'p' }))
app.get('/api', (c) => c.text('root'))
app.get('/api/a/b', (c) => c.text('deep'))
app.get('/apix', (c) => c.text('no'))
app.get('/ops', (c) => c.text('ops'))
app.get('/ops/logs', (c) => c.text('logs'))
export default app
`,
    });
    assert.deepEqual(table(r), [
      'GET /api app.ts:7 auth=present validation=not-needed rateLimit=missing',
      'GET /api/a/b app.ts:8 auth=present validation=not-needed rateLimit=missing',
      'GET /apix app.ts:9 auth=missing validation=not-needed rateLimit=missing',
      'GET /ops app.ts:10 auth=present validation=not-needed rateLimit=missing',
      'GET /ops/logs app.ts:11 auth=missing validation=not-needed rateLimit=missing',
    ]);
    const apix = r.model.routes.find((x) => x.path === '/apix')!;
    assert.ok(!apix.steps.some((s) => s.name.startsWith('bearerAuth')), 'not attached at all');
    const logs = r.model.routes.find((x) => x.path === '/ops/logs')!;
    assert.match(logs.steps[0].skipped!.reason, /^app\.use\('\/ops', …\) matches \/ops exactly/);
  });

  it('a method registration whose handler calls next() is middleware for that method (bearer-auth docs pattern)', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
const app = new Hono()
const privilegedMethods = ['POST', 'PUT', 'PATCH', 'DELETE']
app.get('/api/page/*', async (c, next) => { await next() })
app.on(privilegedMethods, '/api/page/*', bearerAuth({ token: 't' }))
app.get('/api/page/:id', (c) => c.json({}))
app.post('/api/page/:id', (c) => c.json({}))
export default app
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/page/:id app.ts:7 auth=missing validation=not-needed rateLimit=missing',
      'POST /api/page/:id app.ts:8 auth=present validation=not-needed rateLimit=missing',
    ]);
    const get = r.model.routes.find((x) => x.method === 'GET')!;
    assert.equal(get.steps.length, 2);
    assert.equal(get.steps[1].skipped?.reason, "app.on(privilegedMethods, '/api/page/*', …) runs for POST, PUT, PATCH, DELETE requests only");
  });

  it('custom middleware: c.req.header + c.json(401) / HTTPException / c.text(401) is auth; never rejecting is not', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
const app = new Hono()
const a = async (c, next) => { if (c.req.header('Authorization') !== 'x') return c.json({ e: 1 }, 401); await next() }
const b = async (c, next) => { if (!c.req.header('X-Api-Key')) throw new HTTPException(401, { message: 'no' }); await next() }
const d = async (c, next) => { if (!c.req.header('authorization')) return c.text('Unauthorized', 401); await next() }
const look = async (c, next) => { console.log(c.req.header('Authorization')); await next() }
app.get('/a', a, (c) => c.text('a'))
app.get('/b', b, (c) => c.text('b'))
app.get('/d', d, (c) => c.text('d'))
app.get('/look', look, (c) => c.text('l'))
export default app
`,
    });
    assert.deepEqual(table(r), [
      'GET /a app.ts:8 auth=present validation=not-needed rateLimit=missing',
      'GET /b app.ts:9 auth=present validation=not-needed rateLimit=missing',
      'GET /d app.ts:10 auth=present validation=not-needed rateLimit=missing',
      'GET /look app.ts:11 auth=missing validation=not-needed rateLimit=missing',
    ]);
    const b = r.model.routes.find((x) => x.path === '/b')!;
    assert.match(b.auth.evidence[0].message, /^b \(mem\/app\.ts:5\) reads c\.req\.header\('X-Api-Key'\) and rejects with /);
  });

  it('catalogue: hono/jwt, hono/jwk, bearer-auth, basic-auth are auth; cors, secure-headers, csrf are not', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
import { jwt } from 'hono/jwt'
import { jwk } from 'hono/jwk'
import { csrf } from 'hono/csrf'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import { clerkMiddleware } from '@hono/clerk-auth'
import { verifyAuth } from '@hono/auth-js'
const app = new Hono()
app.get('/j', jwt({ secret: 's' }), (c) => c.text('j'))
app.get('/k', jwk({ jwks_uri: 'https://x/.well-known/jwks.json' }), (c) => c.text('k'))
app.get('/v', verifyAuth(), (c) => c.text('v'))
app.post('/c', csrf(), cors(), secureHeaders(), clerkMiddleware(), (c) => c.text('c'))
export default app
`,
    });
    assert.deepEqual(table(r), [
      'GET /j app.ts:10 auth=present validation=not-needed rateLimit=missing',
      'GET /k app.ts:11 auth=present validation=not-needed rateLimit=missing',
      'GET /v app.ts:12 auth=present validation=not-needed rateLimit=missing',
      'POST /c app.ts:13 auth=missing validation=not-needed rateLimit=missing',
    ]);
    const c = r.model.routes.find((x) => x.path === '/c')!;
    assert.deepEqual(c.steps.map((s) => [s.name, s.classifications.length, s.opaque]), [
      ['csrf()', 0, false],
      ['cors()', 0, false],
      ['secureHeaders()', 0, false],
      ['clerkMiddleware()', 0, false],
    ]);
    assert.match(c.steps[0].notes![0], /\(CSRF protection\), not authentication/);
  });

  it('validators: zod/valibot/typia/standard/arktype targets, and a query validator leaves the body uncovered', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
import { zValidator } from '@hono/zod-validator'
import { sValidator } from '@hono/standard-validator'
import { typiaValidator } from '@hono/typia-validator'
import { arktypeValidator } from '@hono/arktype-validator'
const app = new Hono()
app.post('/a', zValidator('json', s), async (c) => c.json(c.req.valid('json')))
app.post('/b', zValidator('query', s), async (c) => c.json(await c.req.json()))
app.get('/c', sValidator('query', s), (c) => c.json({ q: c.req.query('q') }))
app.post('/d', typiaValidator('form', v), async (c) => c.json(await c.req.parseBody()))
app.get('/e', arktypeValidator('header', t), (c) => c.json({ q: c.req.query('q') }))
app.post('/f', async (c) => c.json(c.req.valid('json')))
export default app
`,
    });
    assert.deepEqual(table(r), [
      'GET /c app.ts:9 auth=missing validation=present rateLimit=missing',
      'GET /e app.ts:11 auth=missing validation=missing rateLimit=missing',
      'POST /a app.ts:7 auth=missing validation=present rateLimit=missing',
      'POST /b app.ts:8 auth=missing validation=missing rateLimit=missing',
      'POST /d app.ts:10 auth=missing validation=present rateLimit=missing',
      'POST /f app.ts:12 auth=missing validation=not-needed rateLimit=missing',
    ]);
    const e = r.model.routes.find((x) => x.path === '/e')!;
    assert.deepEqual(e.steps[0].classifications[0].covers, ['headers']);
    assert.deepEqual(e.validation.uncovered, ['query']);
  });

  it('rate limits: hono-rate-limiter, @hono-rate-limiter/cloudflare, a Workers binding judged by its body', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
import { rateLimiter } from 'hono-rate-limiter'
import { cloudflareRateLimiter } from '@hono-rate-limiter/cloudflare'
const app = new Hono()
const binding = async (c, next) => {
  const { success } = await c.env.MY_RATE_LIMITER.limit({ key: c.req.header('cf-connecting-ip') })
  if (!success) return c.text('slow down', 429)
  await next()
}
app.post('/a', rateLimiter({ windowMs: 1000, limit: 1, keyGenerator: () => 'k' }), (c) => c.text('a'))
app.post('/b', cloudflareRateLimiter({ rateLimitBinding: (c) => c.env.RL, keyGenerator: () => 'k' }), (c) => c.text('b'))
app.post('/c', binding, (c) => c.text('c'))
app.post('/d', (c) => c.text('d'))
export default app
`,
    });
    assert.deepEqual(
      r.model.routes.map((x) => `${x.path} ${x.rateLimit.status} ${x.rateLimit.summary}`).sort(),
      [
        '/a present rateLimiter({…}) (route level)',
        "/b present cloudflareRateLimiter({…}) (route level)",
        '/c present binding (route level)',
        '/d missing no rate limiter in the chain',
      ],
    );
  });

  it('sub-apps whose mount is not seen are orphans when another app is served', () => {
    const r = run({
      'index.ts': `import { Hono } from 'hono'
import { serve } from '@hono/node-server'
const app = new Hono()
app.get('/', (c) => c.text('home'))
serve({ fetch: app.fetch })
`,
      'lonely.ts': `import { Hono } from 'hono'
export const lonely = new Hono()
lonely.post('/things', async (c) => c.json(await c.req.json()))
`,
    });
    assert.deepEqual(table(r), [
      'GET / index.ts:4 auth=missing validation=not-needed rateLimit=missing',
      'POST /things lonely.ts:3 auth=unknown validation=missing rateLimit=missing',
    ]);
    assert.equal(r.model.apps.length, 1);
    assert.match(r.model.routes.find((x) => x.path === '/things')!.auth.summary, /not mounted/);
  });

  it('handle(app) from an adapter marks the served app; createMiddleware factories and every() are opened', () => {
    const r = run({
      'api.ts': `import { Hono } from 'hono'
import { handle } from 'hono/vercel'
import { every } from 'hono/combine'
import { createFactory } from 'hono/factory'
import { bearerAuth } from 'hono/bearer-auth'
import { rateLimiter } from 'hono-rate-limiter'
const factory = createFactory()
const mw = factory.createMiddleware(async (c, next) => { if (!c.get('user')) return c.json({}, 401); await next() })
const app = new Hono().basePath('/api')
app.use('/secure/*', every(bearerAuth({ token: 't' }), rateLimiter({ keyGenerator: () => 'k' })))
app.get('/secure/x', (c) => c.text('x'))
app.get('/me', mw, (c) => c.text('me'))
export const GET = handle(app)
`,
      'other.ts': `import { Hono } from 'hono'
export const other = new Hono()
other.get('/o', (c) => c.text('o'))
`,
    });
    assert.deepEqual(table(r), [
      'GET /api/me api.ts:12 auth=present validation=not-needed rateLimit=missing',
      'GET /api/secure/x api.ts:11 auth=present validation=not-needed rateLimit=present',
      'GET /o other.ts:3 auth=unknown validation=not-needed rateLimit=missing',
    ]);
    const me = r.model.routes.find((x) => x.path === '/api/me')!;
    assert.equal(me.steps[0].name, 'mw');
    assert.ok(me.steps[0].definition?.file.endsWith('api.ts'));
  });

  it('OpenAPIHono: createRoute middleware option and request parts', () => {
    const r = run({
      'app.ts': `import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { bearerAuth } from 'hono/bearer-auth'
const app = new OpenAPIHono()
const route = createRoute({
  method: 'patch',
  path: '/items/{itemId}',
  middleware: [bearerAuth({ token: 't' })] as const,
  request: { params: z.object({ itemId: z.string() }), query: z.object({ dry: z.string() }) },
  responses: {},
})
app.openapi(route, async (c) => c.json(await c.req.json()))
export default app
`,
    });
    assert.deepEqual(table(r), ['PATCH /items/:itemId app.ts:11 auth=present validation=missing rateLimit=missing']);
    const rt = r.model.routes[0];
    assert.deepEqual(rt.steps.map((s) => [s.name, s.scope]), [['bearerAuth({…})', 'route'], ['createRoute request schemas', 'route']]);
    assert.deepEqual(rt.steps[1].classifications[0].covers, ['params', 'query']);
    assert.deepEqual(rt.validation.uncovered, ['body']);
  });

  it('never throws on odd code: dynamic paths, spreads, missing arguments, unknown sub-apps', () => {
    const r = run({
      'app.ts': `import { Hono } from 'hono'
import { something } from './nowhere'
const app = new Hono()
const p = process.env.P
const mws = [async (c, next) => { await next() }]
app.get(\`/\${p}/x\`, ...mws, (c) => c.text('x'))
app.get(p + '/y', (c) => c.text('y'))
app.route('/sub', something)
app.route()
app.use()
app.on()
app.get()
app.basePath()
app.openapi()
app.mount('/legacy', something.fetch)
export default app
`,
    });
    assert.deepEqual(r.internalErrors, []);
    assert.deepEqual(table(r), [
      'GET /<dynamic> app.ts:6 auth=missing validation=not-needed rateLimit=missing',
      'GET /<dynamic> app.ts:7 auth=missing validation=not-needed rateLimit=missing',
    ]);
  });
});
