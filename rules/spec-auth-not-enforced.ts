import { requiresAuth, type Evidence, type Fix, type Rule, type RuleContext } from '../server/src/engine';
import { opLabel, projectSteps, schemesText, where } from './shared';

/**
 * spec-auth-not-enforced: the spec promises authentication for an operation; the route that
 * implements it runs no authentication step. The costliest lie in an API: clients, gateways and
 * reviewers believe the endpoint is protected.
 */
export const specAuthNotEnforced: Rule = {
  meta: {
    id: 'spec-auth-not-enforced',
    description: 'Routes must enforce the authentication their OpenAPI operation requires.',
    defaultSeverity: 'error',
    owasp: ['API2:2023'],
    cwe: ['CWE-306'],
    docs: 'rules/spec-auth-not-enforced.md',
    messages: {
      notEnforced:
        'The spec requires {{schemes}} for {{operation}} ({{specAt}}), but {{method}} {{path}} runs no authentication step ({{summary}}): anyone can call it.',
      declaredPublic:
        'The spec requires {{schemes}} for {{operation}} ({{specAt}}), but {{method}} {{path}} is declared public in code ({{reason}}): one of the two is wrong.',
    },
  },
  check(context: RuleContext) {
    const candidates = projectSteps(context, 'auth');
    for (const route of context.model.routes) {
      const missing = route.auth.status === 'missing';
      const declared = route.auth.status === 'public' && route.public?.kind === 'declared';
      if (!missing && !declared) continue;
      for (const op of context.model.operationsOf(route)) {
        if (!requiresAuth(op.security)) continue;
        const securityAt = op.security.node ? context.model.specLoader.location(op.security.node) : op.location;
        const evidence: Evidence[] = [
          { message: `${op.security.source === 'global' ? 'global' : 'operation'} security requires ${schemesText(op)}`, location: securityAt },
          ...route.auth.evidence,
          ...(route.public?.evidence ?? []).filter((e) => !route.auth.evidence.some((a) => a.message === e.message && a.location?.range[0] === e.location?.range[0])),
        ];
        const fixes: Fix[] = [];
        const best = missing ? candidates(route.framework)[0] : undefined;
        if (best) {
          const f = context.fixes.insertStep(route, best, `Add ${best.name} to ${route.method} ${route.path} (the spec requires ${schemesText(op)})`);
          if (f) fixes.push(f);
        }
        const sup = context.fixes.suppress(route.registration, 'spec-auth-not-enforced');
        if (sup) fixes.push(sup);
        context.report({
          messageId: missing ? 'notEnforced' : 'declaredPublic',
          data: {
            schemes: schemesText(op),
            operation: opLabel(op),
            specAt: where(context, op.location),
            method: route.method,
            path: route.path,
            summary: route.auth.summary || 'no auth step in the chain',
            reason: route.public?.reason ?? '',
          },
          severity: missing ? 'error' : 'warning',
          location: route.registration,
          route,
          evidence,
          fixes,
          alsoAt: [op.location],
        });
        break; // one finding per route (an app.all() route may match several operations)
      }
    }
  },
};
