/**
 * Drives the bundled language server (dist/server.js --stdio) over JSON-RPC the way an editor
 * does, against a temp copy of test/fixtures/express-basic (see its EXPECTED.md).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';

const TIMEOUT_MS = 30_000;

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'apiwarden') return dir;
    } catch {
      // keep walking up
    }
    if (path.dirname(dir) === dir) throw new Error(`no apiwarden package.json above ${start}`);
  }
}

const repoRoot = findRepoRoot(__dirname);
const serverJs = path.join(repoRoot, 'dist', 'server.js');
const fixture = path.join(repoRoot, 'test', 'fixtures', 'express-basic');

const uriOf = (file: string) => pathToFileURL(file).href;

/** A minimal LSP client: records what the server publishes and answers its requests. */
class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  readonly shownMessages: string[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  private waiters: Array<() => void> = [];
  private stderr = '';
  private stopped: Promise<number | null> | undefined;

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
  ) {
    proc.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    conn.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params);
      this.notify();
    });
    conn.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    conn.onNotification('window/showMessage', (params: { message: string }) => {
      this.shownMessages.push(params.message);
    });
    conn.onRequest('window/showMessageRequest', (params: { message: string }) => {
      this.shownMessages.push(params.message);
      return null;
    });
    conn.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => ({ enable: true, configPath: '' })),
    );
    conn.onRequest('client/registerCapability', (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    conn.listen();
  }

  static start(): TestClient {
    const proc = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    return new TestClient(proc, conn);
  }

  async initialize(workDir: string): Promise<InitializeResult> {
    const result = await this.conn.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: uriOf(workDir),
      workspaceFolders: [{ uri: uriOf(workDir), name: path.basename(workDir) }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceEdit: { documentChanges: true },
        },
        textDocument: {
          synchronization: { didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        },
      },
    });
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the latest diagnostics of `uri` once they satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean, what: string): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const current = this.diagnostics.get(uri);
        if (current && predicate(current)) {
          clearTimeout(timer);
          resolve(current);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const current = this.diagnostics.get(uri);
        reject(
          new Error(
            `timed out waiting for ${what} on ${uri}\nlatest: ${JSON.stringify(current && summarise(current.diagnostics))}` +
              `\nserver log:\n${this.logs.join('\n')}\nstderr:\n${this.stderr}`,
          ),
        );
      }, TIMEOUT_MS);
      const waiter = () => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (!check()) this.waiters.push(waiter);
    });
  }

  stop(): Promise<number | null> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.proc.exitCode !== null) resolve(this.proc.exitCode);
      else this.proc.once('exit', (code) => resolve(code));
    });
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.proc.kill(), 5000);
    const code = await exited;
    clearTimeout(timer);
    this.conn.dispose();
    return code;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

function summarise(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
}

const has = (ds: Diagnostic[], code: string, line0: number) => ds.some((d) => d.code === code && d.range.start.line === line0);

function positionAt(text: string, line0: number, character: number): number {
  const lines = text.split('\n');
  return lines.slice(0, line0).reduce((n, l) => n + l.length + 1, 0) + character;
}

function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({
    start: positionAt(text, e.range.start.line, e.range.start.character),
    end: positionAt(text, e.range.end.line, e.range.end.character),
    newText: e.newText,
  }));
  withOffsets.sort((a, b) => b.start - a.start);
  for (const e of withOffsets) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  return text;
}

/** The text edits of a workspace edit for one URI (from `documentChanges` or `changes`). */
function editsFor(edit: WorkspaceEdit | undefined, uri: string): { edits: TextEdit[]; version?: number | null } {
  for (const change of edit?.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) return { edits: change.edits as TextEdit[], version: change.textDocument.version };
  }
  return { edits: edit?.changes?.[uri] ?? [] };
}

describe('language server over stdio', { timeout: 120_000 }, () => {
  let workDir: string;
  let client: TestClient;
  let miscFile: string;
  let miscUri: string;
  let miscText: string;
  let version = 0;
  let feedbackDiagnostic: Diagnostic;

  before(() => {
    assert.ok(fs.existsSync(serverJs), `${serverJs} is missing: run \`npm run build\` first`);
    workDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-lsp-')));
    fs.cpSync(fixture, workDir, { recursive: true });
    miscFile = path.join(workDir, 'src', 'routes', 'misc.ts');
    miscUri = uriOf(miscFile);
    miscText = fs.readFileSync(miscFile, 'utf8');
    client = TestClient.start();
  });

  after(async () => {
    if (client) await client.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('initializes with incremental sync and quick fix code actions', async () => {
    const result = await client.initialize(workDir);
    const sync = result.capabilities.textDocumentSync;
    assert.equal(typeof sync === 'object' ? sync.change : sync, 2 /* Incremental */);
    const codeActionProvider = result.capabilities.codeActionProvider;
    assert.ok(typeof codeActionProvider === 'object' && codeActionProvider.codeActionKinds?.includes('quickfix'));
  });

  it('publishes the workspace findings after initialization', async () => {
    const published = await client.waitForDiagnostics(miscUri, (p) => has(p.diagnostics, 'missing-auth', 18), 'missing-auth on GET /settings');
    const settings = published.diagnostics.find((d) => d.code === 'missing-auth' && d.range.start.line === 18)!;
    assert.equal(settings.source, 'apiwarden');
    assert.ok(settings.severity !== undefined);
    assert.ok(typeof settings.message === 'string' && settings.message.length > 0);
    const doc = path.join(repoRoot, 'rules', 'missing-auth.md');
    if (fs.existsSync(doc)) assert.equal(settings.codeDescription?.href, uriOf(doc));

    // Other files' findings are published too, without opening them.
    const reportsUri = uriOf(path.join(workDir, 'src', 'routes', 'reports.ts'));
    await client.waitForDiagnostics(reportsUri, (p) => has(p.diagnostics, 'missing-auth', 5), 'missing-auth on GET /api/reports');

    // The suppressed finding (GET /invoices/:id/pdf, misc.ts:45) is not published.
    assert.ok(!has(published.diagnostics, 'missing-auth', 44), `suppressed finding published: ${summarise(published.diagnostics)}`);

    // The file watcher was registered dynamically, since this client supports it.
    assert.ok(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'));
  });

  it('drops the diagnostic once the auth middleware is added, for the new document version', async () => {
    await client.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: miscUri, languageId: 'typescript', version: ++version, text: miscText },
    });
    const lines = miscText.split('\n');
    const helmetAt = lines[18]!.indexOf('helmet()');
    assert.ok(helmetAt > 0 && lines[5]!.startsWith("import { auth } from '../middleware/logging';"));
    const at = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });
    const changes = [
      { range: at(18, helmetAt), text: 'requireAuth, ' },
      // On the same line, so that line numbers stay put.
      { range: at(5, lines[5]!.length), text: " import { requireAuth } from '../middleware/auth';" },
    ];
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: miscUri, version: ++version }, contentChanges: changes });
    miscText = applyTextEdits(miscText, changes.map((c) => ({ range: c.range, newText: c.text })));

    const published = await client.waitForDiagnostics(
      miscUri,
      (p) => p.version === version && !has(p.diagnostics, 'missing-auth', 18),
      `diagnostics of version ${version} without missing-auth on line 19`,
    );
    // The other unprotected routes of the file are still reported.
    assert.ok(has(published.diagnostics, 'missing-auth', 23), `GET /feedback: ${summarise(published.diagnostics)}`);
    feedbackDiagnostic = published.diagnostics.find((d) => d.code === 'missing-auth' && d.range.start.line === 23)!;
  });

  it('offers quick fixes, including the suppression, whose edits apply to the open document', async () => {
    const actions = await client.conn.sendRequest<CodeAction[] | null>('textDocument/codeAction', {
      textDocument: { uri: miscUri },
      range: feedbackDiagnostic.range,
      context: { diagnostics: [feedbackDiagnostic], only: ['quickfix'] },
    });
    assert.ok(actions && actions.length > 0, 'no code actions returned');
    for (const action of actions) {
      assert.equal(action.kind, 'quickfix');
      assert.deepEqual(action.diagnostics?.map((d) => d.code), ['missing-auth']);
      const { edits } = editsFor(action.edit, miscUri);
      assert.ok(action.edit && (edits.length > 0 || Object.keys(action.edit.changes ?? {}).length > 0), `${action.title}: no edit`);
    }
    const suppress = actions.find((a) => editsFor(a.edit, miscUri).edits.some((e) => e.newText.includes('apiwarden-disable')));
    assert.ok(suppress, `no suppression among ${actions.map((a) => a.title).join(' | ')}`);
    const { edits, version: editVersion } = editsFor(suppress.edit, miscUri);
    assert.equal(editVersion, version, 'edits are for the current document version');

    // Applying the suppression removes the diagnostic.
    const newText = applyTextEdits(miscText, edits);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: miscUri, version: ++version },
      contentChanges: [{ text: newText }],
    });
    miscText = newText;
    const published = await client.waitForDiagnostics(
      miscUri,
      (p) => p.version === version,
      `diagnostics of version ${version}`,
    );
    // The directive goes on its own line (the route moves down one) or at the end of the line.
    assert.ok(
      !has(published.diagnostics, 'missing-auth', 23) && !has(published.diagnostics, 'missing-auth', 24),
      `still reported after suppression: ${summarise(published.diagnostics)}`,
    );
  });

  it('keeps answering when a file has a syntax error', async () => {
    const brokenFile = path.join(workDir, 'src', 'routes', 'broken.ts');
    const brokenUri = uriOf(brokenFile);
    await client.conn.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri: brokenUri,
        languageId: 'typescript',
        version: 1,
        text: "import { Router } from 'express';\nconst router = Router();\nrouter.get('/x', (req, res) => {\n  res.json(req.query.\n",
      },
    });
    const actions = await client.conn.sendRequest<CodeAction[] | null>('textDocument/codeAction', {
      textDocument: { uri: brokenUri },
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } },
      context: { diagnostics: [] },
    });
    assert.ok(actions === null || Array.isArray(actions));

    // Analysis still runs: restoring the original misc.ts brings its finding back.
    const original = fs.readFileSync(miscFile, 'utf8');
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: miscUri, version: ++version },
      contentChanges: [{ text: original }],
    });
    await client.waitForDiagnostics(
      miscUri,
      (p) => p.version === version && has(p.diagnostics, 'missing-auth', 18),
      `missing-auth on line 19 again in version ${version}`,
    );
    assert.equal(client.proc.exitCode, null, 'server exited');
  });

  it('shuts down cleanly', async () => {
    const code = await client.stop();
    assert.equal(code, 0);
  });
});

describe('language server with a broken apiwarden.config.json', { timeout: 120_000 }, () => {
  let workDir: string;
  let client: TestClient;

  before(() => {
    assert.ok(fs.existsSync(serverJs), `${serverJs} is missing: run \`npm run build\` first`);
    workDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-lsp-')));
    fs.cpSync(fixture, workDir, { recursive: true });
    fs.writeFileSync(path.join(workDir, 'apiwarden.config.json'), '{\n  "rules": { "missing-auth": "loud" }\n}\n');
    client = TestClient.start();
  });

  after(async () => {
    if (client) await client.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('reports the config problem and analyses with the defaults', async () => {
    await client.initialize(workDir);
    const configUri = uriOf(path.join(workDir, 'apiwarden.config.json'));
    const published = await client.waitForDiagnostics(configUri, (p) => p.diagnostics.length > 0, 'a config diagnostic');
    assert.equal(published.diagnostics[0]!.source, 'apiwarden');
    assert.equal(published.diagnostics[0]!.range.start.line, 1, 'on the line of the bad setting');
    const miscUri = uriOf(path.join(workDir, 'src', 'routes', 'misc.ts'));
    const misc = await client.waitForDiagnostics(miscUri, (p) => has(p.diagnostics, 'missing-auth', 18), 'missing-auth on GET /settings');
    // The default severity of missing-auth (error) applies to some of them at least.
    assert.ok(misc.diagnostics.some((d) => d.code === 'missing-auth' && d.severity === 1), `no error among ${summarise(misc.diagnostics)}`);
    assert.ok(client.shownMessages.some((m) => m.includes('apiwarden.config.json')), `messages: ${client.shownMessages.join(' | ')}`);
  });

  it('clears the config diagnostic once the file is fixed', async () => {
    const configFile = path.join(workDir, 'apiwarden.config.json');
    fs.writeFileSync(configFile, '{\n  "rules": { "missing-auth": "warning" }\n}\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(configFile), type: 2 }] });
    await client.waitForDiagnostics(uriOf(configFile), (p) => p.diagnostics.length === 0, 'no config diagnostics');
    const miscUri = uriOf(path.join(workDir, 'src', 'routes', 'misc.ts'));
    const published = await client.waitForDiagnostics(
      miscUri,
      (p) => {
        const auth = p.diagnostics.filter((d) => d.code === 'missing-auth');
        return auth.length > 0 && auth.every((d) => d.severity === 2);
      },
      'every missing-auth as a warning (config applied)',
    );
    assert.ok(has(published.diagnostics, 'missing-auth', 23));
  });
});

describe('language server with an OpenAPI document (openapi-drift fixture)', { timeout: 120_000 }, () => {
  let workDir: string;
  let client: TestClient;

  before(() => {
    assert.ok(fs.existsSync(serverJs), `${serverJs} is missing: run \`npm run build\` first`);
    workDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-lsp-spec-')));
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'openapi-drift'), workDir, { recursive: true });
    client = TestClient.start();
  });

  after(async () => {
    if (client) await client.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('shows a cross-check finding on the route and on the spec operation, each pointing at the other', async () => {
    await client.initialize(workDir);
    const specUri = uriOf(path.join(workDir, 'api', 'openapi.yaml'));
    const ordersUri = uriOf(path.join(workDir, 'src', 'routes', 'orders.js'));
    // GET /orders/{id} is the method key at line 64, column 5 of the spec; the route at orders.js:8:8.
    const inSpec = await client.waitForDiagnostics(specUri, (p) => has(p.diagnostics, 'spec-auth-not-enforced', 63), 'spec-auth-not-enforced mirrored on the spec');
    const inCode = await client.waitForDiagnostics(ordersUri, (p) => has(p.diagnostics, 'spec-auth-not-enforced', 7), 'spec-auth-not-enforced on the route');
    const specDiag = inSpec.diagnostics.find((d) => d.code === 'spec-auth-not-enforced')!;
    const codeDiag = inCode.diagnostics.find((d) => d.code === 'spec-auth-not-enforced')!;
    assert.deepEqual(specDiag.range, { start: { line: 63, character: 4 }, end: { line: 63, character: 7 } });
    assert.equal(specDiag.message, codeDiag.message);
    assert.ok(specDiag.relatedInformation?.some((r) => r.location.uri === ordersUri && r.location.range.start.line === 7), 'the spec copy points at the route');
    assert.ok(codeDiag.relatedInformation?.some((r) => r.location.uri === specUri && r.location.range.start.line === 7), 'the route points at the spec security requirement (line 8)');
    // Spec-only findings live in the spec.
    assert.ok(has(inSpec.diagnostics, 'unimplemented-operation', 42), summarise(inSpec.diagnostics).join(' '));
  });

  it('updates the code diagnostics when the spec is edited (unsaved buffer)', async () => {
    const specFile = path.join(workDir, 'api', 'openapi.yaml');
    const specUri = uriOf(specFile);
    const ordersUri = uriOf(path.join(workDir, 'src', 'routes', 'orders.js'));
    const text = fs.readFileSync(specFile, 'utf8');
    // Make GET /orders/{id} public in the spec: the route no longer contradicts it.
    const edited = text.replace("      operationId: getOrder\n", "      operationId: getOrder\n      security: []\n");
    assert.notEqual(edited, text);
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: specUri, languageId: 'yaml', version: 1, text: edited } });
    await client.waitForDiagnostics(ordersUri, (p) => !p.diagnostics.some((d) => d.code === 'spec-auth-not-enforced'), 'spec-auth-not-enforced gone from orders.js');
    const spec = await client.waitForDiagnostics(specUri, (p) => p.version === 1 && !has(p.diagnostics, 'spec-auth-not-enforced', 63), 'no mirror left in the spec');
    assert.ok(has(spec.diagnostics, 'unimplemented-operation', 42));
  });

  it('reports a YAML syntax error in the open spec and keeps analysing the code', async () => {
    const specUri = uriOf(path.join(workDir, 'api', 'openapi.yaml'));
    const searchUri = uriOf(path.join(workDir, 'src', 'routes', 'search.js'));
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: specUri, version: 2 },
      contentChanges: [{ range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, text: '  bad: [unclosed\n' }],
    });
    const spec = await client.waitForDiagnostics(specUri, (p) => p.version === 2 && p.diagnostics.some((d) => d.code === 'parse-error'), 'parse-error in the spec');
    assert.equal(spec.diagnostics.filter((d) => d.code === 'parse-error').length, 1);
    // Code findings that do not depend on the spec are still there.
    await client.waitForDiagnostics(searchUri, (p) => has(p.diagnostics, 'missing-auth', 12), 'missing-auth on GET /reports/daily');
  });
});
