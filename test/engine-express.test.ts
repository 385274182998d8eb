/**
 * The Express route model and the three core rules on the fixture apps: the whole inventory and
 * every finding, plus look-alikes that must not count.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeDir, findingTable, fixture, routeTable } from './helpers';

describe('express-basic fixture (TypeScript, ESM, multi-file)', () => {
  const root = fixture('express-basic');
  const result = analyzeDir(root);
  const route = (method: string, path: string) => {
    const r = result.model.routes.find((x) => x.method === method && x.path === path);
    assert.ok(r, `route ${method} ${path} not found`);
    return r;
  };

  it('finds the whole route inventory with full mount paths and statuses', () => {
    assert.deepEqual(routeTable(result, root), [
      'DELETE /api/users/:id src/routes/users.ts:36 auth=present validation=not-needed rateLimit=present',
      'GET /admin/stats src/routes/admin.ts:12 auth=present validation=not-needed rateLimit=missing',
      'GET /api/docs src/app.ts:28 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /api/orders src/routes/orders.ts:8 auth=present validation=not-needed rateLimit=missing',
      'GET /api/orders/export src/routes/orders.ts:39 auth=present validation=missing rateLimit=missing',
      'GET /api/orders/search src/routes/orders.ts:30 auth=present validation=missing rateLimit=missing',
      'GET /api/reports src/routes/reports.ts:6 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/things/:id src/app.ts:35 auth=present validation=not-needed rateLimit=missing',
      'GET /api/users src/routes/users.ts:10 auth=present validation=not-needed rateLimit=present',
      'GET /api/users/:id src/routes/users.ts:17 auth=present validation=not-needed rateLimit=present',
      'GET /healthz src/app.ts:24 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /invoices/:id/pdf src/routes/misc.ts:45 auth=missing validation=missing rateLimit=missing',
      'GET /pricing src/routes/misc.ts:34 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /profile src/routes/misc.ts:14 auth=missing validation=not-needed rateLimit=missing',
      'GET /settings src/routes/misc.ts:19 auth=missing validation=not-needed rateLimit=missing',
      'PATCH /api/users/:id src/routes/users.ts:26 auth=present validation=present rateLimit=present',
      'POST /admin/flags src/routes/admin.ts:19 auth=present validation=present rateLimit=missing',
      'POST /api/auth/login src/routes/auth.ts:20 auth=public(inferred) validation=present rateLimit=present',
      'POST /api/auth/password-reset src/routes/auth.ts:43 auth=public(inferred) validation=missing rateLimit=missing',
      'POST /api/auth/signup src/routes/auth.ts:33 auth=public(inferred) validation=present rateLimit=missing',
      'POST /api/orders src/routes/orders.ts:16 auth=present validation=missing rateLimit=missing',
      'POST /api/reports src/routes/reports.ts:13 auth=missing validation=missing rateLimit=missing',
      'POST /feedback src/routes/misc.ts:24 auth=missing validation=missing rateLimit=missing',
      'POST /webhooks/github src/routes/misc.ts:63 auth=missing validation=missing rateLimit=missing',
      'POST /webhooks/stripe src/routes/misc.ts:49 auth=public(inferred) validation=present rateLimit=missing',
      'PUT /api/things/:id src/app.ts:35 auth=missing validation=missing rateLimit=missing',
    ]);
  });

  it('reports exactly the expected findings', () => {
    assert.deepEqual(findingTable(result, root), [
      'src/app.ts:35 missing-auth error',
      'src/app.ts:35 missing-rate-limit warning',
      'src/app.ts:35 missing-validation warning',
      'src/routes/admin.ts:19 missing-rate-limit warning',
      'src/routes/auth.ts:33 missing-rate-limit error',
      'src/routes/auth.ts:43 missing-rate-limit error',
      'src/routes/auth.ts:43 missing-validation warning',
      'src/routes/misc.ts:14 missing-auth warning',
      'src/routes/misc.ts:19 missing-auth warning',
      'src/routes/misc.ts:24 missing-auth error',
      'src/routes/misc.ts:24 missing-rate-limit error',
      'src/routes/misc.ts:24 missing-validation warning',
      'src/routes/misc.ts:44 suppression-without-reason warning',
      'src/routes/misc.ts:45 missing-validation error',
      'src/routes/misc.ts:63 missing-auth error',
      'src/routes/misc.ts:63 missing-rate-limit warning',
      'src/routes/misc.ts:63 missing-validation warning',
      'src/routes/orders.ts:16 missing-rate-limit warning',
      'src/routes/orders.ts:16 missing-validation error',
      'src/routes/orders.ts:30 missing-rate-limit error',
      'src/routes/orders.ts:30 missing-validation warning',
      'src/routes/orders.ts:39 missing-rate-limit error',
      'src/routes/orders.ts:39 missing-validation error',
      'src/routes/reports.ts:13 missing-auth error',
      'src/routes/reports.ts:13 missing-rate-limit warning',
      'src/routes/reports.ts:13 missing-validation warning',
      'src/routes/reports.ts:6 missing-auth warning',
    ]);
    assert.deepEqual(findingTable(result, root, { suppressed: true }), ['src/routes/misc.ts:45 missing-auth warning']);
    assert.deepEqual(result.internalErrors, []);
  });

  it('says when auth middleware is registered after the route, and where', () => {
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/api/reports' && x.route.method === 'POST')!;
    assert.match(f.message, /requireAuth is registered after this route \(src\/app\.ts:39\)/);
    assert.ok(f.evidence.some((e) => e.location?.file.endsWith('app.ts') && e.location.start.line === 39));
    // the mount through which the route is reached is evidence too
    assert.ok(f.evidence.some((e) => e.message.includes('mount') && e.location?.start.line === 37));
  });

  it('does not count a middleware named `auth` that only logs', () => {
    const r = route('GET', '/profile');
    assert.ok(r.steps.some((s) => s.name === 'auth'), 'the look-alike is in the chain');
    assert.equal(r.auth.status, 'missing');
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/profile')!;
    assert.match(f.message, /auth \(middleware\/logging\.ts:\d+\) reads req\.headers\.authorization but never rejects/);
  });

  it('does not count helmet() as authentication', () => {
    const r = route('GET', '/settings');
    const helmet = r.steps.filter((s) => s.name === 'helmet()');
    assert.ok(helmet.length >= 1);
    assert.ok(helmet.every((s) => s.classifications.length === 0 && !s.opaque));
    assert.equal(r.auth.status, 'missing');
  });

  it('does not count a validator that is imported but not applied to the route', () => {
    const r = route('POST', '/feedback');
    assert.equal(r.validation.status, 'missing');
    assert.deepEqual(r.validation.uncovered, ['body']);
  });

  it('judges local middleware by its body, following factories across files', () => {
    const del = route('DELETE', '/api/users/:id');
    const role = del.steps.find((s) => s.name === "requireRole('admin')")!;
    assert.ok(role.definition?.file.endsWith('middleware/auth.ts'));
    assert.ok(role.classifications.some((c) => c.role === 'auth' && c.source === 'body'));
    const patch = route('PATCH', '/api/users/:id');
    const v = patch.steps.find((s) => s.name.startsWith('validate('))!;
    assert.deepEqual(v.classifications.map((c) => [c.role, c.source, c.covers]), [['validation', 'body', ['body']]]);
    const login = route('POST', '/api/auth/login');
    assert.ok(login.steps.some((s) => s.name === 'loginLimiter' && s.package === 'express-rate-limit'));
  });

  it('applies path-scoped app middleware only under its path, and mount-level middleware to the mounted router', () => {
    assert.ok(route('GET', '/api/orders/search').steps.some((s) => s.name === 'requireAuth' && s.scope === 'app' && s.pathScope === '/api'));
    assert.ok(!route('GET', '/healthz').steps.some((s) => s.name === 'requireAuth'));
    assert.deepEqual(
      route('GET', '/admin/stats').steps.filter((s) => s.scope === 'mount').map((s) => s.name),
      ['requireAuth', "requireRole('admin')"],
    );
  });

  it('follows input into sinks with the flow as evidence', () => {
    const f = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/api/orders/export')!;
    assert.equal(f.severity, 'error');
    assert.match(f.message, /req\.query\.name reaches a shell command via child_process\.exec/);
    const sql = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/api/orders' && x.route.method === 'POST')!;
    assert.match(sql.message, /a SQL query via pool\.query/);
  });

  it('infers public routes with evidence: credential, health, docs, signed webhooks', () => {
    assert.match(route('POST', '/api/auth/login').public!.reason, /login/);
    assert.match(route('GET', '/healthz').public!.reason, /health/);
    assert.match(route('POST', '/webhooks/stripe').public!.reason, /constructEvent/);
    assert.equal(route('POST', '/webhooks/github').public, undefined);
    assert.equal(route('GET', '/pricing').public!.kind, 'declared');
    assert.equal(route('GET', '/pricing').public!.reason, 'marketing page, no user data');
  });
});

describe('express-cjs fixture (CommonJS, passport, celebrate, express-validator)', () => {
  const root = fixture('express-cjs');
  const result = analyzeDir(root);

  it('finds the whole route inventory through require() chains and module.exports objects', () => {
    assert.deepEqual(routeTable(result, root), [
      'GET /api/accounts/me routes/accounts.js:10 auth=present validation=not-needed rateLimit=present',
      'GET /api/items routes/items.js:11 auth=present validation=not-needed rateLimit=present',
      'GET /api/items/:id routes/items.js:20 auth=present validation=not-needed rateLimit=present',
      'GET /api/items/:id/file routes/items.js:59 auth=present validation=missing rateLimit=present',
      'GET /api/items/go routes/items.js:16 auth=present validation=missing rateLimit=present',
      'GET /legacy/ping legacy.js:7 auth=public(inferred) validation=not-needed rateLimit=present',
      'GET /public/catalog routes/public.js:6 auth=public(declared) validation=not-needed rateLimit=present',
      'GET /public/catalog/:sku routes/public.js:11 auth=public(declared) validation=not-needed rateLimit=present',
      'POST /api/accounts/me/password routes/accounts.js:14 auth=present validation=present rateLimit=present',
      'POST /api/items routes/items.js:26 auth=present validation=present rateLimit=present',
      'POST /legacy/upload legacy.js:11 auth=missing validation=missing rateLimit=present',
      'POST /public/newsletter routes/public.js:19 auth=missing validation=missing rateLimit=present',
      'PUT /api/items/:id routes/items.js:46 auth=present validation=present rateLimit=present',
    ]);
  });

  it('reports the parse error of one file and still analyses the others', () => {
    assert.deepEqual(findingTable(result, root), [
      'legacy.js:11 missing-auth error',
      'legacy.js:11 missing-validation error',
      'routes/broken.js:12 parse-error error',
      'routes/items.js:16 missing-validation error',
      'routes/items.js:59 missing-validation error',
      'routes/public.js:19 missing-auth error',
      'routes/public.js:19 missing-validation warning',
    ]);
    const pe = result.findings.find((f) => f.ruleId === 'parse-error')!;
    assert.match(pe.message, /Cannot parse broken\.js/);
    assert.equal(pe.location.start.line, 12);
  });

  it('classifies catalogue packages through their imports', () => {
    const items = result.model.routes.find((r) => r.method === 'POST' && r.path === '/api/items')!;
    assert.ok(items.steps.some((s) => s.package === 'passport' && s.scope === 'mount' && s.classifications[0].role === 'auth'));
    assert.ok(items.steps.some((s) => s.package === 'express-rate-limit' && s.scope === 'app'));
    assert.ok(items.steps.some((s) => s.package === 'celebrate' && s.classifications[0].covers?.includes('body')));
    const init = items.steps.find((s) => s.name === 'passport.initialize()')!;
    assert.deepEqual(init.classifications, [], 'passport.initialize() is not auth');
  });
});

describe('express-custom fixture (project-specific middleware named in config)', () => {
  const root = fixture('express-custom');
  const result = analyzeDir(root);

  it('counts config-named middleware and honours rules: off', () => {
    assert.deepEqual(findingTable(result, root), [
      'src/index.ts:11 missing-auth warning',
      'src/routes/billing.ts:14 missing-rate-limit warning',
      'src/routes/projects.ts:16 missing-rate-limit warning',
      'src/routes/projects.ts:30 missing-rate-limit error',
    ]);
    const r = result.model.routes.find((x) => x.path === '/api/projects' && x.method === 'GET')!;
    assert.equal(r.auth.status, 'present');
    assert.equal(r.steps.find((s) => s.name === 'protect()')!.classifications[0].source, 'config');
  });

  it('without the config entry the opaque middleware is not trusted as auth', () => {
    const bare = analyzeDir(root, { middleware: { auth: [], validation: [], rateLimit: [] } });
    const r = bare.model.routes.find((x) => x.path === '/api/projects' && x.method === 'GET')!;
    // `protect` suggests auth by name: low-confidence evidence, not silence.
    assert.equal(r.auth.status, 'present');
    assert.equal(r.auth.confidence, 'low');
  });
});
