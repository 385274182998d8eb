import { isObject, type Fix, type Rule, type RuleContext, type SourceLocation, type SpecOperation } from '../server/src/engine';
import { opLabel, projectSteps, where } from './shared';

/**
 * spec-rate-limit-not-enforced: the spec documents rate limiting (a 429 response or rate-limit
 * headers) for an operation; the route has no limiter. Clients are told a limit exists; attackers
 * find none.
 */
export const specRateLimitNotEnforced: Rule = {
  meta: {
    id: 'spec-rate-limit-not-enforced',
    description: 'Routes must apply the rate limit their OpenAPI operation documents.',
    defaultSeverity: 'warning',
    owasp: ['API4:2023'],
    cwe: ['CWE-770'],
    docs: 'rules/spec-rate-limit-not-enforced.md',
    messages: {
      notEnforced:
        'The spec documents {{what}} for {{operation}} ({{specAt}}), but {{method}} {{path}} has no rate limiter: the documented limit does not exist.',
    },
  },
  check(context: RuleContext) {
    const limiters = projectSteps(context, 'rate-limit');
    for (const route of context.model.routes) {
      if (route.rateLimit.status !== 'missing') continue;
      for (const op of context.model.operationsOf(route)) {
        const doc = documentedLimit(context, op);
        if (!doc) continue;
        const fixes: Fix[] = [];
        const limiter = limiters(route.framework)[0];
        if (limiter) {
          const f = context.fixes.insertStep(route, limiter, `Add ${limiter.name} to ${route.method} ${route.path}`);
          if (f) fixes.push(f);
        }
        const sup = context.fixes.suppress(route.registration, 'spec-rate-limit-not-enforced');
        if (sup) fixes.push(sup);
        context.report({
          messageId: 'notEnforced',
          data: { what: doc.what, operation: opLabel(op), specAt: where(context, doc.location), method: route.method, path: route.path },
          location: route.registration,
          route,
          evidence: [{ message: `the spec documents ${doc.what}`, location: doc.location }, ...route.rateLimit.evidence],
          fixes,
          alsoAt: [doc.location],
        });
        break; // one finding per route
      }
    }
  },
};

/** RateLimit (IETF draft), RateLimit-Policy, X-RateLimit-Limit/-Remaining/-Reset. Retry-After alone documents no limit. */
const RATE_HEADER = /^(x-)?rate-?limit(-limit|-remaining|-reset|-policy)?$/i;

function documentedLimit(context: RuleContext, op: SpecOperation): { what: string; location: SourceLocation } | undefined {
  const loader = context.model.specLoader;
  const responses = op.responses;
  if (!responses || !isObject(responses.value)) return undefined;
  if (responses.value['429'] !== undefined) {
    const n = loader.child(responses, '429')!;
    return { what: 'a 429 Too Many Requests response', location: loader.location(n) };
  }
  for (const code of Object.keys(responses.value)) {
    const resp = loader.get(responses, code);
    const headers = resp ? loader.child(resp, 'headers') : undefined;
    if (!headers || !isObject(headers.value)) continue;
    const h = Object.keys(headers.value).find((k) => RATE_HEADER.test(k));
    if (h) return { what: `the ${h} header`, location: loader.location(loader.child(headers, h)!) };
  }
  return undefined;
}
