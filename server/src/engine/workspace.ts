/**
 * Finding the source files to analyse: walk the given paths, honour .gitignore files (nested),
 * skip node_modules and VCS folders, apply the config's include/exclude globs.
 */
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { ApiWardenConfig } from './config';
import type { FileHost } from './host';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;
const DECLARATION_RE = /\.d\.(ts|mts|cts)$/i;
const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.apiwarden-cache']);
/** Test code spins up throwaway apps; linting it would only cry wolf. */
export const DEFAULT_EXCLUDES = ['**/*.test.*', '**/*.spec.*', '**/__tests__/**', '**/__mocks__/**'];

export function isSourceFile(file: string): boolean {
  return SOURCE_RE.test(file) && !DECLARATION_RE.test(file);
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

interface IgnoreLayer {
  dir: string;
  ig: Ignore;
}

export interface DiscoveryResult {
  files: string[];
  /** YAML and JSON files that may be OpenAPI documents (decided by content later). */
  specCandidates: string[];
}

const SPEC_RE = /\.(ya?ml|json)$/i;
/** JSON/YAML files that are never API descriptions. */
const NOT_SPEC = /^(package(-lock)?\.json|npm-shrinkwrap\.json|[tj]sconfig(\..*)?\.json|composer\.(json|lock)|\.?eslintrc.*|\.prettierrc.*|pnpm-lock\.yaml|yarn\.lock|apiwarden\.config\.json|\.apiwarden-baseline\.json|docker-compose.*|\.travis\.yml|\.gitlab-ci\.yml|codecov\.yml|renovate\.json|lerna\.json|nx\.json|turbo\.json|vercel\.json|app\.json|manifest\.json)$/i;

export function isSpecCandidate(file: string): boolean {
  const base = path.basename(file);
  return SPEC_RE.test(base) && !NOT_SPEC.test(base);
}

export function discoverFiles(paths: string[], config: ApiWardenConfig, host: FileHost): DiscoveryResult {
  const include = config.include.length ? picomatch(config.include, { dot: true }) : undefined;
  const exclude = picomatch([...DEFAULT_EXCLUDES, ...config.exclude], { dot: true });
  // `*.spec.*` is a test file in code, but `openapi.spec.yaml` is an API description.
  const excludeSpec = picomatch(['**/__tests__/**', '**/__mocks__/**', ...config.exclude], { dot: true });
  const accept = (file: string, spec = false): boolean => {
    const rel = toPosix(path.relative(config.baseDir, file));
    if ((spec ? excludeSpec : exclude)(rel)) return false;
    if (include && !include(rel)) return false;
    return true;
  };
  const out = new Set<string>();
  const specs = new Set<string>();
  const rootLayers = gitignoreLayersAbove(paths, host);

  const visitDir = (dir: string, layers: IgnoreLayer[]): void => {
    const gi = host.readFile(path.join(dir, '.gitignore'));
    const here = gi !== undefined ? [...layers, { dir, ig: ignore().add(gi) }] : layers;
    for (const entry of host.readDirectory(dir).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isSymbolicLink) continue; // never follow links out of the workspace
      const full = path.join(dir, entry.name);
      if (entry.isDirectory) {
        if (ALWAYS_SKIPPED_DIRS.has(entry.name)) continue;
        if (isIgnored(full, true, here)) continue;
        visitDir(full, here);
      } else if (entry.isFile && isSourceFile(entry.name)) {
        if (isIgnored(full, false, here)) continue;
        if (accept(full)) out.add(full);
      } else if (entry.isFile && isSpecCandidate(entry.name) && !dir.split(path.sep).includes('.github')) {
        if (isIgnored(full, false, here)) continue;
        if (accept(full, true)) specs.add(full);
      }
    }
  };

  for (const p of paths) {
    if (host.isDirectory(p)) visitDir(p, rootLayers.get(p) ?? []);
    else if (host.isFile(p) && isSourceFile(p)) out.add(p); // named explicitly: analysed even if excluded
    else if (host.isFile(p) && SPEC_RE.test(p)) specs.add(p);
  }
  return { files: [...out].sort(), specCandidates: [...specs].sort() };
}

function isIgnored(full: string, isDir: boolean, layers: IgnoreLayer[]): boolean {
  for (const layer of layers) {
    const rel = toPosix(path.relative(layer.dir, full));
    if (!rel || rel.startsWith('..')) continue;
    if (layer.ig.ignores(isDir ? rel + '/' : rel)) return true;
  }
  return false;
}

/** .gitignore files in the folders above each path, up to the enclosing git repository root. */
function gitignoreLayersAbove(paths: string[], host: FileHost): Map<string, IgnoreLayer[]> {
  const result = new Map<string, IgnoreLayer[]>();
  for (const p of paths) {
    const layers: IgnoreLayer[] = [];
    let dir = path.dirname(p);
    for (let i = 0; i < 64; i++) {
      const gi = host.readFile(path.join(dir, '.gitignore'));
      if (gi !== undefined) layers.unshift({ dir, ig: ignore().add(gi) });
      if (host.isDirectory(path.join(dir, '.git'))) break;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    result.set(p, layers);
  }
  return result;
}
