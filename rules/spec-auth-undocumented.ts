import { requiresAuth, type Rule, type RuleContext } from '../server/src/engine';
import { opLabel, where } from './shared';

/**
 * spec-auth-undocumented: the code authenticates callers, the spec says the operation is public.
 * Clients are generated without credentials, gateways are configured to let anonymous traffic
 * through, reviewers think the endpoint is meant to be open.
 */
export const specAuthUndocumented: Rule = {
  meta: {
    id: 'spec-auth-undocumented',
    description: 'OpenAPI operations must document the authentication their route enforces.',
    defaultSeverity: 'warning',
    owasp: ['API8:2023', 'API9:2023'],
    cwe: ['CWE-1059'],
    docs: 'rules/spec-auth-undocumented.md',
    messages: {
      noSecurity:
        '{{operation}} has no security requirement in the spec{{inherited}}, but its route {{method}} {{path}} ({{codeAt}}) requires authentication ({{summary}}): document it so clients and gateways send credentials.',
      optOut:
        '{{operation}} opts out of security ({{optOut}}), but its route {{method}} {{path}} ({{codeAt}}) requires authentication ({{summary}}).',
    },
  },
  check(context: RuleContext) {
    // From the operations (whose routes include those outside the analysed paths): the finding is in the spec.
    for (const spec of context.model.specs) {
      for (const op of spec.operations) {
        if (requiresAuth(op.security)) continue;
        const route = op.routes.find((r) => r.auth.status === 'present' && r.auth.confidence !== 'low');
        if (!route) continue;
        // An operation's own opt-out is reported on it; an inherited one (document-level
        // `security: []`, or none at all) on the operation's method key, one finding each.
        const own = op.security.source === 'operation' ? op.security.node : undefined;
        const optional = op.security.alternatives.length > 0;
        const location = own ? context.model.specLoader.location(own) : op.location;
        context.report({
          messageId: own ? 'optOut' : 'noSecurity',
          data: {
            operation: opLabel(op),
            inherited: op.security.source === 'global' ? ` (the document-level security ${optional ? 'makes credentials optional' : 'is empty'})` : '',
            optOut: optional ? 'an empty {} alternative makes credentials optional' : 'security: []',
            method: route.method,
            path: route.path,
            codeAt: where(context, route.registration),
            summary: route.auth.summary,
          },
          location,
          route,
          evidence: [...route.auth.evidence, { message: `route ${route.method} ${route.path}`, location: route.registration }],
          alsoAt: [route.registration],
        });
      }
    }
  },
};
