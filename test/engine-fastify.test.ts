/**
 * The Fastify route model: encapsulation contexts, plugin loading order, hooks, decorators,
 * @fastify/auth / jwt / bearer-auth / basic-auth / rate-limit / autoload, route schemas; the
 * fixture app's whole inventory and findings, and in-memory cases per construct.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeDir, analyzeMemory, findingLines, findingTable, fixture, routeTable } from './helpers';

describe('fastify-app fixture (TypeScript ESM + CommonJS, plugins, autoload, two apps)', () => {
  const root = fixture('fastify-app');
  const result = analyzeDir(root);
  const route = (method: string, path: string) => {
    const r = result.model.routes.find((x) => x.method === method && x.path === path);
    assert.ok(r, `route ${method} ${path} not found`);
    return r;
  };

  it('finds the whole route inventory with full prefixes and statuses', () => {
    assert.deepEqual(routeTable(result, root), [
      'DELETE /admin/cache/:key src/manual/admin.ts:13 auth=missing validation=missing rateLimit=present',
      'DELETE /api/users/:id src/routes/users/index.ts:12 auth=present validation=not-needed rateLimit=present',
      'GET /account/me src/manual/account.ts:5 auth=present validation=not-needed rateLimit=present',
      'GET /admin/audit src/manual/admin.ts:5 auth=present validation=not-needed rateLimit=present',
      'GET /api/orders src/routes/orders.ts:9 auth=present validation=not-needed rateLimit=present',
      'GET /api/orders/export src/routes/orders.ts:24 auth=present validation=missing rateLimit=present',
      'GET /api/orders/search src/routes/orders.ts:16 auth=present validation=present rateLimit=present',
      'GET /api/users src/routes/users/index.ts:5 auth=present validation=not-needed rateLimit=present',
      'GET /api/users/:id src/routes/users/index.ts:7 auth=present validation=present rateLimit=present',
      'GET /healthz src/server.ts:16 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /jobs/search src/internal.ts:15 auth=present validation=missing rateLimit=missing',
      'GET /ops/metrics src/internal.ts:22 auth=present validation=not-needed rateLimit=present',
      'GET /pricing src/manual/public.cjs:32 auth=public(declared) validation=not-needed rateLimit=present',
      'GET /settings src/server.ts:22 auth=missing validation=not-needed rateLimit=present',
      'GET /v1/legacy/invoices/:id src/manual/legacy.ts:4 auth=missing validation=not-needed rateLimit=present',
      'GET /v1/whoami src/manual/v1.ts:10 auth=present validation=not-needed rateLimit=present',
      'HEAD /admin/audit src/manual/admin.ts:5 auth=present validation=not-needed rateLimit=present',
      'PATCH /account/profile src/manual/account.ts:22 auth=present validation=missing rateLimit=present',
      'POST /account/settings src/manual/account.ts:9 auth=present validation=present rateLimit=present',
      'POST /api/orders src/routes/orders.ts:11 auth=present validation=present rateLimit=present',
      'POST /api/reports src/routes/reports/index.ts:4 auth=present validation=missing rateLimit=present',
      'POST /auth/login src/manual/public.cjs:4 auth=public(inferred) validation=present rateLimit=present',
      'POST /auth/signup src/manual/public.cjs:19 auth=public(inferred) validation=present rateLimit=missing',
      'POST /contact src/manual/public.cjs:26 auth=missing validation=missing rateLimit=present',
      'POST /jobs/reindex src/internal.ts:13 auth=present validation=not-needed rateLimit=missing',
      'POST /ops/flags src/internal.ts:23 auth=present validation=present rateLimit=present',
      'PUT /v1/legacy/invoices/:id src/manual/legacy.ts:9 auth=missing validation=missing rateLimit=present',
    ]);
    assert.ok(result.model.routes.every((r) => r.framework === 'fastify'));
    assert.equal(result.model.apps.filter((a) => a.framework === 'fastify').length, 2);
  });

  it('reports exactly the expected findings', () => {
    assert.deepEqual(findingTable(result, root), [
      'src/internal.ts:13 missing-rate-limit warning',
      'src/internal.ts:15 missing-rate-limit error',
      'src/internal.ts:15 missing-validation warning',
      'src/manual/account.ts:22 missing-validation warning',
      'src/manual/admin.ts:13 missing-auth error',
      'src/manual/admin.ts:13 missing-validation error',
      'src/manual/legacy.ts:4 missing-auth warning',
      'src/manual/legacy.ts:9 missing-auth error',
      'src/manual/legacy.ts:9 missing-validation warning',
      'src/manual/public.cjs:19 missing-rate-limit error',
      'src/manual/public.cjs:26 missing-auth error',
      'src/manual/public.cjs:26 missing-validation warning',
      'src/routes/orders.ts:24 missing-validation error',
      'src/routes/reports/index.ts:4 missing-validation warning',
      'src/server.ts:22 missing-auth warning',
    ]);
    assert.deepEqual(findingTable(result, root, { suppressed: true }), []);
    assert.deepEqual(result.internalErrors, []);
  });

  it('applies a hook added after the routes of the same plugin (Fastify binds hooks at preReady)', () => {
    const me = route('GET', '/account/me');
    const hook = me.steps.find((s) => s.name === 'fastify.authenticate')!;
    assert.equal(hook.scope, 'plugin');
    assert.equal(hook.location.start.line, 28);
    assert.ok(hook.location.file.endsWith('manual/account.ts'));
    assert.equal(hook.definition?.file.endsWith('plugins/auth.ts'), true);
    const c = hook.classifications.find((x) => x.role === 'auth')!;
    assert.equal(c.source, 'body');
    assert.match(c.reason, /calls request\.jwtVerify and rejects with the error of request\.jwtVerify\(\) \(401\) is sent back: reply\.send\(err\)/);
    assert.deepEqual(me.lateSteps, []);
  });

  it('reports hooks added after an awaited child plugin loaded as late steps', () => {
    const r = route('PUT', '/v1/legacy/invoices/:id');
    assert.deepEqual(r.lateSteps.map((s) => [s.name, s.location.start.line]), [['api.authenticate', 8]]);
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/v1/legacy/invoices/:id' && x.route.method === 'PUT')!;
    assert.match(f.message, /api\.authenticate is registered after this route \(manual\/v1\.ts:8\)/);
    assert.ok(f.evidence.some((e) => e.message === 'route reached through this mount' && e.location?.start.line === 6 && e.location.file.endsWith('v1.ts')));
    assert.deepEqual(route('GET', '/v1/whoami').steps.filter((s) => s.classifications.some((c) => c.role === 'auth')).map((s) => s.name), ['api.authenticate']);
  });

  it('judges @fastify/auth compositions by relation', () => {
    const audit = route('GET', '/admin/audit');
    const composed = audit.steps.find((s) => s.scope === 'route')!;
    assert.equal(composed.name, 'fastify.auth(…, {…})');
    assert.match(composed.classifications[0].reason, /from @fastify\/auth with relation 'and': fastify\.authenticate, fastify\.verifyApiKey must pass/);
    const cache = route('DELETE', '/admin/cache/:key');
    const weak = cache.steps.find((s) => s.scope === 'route')!;
    assert.deepEqual(weak.classifications, []);
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/admin/cache/:key')!;
    assert.match(f.message, /relation 'or'\), and fastify\.softAuth does not reject anonymous requests .*so anonymous requests pass/);
    const sql = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/admin/cache/:key')!;
    assert.match(sql.message, /request\.params\.key reaches a SQL query via pool\.query/);
  });

  it('does not count a jwtVerify whose error is swallowed, nor helmet or @fastify/jwt alone', () => {
    const s = route('GET', '/settings');
    assert.equal(s.auth.status, 'missing');
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/settings')!;
    assert.match(f.message, /app\.softAuth \(plugins\/auth\.ts:\d+\) calls request\.jwtVerify but never rejects the request/);
    assert.ok(!route('GET', '/healthz').steps.some((s) => s.classifications.length));
  });

  it('models @fastify/rate-limit as an onRoute hook: late, awaited, not awaited, opt-out, per-route config', () => {
    const health = route('GET', '/healthz');
    assert.deepEqual(health.lateSteps.map((s) => [s.name, s.location.start.line]), [['rateLimit', 18]]);
    const reindex = route('POST', '/jobs/reindex');
    const skipped = reindex.steps.find((s) => s.package === '@fastify/rate-limit')!;
    assert.equal(skipped.location.start.line, 10);
    assert.match(skipped.skipped!.reason, /^fastify\.register\(\) is not awaited, so @fastify\/rate-limit loads after this route is declared/);
    assert.ok(reindex.rateLimit.evidence.some((e) => /not awaited/.test(e.message) && e.location?.start.line === 10));
    // the ops plugin is registered after the limiter, so it loads after it and is covered
    assert.equal(route('GET', '/ops/metrics').steps.find((s) => s.package === '@fastify/rate-limit')!.skipped, undefined);
    const signup = route('POST', '/auth/signup');
    const off = signup.steps.find((s) => s.package === '@fastify/rate-limit')!;
    assert.equal(off.skipped!.reason, 'the route sets config: { rateLimit: false }');
    assert.equal(off.skipped!.location!.start.line, 20);
    assert.equal(signup.rateLimit.summary, 'the rate limiter is turned off for this route');
    const login = route('POST', '/auth/login');
    assert.deepEqual(login.steps.map((s) => [s.name, s.scope]), [['rateLimit', 'app'], ['config.rateLimit', 'route'], ['schema (body)', 'route']]);
    assert.match(login.steps[1].classifications[0].reason, /per-route limit for @fastify\/rate-limit \(registered at src\/server\.ts:18\)/);
  });

  it('turns route schemas into validation steps (only the request parts they describe)', () => {
    const search = route('GET', '/api/orders/search');
    const schema = search.steps.find((s) => s.name.startsWith('schema'))!;
    assert.equal(schema.name, 'schema (querystring)');
    assert.deepEqual(schema.classifications[0].covers, ['query']);
    assert.equal(schema.location.start.line, 17);
    assert.deepEqual(route('GET', '/api/users/:id').steps.find((s) => s.name.startsWith('schema'))!.classifications[0].covers, ['params']);
    const pricing = route('GET', '/pricing');
    assert.deepEqual(pricing.steps.find((s) => s.name === 'schema')!.notes, ['the route schema only describes responses; it validates no request input']);
    const reports = route('POST', '/api/reports');
    assert.deepEqual(reports.validation.uncovered, ['body']);
    assert.match(reports.steps.find((s) => s.name.startsWith('schema'))!.notes![0], /attachValidation: true/);
  });

  it('follows @fastify/autoload folders, autohooks and the options prefix', () => {
    const del = route('DELETE', '/api/users/:id');
    assert.deepEqual(del.steps.filter((s) => s.classifications.some((c) => c.role === 'auth')).map((s) => [s.name, s.scope]), [['fastify.authenticate', 'plugin'], ["fastify.requireRole('admin')", 'route']]);
    assert.ok(del.steps[1].location.file.endsWith('routes/autohooks.ts'));
    assert.ok(route('GET', '/api/orders').mounts.some((m) => m.file.endsWith('server.ts') && m.start.line === 27));
  });

  it('counts @fastify/bearer-auth registration and basicAuth hooks as auth', () => {
    const metrics = route('GET', '/ops/metrics');
    assert.deepEqual(metrics.steps.filter((s) => s.classifications.some((c) => c.role === 'auth')).map((s) => [s.name, s.package]), [['bearerAuth', '@fastify/bearer-auth'], ['ops.basicAuth', '@fastify/basic-auth']]);
  });

  it('never offers to insert a step before a Fastify handler (it would become route options)', () => {
    assert.equal(route('POST', '/contact').handlerArgument, undefined);
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.path === '/contact')!;
    assert.ok(!f.fixes.some((x) => x.kind === 'quickfix'));
  });
});

describe('fastify constructs (in memory)', () => {
  const table = (files: Record<string, string>) => {
    const r = analyzeMemory({ 'package.json': '{"dependencies":{"fastify":"^5.0.0"}}', ...files });
    assert.deepEqual(r.internalErrors, []);
    return r;
  };
  const rows = (files: Record<string, string>) => routeTable(table(files), '/mem');

  it('CommonJS: require("fastify")(), module.exports = fp(fn), register(require(...)) with prefix', () => {
    assert.deepEqual(
      rows({
        'app.js': `
const fastify = require('fastify')({ logger: true })
fastify.register(require('./auth'))
fastify.register(require('./items'), { prefix: '/items' })
fastify.listen({ port: 3000 })
`,
        'auth.js': `
const fp = require('fastify-plugin')
module.exports = fp(async function (fastify) {
  fastify.addHook('preHandler', async (request, reply) => {
    if (!request.headers.authorization) return reply.code(401).send()
  })
})
`,
        'items.js': `
module.exports = async function (fastify, opts) {
  fastify.get('/', async () => [])
  fastify.route({ method: ['POST', 'PUT'], url: '/:id', handler: async (request) => request.params.id })
}
`,
      }),
      [
        'GET /items items.js:3 auth=present validation=not-needed rateLimit=missing',
        'POST /items/:id items.js:4 auth=present validation=not-needed rateLimit=missing',
        'PUT /items/:id items.js:4 auth=present validation=not-needed rateLimit=missing',
      ],
    );
  });

  it('encapsulation: a non-fp plugin hook stays inside; an fp plugin hook reaches the parent', () => {
    const files = (wrap: boolean) => ({
      'app.ts': `
import { fastify } from 'fastify';
import fp from 'fastify-plugin';
const app = fastify();
const guard = async (request, reply) => { if (!request.headers['x-api-key']) throw app.httpErrors.unauthorized(); };
app.register(${wrap ? 'fp(' : ''}async (f) => { f.addHook('onRequest', guard); f.get('/inside', async () => 1); }${wrap ? ')' : ''});
app.get('/outside', async () => 2);
`,
    });
    assert.deepEqual(rows(files(false)), [
      'GET /inside app.ts:6 auth=present validation=not-needed rateLimit=missing',
      'GET /outside app.ts:7 auth=missing validation=not-needed rateLimit=missing',
    ]);
    assert.deepEqual(rows(files(true)), [
      'GET /inside app.ts:6 auth=present validation=not-needed rateLimit=missing',
      'GET /outside app.ts:7 auth=present validation=not-needed rateLimit=missing',
    ]);
  });

  it('a parent hook added after a non-awaited register still reaches the child (it loads later)', () => {
    const r = table({
      'app.ts': `
import Fastify from 'fastify';
const app = Fastify();
const auth = async (request, reply) => { await request.jwtVerify(); };
app.register(async (child) => { child.get('/child', async () => 1); });
app.addHook('onRequest', auth);
`,
    });
    const child = r.model.routes.find((x) => x.path === '/child')!;
    assert.equal(child.auth.status, 'present');
    assert.deepEqual(child.lateSteps, []);
    assert.match(child.auth.evidence[0].message, /request\.jwtVerify\(\) throws 401 when the token is missing or invalid/);
  });

  it('@fastify/rate-limit: global false, per-route config, config without the plugin, routes inside after()', () => {
    const r = table({
      'app.ts': `
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
const app = Fastify();
await app.register(rateLimit, { global: false });
app.post('/a', async () => 1);
app.post('/b', { config: { rateLimit: { max: 3 } } }, async () => 1);
`,
      'other.ts': `
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
const other = Fastify();
other.post('/c', { config: { rateLimit: { max: 3 } } }, async () => 1);
other.register(rateLimit);
other.after(() => {
  other.post('/d', async () => 1);
});
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'POST /a app.ts:6 auth=missing validation=not-needed rateLimit=missing',
      'POST /b app.ts:7 auth=missing validation=not-needed rateLimit=present',
      'POST /c other.ts:5 auth=missing validation=not-needed rateLimit=missing',
      'POST /d other.ts:8 auth=missing validation=not-needed rateLimit=present',
    ]);
    const a = r.model.routes.find((x) => x.path === '/a')!;
    assert.equal(a.steps[0].skipped!.reason, 'the limiter is registered with global: false and this route sets no config.rateLimit');
    const c = r.model.routes.find((x) => x.path === '/c')!;
    assert.deepEqual(c.steps.find((s) => s.name === 'config.rateLimit')!.notes, ['config.rateLimit is set, but @fastify/rate-limit is not registered before this route in its context, so it has no effect']);
    assert.deepEqual(c.lateSteps.map((s) => s.name), ['rateLimit']);
  });

  it('per-route hooks: fastify.rateLimit(), verifyBearerAuth with addHook: false, in-handler jwtVerify', () => {
    const r = table({
      'app.ts': `
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import bearerAuth from '@fastify/bearer-auth';
const app = Fastify();
await app.register(rateLimit, { global: false });
await app.register(bearerAuth, { addHook: false, keys: new Set(['k']) });
app.post('/limited', { onRequest: app.rateLimit({ max: 2 }) }, async () => 1);
app.get('/token', { onRequest: [app.verifyBearerAuth] }, async () => 1);
app.get('/open', async () => 1);
app.get('/inline', async (request) => { await request.jwtVerify(); return request.user; });
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'GET /inline app.ts:11 auth=present validation=not-needed rateLimit=missing',
      'GET /open app.ts:10 auth=missing validation=not-needed rateLimit=missing',
      'GET /token app.ts:9 auth=present validation=not-needed rateLimit=missing',
      'POST /limited app.ts:8 auth=missing validation=not-needed rateLimit=present',
    ]);
    const inline = r.model.routes.find((x) => x.path === '/inline')!;
    assert.equal(inline.auth.summary, 'handler (in the handler)');
  });

  it('@fastify/jwt registered alone protects nothing; a request.user read is not auth', () => {
    const r = table({
      'app.ts': `
import Fastify from 'fastify';
import jwt from '@fastify/jwt';
const app = Fastify();
app.register(jwt, { secret: 's' });
app.get('/me', async (request) => request.user);
`,
    });
    assert.deepEqual(findingLines(r, ['missing-auth']), ['app.ts:6:5 missing-auth warning GET /me has no authentication: no middleware before its handler verifies the caller (no middleware at all).']);
  });

  it('schemas: zod type provider, params only, shorthand options object with handler', () => {
    const r = table({
      'app.ts': `
import Fastify from 'fastify';
import { z } from 'zod';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
const app = Fastify().withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.post('/notes/:id', { schema: { params: z.object({ id: z.string() }) } }, async (request) => ({ id: request.params.id, text: request.body.text }));
app.put('/notes/:id', { schema: { params: z.object({ id: z.string() }), body: z.object({ text: z.string() }) }, handler: async (request) => request.body });
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'POST /notes/:id app.ts:8 auth=missing validation=missing rateLimit=missing',
      'PUT /notes/:id app.ts:9 auth=missing validation=present rateLimit=missing',
    ]);
    assert.deepEqual(r.model.routes.find((x) => x.method === 'POST')!.validation.uncovered, ['body']);
  });

  it('autoload without autohooks: folder prefixes, index files, autoPrefix, routeParams folders', () => {
    const r = table({
      'src/app.ts': `
import Fastify from 'fastify';
import AutoLoad from '@fastify/autoload';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const __dirname = path.dirname(fileURLToPath(import.meta.url));
const app = Fastify();
app.register(AutoLoad, { dir: path.join(__dirname, 'routes'), routeParams: true });
`,
      'src/routes/root.ts': `export default async function (fastify) { fastify.get('/', async () => 'hi'); }`,
      'src/routes/users/index.ts': `export default async function (fastify) { fastify.get('/', async () => []); }`,
      'src/routes/users/_id/index.ts': `export default async function (fastify) { fastify.get('/', async (request) => request.params.id); }`,
      'src/routes/misc/things.ts': `export const autoPrefix = '/stuff';\nexport default async function (fastify) { fastify.post('/', async (request) => request.body); }`,
      'src/routes/autohooks.ts': `export default async function (fastify) { fastify.addHook('onRequest', async (req, reply) => { if (!req.headers.authorization) reply.code(401).send(); }); }`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'GET / src/routes/root.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /users src/routes/users/index.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'GET /users/:id src/routes/users/_id/index.ts:1 auth=missing validation=not-needed rateLimit=missing',
      'POST /stuff src/routes/misc/things.ts:2 auth=missing validation=missing rateLimit=missing',
    ]);
  });

  it('a plugin no app registers is inventoried as an orphan (auth unknown, no auth finding)', () => {
    const r = table({
      'routes.ts': `
import type { FastifyInstance } from 'fastify';
export default async function (fastify: FastifyInstance) {
  fastify.post('/orphan', async (request) => request.body);
}
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), ['POST /orphan routes.ts:4 auth=unknown validation=missing rateLimit=missing']);
    assert.deepEqual(findingLines(r, ['missing-auth']), []);
  });

  it('fastify-cli layout: an app plugin no code registers still loads its autoload folders', () => {
    const r = table({
      'src/routes/admin/reports.ts': `
import type { FastifyPluginAsync } from 'fastify';
const reports: FastifyPluginAsync = async (fastify) => {
  fastify.get('/reports', async () => []);
};
export default reports;
`,
      'src/routes/admin/autohooks.ts': `export default async function (fastify) { fastify.addHook('onRequest', async (request) => { await request.jwtVerify(); }); }`,
      'src/routes/health.ts': `export default async function (fastify) { fastify.get('/ping', async () => 'pong'); }`,
      'src/app.ts': `
import AutoLoad from '@fastify/autoload';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
const app: FastifyPluginAsync = async (fastify, opts) => {
  void fastify.register(AutoLoad, { dir: join(__dirname, 'routes'), autoHooks: true, options: opts });
};
export default app;
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'GET /admin/reports src/routes/admin/reports.ts:4 auth=present validation=not-needed rateLimit=missing',
      'GET /ping src/routes/health.ts:1 auth=public(inferred) validation=not-needed rateLimit=missing',
    ]);
  });

  it('never throws on odd code: dynamic paths and prefixes, missing arguments, spreads', () => {
    const r = table({
      'app.ts': `
import Fastify from 'fastify';
const app = Fastify();
const base = { schema: { body: { type: 'object' } } };
app.register();
app.register(undefined, { prefix: getPrefix() });
app.route();
app.route({ ...base, method: 'POST', url: '/spread', handler: async (request) => request.body });
app.get(makePath(), async () => 1);
app.register(async (child) => { child.get('/x', async () => 1); }, { prefix: process.env.PREFIX });
app.addHook('onRequest');
app.addHook('onSend', async () => {});
app.decorate();
`,
    });
    assert.deepEqual(routeTable(r, '/mem'), [
      'GET /<dynamic> app.ts:9 auth=missing validation=not-needed rateLimit=missing',
      'GET /<dynamic>/x app.ts:10 auth=missing validation=not-needed rateLimit=missing',
      'POST /spread app.ts:8 auth=missing validation=present rateLimit=missing',
    ]);
  });
});
