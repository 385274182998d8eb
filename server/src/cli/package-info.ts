/**
 * Facts about the installed apiwarden package, found at run time by walking up from this file to
 * the package.json whose name is `apiwarden` (works from dist/cli.js and from compiled tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PackageInfo {
  root: string;
  version: string;
  /** Project home page (package.json homepage or repository), when the manifest names one. */
  homepage?: string;
}

export function findPackageRoot(start: string = __dirname): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (pkg.name === 'apiwarden') return dir;
    } catch {
      // not here (or unreadable): keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const root = findPackageRoot();
  let version = '0.0.0';
  let homepage: string | undefined;
  if (root) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        version?: unknown;
        homepage?: unknown;
        repository?: unknown;
      };
      if (typeof pkg.version === 'string') version = pkg.version;
      const repo = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository as { url?: unknown } | undefined)?.url;
      const home = typeof pkg.homepage === 'string' ? pkg.homepage : typeof repo === 'string' ? repo : undefined;
      if (home && /^(?:git\+)?https?:\/\//.test(home)) homepage = home.replace(/^git\+/, '').replace(/\.git$/, '').replace(/#.*$/, '');
    } catch {
      // keep defaults
    }
  }
  cached = { root: root ?? path.resolve(__dirname), version, homepage };
  return cached;
}
