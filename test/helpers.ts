import * as fs from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import * as path from 'node:path';
import { analyzeProject, defaultConfig, loadConfig, type AnalysisResult, type ApiWardenConfig, type DirEntry, type FileHost, type Rule } from '../server/src/engine';
import { builtinRules } from '../rules';

/** The repository root (the folder whose package.json is named apiwarden). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'apiwarden') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
}

export function fixture(name: string): string {
  return path.join(repoRoot(), 'test', 'fixtures', name);
}

/** Analyse a folder on disk with its apiwarden.config.json (if any) and the built-in rules. */
export function analyzeDir(dir: string, overrides: Partial<ApiWardenConfig> = {}): AnalysisResult {
  const loaded = loadConfig({ startDir: dir });
  if (!loaded.config) throw new Error(`config errors: ${JSON.stringify(loaded.errors)}`);
  return analyzeProject({ root: dir, config: { ...loaded.config, ...overrides }, rules: builtinRules });
}

/** An in-memory FileHost: paths are absolute under `/mem`. */
export function memoryHost(files: Record<string, string>, root = '/mem'): { host: FileHost; root: string } {
  const abs = new Map(Object.entries(files).map(([k, v]) => [path.join(root, k), v]));
  const dirs = new Set<string>();
  for (const f of abs.keys()) for (let d = path.dirname(f); d.length >= root.length; d = path.dirname(d)) { dirs.add(d); if (d === root) break; }
  const host: FileHost = {
    readFile: (p) => abs.get(p),
    isFile: (p) => abs.has(p),
    isDirectory: (p) => dirs.has(p),
    readDirectory: (p) => {
      const out = new Map<string, DirEntry>();
      for (const f of [...abs.keys(), ...dirs]) {
        if (path.dirname(f) !== p || f === p) continue;
        out.set(path.basename(f), { name: path.basename(f), isFile: abs.has(f), isDirectory: dirs.has(f), isSymbolicLink: false });
      }
      return [...out.values()];
    },
    fileSize: (p) => (abs.has(p) ? Buffer.byteLength(abs.get(p)!) : undefined),
  };
  return { host, root };
}

export function analyzeMemory(files: Record<string, string>, overrides: Partial<ApiWardenConfig> = {}, rules: Rule[] = builtinRules): AnalysisResult {
  const { host, root } = memoryHost(files);
  return analyzeProject({ root, config: { ...defaultConfig(root), ...overrides }, rules, host });
}

/**
 * Findings as `file:line:col ruleId severity message` (paths relative to the in-memory root), for
 * exact-position assertions. `ruleIds` limits the list to those rules.
 */
export function findingLines(r: AnalysisResult, ruleIds?: string[], root = '/mem'): string[] {
  return r.findings
    .filter((f) => !f.suppressed && (!ruleIds || ruleIds.includes(f.ruleId)))
    .map((f) => `${path.relative(root, f.location.file).split(path.sep).join('/')}:${f.location.start.line}:${f.location.start.column} ${f.ruleId} ${f.severity} ${f.message}`);
}

/** `METHOD path` → route, for compact assertions. */
export function routeTable(r: AnalysisResult, root: string): string[] {
  return r.model.routes
    .map(
      (rt) =>
        `${rt.method} ${rt.path} ${path.relative(root, rt.registration.file).split(path.sep).join('/')}:${rt.registration.start.line} auth=${rt.auth.status}${rt.public ? `(${rt.public.kind})` : ''} validation=${rt.validation.status} rateLimit=${rt.rateLimit.status}`,
    )
    .sort();
}

export function findingTable(r: AnalysisResult, root: string, opts: { suppressed?: boolean } = {}): string[] {
  return r.findings
    .filter((f) => !!f.suppressed === !!opts.suppressed)
    .map((f) => `${path.relative(root, f.location.file).split(path.sep).join('/')}:${f.location.start.line} ${f.ruleId} ${f.severity}`)
    .sort();
}

/** A validator for SARIF 2.1.0 against the vendored OASIS schema (test/schemas). */
export function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'test', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s) && !s.includes('\\'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}
