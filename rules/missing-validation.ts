import { fieldLabel, inputLabel, inputStyleOf, type Evidence, type InputSource, type Rule, type RuleContext } from '../server/src/engine';

const SINK_WORDS: Record<string, string> = {
  sql: 'a SQL query',
  command: 'a shell command',
  path: 'a file system path',
  url: 'an outbound request URL',
  code: 'dynamically evaluated code',
  redirect: 'a redirect',
};

/** missing-validation: request input read by a handler with no validation step covering it. */
export const missingValidation: Rule = {
  meta: {
    id: 'missing-validation',
    description: 'Request input a handler reads must be validated (schema middleware or an in-handler parse) before use.',
    defaultSeverity: 'warning',
    owasp: ['API3:2023', 'API7:2023', 'API8:2023'],
    cwe: ['CWE-20', 'CWE-89', 'CWE-78', 'CWE-22', 'CWE-918', 'CWE-94', 'CWE-601'],
    docs: 'rules/missing-validation.md',
    messages: {
      unvalidated: '{{method}} {{path}} reads {{inputs}} without validation.',
      reachesSink: '{{method}} {{path}} reads {{inputs}} without validation, and {{flow}} reaches {{sink}} ({{sinkAt}}).',
    },
  },
  check(context: RuleContext) {
    for (const route of context.model.routes) {
      if (route.validation.status !== 'missing') continue;
      const uncovered = new Set<InputSource>(route.validation.uncovered);
      const inputs = route.inputs.filter((i) => uncovered.has(i.source) && (i.source === 'body' || i.source === 'query' || i.sinks.length));
      if (!inputs.length) continue;
      const bySource = new Map<InputSource, string[]>();
      for (const i of inputs) {
        const list = bySource.get(i.source) ?? [];
        if (i.field && !list.includes(i.field)) list.push(i.field);
        bySource.set(i.source, list);
      }
      const inputText = [...bySource].map(([s, f]) => (f.length ? `${inputLabel(inputStyleOf(route), s)} (${f.slice(0, 4).join(', ')}${f.length > 4 ? ', …' : ''})` : inputLabel(inputStyleOf(route), s))).join(' and ');
      const withSink = inputs.find((i) => i.sinks.length);
      const evidence: Evidence[] = inputs.map((i) => ({ message: `reads ${fieldLabel(inputStyleOf(route), i.source, i.field)}`, location: i.location }));
      for (const i of inputs) for (const s of i.sinks) evidence.push({ message: `flows into ${s.callee} (${SINK_WORDS[s.kind]})`, location: s.location });
      evidence.push(...route.validation.evidence);
      const fixes = [];
      const sup = context.fixes.suppress(route.registration, 'missing-validation');
      if (sup) fixes.push(sup);
      if (withSink) {
        const sink = withSink.sinks[0];
        context.report({
          messageId: 'reachesSink',
          data: {
            method: route.method,
            path: route.path,
            inputs: inputText,
            flow: fieldLabel(inputStyleOf(route), withSink.source, withSink.field),
            sink: `${SINK_WORDS[sink.kind]} via ${sink.callee}`,
            sinkAt: `line ${sink.location.start.line}`,
          },
          severity: 'error',
          location: route.registration,
          route,
          evidence,
          fixes,
        });
      } else {
        context.report({
          messageId: 'unvalidated',
          data: { method: route.method, path: route.path, inputs: inputText },
          severity: 'warning',
          location: route.registration,
          route,
          evidence,
          fixes,
        });
      }
    }
  },
};
