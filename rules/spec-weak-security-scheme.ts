import { isObject, pointerString, type Evidence, type Rule, type RuleContext, type SecurityScheme, type Severity, type SourceLocation, type SpecDocument, type SpecNode, type SpecOperation } from '../server/src/engine';

/**
 * spec-weak-security-scheme: security schemes that are weak by design (HTTP Basic / Digest /
 * Negotiate / NTLM / OAuth 1, the OAuth 2.0 implicit and password flows), reported once at the
 * definition, and only when an operation (or the root `security`) actually uses the scheme.
 */
export const specWeakSecurityScheme: Rule = {
  meta: {
    id: 'spec-weak-security-scheme',
    description: 'Do not authenticate API calls with schemes that are weak by design: HTTP Basic/Digest, OAuth 2.0 implicit or password flows.',
    defaultSeverity: 'warning',
    owasp: ['API2:2023'],
    cwe: ['CWE-287', 'CWE-522'],
    docs: 'rules/spec-weak-security-scheme.md',
    messages: {
      httpScheme: "Security scheme '{{name}}' uses HTTP {{label}} authentication ({{usage}}): {{why}}.",
      implicitFlow:
        "Security scheme '{{name}}' offers the OAuth 2.0 implicit flow ({{usage}}): access tokens come back in the redirect URL, where browser history, logs and Referer headers leak them, and nothing binds them to the client; the OAuth 2.0 Security BCP (RFC 9700) deprecates it. Use the authorization code flow with PKCE.",
      passwordFlow:
        "Security scheme '{{name}}' offers the OAuth 2.0 resource owner password flow ({{usage}}): the client handles the user's password, which rules out MFA and phishing-resistant sign-in; the OAuth 2.0 Security BCP (RFC 9700) says it must not be used. Use the authorization code flow with PKCE (or client credentials between services).",
      bearerFormat:
        "Security scheme '{{name}}' is an HTTP bearer token with no bearerFormat ({{usage}}): clients, gateways and reviewers cannot tell which token to expect and validate; add bearerFormat (JWT if it is one).",
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const usage = schemeUsage(context.model.specs);
    const done = new Set<string>();
    const report = (scheme: SecurityScheme, messageId: string, severity: Severity, location: SourceLocation, data: Record<string, string> = {}) => {
      const key = `${location.file}:${location.range[0]}:${messageId}`;
      if (done.has(key)) return;
      done.add(key);
      const use = usage.get(nodeKey(scheme.node))!;
      context.report({ messageId, data: { name: scheme.name, usage: usageText(use), ...data }, severity, location, route: null, evidence: use.evidence });
    };
    for (const doc of context.model.specs) {
      for (const scheme of doc.securitySchemes.values()) {
        // Unused definitions are not reported: nothing authenticates with them (see the rule page).
        if (!usage.has(nodeKey(scheme.node))) continue;
        const n = scheme.node;
        const v = n.value as Record<string, unknown>;
        const type = scheme.type.toLowerCase();
        if (doc.version === '2.0') {
          if (type === 'basic') report(scheme, 'httpScheme', 'warning', n.file.locateValue([...n.pointer, 'type']), { label: 'Basic', why: HTTP_WEAK.get('basic')!.why });
          if (type === 'oauth2' && typeof v.flow === 'string') {
            const flow = v.flow.toLowerCase();
            if (flow === 'implicit') report(scheme, 'implicitFlow', 'error', n.file.locateValue([...n.pointer, 'flow']));
            if (flow === 'password') report(scheme, 'passwordFlow', 'warning', n.file.locateValue([...n.pointer, 'flow']));
          }
          continue;
        }
        if (type === 'http' && typeof v.scheme === 'string') {
          const s = v.scheme.trim().toLowerCase();
          const at = n.file.locateValue([...n.pointer, 'scheme']);
          const weak = HTTP_WEAK.get(s);
          if (weak) report(scheme, 'httpScheme', 'warning', at, { label: weak.label, why: weak.why });
          else if (s === 'bearer' && (typeof v.bearerFormat !== 'string' || !v.bearerFormat.trim())) report(scheme, 'bearerFormat', 'info', at);
        }
        if (type === 'oauth2') {
          const flows = loader.get(n, 'flows');
          if (flows && isObject(flows.value)) {
            if (flows.value.implicit !== undefined) report(scheme, 'implicitFlow', 'error', flows.file.locate([...flows.pointer, 'implicit']));
            if (flows.value.password !== undefined) report(scheme, 'passwordFlow', 'warning', flows.file.locate([...flows.pointer, 'password']));
          }
        }
      }
    }
  },
};

/** HTTP authentication schemes (IANA registry names, lower case) that are weak by design. */
const HTTP_WEAK = new Map<string, { label: string; why: string }>(Object.entries({
  basic: {
    label: 'Basic',
    why: 'the password itself (base64, not encrypted) travels with every request, never expires, carries no scope and cannot carry MFA; use short-lived tokens (OAuth 2.0 / OpenID Connect) instead',
  },
  digest: {
    label: 'Digest',
    why: 'it is MD5-based in practice, makes the server store password-equivalent hashes and cannot carry MFA; use short-lived tokens (OAuth 2.0 / OpenID Connect) instead',
  },
  negotiate: {
    label: 'Negotiate',
    why: 'SPNEGO falls back to NTLM, which is open to relay and offline cracking, and it authenticates a connection that proxies may share; use token-based authentication for an HTTP API',
  },
  ntlm: {
    label: 'NTLM',
    why: 'NTLM is open to relay and offline cracking, and it authenticates a connection that proxies may share; use token-based authentication for an HTTP API',
  },
  oauth: {
    label: 'OAuth 1.0',
    why: 'OAuth 1.0 (RFC 5849) is obsolete and superseded by OAuth 2.0: it allows PLAINTEXT signatures, signs with HMAC-SHA1 and gets no current security guidance; move to OAuth 2.0 with the authorization code flow',
  },
}));

// ---------------------------------------------------------------------------------------------
// Which operations use a security scheme (shared with spec-credentials-in-url and
// spec-insecure-transport).

export interface SchemeUse {
  /** Operations whose effective security names the scheme (in any alternative). */
  operations: SpecOperation[];
  /** The root `security` names it. */
  global: boolean;
  /** Where it is required: the scheme's name in a `security` requirement (deduplicated, at most 5). */
  evidence: Evidence[];
}

export function nodeKey(n: SpecNode): string {
  return n.file.file + pointerString(n.pointer);
}

/** Scheme definition (by node key) → its use; schemes no one uses are absent. */
export function schemeUsage(specs: SpecDocument[]): Map<string, SchemeUse> {
  const out = new Map<string, SchemeUse>();
  const use = (doc: SpecDocument, name: string): SchemeUse | undefined => {
    const scheme = doc.securitySchemes.get(name);
    if (!scheme) return undefined;
    const key = nodeKey(scheme.node);
    let u = out.get(key);
    if (!u) out.set(key, (u = { operations: [], global: false, evidence: [] }));
    return u;
  };
  const names = (security: SpecNode | undefined, each: (name: string, at: SourceLocation) => void) => {
    if (!security || !Array.isArray(security.value)) return;
    security.value.forEach((alt: unknown, i: number) => {
      if (!isObject(alt)) return;
      for (const name of Object.keys(alt)) each(name, security.file.locate([...security.pointer, String(i), name]));
    });
  };
  const evidenceSeen = new Map<SchemeUse, Set<string>>();
  const addEvidence = (u: SchemeUse, message: string, at: SourceLocation) => {
    let seen = evidenceSeen.get(u);
    if (!seen) evidenceSeen.set(u, (seen = new Set()));
    const k = `${at.file}:${at.range[0]}`;
    if (seen.has(k) || u.evidence.length >= 5) return;
    seen.add(k);
    u.evidence.push({ message, location: at });
  };
  for (const doc of specs) {
    names(doc.globalSecurity, (name, at) => {
      const u = use(doc, name);
      if (!u) return;
      u.global = true;
      addEvidence(u, `'${name}' is required for every operation by the root security`, at);
    });
    for (const op of doc.operations) {
      const seen = new Set<SchemeUse>();
      names(op.security.node, (name, at) => {
        const u = use(doc, name);
        if (!u || seen.has(u)) return;
        seen.add(u);
        u.operations.push(op);
        if (op.security.source === 'operation') addEvidence(u, `'${name}' is required by ${op.method} ${op.path}`, at);
      });
    }
  }
  return out;
}

/**
 * `used by GET /a`, `used by 3 operations, e.g. GET /a`, `required by the root security, in force
 * for 2 operations`, `named in the root security requirement`, `not used by any operation`.
 */
export function usageText(u: SchemeUse | undefined): string {
  if (!u) return 'not used by any operation';
  const ops = u.operations;
  const count = `${ops.length} operation${ops.length === 1 ? '' : 's'}`;
  if (u.global) return ops.length ? `required by the root security, in force for ${count}` : 'named in the root security requirement';
  if (ops.length === 1) return `used by ${ops[0].method} ${ops[0].path}`;
  return `used by ${count}, e.g. ${ops[0].method} ${ops[0].path}`;
}
