import type { Route, Rule, RuleContext, SpecOperation } from '../server/src/engine';

/**
 * unimplemented-operation (zombie or stale spec): an operation no route in code implements, in a
 * spec that other routes of the project do implement.
 */
export const unimplementedOperation: Rule = {
  meta: {
    id: 'unimplemented-operation',
    description: 'Every operation of an OpenAPI document that the code implements must have a route.',
    defaultSeverity: 'warning',
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    docs: 'rules/unimplemented-operation.md',
    messages: {
      unimplemented:
        '{{operation}} has no route in code, while {{implemented}} of the {{total}} operations of this spec do: the spec is stale, or the route is registered where API Warden cannot see it.',
    },
  },
  check(context: RuleContext) {
    const wildcards = wildcardRoutes(context);
    for (const spec of context.model.specs) {
      const implemented = spec.operations.filter((op) => op.routes.length > 0).length;
      // A spec describes this project's code when at least two of its operations are implemented
      // here (one could be a coincidence: a client's spec that shares `GET /users`).
      if (implemented < 2) continue;
      for (const op of spec.operations) {
        if (op.routes.length) continue;
        if (wildcards.some((w) => servedBy(op, w))) continue; // `app.get('/files/*')` may serve `/files/{path}`
        const sup = context.fixes.suppress(op.location, 'unimplemented-operation');
        context.report({
          messageId: 'unimplemented',
          data: { operation: `${op.method} ${op.path}${op.operationId ? ` (${op.operationId})` : ''}`, implemented, total: spec.operations.length },
          location: op.location,
          route: null,
          evidence: [],
          fixes: sup ? [sup] : [],
        });
      }
    }
  },
};

interface Wildcard {
  method: string;
  re: RegExp;
}

/** Routes whose path has wildcards or regex parts, as patterns over concrete paths. */
function wildcardRoutes(context: RuleContext): Wildcard[] {
  const seen = new Set<Route>(context.model.routes);
  for (const s of context.model.specs) for (const op of s.operations) for (const r of op.routes) seen.add(r);
  const out: Wildcard[] = [];
  for (const r of seen) {
    if (!/[*(]/.test(r.path)) continue;
    const body = r.path
      .split('/')
      .map((seg) => (seg === '*' || seg.startsWith('*') ? '.*' : seg.includes('(') || seg.includes('*') ? '[^/]+' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    out.push({ method: r.method, re: new RegExp(`^${body}/?$`) });
  }
  return out;
}

function servedBy(op: SpecOperation, w: Wildcard): boolean {
  if (w.method !== 'ALL' && w.method !== op.method) return false;
  const concrete = op.path.replace(/\{[^}]+\}/g, 'x');
  return ['', ...op.prefixes].some((p) => w.re.test(p + concrete));
}
