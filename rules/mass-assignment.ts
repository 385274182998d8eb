import type { Evidence, Rule, RuleContext } from '../server/src/engine';
import { short } from './shared';

/**
 * mass-assignment: a body validated by a schema that lets undeclared properties through, then
 * handed on whole (to a service, an ORM, a spread), writes whatever the client adds.
 */
export const massAssignment: Rule = {
  meta: {
    id: 'mass-assignment',
    description: 'A validated request body that is handed on whole must not carry properties its schema does not declare.',
    defaultSeverity: 'warning',
    owasp: ['API3:2023'],
    cwe: ['CWE-915'],
    docs: 'rules/mass-assignment.md',
    messages: {
      undeclaredPassThrough:
        '{{method}} {{path}} validates its body with {{step}}, which lets properties the schema does not declare through ({{why}}), and hands the whole body on at {{at}}: a client can add fields such as role or ownerId. Strip them: set whitelist: true (and forbidNonWhitelisted: true).',
    },
  },
  check(context: RuleContext) {
    for (const route of context.model.routes) {
      if (!route.traits.stateChanging) continue;
      const loose = [...route.steps, ...route.handlerChecks]
        .filter((s) => !s.skipped)
        .flatMap((s) => s.classifications.filter((c) => c.role === 'validation' && c.acceptsUndeclared && c.covers?.includes('body')).map((c) => ({ s, c })));
      if (!loose.length) continue;
      // The whole body, not chosen fields, flows on: `service.create(dto)`, `{ ...dto }`, `Object.assign(entity, dto)`.
      const whole = route.inputs.find((i) => i.source === 'body' && i.field === undefined && i.handedOn);
      if (!whole) continue;
      const at = whole.handedOn!;
      const { s, c } = loose[0];
      const evidence: Evidence[] = [
        { message: c.acceptsUndeclared!.reason, location: c.acceptsUndeclared!.location ?? s.location },
        { message: 'the whole body is handed on here', location: at },
      ];
      context.report({
        messageId: 'undeclaredPassThrough',
        data: { method: route.method, path: route.path, step: s.name, why: c.acceptsUndeclared!.reason, at: `${short(at.file)}:${at.start.line}` },
        location: route.registration,
        route,
        evidence,
        fixes: [context.fixes.suppress(route.registration, 'mass-assignment')].filter((f): f is NonNullable<typeof f> => !!f),
      });
    }
  },
};
