/**
 * Module resolution for relative imports (ESM and CommonJS), and package names of bare specifiers.
 */
import * as path from 'node:path';
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

export class ModuleResolver {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly host: FileHost) {}

  /** Absolute file for a relative specifier, or undefined (bare specifiers are packages). */
  resolve(fromFile: string, specifier: string): string | undefined {
    if (!isRelative(specifier)) return undefined;
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
