/**
 * The cross-check's join: spec operations ↔ code routes, by method and path.
 *
 * `/users/{id}` matches `/users/:id` (parameter names do not matter), server URL paths and
 * Swagger's basePath may prefix the spec's paths (`servers: [{url: https://x.com/v1}]` ↔
 * `/v1/users/:id`, and the same path without the prefix when the app is mounted below it),
 * trailing slashes are ignored. `ALL` routes match every method. Routes with wildcards or regular
 * expressions in their path are not matched (we cannot tell what they serve).
 */
import type { Route } from '../model';
import type { SpecDocument, SpecOperation } from './spec';

const PARAM = '\u0000';

/** Normalised segments of an Express-syntax path, or undefined when it cannot be matched exactly. */
export function codePathKey(p: string): string | undefined {
  const segs: string[] = [];
  for (const s of p.split('/')) {
    if (!s) continue;
    if (/[*()[\]|\\]/.test(s) || /\?$/.test(s)) return undefined;
    segs.push(s.includes(':') ? s.replace(/:[A-Za-z_$][\w$]*/g, PARAM) : s);
  }
  return '/' + segs.join('/');
}

export function specPathKey(p: string): string {
  const segs: string[] = [];
  for (const s of p.split('/')) {
    if (!s) continue;
    segs.push(s.startsWith('{') && s.endsWith('}') && s.indexOf('{', 1) < 0 ? PARAM : s.replace(/\{[^}]*\}/g, PARAM));
  }
  return '/' + segs.join('/');
}

export interface MatchResult {
  /** route id → operations it implements. */
  byRoute: Map<string, SpecOperation[]>;
}

/** Fill `operation.routes` and return the operations of each route. */
export function matchRoutes(specs: SpecDocument[], routes: Route[]): MatchResult {
  const index = new Map<string, SpecOperation[]>();
  const add = (key: string, op: SpecOperation) => {
    const list = index.get(key);
    if (list) {
      if (!list.includes(op)) list.push(op);
    } else index.set(key, [op]);
  };
  for (const spec of specs) {
    for (const op of spec.operations) {
      op.routes = [];
      const base = specPathKey(op.path);
      for (const prefix of new Set(['', ...op.prefixes])) {
        const full = prefix ? specPathKey(prefix) + (base === '/' ? '' : base) : base;
        add(`${op.method} ${full}`, op);
      }
    }
  }
  const byRoute = new Map<string, SpecOperation[]>();
  for (const route of routes) {
    const key = codePathKey(route.path);
    if (key === undefined) continue;
    const methods = route.method === 'ALL' ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'] : [route.method];
    const ops: SpecOperation[] = [];
    for (const m of methods) for (const op of index.get(`${m} ${key}`) ?? []) if (!ops.includes(op)) ops.push(op);
    if (!ops.length) continue;
    byRoute.set(route.id, ops);
    for (const op of ops) op.routes.push(route);
  }
  return { byRoute };
}
