/**
 * Small helpers shared by several rules (not a rule).
 */
import * as path from 'node:path';
import type { Framework, RuleContext, SourceLocation, SpecOperation, Step } from '../server/src/engine';

/**
 * The project's own steps of a role, most used first (route-level ones are the easiest to copy),
 * per framework: a Koa middleware is no fix for an Express route. Returns a lookup by framework.
 */
export function projectSteps(context: RuleContext, role: 'auth' | 'rate-limit'): (framework: Framework) => Step[] {
  const memo = new Map<Framework, Step[]>();
  return (framework) => {
    let hit = memo.get(framework);
    if (!hit) memo.set(framework, (hit = collectSteps(context, role, framework)));
    return hit;
  };
}

function collectSteps(context: RuleContext, role: 'auth' | 'rate-limit', framework: Framework): Step[] {
  const counts = new Map<string, { step: Step; n: number }>();
  for (const r of context.model.routes) {
    if (r.framework !== framework) continue;
    for (const s of r.steps) {
      if (s.skipped) continue;
      if (!s.classifications.some((c) => c.role === role && c.confidence !== 'low')) continue;
      const e = counts.get(s.name);
      if (e) e.n++;
      else counts.set(s.name, { step: s, n: 1 });
    }
  }
  return [...counts.values()].sort((a, b) => b.n - a.n).map((e) => e.step);
}

/** `dir/file.ext` (the last two segments) for messages. */
export function short(file: string): string {
  return file.split(/[\\/]/).slice(-2).join('/');
}

/** `openapi.yaml:12`, relative to the project root when possible. */
export function where(context: RuleContext, loc: SourceLocation): string {
  const rel = path.relative(context.model.root, loc.file);
  const shown = rel && !rel.startsWith('..') ? rel.split(path.sep).join('/') : short(loc.file);
  return `${shown}:${loc.start.line}`;
}

/** `GET /users/{id} (getUser)` */
export function opLabel(op: SpecOperation): string {
  return `${op.method} ${op.path}${op.operationId ? ` (${op.operationId})` : ''}`;
}

/** The security schemes an operation requires, as text: `bearerAuth or apiKey`. */
export function schemesText(op: SpecOperation): string {
  return op.security.alternatives.map((a) => Object.keys(a).join(' + ')).filter(Boolean).join(' or ');
}
