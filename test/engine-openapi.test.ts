/**
 * OpenAPI documents: reading with exact positions, $refs, broken documents, the code ↔ spec join
 * and the cross-check rules on a fixture app with every kind of drift.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { codeRules, crossCheckRules } from '../rules';
import { analyzeProject, defaultConfig } from '../server/src/engine';
import { analyzeDir, analyzeMemory, findingLines, fixture, routeTable } from './helpers';
import { parseSpecFile } from '../server/src/engine/openapi/source';
import { codePathKey, specPathKey } from '../server/src/engine/openapi/match';
import { urlPathPrefix } from '../server/src/engine/openapi/spec';

const CROSS = crossCheckRules.map((r) => r.meta.id);
const rel = (root: string, f: string) => path.relative(root, f).split(path.sep).join('/');

describe('openapi-drift fixture: code ↔ spec cross-check', () => {
  const dir = fixture('openapi-drift');
  const r = analyzeDir(dir, { rules: {} });

  it('finds both specs and matches every documented route to its operation', () => {
    assert.deepEqual(r.internalErrors, []);
    assert.deepEqual(r.model.specs.map((s) => `${rel(dir, s.file)} ${s.version} ${s.operations.length}`).sort(), ['admin/admin-api.json 2.0 2', 'api/openapi.yaml 3.0 9']);
    const joined = r.model.routes
      .map((rt) => `${rt.method} ${rt.path} -> ${rt.specOperations.map((o) => `${o.method} ${o.path} ${rel(dir, o.location.file)}:${o.location.start.line}:${o.location.start.column}`).join(', ') || 'none'}`)
      .sort();
    assert.deepEqual(joined, [
      'GET /admin/flags -> GET /flags admin/admin-api.json:12:7',
      'GET /api/v1/me/settings -> GET /me/settings api/openapi.yaml:51:5',
      'GET /api/v1/orders/:id -> GET /orders/{id} api/openapi.yaml:64:5',
      'GET /api/v1/reports/daily -> none',
      'GET /api/v1/search -> GET /search api/openapi.yaml:87:5',
      'GET /api/v1/tags -> GET /tags api/openapi.yaml:58:5',
      'GET /api/v1/users -> GET /users api/openapi.yaml:30:5',
      'GET /api/v1/users/:id/export -> none',
      'GET /api/v1/users/:userId -> GET /users/{id} api/openapi.yaml:36:5',
      'GET /health -> none',
      'POST /api/v1/login -> POST /login api/openapi.yaml:12:5',
      'POST /api/v1/orders -> POST /orders api/openapi.yaml:75:5',
      'PUT /admin/flags/:name -> PUT /flags/{name} admin/admin-api.json:15:7',
    ]);
  });

  it('keeps the code postures the cross-check relies on', () => {
    assert.deepEqual(routeTable(r, dir), [
      'GET /admin/flags admin/server.js:14 auth=present validation=not-needed rateLimit=missing',
      'GET /api/v1/me/settings src/routes/users.js:19 auth=present validation=not-needed rateLimit=missing',
      'GET /api/v1/orders/:id src/routes/orders.js:8 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/v1/reports/daily src/routes/search.js:13 auth=missing validation=not-needed rateLimit=missing',
      'GET /api/v1/search src/routes/search.js:8 auth=present validation=missing rateLimit=missing',
      'GET /api/v1/tags src/routes/users.js:29 auth=present validation=not-needed rateLimit=missing',
      'GET /api/v1/users src/routes/users.js:9 auth=present validation=not-needed rateLimit=missing',
      'GET /api/v1/users/:id/export src/routes/users.js:24 auth=present validation=not-needed rateLimit=missing',
      'GET /api/v1/users/:userId src/routes/users.js:13 auth=present validation=present rateLimit=missing',
      'GET /health src/app.js:21 auth=public(inferred) validation=not-needed rateLimit=missing',
      'POST /api/v1/login src/app.js:15 auth=public(inferred) validation=present rateLimit=present',
      'POST /api/v1/orders src/routes/orders.js:13 auth=present validation=missing rateLimit=missing',
      'PUT /admin/flags/:name admin/server.js:15 auth=present validation=missing rateLimit=missing',
    ]);
  });

  it('reports every kind of drift, each at its exact place and also at the other side', () => {
    const codeAndCross = new Set([...CROSS, ...codeRules.map((x) => x.meta.id)]);
    const lines = r.findings
      .filter((f) => codeAndCross.has(f.ruleId))
      .map(
        (f) =>
          `${rel(dir, f.location.file)}:${f.location.start.line}:${f.location.start.column} ${f.ruleId} ${f.severity}${f.alsoAt ? ' also ' + f.alsoAt.map((l) => `${rel(dir, l.file)}:${l.start.line}:${l.start.column}`).join(',') : ''}`,
      );
    assert.deepEqual(lines, [
      'admin/server.js:3:15 missing-rate-limit warning',
      'admin/server.js:15:7 missing-validation warning',
      'admin/server.js:15:87 spec-validation-not-enforced warning also admin/admin-api.json:19:11',
      'api/openapi.yaml:43:5 unimplemented-operation warning',
      'api/openapi.yaml:53:7 spec-auth-undocumented warning also src/routes/users.js:19:8',
      'src/routes/orders.js:8:8 missing-auth warning',
      'src/routes/orders.js:8:8 spec-auth-not-enforced error also api/openapi.yaml:64:5',
      'src/routes/orders.js:13:8 missing-rate-limit warning',
      'src/routes/orders.js:13:8 missing-validation warning',
      'src/routes/orders.js:14:49 spec-validation-not-enforced warning also api/openapi.yaml:77:7',
      'src/routes/search.js:8:8 missing-rate-limit error',
      'src/routes/search.js:8:8 missing-validation warning',
      'src/routes/search.js:8:8 spec-rate-limit-not-enforced warning also api/openapi.yaml:97:9',
      'src/routes/search.js:9:28 spec-validation-not-enforced warning also api/openapi.yaml:90:17',
      'src/routes/search.js:13:8 missing-auth warning',
      'src/routes/search.js:13:8 undocumented-route error',
      'src/routes/users.js:24:8 missing-rate-limit error',
      'src/routes/users.js:24:8 undocumented-route warning',
    ]);
  });

  it('explains each cross-check finding with the spec and the code evidence', () => {
    const byRule = (id: string) => r.findings.filter((f) => f.ruleId === id);
    const notEnforced = byRule('spec-auth-not-enforced')[0];
    assert.equal(
      notEnforced.message,
      'The spec requires bearerAuth for GET /orders/{id} (getOrder) (api/openapi.yaml:64), but GET /api/v1/orders/:id runs no authentication step (no auth step in the chain): anyone can call it.',
    );
    assert.deepEqual(
      notEnforced.evidence.filter((e) => e.location).map((e) => `${e.message} @ ${rel(dir, e.location!.file)}:${e.location!.start.line}`)[0],
      'global security requires bearerAuth @ api/openapi.yaml:8',
    );
    // The quick fix adds the project's own auth middleware.
    assert.ok(notEnforced.fixes.some((f) => f.title.startsWith('Add requireAuth to GET /api/v1/orders/:id')));
    assert.match(byRule('spec-auth-undocumented')[0].message, /^GET \/me\/settings \(getSettings\) opts out of security \(security: \[\]\), but its route GET \/api\/v1\/me\/settings \(src\/routes\/users\.js:19\) requires authentication/);
    assert.deepEqual(
      byRule('spec-validation-not-enforced').map((f) => f.message.replace(/ \([^()]*\.(yaml|json):\d+\)/, '')),
      [
        'The spec defines a schema for the request body of PUT /flags/{name} (setFlag), but PUT /admin/flags/:name reads req.body without validating it: the declared types and limits are not enforced.',
        'The spec defines schema NewOrder for the request body of POST /orders (createOrder), but POST /api/v1/orders reads req.body without validating it: the declared types and limits are not enforced.',
        'The spec constrains query parameter q of GET /search (search), but GET /api/v1/search reads req.query.q without validating it: the declared types and limits are not enforced.',
      ],
    );
    assert.match(byRule('unimplemented-operation')[0].message, /^DELETE \/users\/\{id\} \(deleteUser\) has no route in code, while 8 of the 9 operations of this spec do/);
  });

  it('reports only findings under the analysed paths, with the whole project as context', () => {
    const only = analyzeProject({ root: dir, paths: [path.join(dir, 'api')], config: defaultConfig(dir), rules: crossCheckRules });
    const files = new Set(only.findings.map((f) => rel(dir, f.location.file)));
    assert.deepEqual([...files].sort(), ['api/openapi.yaml']);
    // …and the zombie operation is still judged against every route of the package.
    assert.deepEqual(only.findings.map((f) => f.ruleId).sort(), ['spec-auth-undocumented', 'unimplemented-operation']);
  });
});

describe('spec documents: positions', () => {
  it('locates keys and values in JSON by pointer, escaped keys and arrays included', () => {
    const text = '{\n  "paths": {\n    "/a/{id}": {\n      "get": { "tags": ["x", "y"], "x\\"q": 1 }\n    }\n  }\n}\n';
    const sf = parseSpecFile('/s.json', text);
    assert.deepEqual(sf.problems, []);
    const at = (loc: { start: { line: number; column: number }; range: [number, number] }) => `${loc.start.line}:${loc.start.column} ${text.slice(loc.range[0], loc.range[1])}`;
    assert.equal(at(sf.locate(['paths', '/a/{id}', 'get'])), '4:7 "get"');
    assert.equal(at(sf.locate(['paths', '/a/{id}', 'get', 'tags', '1'])), '4:30 "y"');
    assert.equal(at(sf.locateValue(['paths', '/a/{id}', 'get', 'tags'])), '4:24 ["x", "y"]');
    assert.equal(at(sf.locate(['paths', '/a/{id}', 'get', 'x"q'])), '4:36 "x\\"q"');
    // A missing member falls back to its nearest existing ancestor.
    assert.equal(at(sf.locate(['paths', '/a/{id}', 'get', 'responses'])), '4:7 "get"');
  });

  it('locates keys and values in YAML, through anchors and flow collections', () => {
    const text = 'openapi: 3.1.0\npaths:\n  /a:\n    get: &op\n      summary: "hi"\n      tags: [x, y]\n    put: *op\n';
    const sf = parseSpecFile('/s.yaml', text);
    assert.deepEqual(sf.problems, []);
    const at = (loc: { start: { line: number; column: number }; range: [number, number] }) => `${loc.start.line}:${loc.start.column} ${text.slice(loc.range[0], loc.range[1])}`;
    assert.equal(at(sf.locate(['paths', '/a', 'get'])), '4:5 get');
    assert.equal(at(sf.locateValue(['paths', '/a', 'get', 'summary'])), '5:16 "hi"');
    assert.equal(at(sf.locate(['paths', '/a', 'get', 'tags', '1'])), '6:17 y');
    assert.equal(at(sf.locate(['paths', '/a', 'put', 'summary'])), '5:7 summary');
    assert.equal((sf.root as any).paths['/a'].put.summary, 'hi');
  });

  it('reports bad YAML and bad JSON as parse-error at the exact place, and still analyses the code', () => {
    const r = analyzeMemory({
      'openapi.yaml': 'openapi: 3.0.3\ninfo:\n  title: x\n  version: "1"\npaths:\n  /a:\n    get:\n      responses: {\n',
      'swagger.json': '{\n  "swagger": "2.0",\n  "paths": { "/a": }\n}\n',
      'dup.yaml': 'openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths: {}\npaths: {}\n',
      'app.js': "const express = require('express');\nconst app = express();\napp.delete('/x', (req, res) => res.end());\n",
    });
    assert.deepEqual(findingLines(r, ['parse-error', 'missing-auth']), [
      'app.js:3:5 missing-auth error DELETE /x has no authentication: no middleware before its handler verifies the caller (no middleware at all).',
      "dup.yaml:4:1 parse-error error Cannot parse dup.yaml: Map keys must be unique ('paths' appears twice). The document is not analysed.",
      // An unclosed flow map is only certain at the end of the file.
      'openapi.yaml:9:1 parse-error error Cannot parse openapi.yaml: Flow map in block collection must be sufficiently indented and end with a }. The document is not analysed.',
      "swagger.json:3:20 parse-error error Cannot parse swagger.json: unexpected '}', expected a value. The document is not analysed.",
    ].sort());
  });

  it('stops YAML alias bombs instead of expanding them', () => {
    const bomb = ['openapi: 3.0.3', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    const r = analyzeMemory({ 'bomb.yaml': bomb.join('\n') + '\n' });
    const lines = findingLines(r, ['parse-error']);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^bomb\.yaml:1:1 parse-error error Cannot parse bomb\.yaml: Excessive alias count/);
  });
});

describe('spec documents: $ref resolution and structure', () => {
  const base = (extra: string) => `openapi: 3.0.3\ninfo:\n  title: T\n  version: "1"\npaths:\n${extra}`;

  it('reports dangling, remote and escaping $refs in the file that holds them; circular refs are fine', () => {
    const r = analyzeMemory({
      'api/openapi.yaml': base(
        "  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: './schemas.yaml#/Node'\n      responses:\n        '200':\n          description: ok\n" +
          "  /b:\n    get:\n      responses:\n        '200':\n          $ref: 'https://example.com/common.yaml#/Ok'\n" +
          "  /c:\n    get:\n      responses:\n        '200':\n          $ref: '../../etc/passwd#/x'\n",
      ),
      'api/schemas.yaml': "Node:\n  type: object\n  properties:\n    child:\n      $ref: '#/Node'\n    other:\n      $ref: '#/Nope'\n",
    });
    assert.deepEqual(findingLines(r, ['spec-invalid']), [
      "api/openapi.yaml:20:17 spec-invalid warning Remote $ref 'https://example.com/common.yaml#/Ok' is not fetched (set \"allowRemoteRefs\": true in apiwarden.config.json to allow network access); what it describes is not checked",
      "api/openapi.yaml:25:17 spec-invalid error $ref '../../etc/passwd#/x' points outside the workspace; it is not read",
      "api/schemas.yaml:7:13 spec-invalid error $ref '#/Nope' points to nothing: #/Nope does not exist",
    ]);
  });

  it('reports schema violations at the offending key, without the noise of oneOf branches', () => {
    const r = analyzeMemory({
      'openapi.yaml': base("  /a:\n    get:\n      securty:\n        - bearer: []\n      responses:\n        '200': {}\n"),
    });
    assert.deepEqual(findingLines(r, ['spec-invalid']), [
      "openapi.yaml:8:7 spec-invalid error Not a valid OpenAPI 3.0.3 document: 'securty' is not allowed here (GET /a); check its spelling and indentation",
      "openapi.yaml:11:9 spec-invalid error Not a valid OpenAPI 3.0.3 document: GET /a › responses › 200 is missing the required property 'description'",
    ]);
  });

  it('reports an unsupported or numeric version instead of guessing', () => {
    const r = analyzeMemory({ 'a.yaml': 'openapi: 3.0\ninfo: {title: x, version: "1"}\npaths: {}\n', 'b.yaml': 'swagger: "1.2"\npaths: {}\n' });
    assert.deepEqual(findingLines(r, ['spec-invalid']), [
      "a.yaml:1:10 spec-invalid error 'openapi' must be a string: 3.0 is read as the number 3; write \"3.0.3\" (quoted)",
      "b.yaml:1:10 spec-invalid error Unsupported swagger version '1.2': API Warden reads Swagger 2.0 and OpenAPI 3.0 / 3.1",
    ]);
  });

  it('finds specs by content, not by name, and reads those named in config', () => {
    const files = {
      'docs/contract.yml': "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
      'openapi.spec.json': '{"info": {"title": "x", "version": "1"}, "openapi": "3.0.3", "paths": {}}',
      'data/fixtures.yaml': 'users:\n  - openapi: no\n',
      'package.json': '{"name": "x", "openapi": "3.0.0"}',
      'custom/contract.txt.yaml': '# no root key here\nx: 1\n',
    };
    const r = analyzeMemory(files);
    assert.deepEqual(r.model.specs.map((s) => s.file).sort(), ['/mem/docs/contract.yml', '/mem/openapi.spec.json']);
    const named = analyzeMemory(files, { specs: ['custom/contract.txt.yaml', 'missing.yaml'] });
    assert.deepEqual(findingLines(named, ['spec-invalid']), [
      'apiwarden.config.json:1:1 spec-invalid error The spec "missing.yaml" named in the config does not exist',
      "custom/contract.txt.yaml:2:1 spec-invalid error contract.txt.yaml is named in the config's \"specs\" but has no 'openapi' or 'swagger' key at its root",
    ]);
  });
});

describe('matching code paths to spec paths', () => {
  it('normalises parameters, trailing slashes and refuses wildcards', () => {
    assert.equal(codePathKey('/users/:id/'), specPathKey('/users/{userId}'));
    assert.equal(codePathKey('/files/:name.:ext'), specPathKey('/files/{name}.{ext}'));
    assert.equal(codePathKey('/a/*'), undefined);
    assert.equal(codePathKey('/a/:id?'), undefined);
    assert.notEqual(codePathKey('/users/me'), specPathKey('/users/{id}'));
  });

  it('reads server URL prefixes, with variables and relative URLs', () => {
    assert.equal(urlPathPrefix('https://api.example.com/v1/'), '/v1');
    assert.equal(urlPathPrefix('/api'), '/api');
    assert.equal(urlPathPrefix('https://api.example.com'), '');
    assert.equal(urlPathPrefix('//cdn.example.com/x?y=1'), '/x');
  });

  it('matches through server variables, basePath, operation-level servers and ALL routes', () => {
    const app = [
      "const express = require('express');",
      'const app = express();',
      "app.get('/v2/pets/:id', (req, res) => res.end());",
      "app.all('/v2/health-check', (req, res) => res.end());",
      "app.get('/legacy/things', (req, res) => res.end());",
      "app.get('/upload/files', (req, res) => res.end());",
    ].join('\n');
    const r = analyzeMemory({
      'app.js': app,
      'openapi.yaml':
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\nservers:\n  - url: '{scheme}://api.example.com/{version}'\n    variables:\n      scheme: {default: https}\n      version: {default: v2}\npaths:\n  /pets/{petId}:\n    get:\n      responses: {'200': {description: ok}}\n  /health-check:\n    post:\n      responses: {'200': {description: ok}}\n  /files:\n    get:\n      servers:\n        - url: https://uploads.example.com/upload\n      responses: {'200': {description: ok}}\n",
      'legacy.json': '{"swagger": "2.0", "info": {"title": "l", "version": "1"}, "basePath": "/legacy/", "paths": {"/things": {"get": {"responses": {"200": {"description": "ok"}}}}}}',
    });
    const joined = r.model.routes.map((rt) => `${rt.method} ${rt.path} -> ${rt.specOperations.map((o) => `${o.method} ${o.path}`).join(', ')}`).sort();
    assert.deepEqual(joined, ['ALL /v2/health-check -> POST /health-check', 'GET /legacy/things -> GET /things', 'GET /upload/files -> GET /files', 'GET /v2/pets/:id -> GET /pets/{petId}']);
  });
});

describe('large specs', () => {
  it('analyses a generated 3,000-operation spec and points at the last operation exactly', () => {
    const lines = ["openapi: 3.0.3", "info: {title: big, version: '1'}", 'paths:'];
    for (let i = 0; i < 1500; i++) {
      lines.push(`  /things${i}/{id}:`, '    get:', `      operationId: get${i}`, '      responses:', "        '200': {description: ok}", '    put:', `      operationId: put${i}`, '      responses:', "        '200': {description: ok}");
    }
    lines.push('  /last:', '    get:', '      responses:', "        '200': {}");
    const yaml = lines.join('\n') + '\n';
    const json = JSON.stringify({ openapi: '3.0.3', info: { title: 'big', version: '1' }, paths: Object.fromEntries([...Array.from({ length: 3000 }, (_, i): [string, unknown] => [`/p${i}`, { get: { responses: { 200: { description: 'ok' } } } }]), ['/last', { get: { responses: { 200: {} } } }]]) }, null, 1);
    const r = analyzeMemory({ 'big.yaml': yaml, 'big.json': json });
    assert.equal(r.model.specs.find((s) => s.file.endsWith('big.yaml'))!.operations.length, 3001);
    assert.equal(r.model.specs.find((s) => s.file.endsWith('big.json'))!.operations.length, 3001);
    const jsonLine = json.split('\n').findIndex((l) => l.includes('"/last"')) + 4;
    assert.deepEqual(findingLines(r, ['spec-invalid']), [
      `big.json:${jsonLine}:6 spec-invalid error Not a valid OpenAPI 3.0.3 document: GET /last › responses › 200 is missing the required property 'description'`,
      `big.yaml:${lines.length}:9 spec-invalid error Not a valid OpenAPI 3.0.3 document: GET /last › responses › 200 is missing the required property 'description'`,
    ]);
  });
});

describe('cross-check rules: look-alikes that must not fire, and one finding per thing', () => {
  const spec = (paths: string, extra = '') => `openapi: 3.0.3\ninfo: {title: t, version: '1'}\n${extra}paths:\n${paths}`;
  const ok = "      responses: {'200': {description: ok}}\n";

  it('a spec with a single implemented operation is not this project’s contract: no zombie operations', () => {
    const r = analyzeMemory(
      {
        'app.js': "const express = require('express');\nconst app = express();\napp.get('/users', (req, res) => res.end());\n",
        'client-spec.yaml': spec(`  /users:\n    get:\n${ok}  /orders:\n    get:\n${ok}  /invoices:\n    get:\n${ok}`),
      },
      {},
      crossCheckRules,
    );
    assert.deepEqual(findingLines(r, ['unimplemented-operation']), []);
  });

  it('wildcard routes serve the operations they cover; computed paths are not shadow routes', () => {
    const r = analyzeMemory(
      {
        'app.js': [
          "const express = require('express');",
          'const app = express();',
          "app.get('/users', (req, res) => res.end());",
          "app.get('/orders', (req, res) => res.end());",
          "app.get('/files/*', (req, res) => res.end());",
          "app.get('/x/' + process.env.P, (req, res) => res.end());",
        ].join('\n'),
        'openapi.yaml': spec(`  /users:\n    get:\n${ok}  /orders:\n    get:\n${ok}  /files/{path}:\n    get:\n${ok}  /gone:\n    get:\n${ok}`),
      },
      {},
      crossCheckRules,
    );
    assert.deepEqual(findingLines(r, ['unimplemented-operation', 'undocumented-route']), [
      'openapi.yaml:14:5 unimplemented-operation warning GET /gone has no route in code, while 2 of the 4 operations of this spec do: the spec is stale, or the route is registered where API Warden cannot see it.',
    ]);
    // The quick fix is a YAML comment above the operation.
    const fix = r.findings.find((f) => f.ruleId === 'unimplemented-operation')!.fixes[0]!;
    assert.deepEqual(fix.edits.map((e) => e.newText), ['    # apiwarden-disable-next-line unimplemented-operation -- TODO: explain why this is safe\n']);
  });

  it('an app.all() route matching several operations gets one finding, not one per operation', () => {
    const r = analyzeMemory(
      {
        'app.js': "const express = require('express');\nconst app = express();\napp.all('/things', (req, res) => res.end());\napp.get('/other', (req, res) => res.end());\n",
        'openapi.yaml': spec(`  /things:\n    get:\n${ok}    post:\n${ok}  /other:\n    get:\n${ok}`, 'security:\n  - key: []\ncomponents:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n'),
      },
      {},
      crossCheckRules,
    );
    assert.deepEqual(
      findingLines(r, ['spec-auth-not-enforced']).map((l) => l.split(' ').slice(0, 3).join(' ')),
      ['app.js:3:5 spec-auth-not-enforced error', 'app.js:4:5 spec-auth-not-enforced error'],
    );
  });

  it('an inherited document-level opt-out is reported on each operation, not piled on the root', () => {
    const r = analyzeMemory(
      {
        'app.js': [
          "const express = require('express');",
          'const app = express();',
          'function requireAuth(req, res, next) { if (!req.headers.authorization) return res.sendStatus(401); next(); }',
          "app.get('/a', requireAuth, (req, res) => res.end());",
          "app.get('/b', requireAuth, (req, res) => res.end());",
        ].join('\n'),
        'openapi.yaml': spec(`  /a:\n    get:\n${ok}  /b:\n    get:\n${ok}`, 'security: []\n'),
      },
      {},
      crossCheckRules,
    );
    assert.deepEqual(
      findingLines(r, ['spec-auth-undocumented']).map((l) => l.replace(/ \(app\.js:\d+\) requires authentication.*/, '')),
      [
        'openapi.yaml:6:5 spec-auth-undocumented warning GET /a has no security requirement in the spec (the document-level security is empty), but its route GET /a',
        'openapi.yaml:9:5 spec-auth-undocumented warning GET /b has no security requirement in the spec (the document-level security is empty), but its route GET /b',
      ],
    );
  });

  it('a required path parameter of bare type string is not a constraint the code must enforce', () => {
    const r = analyzeMemory(
      {
        'app.js': [
          "const express = require('express');",
          "const fs = require('fs');",
          'const app = express();',
          "app.get('/files/:name', (req, res) => res.send(fs.readFileSync('/srv/' + req.params.name)));",
          "app.get('/docs/:name', (req, res) => res.send(fs.readFileSync('/srv/' + req.params.name)));",
        ].join('\n'),
        'openapi.yaml': spec(
          `  /files/{name}:\n    get:\n      parameters:\n        - {name: name, in: path, required: true, schema: {type: string}}\n${ok}  /docs/{name}:\n    get:\n      parameters:\n        - {name: name, in: path, required: true, schema: {type: string, pattern: '^[a-z]+$'}}\n${ok}`,
        ),
      },
      {},
      crossCheckRules,
    );
    assert.deepEqual(
      findingLines(r, ['spec-validation-not-enforced']).map((l) => l.split(' ').slice(0, 3).join(' ')),
      ['app.js:5:73 spec-validation-not-enforced warning'],
    );
  });
});

describe('OpenAPI 3.1 specifics', () => {
  it('accepts $ref on path items (3.1 allows it) and follows them into other files', () => {
    const r = analyzeMemory({
      'openapi.yaml': "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: './items.yaml#/A'\n  /b:\n    $ref: '#/components/pathItems/B'\ncomponents:\n  pathItems:\n    B:\n      get:\n        responses: {'200': {description: ok}}\n",
      'items.yaml': "A:\n  get:\n    responses:\n      '200': {description: ok}\n",
    });
    assert.deepEqual(findingLines(r, ['spec-invalid']), []);
    const ops = r.model.specs[0]!.operations.map((o) => `${o.method} ${o.path} ${rel('/mem', o.location.file)}:${o.location.start.line}:${o.location.start.column}`);
    assert.deepEqual(ops, ['GET /a items.yaml:2:3', 'GET /b openapi.yaml:11:7']);
  });
});
