import { describePointer, isObject, type Evidence, type Rule, type RuleContext, type SpecNode, type SpecOperation, type SpecReader } from '../server/src/engine';

/**
 * spec-rate-limit-undocumented: the spec must say where requests are throttled. Credential and
 * abuse-prone operations need a documented `429`; a document with no `429` anywhere gets one
 * note; a documented `429` must tell clients when to retry.
 */
export const specRateLimitUndocumented: Rule = {
  meta: {
    id: 'spec-rate-limit-undocumented',
    description: 'Document a 429 response on credential and abuse-prone operations, and tell clients when to retry.',
    defaultSeverity: 'warning',
    owasp: ['API4:2023', 'API6:2023'],
    cwe: ['CWE-770', 'CWE-307'],
    docs: 'rules/spec-rate-limit-undocumented.md',
    messages: {
      sensitiveNo429:
        '{{method}} {{path}} is {{kind}} endpoint and documents no 429 response: nothing in the contract says it is rate limited, so brute force and abuse at machine speed look like normal use to gateways, clients and testers.',
      no429Anywhere:
        'No operation in this document documents a 429 response: the API publishes no rate limiting at all, so nothing tells gateways or clients that request volume is bounded.',
      noRetryAfter:
        '{{where}}: the 429 response has no Retry-After (or RateLimit / X-RateLimit-Reset) header: clients cannot back off correctly and tend to retry in a tight loop.',
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const seen = new Set<string>();
    for (const doc of context.model.specs) {
      let any429 = false;
      for (const op of doc.operations) {
        const responses = op.responses && isObject(op.responses.value) ? op.responses : undefined;
        const r429 = responses ? loader.child(responses, '429') : undefined;
        if (r429) {
          any429 = true;
          checkRetryAfter(context, loader, op, r429, seen);
          continue;
        }
        const kind = sensitiveKind(op);
        if (!kind) continue;
        const responsesKey = loader.child(op.node, 'responses');
        const location = responsesKey ? loader.location(responsesKey) : op.location;
        const codes = responses ? Object.keys(responses.value) : [];
        const evidence: Evidence[] = [
          { message: `${op.method} ${op.path} is ${article(kind)} endpoint (judged from its method and path)`, location: op.location },
          {
            message: codes.length
              ? `documented responses: ${codes.join(', ')}${codes.some((c) => /^(4xx|default)$/i.test(c.trim())) ? ' (4XX and default do not say the operation is rate limited)' : ''}`
              : 'no responses documented',
            location,
          },
        ];
        const k = `${location.file}:${location.range[0]}:sensitiveNo429`;
        if (seen.has(k)) continue; // a path item shared through $ref
        seen.add(k);
        context.report({ messageId: 'sensitiveNo429', data: { method: op.method, path: op.path, kind: article(kind) }, severity: 'warning', location, route: null, evidence });
      }
      if (!any429 && doc.operations.length) {
        const paths = loader.child(doc.root, 'paths');
        const location = paths ? loader.location(paths) : doc.root.file.locate([]);
        context.report({
          messageId: 'no429Anywhere',
          severity: 'info',
          location,
          route: null,
          evidence: [{ message: `${doc.operations.length} operation${doc.operations.length === 1 ? '' : 's'}, none with a 429 response`, location }],
        });
      }
    }
  },
};

/** Headers that tell a client when it may retry (lower case). */
const RETRY_HEADERS = new Set(['retry-after', 'ratelimit', 'ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset']);

function checkRetryAfter(context: RuleContext, loader: SpecReader, op: SpecOperation, r429: SpecNode, seen: Set<string>): void {
  // A shared response (`$ref: '#/components/responses/TooManyRequests'`) is reported once, where it is written.
  const resolved = loader.deref(r429);
  if (!resolved || !isObject(resolved.value)) return;
  const headers = loader.get(resolved, 'headers');
  const names = headers && isObject(headers.value) ? Object.keys(headers.value) : [];
  if (names.some((n) => RETRY_HEADERS.has(n.trim().toLowerCase()))) return;
  const location = loader.location(resolved);
  const key = `${location.file}:${location.range[0]}:noRetryAfter`;
  if (seen.has(key)) return;
  seen.add(key);
  const evidence: Evidence[] = [
    { message: names.length ? `headers documented: ${names.join(', ')}` : 'no headers documented', location: headers ? loader.location(headers) : location },
  ];
  if (resolved !== r429) evidence.push({ message: `used as the 429 response of ${op.method} ${op.path}`, location: loader.location(r429) });
  context.report({ messageId: 'noRetryAfter', data: { where: describePointer(resolved.pointer) }, severity: 'info', location, route: null, evidence });
}

/** The kind of endpoint that must document throttling, as the code rule judges it. */
function sensitiveKind(op: SpecOperation): string | undefined {
  const { credential, abuseProne } = op.traits;
  // Credential words count on state-changing methods only (a GET /login page is not a login), and never for logout.
  if (credential && credential !== 'logout' && op.stateChanging) return credential;
  return abuseProne;
}

function article(kind: string): string {
  return (/^[aeiou]/i.test(kind) ? 'an ' : 'a ') + kind;
}
