/**
 * Module resolution for relative imports (ESM and CommonJS), and package names of bare specifiers.
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import type { FileHost } from './host';
import { SOURCE_EXTENSIONS } from './workspace';

const builtinModules = new Set([
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'net', 'os', 'path', 'querystring', 'stream', 'tls', 'url', 'util', 'vm', 'zlib', 'worker_threads',
]);

/** `node:fs` → `fs`; `@scope/pkg/sub` → `@scope/pkg`; `fs/promises` stays. */
export function packageName(specifier: string): string {
  let s = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  if (builtinModules.has(s)) return s;
  const parts = s.split('/');
  s = s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return s;
}

export function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
}

interface PathAliases {
  base: string;
  paths: Array<[string, string[]]>;
}

export class ModuleResolver {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly host: FileHost) {}

  private readonly aliasCache = new Map<string, PathAliases | null>();

  /** Absolute file for a relative specifier or a tsconfig `paths` alias; undefined for packages. */
  resolve(fromFile: string, specifier: string): string | undefined {
    if (!isRelative(specifier)) return this.resolveAlias(fromFile, specifier);
    const key = path.dirname(fromFile) + '\0' + specifier;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const base = path.resolve(path.dirname(fromFile), specifier);
    const found = this.tryFile(base) ?? this.tryDir(base);
    this.cache.set(key, found ?? null);
    return found;
  }

  invalidate(): void {
    this.cache.clear();
    this.aliasCache.clear();
  }

  private resolveAlias(fromFile: string, specifier: string): string | undefined {
    if (specifier.startsWith('node:')) return undefined;
    const aliases = this.aliasesFor(path.dirname(fromFile));
    if (!aliases) return undefined;
    for (const [pattern, targets] of aliases.paths) {
      const star = pattern.indexOf('*');
      let captured: string | undefined;
      if (star < 0) captured = pattern === specifier ? '' : undefined;
      else {
        const pre = pattern.slice(0, star);
        const post = pattern.slice(star + 1);
        if (specifier.startsWith(pre) && specifier.endsWith(post) && specifier.length >= pre.length + post.length) {
          captured = specifier.slice(pre.length, specifier.length - post.length);
        }
      }
      if (captured === undefined) continue;
      for (const t of targets) {
        const base = path.resolve(aliases.base, t.replace('*', captured));
        const found = this.tryFile(base) ?? this.tryDir(base);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** `compilerOptions.paths` of the nearest tsconfig.json / jsconfig.json (no `extends`). */
  private aliasesFor(dir: string): PathAliases | undefined {
    const hit = this.aliasCache.get(dir);
    if (hit !== undefined) return hit ?? undefined;
    let result: PathAliases | null = null;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const file = path.join(dir, name);
      const text = this.host.readFile(file);
      if (text === undefined) continue;
      const parsed = ts.parseConfigFileTextToJson(file, text);
      const opts = (parsed.config?.compilerOptions ?? {}) as { baseUrl?: string; paths?: Record<string, string[]> };
      if (opts.paths && typeof opts.paths === 'object') {
        const base = path.resolve(dir, typeof opts.baseUrl === 'string' ? opts.baseUrl : '.');
        const paths = Object.entries(opts.paths).filter((e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((x) => typeof x === 'string'));
        result = { base, paths };
      }
      break;
    }
    if (!result) {
      const parent = path.dirname(dir);
      const inherited = parent !== dir && !this.host.isFile(path.join(dir, 'package.json')) ? this.aliasesFor(parent) : undefined;
      result = inherited ?? null;
    }
    this.aliasCache.set(dir, result);
    return result ?? undefined;
  }

  private tryFile(base: string): string | undefined {
    const ext = path.extname(base);
    if (ext && SOURCE_EXTENSIONS.includes(ext) && this.host.isFile(base)) return base;
    // TypeScript ESM style: import './x.js' meaning ./x.ts
    if (/\.(m|c)?js$/.test(ext)) {
      const stem = base.slice(0, -ext.length);
      for (const alt of ext === '.mjs' ? ['.mts'] : ext === '.cjs' ? ['.cts'] : ['.ts', '.tsx']) {
        if (this.host.isFile(stem + alt)) return stem + alt;
      }
    }
    for (const e of SOURCE_EXTENSIONS) if (this.host.isFile(base + e)) return base + e;
    return undefined;
  }

  private tryDir(base: string): string | undefined {
    if (!this.host.isDirectory(base)) return undefined;
    const pkgText = this.host.readFile(path.join(base, 'package.json'));
    if (pkgText) {
      try {
        const pkg = JSON.parse(pkgText) as { main?: string; module?: string };
        for (const entry of [pkg.module, pkg.main]) {
          if (typeof entry === 'string') {
            const f = this.tryFile(path.resolve(base, entry));
            if (f) return f;
          }
        }
      } catch {
        /* a broken package.json is not ours to report */
      }
    }
    for (const e of SOURCE_EXTENSIONS) {
      const f = path.join(base, 'index' + e);
      if (this.host.isFile(f)) return f;
    }
    return undefined;
  }
}
