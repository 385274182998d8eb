import type { Evidence, Fix, Route, Rule, RuleContext } from '../server/src/engine';
import { projectSteps, short } from './shared';

/**
 * missing-auth: zero trust by default. A route that runs no authentication step and is neither
 * declared nor inferred public.
 */
export const missingAuth: Rule = {
  meta: {
    id: 'missing-auth',
    description: 'Every route must authenticate its caller unless it is declared or evidently public.',
    defaultSeverity: 'error',
    owasp: ['API2:2023', 'API5:2023'],
    cwe: ['CWE-306', 'CWE-862'],
    docs: 'rules/missing-auth.md',
    messages: {
      missing: '{{method}} {{path}} has no authentication: no middleware before its handler verifies the caller ({{chain}}).',
      registeredAfter:
        '{{method}} {{path}} has no authentication: {{late}} is registered after this route ({{lateAt}}), so it never runs before the handler.',
      lookAlike: '{{method}} {{path}} has no authentication: {{note}}.',
      webhookUnverified: '{{method}} {{path}} looks like a webhook but verifies no signature, so anyone can call it.',
    },
  },
  check(context: RuleContext) {
    const candidates = projectSteps(context, 'auth');
    for (const route of context.model.routes) {
      if (route.auth.status !== 'missing') continue;
      const severity = route.traits.stateChanging ? 'error' : 'warning';
      const late = route.lateSteps.find((s) => s.classifications.some((c) => c.role === 'auth'));
      const lookAlike = [...route.steps, ...route.lateSteps].find((s) => !s.classifications.length && s.notes?.some((n) => LOOK_ALIKE.test(n)));
      const base = { method: route.method, path: route.path };
      const evidence: Evidence[] = [...route.auth.evidence];
      const chain = route.steps.length ? `chain: ${route.steps.map((s) => (s.skipped ? `${s.name} (skipped here)` : s.name)).join(' → ')}` : 'no middleware at all';
      let messageId = 'missing';
      let data: Record<string, string> = { ...base, chain };
      if (late) {
        messageId = 'registeredAfter';
        data = { ...base, late: late.name, lateAt: `${short(late.location.file)}:${late.location.start.line}` };
      } else if (/(^|\/)webhooks?(\/|$)|webhook/i.test(route.path)) {
        messageId = 'webhookUnverified';
      } else if (lookAlike) {
        messageId = 'lookAlike';
        data = { ...base, note: lookAlike.notes!.find((n) => LOOK_ALIKE.test(n))! };
      }
      for (const m of route.mounts) evidence.push({ message: 'route reached through this mount', location: m });
      const fixes: Fix[] = [];
      const best = late ?? candidates(route.framework)[0];
      if (best) {
        const f = context.fixes.insertStep(route, best, `Add ${best.name} to ${route.method} ${route.path}`);
        if (f) fixes.push(f);
      }
      const pub = context.fixes.declarePublic(route);
      if (pub) fixes.push(pub);
      const sup = context.fixes.suppress(route.registration, 'missing-auth');
      if (sup) fixes.push(sup);
      context.report({ messageId, data, severity, location: route.registration, route, evidence, fixes });
    }
  },
};

/** Notes that explain why an auth-looking step does not count. */
const LOOK_ALIKE = /never rejects|does not reject|anonymous requests pass|does not verify/;

export type { Route };
