/**
 * Spec rules about authentication schemes and credentials on the wire:
 * spec-weak-security-scheme, spec-credentials-in-url, spec-insecure-transport.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Rule } from '../server/src/engine';
import { specCredentialsInUrl } from '../rules/spec-credentials-in-url';
import { specInsecureTransport } from '../rules/spec-insecure-transport';
import { specWeakSecurityScheme } from '../rules/spec-weak-security-scheme';
import { analyzeMemory, findingLines, repoRoot } from './helpers';

const WEAK = 'spec-weak-security-scheme';
const URLS = 'spec-credentials-in-url';
const TRANSPORT = 'spec-insecure-transport';

function lines(rule: Rule, files: Record<string, string>): string[] {
  const r = analyzeMemory(files, {}, [rule]);
  assert.deepEqual(r.internalErrors, []);
  return findingLines(r, [rule.meta.id]);
}

// ---------------------------------------------------------------------------------------------
// Messages (the fixed tails, so the expectations below stay readable)

const BASIC_WHY = 'the password itself (base64, not encrypted) travels with every request, never expires, carries no scope and cannot carry MFA; use short-lived tokens (OAuth 2.0 / OpenID Connect) instead.';
const DIGEST_WHY = 'it is MD5-based in practice, makes the server store password-equivalent hashes and cannot carry MFA; use short-lived tokens (OAuth 2.0 / OpenID Connect) instead.';
const NEGOTIATE_WHY = 'SPNEGO falls back to NTLM, which is open to relay and offline cracking, and it authenticates a connection that proxies may share; use token-based authentication for an HTTP API.';
const OAUTH1_WHY = 'OAuth 1.0 (RFC 5849) is obsolete and superseded by OAuth 2.0: it allows PLAINTEXT signatures, signs with HMAC-SHA1 and gets no current security guidance; move to OAuth 2.0 with the authorization code flow.';
const IMPLICIT_TAIL = 'access tokens come back in the redirect URL, where browser history, logs and Referer headers leak them, and nothing binds them to the client; the OAuth 2.0 Security BCP (RFC 9700) deprecates it. Use the authorization code flow with PKCE.';
const PASSWORD_TAIL = "the client handles the user's password, which rules out MFA and phishing-resistant sign-in; the OAuth 2.0 Security BCP (RFC 9700) says it must not be used. Use the authorization code flow with PKCE (or client credentials between services).";
const BEARER_TAIL = 'clients, gateways and reviewers cannot tell which token to expect and validate; add bearerFormat (JWT if it is one).';

const weak = (at: string, sev: string, text: string) => `${at} ${WEAK} ${sev} ${text}`;
const basic = (at: string, name: string, usage: string) => weak(at, 'warning', `Security scheme '${name}' uses HTTP Basic authentication (${usage}): ${BASIC_WHY}`);
const implicit = (at: string, name: string, usage: string) => weak(at, 'error', `Security scheme '${name}' offers the OAuth 2.0 implicit flow (${usage}): ${IMPLICIT_TAIL}`);
const passwordFlow = (at: string, name: string, usage: string) => weak(at, 'warning', `Security scheme '${name}' offers the OAuth 2.0 resource owner password flow (${usage}): ${PASSWORD_TAIL}`);
const bearer = (at: string, name: string, usage: string) => weak(at, 'info', `Security scheme '${name}' is an HTTP bearer token with no bearerFormat (${usage}): ${BEARER_TAIL}`);

const URL_TAIL = 'URLs are kept in access, proxy and CDN logs, browser history and Referer headers, so it leaks; send it in a header (Authorization) or the request body.';
const cred = (at: string, sev: string, where: string, param: string, what: string, usage: string) => `${at} ${URLS} ${sev} ${where} parameter '${param}' puts ${what} in the URL (${usage}): ${URL_TAIL}`;
const linkToken = (at: string, where: string, param: string, usage: string) =>
  `${at} ${URLS} info ${where} parameter '${param}' carries a one-time link token in the URL (${usage}): acceptable for e-mailed links only if the token is single-use, expires within minutes to hours, and the page it opens sends Referrer-Policy: no-referrer.`;
const apiKeyQuery = (at: string, sev: string, name: string, param: string, usage: string) =>
  `${at} ${URLS} ${sev} Security scheme '${name}' sends its API key '${param}' in the query string (${usage}): URLs are kept in access, proxy and CDN logs, browser history and Referer headers, so the key leaks; send it in a header (in: header).`;

const httpServer = (at: string, url: string, scheme = 'http') =>
  `${at} ${TRANSPORT} error Server URL '${url}' uses clear-text ${scheme}: requests, credentials and responses cross the network unencrypted, where anyone on the path can read and change them; serve the API over ${scheme === 'ws' ? 'wss' : 'https'} only.`;
const schemeVariable = (at: string, url: string, variable: string) =>
  `${at} ${TRANSPORT} error Server URL '${url}' defaults its variable '${variable}' to clear-text http: requests, credentials and responses cross the network unencrypted; make https the default and drop http from the options.`;
const schemeOption = (at: string, url: string, variable: string, value: string) =>
  `${at} ${TRANSPORT} info Server URL '${url}' lets variable '${variable}' select clear-text http ('${value}'): a client configured with it sends requests and credentials unencrypted; drop the option unless it only serves local development.`;
const swaggerScheme = (at: string, where: string, value: string, host: string) =>
  `${at} ${TRANSPORT} error ${where} lists '${value}' in schemes${host ? ` for host ${host}` : ''}: the API is offered in clear text, so requests, credentials and responses can be read and changed by anyone on the network path; list only ${value === 'ws' ? 'wss' : 'https'}.`;
const oauthUrl = (at: string, sev: string, field: string, name: string, usage: string, why: string) => `${at} ${TRANSPORT} ${sev} ${field} of security scheme '${name}' is clear-text HTTP (${usage}): ${why}; use https://.`;
const TOKEN_URL_WHY = 'client secrets, authorization codes, passwords and the issued tokens would cross the network unencrypted';
const AUTH_URL_WHY = 'users would sign in, and authorization codes would be returned, over an unencrypted connection';
const OIDC_WHY = 'an attacker on the network can swap the discovery document and point clients at their own endpoints and signing keys';
const REFRESH_WHY = 'refresh tokens and the new access tokens would cross the network unencrypted';

// ---------------------------------------------------------------------------------------------
// spec-weak-security-scheme

describe('spec-weak-security-scheme', () => {
  it('reports weak HTTP schemes, implicit and password flows and bearer without format, once each, at the key or value (3.0 YAML)', () => {
    const spec = `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - basicAuth: []
paths:
  /orders:
    get:
      security:
        - oauth: [orders:read]
        - digestAuth: []
      responses: { '200': { description: OK } }
    post:
      security:
        - oauth: [orders:write]
          negotiate: []
      responses: { '201': { description: Created } }
  /me:
    get:
      security:
        - bearer: []
        - bearerJwt: []
        - dpop: []
        - custom: []
        - headerKey: []
        - legacy: []
      responses: { '200': { description: OK } }
  /reports:
    get:
      responses: { '200': { description: OK } }
components:
  securitySchemes:
    basicAuth: { type: http, scheme: Basic }
    digestAuth:
      type: http
      scheme: DIGEST
    negotiate: { type: http, scheme: negotiate }
    legacy: { type: http, scheme: OAuth }
    oauth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: https://auth.example.com/authorize
          scopes: { orders:read: Read }
        password:
          tokenUrl: https://auth.example.com/token
          scopes: { orders:read: Read }
        authorizationCode:
          authorizationUrl: https://auth.example.com/authorize
          tokenUrl: https://auth.example.com/token
          scopes: { orders:read: Read }
    bearer: { type: http, scheme: Bearer }
    bearerJwt: { type: http, scheme: bearer, bearerFormat: JWT }
    dpop: { type: http, scheme: DPoP }
    custom: { type: http, scheme: jwt }
    headerKey: { type: apiKey, in: header, name: X-API-Key }
    unusedBasic: { type: http, scheme: basic }
    unusedImplicit:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: https://auth.example.com/authorize
          scopes: {}
`;
    assert.deepEqual(lines(specWeakSecurityScheme, { 'openapi.yaml': spec }), [
      basic('openapi.yaml:32:38', 'basicAuth', 'required by the root security, in force for 1 operation'),
      weak('openapi.yaml:35:15', 'warning', `Security scheme 'digestAuth' uses HTTP Digest authentication (used by GET /orders): ${DIGEST_WHY}`),
      weak('openapi.yaml:36:38', 'warning', `Security scheme 'negotiate' uses HTTP Negotiate authentication (used by POST /orders): ${NEGOTIATE_WHY}`),
      weak('openapi.yaml:37:35', 'warning', `Security scheme 'legacy' uses HTTP OAuth 1.0 authentication (used by GET /me): ${OAUTH1_WHY}`),
      implicit('openapi.yaml:41:9', 'oauth', 'used by 2 operations, e.g. GET /orders'),
      passwordFlow('openapi.yaml:44:9', 'oauth', 'used by 2 operations, e.g. GET /orders'),
      bearer('openapi.yaml:51:35', 'bearer', 'used by GET /me'),
    ]);
  });

  it('lists where a scheme is required as evidence: operation requirements, or the root one once', () => {
    const r = analyzeMemory(
      {
        'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - basicAuth: []
paths:
  /a:
    get:
      responses: { '200': { description: OK } }
  /b:
    get:
      responses: { '200': { description: OK } }
    post:
      security:
        - bearer: []
        - basicAuth: []
      responses: { '200': { description: OK } }
components:
  securitySchemes:
    basicAuth: { type: http, scheme: basic }
    bearer: { type: http, scheme: bearer, bearerFormat: opaque }
`,
      },
      {},
      [specWeakSecurityScheme],
    );
    assert.deepEqual(
      r.findings.map((f) => [f.location.start.line, f.location.start.column, f.evidence.map((e) => `${e.location!.start.line}:${e.location!.start.column} ${e.message}`)]),
      [[19, 38, ["4:5 'basicAuth' is required for every operation by the root security", "15:11 'basicAuth' is required by POST /b"]]],
    );
    assert.match(r.findings[0].message, /\(required by the root security, in force for 3 operations\)/);
  });

  it('reads Swagger 2.0 securityDefinitions: type basic and flow implicit / password, at the value (JSON)', () => {
    const spec = `{
  "swagger": "2.0",
  "info": { "title": "Legacy", "version": "1" },
  "security": [ { "basic": [] } ],
  "paths": {
    "/orders": {
      "get": {
        "security": [ { "implicitOAuth": ["read"] } ],
        "responses": { "200": { "description": "OK" } }
      },
      "post": {
        "security": [ { "codeOAuth": ["write"] }, { "appOAuth": [] } ],
        "responses": { "201": { "description": "Created" } }
      }
    },
    "/reports": {
      "get": { "responses": { "200": { "description": "OK" } } }
    },
    "/sessions": {
      "post": {
        "security": [ { "passwordOAuth": [] } ],
        "responses": { "201": { "description": "Created" } }
      }
    }
  },
  "securityDefinitions": {
    "basic": { "type": "basic" },
    "implicitOAuth": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://auth.example.com/authorize", "scopes": { "read": "Read" } },
    "passwordOAuth": {
      "type": "oauth2",
      "flow": "password",
      "tokenUrl": "https://auth.example.com/token",
      "scopes": {}
    },
    "codeOAuth": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://auth.example.com/authorize", "tokenUrl": "https://auth.example.com/token", "scopes": { "write": "Write" } },
    "appOAuth": { "type": "oauth2", "flow": "application", "tokenUrl": "https://auth.example.com/token", "scopes": {} },
    "unusedBasic": { "type": "basic" },
    "authHeader": { "type": "apiKey", "in": "header", "name": "Authorization" }
  }
}
`;
    assert.deepEqual(lines(specWeakSecurityScheme, { 'swagger.json': spec }), [
      basic('swagger.json:27:24', 'basic', 'required by the root security, in force for 1 operation'),
      implicit('swagger.json:28:50', 'implicitOAuth', 'used by GET /orders'),
      passwordFlow('swagger.json:31:15', 'passwordOAuth', 'used by POST /sessions'),
    ]);
  });

  it('reports a scheme $ref-ed from another file in that file, once for two documents (3.1 YAML and JSON)', () => {
    const files = {
      'openapi.yaml': `openapi: 3.1.0
info: { title: Shop, version: "1" }
paths:
  /orders:
    get:
      security:
        - basicAuth: []
        - bearer: []
      responses: { '200': { description: OK } }
components:
  securitySchemes:
    basicAuth:
      $ref: './shared/security.yaml#/basicAuth'
    bearer:
      $ref: './shared/security.yaml#/bearer'
`,
      'admin.json': `{
  "openapi": "3.1.0",
  "info": { "title": "Admin", "version": "1" },
  "security": [ { "basic": [] } ],
  "paths": { "/users": { "get": { "responses": { "200": { "description": "OK" } } } } },
  "components": { "securitySchemes": { "basic": { "$ref": "shared/security.yaml#/basicAuth" } } }
}
`,
      'shared/security.yaml': `basicAuth:
  type: http
  scheme: basic
bearer:
  type: http
  scheme: bearer
implicitNobodyUses:
  type: oauth2
  flows:
    implicit:
      authorizationUrl: https://auth.example.com/authorize
      scopes: {}
`,
    };
    assert.deepEqual(lines(specWeakSecurityScheme, files), [
      basic('shared/security.yaml:3:11', 'basic', 'required by the root security, in force for 2 operations'),
      bearer('shared/security.yaml:6:11', 'bearer', 'used by GET /orders'),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// spec-credentials-in-url

describe('spec-credentials-in-url', () => {
  it('reports apiKey-in-query schemes and credential-named query/path parameters, not their look-alikes (3.0 YAML)', () => {
    const spec = `openapi: 3.0.3
info: { title: Shop, version: "1" }
security:
  - queryKey: []
paths:
  /feed:
    get:
      parameters:
        - { name: access_token, in: query, schema: { type: string } }
        - { name: Access-Token, in: header, schema: { type: string } }
        - { name: api_key, in: query, schema: { type: string } }
        - { name: pageToken, in: query, schema: { type: string } }
        - { name: page_token, in: query, schema: { type: string } }
        - { name: next_token, in: query, schema: { type: string } }
        - { name: continuationToken, in: query, schema: { type: string } }
        - { name: token_type, in: query, schema: { type: string } }
        - { name: cursor, in: query, schema: { type: string } }
        - { name: key, in: query, schema: { type: string } }
        - { name: session, in: query, schema: { type: string } }
        - { name: sid, in: query, schema: { type: string } }
        - { name: code, in: query, schema: { type: string } }
        - { name: auth, in: query, schema: { type: boolean } }
        - { name: authorization, in: query, schema: { type: string, enum: [none, basic] } }
        - { name: session_id, in: query, schema: { type: integer } }
        - { name: X-API-Key, in: query, schema: { type: string } }
      responses: { '200': { description: OK } }
  /login:
    get:
      security: []
      parameters:
        - name: Password
          in: query
          required: true
          schema: { type: string }
        # apiwarden-disable-next-line spec-credentials-in-url -- legacy partner integration, removal tracked in SEC-12
        - name: client_secret
          in: query
          schema: { type: string }
        - name: appSecret
          in: query
          schema: { type: string }
        - name: username
          in: query
          schema: { type: string }
      responses: { '200': { description: OK } }
  /tokens/{token}:
    delete:
      parameters:
        - { name: token, in: path, required: true, schema: { type: string } }
      responses: { '204': { description: Revoked } }
  /sessions/{sessionId}:
    get:
      parameters:
        - { name: sessionId, in: path, required: true, schema: { type: string } }
      responses: { '200': { description: OK } }
  /auth/{jwt}/profile:
    get:
      parameters:
        - { name: jwt, in: path, required: true, schema: { type: string } }
      responses: { '200': { description: OK } }
  /password/reset:
    get:
      security: []
      parameters:
        - { name: token, in: query, required: true, schema: { type: string } }
      responses: { '200': { description: OK } }
  /invitations/{token}/accept:
    post:
      parameters:
        - { name: token, in: path, required: true, schema: { type: string } }
      responses: { '200': { description: OK } }
  /exports:
    get:
      parameters:
        - $ref: '#/components/parameters/JSessionId'
      responses: { '200': { description: OK } }
  /events:
    get:
      parameters:
        - $ref: '#/components/parameters/JSessionId'
      responses: { '200': { description: OK } }
components:
  parameters:
    JSessionId: { name: JSESSIONID, in: query, schema: { type: string } }
    NobodyUsesThis: { name: password, in: query, schema: { type: string } }
  securitySchemes:
    queryKey: { type: apiKey, in: query, name: api_key }
    cookieKey: { type: apiKey, in: cookie, name: sid }
    headerKey: { type: apiKey, in: header, name: X-API-Key }
    unusedQueryKey: { type: apiKey, name: key, in: Query }
`;
    // The directive above client_secret suppresses that finding (it is reported, then suppressed).
    const suppressed = analyzeMemory({ 'openapi.yaml': spec }, {}, [specCredentialsInUrl]).findings.filter((f) => f.suppressed);
    assert.deepEqual(
      suppressed.map((f) => `${f.location.start.line}:${f.location.start.column} ${f.severity} ${f.suppressed!.reason}`),
      ['36:17 error legacy partner integration, removal tracked in SEC-12'],
    );
    assert.deepEqual(lines(specCredentialsInUrl, { 'openapi.yaml': spec }), [
      cred('openapi.yaml:9:19', 'warning', 'Query', 'access_token', 'a token', 'used by GET /feed'),
      cred('openapi.yaml:25:19', 'warning', 'Query', 'X-API-Key', 'an API key', 'used by GET /feed'),
      cred('openapi.yaml:31:17', 'error', 'Query', 'Password', 'a password', 'used by GET /login'),
      cred('openapi.yaml:39:17', 'error', 'Query', 'appSecret', 'a secret', 'used by GET /login'),
      cred('openapi.yaml:59:19', 'warning', 'Path', 'jwt', 'a token', 'used by GET /auth/{jwt}/profile'),
      linkToken('openapi.yaml:65:19', 'Query', 'token', 'used by GET /password/reset'),
      linkToken('openapi.yaml:70:19', 'Path', 'token', 'used by POST /invitations/{token}/accept'),
      cred('openapi.yaml:84:25', 'warning', 'Query', 'JSESSIONID', 'a session id', 'used by 2 operations, e.g. GET /exports'),
      apiKeyQuery('openapi.yaml:87:35', 'error', 'queryKey', 'api_key', 'required by the root security, in force for 7 operations'),
      apiKeyQuery('openapi.yaml:90:52', 'warning', 'unusedQueryKey', 'key', 'not used by any operation'),
    ]);
  });

  it('reads Swagger 2.0 parameters (type on the parameter, path-level and root parameters, formData) in JSON', () => {
    const spec = `{
  "swagger": "2.0",
  "info": { "title": "Legacy", "version": "1" },
  "securityDefinitions": {
    "key": { "type": "apiKey", "in": "query", "name": "apikey" }
  },
  "parameters": {
    "token": { "name": "token", "in": "query", "type": "string" }
  },
  "paths": {
    "/feed": {
      "parameters": [ { "$ref": "#/parameters/token" } ],
      "get": {
        "parameters": [
          { "name": "sessionid", "in": "query", "type": "integer" },
          { "name": "password", "in": "formData", "type": "string" },
          { "name": "X-Auth-Token", "in": "header", "type": "string" },
          { "name": "id_token", "in": "query", "type": "string" }
        ],
        "responses": { "200": { "description": "OK" } }
      },
      "post": { "responses": { "201": { "description": "Created" } } }
    },
    "/verify-email": {
      "get": { "parameters": [ { "$ref": "#/parameters/token" } ], "responses": { "200": { "description": "OK" } } }
    }
  }
}
`;
    assert.deepEqual(lines(specCredentialsInUrl, { 'swagger.json': spec }), [
      apiKeyQuery('swagger.json:5:38', 'warning', 'key', 'apikey', 'not used by any operation'),
      // Shared by three operations; a link token on /verify-email, a plain token on /feed: the higher severity wins.
      cred('swagger.json:8:24', 'warning', 'Query', 'token', 'a token', 'used by 3 operations, e.g. GET /feed'),
      cred('swagger.json:18:21', 'warning', 'Query', 'id_token', 'a token', 'used by GET /feed'),
    ]);
  });

  it('reports a parameter $ref-ed from another file once, in that file; 3.1 type arrays and const (YAML)', () => {
    const files = {
      'openapi.yaml': `openapi: 3.1.0
info: { title: Shop, version: "1" }
paths:
  /feed:
    get:
      parameters:
        - $ref: './params.yaml#/AccessToken'
        - name: refresh_token
          in: query
          schema: { type: [string, 'null'] }
        - name: private_token
          in: query
          schema: { type: [integer, 'null'] }
        - name: apiSecret
          in: query
          schema: { const: public-demo }
      responses: { '200': { description: OK } }
  /stream:
    get:
      parameters:
        - $ref: './params.yaml#/AccessToken'
        - $ref: './params.yaml#/ResetToken'
      responses: { '200': { description: OK } }
`,
      'params.yaml': `AccessToken:
  name: accessToken
  in: query
  schema: { type: string }
ResetToken:
  name: reset_token
  in: query
  schema: { type: string }
`,
    };
    assert.deepEqual(lines(specCredentialsInUrl, files), [
      cred('openapi.yaml:8:17', 'warning', 'Query', 'refresh_token', 'a token', 'used by GET /feed'),
      cred('params.yaml:2:9', 'warning', 'Query', 'accessToken', 'a token', 'used by 2 operations, e.g. GET /feed'),
      linkToken('params.yaml:6:9', 'Query', 'reset_token', 'used by GET /stream'),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// spec-insecure-transport

describe('spec-insecure-transport', () => {
  it('reports clear-text servers (root, path and operation level), scheme variables and OAuth / OIDC URLs; local hosts and relative URLs are fine (3.0 YAML)', () => {
    const spec = `openapi: 3.0.3
info:
  title: Shop
  version: "1"
  termsOfService: http://example.com/terms
externalDocs: { url: http://docs.example.com }
servers:
  - url: http://api.example.com/v1
  - url: https://api.example.com/v1
  - url: http://localhost:3000
  - url: http://127.0.0.1:8080/v1
  - url: 'http://[::1]:8080'
  - url: http://shop.localhost
  - url: http://host.docker.internal:4000
  - url: http://0.0.0.0:8000
  - url: http://user:secret@localhost:3000
  - url: http://{host}:8080
    variables:
      host: { default: localhost }
  - url: '{scheme}://staging.example.com'
    variables:
      scheme: { default: https, enum: [https, http] }
  - url: '{scheme}://legacy.example.com'
    variables:
      scheme: { default: http }
  - url: '{base}/v2'
    variables:
      base: { default: 'http://localhost:3000', enum: ['http://localhost:3000', 'https://api.example.com'] }
  - url: /v1
  - url: //cdn.example.com/v1
  - url: ws://stream.example.com/events
  - url: HTTP://UPPER.EXAMPLE.COM
  - url: http://10.0.0.5:8080
paths:
  /orders:
    servers:
      - url: http://orders.example.com
    get:
      security: [ { oauth: [] } ]
      responses: { '200': { description: OK } }
    post:
      servers:
        - url: http://write.example.com
      security: [ { oidc: [] } ]
      responses: { '201': { description: Created } }
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        authorizationCode:
          authorizationUrl: https://auth.example.com/authorize
          tokenUrl: http://auth.example.com/token
          refreshUrl: http://localhost:9000/refresh
          scopes: {}
        clientCredentials:
          tokenUrl: HTTP://auth.example.com/token2
          scopes: {}
    oidc: { type: openIdConnect, openIdConnectUrl: 'http://id.example.com/.well-known/openid-configuration' }
    unusedOAuth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: http://old.example.com/authorize
          scopes: {}
        password:
          tokenUrl: https://old.example.com/token
          refreshUrl: http://old.example.com/refresh
          scopes: {}
`;
    assert.deepEqual(lines(specInsecureTransport, { 'openapi.yaml': spec }), [
      httpServer('openapi.yaml:8:10', 'http://api.example.com/v1'),
      schemeOption('openapi.yaml:22:47', '{scheme}://staging.example.com', 'scheme', 'http'),
      schemeVariable('openapi.yaml:25:26', '{scheme}://legacy.example.com', 'scheme'),
      httpServer('openapi.yaml:31:10', 'ws://stream.example.com/events', 'ws'),
      httpServer('openapi.yaml:32:10', 'HTTP://UPPER.EXAMPLE.COM'),
      httpServer('openapi.yaml:33:10', 'http://10.0.0.5:8080'),
      httpServer('openapi.yaml:37:14', 'http://orders.example.com'),
      httpServer('openapi.yaml:43:16', 'http://write.example.com'),
      oauthUrl('openapi.yaml:53:21', 'error', 'tokenUrl', 'oauth', 'used by GET /orders', TOKEN_URL_WHY),
      oauthUrl('openapi.yaml:57:21', 'error', 'tokenUrl', 'oauth', 'used by GET /orders', TOKEN_URL_WHY),
      oauthUrl('openapi.yaml:59:52', 'error', 'openIdConnectUrl', 'oidc', 'used by POST /orders', OIDC_WHY),
      oauthUrl('openapi.yaml:64:29', 'warning', 'authorizationUrl', 'unusedOAuth', 'not used by any operation', AUTH_URL_WHY),
      oauthUrl('openapi.yaml:68:23', 'warning', 'refreshUrl', 'unusedOAuth', 'not used by any operation', REFRESH_WHY),
    ]);
  });

  it('reports http and ws in Swagger 2.0 schemes, root and operation level, and 2.0 OAuth URLs (JSON)', () => {
    const spec = `{
  "swagger": "2.0",
  "info": { "title": "Legacy", "version": "1", "termsOfService": "http://example.com/terms" },
  "host": "api.example.com",
  "basePath": "/v1",
  "schemes": ["http", "https"],
  "paths": {
    "/events": {
      "get": { "schemes": ["ws", "wss"], "security": [ { "oauth": [] } ], "responses": { "200": { "description": "OK" } } }
    }
  },
  "securityDefinitions": {
    "oauth": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "http://auth.example.com/authorize", "tokenUrl": "https://auth.example.com/token", "scopes": {} }
  }
}
`;
    assert.deepEqual(lines(specInsecureTransport, { 'swagger.json': spec }), [
      swaggerScheme('swagger.json:6:15', 'The document', 'http', 'api.example.com'),
      swaggerScheme('swagger.json:9:28', 'GET /events', 'ws', 'api.example.com'),
      oauthUrl('swagger.json:13:76', 'error', 'authorizationUrl', 'oauth', 'used by GET /events', AUTH_URL_WHY),
    ]);
  });

  it('leaves 2.0 documents alone when host is local or schemes is absent; no host still reports http (YAML)', () => {
    const files = {
      'local.yaml': `swagger: "2.0"
info: { title: Dev, version: "1" }
host: localhost:8080
schemes: [http]
paths: {}
`,
      'noschemes.yaml': `swagger: "2.0"
info: { title: Prod, version: "1" }
host: api.example.com
paths: {}
`,
      'nohost.yaml': `swagger: "2.0"
info: { title: Relative, version: "1" }
schemes:
  - HTTP
paths: {}
`,
    };
    assert.deepEqual(lines(specInsecureTransport, files), [swaggerScheme('nohost.yaml:4:5', 'The document', 'HTTP', '')]);
  });

  it('reports an OAuth URL $ref-ed from another file in that file, once for two documents (3.1 JSON)', () => {
    const doc = (title: string) => `{
  "openapi": "3.1.0",
  "info": { "title": "${title}", "version": "1" },
  "servers": [ { "url": "https://api.example.com" } ],
  "security": [ { "oauth": ["read"] } ],
  "paths": { "/${title}": { "get": { "responses": { "200": { "description": "OK" } } } } },
  "components": { "securitySchemes": { "oauth": { "$ref": "./auth/schemes.json#/oauth" } } }
}
`;
    const files = {
      'a.json': doc('a'),
      'b.json': doc('b'),
      'auth/schemes.json': `{
  "oauth": {
    "type": "oauth2",
    "flows": {
      "authorizationCode": {
        "authorizationUrl": "https://auth.example.com/authorize",
        "tokenUrl": "http://auth.example.com/token",
        "scopes": { "read": "Read" }
      }
    }
  }
}
`,
    };
    assert.deepEqual(lines(specInsecureTransport, files), [
      oauthUrl('auth/schemes.json:7:21', 'error', 'tokenUrl', 'oauth', 'required by the root security, in force for 2 operations', TOKEN_URL_WHY),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Pages (the same checks as rule-docs.test.ts, which covers only rules registered in rules/index.ts)

describe('spec auth-scheme rule pages', () => {
  for (const rule of [specWeakSecurityScheme, specCredentialsInUrl, specInsecureTransport]) {
    it(`${rule.meta.id} has a complete page`, () => {
      assert.equal(rule.meta.docs, `rules/${rule.meta.id}.md`);
      const text = fs.readFileSync(path.join(repoRoot(), rule.meta.docs), 'utf8');
      assert.match(text, new RegExp(`^# ${rule.meta.id}\\b`));
      for (const heading of [/^## The attack it prevents/m, /^## How API Warden decides/m, /^##+ Bad/m, /^##+ Good/m, /^## How to fix/m, /^##+ Not reported/m]) {
        assert.match(text, heading, `${rule.meta.id}: ${heading}`);
      }
      for (const id of [...rule.meta.owasp, ...rule.meta.cwe]) assert.ok(text.includes(id), `${rule.meta.id} page mentions ${id}`);
      for (const [mid, msg] of Object.entries(rule.meta.messages)) assert.ok(msg.length > 20, `${rule.meta.id}.${mid}`);
      // Bad and Good are OpenAPI YAML.
      assert.match(text, /## Bad\n\n```yaml\n(openapi|swagger):/);
      assert.match(text, /## Good\n\n```yaml\n(openapi|swagger):/);
      // The Good example is clean.
      const good = /## Good\n\n```yaml\n([^]*?)```/.exec(text)![1];
      assert.deepEqual(lines(rule, { 'openapi.yaml': good }), []);
    });
  }
});
