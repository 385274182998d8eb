/**
 * End-to-end tests of the BUILT command line (`node dist/cli.js …`), run in the fixture folders.
 * Needs `npm run build` first (`npm test` does it).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, sarifValidator } from './helpers';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';


const ROOT = repoRoot();
const CLI = path.join(ROOT, 'dist', 'cli.js');
const BASIC = path.join(ROOT, 'test', 'fixtures', 'express-basic');
const CJS = path.join(ROOT, 'test', 'fixtures', 'express-cjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCode(r: Run, code: number): Run {
  assert.equal(r.code, code, `exit code ${r.code}, expected ${code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  route: { method: string; path: string } | null;
  evidence: { message: string; file?: string; line?: number; column?: number }[];
  fixes: { title: string; kind: string }[];
  suppressed?: { reason: string };
}

function lintJson(cwd: string, extra: string[] = [], code?: number): JsonFinding[] {
  const r = run(['lint', '--format', 'json', ...extra], cwd);
  if (code !== undefined) expectCode(r, code);
  const report = JSON.parse(r.stdout) as { version: number; findings: JsonFinding[] };
  assert.equal(report.version, 1);
  return report.findings;
}

const active = (findings: JsonFinding[]) => findings.filter((f) => !f.suppressed);
const key = (f: JsonFinding) => `${f.ruleId} ${f.file}:${f.range.start.line}`;

function tempCopy(src: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `apiwarden-${path.basename(src)}-`));
  fs.cpSync(src, dir, { recursive: true });
  return dir;
}

const temps: string[] = [];
function temp(src?: string): string {
  const dir = src ? tempCopy(src) : fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-empty-'));
  temps.push(dir);
  return dir;
}


describe('apiwarden CLI (built dist/cli.js)', () => {
  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run "npm run build" first`);
  });
  after(() => {
    for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('usage', () => {
    it('--version prints the package version', () => {
      const r = expectCode(run(['--version'], ROOT), 0);
      assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    });

    it('--help exits 0; no command exits 2', () => {
      assert.match(expectCode(run(['--help'], ROOT), 0).stdout, /Usage: apiwarden <command>/);
      assert.match(expectCode(run(['lint', '--help'], ROOT), 0).stdout, /--fail-on/);
      assert.match(expectCode(run([], ROOT), 2).stderr, /Usage: apiwarden/);
    });

    it('unknown commands, options and option values exit 2', () => {
      assert.match(expectCode(run(['lnt'], BASIC), 2).stderr, /unknown command "lnt"/);
      assert.match(expectCode(run(['lint', '--colour'], BASIC), 2).stderr, /--colour/);
      assert.match(expectCode(run(['lint', '--format', 'xml'], BASIC), 2).stderr, /invalid value for --format: "xml"/);
      assert.match(expectCode(run(['lint', '--fail-on', 'fatal'], BASIC), 2).stderr, /invalid value for --fail-on/);
      assert.match(expectCode(run(['routes', '--format', 'sarif'], BASIC), 2).stderr, /--format/);
    });

    it('a missing path is a usage error naming the path', () => {
      const r = expectCode(run(['lint', 'src', 'no/such/dir'], BASIC), 2);
      assert.match(r.stderr, /path not found: no\/such\/dir/);
      assert.equal(r.stdout, '');
    });
  });

  describe('lint on express-basic', () => {
    it('stylish (default): exit 1, findings grouped by file, summary, no colour when not a TTY', () => {
      const r = expectCode(run(['lint'], BASIC), 1);
      assert.match(r.stdout, /^src\/routes\/misc\.ts$/m);
      assert.match(r.stdout, /^\s+24:\d+\s+error\s+POST \/feedback .*missing-auth$/m);
      assert.match(r.stdout, /\u2716 \d+ problems \(\d+ errors?, \d+ warnings?, \d+ infos?\)/);
      assert.doesNotMatch(r.stdout, /\u001b\[/);
    });

    it('json: documented shape, sorted, suppressed findings marked', () => {
      const findings = lintJson(BASIC, [], 1);
      assert.ok(findings.length > 0);
      for (const f of findings) {
        assert.deepEqual(
          Object.keys(f).filter((k) => k !== 'suppressed'),
          ['ruleId', 'severity', 'message', 'file', 'range', 'route', 'evidence', 'fixes'],
        );
        assert.ok(!path.isAbsolute(f.file) && !f.file.includes('\\'), f.file);
        assert.ok(['error', 'warning', 'info'].includes(f.severity));
      }
      const order = findings.map((f) => [f.file, f.range.start.line, f.range.start.column] as const);
      const sorted = [...order].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
      assert.deepEqual(order, sorted);

      const keys = active(findings).map(key);
      assert.ok(keys.includes('missing-auth src/routes/misc.ts:14'), keys.join('\n'));
      assert.ok(keys.includes('missing-validation src/routes/orders.ts:16'), keys.join('\n'));
      assert.ok(keys.includes('missing-rate-limit src/routes/auth.ts:33'), keys.join('\n'));
      assert.ok(keys.includes('suppression-without-reason src/routes/misc.ts:44'), keys.join('\n'));
      const suppressed = findings.filter((f) => f.suppressed);
      assert.deepEqual(suppressed.map(key), ['missing-auth src/routes/misc.ts:45']);
      assert.ok(!findings.some((f) => f.ruleId === 'parse-error'));
    });

    it('--fail-on never exits 0; --fail-on info exits 1', () => {
      expectCode(run(['lint', '--fail-on', 'never'], BASIC), 0);
      expectCode(run(['lint', '--fail-on', 'info', '--format', 'json'], BASIC), 1);
    });

    it('--quiet reports errors only', () => {
      const all = lintJson(BASIC, [], 1);
      const quiet = lintJson(BASIC, ['--quiet'], 1);
      assert.ok(quiet.every((f) => f.severity === 'error'));
      assert.deepEqual(quiet.map(key), all.filter((f) => f.severity === 'error').map(key));
    });

    it('sarif: valid SARIF 2.1.0 with rules, suppressions and stable fingerprints', () => {
      const r = expectCode(run(['lint', '--format', 'sarif'], BASIC), 1);
      const log = JSON.parse(r.stdout);
      const validate = sarifValidator();
      const valid = validate(JSON.parse(r.stdout));
      assert.ok(valid, JSON.stringify(validate.errors, null, 2));
      const run0 = log.runs[0];
      const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
      for (const id of ['missing-auth', 'missing-validation', 'missing-rate-limit', 'suppression-without-reason', 'parse-error']) {
        assert.ok(ids.includes(id), `rule ${id} in ${ids}`);
      }
      for (const rule of run0.tool.driver.rules) {
        assert.ok(rule.help.markdown.length > 0 && rule.properties.tags.includes('security'));
      }
      const results = run0.results as { ruleId: string; ruleIndex: number; suppressions: unknown[]; partialFingerprints: Record<string, string> }[];
      const findings = lintJson(BASIC);
      assert.equal(results.length, findings.length, 'SARIF keeps suppressed findings too');
      assert.equal(results.filter((x) => x.suppressions.length > 0).length, findings.filter((f) => f.suppressed).length);
      for (const x of results) assert.equal(ids[x.ruleIndex], x.ruleId);
      assert.equal(run0.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(BASIC).href + '/');
    });

    it('--output writes the report to a file', () => {
      const dir = temp();
      const out = path.join(dir, 'reports', 'apiwarden.sarif');
      const r = expectCode(run(['lint', '--format', 'sarif', '--output', out], BASIC), 1);
      assert.equal(r.stdout, '');
      assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).version, '2.1.0');
    });
  });

  describe('lint on express-cjs', () => {
    it('reports the unparsable routes/broken.js as parse-error and still reports the other files', () => {
      const findings = lintJson(CJS, [], 1);
      const parseErrors = findings.filter((f) => f.ruleId === 'parse-error');
      assert.equal(parseErrors.length, 1, JSON.stringify(parseErrors));
      assert.equal(parseErrors[0].file, 'routes/broken.js');
      assert.equal(parseErrors[0].severity, 'error');
      const keys = active(findings).map(key);
      assert.ok(keys.includes('missing-auth legacy.js:11'), keys.join('\n'));
      assert.ok(keys.includes('missing-validation routes/items.js:16'), keys.join('\n'));

      const stylish = expectCode(run(['lint'], CJS), 1).stdout;
      assert.match(stylish, /^routes\/broken\.js$/m);
      assert.match(stylish, /error\s+Cannot parse.*parse-error$/m);
    });

    it('uses the apiwarden.config.json of the folder (declared public routes)', () => {
      const keys = active(lintJson(CJS)).map(key);
      assert.ok(!keys.some((k) => k.startsWith('missing-auth routes/public.js:6') || k.startsWith('missing-auth routes/public.js:11')), keys.join('\n'));
    });
  });

  describe('configuration', () => {
    it('a broken config exits 2 with file:line:col, and is never ignored', () => {
      const dir = temp(CJS);
      fs.writeFileSync(path.join(dir, 'apiwarden.config.json'), '{\n  "publicRoutes": [\n    { "method": "FETCH", "path": "/x" }\n  ],\n  "rulez": {}\n}\n');
      for (const args of [['lint'], ['routes'], ['fix'], ['lint', '--format', 'json']]) {
        const r = expectCode(run(args, dir), 2);
        assert.match(r.stderr, /^apiwarden\.config\.json:3:17: .*unknown HTTP method "FETCH"/m);
        assert.match(r.stderr, /^apiwarden\.config\.json:5:3: unknown key "rulez"/m);
        assert.equal(r.stdout, '');
      }
      fs.writeFileSync(path.join(dir, 'apiwarden.config.json'), '{ "rules": { "missing-auth": "off", } }');
      assert.match(expectCode(run(['lint'], dir), 2).stderr, /^apiwarden\.config\.json:1:37: invalid JSON: trailing comma/m);
    });

    it('a config found in a parent folder applies; --config overrides; a missing --config file exits 2', () => {
      const dir = temp(CJS);
      fs.writeFileSync(path.join(dir, 'apiwarden.config.json'), JSON.stringify({ rules: { 'missing-auth': 'off', 'missing-validation': 'info' } }));
      const routesDir = path.join(dir, 'routes');
      const findings = lintJson(routesDir, []);
      assert.ok(!findings.some((f) => f.ruleId === 'missing-auth'));
      assert.ok(findings.filter((f) => f.ruleId === 'missing-validation').every((f) => f.severity === 'info'));

      fs.writeFileSync(path.join(dir, 'strict.json'), JSON.stringify({ rules: { 'missing-validation': 'error' } }));
      const strict = lintJson(dir, ['--config', 'strict.json']);
      assert.ok(strict.some((f) => f.ruleId === 'missing-auth'));
      assert.ok(strict.filter((f) => f.ruleId === 'missing-validation').every((f) => f.severity === 'error'));

      assert.match(expectCode(run(['lint', '--config', 'nope.json'], dir), 2).stderr, /nope\.json:1:1: cannot read/);
    });

    it('unknown rule ids in the config are warned about, not fatal', () => {
      const dir = temp(CJS);
      fs.writeFileSync(path.join(dir, 'apiwarden.config.json'), JSON.stringify({ rules: { 'missing-authz': 'off' } }));
      const r = expectCode(run(['lint', '--fail-on', 'never'], dir), 0);
      assert.match(r.stderr, /warning: unknown rule "missing-authz"/);
    });
  });

  describe('exit 0', () => {
    it('a folder without findings exits 0 and prints nothing', () => {
      const dir = temp();
      fs.writeFileSync(path.join(dir, 'util.js'), 'module.exports = (a, b) => a + b;\n');
      const r = expectCode(run(['lint'], dir), 0);
      assert.equal(r.stdout, '');
      assert.deepEqual(lintJson(dir, [], 0), []);
    });
  });

  describe('the bundled example (README command)', () => {
    it('examples/shop-api: exactly its documented gaps and drifts', () => {
      const example = path.join(ROOT, 'examples', 'shop-api');
      const findings = lintJson(example, [], 1);
      assert.deepEqual(
        findings.map((f) => `${f.file}:${f.range.start.line} ${f.ruleId} ${f.severity}`),
        [
          'openapi.yaml:134 unimplemented-operation warning',
          'src/routes/accounts.ts:46 missing-rate-limit error',
          'src/routes/accounts.ts:46 spec-rate-limit-not-enforced warning',
          'src/routes/admin.ts:17 missing-auth warning',
          'src/routes/admin.ts:17 spec-auth-not-enforced error',
          'src/routes/admin.ts:24 missing-auth error',
          'src/routes/admin.ts:24 missing-rate-limit warning',
          'src/routes/admin.ts:24 spec-auth-not-enforced error',
          'src/routes/cart.ts:24 missing-rate-limit warning',
          'src/routes/cart.ts:34 missing-rate-limit warning',
          'src/routes/cart.ts:34 undocumented-route warning',
          'src/routes/checkout.ts:15 missing-rate-limit error',
          'src/routes/checkout.ts:15 spec-rate-limit-not-enforced warning',
          'src/routes/products.ts:27 missing-validation error',
          'src/routes/products.ts:28 spec-validation-not-enforced warning',
        ],
      );
    });
  });

  describe('routes', () => {
    it('table: aligned inventory with status columns', () => {
      const r = expectCode(run(['routes'], BASIC), 0);
      const lines = r.stdout.split('\n');
      assert.match(lines[0], /^METHOD\s+PATH\s+LOCATION\s+AUTH\s+VALIDATION\s+RATE LIMIT$/);
      assert.ok(lines.some((l) => /^GET\s+\/healthz\s+src\/app\.ts:24\s+public/.test(l)), r.stdout);
      assert.match(r.stdout, /\d+ routes: \d+ without authentication/);
    });

    it('json: documented shape; broken files are skipped with a warning', () => {
      const basic = JSON.parse(expectCode(run(['routes', '--format', 'json'], BASIC), 0).stdout);
      assert.equal(basic.version, 1);
      assert.ok(basic.routes.length > 0);
      for (const route of basic.routes) {
        assert.deepEqual(Object.keys(route), ['method', 'path', 'file', 'line', 'framework', 'handler', 'auth', 'validation', 'rateLimit', 'public', 'steps', 'spec']);
        assert.deepEqual(route.spec, []);
        assert.deepEqual(Object.keys(route.validation), ['status', 'summary', 'uncovered', 'evidence']);
      }
      const healthz = basic.routes.find((x: { path: string }) => x.path === '/healthz');
      assert.equal(healthz.file, 'src/app.ts');
      assert.equal(healthz.line, 24);
      assert.equal(healthz.auth.status, 'public');

      const r = expectCode(run(['routes', '--format', 'json'], CJS), 0);
      const cjs = JSON.parse(r.stdout);
      assert.ok(!cjs.routes.some((x: { file: string }) => x.file === 'routes/broken.js'));
      assert.ok(cjs.routes.some((x: { path: string }) => x.path === '/legacy/upload'));
      assert.match(r.stderr, /routes\/broken\.js:\d+:\d+: could not parse/);
    });

    it('shows the matching OpenAPI operation of each route, or none', () => {
      const drift = path.join(path.dirname(BASIC), 'openapi-drift');
      const table = expectCode(run(['routes'], drift), 0).stdout.split('\n');
      assert.match(table[0], /^METHOD\s+PATH\s+LOCATION\s+AUTH\s+VALIDATION\s+RATE LIMIT\s+SPEC$/);
      assert.ok(table.some((l) => /^GET\s+\/api\/v1\/orders\/:id\s+src\/routes\/orders\.js:8\s.*\sapi\/openapi\.yaml:64 \(getOrder\)$/.test(l)), table.join('\n'));
      assert.ok(table.some((l) => /^GET\s+\/api\/v1\/reports\/daily\s.*\snone$/.test(l)), table.join('\n'));
      assert.match(table.join('\n'), /13 routes: .*, 3 not in any OpenAPI document/);
      const json = JSON.parse(expectCode(run(['routes', '--format', 'json'], drift), 0).stdout);
      const flags = json.routes.find((x: { path: string; method: string }) => x.method === 'PUT' && x.path === '/admin/flags/:name');
      assert.deepEqual(flags.spec, [{ method: 'PUT', path: '/flags/{name}', operationId: 'setFlag', file: 'admin/admin-api.json', line: 15 }]);
      // lint reports cross-check findings with the other place they are shown.
      const findings = lintJson(drift, [], 1) as Array<JsonFinding & { alsoAt?: { file: string; line: number; column: number }[] }>;
      const lie = findings.find((f) => f.ruleId === 'spec-auth-not-enforced')!;
      assert.equal(lie.file, 'src/routes/orders.js');
      assert.deepEqual(lie.alsoAt, [{ file: 'api/openapi.yaml', line: 64, column: 5 }]);
    });
  });

  describe('fix', () => {
    it('prints a unified diff without touching files; --write applies it', () => {
      const dir = temp(BASIC);
      const snapshot = () => {
        const out = new Map<string, string>();
        const walk = (d: string) => {
          for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else out.set(p, fs.readFileSync(p, 'utf8'));
          }
        };
        walk(dir);
        return out;
      };
      const before = snapshot();
      const dry = expectCode(run(['fix'], dir), 0);
      assert.deepEqual(snapshot(), before, 'fix without --write changes nothing');
      const findings = lintJson(dir);
      const fixable = findings.filter((f) => !f.suppressed && f.fixes.some((x) => x.kind === 'quickfix'));
      if (fixable.length === 0) {
        assert.match(dry.stderr, /no automatic fixes/);
        return;
      }
      assert.match(dry.stdout, /^--- a\/\S+\n\+\+\+ b\/\S+\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@/m);

      const wrote = expectCode(run(['fix', '--write'], dir), 0);
      const changed = [...snapshot()].filter(([p, text]) => before.get(p) !== text).map(([p]) => path.relative(dir, p).split(path.sep).join('/'));
      assert.ok(changed.length > 0);
      for (const file of changed) assert.match(wrote.stdout, new RegExp(`^fixed ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      const diffFiles = [...dry.stdout.matchAll(/^\+\+\+ b\/(\S+)$/gm)].map((m) => m[1]).sort();
      assert.deepEqual(changed.sort(), diffFiles);
      // Suppressions are never written without --include-suppress.
      for (const file of changed) {
        const added = snapshot().get(path.join(dir, file))!;
        assert.equal((added.match(/apiwarden-disable/g) ?? []).length, (before.get(path.join(dir, file))!.match(/apiwarden-disable/g) ?? []).length);
      }
      // The fixed project still analyses.
      const afterFindings = lintJson(dir);
      assert.ok(active(afterFindings).length < active(findings).length, 'fewer findings after fixing');
    });
  });
});
