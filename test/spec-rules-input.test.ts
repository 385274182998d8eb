/**
 * Spec rules on request input: spec-unbounded-input, spec-mass-assignment, spec-ssrf-parameter.
 * Exact positions (line and column) and whole messages, YAML and JSON, Swagger 2.0, OpenAPI 3.0
 * and 3.1, `$ref`s into other files, and the look-alikes each rule deliberately leaves alone.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Rule } from '../server/src/engine';
import { specMassAssignment } from '../rules/spec-mass-assignment';
import { cannotBeUrl, fixesHost, fixesOtherScheme, relativeOnly, specSsrfParameter } from '../rules/spec-ssrf-parameter';
import { specUnboundedInput } from '../rules/spec-unbounded-input';
import { analyzeMemory, findingLines, repoRoot } from './helpers';

const run = (rule: Rule, files: Record<string, string>) => findingLines(analyzeMemory(files, {}, [rule]), [rule.meta.id]);
const findings = (rule: Rule, files: Record<string, string>) => analyzeMemory(files, {}, [rule]).findings.filter((f) => f.ruleId === rule.meta.id);

// Message tails, so the expectations stay readable.
const STR = ': add maxLength (or an enum, a fixed-size format such as uuid or date-time, or a ^…$ pattern without * or +) so oversized values are rejected before they are stored or processed.';
const ARR = ' accepts an array of any length: add maxItems so one request cannot make the server allocate, validate and process an unbounded list.';
const NUM = ' has no maximum: add maximum (or an enum) so out-of-range values are rejected at the edge instead of deep in the code.';
const SIZE = ' with no maximum: one request can make the server load, allocate or process an arbitrarily large quantity (a page of a million records, a batch of a million items); add maximum.';
const ANY = ' body: no schema is declared, so nothing limits its shape, depth or size; declare a schema with bounds.';
const U = 'spec-unbounded-input';

describe('spec-unbounded-input', () => {
  it('OpenAPI 3.0 YAML: parameters and a body schema in another file, each shared schema once, responses never', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
paths:
  /search:
    get:
      parameters:
        - name: q
          in: query
          schema: { type: string }
        - name: limit
          in: query
          schema: { type: integer, minimum: 1 }
        - name: page
          in: query
          schema: { type: integer, minimum: 1 }
        - name: sort
          in: query
          schema: { type: string, enum: [asc, desc] }
        - name: since
          in: query
          schema: { type: string, format: date-time }
        - name: ids
          in: query
          schema: { type: array, items: { type: string, format: uuid } }
        - name: Authorization
          in: header
          schema: { type: string }
        - name: filter
          in: query
          content:
            application/json:
              schema:
                type: object
                properties:
                  city: { type: string }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  results: { type: array, items: { type: string } }
                  total: { type: integer }
  /users:
    post:
      requestBody:
        content:
          application/json:
            schema:
              $ref: 'schemas/user.yaml#/User'
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                $ref: 'schemas/user.yaml#/User'
  /users/{id}:
    put:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
      requestBody:
        content:
          application/json:
            schema:
              $ref: 'schemas/user.yaml#/User'
      responses:
        '200': { description: ok }
`,
      'schemas/user.yaml': String.raw`User:
  type: object
  properties:
    id: { type: string, readOnly: true }
    name: { type: string, maxLength: 100 }
    bio: { type: string }
    email: { type: string, format: email }
    tags:
      type: array
      items: { type: string, maxLength: 20 }
    zip: { type: string, pattern: '^[0-9]{5}$' }
    code: { type: string, pattern: '^[A-Z]+$' }
    password: { type: string, pattern: '^(?=.*[A-Z])(?=.*\d).{8,64}$' }
    handle: { type: string, pattern: '^[a-z]{3,}$' }
    nick: { type: string, pattern: '^ab|cd$' }
    avatar: { type: string, format: binary }
    age: { type: integer, maximum: 150 }
    score: { type: number, exclusiveMaximum: true }
    active: { type: boolean }
    history:
      type: array
      readOnly: true
      items: { type: string }
    address:
      type: object
      properties:
        street: { type: string, maxLength: 80 }
        lines: { type: array, maxItems: 3, items: { type: string, maxLength: 80 } }
`,
    };
    const by = ' of POST /users (and 1 other operation)';
    assert.deepEqual(run(specUnboundedInput, files), [
      `openapi.yaml:9:27 ${U} warning Query parameter 'q' of GET /search accepts a string of any length${STR}`,
      `openapi.yaml:12:27 ${U} warning Query parameter 'limit' of GET /search is a size, count or amount ('limit')${SIZE}`,
      `openapi.yaml:15:27 ${U} info Query parameter 'page' of GET /search${NUM}`,
      `openapi.yaml:24:27 ${U} warning Query parameter 'ids' of GET /search${ARR}`,
      `openapi.yaml:35:33 ${U} warning Query parameter 'filter' property 'city' of GET /search accepts a string of any length${STR}`,
      `schemas/user.yaml:6:18 ${U} warning Request body property 'bio'${by} accepts a string of any length${STR}`,
      `schemas/user.yaml:7:20 ${U} warning Request body property 'email'${by} accepts a string of any length (format: email does not limit the length)${STR}`,
      `schemas/user.yaml:9:13 ${U} warning Request body property 'tags'${by}${ARR}`,
      `schemas/user.yaml:12:19 ${U} warning Request body property 'code'${by} accepts a string of any length (pattern ^[A-Z]+$ repeats without limit (+))${STR}`,
      `schemas/user.yaml:14:21 ${U} warning Request body property 'handle'${by} accepts a string of any length (pattern ^[a-z]{3,}$ repeats without limit ({n,}))${STR}`,
      `schemas/user.yaml:15:19 ${U} warning Request body property 'nick'${by} accepts a string of any length (pattern ^ab|cd$ has a top-level | so the anchors do not apply to every alternative)${STR}`,
      `schemas/user.yaml:18:20 ${U} info Request body property 'score'${by}${NUM}`,
    ]);
  });

  it('finding details: evidence points at the format or pattern and at every operation that accepts the schema', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Email' }
      responses: { '200': { description: ok } }
  /b:
    patch:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Email' }
      responses: { '200': { description: ok } }
components:
  schemas:
    Email: { type: string, format: email }
`,
    };
    const [f] = findings(specUnboundedInput, files);
    assert.equal(f.location.start.line, 20);
    assert.equal(f.location.start.column, 20);
    assert.equal(f.route, null);
    assert.deepEqual(
      f.evidence.map((e) => `${e.message} @${e.location?.start.line}:${e.location?.start.column}`),
      ['format: email does not limit the length @20:36', 'accepted by POST /a @5:5', 'accepted by PATCH /b @12:5'],
    );
    assert.equal(f.message, `Request body of POST /a (and 1 other operation) accepts a string of any length (format: email does not limit the length)${STR}`);
  });

  it('Swagger 2.0 JSON: parameters carry their own type, formData, body parameter; files and look-alikes are left alone', () => {
    const files = {
      'swagger.json': JSON.stringify(
        {
          swagger: '2.0',
          info: { title: 'Legacy', version: '1' },
          consumes: ['application/json'],
          paths: {
            '/items': {
              get: {
                parameters: [
                  { name: 'per_page', in: 'query', type: 'integer' },
                  { name: 'name', in: 'query', type: 'string', maxLength: 40 },
                  { name: 'tag', in: 'query', type: 'array', items: { type: 'string', maxLength: 10 } },
                ],
                responses: { '200': { description: 'ok', schema: { type: 'array', items: { type: 'string' } } } },
              },
              post: {
                parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/Item' } }],
                responses: { '201': { description: 'created' } },
              },
            },
            '/uploads': {
              post: {
                consumes: ['multipart/form-data'],
                parameters: [
                  { name: 'file', in: 'formData', type: 'file' },
                  { name: 'caption', in: 'formData', type: 'string' },
                ],
                responses: { '201': { description: 'created' } },
              },
            },
            '/any': {
              put: {
                parameters: [{ name: 'body', in: 'body', schema: {} }],
                responses: { '200': { description: 'ok' } },
              },
            },
          },
          definitions: {
            Item: {
              type: 'object',
              properties: {
                title: { type: 'string' },
                price: { type: 'number', maximum: 10000 },
                quantity: { type: 'integer', minimum: 1 },
                sku: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' },
              },
            },
          },
        },
        null,
        2,
      ),
    };
    assert.deepEqual(run(specUnboundedInput, files), [
      `swagger.json:17:21 ${U} warning Query parameter 'per_page' of GET /items is a size, count or amount ('per_page')${SIZE}`,
      `swagger.json:28:21 ${U} warning Query parameter 'tag' of GET /items${ARR}`,
      `swagger.json:79:21 ${U} warning Form field 'caption' of POST /uploads accepts a string of any length${STR}`,
      `swagger.json:95:13 ${U} warning Request body of PUT /any accepts any application/json${ANY}`,
      `swagger.json:111:19 ${U} warning Request body property 'title' of POST /items accepts a string of any length${STR}`,
      `swagger.json:118:19 ${U} warning Request body property 'quantity' of POST /items is a size, count or amount ('quantity')${SIZE}`,
    ]);
  });

  it('OpenAPI 3.1 JSON: type lists, numeric exclusiveMaximum, const, $ref siblings, allOf and oneOf, contentMediaType', () => {
    const files = {
      'openapi.json': JSON.stringify(
        {
          openapi: '3.1.0',
          info: { title: 'New', version: '1' },
          paths: {
            '/things': {
              post: {
                requestBody: {
                  content: {
                    'application/json': {
                      schema: {
                        type: 'object',
                        properties: {
                          note: { type: ['string', 'null'] },
                          rating: { type: 'integer', exclusiveMaximum: 6 },
                          pageSize: { type: 'integer', exclusiveMaximum: true },
                          kind: { const: 'thing' },
                          label: { $ref: '#/components/schemas/Text', maxLength: 30 },
                          title: { allOf: [{ $ref: '#/components/schemas/Text' }, { maxLength: 60 }] },
                          ref: { oneOf: [{ type: 'string', format: 'uuid' }, { type: 'string' }] },
                          mixed: { type: ['string', 'integer'] },
                          flags: { type: 'array', uniqueItems: true, items: { enum: ['a', 'b', 'c'] } },
                          pair: { type: 'array', prefixItems: [{ type: 'boolean' }, { type: 'boolean' }], items: false },
                          logo: { type: 'string', contentMediaType: 'image/png' },
                          blob: { type: 'string', contentEncoding: 'base64' },
                        },
                      },
                    },
                    'text/plain': {},
                    'application/octet-stream': {},
                  },
                },
                responses: { '201': { description: 'created' } },
              },
              put: {
                requestBody: { content: { 'application/merge-patch+json': {}, 'application/json': { schema: { description: 'anything' } } } },
                responses: { '200': { description: 'ok' } },
              },
            },
          },
          components: { schemas: { Text: { type: 'string' } } },
        },
        null,
        2,
      ),
    };
    assert.deepEqual(run(specUnboundedInput, files), [
      `openapi.json:17:29 ${U} warning Request body property 'note' of POST /things accepts a string of any length${STR}`,
      `openapi.json:27:29 ${U} warning Request body property 'pageSize' of POST /things is a size, count or amount ('pageSize')${SIZE}`,
      `openapi.json:54:33 ${U} warning Request body property 'ref' of POST /things accepts a string of any length${STR}`,
      `openapi.json:59:29 ${U} warning Request body property 'mixed' of POST /things has no upper bound (maxLength for string values, maximum for integer values): add them so oversized input is rejected before it costs memory, CPU or storage.`,
      `openapi.json:92:29 ${U} warning Request body property 'blob' of POST /things accepts a string of any length${STR}`,
      `openapi.json:111:13 ${U} warning Request body of PUT /things accepts any application/merge-patch+json${ANY}`,
      `openapi.json:113:15 ${U} warning Request body of PUT /things accepts any application/json${ANY}`,
    ]);
  });

  it('OpenAPI 3.0: $ref siblings are ignored (as the 3.0 spec says), boolean exclusiveMaximum needs maximum', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /t:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                label: { $ref: '#/components/schemas/Text', maxLength: 30 }
                top: { type: integer, maximum: 100, exclusiveMaximum: true }
                count: { type: integer, exclusiveMaximum: true }
      responses: { '200': { description: ok } }
components:
  schemas:
    Text: { type: string }
`,
    };
    assert.deepEqual(run(specUnboundedInput, files), [
      `openapi.yaml:14:32 ${U} warning Request body property 'count' of POST /t is a size, count or amount ('count')${SIZE}`,
      `openapi.yaml:18:19 ${U} warning Request body property 'label' of POST /t accepts a string of any length${STR}`,
    ]);
  });
});

describe('spec-unbounded-input: compositions and suppressions', () => {
  it('bounds from a oneOf parent reach its branches; every branch is judged; a YAML directive suppresses', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /c:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                contact:
                  type: string
                  maxLength: 120
                  oneOf:
                    - { format: email }
                    - { pattern: '^\\+[0-9 ]+$' }
                key:
                  anyOf:
                    - $ref: '#/components/schemas/Key'
                    - { type: integer, maximum: 99 }
                # apiwarden-disable-next-line spec-unbounded-input -- free text, capped by the 64 kB body limit
                note: { type: string }
                memo: { type: string }
      responses: { '200': { description: ok } }
components:
  schemas:
    Key: { type: string }
`,
    };
    assert.deepEqual(run(specUnboundedInput, files), [
      `openapi.yaml:24:31 ${U} warning Request body property 'memo' of POST /c accepts a string of any length${STR}`,
      `openapi.yaml:28:18 ${U} warning Request body property 'key' of POST /c accepts a string of any length${STR}`,
    ]);
    assert.equal(analyzeMemory(files, {}, [specUnboundedInput]).findings.filter((f) => f.suppressed).length, 1);
  });
});

const M = 'spec-mass-assignment';
const OWNED = ': the server should own this field; mark it readOnly: true or remove it from the request schema, and never bind the body to the model wholesale.';
const AP_TRUE = ': a client can add fields the schema never mentions, such as role or ownerId, and a server that binds or merges it into stored data writes them too; declare the properties and set additionalProperties: false.';
const AP_SCHEMA = ' accepts any number of extra properties (additionalProperties is a schema and there is no maxProperties): a client can add keys such as role or isAdmin, or millions of them; add maxProperties, or declare the properties and set additionalProperties: false.';
const OPEN = ': if the server binds the body to its model, any field the schema does not list can be written too; add ';

describe('spec-mass-assignment', () => {
  it('OpenAPI 3.0 YAML + JSON schema file: allOf unions, shared schemas once, read-only and response-only schemas left alone', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Accounts, version: "1" }
paths:
  /users:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: 'schemas/user.json#/User' }
    post:
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - $ref: 'schemas/user.json#/UserBase'
                - type: object
                  properties:
                    password: { type: string, maxLength: 64 }
                    role: { type: string, enum: [member, admin] }
      responses: { '201': { description: created } }
  /users/{id}:
    patch:
      requestBody:
        content:
          application/json:
            schema: { $ref: 'schemas/user.json#/UserBase' }
          application/x-www-form-urlencoded:
            schema: { $ref: 'schemas/user.json#/UserBase' }
      responses: { '200': { description: ok } }
    delete:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                ownerId: { type: string }
      responses: { '204': { description: gone } }
  /users/{id}/status:
    put:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                status: { type: string, enum: [active, suspended] }
      responses: { '200': { description: ok } }
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                status: { type: string, enum: [pending] }
                isAdmin: { type: boolean, const: false }
                items:
                  type: array
                  maxItems: 50
                  items:
                    type: object
                    properties:
                      id: { type: string, format: uuid }
                      userId: { type: string, format: uuid }
                category:
                  type: object
                  properties:
                    id: { type: string, format: uuid }
                metadata:
                  type: object
                  additionalProperties: { type: string, maxLength: 100 }
                labels:
                  type: object
                  maxProperties: 20
                  additionalProperties: { type: string, maxLength: 100 }
                extra:
                  type: object
                  additionalProperties: {}
      responses: { '201': { description: created } }
`,
      'schemas/user.json': `{
  "User": {
    "type": "object",
    "properties": {
      "id": { "type": "string" },
      "role": { "type": "string" }
    }
  },
  "UserBase": {
    "type": "object",
    "properties": {
      "id": { "type": "string", "readOnly": true },
      "name": { "type": "string", "maxLength": 50 },
      "email_verified": { "type": "boolean" },
      "tenantId": { "$ref": "#/TenantId" }
    }
  },
  "TenantId": { "type": "string", "format": "uuid", "readOnly": true }
}
`,
    };
    assert.deepEqual(run(specMassAssignment, files), [
      `openapi.yaml:22:21 ${M} warning The request body of POST /users lets clients set 'role' (privilege escalation)${OWNED}`,
      `openapi.yaml:77:19 ${M} warning Request body property 'metadata' of POST /orders${AP_SCHEMA}`,
      `openapi.yaml:84:19 ${M} warning Request body property 'extra' of POST /orders accepts undeclared properties (additionalProperties: {})${AP_TRUE}`,
      `schemas/user.json:14:7 ${M} warning The request body of POST /users (and 1 other operation) lets clients set 'email_verified' (a client can skip email verification)${OWNED}`,
    ]);
  });

  it('OpenAPI 3.1 JSON: an open entity schema is info, unevaluatedProperties: false closes it, additionalProperties: true is a warning', () => {
    const body = (schema: unknown) => ({ requestBody: { content: { 'application/json': { schema } } }, responses: { '200': { description: 'ok' } } });
    const files = {
      'openapi.json': JSON.stringify(
        {
          openapi: '3.1.0',
          info: { title: 'Projects', version: '1' },
          paths: {
            '/projects': { post: body({ $ref: '#/components/schemas/Project' }) },
            '/projects/{id}': { put: body({ allOf: [{ $ref: '#/components/schemas/Project' }, { properties: { note: { type: 'string' } } }] }) },
            '/closed': { post: body({ $ref: '#/components/schemas/Closed' }) },
            '/bulk': { post: body({ type: 'array', items: { type: 'object', properties: { userId: { type: 'string' }, name: { type: 'string' } } } }) },
            '/free': { patch: body({ type: 'object', additionalProperties: true, properties: { name: { type: 'string' } } }) },
          },
          components: {
            schemas: {
              Project: { type: 'object', properties: { id: { type: 'string', readOnly: true }, createdAt: { type: 'string', readOnly: true }, name: { type: 'string' } } },
              Closed: { type: 'object', unevaluatedProperties: false, properties: { id: { type: 'string', readOnly: true }, name: { type: 'string' } } },
            },
          },
        },
        null,
        2,
      ),
    };
    assert.deepEqual(run(specMassAssignment, files), [
      `openapi.json:83:21 ${M} warning Each item of the request body of POST /bulk lets clients set 'userId' (a client can act on or create data as another user)${OWNED}`,
      `openapi.json:109:17 ${M} warning The request body of PATCH /free accepts undeclared properties (additionalProperties: true)${AP_TRUE}`,
      `openapi.json:131:9 ${M} info The request body of POST /projects (and 1 other operation) is open to undeclared properties and describes a stored resource (server-owned 'id', 'createdAt' marked readOnly)${OPEN}additionalProperties: false (or unevaluatedProperties: false).`,
    ]);
  });

  it('look-alikes left alone: grant endpoints set roles on purpose, lists and reference objects are not server-owned fields', () => {
    const files = {
      'openapi.yaml': `openapi: 3.0.3
info: { title: Orgs, version: "1" }
paths:
  /orgs/{org}/memberships/{username}:
    put:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                role: { type: string, enum: [member, admin] }
      responses: { '200': { description: ok } }
  /orgs/{org}/invitations:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                email: { type: string, maxLength: 254 }
                role: { type: string, enum: [member, admin] }
                status: { type: string }
      responses: { '201': { description: created } }
  /advisories:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                credits:
                  type: array
                  items: { type: object, properties: { login: { type: string } } }
                owner:
                  type: object
                  properties: { login: { type: string } }
                roles:
                  type: array
                  items: { type: string }
                toAccountId: { type: string }
                roleName: { type: string }
      responses: { '201': { description: created } }
`,
    };
    assert.deepEqual(run(specMassAssignment, files), [
      `openapi.yaml:24:17 ${M} warning The request body of POST /orgs/{org}/invitations lets clients set 'status' (a client can skip workflow steps (pending → approved, unpaid → paid))${OWNED}`,
      `openapi.yaml:40:17 ${M} warning The request body of POST /advisories lets clients set 'roles' (privilege escalation)${OWNED}`,
    ]);
  });

  it('Swagger 2.0 YAML: body parameters, an open entity, additionalProperties: true; DELETE bodies are not judged', () => {
    const files = {
      'swagger.yaml': `swagger: "2.0"
info: { title: Bank, version: "1" }
paths:
  /accounts:
    post:
      parameters:
        - in: body
          name: body
          schema:
            $ref: '#/definitions/Account'
      responses: { '201': { description: created } }
  /accounts/{id}:
    delete:
      parameters:
        - { in: path, name: id, required: true, type: string }
        - in: body
          name: body
          schema: { type: object, properties: { balance: { type: number } } }
      responses: { '204': { description: gone } }
  /profiles/{id}:
    put:
      parameters:
        - { in: path, name: id, required: true, type: string }
        - { in: body, name: body, schema: { $ref: '#/definitions/Profile' } }
      responses: { '200': { description: ok } }
definitions:
  Profile:
    type: object
    properties:
      id: { type: string, readOnly: true }
      bio: { type: string }
  Account:
    type: object
    additionalProperties: true
    properties:
      name: { type: string }
      balance: { type: number }
      owner_id: { type: string, readOnly: true }
`,
    };
    assert.deepEqual(run(specMassAssignment, files), [
      `swagger.yaml:29:5 ${M} info The request body of PUT /profiles/{id} is open to undeclared properties and describes a stored resource (server-owned 'id' marked readOnly)${OPEN}additionalProperties: false.`,
      `swagger.yaml:34:5 ${M} warning The request body of POST /accounts accepts undeclared properties (additionalProperties: true)${AP_TRUE}`,
      `swagger.yaml:37:7 ${M} warning The request body of POST /accounts lets clients set 'balance' (a client can credit itself)${OWNED}`,
    ]);
  });
});

const S = 'spec-ssrf-parameter';
const FETCH = ': a client can point it at internal services or cloud metadata such as http://169.254.169.254/ (SSRF); restrict it to known hosts with an enum or an anchored pattern such as ^https://hooks\\.example\\.com/.';
const REDIR = ': a client can send users to any site (open redirect: phishing, stolen OAuth codes and tokens); allow only relative paths with a pattern such as ^/[^/\\\\], or known hosts with an anchored pattern or an enum.';

describe('spec-ssrf-parameter', () => {
  it('OpenAPI 3.0 YAML: parameters at their name, body properties at their key (in the file that declares them)', () => {
    const files = {
      'openapi.yaml': String.raw`openapi: 3.0.3
info: { title: Hooks, version: "1" }
paths:
  /preview:
    get:
      parameters:
        - { name: url, in: query, required: true, schema: { type: string } }
        - { name: redirect_uri, in: query, schema: { type: string, format: uri } }
        - { name: callback, in: query, schema: { type: string, pattern: '^[A-Za-z_$][\w$]*$' } }
        - { name: next, in: query, schema: { type: string } }
        - { name: target, in: query, schema: { type: string, format: uri } }
        - { name: link, in: query, schema: { type: integer } }
        - { name: returnTo, in: query, schema: { type: string, pattern: '^/[^/\\]' } }
        - { name: returnUrl, in: query, schema: { type: string, pattern: '^/' } }
        - { name: source_url, in: query, schema: { type: string, enum: ['https://a.example.com/feed'] } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  url: { type: string, format: uri }
  /hooks:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: 'schemas/hook.json#/Hook' }
      responses: { '201': { description: created } }
  /hooks/{id}:
    put:
      requestBody:
        content:
          application/json:
            schema: { $ref: 'schemas/hook.json#/Hook' }
      responses: { '200': { description: ok } }
`,
      'schemas/hook.json': JSON.stringify(
        {
          Hook: {
            type: 'object',
            properties: {
              webhookUrl: { type: 'string', pattern: String.raw`^https://hooks\.example\.com/` },
              callbackUrl: { type: 'string', pattern: '^https://hooks.example.com/' },
              imageUrls: { type: 'array', maxItems: 5, items: { type: 'string', format: 'uri' } },
              homepage: { type: 'string', format: 'uri' },
              endpoint: { type: 'string', format: 'uuid' },
              avatar_url: { type: 'string', readOnly: true },
              source: {
                type: 'object',
                properties: {
                  feed_url: { type: 'string', format: 'uri', pattern: String.raw`^https?://([a-z0-9-]+\.)*example\.com(/.*)?$` },
                  href: { type: 'string' },
                  destination: { type: 'string' },
                },
              },
            },
          },
        },
        null,
        2,
      ),
    };
    const by = ' of POST /hooks (and 1 other operation)';
    assert.deepEqual(run(specSsrfParameter, files), [
      `openapi.yaml:7:19 ${S} warning Query parameter 'url' of GET /preview is a URL the server may fetch (named 'url')${FETCH}`,
      `openapi.yaml:8:19 ${S} warning Query parameter 'redirect_uri' of GET /preview is a redirect target (named 'redirect_uri', format: uri)${REDIR}`,
      `openapi.yaml:11:19 ${S} warning Query parameter 'target' of GET /preview is a URL the server may fetch (named 'target', format: uri)${FETCH}`,
      `openapi.yaml:14:19 ${S} warning Query parameter 'returnUrl' of GET /preview is a redirect target (named 'returnUrl'; its pattern ^/ does not fix the host nor keep the target relative)${REDIR}`,
      `schemas/hook.json:9:7 ${S} warning Request body property 'callbackUrl'${by} is a URL the server may fetch (named 'callbackUrl'; its pattern ^https://hooks.example.com/ leaves a '.' of the host unescaped, which matches any character)${FETCH}`,
      `schemas/hook.json:13:7 ${S} warning Request body property 'imageUrls'${by} is a URL the server may fetch (a list of URLs, named 'imageUrls', format: uri)${FETCH}`,
      `schemas/hook.json:21:7 ${S} warning Request body property 'homepage'${by} is a URL the server may fetch (format: uri)${FETCH}`,
      `schemas/hook.json:41:11 ${S} warning Request body property 'source.href'${by} is a URL the server may fetch (named 'href')${FETCH}`,
    ]);
  });

  it('Swagger 2.0 JSON: query and formData parameters, parameters reached through $ref', () => {
    const files = {
      'swagger.json': JSON.stringify(
        {
          swagger: '2.0',
          info: { title: 'Import', version: '1' },
          paths: {
            '/imports': {
              post: {
                consumes: ['application/x-www-form-urlencoded'],
                parameters: [{ $ref: '#/parameters/FeedUrl' }, { name: 'notifyURL', in: 'formData', type: 'string' }, { name: 'title', in: 'formData', type: 'string', format: 'uri' }, { name: 'package_url', in: 'formData', type: 'string', pattern: '^pkg:' }],
                responses: { '202': { description: 'accepted' } },
              },
            },
            '/login': {
              get: {
                parameters: [{ name: 'continue', in: 'query', type: 'string', format: 'uri', pattern: '^/(?![/\\\\])' }],
                responses: { '302': { description: 'redirect' } },
              },
            },
          },
          parameters: { FeedUrl: { name: 'feedUrl', in: 'query', type: 'string', maxLength: 2048 } },
        },
        null,
        2,
      ),
    };
    assert.deepEqual(run(specSsrfParameter, files), [
      `swagger.json:18:21 ${S} warning Form field 'notifyURL' of POST /imports is a URL the server may fetch (named 'notifyURL')${FETCH}`,
      `swagger.json:23:21 ${S} warning Form field 'title' of POST /imports is a URL the server may fetch (format: uri)${FETCH}`,
      `swagger.json:63:15 ${S} warning Query parameter 'feedUrl' of POST /imports is a URL the server may fetch (named 'feedUrl')${FETCH}`,
    ]);
  });
  it('patterns: which ones fix the host, keep a redirect relative, cannot produce a URL, or fix a scheme nothing fetches', () => {
    const host = {
      [String.raw`^https://hooks\.example\.com/`]: true,
      [String.raw`^https?://api\.example\.com(/.*)?$`]: true,
      [String.raw`^https://([a-z0-9-]+\.)*example\.com/`]: true,
      [String.raw`^https://example\.com:8443/`]: true,
      [String.raw`^https:\/\/example\.com$`]: true,
      [String.raw`^https://example\.com[/?#]`]: true,
      [String.raw`^https://hooks.example.com/`]: false, // '.' matches any character: hooksXexample.com
      [String.raw`^https://example\.com`]: false, // https://example.com.evil.net
      [String.raw`^https://example\.com.*`]: false,
      [String.raw`^https://example\.com:.*`]: false, // https://example.com:x@evil.net
      [String.raw`^https://[^/]+/hook$`]: false,
      [String.raw`https://example\.com/`]: false, // not anchored
      [String.raw`^https://example\.com(/|.)`]: false,
      [String.raw`^https://([^/]+\.)?example\.com/`]: false, // https://evil.net?.example.com/
      [String.raw`^https://example\.com(/.*)?.*`]: false,
    };
    for (const [p, want] of Object.entries(host)) assert.equal(fixesHost(p), want, p);
    const relative = {
      [String.raw`^/[^/\\]`]: true,
      [String.raw`^/[^\\/]`]: true,
      [String.raw`^/(?![/\\])`]: true,
      [String.raw`^/[a-z]`]: true,
      [String.raw`^/$`]: true,
      [String.raw`^/(?:account|orders)`]: true,
      [String.raw`^/`]: false, // //evil.example
      [String.raw`^/[^/]`]: false, // /\evil.example
      [String.raw`^/(?!/)`]: false,
      [String.raw`^/[a-z]?`]: false,
      [String.raw`^/.*`]: false,
      [String.raw`/[a-z]`]: false,
    };
    for (const [p, want] of Object.entries(relative)) assert.equal(relativeOnly(p), want, p);
    const notUrl = {
      [String.raw`^[A-Za-z_$][\w$]*$`]: true,
      [String.raw`^[a-z0-9-]{1,40}$`]: true,
      [String.raw`^\d+$`]: true,
      [String.raw`^[A-Za-z_$][\w$]*`]: false, // not anchored at the end
      [String.raw`^[a-z]+|x$`]: false,
      [String.raw`^[^ ]+$`]: false,
      [String.raw`^\S+$`]: false,
      [String.raw`^.+$`]: false,
      [String.raw`^[!-~]+$`]: false, // the range covers ':' and '/'
      [String.raw`^[\w:]+$`]: false,
      [String.raw`^[\w\\]+$`]: false,
    };
    for (const [p, want] of Object.entries(notUrl)) assert.equal(cannotBeUrl(p), want, p);
    const otherScheme = { '^pkg:': true, '^urn:': true, '^mailto:': true, '^pkgs?:': true, '^h.tp': false, '^htt': false, '^https://': false, '^pk': false, '^pkg|http://': false, '^javascript:': false };
    for (const [p, want] of Object.entries(otherScheme)) assert.equal(fixesOtherScheme(p), want, p);
  });
});

describe('rule pages', () => {
  for (const rule of [specUnboundedInput, specMassAssignment, specSsrfParameter]) {
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
  }

  // The Bad example reports what its comments say, line by line; the Good example reports nothing.
  const example = (id: string, heading: 'Bad' | 'Good') => {
    const text = fs.readFileSync(path.join(repoRoot(), 'rules', `${id}.md`), 'utf8');
    const m = new RegExp(`^## ${heading}\\n+\`\`\`yaml\\n([\\s\\S]*?)\`\`\``, 'm').exec(text);
    assert.ok(m, `${id}: ${heading} example`);
    return m[1];
  };
  const cases: Array<[Rule, string[]]> = [
    [specUnboundedInput, ['9:27 warning', '12:27 warning', '21:31 warning', '23:25 warning', '29:11 warning', '36:22 warning', '37:27 warning']],
    [specMassAssignment, ['15:7 warning', '17:9 warning', '19:9 warning', '20:9 warning']],
    [specSsrfParameter, ['12:17 warning', '13:17 warning', '18:17 warning']],
  ];
  for (const [rule, bad] of cases) {
    it(`${rule.meta.id}: the page's examples`, () => {
      const lines = (yaml: string) => findings(rule, { 'openapi.yaml': yaml }).map((f) => `${f.location.start.line}:${f.location.start.column} ${f.severity}`);
      assert.deepEqual(lines(example(rule.meta.id, 'Good')), []);
      const badYaml = example(rule.meta.id, 'Bad');
      assert.deepEqual(lines(badYaml), bad);
      // Every reported line carries a comment in the example, and every `# warning` comment is reported.
      const commented = badYaml.split('\n').flatMap((l, i) => (/#\s*(warning|info)\b/.test(l) ? [i + 1] : []));
      assert.deepEqual([...new Set(bad.map((b) => Number(b.split(':')[0])))], commented);
    });
  }
});

describe('spec-unbounded-input: path parameter strings', () => {
  it('are info (capped by the URL length limit), while query strings stay warnings', () => {
    const r = analyzeMemory(
      {
        'openapi.yaml': "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /repos/{name}:\n    get:\n      parameters:\n        - {name: name, in: path, required: true, schema: {type: string}}\n        - {name: q, in: query, schema: {type: string}}\n      responses: {'200': {description: ok}}\n",
      },
      {},
      [specUnboundedInput],
    );
    assert.deepEqual(
      findingLines(r).map((l) => l.split(' ').slice(0, 3).join(' ')),
      ['openapi.yaml:7:65 spec-unbounded-input info', 'openapi.yaml:8:47 spec-unbounded-input warning'],
    );
  });
});
