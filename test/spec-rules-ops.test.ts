/**
 * Spec rules about operations and inventory: spec-rate-limit-undocumented,
 * spec-missing-error-responses, spec-server-inventory, spec-deprecated-operation. Every finding
 * is asserted with its exact position and message, in YAML and JSON, for Swagger 2.0 and
 * OpenAPI 3.0 / 3.1, through `$ref`s into other files, next to look-alikes that must stay quiet.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { specDeprecatedOperation } from '../rules/spec-deprecated-operation';
import { specMissingErrorResponses } from '../rules/spec-missing-error-responses';
import { specRateLimitUndocumented } from '../rules/spec-rate-limit-undocumented';
import { specServerInventory } from '../rules/spec-server-inventory';
import type { Rule } from '../server/src/engine';
import { analyzeMemory, findingLines, repoRoot } from './helpers';

function lint(files: Record<string, string>, rule: Rule): string[] {
  const r = analyzeMemory(files, {}, [rule]);
  assert.deepEqual(r.internalErrors, []);
  return findingLines(r, [rule.meta.id]);
}

/** Spec problems the engine itself reports (to make sure the fixtures are valid documents). */
function specProblems(files: Record<string, string>): string[] {
  return findingLines(analyzeMemory(files, {}, []), ['spec-invalid', 'parse-error']);
}

const RL = 'spec-rate-limit-undocumented';
const RL_SENSITIVE = (m: string, p: string, kind: string) =>
  `${RL} warning ${m} ${p} is ${kind} endpoint and documents no 429 response: nothing in the contract says it is rate limited, so brute force and abuse at machine speed look like normal use to gateways, clients and testers.`;
const RL_NONE = `${RL} info No operation in this document documents a 429 response: the API publishes no rate limiting at all, so nothing tells gateways or clients that request volume is bounded.`;
const RL_RETRY = (where: string) =>
  `${RL} info ${where}: the 429 response has no Retry-After (or RateLimit / X-RateLimit-Reset) header: clients cannot back off correctly and tend to retry in a tight loop.`;

describe('spec-rate-limit-undocumented', () => {
  it('OpenAPI 3.0 YAML: credential and abuse-prone operations without 429, 429 without Retry-After', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
paths:
  /auth/login:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object }
      responses:
        '200': { description: Signed in }
        4XX: { description: Client error }
        default: { description: Error }
    get:
      responses:
        '200': { description: Login page }
  /auth/logout:
    post:
      responses:
        '204': { description: Signed out }
  /orders:
    post:
      responses:
        '201': { description: Created }
  /search:
    get:
      responses:
        '200': { description: Results }
        '429':
          description: Too many requests
          headers:
            X-RateLimit-Limit: { schema: { type: integer } }
  /invites:
    post:
      responses:
        '201': { description: Invited }
        '429':
          $ref: '#/components/responses/TooManyRequests'
  /exports:
    get:
      responses:
        '200': { description: The export }
        '429':
          $ref: '#/components/responses/TooManyRequests'
components:
  responses:
    TooManyRequests:
      description: Too many requests
      headers:
        retry-after:
          schema: { type: integer }
`,
    };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specRateLimitUndocumented), [
      // 4XX and default do not say the login is throttled; GET /auth/login (a page), POST /auth/logout
      // and the ordinary POST /orders are not reported; the shared 429 with `retry-after` is fine.
      `openapi.yaml:10:7 ${RL_SENSITIVE('POST', '/auth/login', 'a login')}`,
      `openapi.yaml:29:9 ${RL_RETRY('GET /search › responses › 429')}`,
    ]);
  });

  it('Swagger 2.0 JSON: no 429 anywhere gives one note at paths; 2.0 response headers are read', () => {
    const doc = {
      swagger: '2.0',
      info: { title: 'Shop', version: '1' },
      paths: {
        '/api/v1/users/sign-up': { post: { responses: { '201': { description: 'Created' } } } },
        '/api/checkout': { post: { responses: { '200': { description: 'Paid' }, default: { description: 'Error' } } } },
        '/orders': { get: { responses: { '200': { description: 'Orders' } } } },
      },
    };
    const files = { 'swagger.json': JSON.stringify(doc, null, 2) };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specRateLimitUndocumented), [
      `swagger.json:7:3 ${RL_NONE}`,
      `swagger.json:10:9 ${RL_SENSITIVE('POST', '/api/v1/users/sign-up', 'a sign-up')}`,
      `swagger.json:19:9 ${RL_SENSITIVE('POST', '/api/checkout', 'a payment')}`,
    ]);
    // With a 429 (and X-RateLimit-Reset, any case) on one operation, the document note goes away.
    (doc.paths['/orders'].get.responses as any)['429'] = { description: 'Slow down', headers: { 'x-ratelimit-RESET': { type: 'integer' } } };
    assert.deepEqual(lint({ 'swagger.json': JSON.stringify(doc, null, 2) }, specRateLimitUndocumented), [
      `swagger.json:10:9 ${RL_SENSITIVE('POST', '/api/v1/users/sign-up', 'a sign-up')}`,
      `swagger.json:19:9 ${RL_SENSITIVE('POST', '/api/checkout', 'a payment')}`,
    ]);
    // A 2.0 429 without a retry header, through a root `responses` definition: reported once, where it is defined.
    (doc.paths['/orders'].get.responses as any)['429'] = { $ref: '#/responses/TooMany' };
    (doc.paths['/api/checkout'].post.responses as any)['429'] = { $ref: '#/responses/TooMany' };
    (doc as any).responses = { TooMany: { description: 'Slow down', headers: { 'X-RateLimit-Limit': { type: 'integer' } } } };
    const text = JSON.stringify(doc, null, 2);
    assert.deepEqual(specProblems({ 'swagger.json': text }), []);
    assert.deepEqual(lint({ 'swagger.json': text }, specRateLimitUndocumented), [
      `swagger.json:10:9 ${RL_SENSITIVE('POST', '/api/v1/users/sign-up', 'a sign-up')}`,
      `swagger.json:46:5 ${RL_RETRY('responses › TooMany')}`,
    ]);
  });

  it('3.0 across files: a path item in another file reports there, a shared 429 once in its own file', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
paths:
  /auth/password-reset:
    $ref: 'paths/reset.yaml'
  /messages/sms:
    post:
      responses:
        '202': { description: Queued }
        '429': { $ref: 'common/responses.yaml#/TooManyRequests' }
  /reports/export:
    get:
      responses:
        '200': { description: Report }
        '429': { $ref: 'common/responses.yaml#/TooManyRequests' }
  /oauth/token:
    post:
      responses:
        '200': { description: Token }
        '429':
          description: Slow down
          headers:
            RateLimit: { $ref: '#/components/headers/RateLimit' }
components:
  headers:
    RateLimit:
      schema: { type: string }
`,
      'paths/reset.yaml': `post:
  summary: Send a reset link
  responses:
    '202':
      description: Sent
`,
      'common/responses.yaml': `TooManyRequests:
  description: Too many requests
  headers:
    X-RateLimit-Remaining:
      schema: { type: integer }
`,
    };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specRateLimitUndocumented), [
      `common/responses.yaml:1:1 ${RL_RETRY('TooManyRequests')}`,
      `paths/reset.yaml:3:3 ${RL_SENSITIVE('POST', '/auth/password-reset', 'a password reset')}`,
    ]);
  });
});

describe('spec-rate-limit-undocumented (3.1, evidence)', () => {
  it('OpenAPI 3.1 JSON: a webhooks-only document gets no note; a shared 429 names where it is used', () => {
    const hooks = { 'openapi.json': JSON.stringify({ openapi: '3.1.0', info: { title: 'Hooks', version: '1' }, webhooks: { ping: { post: { responses: { '200': { description: 'OK' } } } } } }, null, 2) };
    assert.deepEqual(specProblems(hooks), []);
    assert.deepEqual(lint(hooks, specRateLimitUndocumented), []);
    const doc = {
      openapi: '3.1.0',
      info: { title: 'Shop', version: '1' },
      paths: {
        '/api/auth/otp': { post: { responses: { '204': { description: 'Verified' }, '429': { $ref: '#/components/responses/Slow' } } } },
      },
      components: { responses: { Slow: { description: 'Slow down', headers: { 'RateLimit-Policy': { schema: { type: 'string' } } } } } },
    };
    const files = { 'openapi.json': JSON.stringify(doc, null, 2) };
    assert.deepEqual(specProblems(files), []);
    const r = analyzeMemory(files, {}, [specRateLimitUndocumented]);
    assert.deepEqual(findingLines(r), [`openapi.json:23:7 ${RL_RETRY('components › responses › Slow')}`]);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`),
      ['headers documented: RateLimit-Policy @25:9', 'used as the 429 response of POST /api/auth/otp @14:11'],
    );
  });
});

const ER = 'spec-missing-error-responses';
const ER_MSG = (sev: string, m: string, p: string, missing: string) =>
  `${ER} ${sev} ${m} ${p} documents ${missing}: how it rejects requests is not part of the contract, so clients cannot handle the rejection and security tests cannot check that it happens.`;
const NO_401 = 'no 401 (it requires authentication)';
const NO_403 = 'no 403 (it requires scopes)';
const NO_400 = 'no 400 or 422 (it takes input that can be invalid)';

describe('spec-missing-error-responses', () => {
  it('OpenAPI 3.0 YAML: one finding per operation listing what is missing; default and 4XX count', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - bearer: []
paths:
  /orders/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
      - { name: verbose, in: query, schema: { type: string } }
      - { name: session, in: cookie, required: true, schema: { type: string } }
    get:
      responses:
        '200': { description: The order }
        '404': { description: Not found }
    delete:
      responses:
        '204': { description: Deleted }
        default: { description: Error }
    put:
      responses:
        '200': { description: Updated }
        4XX: { description: Client error }
  /orders:
    get:
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
      responses:
        '200': { description: Orders }
    post:
      security:
        - oauth: [orders:write]
      requestBody:
        content:
          application/json:
            schema: { type: object }
      responses:
        '201': { description: Created }
        '401': { description: Unauthenticated }
  /catalog:
    get:
      security: []
      parameters:
        - { name: since, in: query, schema: { type: string, format: date } }
      responses:
        '200': { description: Products }
  /catalog/{sku}:
    get:
      security:
        - {}
        - bearer: []
      parameters:
        - { name: sku, in: path, required: true, schema: { type: string } }
      responses:
        '200': { description: Product }
  /auth/login:
    post:
      security: []
      requestBody:
        content:
          application/json:
            schema: { type: object }
      responses:
        '200': { description: Signed in }
        '422': { description: Invalid }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: { orders:write: Write orders }
`,
    };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specMissingErrorResponses), [
      // GET /orders/{id}: the path id and the optional query string are plain strings (only "not found"), the cookie is not counted.
      `openapi.yaml:12:7 ${ER_MSG('warning', 'GET', '/orders/{id}', NO_401)}`,
      `openapi.yaml:27:7 ${ER_MSG('warning', 'GET', '/orders', `${NO_401} and ${NO_400}`)}`,
      `openapi.yaml:36:7 ${ER_MSG('info', 'POST', '/orders', `${NO_403} and ${NO_400}`)}`,
      // Public: no 401 expected, but `format: date` can be invalid.
      `openapi.yaml:44:7 ${ER_MSG('info', 'GET', '/catalog', NO_400)}`,
      // GET /catalog/{sku}: optional auth ({} alternative), plain path string: nothing. DELETE (default), PUT (4xx), login (422): nothing.
    ]);
  });

  it('Swagger 2.0 JSON: scopes from securityDefinitions, body / formData / required header parameters', () => {
    const doc = {
      swagger: '2.0',
      info: { title: 'Shop', version: '1' },
      securityDefinitions: {
        oauth: { type: 'oauth2', flow: 'application', tokenUrl: 'https://auth.example.com/token', scopes: { admin: 'Admin' } },
        key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
      security: [{ key: [] }],
      paths: {
        '/admin/users': {
          post: {
            security: [{ oauth: ['admin'] }],
            parameters: [{ name: 'user', in: 'body', schema: { type: 'object' } }],
            responses: { '201': { description: 'Created' } },
          },
        },
        '/avatars': {
          post: {
            consumes: ['multipart/form-data'],
            parameters: [{ name: 'file', in: 'formData', type: 'file' }],
            responses: { '201': { description: 'Stored' }, '401': { description: 'No key' } },
          },
        },
        '/reports': {
          get: {
            parameters: [{ name: 'X-Tenant', in: 'header', required: true, type: 'string' }],
            responses: { '200': { description: 'Reports' }, '400': { description: 'Bad tenant' } },
          },
        },
      },
    };
    const files = { 'swagger.json': JSON.stringify(doc, null, 2) };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specMissingErrorResponses), [
      `swagger.json:46:9 ${ER_MSG('warning', 'POST', '/admin/users', `${NO_401}, ${NO_403} and ${NO_400}`)}`,
      `swagger.json:65:9 ${ER_MSG('info', 'POST', '/avatars', NO_400)}`,
      `swagger.json:85:9 ${ER_MSG('warning', 'GET', '/reports', NO_401)}`,
    ]);
  });

  it('3.1 and files: mutualTLS needs no 401, $ref parameters are read, a path item in another file reports there', () => {
    const files = {
      'openapi.yaml': `openapi: 3.1.0
info: { title: Shop, version: "1" }
security:
  - mtls: []
paths:
  /internal/sync:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object }
      responses:
        '204': { description: Synced }
  /items:
    get:
      security:
        - key: []
      parameters:
        - $ref: 'common/params.yaml#/Page'
      responses:
        '200': { description: Items }
        '401': { description: No key }
components:
  securitySchemes:
    mtls: { type: mutualTLS }
    key: { type: apiKey, in: header, name: X-Api-Key }
`,
      'common/params.yaml': `Page:
  name: page
  in: query
  schema: { type: [integer, 'null'] }
`,
    };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specMissingErrorResponses), [
      `openapi.yaml:12:7 ${ER_MSG('info', 'POST', '/internal/sync', NO_400)}`,
      `openapi.yaml:20:7 ${ER_MSG('info', 'GET', '/items', NO_400)}`,
    ]);
    const v30 = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - key: []
paths:
  /items/{id}:
    $ref: 'paths/item.yaml'
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`,
      'paths/item.yaml': `parameters:
  - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
get:
  responses:
    '200':
      description: The item
`,
    };
    assert.deepEqual(specProblems(v30), []);
    assert.deepEqual(lint(v30, specMissingErrorResponses), [`paths/item.yaml:4:3 ${ER_MSG('warning', 'GET', '/items/{id}', `${NO_401} and ${NO_400}`)}`]);
  });
});

describe('operations without responses (allowed in 3.1)', () => {
  it('report at the method key', () => {
    const files = {
      'openapi.yaml': `openapi: 3.1.0
info: { title: Shop, version: "1" }
security:
  - bearer: []
paths:
  /api/auth/signup:
    post:
      security: []
      requestBody:
        content:
          application/json:
            schema: { type: object }
  /orders:
    get:
      summary: No responses yet
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
`,
    };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specRateLimitUndocumented), [`openapi.yaml:5:1 ${RL_NONE}`, `openapi.yaml:7:5 ${RL_SENSITIVE('POST', '/api/auth/signup', 'a sign-up')}`]);
    assert.deepEqual(lint(files, specMissingErrorResponses), [
      `openapi.yaml:7:5 ${ER_MSG('info', 'POST', '/api/auth/signup', NO_400)}`,
      `openapi.yaml:14:5 ${ER_MSG('warning', 'GET', '/orders', NO_401)}`,
    ]);
  });
});

describe('spec-missing-error-responses (evidence)', () => {
  it('points at the security in force (global or own) and at the input that can be invalid', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - oauth: [orders:read]
paths:
  /orders:
    get:
      parameters:
        - { name: status, in: query, schema: { type: string, enum: [open, closed] } }
      responses:
        '200': { description: Orders }
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: { orders:read: Read orders }
`,
    };
    assert.deepEqual(specProblems(files), []);
    const r = analyzeMemory(files, {}, [specMissingErrorResponses]);
    assert.deepEqual(findingLines(r), [`openapi.yaml:10:7 ${ER_MSG('warning', 'GET', '/orders', `${NO_401}, ${NO_403} and ${NO_400}`)}`]);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`),
      [
        'the document-wide security requires credentials: oauth [orders:read] @3:1',
        'the document-wide security requires scopes: oauth [orders:read] @3:1',
        "query parameter 'status' is constrained (enum) @9:11",
        'documented responses: 200 @10:7',
      ],
    );
  });
});

const SI = 'spec-server-inventory';
const SI_NODESC = (url: string, n: number) =>
  `${SI} info Server ${url} has no description, in a list of ${n} servers: readers, generated clients and scanners cannot tell which environment it is, so tests and traffic can go to the wrong one.`;
const SI_NONPROD = (url: string, why: string, prod: string) =>
  `${SI} info Server ${url} looks like a non-production environment (${why}) and is published next to the production server ${prod}: such hosts usually run with weaker protection (debug output, test accounts, copied data) and the spec hands their address to every reader.`;

describe('spec-server-inventory', () => {
  it('OpenAPI 3.0 YAML: undescribed servers in a list, non-production hosts next to production (URL variables read)', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: https://api.example.com/v1
    description: Production
  - url: https://staging-api.example.com/v1
  - url: http://localhost:8080/v1
    description: Local development
  - url: '{scheme}://{env}.example.com'
    description: Per-environment host
    variables:
      scheme: { default: https }
      env: { default: sandbox, enum: [sandbox, api] }
paths: {}
`,
    };
    assert.deepEqual(specProblems(files), []);
    const prod = 'https://api.example.com/v1';
    assert.deepEqual(lint(files, specServerInventory), [
      `openapi.yaml:6:10 ${SI_NODESC('https://staging-api.example.com/v1', 4)}`,
      `openapi.yaml:6:10 ${SI_NONPROD('https://staging-api.example.com/v1', "'staging' in the host name", prod)}`,
      `openapi.yaml:7:10 ${SI_NONPROD('http://localhost:8080/v1', 'localhost', prod)}`,
      `openapi.yaml:9:10 ${SI_NONPROD('{scheme}://{env}.example.com', "'sandbox' in the host name", prod)}`,
    ]);
  });

  it('OpenAPI 3.1 JSON: look-alike hosts stay quiet; path-level server lists are read', () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 'Shop', version: '1' },
      servers: [
        { url: 'https://api.example.dev', description: 'Production (.dev is a public TLD)' },
        { url: 'https://api.sandbox-payments.com', description: 'Partner API (sandbox is the company name)' },
        { url: 'https://contest.example.com', description: 'Contest site' },
        { url: 'https://api.devices.io/v2', description: 'Device API' },
        { url: '/v1', description: 'Same host as the docs' },
      ],
      paths: {
        '/payments': {
          servers: [
            { url: 'https://pay.example.com', description: 'Live' },
            { url: 'https://pay.internal.example.com', description: 'Corporate network' },
          ],
          get: { responses: { '200': { description: 'Payments' } } },
        },
        '/reports': {
          get: { servers: [{ url: 'https://reports.example.com' }], responses: { '200': { description: 'Reports' } } },
        },
      },
    };
    const files = { 'openapi.json': JSON.stringify(doc, null, 2) };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specServerInventory), [
      `openapi.json:37:18 ${SI_NONPROD('https://pay.internal.example.com', "'internal' in the host name", 'https://api.example.dev')}`,
    ]);
  });

  it('one server, only non-production servers, Swagger 2.0 hosts: nothing; a path item in another file reports there', () => {
    const single = { 'openapi.yaml': 'openapi: 3.0.3\ninfo: { title: Shop, version: "1" }\nservers:\n  - url: https://dev.example.com\npaths: {}\n' };
    assert.deepEqual(lint(single, specServerInventory), []);
    const stagingOnly = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: https://staging.example.com
    description: Staging
  - url: https://qa.example.com
    description: QA
paths: {}
`,
    };
    assert.deepEqual(lint(stagingOnly, specServerInventory), []);
    const swagger = { 'swagger.yaml': 'swagger: "2.0"\ninfo: { title: Shop, version: "1" }\nhost: dev.example.com\nbasePath: /v1\npaths: {}\n' };
    assert.deepEqual(specProblems(swagger), []);
    assert.deepEqual(lint(swagger, specServerInventory), []);
    const split = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: https://api.example.com
paths:
  /legacy:
    $ref: 'paths/legacy.yaml'
`,
      'paths/legacy.yaml': `servers:
  - url: https://legacy.example.com
  - url: https://legacy.uat.example.com
get:
  responses:
    '200':
      description: Legacy
`,
    };
    assert.deepEqual(specProblems(split), []);
    assert.deepEqual(lint(split, specServerInventory), [
      `paths/legacy.yaml:2:10 ${SI_NODESC('https://legacy.example.com', 2)}`,
      `paths/legacy.yaml:3:10 ${SI_NODESC('https://legacy.uat.example.com', 2)}`,
      `paths/legacy.yaml:3:10 ${SI_NONPROD('https://legacy.uat.example.com', "'uat' in the host name", 'https://api.example.com')}`,
    ]);
  });
});

const DO = 'spec-deprecated-operation';
const DO_INFO = (m: string, p: string) =>
  `${DO} info ${m} ${p} is deprecated but still served: deprecated operations stay reachable and attackable until they are removed, and get less testing and monitoring than their replacements.`;
const DO_WEAKER = (m: string, p: string, other: string, how: string) =>
  `${DO} warning ${m} ${p} is deprecated and requires less security than ${other} (${how}): attackers look for the old door, and it stays open until the operation is removed.`;
const GLOBAL = "the document's global security";

describe('spec-deprecated-operation', () => {
  it('OpenAPI 3.0 YAML: deprecated operations, weaker than a live sibling on the same path', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
paths:
  /v1/orders:
    get:
      deprecated: true
      security:
        - bearer: []
      responses:
        '200': { description: Orders }
  /orders/{id}:
    get:
      security:
        - bearer: []
      parameters:
        - { name: id, in: path, required: true, deprecated: true, schema: { type: string } }
      responses:
        '200': { description: The order }
    delete:
      deprecated: true
      responses:
        '204': { description: Deleted }
  /products:
    get:
      deprecated: true
      responses:
        '200': { description: Products }
    post:
      security:
        - bearer: []
      responses:
        '201': { description: Created }
  /products/{sku}:
    put:
      deprecated: true
      security:
        - {}
        - bearer: []
      responses:
        '200': { description: Updated }
    get:
      security:
        - bearer: []
      responses:
        '200': { description: Product }
    options:
      deprecated: false
      responses:
        '204': { description: CORS }
  /legacy/{id}:
    get:
      deprecated: true
      security:
        - bearer: []
      responses:
        '200': { description: Old read }
    delete:
      deprecated: true
      responses:
        '204': { description: Old delete }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
`,
    };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specDeprecatedOperation), [
      `openapi.yaml:6:7 ${DO_INFO('GET', '/v1/orders')}`,
      // The deprecated path parameter (line 16) is not reported.
      `openapi.yaml:20:7 ${DO_WEAKER('DELETE', '/orders/{id}', 'GET /orders/{id}', 'it declares no security at all')}`,
      // A public deprecated GET beside an authenticated POST: reads are compared with reads only.
      `openapi.yaml:25:7 ${DO_INFO('GET', '/products')}`,
      `openapi.yaml:35:7 ${DO_WEAKER('PUT', '/products/{sku}', 'GET /products/{sku}', 'an empty {} alternative makes authentication optional')}`,
      // Both operations on /legacy/{id} are deprecated: no live sibling to compare with.
      `openapi.yaml:52:7 ${DO_INFO('GET', '/legacy/{id}')}`,
      `openapi.yaml:58:7 ${DO_INFO('DELETE', '/legacy/{id}')}`,
    ]);
  });

  it("Swagger 2.0 JSON: weaker than the document's global security (no auth, fewer scopes); public ones and other schemes stay info", () => {
    const doc = {
      swagger: '2.0',
      info: { title: 'Shop', version: '1' },
      securityDefinitions: {
        oauth: { type: 'oauth2', flow: 'application', tokenUrl: 'https://auth.example.com/token', scopes: { read: 'Read', admin: 'Admin' } },
        key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
      security: [{ oauth: ['read'] }],
      paths: {
        '/v1/users': { get: { deprecated: true, security: [{ oauth: [] }], responses: { '200': { description: 'Users' } } } },
        '/v1/stats': { get: { deprecated: true, security: [], responses: { '200': { description: 'Stats' } } } },
        '/v1/feed': { get: { deprecated: true, security: [], 'x-apiwarden-public': 'public RSS feed', responses: { '200': { description: 'Feed' } } } },
        '/v1/auth/login': { post: { deprecated: true, security: [], responses: { '200': { description: 'Signed in' } } } },
        '/v1/admin': { get: { deprecated: true, security: [{ oauth: ['read', 'admin'] }], responses: { '200': { description: 'Admin' } } } },
        '/v1/keys': { get: { deprecated: true, security: [{ key: [] }], responses: { '200': { description: 'Keys' } } } },
      },
    };
    const text = JSON.stringify(doc, null, 2);
    const files = { 'swagger.json': text };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specDeprecatedOperation), [
      `swagger.json:33:9 ${DO_WEAKER('GET', '/v1/users', GLOBAL, 'it accepts oauth where the document asks for oauth [read]')}`,
      `swagger.json:48:9 ${DO_WEAKER('GET', '/v1/stats', GLOBAL, 'security: [] turns authentication off')}`,
      `swagger.json:59:9 ${DO_INFO('GET', '/v1/feed')}`,
      `swagger.json:71:9 ${DO_INFO('POST', '/v1/auth/login')}`,
      `swagger.json:82:9 ${DO_INFO('GET', '/v1/admin')}`,
      `swagger.json:100:9 ${DO_INFO('GET', '/v1/keys')}`,
    ]);
  });

  it('evidence points at both security requirements', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
paths:
  /orders/{id}:
    get:
      security:
        - bearer: []
      responses:
        '200': { description: The order }
    delete:
      deprecated: true
      security: []
      responses:
        '204': { description: Deleted }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
`,
    };
    const r = analyzeMemory(files, {}, [specDeprecatedOperation]);
    assert.deepEqual(findingLines(r), [`openapi.yaml:11:7 ${DO_WEAKER('DELETE', '/orders/{id}', 'GET /orders/{id}', 'security: [] turns authentication off')}`]);
    assert.deepEqual(
      r.findings[0].evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`),
      ['deprecated: true @11:7', 'DELETE /orders/{id} declares security: [] (none) @12:7', 'GET /orders/{id} requires bearer @6:7'],
    );
  });

  it('3.0 path item in another file reports there; 3.1 deprecated webhooks are not operations of the API', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - bearer: []
paths:
  /accounts/{id}:
    $ref: 'paths/account.yaml'
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
`,
      'paths/account.yaml': `get:
  responses:
    '200': { description: Account }
patch:
  deprecated: true
  security: []
  responses:
    '200': { description: Updated }
`,
    };
    assert.deepEqual(specProblems(files), []);
    assert.deepEqual(lint(files, specDeprecatedOperation), [
      `paths/account.yaml:5:3 ${DO_WEAKER('PATCH', '/accounts/{id}', GLOBAL, 'security: [] turns authentication off')}`,
    ]);
    const v31 = {
      'openapi.yaml': `openapi: 3.1.0
info: { title: Shop, version: "1" }
webhooks:
  orderCreated:
    post:
      deprecated: true
      responses:
        '200': { description: Received }
paths:
  /orders:
    get:
      deprecated: true
      responses:
        '200': { description: Orders }
`,
    };
    assert.deepEqual(specProblems(v31), []);
    assert.deepEqual(lint(v31, specDeprecatedOperation), [`openapi.yaml:12:7 ${DO_INFO('GET', '/orders')}`]);
  });
});

describe('suppression in YAML specs', () => {
  it('a directive above the reported key suppresses exactly that finding', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: https://api.example.com
    description: Production
  # apiwarden-disable-next-line spec-server-inventory -- public sandbox for integrators, fake money only
  - url: https://sandbox.example.com
    description: Sandbox
  - url: https://qa.example.com
    description: QA
paths: {}
`,
    };
    const r = analyzeMemory(files, {}, [specServerInventory]);
    assert.deepEqual(findingLines(r), [`openapi.yaml:9:10 ${SI_NONPROD('https://qa.example.com', "'qa' in the host name", 'https://api.example.com')}`]);
    assert.deepEqual(
      r.findings.filter((f) => f.suppressed).map((f) => `${f.location.start.line}:${f.location.start.column} ${f.suppressed!.reason}`),
      ['7:10 public sandbox for integrators, fake money only'],
    );
  });
});

describe('rule pages of the spec operation rules', () => {
  for (const rule of [specRateLimitUndocumented, specMissingErrorResponses, specServerInventory, specDeprecatedOperation]) {
    it(`${rule.meta.id}: complete page, and its Bad / Good examples do what the page says`, () => {
      assert.equal(rule.meta.docs, `rules/${rule.meta.id}.md`);
      const text = fs.readFileSync(path.join(repoRoot(), rule.meta.docs), 'utf8');
      assert.match(text, new RegExp(`^# ${rule.meta.id}\\n`));
      for (const heading of [/^## The attack it prevents$/m, /^## How API Warden decides$/m, /^## What is not reported, and why$/m, /^## Bad$/m, /^## Good$/m, /^## How to fix$/m]) {
        assert.match(text, heading, `${rule.meta.id}: ${heading}`);
      }
      for (const id of [...rule.meta.owasp, ...rule.meta.cwe]) assert.ok(text.includes(id), `${rule.meta.id} page mentions ${id}`);
      for (const [mid, msg] of Object.entries(rule.meta.messages)) assert.ok(msg.length > 20, `${rule.meta.id}.${mid}`);
      // The examples are complete documents: Bad is reported as its comments say, Good is clean.
      const example = (h: string) => new RegExp(`^## ${h}\\n+\`\`\`yaml\\n([\\s\\S]*?)\`\`\``, 'm').exec(text)![1];
      const bad = { 'openapi.yaml': example('Bad') };
      const good = { 'openapi.yaml': example('Good') };
      assert.deepEqual(specProblems(bad), []);
      assert.deepEqual(specProblems(good), []);
      assert.deepEqual(lint(good, rule), []);
      const reported = lint(bad, rule).map((l) => l.split(' ').slice(0, 3).join(' '));
      assert.deepEqual(reported, EXPECTED_BAD[rule.meta.id]);
      // The example message block shows what the Bad example really produces (first line of each).
      const block = /^Example messages:\n+```text\n([\s\S]*?)```/m.exec(text)![1];
      for (const line of lint(bad, rule)) {
        const [pos, id, sev, ...msg] = line.replace(/^openapi\.yaml:/, '').split(' ');
        assert.match(block, new RegExp(`^  ${pos}\\s+${sev}\\s+${escape(msg.join(' '))}  ${id}$`, 'm'), line);
      }
    });
  }
});

const EXPECTED_BAD: Record<string, string[]> = {
  'spec-rate-limit-undocumented': ['openapi.yaml:10:7 spec-rate-limit-undocumented warning', 'openapi.yaml:18:9 spec-rate-limit-undocumented info'],
  'spec-missing-error-responses': ['openapi.yaml:10:7 spec-missing-error-responses warning'],
  'spec-server-inventory': [
    'openapi.yaml:4:10 spec-server-inventory info',
    'openapi.yaml:5:10 spec-server-inventory info',
    'openapi.yaml:5:10 spec-server-inventory info',
    'openapi.yaml:6:10 spec-server-inventory info',
  ],
  'spec-deprecated-operation': ['openapi.yaml:8:7 spec-deprecated-operation info', 'openapi.yaml:16:7 spec-deprecated-operation warning'],
};

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
