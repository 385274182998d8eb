import { isObject, type Evidence, type Rule, type RuleContext, type Severity, type SourceLocation, type SpecNode, type SpecReader } from '../server/src/engine';
import { nodeKey, schemeUsage, usageText } from './spec-weak-security-scheme';

/**
 * spec-insecure-transport: an API (or its OAuth / OpenID Connect endpoints) described as reachable
 * over clear-text HTTP. Loopback hosts are fine; relative URLs and 2.0 documents without
 * `schemes` use the scheme the document is served with and are not reported.
 */
export const specInsecureTransport: Rule = {
  meta: {
    id: 'spec-insecure-transport',
    description: 'Describe the API and its OAuth / OpenID Connect endpoints over HTTPS only, never clear-text http:// or ws://.',
    defaultSeverity: 'error',
    owasp: ['API8:2023'],
    cwe: ['CWE-319'],
    docs: 'rules/spec-insecure-transport.md',
    messages: {
      httpServer:
        "Server URL '{{url}}' uses clear-text {{scheme}}: requests, credentials and responses cross the network unencrypted, where anyone on the path can read and change them; serve the API over {{secure}} only.",
      schemeVariable:
        "Server URL '{{url}}' defaults its variable '{{variable}}' to clear-text {{scheme}}: requests, credentials and responses cross the network unencrypted; make {{secure}} the default and drop {{scheme}} from the options.",
      schemeOption:
        "Server URL '{{url}}' lets variable '{{variable}}' select clear-text {{scheme}} ('{{value}}'): a client configured with it sends requests and credentials unencrypted; drop the option unless it only serves local development.",
      swaggerScheme:
        "{{where}} lists '{{value}}' in schemes{{host}}: the API is offered in clear text, so requests, credentials and responses can be read and changed by anyone on the network path; list only {{secure}}.",
      oauthUrl: "{{field}} of security scheme '{{name}}' is clear-text HTTP ({{usage}}): {{why}}; use https://.",
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const usage = schemeUsage(context.model.specs);
    const done = new Set<string>();
    const report: Report = (messageId, severity, location, data, evidence = []) => {
      const key = `${location.file}:${location.range[0]}:${messageId}`;
      if (done.has(key)) return;
      done.add(key);
      context.report({ messageId, data, severity, location, route: null, evidence });
    };
    for (const doc of context.model.specs) {
      if (doc.version === '2.0') {
        const host = typeof doc.root.value.host === 'string' ? doc.root.value.host : undefined;
        const checkSchemes = (owner: SpecNode, where: string) => {
          if (host !== undefined && isLocalHost(hostPart(host))) return;
          const list = loader.child(owner, 'schemes');
          if (!list || !Array.isArray(list.value)) return;
          list.value.forEach((s: unknown, i: number) => {
            const value = String(s).toLowerCase();
            if (value !== 'http' && value !== 'ws') return;
            report('swaggerScheme', 'error', list.file.locateValue([...list.pointer, String(i)]), {
              where,
              value: String(s),
              host: host ? ` for host ${host}` : '',
              secure: value === 'ws' ? 'wss' : 'https',
            });
          });
        };
        checkSchemes(doc.root, 'The document');
        for (const op of doc.operations) checkSchemes(op.node, `${op.method} ${op.path}`);
      } else {
        const servers = (owner: SpecNode) => {
          const list = loader.child(owner, 'servers');
          if (!list || !Array.isArray(list.value)) return;
          for (let i = 0; i < list.value.length; i++) {
            const n = loader.get(list, i);
            if (n && isObject(n.value) && typeof n.value.url === 'string') checkServer(loader, n, report);
          }
        };
        servers(doc.root);
        for (const op of doc.operations) {
          servers(op.pathItem);
          servers(op.node);
        }
      }
      // OAuth 2.0 and OpenID Connect endpoints (both versions).
      for (const scheme of doc.securitySchemes.values()) {
        const use = usage.get(nodeKey(scheme.node));
        const severity: Severity = use ? 'error' : 'warning';
        const checkUrl = (owner: SpecNode, field: string) => {
          const v = isObject(owner.value) ? owner.value[field] : undefined;
          if (typeof v !== 'string' || !/^http:\/\//i.test(v) || isLocalHost(hostOf(v))) return;
          report('oauthUrl', severity, owner.file.locateValue([...owner.pointer, field]), { field, name: scheme.name, usage: usageText(use), why: OAUTH_WHY[field] }, use?.evidence);
        };
        const type = scheme.type.toLowerCase();
        if (type === 'openidconnect') checkUrl(scheme.node, 'openIdConnectUrl');
        if (type !== 'oauth2') continue;
        if (doc.version === '2.0') {
          checkUrl(scheme.node, 'authorizationUrl');
          checkUrl(scheme.node, 'tokenUrl');
          continue;
        }
        const flows = loader.get(scheme.node, 'flows');
        if (!flows || !isObject(flows.value)) continue;
        for (const f of Object.keys(flows.value)) {
          const flow = loader.get(flows, f);
          if (!flow || !isObject(flow.value)) continue;
          for (const field of Object.keys(OAUTH_WHY)) if (field !== 'openIdConnectUrl') checkUrl(flow, field);
        }
      }
    }
  },
};

const OAUTH_WHY: Record<string, string> = {
  authorizationUrl: 'users would sign in, and authorization codes would be returned, over an unencrypted connection',
  tokenUrl: 'client secrets, authorization codes, passwords and the issued tokens would cross the network unencrypted',
  refreshUrl: 'refresh tokens and the new access tokens would cross the network unencrypted',
  deviceAuthorizationUrl: 'device and user codes would cross the network unencrypted',
  openIdConnectUrl: 'an attacker on the network can swap the discovery document and point clients at their own endpoints and signing keys',
};

type Report = (messageId: string, severity: Severity, location: SourceLocation, data: Record<string, string>, evidence?: Evidence[]) => void;

function checkServer(loader: SpecReader, n: SpecNode, report: Report): void {
  const url: string = n.value.url;
  const variables = loader.get(n, 'variables');
  const varValue = (name: string, field: 'default'): string | undefined => {
    const vn = variables && isObject(variables.value) ? loader.get(variables, name) : undefined;
    const d = vn && isObject(vn.value) ? vn.value[field] : undefined;
    return d === undefined ? undefined : String(d);
  };
  const expand = (u: string, override?: [string, string]) => u.replace(/\{([^}]+)\}/g, (m, k: string) => (override && override[0] === k ? override[1] : varValue(k, 'default') ?? m));
  const clear = (u: string) => /^(http|ws):\/\//i.exec(u)?.[1].toLowerCase();
  const data = (scheme: string, extra: Record<string, string> = {}) => ({ url, scheme, secure: scheme === 'ws' ? 'wss' : 'https', ...extra });
  const literal = clear(url);
  if (literal) {
    if (!isLocalHost(hostOf(expand(url)))) report('httpServer', 'error', n.file.locateValue([...n.pointer, 'url']), data(literal));
    return;
  }
  // The scheme comes from a variable: `{scheme}://api.example.com`, `{base}/v1`.
  const lead = /^\{([^}]+)\}/.exec(url)?.[1];
  const vn = lead && variables && isObject(variables.value) ? loader.get(variables, lead) : undefined;
  if (!lead || !vn || !isObject(vn.value)) return;
  const resolved = expand(url);
  const byDefault = clear(resolved);
  if (byDefault) {
    if (!isLocalHost(hostOf(resolved))) report('schemeVariable', 'error', vn.file.locateValue([...vn.pointer, 'default']), data(byDefault, { variable: lead }));
    return;
  }
  const options = loader.get(vn, 'enum');
  if (!options || !Array.isArray(options.value)) return;
  for (let i = 0; i < options.value.length; i++) {
    const value = String(options.value[i]);
    const withOption = expand(url, [lead, value]);
    const scheme = clear(withOption);
    if (!scheme || isLocalHost(hostOf(withOption))) continue;
    report('schemeOption', 'info', options.file.locateValue([...options.pointer, String(i)]), data(scheme, { variable: lead, value }));
    return;
  }
}

/** Host of an absolute URL, without user info and port (`[::1]` keeps its brackets). */
function hostOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  return m ? hostPart(m[1]) : '';
}

/** `user@host:8080` → `host`; `[::1]:3000` → `[::1]`. */
function hostPart(authority: string): string {
  const a = authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
  if (a.startsWith('[')) return a.slice(0, a.indexOf(']') + 1);
  return a.replace(/:\d*$/, '');
}

/** Loopback and container-host names: clear text there never crosses a network. */
function isLocalHost(host: string): boolean {
  const h = host.replace(/\.$/, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === '[::1]' ||
    h === '0.0.0.0' ||
    h === 'host.docker.internal'
  );
}
