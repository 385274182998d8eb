/**
 * The API Warden language server: runs the engine over the workspace (open buffers layered over
 * the disk) and publishes its findings as diagnostics, with their fixes as code actions.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeProject } from '../engine/analyze';
import { CONFIG_FILE_NAME, defaultConfig } from '../engine/config';
import { nodeFileHost, overlayHost } from '../engine/host';
import type { Finding, Rule } from '../engine/model';
import { loadWorkspaceConfig, type LoadedConfig } from './config';
import {
  configErrorToDiagnostic,
  diagnosticMatchesFinding,
  DIAGNOSTIC_SOURCE,
  findingToDiagnostic,
  fixesToCodeActions,
  pathToUri,
  withMirrors,
  uriToPath,
} from './convert';
import { ruleDocPath } from '../shared/package';
import { Debouncer } from './scheduler';

export interface ServerOptions {
  rules: Rule[];
  /** Root of the installed package, for rule documentation links. */
  packageRoot?: string;
  /** Quiet time after an edit before re-analysing (ms). */
  debounceMs?: number;
}

interface Settings {
  enable: boolean;
  configPath: string;
}

/** Source files whose changes on disk call for a new analysis. */
export const WATCHED_SOURCE_GLOB = '**/*.{js,ts,mjs,cjs,jsx,tsx,mts,cts,yaml,yml,json}';
export const WATCHED_CONFIG_GLOB = `**/${CONFIG_FILE_NAME}`;

/** The findings published for one file, and the document versions they were computed from. */
interface FileResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** Versions of the open documents when the analysis started (absent: read from disk). */
  versions: ReadonlyMap<string, number>;
}

const CODE_ACTION_WAIT_MS = 2000;

export function startServer(connection: Connection, options: ServerOptions): void {
  const debounceMs = options.debounceMs ?? 150;
  const documents = new TextDocuments(TextDocument);
  const diskHost = nodeFileHost();

  let capabilities: ClientCapabilities = {};
  let roots: string[] = [];
  let settings: Settings = { enable: true, configPath: '' };
  const configs = new Map<string, LoadedConfig>();

  /** Per file: the current diagnostics from findings and from config problems. */
  const fileResults = new Map<string, FileResult>();
  const configDiagnostics = new Map<string, Diagnostic[]>();
  /** Files we published non-empty diagnostics for, with the URI used. */
  const published = new Map<string, string>();
  const publishedKeys = new Map<string, string>();
  /** Config warnings already shown, so a still-broken config does not pop up on every save. */
  const shownConfigWarnings = new Map<string, string>();

  const docsHrefCache = new Map<string, string | undefined>();
  const rulesById = new Map(options.rules.map((r) => [r.meta.id, r]));

  const log = (message: string) => connection.console.log(message);
  const logError = (context: string, error: unknown) =>
    connection.console.error(`${context}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

  const analysis = new Debouncer(runAnalysis, (error) => logError('analysis failed', error));

  // -------------------------------------------------------------------------------------------
  // Helpers

  function openDocsByPath(): Map<string, TextDocument> {
    const map = new Map<string, TextDocument>();
    for (const doc of documents.all()) {
      const file = uriToPath(doc.uri);
      if (file) map.set(file, doc);
    }
    return map;
  }

  function uriOf(file: string, docs = openDocsByPath()): string {
    return docs.get(file)?.uri ?? pathToUri(file);
  }

  /** The deepest workspace folder containing `file`. */
  function ownerRoot(file: string): string | undefined {
    let best: string | undefined;
    for (const root of roots) {
      const rel = path.relative(root, file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (!best || root.length > best.length) best = root;
    }
    return best;
  }

  function docsHref(ruleId: string): string | undefined {
    if (!docsHrefCache.has(ruleId)) {
      const doc = ruleDocPath(options.packageRoot, ruleId, rulesById.get(ruleId)?.meta.docs);
      docsHrefCache.set(ruleId, doc ? pathToUri(doc) : undefined);
    }
    return docsHrefCache.get(ruleId);
  }

  function sendDiagnostics(params: PublishDiagnosticsParams): void {
    connection.sendDiagnostics(params).then(undefined, (error: unknown) => logError(`publishing diagnostics for ${params.uri}`, error));
  }

  function publish(file: string, docs = openDocsByPath()): void {
    const diagnostics = [...(fileResults.get(file)?.diagnostics ?? []), ...(configDiagnostics.get(file) ?? [])];
    const previousUri = published.get(file);
    if (diagnostics.length === 0) {
      if (previousUri) sendDiagnostics({ uri: previousUri, diagnostics: [] });
      published.delete(file);
      publishedKeys.delete(file);
      return;
    }
    const uri = uriOf(file, docs);
    if (previousUri && previousUri !== uri) sendDiagnostics({ uri: previousUri, diagnostics: [] });
    const version = fileResults.get(file)?.versions.get(file);
    const params: PublishDiagnosticsParams = { uri, diagnostics, ...(version !== undefined ? { version } : {}) };
    // Every analysis covers the whole workspace: do not resend what the client already has.
    const key = JSON.stringify(params);
    if (previousUri === uri && publishedKeys.get(file) === key) return;
    sendDiagnostics(params);
    published.set(file, uri);
    publishedKeys.set(file, key);
  }

  function clearFindings(): void {
    const files = [...fileResults.keys()];
    fileResults.clear();
    const docs = openDocsByPath();
    for (const file of files) publish(file, docs);
  }

  // -------------------------------------------------------------------------------------------
  // Configuration

  function reloadConfigs(): void {
    const before = [...configDiagnostics.keys()];
    configDiagnostics.clear();
    configs.clear();
    for (const root of roots) {
      let loaded: LoadedConfig;
      try {
        loaded = loadWorkspaceConfig(root, settings.configPath, diskHost);
      } catch (error) {
        logError(`loading the configuration of ${root}`, error);
        loaded = { config: defaultConfig(root), errors: [] };
      }
      configs.set(root, loaded);
      if (loaded.errors.length === 0) {
        shownConfigWarnings.delete(root);
        continue;
      }
      for (const error of loaded.errors) {
        const list = configDiagnostics.get(error.file) ?? [];
        list.push(configErrorToDiagnostic(error));
        configDiagnostics.set(error.file, list);
      }
      const first = loaded.errors[0]!;
      const warning =
        `API Warden: ${path.relative(root, first.file) || first.file}:${first.line}:${first.column}: ${first.message}` +
        (loaded.errors.length > 1 ? ` (and ${loaded.errors.length - 1} more)` : '') +
        ' — using the default settings.';
      connection.console.warn(warning);
      if (shownConfigWarnings.get(root) !== warning) {
        shownConfigWarnings.set(root, warning);
        // Typed void without actions, but it sends a request: a client that rejects it must not
        // cause an unhandled rejection.
        const shown: unknown = connection.window.showWarningMessage(warning);
        Promise.resolve(shown).catch((error: unknown) => logError('showing a warning', error));
      }
    }
    const docs = openDocsByPath();
    for (const file of new Set([...before, ...configDiagnostics.keys()])) publish(file, docs);
  }

  async function refreshSettings(pushed?: unknown): Promise<void> {
    let raw: unknown = (pushed as { apiwarden?: unknown } | undefined)?.apiwarden;
    if (raw === undefined && capabilities.workspace?.configuration) {
      try {
        raw = await connection.workspace.getConfiguration({ section: 'apiwarden' });
      } catch (error) {
        logError('reading the apiwarden settings', error);
      }
    }
    const s = (raw ?? {}) as Partial<Record<keyof Settings, unknown>>;
    settings = {
      enable: typeof s.enable === 'boolean' ? s.enable : true,
      configPath: typeof s.configPath === 'string' ? s.configPath : '',
    };
  }

  function isConfigFile(file: string): boolean {
    if (path.basename(file) === CONFIG_FILE_NAME) return true;
    return [...configs.values()].some((loaded) => loaded.file === file);
  }

  // -------------------------------------------------------------------------------------------
  // Analysis

  async function runAnalysis(): Promise<void> {
    if (!settings.enable || roots.length === 0) {
      clearFindings();
      return;
    }
    // Snapshot the open documents: their text is what the engine sees, their versions decide
    // whether the results may still be published once the analysis is over.
    const versions = new Map<string, number>();
    const overlays = new Map<string, string>();
    for (const [file, doc] of openDocsByPath()) {
      versions.set(file, doc.version);
      overlays.set(file, doc.getText());
    }
    const host = overlayHost(diskHost, overlays);

    const findingsByFile = new Map<string, Finding[]>();
    const analysedRoots = new Set<string>();
    for (const root of roots) {
      const config = configs.get(root)?.config ?? defaultConfig(root);
      try {
        const result = await analyzeProject({ root, config, rules: options.rules, host });
        for (const message of result.internalErrors) connection.console.error(`${root}: ${message}`);
        // Cross-check findings are shown at their route and at their spec operation.
        for (const finding of withMirrors(result.findings)) {
          const file = finding.location.file;
          if (finding.suppressed || ownerRoot(file) !== root) continue;
          const list = findingsByFile.get(file) ?? [];
          list.push(finding);
          findingsByFile.set(file, list);
        }
        analysedRoots.add(root);
        const { filesParsed, routes, ms } = result.stats;
        log(`analysed ${root}: ${filesParsed} files, ${routes} routes, ${result.findings.length} findings in ${ms} ms`);
      } catch (error) {
        // Keep the previous diagnostics of this folder; the next edit tries again.
        logError(`analysis of ${root} failed`, error);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }

    const docs = openDocsByPath();
    let stale = false;
    for (const file of new Set([...findingsByFile.keys(), ...fileResults.keys()])) {
      const root = ownerRoot(file);
      if (root === undefined) {
        // Its workspace folder is gone.
        fileResults.delete(file);
        publish(file, docs);
        continue;
      }
      if (!analysedRoots.has(root)) continue;
      if (versions.get(file) !== docs.get(file)?.version) {
        // The document changed (or was opened/closed) while we analysed: this result is stale.
        stale = true;
        continue;
      }
      const findings = findingsByFile.get(file) ?? [];
      if (findings.length === 0) {
        fileResults.delete(file);
      } else {
        const diagnosticOptions = {
          docsHref,
          uriOf: (f: string) => uriOf(f, docs),
          relatedInformation: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true,
        };
        fileResults.set(file, {
          findings,
          diagnostics: findings.map((f) => findingToDiagnostic(f, diagnosticOptions)),
          versions,
        });
      }
      publish(file, docs);
    }
    if (stale) analysis.schedule(debounceMs);
  }

  // -------------------------------------------------------------------------------------------
  // Code actions

  async function codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const only = params.context.only;
    if (only && !only.some((kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`))) {
      return [];
    }
    const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    const file = uriToPath(params.textDocument.uri);
    if (ours.length === 0 || !file) return [];

    // Let a pending analysis finish so the fixes match the text the user sees.
    await analysis.whenIdle(CODE_ACTION_WAIT_MS);
    const result = fileResults.get(file);
    const docs = openDocsByPath();
    if (!result || result.versions.get(file) !== docs.get(file)?.version) return [];

    const getText = (f: string): string | undefined => {
      const doc = docs.get(f);
      if (doc) return result.versions.get(f) === doc.version ? doc.getText() : undefined;
      // Open when analysed but closed since: its disk text may differ from what was analysed.
      return result.versions.has(f) ? undefined : diskHost.readFile(f);
    };
    const versioned = capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const editOptions = {
      getText,
      uriOf: (f: string) => uriOf(f, docs),
      versionOf: versioned ? (f: string) => docs.get(f)?.version ?? null : undefined,
    };

    const actions: CodeAction[] = [];
    for (const diagnostic of ours) {
      for (const finding of result.findings) {
        if (diagnosticMatchesFinding(diagnostic, finding)) actions.push(...fixesToCodeActions(finding, diagnostic, editOptions));
      }
    }
    return actions;
  }

  // -------------------------------------------------------------------------------------------
  // Wiring

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [];
    roots = folders.filter((f): f is string => f !== undefined);
    if (roots.length === 0) {
      const single = params.rootUri ? uriToPath(params.rootUri) : (params.rootPath ?? undefined);
      if (single) roots = [single];
    }
    const result: InitializeResult = {
      capabilities: {
        textDocumentSync: {
          openClose: true,
          change: TextDocumentSyncKind.Incremental,
          save: { includeText: false },
        },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'apiwarden' },
    };
    if (capabilities.workspace?.workspaceFolders) {
      result.capabilities.workspace = { workspaceFolders: { supported: true, changeNotifications: true } };
    }
    return result;
  });

  connection.onInitialized(async () => {
    try {
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: WATCHED_CONFIG_GLOB }, { globPattern: WATCHED_SOURCE_GLOB }],
        });
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((event) => {
          try {
            const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
            roots = roots.filter((r) => !removed.has(r));
            for (const f of event.added) {
              const p = uriToPath(f.uri);
              if (p && !roots.includes(p)) roots.push(p);
            }
            reloadConfigs();
            analysis.schedule(0);
          } catch (error) {
            logError('workspace folders change', error);
          }
        });
      }
      await refreshSettings();
      reloadConfigs();
    } catch (error) {
      logError('initialisation', error);
    }
    analysis.schedule(0);
  });

  connection.onDidChangeConfiguration(async (params) => {
    try {
      await refreshSettings(params.settings);
      reloadConfigs();
    } catch (error) {
      logError('configuration change', error);
    }
    analysis.schedule(0);
  });

  connection.onDidChangeWatchedFiles((params) => {
    try {
      const files = params.changes.map((c) => uriToPath(c.uri)).filter((f): f is string => f !== undefined);
      if (files.some(isConfigFile)) reloadConfigs();
    } catch (error) {
      logError('watched files change', error);
    }
    analysis.schedule(debounceMs);
  });

  // onDidChangeContent also fires when a document is opened.
  documents.onDidChangeContent(() => analysis.schedule(debounceMs));
  documents.onDidClose(() => analysis.schedule(debounceMs));
  documents.onDidSave(() => analysis.schedule(0));

  connection.onCodeAction(async (params) => {
    try {
      return await codeActions(params);
    } catch (error) {
      logError('code actions', error);
      return [];
    }
  });

  connection.onShutdown(() => analysis.dispose());

  documents.listen(connection);
}
