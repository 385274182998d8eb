import { schemaTypes, isObject, type Rule, type RuleContext, type Severity, type SpecDocument, type SpecOperation, type SpecParameter } from '../server/src/engine';
import { nodeKey, schemeUsage, usageText } from './spec-weak-security-scheme';

/**
 * spec-credentials-in-url: API keys, tokens, passwords and session ids sent in the query string or
 * the path, where access logs, proxies, browser history and Referer headers keep them.
 */
export const specCredentialsInUrl: Rule = {
  meta: {
    id: 'spec-credentials-in-url',
    description: 'Send API keys, tokens, passwords and session ids in headers or the body, never in the URL.',
    defaultSeverity: 'warning',
    owasp: ['API2:2023'],
    cwe: ['CWE-598'],
    docs: 'rules/spec-credentials-in-url.md',
    messages: {
      apiKeyInQuery:
        "Security scheme '{{name}}' sends its API key '{{param}}' in the query string ({{usage}}): URLs are kept in access, proxy and CDN logs, browser history and Referer headers, so the key leaks; send it in a header (in: header).",
      credentialParam:
        "{{where}} parameter '{{param}}' puts {{what}} in the URL ({{usage}}): URLs are kept in access, proxy and CDN logs, browser history and Referer headers, so it leaks; send it in a header (Authorization) or the request body.",
      linkToken:
        "{{where}} parameter '{{param}}' carries a one-time link token in the URL ({{usage}}): acceptable for e-mailed links only if the token is single-use, expires within minutes to hours, and the page it opens sends Referrer-Policy: no-referrer.",
    },
  },
  check(context: RuleContext) {
    const usage = schemeUsage(context.model.specs);
    const reported = new Set<string>();
    // 1. apiKey schemes in the query string (used: error; defined but unused: warning).
    const queryKeyNames = new Map<SpecDocument, Set<string>>();
    for (const doc of context.model.specs) {
      const names = new Set<string>();
      queryKeyNames.set(doc, names);
      for (const scheme of doc.securitySchemes.values()) {
        const v = scheme.node.value;
        if (scheme.type.toLowerCase() !== 'apikey' || typeof v.in !== 'string' || v.in.toLowerCase() !== 'query') continue;
        if (typeof v.name === 'string') names.add(v.name);
        const location = scheme.node.file.locateValue([...scheme.node.pointer, 'in']);
        const key = `${location.file}:${location.range[0]}:apiKeyInQuery`;
        if (reported.has(key)) continue;
        reported.add(key);
        const use = usage.get(nodeKey(scheme.node));
        context.report({
          messageId: 'apiKeyInQuery',
          data: { name: scheme.name, param: typeof v.name === 'string' ? v.name : '?', usage: usageText(use) },
          severity: use ? 'error' : 'warning',
          location,
          route: null,
          evidence: use?.evidence ?? [],
        });
      }
    }
    // 2. Parameters named like credentials, in the query or the path: one finding per definition.
    const found = new Map<string, { param: SpecParameter; hit: Hit; ops: SpecOperation[] }>();
    for (const doc of context.model.specs) {
      for (const op of doc.operations) {
        for (const param of op.parameters) {
          if (param.in === 'query' && queryKeyNames.get(doc)!.has(param.name)) continue; // reported with its scheme
          const hit = classify(param, op);
          if (!hit) continue;
          const key = nodeKey(param.node);
          const cur = found.get(key);
          if (!cur) found.set(key, { param, hit, ops: [op] });
          else {
            cur.ops.push(op);
            if (RANK[hit.severity] > RANK[cur.hit.severity]) cur.hit = hit;
          }
        }
      }
    }
    for (const { param, hit, ops } of found.values()) {
      const n = param.node;
      const location = n.file.locateValue([...n.pointer, 'name']);
      const usageOf = ops.length === 1 ? `used by ${ops[0].method} ${ops[0].path}` : `used by ${ops.length} operations, e.g. ${ops[0].method} ${ops[0].path}`;
      context.report({
        messageId: hit.messageId,
        data: { where: param.in === 'query' ? 'Query' : 'Path', param: param.name, what: hit.what, usage: usageOf },
        severity: hit.severity,
        location,
        route: null,
        evidence: ops.slice(0, 5).map((op) => ({ message: `${op.method} ${op.path} takes '${param.name}' in the ${param.in === 'query' ? 'query string' : 'path'}`, location: op.location })),
      });
    }
  },
};

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

interface Hit {
  messageId: 'credentialParam' | 'linkToken';
  severity: Severity;
  what: string;
}

/** Parameter names (lower case, letters and digits only: `access_token`, `accessToken`, `Access-Token` → `accesstoken`). */
const CREDENTIAL_NAMES: Array<[Set<string>, Severity, string]> = [
  [new Set(['password', 'passwd', 'pwd', 'passphrase', 'newpassword', 'oldpassword', 'currentpassword', 'userpassword']), 'error', 'a password'],
  [new Set(['secret', 'clientsecret', 'appsecret', 'apisecret', 'secretkey', 'privatekey']), 'error', 'a secret'],
  [new Set(['apikey', 'xapikey']), 'warning', 'an API key'],
  [
    new Set(['token', 'accesstoken', 'idtoken', 'refreshtoken', 'authtoken', 'apitoken', 'bearertoken', 'oauthtoken', 'privatetoken', 'personalaccesstoken', 'sessiontoken', 'jwt']),
    'warning',
    'a token',
  ],
  [new Set(['auth', 'authorization']), 'warning', 'credentials'],
  [new Set(['sessionid', 'jsessionid', 'phpsessid']), 'warning', 'a session id'],
];

/** Tokens of e-mailed links (password reset, e-mail verification, invitations): info. */
const LINK_TOKEN_NAMES = new Set([
  'resettoken',
  'passwordresettoken',
  'verificationtoken',
  'verifytoken',
  'emailtoken',
  'confirmationtoken',
  'confirmtoken',
  'invitetoken',
  'invitationtoken',
  'activationtoken',
  'unsubscribetoken',
  'magictoken',
  'magiclinktoken',
]);
/** Path words of e-mailed-link endpoints: a plain `token` there is a link token too. */
const LINK_WORDS = new Set(['reset', 'forgot', 'recover', 'recovery', 'verify', 'verification', 'confirm', 'confirmation', 'activate', 'activation', 'invite', 'invites', 'invitation', 'invitations', 'unsubscribe', 'magic']);

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function classify(param: SpecParameter, op: SpecOperation): Hit | undefined {
  if (param.in !== 'query' && param.in !== 'path') return undefined;
  const name = normalize(param.name);
  // A typed non-string value (`auth: boolean`, `session: integer`) or a closed list (`enum`, `const`) is no secret.
  const schema = param.schema?.value;
  if (isObject(schema)) {
    const types = schemaTypes(schema);
    if (types.length && !types.includes('string')) return undefined;
    if (Array.isArray(schema.enum) || schema.const !== undefined) return undefined;
  }
  if (param.in === 'path' && addressesResource(name, param.name, op.path)) return undefined;
  if (LINK_TOKEN_NAMES.has(name)) return { messageId: 'linkToken', severity: 'info', what: 'a link token' };
  for (const [names, severity, what] of CREDENTIAL_NAMES) {
    if (!names.has(name)) continue;
    if (name === 'token' && isLinkEndpoint(op.path)) return { messageId: 'linkToken', severity: 'info', what: 'a link token' };
    return { messageId: 'credentialParam', severity, what };
  }
  return undefined;
}

/** `/tokens/{token}`, `/sessions/{sessionId}`, `/api-keys/{apiKey}`: the id of a resource of that name, not the caller's credential. */
function addressesResource(name: string, raw: string, path: string): boolean {
  const segs = path.split('/');
  const i = segs.findIndex((s) => s === `{${raw}}`);
  if (i <= 0) return false;
  const prev = normalize(segs[i - 1]);
  if (!prev || prev.includes('{')) return false;
  const stem = name.replace(/id$/, '');
  const singular = prev.endsWith('ies') ? prev.slice(0, -3) + 'y' : prev.endsWith('sses') ? prev.slice(0, -2) : prev.endsWith('s') ? prev.slice(0, -1) : prev;
  return stem === prev || stem === singular;
}

function isLinkEndpoint(path: string): boolean {
  return path
    .toLowerCase()
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .some((s) => s.split(/[^a-z0-9]+/).some((w) => LINK_WORDS.has(w)));
}
