/**
 * The `apiwarden` command line: lint, routes, fix, lsp.
 *
 * `main(argv, io)` never exits the process and never touches process.stdout directly, so tests can
 * call it in-process; the runner at the bottom wires it to the real process when this is the entry
 * point (dist/cli.js).
 *
 * Exit codes: 0 clean (or nothing at/above --fail-on), 1 findings at/above --fail-on,
 * 2 usage, configuration or internal error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { builtinRules } from '../../../rules';
import {
  type AnalysisResult,
  type ApiWardenConfig,
  analyzeProject,
  ENGINE_RULE_IDS,
  applyEdits,
  type ConfigError,
  type Finding,
  type FileHost,
  loadConfig,
  nodeFileHost,
  type Rule,
  type Severity,
} from '../engine';
import { unifiedDiff } from './diff';
import { planFixes } from './fixes';
import { applyRuleSettings } from './settings';
import { shouldColor } from './format/color';
import { relPath, SEVERITY_RANK } from './format/common';
import { formatJson } from './format/json';
import { formatRoutesJson, formatRoutesTable } from './format/routes';
import { formatSarif } from './format/sarif';
import { formatStylish } from './format/stylish';
import { packageInfo } from './package-info';

export { applyRuleSettings };

export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: CliStream;
  stderr: CliStream;
  /** The workspace root: paths, the config search and relative output paths start here. */
  cwd: string;
  /** Environment (NO_COLOR); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** File access; default the disk. */
  host?: FileHost;
}

const HELP = `Usage: apiwarden <command> [options]

Security linter for Node HTTP APIs (Express): routes without authentication,
unvalidated request input and endpoints without rate limits.

Commands:
  lint [paths...]     Report findings (default path: .)
  routes [paths...]   Print the route inventory with auth/validation/rate-limit status
  fix [paths...]      Show (or --write) the deterministic fixes for findings
  lsp --stdio         Start the language server on stdin/stdout

Options for lint:
  -f, --format <name>      stylish (default) | json | sarif
      --fail-on <level>    error (default) | warning | info | never: exit 1 when an
                           unsuppressed finding is at or above this severity
  -q, --quiet              Report errors only (the exit code still follows --fail-on)
  -o, --output <file>      Write the report to a file instead of stdout

Options for routes:
  -f, --format <name>      table (default) | json
  -o, --output <file>      Write the inventory to a file instead of stdout

Options for fix:
      --write              Write the fixed files (default: print a unified diff)
      --include-suppress   Also apply suppression / declare-public fixes

Common options:
  -c, --config <file>      Config file (default: apiwarden.config.json found from the
                           current directory upwards)
  -h, --help               Show this help
  -v, --version            Show the version

Exit codes: 0 no findings at/above --fail-on, 1 findings, 2 usage/config/internal error.
`;

class UsageError extends Error {}

/** Every id a config may name: the registry's rules plus the engine's own. */
function knownRuleIds(rules: readonly Rule[]): string[] {
  return [...rules.map((r) => r.meta.id), ...ENGINE_RULE_IDS];
}

function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

function printConfigErrors(io: CliIO, errors: ConfigError[]): void {
  for (const e of errors) io.stderr.write(`${displayPath(io.cwd, e.file)}:${e.line}:${e.column}: ${e.message}\n`);
}

interface Prepared {
  config: ApiWardenConfig;
  paths: string[];
  host: FileHost;
  rules: Rule[];
}

/** Config and paths; usage problems throw UsageError, config errors are printed and give undefined. */
function prepare(io: CliIO, positionals: string[], configFile: string | undefined): Prepared | undefined {
  const host = io.host ?? nodeFileHost();
  const paths = (positionals.length > 0 ? positionals : ['.']).map((p) => {
    const abs = path.resolve(io.cwd, p);
    if (!host.isFile(abs) && !host.isDirectory(abs)) throw new UsageError(`path not found: ${p}`);
    return abs;
  });
  const loaded = loadConfig({ startDir: io.cwd, configFile, host });
  if (!loaded.config) {
    printConfigErrors(io, loaded.errors);
    io.stderr.write(`apiwarden: invalid configuration${loaded.file ? ` in ${displayPath(io.cwd, loaded.file)}` : ''}\n`);
    return undefined;
  }
  const config = loaded.config;
  const known = knownRuleIds(builtinRules);
  for (const id of Object.keys(config.rules)) {
    if (!known.includes(id)) {
      io.stderr.write(
        `apiwarden: warning: unknown rule "${id}" in ${displayPath(io.cwd, config.file ?? 'config')} (known rules: ${known.join(', ')})\n`,
      );
    }
  }
  const rules = builtinRules.filter((r) => config.rules[r.meta.id] !== 'off');
  return { config, paths, host, rules };
}

function analyze(io: CliIO, prepared: Prepared, rules: Rule[]): AnalysisResult {
  const result = analyzeProject({ root: io.cwd, paths: prepared.paths, config: prepared.config, rules, host: prepared.host });
  for (const e of result.internalErrors) io.stderr.write(`apiwarden: internal error: ${e}\n`);
  return result;
}

function writeOutput(io: CliIO, text: string, output: string | undefined): void {
  if (output === undefined) {
    io.stdout.write(text);
    return;
  }
  const file = path.resolve(io.cwd, output);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`invalid value for --${option}: "${value}" (expected ${allowed.join(', ')})`);
  }
  return value as T;
}

const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function lint(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...COMMON_OPTIONS,
      format: { type: 'string', short: 'f' },
      'fail-on': { type: 'string' },
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = oneOf(values.format, ['stylish', 'json', 'sarif'] as const, 'format', 'stylish');
  const failOn = oneOf(values['fail-on'], ['error', 'warning', 'info', 'never'] as const, 'fail-on', 'error');
  const prepared = prepare(io, positionals, values.config);
  if (!prepared) return 2;
  const result = analyze(io, prepared, prepared.rules);
  const all = applyRuleSettings(result.findings, prepared.config.rules);
  const findings = values.quiet ? all.filter((f) => f.severity === 'error') : all;

  const env = io.env ?? process.env;
  const pkg = packageInfo();
  let text: string;
  if (format === 'json') text = formatJson(findings, { cwd: io.cwd });
  else if (format === 'sarif') {
    text = formatSarif(findings, {
      cwd: io.cwd,
      rules: prepared.rules.map((r) => r.meta),
      toolVersion: pkg.version,
      packageRoot: pkg.root,
      informationUri: pkg.homepage,
      readFile: (f) => prepared.host.readFile(f),
    });
  } else {
    text = formatStylish(findings, { cwd: io.cwd, color: values.output === undefined && shouldColor(io.stdout, env) });
  }
  writeOutput(io, text, values.output);

  if (result.internalErrors.length > 0) return 2;
  if (failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[failOn as Severity];
  return all.some((f) => !f.suppressed && SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}

async function routes(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = oneOf(values.format, ['table', 'json'] as const, 'format', 'table');
  const prepared = prepare(io, positionals, values.config);
  if (!prepared) return 2;
  const result = analyze(io, prepared, []);
  for (const p of result.model.parseProblems) {
    io.stderr.write(`apiwarden: warning: ${relPath(io.cwd, p.file)}:${p.location.start.line}:${p.location.start.column}: could not parse: ${p.message}\n`);
  }
  const env = io.env ?? process.env;
  const text =
    format === 'json'
      ? formatRoutesJson(result.model.routes, { cwd: io.cwd })
      : formatRoutesTable(result.model.routes, { cwd: io.cwd, color: values.output === undefined && shouldColor(io.stdout, env), withSpec: result.model.specs.length > 0 });
  writeOutput(io, text, values.output);
  return result.internalErrors.length > 0 ? 2 : 0;
}

async function fix(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, write: { type: 'boolean' }, 'include-suppress': { type: 'boolean' } },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const prepared = prepare(io, positionals, values.config);
  if (!prepared) return 2;
  const result = analyze(io, prepared, prepared.rules);
  const findings = applyRuleSettings(result.findings, prepared.config.rules);

  const texts = new Map<string, string | undefined>();
  const getText = (file: string) => {
    if (!texts.has(file)) texts.set(file, prepared.host.readFile(file));
    return texts.get(file);
  };
  const plan = planFixes(findings, Boolean(values['include-suppress']), getText);
  for (const s of plan.skipped) {
    const loc = s.finding.location;
    io.stderr.write(`apiwarden: skipped "${s.fix.title}" (${s.finding.ruleId} at ${relPath(io.cwd, loc.file)}:${loc.start.line}:${loc.start.column}): ${s.reason}\n`);
  }

  const files = [...plan.edits.keys()].sort((a, b) => (relPath(io.cwd, a) < relPath(io.cwd, b) ? -1 : 1));
  let changed = 0;
  for (const file of files) {
    const before = getText(file)!;
    const after = applyEdits(before, file, plan.edits.get(file)!);
    if (after === before) continue;
    changed++;
    const rel = relPath(io.cwd, file);
    if (values.write) {
      fs.writeFileSync(file, after);
      io.stdout.write(`fixed ${rel}\n`);
    } else {
      io.stdout.write(unifiedDiff(before, after, `a/${rel}`, `b/${rel}`));
    }
  }
  const n = plan.applied.length;
  if (n === 0) io.stderr.write('apiwarden: no automatic fixes available\n');
  else if (values.write) io.stderr.write(`apiwarden: applied ${n} fix${n === 1 ? '' : 'es'} to ${changed} file${changed === 1 ? '' : 's'}\n`);
  else io.stderr.write(`apiwarden: ${n} fix${n === 1 ? '' : 'es'} in ${changed} file${changed === 1 ? '' : 's'}; run with --write to apply\n`);
  return result.internalErrors.length > 0 ? 2 : 0;
}

async function lsp(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { stdio: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (!values.stdio) throw new UsageError('lsp needs --stdio');
  if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
  const server = path.join(__dirname, 'server.js');
  if (!fs.existsSync(server)) {
    io.stderr.write(`apiwarden: language server not found at ${server}\n`);
    return 2;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(server);
  return 0;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint':
        return await lint(rest, io);
      case 'routes':
        return await routes(rest, io);
      case 'fix':
        return await fix(rest, io);
      case 'lsp':
        return await lsp(rest, io);
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(HELP);
        return 0;
      case '-v':
      case '--version':
      case 'version':
        io.stdout.write(`${packageInfo().version}\n`);
        return 0;
      case undefined:
        io.stderr.write(HELP);
        return 2;
      default:
        throw new UsageError(command.startsWith('-') ? `unknown option "${command}" (a command comes first)` : `unknown command "${command}"`);
    }
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`apiwarden: ${(e as Error).message}\nRun "apiwarden --help" for usage.\n`);
      return 2;
    }
    io.stderr.write(`apiwarden: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  // `apiwarden lint | head`: a closed pipe ends the run quietly, as with other Unix tools.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`apiwarden: internal error: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
