import { isObject, requiresAuth, schemaTypes, type Evidence, type Rule, type RuleContext, type SpecOperation, type SpecParameter, type SpecReader } from '../server/src/engine';

/**
 * spec-missing-error-responses: the rejections an operation can produce (401 for a missing
 * credential, 403 for missing scopes, 400/422 for invalid input) belong in its contract. One
 * finding per operation, listing everything that is missing, at its `responses` key.
 */
export const specMissingErrorResponses: Rule = {
  meta: {
    id: 'spec-missing-error-responses',
    description: 'Document the 401, 403 and 400/422 responses an operation can return (or a 4XX / default response).',
    defaultSeverity: 'info',
    owasp: ['API8:2023'],
    cwe: ['CWE-755'],
    docs: 'rules/spec-missing-error-responses.md',
    messages: {
      missing:
        '{{method}} {{path}} documents {{missing}}: how it rejects requests is not part of the contract, so clients cannot handle the rejection and security tests cannot check that it happens.',
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const seen = new Set<string>();
    for (const doc of context.model.specs) {
      for (const op of doc.operations) {
        const codes = new Set(op.responses && isObject(op.responses.value) ? Object.keys(op.responses.value).map((c) => c.trim().toUpperCase()) : []);
        // `default` and `4XX` describe every client error the operation can return.
        if (codes.has('DEFAULT') || codes.has('4XX')) continue;
        const missing: string[] = [];
        const evidence: Evidence[] = [];
        let severity: 'warning' | 'info' = 'info';
        const secLocation = op.security.node ? loader.location(op.security.node) : op.location;
        const secWhere = op.security.source === 'global' ? 'the document-wide security' : 'its security';
        if (!codes.has('401') && requiresAuth(op.security) && !onlyMutualTls(op)) {
          missing.push('401 (it requires authentication)');
          evidence.push({ message: `${secWhere} requires credentials: ${describeAlternatives(op.security.alternatives)}`, location: secLocation });
          severity = 'warning';
        }
        const scoped = op.security.alternatives.find((a) => Object.values(a).some((s) => s.length > 0));
        if (!codes.has('403') && scoped) {
          missing.push('403 (it requires scopes)');
          evidence.push({ message: `${secWhere} requires scopes: ${describeAlternatives([scoped])}`, location: secLocation });
        }
        const input = rejectableInput(loader, op);
        if (!codes.has('400') && !codes.has('422') && input) {
          missing.push('400 or 422 (it takes input that can be invalid)');
          evidence.push(input);
        }
        if (!missing.length) continue;
        const responsesKey = loader.child(op.node, 'responses');
        const location = responsesKey ? loader.location(responsesKey) : op.location;
        const key = `${location.file}:${location.range[0]}`;
        if (seen.has(key)) continue; // a path item shared through $ref
        seen.add(key);
        evidence.push({ message: codes.size ? `documented responses: ${[...codes].join(', ').replace('DEFAULT', 'default')}` : 'no responses documented', location });
        context.report({ messageId: 'missing', data: { method: op.method, path: op.path, missing: joinList(missing) }, severity, location, route: null, evidence });
      }
    }
  },
};

/** mTLS fails in the TLS handshake, before any HTTP status: a 401 cannot be expected. */
function onlyMutualTls(op: SpecOperation): boolean {
  return op.security.alternatives.every((a) => Object.keys(a).every((name) => op.spec.securitySchemes.get(name)?.type === 'mutualTLS'));
}

function describeAlternatives(alts: Array<Record<string, string[]>>): string {
  return alts
    .map((a) =>
      Object.entries(a)
        .map(([name, scopes]) => (scopes.length ? `${name} [${scopes.join(', ')}]` : name))
        .join(' + '),
    )
    .join(' or ');
}

/** `no 401 (…), no 403 (…) and no 400 or 422 (…)`. */
function joinList(items: string[]): string {
  const n = items.map((i) => `no ${i}`);
  return n.length <= 1 ? n.join('') : `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
}

/**
 * The first input that can fail validation, as evidence: a request body (it can always be
 * malformed), a required query/header/form parameter, or a parameter whose schema constrains
 * it. A path parameter or optional parameter that is a plain string can only be "not found".
 */
function rejectableInput(loader: SpecReader, op: SpecOperation): Evidence | undefined {
  if (op.requestBody) {
    if (op.spec.version === '2.0') return { message: `it takes a ${op.parameters.some((p) => p.in === 'body') ? 'body' : 'form'} parameter`, location: loader.location(op.requestBody.node) };
    const key = loader.child(op.node, 'requestBody');
    return { message: 'it takes a request body', location: loader.location(key ?? op.requestBody.node) };
  }
  for (const p of op.parameters) {
    if (p.in === 'cookie') continue;
    if (p.required && p.in !== 'path') return { message: `required ${p.in} parameter '${p.name}'`, location: loader.location(p.node) };
    const c = constraint(loader, p);
    if (c) return { message: `${p.in} parameter '${p.name}' is constrained (${c})`, location: loader.location(p.node) };
  }
  return undefined;
}

const CONSTRAINT_KEYS = ['enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'allOf', 'anyOf', 'oneOf', 'not'];

/** What makes a parameter's value rejectable, or undefined for an unconstrained string. */
function constraint(loader: SpecReader, p: SpecParameter): string | undefined {
  const pv = p.node.value;
  if (isObject(pv) && pv.content !== undefined && pv.schema === undefined) return 'content';
  const schema = loader.deref(p.schema);
  if (!schema || !isObject(schema.value)) return undefined;
  const s = schema.value;
  const types = schemaTypes(s);
  const nonString = types.find((t) => t !== 'string' && t !== 'file');
  if (nonString) return `type ${nonString}`;
  const key = CONSTRAINT_KEYS.find((k) => s[k] !== undefined);
  return key ? key : undefined;
}
