/**
 * Entry point of the API Warden language server (bundled to dist/server.js).
 * The transport comes from the command line: --stdio, --node-ipc, --pipe=… or --socket=….
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { builtinRules } from '../../rules';
import { findPackageRoot } from './shared/package';
import { startServer } from './lsp/server';

const connection = createConnection(ProposedFeatures.all);

// A bug must cost one analysis, never the server.
process.on('uncaughtException', (error) => {
  connection.console.error(`uncaught exception: ${error.stack ?? error.message}`);
});
process.on('unhandledRejection', (reason) => {
  connection.console.error(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

startServer(connection, { rules: builtinRules, packageRoot: findPackageRoot(__dirname) });
connection.listen();
