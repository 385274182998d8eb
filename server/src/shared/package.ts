/**
 * Locating files of the installed API Warden package (rule docs) from the running code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PACKAGE_NAME = 'apiwarden';

/**
 * The folder holding API Warden's package.json, walking up from `startDir` (dist/ when bundled,
 * out/server/src/lsp when compiled by tsc). Undefined when not found.
 */
export function findPackageRoot(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Absolute path of a rule's documentation page if it exists in the package: `docs` is the
 * rule's `meta.docs` (relative to the package root), default `rules/<id>.md`.
 */
export function ruleDocPath(packageRoot: string | undefined, ruleId: string, docs?: string): string | undefined {
  if (!packageRoot) return undefined;
  const file = path.join(packageRoot, docs ?? path.join('rules', `${ruleId}.md`));
  return fs.existsSync(file) ? file : undefined;
}
