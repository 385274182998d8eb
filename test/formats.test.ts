import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, sarifValidator } from './helpers';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import type { Evidence, Finding, Fix, Route, RuleMeta, SourceLocation, Step } from '../server/src/engine/model';
import { formatJson } from '../server/src/cli/format/json';
import { buildRoutesJson, formatRoutesTable } from '../server/src/cli/format/routes';
import { buildSarif, FINGERPRINT_KEY } from '../server/src/cli/format/sarif';
import { formatStylish } from '../server/src/cli/format/stylish';
import { applyRuleSettings } from '../server/src/cli/settings';

/** The repository root: the folder of the package.json named `apiwarden`, above this file. */

// ---------------------------------------------------------------------------------------------
// Hand-built model

const CWD = path.resolve('/proj');
const APP = path.join(CWD, 'src', 'app.js');
const USERS = path.join(CWD, 'src', 'routes', 'users.js');
const BROKEN = path.join(CWD, 'src', 'broken.js');

const APP_TEXT = [
  "const express = require('express');",
  'const app = express();',
  "app.post('/login', (req, res) => res.send(req.body.user));",
  "app.get('/health', (req, res) => res.send('ok'));",
  '',
].join('\n');
const USERS_TEXT = [
  "const router = require('express').Router();",
  '// apiwarden-disable-next-line missing-auth',
  "router.delete('/users/:id', remove);",
  '// apiwarden-disable-next-line missing-auth -- internal network only',
  "router.get('/users', list);",
  '',
].join('\n');
const BROKEN_TEXT = 'app.get(\n';

const TEXTS = new Map([
  [APP, APP_TEXT],
  [USERS, USERS_TEXT],
  [BROKEN, BROKEN_TEXT],
]);

function loc(file: string, start: number, end: number, text = TEXTS.get(file)!): SourceLocation {
  const pos = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  };
  return { file, start: pos(start), end: pos(end), range: [start, end] };
}

/** The location of the first occurrence of `needle` (on the given occurrence index). */
function at(file: string, needle: string, text = TEXTS.get(file)!): SourceLocation {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `${needle} not in ${file}`);
  return loc(file, start, start + needle.length, text);
}

const addAuth: Fix = {
  title: 'Add requireAuth to POST /login',
  kind: 'quickfix',
  preferred: true,
  edits: [{ file: APP, range: [APP_TEXT.indexOf('(req, res)'), APP_TEXT.indexOf('(req, res)')], newText: 'requireAuth, ' }],
};
const suppressFix: Fix = {
  title: 'Suppress missing-auth for this line',
  kind: 'suppress',
  edits: [{ file: APP, range: [APP_TEXT.indexOf("app.post"), APP_TEXT.indexOf('app.post')], newText: '// apiwarden-disable-next-line missing-auth -- reason\n' }],
};

const appCreated: Evidence = { message: 'app created here; no auth middleware is registered on it', location: at(APP, 'express()') };
const noRouter: Evidence = { message: 'no router-level middleware' };

const missingAuth: Finding = {
  ruleId: 'missing-auth',
  messageId: 'missing',
  severity: 'error',
  message: 'POST /login has no authentication',
  location: at(APP, "app.post('/login', (req, res) => res.send(req.body.user))"),
  route: { method: 'POST', path: '/login' },
  evidence: [appCreated, noRouter],
  fixes: [suppressFix, addAuth],
};
const missingRateLimit: Finding = {
  ruleId: 'missing-rate-limit',
  severity: 'warning',
  message: 'POST /login is a credential route without rate limiting',
  location: at(APP, "app.post('/login'"),
  route: { method: 'POST', path: '/login' },
  evidence: [],
  fixes: [],
};
const noReason: Finding = {
  ruleId: 'suppression-without-reason',
  severity: 'info',
  message: 'Suppression without a reason',
  location: at(USERS, '// apiwarden-disable-next-line missing-auth\n'.trimEnd()),
  route: null,
  evidence: [],
  fixes: [],
};
const suppressedAuth: Finding = {
  ruleId: 'missing-auth',
  severity: 'error',
  message: 'GET /users has no authentication',
  location: at(USERS, "router.get('/users', list)"),
  route: { method: 'GET', path: '/users' },
  evidence: [],
  fixes: [],
  suppressed: { reason: 'internal network only', location: at(USERS, '// apiwarden-disable-next-line missing-auth -- internal network only') },
};
const parseError: Finding = {
  ruleId: 'parse-error',
  severity: 'error',
  message: "Cannot parse this file: ')' expected.",
  location: loc(BROKEN, BROKEN_TEXT.length, BROKEN_TEXT.length),
  route: null,
  evidence: [],
  fixes: [],
};

/** Deliberately unsorted. */
const FINDINGS: Finding[] = [suppressedAuth, missingRateLimit, parseError, noReason, missingAuth];

const RULES: RuleMeta[] = [
  {
    id: 'missing-auth',
    description: 'Require authentication on routes that are not declared public.',
    defaultSeverity: 'error',
    owasp: ['API2:2023', 'API5:2023'],
    cwe: ['CWE-306', 'CWE-862'],
    messages: { missing: '{{method}} {{path}} has no authentication' },
    docs: 'rules/missing-auth.md',
  },
  {
    id: 'missing-validation',
    description: 'Validate request input before using it.',
    defaultSeverity: 'warning',
    owasp: ['API8:2023'],
    cwe: ['20'],
    messages: {},
    docs: 'rules/missing-validation.md',
  },
  {
    id: 'missing-rate-limit',
    description: 'Rate limit credential and abuse-prone endpoints.',
    defaultSeverity: 'warning',
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-307'],
    messages: {},
    docs: 'rules/missing-rate-limit.md',
  },
  {
    id: 'suppression-without-reason',
    description: 'Give a reason when suppressing a finding.',
    defaultSeverity: 'info',
    owasp: [],
    cwe: [],
    messages: {},
    docs: 'rules/suppression-without-reason.md',
  },
];

const PKG_ROOT = path.resolve('/opt/apiwarden');
const DOC_MD = '# missing-auth\n\nEvery route that is not **public** must run an `auth` step first.\n\n## Fix\n\nAdd `requireAuth`.\n';
const readDoc = (p: string) => (p === path.join(PKG_ROOT, 'rules', 'missing-auth.md') ? DOC_MD : undefined);

// ---------------------------------------------------------------------------------------------

describe('json format', () => {
  it('has exactly the documented shape, sorted by file/line/column, relative forward-slash paths', () => {
    const report = JSON.parse(formatJson(FINDINGS, { cwd: CWD }));
    assert.deepEqual(report, {
      version: 1,
      findings: [
        {
          ruleId: 'missing-auth',
          severity: 'error',
          message: 'POST /login has no authentication',
          file: 'src/app.js',
          range: { start: { line: 3, column: 1 }, end: { line: 3, column: 58 } },
          route: { method: 'POST', path: '/login' },
          evidence: [
            { message: 'app created here; no auth middleware is registered on it', file: 'src/app.js', line: 2, column: 13 },
            { message: 'no router-level middleware' },
          ],
          fixes: [
            { title: 'Suppress missing-auth for this line', kind: 'suppress' },
            { title: 'Add requireAuth to POST /login', kind: 'quickfix' },
          ],
        },
        {
          ruleId: 'missing-rate-limit',
          severity: 'warning',
          message: 'POST /login is a credential route without rate limiting',
          file: 'src/app.js',
          range: { start: { line: 3, column: 1 }, end: { line: 3, column: 18 } },
          route: { method: 'POST', path: '/login' },
          evidence: [],
          fixes: [],
        },
        {
          ruleId: 'parse-error',
          severity: 'error',
          message: "Cannot parse this file: ')' expected.",
          file: 'src/broken.js',
          range: { start: { line: 2, column: 1 }, end: { line: 2, column: 1 } },
          route: null,
          evidence: [],
          fixes: [],
        },
        {
          ruleId: 'suppression-without-reason',
          severity: 'info',
          message: 'Suppression without a reason',
          file: 'src/routes/users.js',
          range: { start: { line: 2, column: 1 }, end: { line: 2, column: 44 } },
          route: null,
          evidence: [],
          fixes: [],
        },
        {
          ruleId: 'missing-auth',
          severity: 'error',
          message: 'GET /users has no authentication',
          file: 'src/routes/users.js',
          range: { start: { line: 5, column: 1 }, end: { line: 5, column: 27 } },
          route: { method: 'GET', path: '/users' },
          evidence: [],
          fixes: [],
          suppressed: { reason: 'internal network only' },
        },
      ],
    });
    // Key order is part of the contract for people diffing reports.
    assert.deepEqual(Object.keys(report.findings[4]), ['ruleId', 'severity', 'message', 'file', 'range', 'route', 'evidence', 'fixes', 'suppressed']);
  });

  it('is an empty list when there is nothing to report', () => {
    assert.equal(formatJson([], { cwd: CWD }), '{\n  "version": 1,\n  "findings": []\n}\n');
  });
});

describe('stylish format', () => {
  it('groups by file, aligns columns, shows evidence and a summary; suppressed findings are neither shown nor counted', () => {
    const out = formatStylish(FINDINGS, { cwd: CWD, color: false });
    assert.equal(
      out,
      [
        '',
        'src/app.js',
        '  3:1  error    POST /login has no authentication                        missing-auth',
        '                \u21b3 app created here; no auth middleware is registered on it (src/app.js:2:13)',
        '                \u21b3 no router-level middleware',
        '  3:1  warning  POST /login is a credential route without rate limiting  missing-rate-limit',
        '',
        'src/broken.js',
        "  2:1  error  Cannot parse this file: ')' expected.  parse-error",
        '',
        'src/routes/users.js',
        '  2:1  info  Suppression without a reason  suppression-without-reason',
        '',
        '\u2716 4 problems (2 errors, 1 warning, 1 info)',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(out, /GET \/users/);
    assert.doesNotMatch(out, /\u001b\[/, 'no colour unless asked');
  });

  it('uses ANSI colours only when asked', () => {
    const out = formatStylish([missingAuth], { cwd: CWD, color: true });
    assert.match(out, /\u001b\[31merror/);
    assert.match(out, /\u2716 1 problem \(1 error, 0 warnings, 0 infos\)/);
  });

  it('prints nothing when there are no (unsuppressed) findings', () => {
    assert.equal(formatStylish([], { cwd: CWD }), '');
    assert.equal(formatStylish([suppressedAuth], { cwd: CWD }), '');
  });
});

// ---------------------------------------------------------------------------------------------


function sarifOf(findings: Finding[], texts: Map<string, string> = TEXTS) {
  return buildSarif(findings, {
    cwd: CWD,
    rules: RULES,
    toolVersion: '1.2.3',
    packageRoot: PKG_ROOT,
    readFile: (f) => texts.get(f),
    readDoc,
  }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('sarif format', () => {
  const validate = sarifValidator();

  it('validates against the official SARIF 2.1.0 schema', () => {
    const log = sarifOf(FINDINGS);
    const ok = validate(log);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    // Also through a JSON round trip (what is actually written).
    assert.ok(validate(JSON.parse(JSON.stringify(log))));
  });

  it('describes the tool and its rules', () => {
    const log = sarifOf(FINDINGS);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: pathToFileURL(CWD).href.replace(/\/?$/, '/') } });
    assert.ok(run.originalUriBaseIds['%SRCROOT%'].uri.endsWith('/'));
    const driver = run.tool.driver;
    assert.equal(driver.name, 'API Warden');
    assert.equal(driver.version, '1.2.3');
    assert.ok(new URL(driver.informationUri));
    assert.deepEqual(
      driver.rules.map((r: { id: string }) => r.id),
      ['missing-auth', 'missing-validation', 'missing-rate-limit', 'suppression-without-reason', 'parse-error', 'spec-invalid'],
    );
    const auth = driver.rules[0];
    assert.equal(auth.name, 'MissingAuth');
    assert.deepEqual(auth.shortDescription, { text: 'Require authentication on routes that are not declared public.' });
    assert.deepEqual(auth.fullDescription, { text: 'Every route that is not public must run an auth step first.' });
    assert.equal(auth.helpUri, pathToFileURL(path.join(PKG_ROOT, 'rules', 'missing-auth.md')).href);
    assert.equal(auth.help.markdown, DOC_MD.trim());
    assert.match(auth.help.text, /^missing-auth\n\nEvery route that is not public must run an auth step first\./);
    assert.deepEqual(auth.defaultConfiguration, { level: 'error' });
    assert.deepEqual(auth.properties.tags, ['security', 'API2:2023', 'API5:2023', 'external/cwe/cwe-306', 'external/cwe/cwe-862']);
    assert.equal(auth.properties['security-severity'], '8.0');
    assert.deepEqual(driver.rules[1].properties.tags, ['security', 'API8:2023', 'external/cwe/cwe-20']);
    // No doc page: the description stands in.
    assert.equal(driver.rules[1].help.markdown, 'Validate request input before using it.');
    assert.deepEqual(driver.rules[3].defaultConfiguration, { level: 'note' });
    for (const r of driver.rules) {
      assert.ok(r.properties.tags.includes('security'));
      assert.match(r.properties['security-severity'], /^\d+\.\d$/);
    }
  });

  it('maps findings to results: level, locations, related locations, suppressions', () => {
    const run = sarifOf(FINDINGS).runs[0];
    assert.equal(run.results.length, 5, 'suppressed findings are kept in SARIF');
    const byRule = (id: string, suppressed = false) =>
      run.results.find((r: any) => r.ruleId === id && (r.suppressions.length > 0) === suppressed); // eslint-disable-line @typescript-eslint/no-explicit-any
    const auth = byRule('missing-auth');
    assert.equal(auth.ruleIndex, 0);
    assert.equal(auth.level, 'error');
    assert.deepEqual(auth.message, { text: 'POST /login has no authentication' });
    assert.deepEqual(auth.locations, [
      {
        physicalLocation: {
          artifactLocation: { uri: 'src/app.js', uriBaseId: '%SRCROOT%' },
          region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 58 },
        },
      },
    ]);
    assert.deepEqual(auth.relatedLocations, [
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'src/app.js', uriBaseId: '%SRCROOT%' },
          region: { startLine: 2, startColumn: 13, endLine: 2, endColumn: 22 },
        },
        message: { text: 'app created here; no auth middleware is registered on it' },
      },
    ]);
    assert.deepEqual(auth.suppressions, []);
    assert.equal(byRule('missing-rate-limit').level, 'warning');
    assert.equal(byRule('missing-rate-limit').ruleIndex, 2);
    assert.equal(byRule('suppression-without-reason').level, 'note');
    assert.equal(byRule('parse-error').ruleIndex, 4);

    const suppressed = byRule('missing-auth', true);
    assert.deepEqual(suppressed.suppressions, [
      {
        kind: 'inSource',
        justification: 'internal network only',
        location: {
          physicalLocation: {
            artifactLocation: { uri: 'src/routes/users.js', uriBaseId: '%SRCROOT%' },
            region: { startLine: 4, startColumn: 1, endLine: 4, endColumn: 69 },
          },
        },
      },
    ]);
  });

  it('partialFingerprints do not change when only line numbers change', () => {
    const shiftedText = '// a new header comment\n\n' + APP_TEXT;
    const shifted: Finding = {
      ...missingAuth,
      location: at(APP, "app.post('/login', (req, res) => res.send(req.body.user))", shiftedText),
      evidence: [{ ...appCreated, location: at(APP, 'express()', shiftedText) }],
    };
    assert.equal(shifted.location.start.line, missingAuth.location.start.line + 2);
    const before = sarifOf([missingAuth]).runs[0].results[0];
    const after = sarifOf([shifted], new Map([[APP, shiftedText]])).runs[0].results[0];
    assert.notEqual(before.locations[0].physicalLocation.region.startLine, after.locations[0].physicalLocation.region.startLine);
    assert.ok(before.partialFingerprints[FINGERPRINT_KEY]);
    assert.deepEqual(after.partialFingerprints, before.partialFingerprints);

    // …but they do when the flagged line itself, the rule or the route changes.
    const editedText = APP_TEXT.replace("app.post('/login'", "app.post('/signin'");
    const edited = { ...missingAuth, location: at(APP, "app.post('/signin'", editedText) };
    const fp = (f: Finding, texts?: Map<string, string>) => sarifOf([f], texts).runs[0].results[0].partialFingerprints[FINGERPRINT_KEY];
    assert.notEqual(fp(edited, new Map([[APP, editedText]])), fp(missingAuth));
    assert.notEqual(fp({ ...missingAuth, ruleId: 'missing-rate-limit' }), fp(missingAuth));
    assert.notEqual(fp({ ...missingAuth, route: { method: 'PUT', path: '/login' } }), fp(missingAuth));
  });

  it('uses absolute file URIs for files outside the working directory, and encodes paths', () => {
    const outside = path.resolve('/elsewhere/x.js');
    const spaced = path.join(CWD, 'src', 'my routes', 'a#b.js');
    const text = 'x\n';
    const mk = (file: string): Finding => ({ ...missingRateLimit, location: loc(file, 0, 1, text) });
    const results = sarifOf([mk(outside), mk(spaced)], new Map([[outside, text], [spaced, text]])).runs[0].results;
    const uris = results.map((r: any) => r.locations[0].physicalLocation.artifactLocation); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(uris.length, 2);
    assert.ok(uris.some((u: { uri: string }) => u.uri === 'src/my%20routes/a%23b.js'));
    assert.ok(uris.some((u: { uri: string; uriBaseId?: string }) => u.uri === pathToFileURL(outside).href && u.uriBaseId === undefined));
    assert.ok(validate(sarifOf([mk(outside), mk(spaced)], new Map([[outside, text], [spaced, text]]))));
  });

  it('an empty run is valid', () => {
    const log = sarifOf([]);
    assert.deepEqual(log.runs[0].results, []);
    assert.ok(validate(log), JSON.stringify(validate.errors));
  });
});

// ---------------------------------------------------------------------------------------------

describe('config rule settings', () => {
  it('"off" drops findings of the rule; a severity overrides the finding severity', () => {
    const out = applyRuleSettings(FINDINGS, { 'missing-rate-limit': 'off', 'parse-error': 'warning', 'suppression-without-reason': 'info' });
    assert.deepEqual(
      out.map((f) => [f.ruleId, f.severity]),
      [
        ['missing-auth', 'error'],
        ['parse-error', 'warning'],
        ['suppression-without-reason', 'info'],
        ['missing-auth', 'error'],
      ],
    );
    assert.equal(parseError.severity, 'error', 'input findings are not mutated');
  });
});

// ---------------------------------------------------------------------------------------------

function step(name: string, scope: Step['scope'], file: string, needle: string, roles: Step['classifications'][number]['role'][]): Step {
  return {
    name,
    scope,
    location: at(file, needle),
    classifications: roles.map((role) => ({ role, confidence: 'high', source: 'name', reason: `${name} by name`, evidence: [] })),
    opaque: false,
  };
}

function route(partial: Partial<Route> & Pick<Route, 'method' | 'path' | 'registration'>): Route {
  return {
    id: `${partial.method} ${partial.path}`,
    framework: 'express',
    mounts: [],
    steps: [],
    handlerChecks: [],
    lateSteps: [],
    inputs: [],
    opaqueInputs: [],
    auth: { status: 'missing', summary: 'no authentication', evidence: [] },
    validation: { status: 'not-needed', summary: 'reads no request input', evidence: [], uncovered: [] },
    rateLimit: { status: 'missing', summary: 'no rate limiter', evidence: [] },
    traits: { stateChanging: false },
    specOperations: [],
    ...partial,
  };
}

const ROUTES: Route[] = [
  route({
    method: 'GET',
    path: '/health',
    registration: at(APP, "app.get('/health'"),
    handler: at(APP, "(req, res) => res.send('ok')"),
    auth: { status: 'public', summary: 'health check', evidence: [] },
    public: { kind: 'inferred', reason: 'health check', evidence: [] },
  }),
  route({
    method: 'POST',
    path: '/login',
    registration: at(APP, "app.post('/login'"),
    handler: at(APP, '(req, res) => res.send(req.body.user)'),
    steps: [step('limiter', 'route', APP, "'/login'", ['rate-limit'])],
    auth: { status: 'public', summary: 'credential route `login`', evidence: [{ message: 'path contains login' }] },
    validation: {
      status: 'missing',
      summary: 'req.body.user unvalidated',
      evidence: [{ message: 'req.body.user', location: at(APP, 'req.body.user') }],
      uncovered: ['body'],
    },
    rateLimit: { status: 'present', summary: 'limiter (route)', evidence: [] },
    public: { kind: 'inferred', reason: 'credential route `login`', evidence: [] },
    traits: { stateChanging: true, credential: 'login' },
  }),
  route({
    method: 'GET',
    path: '/users',
    registration: at(USERS, "router.get('/users'"),
    steps: [step('requireAuth', 'router', USERS, 'router', ['auth'])],
    auth: { status: 'present', summary: 'requireAuth (router level)', evidence: [] },
  }),
];

describe('routes formats', () => {
  it('json has the documented shape', () => {
    const json = buildRoutesJson(ROUTES, { cwd: CWD });
    assert.equal(json.version, 1);
    assert.deepEqual(json.routes[0], {
      method: 'POST',
      path: '/login',
      file: 'src/app.js',
      line: 3,
      framework: 'express',
      handler: { file: 'src/app.js', line: 3 },
      auth: { status: 'public', summary: 'credential route `login`', evidence: [{ message: 'path contains login' }] },
      validation: {
        status: 'missing',
        summary: 'req.body.user unvalidated',
        uncovered: ['body'],
        evidence: [{ message: 'req.body.user', file: 'src/app.js', line: 3, column: 43 }],
      },
      rateLimit: { status: 'present', summary: 'limiter (route)', evidence: [] },
      public: { kind: 'inferred', reason: 'credential route `login`' },
      steps: [{ name: 'limiter', scope: 'route', roles: ['rate-limit'], file: 'src/app.js', line: 3 }],
      spec: [],
    });
    assert.deepEqual(
      json.routes.map((r) => `${r.method} ${r.path} ${r.file}:${r.line}`),
      ['POST /login src/app.js:3', 'GET /health src/app.js:4', 'GET /users src/routes/users.js:5'],
      'sorted by file and line',
    );
    assert.equal(json.routes[2].handler, null);
    assert.equal(json.routes[2].public, null);
  });

  it('table is aligned and shows status with short evidence', () => {
    const out = formatRoutesTable(ROUTES, { cwd: CWD, color: false });
    const lines = out.split('\n');
    assert.match(lines[0], /^METHOD\s+PATH\s+LOCATION\s+AUTH\s+VALIDATION\s+RATE LIMIT$/);
    const columns = ['PATH', 'LOCATION', 'AUTH', 'VALIDATION', 'RATE LIMIT'].map((h) => lines[0].indexOf(h));
    const rows = lines.slice(1, 4);
    assert.match(rows[0], /^POST\s+\/login\s+src\/app\.js:3\s+public \(inferred: credential route `login`\)\s+missing \[body\] \(req\.body\.user unvalidated\)\s+present \(limiter \(route\)\)$/);
    assert.match(rows[1], /^GET\s+\/health\s+src\/app\.js:4\s+public \(inferred: health check\)\s+not-needed \(reads no request input\)\s+missing \(no rate limiter\)$/);
    assert.match(rows[2], /^GET\s+\/users\s+src\/routes\/users\.js:5\s+present \(requireAuth \(router level\)\)/);
    for (const row of rows) {
      for (const c of columns) assert.notEqual(row[c - 1], undefined);
      // every column starts right after two spaces of padding
      for (const c of columns) assert.equal(row.slice(c - 2, c), '  ', `misaligned: ${row}`);
    }
    assert.match(out, /3 routes: 0 without authentication, 1 without validation, 2 without rate limiting/);
  });

  it('table shows a FRAMEWORK column only when the project mixes frameworks', () => {
    const mixed: Route[] = [ROUTES[0], { ...ROUTES[1], framework: 'nestjs' }];
    const lines = formatRoutesTable(mixed, { cwd: CWD, color: false }).split('\n');
    assert.match(lines[0], /^FRAMEWORK\s+METHOD\s+PATH\s+LOCATION\s+AUTH/);
    assert.deepEqual(lines.slice(1, 3).map((l) => l.split(/\s+/)[0]).sort(), ['express', 'nestjs']);
    assert.doesNotMatch(formatRoutesTable([ROUTES[0], ROUTES[1]], { cwd: CWD, color: false }), /FRAMEWORK/);
  });
});
