import type { Fix, Framework, Rule, RuleContext, Step } from '../server/src/engine';

/** missing-rate-limit: credential and abuse-prone routes need a limiter; apps need one at all. */
export const missingRateLimit: Rule = {
  meta: {
    id: 'missing-rate-limit',
    description: 'Credential and abuse-prone routes must be rate limited; state-changing routes should be.',
    defaultSeverity: 'warning',
    owasp: ['API4:2023', 'API6:2023'],
    cwe: ['CWE-770', 'CWE-307'],
    docs: 'rules/missing-rate-limit.md',
    messages: {
      sensitive: '{{method}} {{path}} is {{kind}} endpoint with no rate limit: it can be brute-forced or abused at machine speed.',
      stateChanging: '{{method}} {{path}} changes state and has no rate limit.',
      noLimiterInApp: 'This app registers no rate limiter on any of its {{count}} routes.',
    },
  },
  check(context: RuleContext) {
    const limiters = limiterSteps(context);
    const appsWithout = new Set(context.model.apps.filter((a) => !a.hasRateLimiter).map((a) => a.id));
    for (const app of context.model.apps) {
      if (app.hasRateLimiter) continue;
      const count = context.model.routes.filter((r) => r.appId === app.id).length;
      if (!count) continue;
      context.report({ messageId: 'noLimiterInApp', data: { count }, severity: 'warning', location: app.location, route: null, evidence: [{ message: 'app created here', location: app.location }] });
    }
    for (const route of context.model.routes) {
      if (route.rateLimit.status !== 'missing') continue;
      const kind = route.traits.credential ?? route.traits.abuseProne;
      const fixes: Fix[] = [];
      // A limiter tuned for the same kind of endpoint: login limiters for credential routes, general ones otherwise.
      const best = limiters.find((l) => l.credential === !!route.traits.credential && l.framework === route.framework)?.step;
      if (best) {
        const f = context.fixes.insertStep(route, best, `Add ${best.name} to ${route.method} ${route.path}`);
        if (f) fixes.push(f);
      }
      const sup = context.fixes.suppress(route.registration, 'missing-rate-limit');
      if (sup) fixes.push(sup);
      if (kind && (route.traits.stateChanging || route.traits.abuseProne) && route.traits.credential !== 'logout') {
        context.report({ messageId: 'sensitive', data: { method: route.method, path: route.path, kind: (/^[aeiou]/i.test(kind) ? 'an ' : 'a ') + kind }, severity: 'error', location: route.registration, route, evidence: route.rateLimit.evidence, fixes });
      } else if (route.traits.stateChanging && route.public?.kind !== 'inferred' && !(route.appId && appsWithout.has(route.appId)) && route.auth.status !== 'unknown') {
        context.report({ messageId: 'stateChanging', data: { method: route.method, path: route.path }, severity: 'warning', location: route.registration, route, evidence: route.rateLimit.evidence, fixes });
      }
    }
  },
};

function limiterSteps(context: RuleContext): Array<{ step: Step; credential: boolean; framework: Framework }> {
  const out: Array<{ step: Step; credential: boolean; framework: Framework }> = [];
  const seen = new Set<string>();
  for (const r of context.model.routes) {
    for (const s of r.steps) {
      if (s.scope !== 'route' || !s.classifications.some((c) => c.role === 'rate-limit' && c.confidence !== 'low')) continue;
      const credential = !!r.traits.credential;
      if (s.skipped || seen.has(`${s.name} ${credential} ${r.framework}`)) continue;
      seen.add(`${s.name} ${credential} ${r.framework}`);
      out.push({ step: s, credential, framework: r.framework });
    }
  }
  return out;
}
