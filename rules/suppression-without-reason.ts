import type { Rule, RuleContext } from '../server/src/engine';

/** A suppression or public declaration must say why. */
export const suppressionWithoutReason: Rule = {
  meta: {
    id: 'suppression-without-reason',
    description: 'Inline suppressions and public declarations must give a reason after `--`.',
    defaultSeverity: 'warning',
    owasp: ['API9:2023'],
    cwe: [],
    docs: 'rules/suppression-without-reason.md',
    messages: {
      noReason: '`{{directive}}` has no reason: write `-- <why this is safe>` so reviewers can judge it.',
      unknownRule: '`{{directive}}` names {{rule}}, which is not an API Warden rule, so it suppresses nothing (rules: {{known}}).',
    },
  },
  check(context: RuleContext) {
    for (const [, directives] of context.model.directives) {
      for (const d of directives) {
        for (const rule of d.rules) {
          if (context.settings.knownRuleIds.includes(rule)) continue;
          const directive = `apiwarden-${d.kind} ${d.rules.join(', ')}`;
          context.report({ messageId: 'unknownRule', data: { directive, rule, known: context.settings.knownRuleIds.join(', ') }, location: d.location, route: null });
        }
        if (d.reason) continue;
        const directive = `apiwarden-${d.kind}${d.rules.length ? ' ' + d.rules.join(', ') : ''}`;
        context.report({ messageId: 'noReason', data: { directive }, location: d.location, route: null });
      }
    }
  },
};
