/**
 * Next.js file-system routing: which files are route handlers, API routes or middleware, their
 * URL paths in Express syntax, and the path patterns of `config.matcher` / Clerk's
 * `createRouteMatcher([...])` (path-to-regexp strings such as `/dashboard/:path*` or
 * `/((?!api|_next).*)`).
 */
import * as path from 'node:path';
import type { FileHost } from '../host';

export type NextEntryKind = 'app-route' | 'pages-api' | 'middleware';

export interface NextEntry {
  file: string;
  kind: NextEntryKind;
  /** The Next.js project folder (next.config.* or a package.json depending on next; else the workspace root). */
  project: string;
  /** Route path in Express syntax; undefined for middleware and for files that are not routes (`_private` folders). */
  path?: string;
  /** Relative to the project, posix. */
  rel: string;
}

const EXT = '(?:ts|tsx|js|jsx|mjs)';
const APP_ROUTE = new RegExp(`^(?:src/)?app/(?:(.*)/)?route\\.${EXT}$`);
const PAGES_API = new RegExp(`^(?:src/)?pages/(api(?:/.*)?)\\.${EXT}$`);
const MIDDLEWARE = new RegExp(`^(?:src/)?(?:middleware|proxy)\\.(?:ts|js|mjs)$`);
/** Cheap pre-filter on any path before looking for the project folder. */
const MAYBE = new RegExp(`(?:^|/)(?:route\\.${EXT}|(?:middleware|proxy)\\.(?:ts|js|mjs))$|(?:^|/)pages/api/`);
const NEXT_CONFIGS = ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs', 'next.config.mts'];

/** The route files, API routes and middleware files of every Next.js project under `root`. */
export function findNextEntries(files: readonly string[], host: FileHost, root: string): NextEntry[] {
  const projectCache = new Map<string, string | null>();
  const isProject = (dir: string): boolean => {
    if (NEXT_CONFIGS.some((n) => host.isFile(path.join(dir, n)))) return true;
    const text = host.readFile(path.join(dir, 'package.json'));
    if (!text) return false;
    try {
      const pkg = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
      return ['dependencies', 'devDependencies', 'peerDependencies'].some((k) => !!pkg[k] && typeof pkg[k] === 'object' && 'next' in pkg[k]!);
    } catch {
      return false;
    }
  };
  const projectOf = (dir: string): string | null => {
    const trail: string[] = [];
    let found: string | null = null;
    for (let d = dir; ; d = path.dirname(d)) {
      const hit = projectCache.get(d);
      if (hit !== undefined) {
        found = hit;
        break;
      }
      trail.push(d);
      if (isProject(d)) {
        found = d;
        break;
      }
      if (d === root || path.dirname(d) === d || !d.startsWith(root)) break;
    }
    for (const d of trail) projectCache.set(d, found);
    return found;
  };
  const out: NextEntry[] = [];
  for (const file of files) {
    const posix = file.split(path.sep).join('/');
    if (!MAYBE.test(posix)) continue;
    const project = projectOf(path.dirname(file)) ?? root;
    const rel = path.relative(project, file).split(path.sep).join('/');
    if (rel.startsWith('..')) continue;
    const e = classifyRel(rel);
    if (e) out.push({ file, project, rel, ...e });
  }
  return out;
}

/** Names of the dynamic segments of a route file (`[id]`, `[...slug]`, `[[...slug]]`). */
export function paramNames(rel: string): string[] {
  const out: string[] = [];
  for (const m of rel.matchAll(/\[\[?(?:\.\.\.)?([^\]]+)\]\]?/g)) out.push(m[1]);
  return out;
}

export function classifyRel(rel: string): { kind: NextEntryKind; path?: string } | undefined {
  if (MIDDLEWARE.test(rel)) return { kind: 'middleware' };
  const app = APP_ROUTE.exec(rel);
  if (app) return { kind: 'app-route', path: appRoutePath(app[1] ? app[1].split('/') : []) };
  const pages = PAGES_API.exec(rel);
  if (pages) return { kind: 'pages-api', path: pagesApiPath(pages[1].split('/')) };
  return undefined;
}

function decode(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

function dynamicSegment(seg: string): string | undefined {
  if (/^\[\[\.\.\.[^\]]+\]\]$/.test(seg) || /^\[\.\.\.[^\]]+\]$/.test(seg)) return '*';
  const m = /^\[([^\]]+)\]$/.exec(seg);
  return m ? `:${m[1]}` : undefined;
}

/** `app/(shop)/api/users/[id]` folders → `/api/users/:id`; undefined inside a `_private` folder. */
export function appRoutePath(segments: string[]): string | undefined {
  const parts: string[] = [];
  for (const seg of segments) {
    if (!seg) continue;
    if (seg.startsWith('_')) return undefined; // private folder: not routable
    if (/^\(\.{1,3}\)|^\(\.\.\)/.test(seg)) continue; // intercepting route marker
    if (/^\(.*\)$/.test(seg)) continue; // route group
    if (seg.startsWith('@')) continue; // parallel route slot
    parts.push(dynamicSegment(seg) ?? decode(seg));
  }
  return '/' + parts.join('/');
}

/** `pages/api/users/[id].ts` → `/api/users/:id`; `index` files stand for their folder. */
export function pagesApiPath(segments: string[]): string {
  const parts = [...segments];
  if (parts.length > 1 && parts[parts.length - 1] === 'index') parts.pop();
  return '/' + parts.map((s) => dynamicSegment(s) ?? decode(s)).join('/');
}

/**
 * A path-to-regexp pattern (as Next.js `matcher` and Clerk `createRouteMatcher` take them) as a
 * RegExp; undefined when it cannot be read (callers treat that as covering).
 */
export function compilePattern(source: string): RegExp | undefined {
  let out = '';
  let i = 0;
  const readGroup = (): string | undefined => {
    // from '(' to its matching ')', honouring escapes and nesting
    let depth = 0;
    let j = i;
    for (; j < source.length; j++) {
      const c = source[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0) return undefined;
    const g = source.slice(i, j + 1);
    i = j + 1;
    return g;
  };
  try {
    while (i < source.length) {
      const c = source[i];
      if (c === '/' && source[i + 1] === ':') {
        const m = /^:([A-Za-z_$][\w$]*)/.exec(source.slice(i + 1));
        if (!m) return undefined;
        i += 1 + m[0].length;
        let seg = '[^/]+?';
        if (source[i] === '(') {
          const g = readGroup();
          if (!g) return undefined;
          seg = g.slice(1, -1);
        }
        const mod = source[i];
        if (mod === '*' || mod === '+' || mod === '?') {
          i++;
          out += `(?:/(?:${seg}))${mod}`;
        } else out += `/(?:${seg})`;
        continue;
      }
      if (c === '(') {
        const g = readGroup();
        if (!g) return undefined;
        out += g;
        const mod = source[i];
        if (mod === '*' || mod === '+' || mod === '?') {
          out += mod;
          i++;
        }
        continue;
      }
      if (c === '*') {
        out += '.*';
        i++;
        continue;
      }
      out += c.replace(/[.+?^${}|[\]\\]/g, '\\$&');
      i++;
    }
    return new RegExp(`^${out}/?$`, 'i');
  } catch {
    return undefined;
  }
}

/** A concrete path standing for a route path (`/users/:id` → `/users/id`, `/docs/*` → `/docs/x/y`). */
export function samplePath(routePath: string): string {
  return routePath
    .split('/')
    .map((s) => (s === '*' ? 'x/y' : s.startsWith(':') ? s.slice(1) || 'p' : s))
    .join('/');
}

/** Does the pattern match every request to the route (tested on a representative path)? */
export function patternCovers(re: RegExp | undefined, routePath: string): boolean {
  if (!re) return true;
  return re.test(samplePath(routePath));
}
