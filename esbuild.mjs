// Bundles the VS Code extension client, the language server and the CLI into dist/.
//
//   node esbuild.mjs               development build (sourcemaps, not minified)
//   node esbuild.mjs --production  minified build (still with sourcemaps)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const outdir = path.join(root, 'dist');

/** @type {{ name: string; entry: string; outfile: string; external?: string[]; banner?: string; executable?: boolean }[]} */
const targets = [
  {
    name: 'extension',
    entry: 'client/src/extension.ts',
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
  {
    name: 'server',
    entry: 'server/src/server.ts',
    outfile: 'dist/server.js',
  },
  {
    name: 'cli',
    entry: 'server/src/cli/main.ts',
    outfile: 'dist/cli.js',
    banner: '#!/usr/bin/env node',
    executable: true,
  },
];

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

/** Logs the result of each (re)build: errors, or the output size. */
function reporter(target) {
  return {
    name: 'apiwarden-reporter',
    setup(build) {
      let started = 0;
      build.onStart(() => {
        started = Date.now();
      });
      build.onEnd((result) => {
        const ms = Date.now() - started;
        if (result.errors.length > 0) {
          console.error(`✗ ${target.name}: ${result.errors.length} error(s)`);
          return;
        }
        const file = path.join(root, target.outfile);
        if (target.executable && fs.existsSync(file)) fs.chmodSync(file, 0o755);
        const size = fs.existsSync(file) ? formatSize(fs.statSync(file).size) : '?';
        console.log(`✓ ${target.outfile.padEnd(18)} ${size.padStart(10)}  (${ms} ms)`);
      });
    },
  };
}

/** @returns {import('esbuild').BuildOptions} */
function options(target) {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, target.entry)],
    outfile: path.join(root, target.outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    sourcesContent: !production,
    minify: production,
    keepNames: true,
    external: target.external ?? [],
    // Prefer the CommonJS entry of dual packages (the bundle is CommonJS).
    mainFields: ['main', 'module'],
    banner: target.banner ? { js: target.banner } : undefined,
    logLevel: 'warning',
    plugins: [reporter(target)],
  };
}

async function main() {
  fs.mkdirSync(outdir, { recursive: true });
  const present = targets.filter((t) => {
    if (fs.existsSync(path.join(root, t.entry))) return true;
    console.warn(`! skipping ${t.name}: ${t.entry} does not exist yet`);
    return false;
  });

  if (watch) {
    for (const t of present) {
      const ctx = await esbuild.context(options(t));
      await ctx.watch();
    }
    console.log(`watching ${present.map((t) => t.name).join(', ')} (${production ? 'production' : 'development'})…`);
    return;
  }

  const results = await Promise.allSettled(present.map((t) => esbuild.build(options(t))));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    // esbuild has already printed the diagnostics.
    console.error(`build failed (${failed.length} of ${present.length} bundle(s))`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
