/**
 * Spec rules about access: operations without security, admin operations secured like ordinary
 * ones, numeric object ids in paths. Exact positions and messages; each look-alike stays quiet.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Rule } from '../server/src/engine';
import { specAdminSharedSecurity } from '../rules/spec-admin-shared-security';
import { specMissingSecurity } from '../rules/spec-missing-security';
import { specSequentialId } from '../rules/spec-sequential-id';
import { analyzeMemory, findingLines, repoRoot } from './helpers';

function run(files: Record<string, string>, rule: Rule) {
  const r = analyzeMemory(files, {}, [rule]);
  assert.deepEqual(r.internalErrors, []);
  return r;
}

/** `file:line:col «covered text»` of each finding of `rule`: what the squiggle covers. */
function covered(r: ReturnType<typeof analyzeMemory>, files: Record<string, string>, rule: Rule): string[] {
  return r.findings
    .filter((f) => f.ruleId === rule.meta.id)
    .map((f) => {
      const rel = path.relative('/mem', f.location.file).split(path.sep).join('/');
      return `${rel}:${f.location.start.line}:${f.location.start.column} «${files[rel].slice(f.location.range[0], f.location.range[1])}»`;
    });
}

/** The documents used here should be valid OpenAPI: no spec-invalid findings hide a mistake in a test. */
function assertValidSpecs(r: ReturnType<typeof analyzeMemory>) {
  assert.deepEqual(findingLines(r, ['spec-invalid', 'parse-error']), []);
}

// ---------------------------------------------------------------------------------------------
describe('spec-missing-security', () => {
  const id = ['spec-missing-security'];

  it('OpenAPI 3.0 YAML: no security, opt-outs without a reason, optional auth, undefined schemes', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /orders:
    get:
      responses: { '200': { description: ok } }
    post:
      security:
        - bearer: []
        - {}
      responses: { '201': { description: created } }
  /orders/{orderId}:
    delete:
      security: []
      parameters:
        - { name: orderId, in: path, required: true, schema: { type: string, format: uuid } }
      responses: { '204': { description: deleted } }
  /auth/login:
    post:
      responses: { '200': { description: signed in } }
  /healthz:
    get:
      security: []
      responses: { '200': { description: ok } }
  /catalog:
    get:
      x-apiwarden-public: "product catalogue, no customer data"
      security: []
      responses: { '200': { description: ok } }
  /promotions:
    get:
      x-apiwarden-public: true
      security: []
      responses: { '200': { description: ok } }
  /reports:
    get:
      security:
        - bearr: []
        - bearer: []
          apiKey: []
        - bearr: []
          apiKey: []
      responses: { '200': { description: ok } }
  /reports/{reportId}:
    options:
      parameters:
        - { name: reportId, in: path, required: true, schema: { type: string } }
      responses: { '204': { description: CORS preflight } }
`,
    };
    const r = run(files, specMissingSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      'openapi.yaml:8:5 spec-missing-security warning GET /orders has no security requirement: no `security` on the operation and none at the document level, so the API description lets anyone call it without credentials.',
      'openapi.yaml:13:11 spec-missing-security error POST /orders makes authentication optional (an empty `{}` alternative in `security`) and does not say why; add `x-apiwarden-public: "<why>"` to the operation if anonymous calls are intended, or remove the `{}`.',
      'openapi.yaml:17:7 spec-missing-security error DELETE /orders/{orderId} opts out of authentication with `security: []` and does not say why; add `x-apiwarden-public: "<why>"` to the operation if it is public on purpose, or require a scheme.',
      'openapi.yaml:35:7 spec-missing-security info `x-apiwarden-public` on GET /promotions gives no reason, so it does not count as a declaration; write the reason as a string, e.g. `x-apiwarden-public: "public product catalogue"`.',
      'openapi.yaml:36:7 spec-missing-security warning GET /promotions opts out of authentication with `security: []` and does not say why; add `x-apiwarden-public: "<why>"` to the operation if it is public on purpose, or require a scheme.',
      "openapi.yaml:41:11 spec-missing-security error GET /reports requires the security scheme 'bearr', which is not defined in `components.securitySchemes`: it protects nothing, and tools reject or ignore the requirement.",
      "openapi.yaml:43:11 spec-missing-security error GET /reports requires the security scheme 'apiKey', which is not defined in `components.securitySchemes`: it protects nothing, and tools reject or ignore the requirement.",
    ]);
    assert.deepEqual(covered(r, files, specMissingSecurity), [
      'openapi.yaml:8:5 «get»',
      'openapi.yaml:13:11 «{}»',
      'openapi.yaml:17:7 «security»',
      'openapi.yaml:35:7 «x-apiwarden-public»',
      'openapi.yaml:36:7 «security»',
      'openapi.yaml:41:11 «bearr»',
      'openapi.yaml:43:11 «apiKey»',
    ]);
    // The undefined name points at what is defined.
    const bad = r.findings.find((f) => f.message.includes("'bearr'"))!;
    assert.deepEqual(bad.evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`), ['schemes defined here: bearer @4:3']);
    const noSec = r.findings.find((f) => f.message.startsWith('GET /orders has'))!;
    assert.deepEqual(noSec.evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`), ['schemes are defined (bearer) but nothing requires them for this operation @4:3']);
  });

  it('Swagger 2.0 JSON: securityDefinitions, inherited global security, a global name that is not defined', () => {
    const files = {
      'swagger.json': `{
  "swagger": "2.0",
  "info": { "title": "Legacy", "version": "1" },
  "securityDefinitions": { "apiKey": { "type": "apiKey", "name": "X-Key", "in": "header" } },
  "security": [ { "apiKey": [] }, { "basicAuth": [] } ],
  "paths": {
    "/accounts": {
      "get": { "responses": { "200": { "description": "ok" } } },
      "put": { "security": [], "responses": { "200": { "description": "ok" } } }
    },
    "/accounts/{id}": {
      "delete": { "security": [ { "basicAuth": [] } ], "parameters": [ { "name": "id", "in": "path", "required": true, "type": "string" } ], "responses": { "204": { "description": "gone" } } }
    }
  }
}`,
    };
    const r = run(files, specMissingSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      "swagger.json:5:37 spec-missing-security error The document-level `security` requires the security scheme 'basicAuth', which is not defined in `securityDefinitions`: it protects nothing, and tools reject or ignore the requirement.",
      'swagger.json:9:16 spec-missing-security error PUT /accounts opts out of authentication with `security: []` and does not say why; add `x-apiwarden-public: "<why>"` to the operation if it is public on purpose, or require a scheme.',
      "swagger.json:12:35 spec-missing-security error DELETE /accounts/{id} requires the security scheme 'basicAuth', which is not defined in `securityDefinitions`: it protects nothing, and tools reject or ignore the requirement.",
    ]);
    assert.deepEqual(covered(r, files, specMissingSecurity), ['swagger.json:5:37 «"basicAuth"»', 'swagger.json:9:16 «"security"»', 'swagger.json:12:35 «"basicAuth"»']);
  });

  it('an empty document-level security list is no security; every operation without its own is reported', () => {
    const files = {
      'api.yaml': `swagger: "2.0"
info: { title: Legacy, version: "1" }
security: []
paths:
  /notes:
    get:
      responses: { '200': { description: ok } }
    post:
      security:
        - token: []
      responses: { '200': { description: ok } }
`,
    };
    const r = run(files, specMissingSecurity);
    assert.deepEqual(findingLines(r, id), [
      'api.yaml:6:5 spec-missing-security warning GET /notes has no security requirement: no `security` on the operation and the document-level `security` is empty, so the API description lets anyone call it without credentials.',
      "api.yaml:10:11 spec-missing-security error POST /notes requires the security scheme 'token', which is not defined in `securityDefinitions`: it protects nothing, and tools reject or ignore the requirement.",
    ]);
    const f = r.findings.find((x) => x.ruleId === 'spec-missing-security')!;
    assert.deepEqual(f.evidence.map((e) => `${e.message} @${e.location?.start.line}`), ['the document-level `security` is an empty list @3']);
  });

  it('OpenAPI 3.1: optional auth at the document level is reported once, at the {}, counting the operations it leaves open', () => {
    const files = {
      'openapi.yaml': `openapi: 3.1.0
info: { title: Feed, version: "1" }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
security: [{ bearer: [] }, {}]
paths:
  /posts:
    get:
      responses: { '200': { description: ok } }
    post:
      responses: { '201': { description: ok } }
  /posts/{postId}:
    get:
      security: [{ bearer: [] }]
      responses: { '200': { description: ok } }
  /feed:
    get:
      x-apiwarden-public: "anonymous readers get the public feed"
      responses: { '200': { description: ok } }
  /health:
    get:
      responses: { '200': { description: ok } }
`,
    };
    const r = run(files, specMissingSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      'openapi.yaml:6:28 spec-missing-security error The document-level `security` makes authentication optional (an empty `{}` alternative) for 2 operations that set no security of their own, e.g. POST /posts: anonymous callers are accepted. Remove the `{}`, or mark the operations that are public on purpose with `x-apiwarden-public: "<why>"`.',
    ]);
    assert.deepEqual(covered(r, files, specMissingSecurity), ['openapi.yaml:6:28 «{}»']);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`),
      ['GET /posts inherits it @9:5', 'POST /posts inherits it @11:5'],
    );
  });

  it('reports in the file a path item is $ref-erenced from, once however often it is referenced', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /invoices:
    $ref: './paths/invoices.yaml'
  /v2/invoices:
    $ref: './paths/invoices.yaml'
`,
      'paths/invoices.yaml': `get:
  responses:
    '200': { description: ok }
post:
  security: []
  responses:
    '201': { description: ok }
`,
    };
    const r = run(files, specMissingSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      'paths/invoices.yaml:5:3 spec-missing-security error POST /invoices opts out of authentication with `security: []` and does not say why; add `x-apiwarden-public: "<why>"` to the operation if it is public on purpose, or require a scheme.',
    ]);
  });

  it('stays quiet on public-by-nature operations, explained opt-outs and secured operations', () => {
    const files = {
      'openapi.json': JSON.stringify(
        {
          openapi: '3.0.3',
          info: { title: 'Quiet', version: '1' },
          components: { securitySchemes: { oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://id.example.com/token', scopes: { read: 'read' } } } } } },
          security: [{ oauth: ['read'] }],
          paths: {
            '/api/v1/auth/login': { post: { security: [], responses: { 200: { description: 'ok' } } } },
            '/oauth/token': { post: { security: [], responses: { 200: { description: 'ok' } } } },
            '/api/v1/auth/sign-up': { post: { responses: { 201: { description: 'ok' } } } },
            '/docs': { get: { security: [], responses: { 200: { description: 'ok' } } } },
            '/status': { get: { security: [{}], responses: { 200: { description: 'ok' } } } },
            '/pricing': { get: { 'x-apiwarden-public': 'marketing page', security: [], responses: { 200: { description: 'ok' } } } },
            '/orders': { get: { responses: { 200: { description: 'ok' } } }, post: { security: [{ oauth: [] }], responses: { 201: { description: 'ok' } } } },
            '/orders/{orderId}': {
              // A CORS preflight (as API Gateway exports write them): no credentials by design.
              options: { security: [], parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'ok' } } },
            },
          },
        },
        null,
        2,
      ),
    };
    const r = run(files, specMissingSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), []);
  });
});

// ---------------------------------------------------------------------------------------------
describe('spec-admin-shared-security', () => {
  const id = ['spec-admin-shared-security'];

  it('OpenAPI 3.0 YAML: admin paths, operationIds and tags sharing the ordinary security; look-alikes stay quiet', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    staffKey: { type: apiKey, in: header, name: X-Staff-Key }
security:
  - bearer: []
paths:
  /orders:
    get:
      responses: { '200': { description: ok } }
  /admin/users:
    get:
      responses: { '200': { description: ok } }
  /administrators/{id}/profile:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
  /users/{id}:
    delete:
      operationId: adminDeleteUser
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '204': { description: ok } }
  /api/v1/internal/reindex:
    post:
      responses: { '202': { description: ok } }
  /refunds/{id}:
    post:
      tags: [Administration]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
  /admiral:
    get:
      operationId: getAdmiral
      responses: { '200': { description: ok } }
  /badminton/courts:
    get:
      tags: [badminton]
      responses: { '200': { description: ok } }
  /subscriptions/{id}/manage:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
  /staff/{staffId}:
    get:
      parameters: [{ name: staffId, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
  /admin/audit:
    get:
      security:
        - staffKey: []
      responses: { '200': { description: ok } }
  /admin/login:
    post:
      security: []
      responses: { '200': { description: ok } }
`,
    };
    const r = run(files, specAdminSharedSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      "openapi.yaml:14:5 spec-admin-shared-security warning GET /admin/users looks like an admin function (path segment 'admin') but requires exactly the same security as ordinary operations (bearer): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
      "openapi.yaml:17:5 spec-admin-shared-security warning GET /administrators/{id}/profile looks like an admin function (path segment 'administrators') but requires exactly the same security as ordinary operations (bearer): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
      "openapi.yaml:21:5 spec-admin-shared-security warning DELETE /users/{id} looks like an admin function (operationId 'adminDeleteUser') but requires exactly the same security as ordinary operations (bearer): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
      "openapi.yaml:26:5 spec-admin-shared-security warning POST /api/v1/internal/reindex looks like an admin function (path segment 'internal') but requires exactly the same security as ordinary operations (bearer): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
      "openapi.yaml:29:5 spec-admin-shared-security warning POST /refunds/{id} looks like an admin function (tag 'Administration') but requires exactly the same security as ordinary operations (bearer): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
    ]);
    assert.deepEqual(covered(r, files, specAdminSharedSecurity), ['openapi.yaml:14:5 «get»', 'openapi.yaml:17:5 «get»', 'openapi.yaml:21:5 «delete»', 'openapi.yaml:26:5 «post»', 'openapi.yaml:29:5 «post»']);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`),
      ['GET /orders is an ordinary operation with the same security @11:5', 'security inherited from the document level @7:1'],
    );
  });

  it('Swagger 2.0 JSON with OAuth scopes: same scopes (in any order) report, an admin scope does not', () => {
    const files = {
      'swagger.json': `{
  "swagger": "2.0",
  "info": { "title": "Scoped", "version": "1" },
  "securityDefinitions": {
    "oauth": { "type": "oauth2", "flow": "application", "tokenUrl": "https://id.example.com/token", "scopes": { "read": "r", "write": "w", "admin": "a" } }
  },
  "paths": {
    "/orders": {
      "get": { "security": [ { "oauth": ["read", "write"] } ], "responses": { "200": { "description": "ok" } } },
      "post": { "security": [ { "oauth": ["read", "write"] } ], "responses": { "200": { "description": "ok" } } }
    },
    "/admin/orders/{orderId}": {
      "delete": { "security": [ { "oauth": ["write", "read"] } ], "parameters": [ { "name": "orderId", "in": "path", "required": true, "type": "string" } ], "responses": { "204": { "description": "ok" } } },
      "put": { "security": [ { "oauth": ["read", "write", "admin"] } ], "parameters": [ { "name": "orderId", "in": "path", "required": true, "type": "string" } ], "responses": { "200": { "description": "ok" } } }
    },
    "/admin-tools/export": {
      "get": { "security": [ { "oauth": ["admin"] } ], "responses": { "200": { "description": "ok" } } }
    }
  }
}`,
    };
    const r = run(files, specAdminSharedSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      "swagger.json:13:7 spec-admin-shared-security warning DELETE /admin/orders/{orderId} looks like an admin function (path segment 'admin') but requires exactly the same security as ordinary operations (oauth (read, write)): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
    ]);
    assert.deepEqual(covered(r, files, specAdminSharedSecurity), ['swagger.json:13:7 «"delete"»']);
  });

  it('compares with the majority of ordinary operations; without a majority, with any of them', () => {
    const doc = (extra: string) => `openapi: 3.1.0
info: { title: Mixed, version: "1" }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    apiKey: { type: apiKey, in: header, name: X-Key }
    oauth:
      type: oauth2
      flows: { clientCredentials: { tokenUrl: 'https://id.example.com/token', scopes: { admin: a } } }
paths:
  /a: { get: { security: [{ bearer: [] }], responses: { '200': { description: ok } } } }
  /b: { get: { security: [{ bearer: [] }], responses: { '200': { description: ok } } } }
${extra}  /admin/jobs: { get: { security: [{ apiKey: [] }], responses: { '200': { description: ok } } } }
  /admin/roles: { get: { security: [{ oauth: [admin] }], responses: { '200': { description: ok } } } }
`;
    // No majority (bearer 2, apiKey 2, oauth 1): the admin operation shares apiKey with /c and /d.
    const noMajority = {
      'openapi.yaml': doc(`  /c: { get: { security: [{ apiKey: [] }], responses: { '200': { description: ok } } } }
  /d: { get: { security: [{ apiKey: [] }], responses: { '200': { description: ok } } } }
  /users/{id}/ban: { post: { security: [{ oauth: [admin] }], parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { '200': { description: ok } } } }
`),
    };
    const r1 = run(noMajority, specAdminSharedSecurity);
    assertValidSpecs(r1);
    assert.deepEqual(findingLines(r1, id), [
      "openapi.yaml:16:18 spec-admin-shared-security warning GET /admin/jobs looks like an admin function (path segment 'admin') but requires exactly the same security as ordinary operations (apiKey): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
      "openapi.yaml:17:19 spec-admin-shared-security warning GET /admin/roles looks like an admin function (path segment 'admin') but requires exactly the same security as ordinary operations (oauth (admin)): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
    ]);
    // A majority (bearer 3 of 4): only operations sharing bearer would be reported; apiKey and oauth(admin) are not.
    const majority = { 'openapi.yaml': doc(`  /c: { get: { security: [{ bearer: [] }], responses: { '200': { description: ok } } } }\n  /d: { get: { security: [{ apiKey: [] }], responses: { '200': { description: ok } } } }\n`) };
    const r2 = run(majority, specAdminSharedSecurity);
    assertValidSpecs(r2);
    assert.deepEqual(findingLines(r2, id), []);
  });

  it('reports in the $ref-erenced file, once for two references; a document of admin operations only has nothing to compare with', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /products:
    get:
      responses: { '200': { description: ok } }
  /backoffice/products:
    $ref: 'admin/products.yaml'
  /v2/backoffice/products:
    $ref: 'admin/products.yaml'
`,
      'admin/products.yaml': `post:
  summary: Create a product
  responses:
    '201': { description: created }
`,
      'admin-api.yaml': `openapi: 3.0.3
info: { title: Admin, version: "1" }
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /admin/users:
    get:
      responses: { '200': { description: ok } }
  /admin/users/{id}:
    delete:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '204': { description: ok } }
`,
    };
    const r = run(files, specAdminSharedSecurity);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      "admin/products.yaml:1:1 spec-admin-shared-security warning POST /backoffice/products looks like an admin function (path segment 'backoffice') but requires exactly the same security as ordinary operations (bearer): any signed-in user may call it. Require an admin scope or role, or a separate scheme.",
    ]);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${path.basename(e.location!.file)}:${e.location?.start.line} ${e.message}`),
      ['openapi.yaml:10 GET /products is an ordinary operation with the same security', 'openapi.yaml:3 security inherited from the document level'],
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('spec-sequential-id', () => {
  const id = ['spec-sequential-id'];

  it('OpenAPI 3.0 YAML: integer and digits-only ids, a shared parameter reported once, non-id integers quiet', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
  parameters:
    AccountId:
      name: accountId
      in: path
      required: true
      schema:
        type: integer
        format: int64
paths:
  /accounts/{accountId}:
    parameters:
      - $ref: '#/components/parameters/AccountId'
    get:
      responses: { '200': { description: ok } }
    delete:
      responses: { '204': { description: ok } }
  /accounts/{accountId}/statements:
    get:
      parameters:
        - $ref: '#/components/parameters/AccountId'
      responses: { '200': { description: ok } }
  /users/{user_id}:
    get:
      parameters:
        - name: user_id
          in: path
          required: true
          schema: { type: string, pattern: '^[1-9][0-9]*$' }
      responses: { '200': { description: ok } }
  /items/{itemId}:
    get:
      parameters:
        - { name: itemId, in: path, required: true, schema: { type: string, format: uuid } }
      responses: { '200': { description: ok } }
  /reports/{year}/{page}:
    get:
      parameters:
        - { name: year, in: path, required: true, schema: { type: integer } }
        - { name: page, in: path, required: true, schema: { type: integer } }
      responses: { '200': { description: ok } }
  /plans/{planId}:
    get:
      parameters:
        - { name: planId, in: path, required: true, schema: { type: integer, enum: [1, 2, 3] } }
      responses: { '200': { description: ok } }
  /devices/{UUID}:
    get:
      parameters:
        - { name: UUID, in: path, required: true, schema: { type: integer } }
      responses: { '200': { description: ok } }
  /search:
    get:
      parameters:
        - { name: userId, in: query, schema: { type: integer } }
      responses: { '200': { description: ok } }
  /hooks/{hookId}:
    options:
      security: []
      parameters:
        - { name: hookId, in: path, required: true, schema: { type: integer } }
      responses: { '204': { description: CORS preflight } }
`,
    };
    const r = run(files, specSequentialId);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      "openapi.yaml:14:15 spec-sequential-id info Path parameter 'accountId' is an integer (used by 3 operations, e.g. GET /accounts/{accountId}): numeric ids are usually sequential and easy to enumerate (1, 2, 3…), so a single missing ownership check exposes every object. Prefer random ids such as UUIDs.",
      "openapi.yaml:35:44 spec-sequential-id info Path parameter 'user_id' is a digits-only string (pattern '^[1-9][0-9]*$') (used by GET /users/{user_id}): numeric ids are usually sequential and easy to enumerate (1, 2, 3…), so a single missing ownership check exposes every object. Prefer random ids such as UUIDs.",
    ]);
    assert.deepEqual(covered(r, files, specSequentialId), ['openapi.yaml:14:15 «integer»', "openapi.yaml:35:44 «'^[1-9][0-9]*$'»"]);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${e.message} @${e.location?.start.line}`),
      ['used by GET /accounts/{accountId} @20', 'used by DELETE /accounts/{accountId} @22', 'used by GET /accounts/{accountId}/statements @25'],
    );
  });

  it('Swagger 2.0 JSON: the parameter carries the type; a $ref into another file reports there; no auth makes it a warning', () => {
    const files = {
      'swagger.json': `{
  "swagger": "2.0",
  "info": { "title": "Legacy", "version": "1" },
  "securityDefinitions": { "apiKey": { "type": "apiKey", "name": "X-Key", "in": "header" } },
  "paths": {
    "/invoices/{invoiceId}": {
      "get": {
        "security": [ { "apiKey": [] } ],
        "parameters": [ { "name": "invoiceId", "in": "path", "required": true, "type": "integer" } ],
        "responses": { "200": { "description": "ok" } }
      }
    },
    "/tickets/{ticketID}": {
      "get": {
        "parameters": [ { "$ref": "common/params.json#/TicketId" } ],
        "responses": { "200": { "description": "ok" } }
      }
    },
    "/tickets/{ticketID}/comments": {
      "get": {
        "security": [ { "apiKey": [] } ],
        "parameters": [ { "$ref": "common/params.json#/TicketId" } ],
        "responses": { "200": { "description": "ok" } }
      }
    },
    "/versions/{version}": {
      "get": {
        "security": [ { "apiKey": [] } ],
        "parameters": [ { "name": "version", "in": "path", "required": true, "type": "integer" } ],
        "responses": { "200": { "description": "ok" } }
      }
    }
  }
}`,
      'common/params.json': `{
  "TicketId": {
    "name": "ticketID",
    "in": "path",
    "required": true,
    "type": "string",
    "pattern": "^\\\\d+$"
  }
}`,
    };
    const r = run(files, specSequentialId);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      "common/params.json:7:16 spec-sequential-id warning Path parameter 'ticketID' is a digits-only string (pattern '^\\d+$') and GET /tickets/{ticketID} requires no authentication: anyone can enumerate the ids (1, 2, 3…) and reach every object. Require authentication, or use random ids such as UUIDs.",
      "swagger.json:9:88 spec-sequential-id info Path parameter 'invoiceId' is an integer (used by GET /invoices/{invoiceId}): numeric ids are usually sequential and easy to enumerate (1, 2, 3…), so a single missing ownership check exposes every object. Prefer random ids such as UUIDs.",
    ]);
    assert.deepEqual(covered(r, files, specSequentialId), ['common/params.json:7:16 «"^\\\\d+$"»', 'swagger.json:9:88 «"integer"»']);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${path.basename(e.location!.file)}:${e.location?.start.line} ${e.message}`),
      ['swagger.json:14 used by GET /tickets/{ticketID} (no authentication)', 'swagger.json:20 used by GET /tickets/{ticketID}/comments'],
    );
  });

  it('OpenAPI 3.1: a type list points at the numeric entry; deliberately public operations stay at info', () => {
    const files = {
      'openapi.yaml': `openapi: 3.1.0
info: { title: Catalogue, version: "1" }
paths:
  /products/{productId}:
    get:
      x-apiwarden-public: "public catalogue"
      parameters:
        - name: productId
          in: path
          required: true
          schema: { type: [string, integer] }
      responses: { '200': { description: ok } }
  /carts/{cartId}:
    get:
      parameters:
        - name: cartId
          in: path
          required: true
          schema: { $ref: 'schemas.yaml#/CartId' }
      responses: { '200': { description: ok } }
  /orders/{orderId}:
    get:
      parameters:
        - { name: orderId, in: path, required: true, schema: { type: string, format: uuid, pattern: '^[0-9a-f-]+$' } }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
`,
      'schemas.yaml': `CartId:
  type:
    - integer
  minimum: 1
`,
    };
    const r = run(files, specSequentialId);
    assertValidSpecs(r);
    assert.deepEqual(findingLines(r, id), [
      "openapi.yaml:11:36 spec-sequential-id info Path parameter 'productId' is an integer (used by GET /products/{productId}): numeric ids are usually sequential and easy to enumerate (1, 2, 3…), so a single missing ownership check exposes every object. Prefer random ids such as UUIDs.",
      "schemas.yaml:3:7 spec-sequential-id warning Path parameter 'cartId' is an integer and GET /carts/{cartId} requires no authentication: anyone can enumerate the ids (1, 2, 3…) and reach every object. Require authentication, or use random ids such as UUIDs.",
    ]);
    assert.deepEqual(covered(r, files, specSequentialId), ['openapi.yaml:11:36 «integer»', 'schemas.yaml:3:7 «integer»']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('spec-sequential-id in a document silent about security', () => {
  it('stays at info: the auth picture is unknown, and spec-missing-security reports the silence once', () => {
    const r = run({ 'openapi.yaml': "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths:\n  /carts/{cartId}:\n    get:\n      parameters:\n        - { name: cartId, in: path, required: true, schema: { type: integer } }\n      responses: { '200': { description: ok } }\n" }, specSequentialId);
    assert.deepEqual(findingLines(r, ['spec-sequential-id']).map((l) => l.split(' ').slice(0, 3).join(' ')), ['openapi.yaml:7:69 spec-sequential-id info']);
  });
});

describe('spec-missing-security: a document with no security anywhere', () => {
  it('gets one finding at paths, not one per operation', () => {
    const ops = Array.from({ length: 40 }, (_, i) => `  /things${i}:\n    get:\n      responses: { '200': { description: ok } }\n    delete:\n      responses: { '204': { description: gone } }\n`).join('');
    const r = analyzeMemory({ 'openapi.yaml': `openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n${ops}  /health:\n    get:\n      responses: { '200': { description: ok } }\n` }, {}, [specMissingSecurity]);
    assert.deepEqual(findingLines(r), [
      'openapi.yaml:3:1 spec-missing-security error This document describes no security at all: no security schemes and no `security` on any of its 80 operations (40 of them change state), so it documents the whole API as public. Define the schemes the API uses and require them (document-level `security`), marking public operations with `x-apiwarden-public: "<why>"`.',
    ]);
    const f = r.findings[0]!;
    assert.equal(f.evidence.length, 10);
    assert.match(f.evidence[0]!.message, /^DELETE \/things0 has no security requirement$/);
  });
});

describe('suppressing spec findings in YAML', () => {
  it('a directive above the reported line suppresses it, with its reason', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
paths:
  /metrics/{id}:
    # apiwarden-disable-next-line spec-missing-security -- reachable only inside the VPC
    get:
      parameters:
        - name: id
          in: path
          required: true
          schema:
            # apiwarden-disable-next-line spec-sequential-id -- ids are per-tenant and scoped by tenant_id
            type: integer
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer, bearerFormat: JWT }
`,
    };
    const r = analyzeMemory(files, {}, [specMissingSecurity, specSequentialId]);
    assert.deepEqual(findingLines(r, ['spec-missing-security', 'spec-sequential-id']), []);
    assert.deepEqual(
      r.findings.filter((f) => f.suppressed).map((f) => `${f.location.start.line}:${f.location.start.column} ${f.ruleId} -- ${f.suppressed!.reason}`),
      ['6:5 spec-missing-security -- reachable only inside the VPC', '13:19 spec-sequential-id -- ids are per-tenant and scoped by tenant_id'],
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('pages of these rules', () => {
  for (const rule of [specMissingSecurity, specAdminSharedSecurity, specSequentialId]) {
    it(`${rule.meta.id} has a complete page`, () => {
      assert.equal(rule.meta.docs, `rules/${rule.meta.id}.md`);
      const text = fs.readFileSync(path.join(repoRoot(), rule.meta.docs), 'utf8');
      assert.match(text, new RegExp(`^# ${rule.meta.id}\\b`));
      for (const heading of [/^## The attack it prevents/m, /^## How API Warden decides/m, /^##+ Bad/m, /^##+ Good/m, /^## How to fix/m, /^##+ What is not reported/m]) {
        assert.match(text, heading, `${rule.meta.id}: ${heading}`);
      }
      for (const id of [...rule.meta.owasp, ...rule.meta.cwe]) assert.ok(text.includes(id), `${rule.meta.id} page mentions ${id}`);
      for (const [mid, msg] of Object.entries(rule.meta.messages)) assert.ok(msg.length > 20, `${rule.meta.id}.${mid}`);
    });
    it(`${rule.meta.id}: the page's Bad example is reported and its Good example is not`, () => {
      const text = fs.readFileSync(path.join(repoRoot(), rule.meta.docs), 'utf8');
      const example = (heading: string) => /```yaml\n([\s\S]*?)```/.exec(text.slice(text.indexOf(heading)))![1];
      const bad = analyzeMemory({ 'openapi.yaml': example('## Bad') }, {}, [rule]);
      assertValidSpecs(bad);
      // Each reported line carries a comment starting with its severity, and only those.
      const marked = example('## Bad')
        .split('\n')
        .flatMap((l, i) => {
          const m = /#\s*(error|warning|info)\b/.exec(l);
          return m ? [`${i + 1} ${m[1]}`] : [];
        });
      assert.ok(marked.length > 0);
      assert.deepEqual(bad.findings.filter((f) => f.ruleId === rule.meta.id).map((f) => `${f.location.start.line} ${f.severity}`), marked);
      const good = analyzeMemory({ 'openapi.yaml': example('## Good') }, {}, [rule]);
      assertValidSpecs(good);
      assert.deepEqual(findingLines(good, [rule.meta.id]), []);
    });
  }
});
