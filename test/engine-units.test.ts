/**
 * Engine behaviours on small in-memory projects: each case fires, and its look-alike does not.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeProject, applyEdits, defaultConfig, loadConfig, nodeFileHost, type Rule } from '../server/src/engine';
import { joinPaths, scopeApplies } from '../server/src/engine/frameworks/tree';
import { discoverFiles } from '../server/src/engine/workspace';
import { builtinRules } from '../rules';
import { analyzeMemory, fixture, memoryHost } from './helpers';

const only = (r: ReturnType<typeof analyzeMemory>, rule: string) => r.findings.filter((f) => f.ruleId === rule && !f.suppressed);

describe('paths', () => {
  it('joins mount prefixes', () => {
    assert.equal(joinPaths('', '/'), '/');
    assert.equal(joinPaths('/api', '/'), '/api');
    assert.equal(joinPaths('/api/', '/users'), '/api/users');
    assert.equal(joinPaths('/api', 'users/:id'), '/api/users/:id');
  });
  it('matches use() scopes by whole segments', () => {
    assert.ok(scopeApplies('/api', '/api/users'));
    assert.ok(scopeApplies('/api', '/api'));
    assert.ok(!scopeApplies('/api', '/apix/users'));
    assert.ok(!scopeApplies('/admin', '/api/admin'));
    assert.ok(scopeApplies('/users/:id', '/users/:id/orders'));
  });
});

describe('express-validator', () => {
  const app = (check: boolean) => ({
    'app.js': `
const express = require('express');
const { body, validationResult } = require('express-validator');
const app = express();
app.use(require('./auth'));
app.post('/notes', body('text').isString(), (req, res) => {
  ${check ? "const errors = validationResult(req); if (!errors.isEmpty()) return res.status(400).json(errors.array());" : ''}
  res.json({ text: req.body.text });
});
module.exports = app;`,
    'auth.js': `module.exports = function requireAuth(req, res, next) { if (!req.user) return res.status(401).end(); next(); };`,
  });
  it('counts chains whose result is checked', () => {
    const r = analyzeMemory(app(true));
    assert.equal(r.model.routes[0].validation.status, 'present');
    assert.equal(only(r, 'missing-validation').length, 0);
  });
  it('does not count chains when validationResult is never consulted', () => {
    const r = analyzeMemory(app(false));
    assert.equal(r.model.routes[0].validation.status, 'missing');
    const f = only(r, 'missing-validation')[0];
    assert.ok(f.evidence.some((e) => /validationResult\(req\) is never consulted/.test(e.message)));
  });
});

describe('package options that turn enforcement off', () => {
  it('express-jwt with credentialsRequired: false is not auth', () => {
    const src = (opt: string) => ({
      'app.ts': `
import express from 'express';
import { expressjwt } from 'express-jwt';
const app = express();
app.use(expressjwt({ secret: 's', algorithms: ['HS256']${opt} }));
app.delete('/items/:id', (req, res) => res.sendStatus(204));
export default app;`,
    });
    assert.equal(analyzeMemory(src('')).model.routes[0].auth.status, 'present');
    const off = analyzeMemory(src(', credentialsRequired: false'));
    assert.equal(off.model.routes[0].auth.status, 'missing');
    assert.match(only(off, 'missing-auth')[0].message, /credentialsRequired: false/);
  });
});

describe('class-based apps and in-handler checks', () => {
  it('follows this.app registrations made in methods called from the constructor', () => {
    const r = analyzeMemory({
      'server.ts': `
import express, { Application } from 'express';
import { requireAuth } from './auth';
export class Server {
  private app: Application;
  constructor() {
    this.app = express();
    this.routes();
  }
  private routes() {
    this.app.get('/public/ping', (req, res) => res.send('pong'));
    this.app.use(requireAuth);
    this.app.post('/things', (req, res) => res.json(req.body));
  }
}`,
      'auth.ts': `export const requireAuth = (req: any, res: any, next: any) => {
  const h = req.headers.authorization;
  if (!h) return res.status(401).json({ error: 'unauthenticated' });
  next();
};`,
    });
    const things = r.model.routes.find((x) => x.path === '/things')!;
    assert.equal(things.auth.status, 'present');
    assert.equal(r.model.routes.find((x) => x.path === '/public/ping')!.auth.status, 'public');
  });

  it('counts a credential check inside the handler that rejects with 401', () => {
    const r = analyzeMemory({
      'app.js': `
const app = require('express')();
app.post('/me/avatar', (req, res) => {
  if (!req.session.userId) return res.status(401).end();
  res.sendStatus(204);
});
app.post('/me/name', (req, res) => { console.log(req.session.userId); res.sendStatus(204); });`,
    });
    assert.equal(r.model.routes.find((x) => x.path === '/me/avatar')!.auth.status, 'present');
    assert.equal(r.model.routes.find((x) => x.path === '/me/name')!.auth.status, 'missing');
  });
});

describe('schema validation inside the handler', () => {
  it('covers the part it parses, and only that part', () => {
    const r = analyzeMemory({
      'app.ts': `
import express from 'express';
import { z } from 'zod';
const app = express();
const Body = z.object({ name: z.string().max(50) });
app.use((req, res, next) => { if (!req.headers.authorization) return res.sendStatus(401); next(); });
app.post('/a', (req, res) => { const b = Body.parse(req.body); res.json(b); });
app.post('/b', (req, res) => { const b = Body.parse(req.body); res.json({ b, sort: req.query.sort }); });
export default app;`,
    });
    const a = r.model.routes.find((x) => x.path === '/a')!;
    const b = r.model.routes.find((x) => x.path === '/b')!;
    assert.equal(a.validation.status, 'present');
    assert.equal(b.validation.status, 'missing');
    assert.deepEqual(b.validation.uncovered, ['query']);
  });
});

describe('fixes', () => {
  it("adds the project's auth middleware to a route, with its import, and the finding goes away", () => {
    const files: Record<string, string> = {
      'src/app.ts': `import express from 'express';
import { router } from './routes/items';
const app = express();
app.use('/items', router);
export default app;
`,
      'src/routes/items.ts': `import { Router } from 'express';
import { requireAuth } from '../middleware/auth';
export const router = Router();
router.get('/', requireAuth, (req, res) => res.json([]));
`,
      'src/routes/orders.ts': `import { Router } from 'express';
export const orders = Router();
orders.delete('/:id', (req, res) => res.sendStatus(204));
`,
      'src/middleware/auth.ts': `export function requireAuth(req: any, res: any, next: any) {
  if (!req.headers.authorization) return res.status(401).end();
  next();
}
`,
    };
    files['src/app.ts'] = files['src/app.ts'].replace("app.use('/items', router);", "app.use('/items', router);\napp.use('/orders', require('./routes/orders').orders);");
    const r = analyzeMemory(files);
    const f = only(r, 'missing-auth').find((x) => x.route?.path === '/orders/:id');
    assert.ok(f, 'missing-auth on DELETE /orders/:id');
    const fix = f.fixes.find((x) => x.kind === 'quickfix')!;
    assert.equal(fix.title, 'Add requireAuth to DELETE /orders/:id');
    const file = '/mem/src/routes/orders.ts';
    const patched = applyEdits(files['src/routes/orders.ts'], file, fix.edits);
    assert.match(patched, /import \{ requireAuth \} from '\.\.\/middleware\/auth';/);
    assert.match(patched, /orders\.delete\('\/:id', requireAuth, \(req, res\)/);
    const again = analyzeMemory({ ...files, 'src/routes/orders.ts': patched });
    assert.equal(only(again, 'missing-auth').filter((x) => x.route?.path === '/orders/:id').length, 0);
    // The suppression fix inserts a directive with a reason placeholder above the route.
    const sup = f.fixes.find((x) => x.kind === 'suppress')!;
    assert.match(applyEdits(files['src/routes/orders.ts'], file, sup.edits), /\/\/ apiwarden-disable-next-line missing-auth -- TODO.*\norders\.delete/);
  });
});

describe('robustness', () => {
  it('a throwing rule is reported and the other rules still run', () => {
    const bad: Rule = { meta: { ...builtinRules[0].meta, id: 'boom' }, check() { throw new Error('kaboom'); } };
    const { host, root } = memoryHost({ 'a.js': "const app = require('express')(); app.post('/x', (req, res) => res.end());" });
    const r = analyzeProject({ root, config: defaultConfig(root), rules: [bad, ...builtinRules], host });
    assert.match(r.internalErrors.join('\n'), /rule boom failed: Error: kaboom/);
    assert.ok(r.findings.some((f) => f.ruleId === 'missing-auth'));
  });

  it('ignores files matched by .gitignore, node_modules and test files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-discover-'));
    const w = (p: string, t = 'export {};') => { fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true }); fs.writeFileSync(path.join(dir, p), t); };
    w('.gitignore', 'generated/\n*.gen.ts\n');
    w('src/app.ts');
    w('src/app.test.ts');
    w('src/x.gen.ts');
    w('generated/api.ts');
    w('node_modules/express/index.js');
    w('src/types.d.ts');
    const found = discoverFiles([dir], defaultConfig(dir), nodeFileHost()).files.map((f) => path.relative(dir, f));
    assert.deepEqual(found, [path.join('src', 'app.ts')]);
    const withExclude = discoverFiles([dir], { ...defaultConfig(dir), exclude: ['src/**'] }, nodeFileHost()).files;
    assert.deepEqual(withExclude, []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resolves index files, omitted extensions and TypeScript ESM .js specifiers', () => {
    const r = analyzeMemory({
      'src/main.ts': `import express from 'express';
import api from './api/index.js';
import { admin } from './admin';
const app = express();
app.use('/api', api);
app.use('/admin', admin);`,
      'src/api/index.ts': `import { Router } from 'express';
const r = Router();
r.get('/v1/things', (req, res) => res.json([]));
export default r;`,
      'src/admin/index.ts': `export { admin } from './router';`,
      'src/admin/router.ts': `import { Router } from 'express';
export const admin = Router();
admin.post('/reindex', (req, res) => res.end());`,
    });
    assert.deepEqual(r.model.routes.map((x) => `${x.method} ${x.path}`).sort(), ['GET /api/v1/things', 'POST /admin/reindex']);
  });
});

describe('analysis scope', () => {
  it('a file inside a package is analysed with its package: mount prefixes and app middleware stay', () => {
    const root = fixture('express-cjs');
    const loaded = loadConfig({ startDir: root });
    const r = analyzeProject({ root, paths: [path.join(root, 'routes', 'items.js')], config: loaded.config!, rules: builtinRules });
    assert.deepEqual(r.model.routes.map((x) => `${x.method} ${x.path}`).sort(), ['GET /api/items', 'GET /api/items/:id', 'GET /api/items/:id/file', 'GET /api/items/go', 'POST /api/items', 'PUT /api/items/:id']);
    assert.ok(r.model.routes.every((x) => x.auth.status === 'present'));
    assert.ok(r.findings.every((f) => f.location.file.endsWith('items.js')));
    assert.equal(r.findings.filter((f) => !f.suppressed).length, 2);
  });
});

describe('fix imports', () => {
  it('extends an existing named import of the same module', () => {
    const files: Record<string, string> = {
      'app.ts': `import express from 'express';
import { loginLimiter, apiLimiter } from './limits';
const app = express();
app.get('/api/items', apiLimiter, (req, res) => res.json([]));
app.post('/auth/login', loginLimiter, (req, res) => res.end());
app.post('/auth/signup', (req, res) => res.end());
`,
      'limits.ts': `import rateLimit from 'express-rate-limit';
export const loginLimiter = rateLimit({ limit: 5 });
export const apiLimiter = rateLimit({ limit: 100 });
`,
      'routes.ts': `import { Router } from 'express';
import { apiLimiter } from './limits';
export const r = Router();
r.post('/auth/reset-password', (req, res) => res.end());
`,
    };
    files['app.ts'] += "app.use(require('./routes').r);\n";
    const res = analyzeMemory(files);
    const f = only(res, 'missing-rate-limit').find((x) => x.route?.path === '/auth/reset-password')!;
    const fix = f.fixes.find((x) => x.kind === 'quickfix')!;
    assert.equal(fix.title, 'Add loginLimiter to POST /auth/reset-password');
    const out = applyEdits(files['routes.ts'], '/mem/routes.ts', fix.edits);
    assert.match(out, /import \{ apiLimiter, loginLimiter \} from '\.\/limits';/);
    assert.equal(out.match(/from '\.\/limits'/g)!.length, 1);
  });
});

describe('tsconfig path aliases', () => {
  it('follows `@/…` imports through compilerOptions.paths', () => {
    const r = analyzeMemory({
      'package.json': '{"name":"x"}',
      'tsconfig.json': '{ // comments are allowed\n "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } } }',
      'src/app.ts': `import express from 'express';
import { requireAuth } from '@/middleware/auth';
const app = express();
app.post('/notes', requireAuth, (req, res) => res.end());`,
      'src/middleware/auth.ts': `export function requireAuth(req: any, res: any, next: any) {
  if (!req.headers['x-api-key']) return res.status(401).end();
  next();
}`,
    });
    const step = r.model.routes[0].steps[0];
    assert.ok(step.definition?.file.endsWith('src/middleware/auth.ts'), 'followed into the aliased file');
    assert.equal(step.classifications[0].source, 'body');
    assert.equal(r.model.routes[0].auth.status, 'present');
  });
});

describe('directives', () => {
  const app = (comment: string) => ({
    'app.js': `const app = require('express')();
${comment}
app.post('/things', (req, res) => res.end());`,
  });
  it('reports unknown rule ids, which suppress nothing', () => {
    const r = analyzeMemory(app('// apiwarden-disable-next-line missng-auth -- typo'));
    assert.ok(only(r, 'missing-auth').length === 1, 'not suppressed');
    const f = only(r, 'suppression-without-reason')[0];
    assert.equal(f.messageId, 'unknownRule');
    assert.match(f.message, /missng-auth/);
  });
  it('does not take the quick fix placeholder for a reason', () => {
    const r = analyzeMemory(app('// apiwarden-disable-next-line missing-auth -- TODO: explain why this is safe'));
    assert.equal(only(r, 'missing-auth').length, 0);
    assert.equal(only(r, 'suppression-without-reason')[0].messageId, 'noReason');
  });
  it('a bare disable-line cannot hide its own report', () => {
    const r = analyzeMemory({ 'app.js': "const app = require('express')();\napp.post('/things', (req, res) => res.end()); // apiwarden-disable-line" });
    assert.equal(only(r, 'missing-auth').length, 0);
    assert.equal(only(r, 'suppression-without-reason').length, 1);
  });
  it('a reasoned suppression is silent', () => {
    const r = analyzeMemory(app('// apiwarden-disable-next-line missing-auth, missing-rate-limit -- internal network only'));
    assert.equal(r.findings.filter((f) => !f.suppressed && f.ruleId !== 'missing-rate-limit').length, 0);
    assert.equal(r.findings.find((f) => f.ruleId === 'missing-auth')!.suppressed!.reason, 'internal network only');
  });
});

describe('names as low-confidence evidence', () => {
  it('an opaque middleware named like auth counts, with low confidence; one named otherwise does not', () => {
    const src = (name: string) => ({
      'app.ts': `import express from 'express';
import { ${name} } from '@corp/platform';
const app = express();
app.delete('/things/:id', ${name}(), (req, res) => res.end());`,
    });
    const a = analyzeMemory(src('requireAuth')).model.routes[0];
    assert.equal(a.auth.status, 'present');
    assert.equal(a.auth.confidence, 'low');
    const b = analyzeMemory(src('tracing')).model.routes[0];
    assert.equal(b.auth.status, 'missing');
  });
});
