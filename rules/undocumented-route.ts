import { publicNature, type Route, type Rule, type RuleContext, type SpecDocument } from '../server/src/engine';
import { where } from './shared';

/**
 * undocumented-route (shadow API): a route in code with no operation in the spec that documents
 * the rest of its app. Undocumented endpoints escape reviews, gateways and API security testing.
 */
export const undocumentedRoute: Rule = {
  meta: {
    id: 'undocumented-route',
    description: 'Every route of an app described by an OpenAPI document must be in that document.',
    defaultSeverity: 'warning',
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    docs: 'rules/undocumented-route.md',
    messages: {
      shadow:
        '{{method}} {{path}} is not in {{spec}}, which documents {{count}} other routes of this app: a shadow endpoint that reviews, gateways and API tests do not know about.',
      shadowUnprotected:
        '{{method}} {{path}} is not in {{spec}}, which documents {{count}} other routes of this app, and it has no authentication: an unprotected shadow endpoint.',
    },
  },
  check(context: RuleContext) {
    // Which spec documents which app: the spec most of the app's matched routes belong to.
    const appSpec = new Map<string, { spec: SpecDocument; count: number }>();
    const tally = new Map<string, Map<SpecDocument, number>>();
    for (const r of allRoutes(context)) {
      // Each route counts once per spec (an app.all() route matches several operations).
      for (const spec of new Set(context.model.operationsOf(r).map((op) => op.spec))) {
        const key = r.appId ?? '';
        const t = tally.get(key) ?? new Map<SpecDocument, number>();
        t.set(spec, (t.get(spec) ?? 0) + 1);
        tally.set(key, t);
      }
    }
    for (const [app, t] of tally) {
      const best = [...t.entries()].sort((a, b) => b[1] - a[1])[0];
      appSpec.set(app, { spec: best[0], count: best[1] });
    }
    for (const route of context.model.routes) {
      if (context.model.operationsOf(route).length) continue;
      const covered = appSpec.get(route.appId ?? '');
      if (!covered) continue;
      if (route.method === 'ALL' || route.method === 'HEAD' || route.method === 'OPTIONS') continue;
      if (/[*()[\]|\\<]|\?(\/|$)/.test(route.path)) continue; // wildcard, regex and computed (`<dynamic>`) paths cannot be matched exactly
      if (route.public?.kind === 'inferred' && publicNature(route.method, route.path, route.traits) && !route.traits.credential) continue; // health probes, API docs
      const paths = context.model.specLoader.child(covered.spec.root, 'paths');
      const specAt = paths ? context.model.specLoader.location(paths) : covered.spec.root.file.locate([]);
      const unprotected = route.auth.status === 'missing';
      context.report({
        messageId: unprotected ? 'shadowUnprotected' : 'shadow',
        data: { method: route.method, path: route.path, spec: where(context, specAt).replace(/:\d+$/, ''), count: covered.count },
        severity: unprotected ? 'error' : 'warning',
        location: route.registration,
        route,
        evidence: [{ message: `${covered.spec.title ?? 'the spec'} documents the other routes of this app`, location: specAt }],
        fixes: [context.fixes.suppress(route.registration, 'undocumented-route')].filter((f): f is NonNullable<typeof f> => !!f),
      });
    }
  },
};

/** Routes of the whole project (the model's routes are those in scope; matching used all). */
function allRoutes(context: RuleContext): Route[] {
  const seen = new Set<Route>(context.model.routes);
  for (const s of context.model.specs) for (const op of s.operations) for (const r of op.routes) seen.add(r);
  return [...seen];
}
