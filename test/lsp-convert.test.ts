import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CodeActionKind, DiagnosticSeverity } from 'vscode-languageserver';
import type { Finding, Fix, SourceLocation } from '../server/src/engine/model';
import {
  configErrorToDiagnostic,
  diagnosticMatchesFinding,
  findingsToDiagnostics,
  findingToDiagnostic,
  fixesToCodeActions,
  fixToWorkspaceEdit,
  fromLspPosition,
  pathToUri,
  toLspPosition,
  toLspRange,
  uriToPath,
  withMirrors,
} from '../server/src/lsp/convert';

const FILE = path.resolve('/project/src/app.ts');
const OTHER = path.resolve('/project/src/middleware/auth.ts');
const TEXT = "import express from 'express';\nconst app = express();\napp.get('/users', handler);\n";

function loc(file: string, text: string, start: number, end: number): SourceLocation {
  const pos = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1]!.length + 1 };
  };
  return { file, start: pos(start), end: pos(end), range: [start, end] };
}

const routeStart = TEXT.indexOf("app.get('/users'");
const routeEnd = TEXT.indexOf(';', routeStart);

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'missing-auth',
    messageId: 'missing',
    severity: 'error',
    message: 'GET /users has no authentication.',
    location: loc(FILE, TEXT, routeStart, routeEnd),
    route: { method: 'GET', path: '/users' },
    evidence: [
      { message: 'app created here', location: loc(FILE, TEXT, TEXT.indexOf('express()'), TEXT.indexOf('express()') + 9) },
      { message: 'no auth middleware found' },
    ],
    fixes: [],
    ...overrides,
  };
}

describe('positions', () => {
  it('converts 1-based line/column to 0-based LSP positions and back', () => {
    assert.deepEqual(toLspPosition({ line: 1, column: 1 }), { line: 0, character: 0 });
    assert.deepEqual(toLspPosition({ line: 3, column: 9 }), { line: 2, character: 8 });
    assert.deepEqual(fromLspPosition({ line: 2, character: 8 }), { line: 3, column: 9 });
  });

  it('clamps out-of-range positions and never produces an inverted range', () => {
    assert.deepEqual(toLspPosition({ line: 0, column: 0 }), { line: 0, character: 0 });
    const r = toLspRange({ start: { line: 3, column: 5 }, end: { line: 2, column: 1 } });
    assert.deepEqual(r, { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } });
  });

  it('converts a location to a range with an exclusive end', () => {
    const r = toLspRange(finding().location);
    assert.deepEqual(r, { start: { line: 2, character: 0 }, end: { line: 2, character: routeEnd - routeStart } });
  });
});

describe('uris', () => {
  it('round-trips file paths and ignores other schemes', () => {
    const uri = pathToUri(FILE);
    assert.ok(uri.startsWith('file://'));
    assert.equal(uriToPath(uri), FILE);
    assert.equal(uriToPath('untitled:Untitled-1'), undefined);
    assert.equal(uriToPath(pathToUri(path.resolve('/a dir/with space#x.ts'))), path.resolve('/a dir/with space#x.ts'));
  });
});

describe('findingToDiagnostic', () => {
  it('maps severity, source, code, docs link, message and related information', () => {
    const d = findingToDiagnostic(finding(), {
      docsHref: (id) => `file:///pkg/rules/${id}.md`,
      relatedInformation: true,
    });
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.source, 'apiwarden');
    assert.equal(d.code, 'missing-auth');
    assert.deepEqual(d.codeDescription, { href: 'file:///pkg/rules/missing-auth.md' });
    assert.equal(d.message, 'GET /users has no authentication.');
    assert.deepEqual(d.range.start, { line: 2, character: 0 });
    // Only evidence with a location becomes related information.
    assert.equal(d.relatedInformation?.length, 1);
    assert.equal(d.relatedInformation![0]!.message, 'app created here');
    assert.equal(d.relatedInformation![0]!.location.uri, pathToUri(FILE));
    assert.deepEqual(d.relatedInformation![0]!.location.range.start, { line: 1, character: 12 });
  });

  it('maps warning and info severities, omits missing docs and unsupported related information', () => {
    const w = findingToDiagnostic(finding({ severity: 'warning' }), { docsHref: () => undefined, relatedInformation: false });
    assert.equal(w.severity, DiagnosticSeverity.Warning);
    assert.equal(w.codeDescription, undefined);
    assert.equal(w.relatedInformation, undefined);
    assert.equal(findingToDiagnostic(finding({ severity: 'info' })).severity, DiagnosticSeverity.Information);
  });

  it('uses the given URI for evidence in open documents', () => {
    const d = findingToDiagnostic(finding(), { uriOf: (f) => `file:///OPEN${f}` });
    assert.equal(d.relatedInformation![0]!.location.uri, `file:///OPEN${FILE}`);
  });

  it('leaves suppressed findings out', () => {
    const suppressed = finding({ suppressed: { reason: 'internal', location: loc(FILE, TEXT, 0, 5) } });
    const ds = findingsToDiagnostics([finding(), suppressed]);
    assert.equal(ds.length, 1);
  });

  it('matches a diagnostic back to its finding by range and code', () => {
    const f = finding();
    const d = findingToDiagnostic(f);
    // As echoed by a client: plain JSON, without our data.
    const echoed = JSON.parse(JSON.stringify({ ...d, data: undefined }));
    assert.ok(diagnosticMatchesFinding(echoed, f));
    assert.ok(!diagnosticMatchesFinding({ ...echoed, code: 'missing-validation' }, f));
    assert.ok(!diagnosticMatchesFinding({ ...echoed, range: { ...echoed.range, end: { line: 2, character: 1 } } }, f));
    assert.ok(!diagnosticMatchesFinding({ ...echoed, source: 'eslint' }, f));
  });
});

describe('configErrorToDiagnostic', () => {
  it('points at the 1-based line/column of the config error', () => {
    const d = configErrorToDiagnostic({ file: '/p/apiwarden.config.json', line: 4, column: 3, message: 'unknown rule "x"' });
    assert.deepEqual(d.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 3 } });
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.source, 'apiwarden');
    assert.equal(d.message, 'unknown rule "x"');
  });
});

describe('fixes', () => {
  const insertAuth: Fix = {
    title: 'Add requireAuth',
    kind: 'quickfix',
    preferred: true,
    edits: [
      { file: FILE, range: [routeStart + "app.get('/users', ".length, routeStart + "app.get('/users', ".length], newText: 'requireAuth, ' },
      { file: FILE, range: [0, 0], newText: "import { requireAuth } from './middleware/auth';\n" },
    ],
  };
  const suppress: Fix = {
    title: 'Disable missing-auth for this line',
    kind: 'suppress',
    edits: [{ file: FILE, range: [routeStart, routeStart], newText: '// apiwarden-disable-next-line missing-auth -- TODO\n' }],
  };
  const getText = (f: string) => (f === FILE ? TEXT : undefined);

  it('converts offset edits to text edits grouped by URI', () => {
    const edit = fixToWorkspaceEdit(insertAuth, { getText });
    assert.ok(edit?.changes);
    const edits = edit.changes[pathToUri(FILE)]!;
    assert.equal(edits.length, 2);
    assert.deepEqual(edits[0]!.range, { start: { line: 2, character: 18 }, end: { line: 2, character: 18 } });
    assert.equal(edits[0]!.newText, 'requireAuth, ');
    assert.deepEqual(edits[1]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  });

  it('emits versioned document changes when asked', () => {
    const edit = fixToWorkspaceEdit(suppress, { getText, versionOf: () => 7 });
    assert.equal(edit?.changes, undefined);
    assert.deepEqual(edit?.documentChanges, [
      {
        textDocument: { uri: pathToUri(FILE), version: 7 },
        edits: [
          {
            range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
            newText: '// apiwarden-disable-next-line missing-auth -- TODO\n',
          },
        ],
      },
    ]);
  });

  it('drops a fix whose file text is unknown or whose offsets are out of range', () => {
    const elsewhere: Fix = { title: 'x', kind: 'quickfix', edits: [{ file: OTHER, range: [0, 0], newText: 'x' }] };
    assert.equal(fixToWorkspaceEdit(elsewhere, { getText }), undefined);
    const tooFar: Fix = { title: 'x', kind: 'quickfix', edits: [{ file: FILE, range: [0, TEXT.length + 1], newText: '' }] };
    assert.equal(fixToWorkspaceEdit(tooFar, { getText }), undefined);
  });

  it('turns fixes into quick fixes attached to the diagnostic, preferred first, suppress included', () => {
    const f = finding({ fixes: [suppress, insertAuth] });
    const d = findingToDiagnostic(f);
    const actions = fixesToCodeActions(f, d, { getText });
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, a.isPreferred ?? false]),
      [
        ['Add requireAuth', CodeActionKind.QuickFix, true],
        ['Disable missing-auth for this line', CodeActionKind.QuickFix, false],
      ],
    );
    assert.deepEqual(actions[0]!.diagnostics, [d]);
    assert.ok(actions[1]!.edit?.changes?.[pathToUri(FILE)]);
  });
});

describe('withMirrors', () => {
  const SPEC = path.resolve('/project/api/openapi.yaml');
  const SPEC_TEXT = 'paths:\n  /users:\n    get:\n';
  const specLoc = loc(SPEC, SPEC_TEXT, SPEC_TEXT.indexOf('get'), SPEC_TEXT.indexOf('get') + 3);

  it('adds a copy at each alsoAt place that points back at the primary location', () => {
    const primary = finding({ ruleId: 'spec-auth-not-enforced', alsoAt: [specLoc] });
    const out = withMirrors([primary, finding()]);
    assert.equal(out.length, 3);
    assert.equal(out[0], primary);
    const copy = out[1]!;
    assert.equal(copy.location, specLoc);
    assert.deepEqual(copy.alsoAt, [primary.location]);
    assert.equal(copy.message, primary.message);
    assert.deepEqual(copy.evidence[0], { message: 'reported here too', location: primary.location });
    const d = findingToDiagnostic(copy);
    assert.equal(d.range.start.line, 2);
    assert.equal(d.relatedInformation?.[0]?.location.uri, pathToUri(FILE));
  });

  it('does not copy a finding onto itself', () => {
    const f = finding();
    assert.equal(withMirrors([{ ...f, alsoAt: [f.location] }]).length, 1);
  });
});
