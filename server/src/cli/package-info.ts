/**
 * Facts about the installed apiwarden package, found at run time by walking up from this file to
 * the package.json whose name is `apiwarden` (works from dist/cli.js and from compiled tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findPackageRoot } from '../shared/package';

export { findPackageRoot };

export interface PackageInfo {
  root: string;
  version: string;
  /** Project home page (package.json homepage or repository), when the manifest names one. */
  homepage?: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const root = findPackageRoot(__dirname);
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
