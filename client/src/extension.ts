/**
 * The VS Code extension: a thin client that starts the API Warden language server
 * (dist/server.js) and lets it do the work.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** Handler code, and the YAML / JSON OpenAPI documents the server checks it against. */
const LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'yaml', 'json', 'jsonc'];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // The bundled extension lives in dist/, next to the bundled server.
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    synchronize: {
      configurationSection: 'apiwarden',
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/apiwarden.config.json'),
        vscode.workspace.createFileSystemWatcher('**/*.{js,ts,mjs,cjs,jsx,tsx,mts,cts,yaml,yml,json}'),
      ],
    },
  };

  client = new LanguageClient('apiwarden', 'API Warden', serverOptions, clientOptions);

  context.subscriptions.push(
    vscode.commands.registerCommand('apiwarden.restartServer', async () => {
      if (!client) return;
      try {
        await client.restart();
      } catch (error) {
        void vscode.window.showErrorMessage(`API Warden: restarting the server failed: ${String(error)}`);
      }
    }),
  );

  await client.start();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
