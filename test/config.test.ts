import { strict as assert } from 'node:assert';
import { builtinRules, engineRuleIds } from '../rules';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import {
  CONFIG_FILE_NAME,
  type ConfigError,
  defaultConfig,
  findConfigFile,
  loadConfig,
  parseConfig,
} from '../server/src/engine/config';
import { type FileHost, nodeFileHost } from '../server/src/engine/host';

const FILE = path.resolve('/proj/apiwarden.config.json');
const BASE = path.dirname(FILE);

/** Errors as `line:col message-fragment` for compact assertions. */
function errorsOf(lines: string[]): ConfigError[] {
  const { config, errors } = parseConfig(lines.join('\n'), FILE, BASE);
  assert.equal(config, undefined, 'no config is returned when there are errors');
  assert.ok(errors.length > 0, 'expected errors');
  for (const e of errors) assert.equal(e.file, FILE);
  return errors;
}

function only(lines: string[]): ConfigError {
  const errors = errorsOf(lines);
  assert.equal(errors.length, 1, `expected one error, got ${JSON.stringify(errors, null, 2)}`);
  return errors[0];
}

describe('parseConfig: valid files', () => {
  it('parses every key into the config shape', () => {
    const text = JSON.stringify(
      {
        $schema: './apiwarden.schema.json',
        include: ['./src/**', 'lib/*.js'],
        exclude: ['**/*.test.ts'],
        rules: { 'missing-auth': 'error', 'missing-rate-limit': 'warning', 'missing-validation': 'info', 'parse-error': 'off', 'no-such-rule': 'off' },
        publicRoutes: ['GET /health', '/docs/**', '* /status', { method: 'POST', path: '/webhooks/*', reason: 'signed by provider' }, { path: '/public/**' }],
        middleware: { auth: ['requireUser'], validation: ['validateBody'], rateLimit: ['limiter'] },
        specs: ['./api/openapi.yaml', 'specs/*.json'],
        allowRemoteRefs: true,
      },
      null,
      2,
    );
    const { config, errors } = parseConfig(text, FILE, BASE);
    assert.deepEqual(errors, []);
    assert.deepEqual(config, {
      file: FILE,
      baseDir: BASE,
      include: ['src/**', 'lib/*.js'],
      exclude: ['**/*.test.ts'],
      rules: { 'missing-auth': 'error', 'missing-rate-limit': 'warning', 'missing-validation': 'info', 'parse-error': 'off', 'no-such-rule': 'off' },
      publicRoutes: [
        { method: 'GET', path: '/health' },
        { method: '*', path: '/docs/**' },
        { method: '*', path: '/status' },
        { method: 'POST', path: '/webhooks/*', reason: 'signed by provider' },
        { method: '*', path: '/public/**' },
      ],
      middleware: { auth: ['requireUser'], validation: ['validateBody'], rateLimit: ['limiter'] },
      specs: ['api/openapi.yaml', 'specs/*.json'],
      allowRemoteRefs: true,
    });
  });

  it('accepts an empty object (defaults), a BOM and CRLF line endings', () => {
    const { config, errors } = parseConfig('\uFEFF{\r\n}\r\n', FILE, BASE);
    assert.deepEqual(errors, []);
    assert.deepEqual(config, { ...defaultConfig(BASE), file: FILE });
  });
});

describe('parseConfig: validation errors carry the line and column of the offending key or value', () => {
  it('unknown top-level key → position of the key', () => {
    const e = only(['{', '  "include": ["src/**"],', '  "rulez": {}', '}']);
    assert.deepEqual([e.line, e.column], [3, 3]);
    assert.match(e.message, /unknown key "rulez"/);
  });

  it('wrong type → position of the value', () => {
    const e = only(['{', '  "include": "src/**"', '}']);
    assert.deepEqual([e.line, e.column], [2, 14]);
    assert.match(e.message, /"include" must be an array of strings, found a string/);
  });

  it('wrong item type inside an array → position of the item', () => {
    const e = only(['{', '  "exclude": ["a", 42]', '}']);
    assert.deepEqual([e.line, e.column], [2, 20]);
    assert.match(e.message, /"exclude\[1\]" must be a string, found a number/);
  });

  it('bad severity → position of the value', () => {
    const e = only(['{', '  "rules": {', '    "missing-auth": "fatal"', '  }', '}']);
    assert.deepEqual([e.line, e.column], [3, 21]);
    assert.match(e.message, /severity must be one of "error", "warning", "info", "off", found "fatal"/);
  });

  it('severity of the wrong type', () => {
    const e = only(['{ "rules": { "missing-auth": 2 } }']);
    assert.deepEqual([e.line, e.column], [1, 30]);
    assert.match(e.message, /found a number/);
  });

  it('unknown rule ids are not an error at parse time', () => {
    const { config, errors } = parseConfig('{ "rules": { "made-up-rule": "warning" } }', FILE, BASE);
    assert.deepEqual(errors, []);
    assert.equal(config?.rules['made-up-rule'], 'warning');
  });

  it('bad method in the string form → position of the string', () => {
    const e = only(['{', '  "publicRoutes": [', '    "GET /health",', '    "FETCH /x"', '  ]', '}']);
    assert.deepEqual([e.line, e.column], [4, 5]);
    assert.match(e.message, /unknown HTTP method "FETCH"/);
  });

  it('lower-case method → error with a hint', () => {
    const e = only(['{ "publicRoutes": ["get /health"] }']);
    assert.deepEqual([e.line, e.column], [1, 20]);
    assert.match(e.message, /upper case: "GET"/);
  });

  it('bad method in the object form → position of the method value', () => {
    const e = only(['{', '  "publicRoutes": [', '    { "method": "YANK", "path": "/x" }', '  ]', '}']);
    assert.deepEqual([e.line, e.column], [3, 17]);
    assert.match(e.message, /"publicRoutes\[0\]\.method": unknown HTTP method "YANK"/);
  });

  it('route path without a leading slash', () => {
    const e = only(['{ "publicRoutes": ["GET health"] }']);
    assert.deepEqual([e.line, e.column], [1, 20]);
    assert.match(e.message, /must start with "\/"/);
  });

  it('unknown key in a public route object, and a missing path', () => {
    const errors = errorsOf(['{', '  "publicRoutes": [', '    { "method": "GET", "pth": "/x" }', '  ]', '}']);
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [
        [3, 5],
        [3, 24],
      ],
    );
    assert.match(errors[0].message, /missing the required key "path"/);
    assert.match(errors[1].message, /unknown key "publicRoutes\[0\]\.pth"/);
  });

  it('public route of the wrong type', () => {
    const e = only(['{ "publicRoutes": [true] }']);
    assert.deepEqual([e.line, e.column], [1, 20]);
    assert.match(e.message, /must be a string like "GET \/health" or an object/);
  });

  it('empty strings are refused everywhere', () => {
    const errors = errorsOf([
      '{',
      '  "include": [""],',
      '  "publicRoutes": ["  ", { "path": "/x", "reason": "" }],',
      '  "middleware": { "auth": [""] },',
      '  "rules": { "": "off" },',
      '  "$schema": ""',
      '}',
    ]);
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [
        [2, 15],
        [3, 20],
        [3, 52],
        [4, 28],
        [5, 14],
        [6, 14],
      ],
    );
    assert.match(errors[0].message, /"include\[0\]" must not be empty/);
    assert.match(errors[2].message, /"publicRoutes\[1\]\.reason" must not be empty/);
    assert.match(errors[4].message, /rule id must not be empty/);
  });

  it('middleware: unknown role and wrong types', () => {
    const errors = errorsOf(['{', '  "middleware": {', '    "authz": ["x"],', '    "rateLimit": "limiter"', '  }', '}']);
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [
        [3, 5],
        [4, 18],
      ],
    );
    assert.match(errors[0].message, /unknown key "middleware\.authz"; allowed keys in "middleware": "auth", "validation", "rateLimit"/);
    assert.match(errors[1].message, /"middleware\.rateLimit" must be an array of strings/);
  });

  it('duplicate keys', () => {
    const e = only(['{', '  "include": ["a"],', '  "include": ["b"]', '}']);
    assert.deepEqual([e.line, e.column], [3, 3]);
    assert.match(e.message, /duplicate key "include"/);
  });

  it('root that is not an object', () => {
    const e = only(['', '  ["src/**"]']);
    assert.deepEqual([e.line, e.column], [2, 3]);
    assert.match(e.message, /must be a JSON object, found an array/);
  });

  it('reports every error, sorted by position', () => {
    const errors = errorsOf(['{', '  "rules": { "a": "loud" },', '  "include": [1],', '  "extra": true', '}']);
    assert.deepEqual(
      errors.map((e) => `${e.line}:${e.column}`),
      ['2:19', '3:15', '4:3'],
    );
  });
});

describe('parseConfig: JSON syntax errors', () => {
  const cases: [string, string[], number, number, RegExp][] = [
    ['trailing comma in an object', ['{', '  "include": ["a"],', '}'], 3, 1, /trailing comma/],
    ['trailing comma in an array', ['{ "include": ["a",] }'], 1, 19, /trailing comma/],
    ['missing comma', ['{', '  "include": ["a"]', '  "exclude": []', '}'], 3, 3, /expected ',' or '}'/],
    ['unquoted key', ['{ include: [] }'], 1, 3, /property name in double quotes/],
    ['comment', ['{', '  // no comments', '}'], 2, 3, /comments are not allowed/],
    ['unterminated string', ['{ "include": ["src/**', '] }'], 1, 15, /unterminated string/],
    ['empty file', [''], 1, 1, /unexpected end of file/],
    ['text after the value', ['{}', '{}'], 2, 1, /after the end of the JSON value/],
    ['single quotes', ["{ 'include': [] }"], 1, 3, /property name in double quotes/],
    ['bad literal', ['{ "include": tru }'], 1, 14, /unexpected 't'/],
  ];
  for (const [name, lines, line, column, message] of cases) {
    it(name, () => {
      const e = only(lines);
      assert.deepEqual([e.line, e.column], [line, column], e.message);
      assert.match(e.message, /^invalid JSON: /);
      assert.match(e.message, message);
    });
  }
});

describe('parseConfig: path traversal is refused', () => {
  for (const glob of ['../secrets/**', 'src/../../etc/*', '..', 'src\\\\..\\\\x']) {
    it(`include ${JSON.stringify(glob)}`, () => {
      const e = only([`{ "include": [${JSON.stringify(glob)}] }`]);
      assert.deepEqual([e.line, e.column], [1, 15]);
      assert.match(e.message, /"\.\." segments are not allowed/);
    });
  }

  it('absolute globs are refused too', () => {
    const errors = errorsOf(['{ "exclude": ["/etc/**", "C:\\\\Windows\\\\**"] }']);
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [
        [1, 15],
        [1, 26],
      ],
    );
    for (const e of errors) assert.match(e.message, /absolute paths are not allowed/);
  });

  it('".." inside a name is not a traversal', () => {
    const { errors } = parseConfig('{ "include": ["a..b/**", "..hidden/*"] }', FILE, BASE);
    assert.deepEqual(errors, []);
  });

  it('".." segments in public route globs are refused', () => {
    const e = only(['{ "publicRoutes": ["GET /public/../admin"] }']);
    assert.deepEqual([e.line, e.column], [1, 20]);
  });
});

describe('findConfigFile / loadConfig', () => {
  it('finds the config in a parent folder (temp dir) and uses its folder as baseDir', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-config-'));
    try {
      const nested = path.join(root, 'packages', 'api', 'src');
      fs.mkdirSync(nested, { recursive: true });
      const file = path.join(root, CONFIG_FILE_NAME);
      fs.writeFileSync(file, '{ "exclude": ["dist/**"] }\n');
      const host = nodeFileHost();
      assert.equal(findConfigFile(nested, host), file);

      const loaded = loadConfig({ startDir: nested, host });
      assert.deepEqual(loaded.errors, []);
      assert.equal(loaded.file, file);
      assert.equal(loaded.config?.baseDir, root);
      assert.equal(loaded.config?.file, file);
      assert.deepEqual(loaded.config?.exclude, ['dist/**']);

      // A nearer config wins.
      const nearer = path.join(root, 'packages', 'api', CONFIG_FILE_NAME);
      fs.writeFileSync(nearer, '{}');
      assert.equal(findConfigFile(nested, host), nearer);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('walks up to the filesystem root and stops there', () => {
    const visited: string[] = [];
    const host: FileHost = {
      readFile: () => undefined,
      isFile: (p) => {
        visited.push(p);
        return false;
      },
      isDirectory: () => false,
      readDirectory: () => [],
      fileSize: () => undefined,
    };
    const start = path.resolve('/a/b/c');
    assert.equal(findConfigFile(start, host), undefined);
    const fsRoot = path.parse(start).root;
    assert.deepEqual(visited, [
      path.join(start, CONFIG_FILE_NAME),
      path.join(path.dirname(start), CONFIG_FILE_NAME),
      path.join(path.dirname(path.dirname(start)), CONFIG_FILE_NAME),
      path.join(fsRoot, CONFIG_FILE_NAME),
    ]);
  });

  it('no file → defaults with the start folder as baseDir', () => {
    const host: FileHost = { readFile: () => undefined, isFile: () => false, isDirectory: () => true, readDirectory: () => [], fileSize: () => undefined };
    const start = path.resolve('/work/project');
    assert.deepEqual(loadConfig({ startDir: start, host }), { config: defaultConfig(start), errors: [] });
  });

  it('an explicit file that does not exist is an error, not the defaults', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-config-'));
    try {
      const loaded = loadConfig({ startDir: root, configFile: 'nope.json' });
      assert.equal(loaded.config, undefined);
      assert.equal(loaded.file, path.join(root, 'nope.json'));
      assert.equal(loaded.errors.length, 1);
      assert.match(loaded.errors[0].message, /cannot read/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a broken discovered file is reported with positions', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-config-'));
    try {
      fs.writeFileSync(path.join(root, CONFIG_FILE_NAME), '{\n  "rules": { "missing-auth": "fatal" }\n}\n');
      const loaded = loadConfig({ startDir: root });
      assert.equal(loaded.config, undefined);
      assert.deepEqual(
        loaded.errors.map((e) => [e.file, e.line, e.column]),
        [[path.join(root, CONFIG_FILE_NAME), 2, 30]],
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('apiwarden.schema.json agrees with parseConfig', () => {
  it('accepts what parseConfig accepts and rejects what it rejects', () => {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, 'apiwarden.schema.json'))) dir = path.dirname(dir);
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'apiwarden.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const samples: unknown[] = [
      {},
      { include: ['src/**'], rules: { x: 'off' }, publicRoutes: ['GET /h', '/d/**', { path: '/p' }], middleware: { auth: ['a'] } },
      { include: ['../x'] },
      { include: ['/abs/**'] },
      { include: [''] },
      { rules: { 'missing-auth': 'fatal' } },
      { publicRoutes: ['get /x'] },
      { publicRoutes: [{ method: 'GET' }] },
      { publicRoutes: [{ path: '/x', why: 'y' }] },
      { middleware: { authz: [] } },
      { unknown: 1 },
      { specs: ['api/openapi.yaml', 'specs/*.json'], allowRemoteRefs: false },
      { specs: ['../outside.yaml'] },
      { specs: 'openapi.yaml' },
      { allowRemoteRefs: 'yes' },
    ];
    for (const sample of samples) {
      const ok = parseConfig(JSON.stringify(sample), FILE, BASE).errors.length === 0;
      assert.equal(validate(sample), ok, JSON.stringify(sample));
    }
  });

  it('documents every built-in rule and engine finding under "rules"', () => {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, 'apiwarden.schema.json'))) dir = path.dirname(dir);
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'apiwarden.schema.json'), 'utf8'));
    const documented = Object.keys(schema.properties.rules.properties).sort();
    assert.deepEqual(documented, [...builtinRules.map((r) => r.meta.id), ...engineRuleIds].sort());
  });
});
