/**
 * `apiwarden routes`: the route inventory, as an aligned table or as JSON.
 *
 * JSON: {"version":1,"routes":[{"method","path","file","line","framework","handler":{"file","line"}|null,
 *   "auth":{"status","summary","evidence"},"validation":{"status","summary","uncovered","evidence"},
 *   "rateLimit":{"status","summary","evidence"},"public":{"kind","reason"}|null,
 *   "steps":[{"name","scope","roles","file","line"}],
 *   "spec":[{"method","path","operationId","file","line"}]}]}
 * `spec` lists the OpenAPI operations the route implements (empty when none matches).
 */
import type { Route, Step } from '../../engine';
import { type Colors, colors as makeColors } from './color';
import { evidenceToJson, type JsonEvidence, plural, relPath } from './common';

export interface JsonRoute {
  method: string;
  path: string;
  file: string;
  line: number;
  framework: string;
  handler: { file: string; line: number } | null;
  auth: { status: string; summary: string; evidence: JsonEvidence[] };
  validation: { status: string; summary: string; uncovered: string[]; evidence: JsonEvidence[] };
  rateLimit: { status: string; summary: string; evidence: JsonEvidence[] };
  public: { kind: string; reason: string } | null;
  steps: { name: string; scope: string; roles: string[]; file: string; line: number }[];
  spec: { method: string; path: string; operationId: string | null; file: string; line: number }[];
}

export function sortRoutes(routes: readonly Route[], cwd: string): Route[] {
  const key = (r: Route) => relPath(cwd, r.registration.file);
  return [...routes].sort((a, b) => {
    const fa = key(a);
    const fb = key(b);
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (
      a.registration.start.line - b.registration.start.line ||
      a.registration.start.column - b.registration.start.column ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      (a.method < b.method ? -1 : a.method > b.method ? 1 : 0)
    );
  });
}

function stepToJson(cwd: string, s: Step): JsonRoute['steps'][number] {
  return {
    name: s.name,
    scope: s.scope,
    roles: [...new Set(s.classifications.map((c) => c.role))],
    file: relPath(cwd, s.location.file),
    line: s.location.start.line,
  };
}

export function buildRoutesJson(routes: readonly Route[], options: { cwd: string }): { version: 1; routes: JsonRoute[] } {
  const { cwd } = options;
  const ev = (list: Route['auth']['evidence']) => list.map((e) => evidenceToJson(cwd, e));
  return {
    version: 1,
    routes: sortRoutes(routes, cwd).map((r) => ({
      method: r.method,
      path: r.path,
      file: relPath(cwd, r.registration.file),
      line: r.registration.start.line,
      framework: r.framework,
      handler: r.handler ? { file: relPath(cwd, r.handler.file), line: r.handler.start.line } : null,
      auth: { status: r.auth.status, summary: r.auth.summary, evidence: ev(r.auth.evidence) },
      validation: {
        status: r.validation.status,
        summary: r.validation.summary,
        uncovered: [...r.validation.uncovered],
        evidence: ev(r.validation.evidence),
      },
      rateLimit: { status: r.rateLimit.status, summary: r.rateLimit.summary, evidence: ev(r.rateLimit.evidence) },
      public: r.public ? { kind: r.public.kind, reason: r.public.reason } : null,
      steps: [...r.steps, ...r.handlerChecks].map((s) => stepToJson(cwd, s)),
      spec: r.specOperations.map((o) => ({ method: o.method, path: o.path, operationId: o.operationId ?? null, file: relPath(cwd, o.location.file), line: o.location.start.line })),
    })),
  };
}

export function formatRoutesJson(routes: readonly Route[], options: { cwd: string }): string {
  return JSON.stringify(buildRoutesJson(routes, options), null, 2) + '\n';
}

const CELL_MAX = 48;

function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : one.slice(0, max - 1) + '\u2026';
}

function statusColor(c: Colors, status: string): (s: string) => string {
  switch (status) {
    case 'present':
    case 'not-needed':
      return c.green;
    case 'missing':
      return c.red;
    case 'public':
      return c.cyan;
    default:
      return c.yellow;
  }
}

/** A status cell: `status [tag] (short summary)`. */
function cell(status: string, summary: string, tag?: string): string {
  const head = tag ? `${status} [${tag}]` : status;
  const s = summary.trim();
  return s === '' || s === status ? head : `${head} (${truncate(s, Math.max(12, CELL_MAX - head.length - 3))})`;
}

/**
 * The table. `withSpec` adds a SPEC column (the matching operation's file:line, or `none`); the
 * CLI turns it on when the project has OpenAPI documents.
 */
export function formatRoutesTable(routes: readonly Route[], options: { cwd: string; color?: boolean; withSpec?: boolean }): string {
  const { cwd } = options;
  const c = makeColors(Boolean(options.color));
  const sorted = sortRoutes(routes, cwd);
  if (sorted.length === 0) return 'No routes found.\n';

  // A FRAMEWORK column when the project mixes frameworks (an Express gateway beside a NestJS service).
  const mixed = new Set(sorted.map((r) => r.framework)).size > 1;
  const header = [...(mixed ? ['FRAMEWORK'] : []), 'METHOD', 'PATH', 'LOCATION', 'AUTH', 'VALIDATION', 'RATE LIMIT', ...(options.withSpec ? ['SPEC'] : [])];
  const rows = sorted.map((r) => {
    const spec = r.specOperations.map((o) => `${relPath(cwd, o.location.file)}:${o.location.start.line}${o.operationId ? ` (${o.operationId})` : ''}`).join(', ') || 'none';
    return {
      cells: [
        ...(mixed ? [r.framework] : []),
        r.method,
        r.path,
        `${relPath(cwd, r.registration.file)}:${r.registration.start.line}`,
        cell(r.auth.status, r.public?.reason && r.auth.status === 'public' ? `${r.public.kind}: ${r.public.reason}` : r.auth.summary),
        cell(r.validation.status, r.validation.summary, r.validation.status !== 'present' ? r.validation.uncovered.join(',') : undefined),
        cell(r.rateLimit.status, r.rateLimit.summary),
        ...(options.withSpec ? [spec] : []),
      ],
      statuses: [...(mixed ? [undefined] : []), undefined, undefined, undefined, r.auth.status, r.validation.status, r.rateLimit.status, undefined] as (string | undefined)[],
    };
  });

  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i].length)));
  const line = (cells: string[], paint: (i: number, text: string) => string) =>
    cells
      .map((text, i) => (i === cells.length - 1 ? paint(i, text) : paint(i, text.padEnd(widths[i]))))
      .join('  ')
      .trimEnd() + '\n';

  let out = line(header, (_i, t) => c.bold(t));
  for (const r of rows) {
    out += line(r.cells, (i, t) => (r.statuses[i] ? statusColor(c, r.statuses[i]!)(t) : i === (mixed ? 3 : 2) ? c.dim(t) : t));
  }
  const noAuth = sorted.filter((r) => r.auth.status === 'missing').length;
  const noValidation = sorted.filter((r) => r.validation.status === 'missing').length;
  const noRateLimit = sorted.filter((r) => r.rateLimit.status === 'missing').length;
  out +=
    `\n${plural(sorted.length, 'route')}: ${noAuth} without authentication, ` +
    `${noValidation} without validation, ${noRateLimit} without rate limiting` +
    (options.withSpec ? `, ${sorted.filter((r) => r.specOperations.length === 0).length} not in any OpenAPI document` : '') +
    '\n';
  return out;
}
