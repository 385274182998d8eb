import { isObject, type Evidence, type Rule, type RuleContext, type SpecDocument, type SpecNode, type SpecReader } from '../server/src/engine';

/**
 * spec-server-inventory: an OpenAPI 3.x document that lists several servers must say which
 * environment each one is, and should not publish non-production hosts next to production.
 */
export const specServerInventory: Rule = {
  meta: {
    id: 'spec-server-inventory',
    description: 'Describe every server when a document lists several, and keep non-production hosts out of a production spec.',
    defaultSeverity: 'info',
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    docs: 'rules/spec-server-inventory.md',
    messages: {
      noDescription:
        'Server {{url}} has no description, in a list of {{count}} servers: readers, generated clients and scanners cannot tell which environment it is, so tests and traffic can go to the wrong one.',
      nonProduction:
        'Server {{url}} looks like a non-production environment ({{why}}) and is published next to the production server {{prod}}: such hosts usually run with weaker protection (debug output, test accounts, copied data) and the spec hands their address to every reader.',
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const seen = new Set<string>();
    const report = (messageId: string, server: Server, data: Record<string, string | number>, evidence: Evidence[]) => {
      const location = server.node.file.locateValue([...server.node.pointer, 'url']);
      const key = `${location.file}:${location.range[0]}:${messageId}`;
      if (seen.has(key)) return;
      seen.add(key);
      context.report({ messageId, data: { url: server.url, ...data }, severity: 'info', location, route: null, evidence });
    };
    for (const doc of context.model.specs) {
      if (doc.version === '2.0') continue; // one host: nothing to tell apart
      const lists = serverLists(loader, doc);
      for (const list of lists) {
        if (list.servers.length < 2) continue;
        for (const s of list.servers) {
          if (typeof s.node.value.description === 'string' && s.node.value.description.trim()) continue;
          report('noDescription', s, { count: list.servers.length }, [{ message: `${list.servers.length} servers listed here`, location: loader.location(list.node) }]);
        }
      }
      const all = uniqueServers(lists.flatMap((l) => l.servers));
      const prod = all.find((s) => s.env.kind === 'production');
      if (!prod) continue;
      for (const s of all) {
        if (s.env.kind !== 'non-production') continue;
        report('nonProduction', s, { why: s.env.why, prod: prod.url }, [
          { message: `production-looking server ${prod.url}`, location: prod.node.file.locateValue([...prod.node.pointer, 'url']) },
        ]);
      }
    }
  },
};

interface Server {
  url: string;
  node: SpecNode;
  env: Environment;
}

type Environment = { kind: 'production' } | { kind: 'non-production'; why: string } | { kind: 'unknown' };

/** Every `servers` list of a 3.x document: the root's, each path item's and each operation's. */
function serverLists(loader: SpecReader, doc: SpecDocument): Array<{ node: SpecNode; servers: Server[] }> {
  const out: Array<{ node: SpecNode; servers: Server[] }> = [];
  const done = new Set<string>();
  const add = (list: SpecNode | undefined) => {
    if (!list || !Array.isArray(list.value)) return;
    const key = `${list.file.file}#${list.pointer.join('/')}`;
    if (done.has(key)) return;
    done.add(key);
    const servers: Server[] = [];
    for (let i = 0; i < list.value.length; i++) {
      const n = loader.get(list, i);
      if (!n || !isObject(n.value) || typeof n.value.url !== 'string') continue;
      servers.push({ url: n.value.url, node: n, env: environmentOf(n.value) });
    }
    out.push({ node: list, servers });
  };
  add(loader.child(doc.root, 'servers'));
  for (const op of doc.operations) {
    add(loader.child(op.pathItem, 'servers'));
    add(loader.child(op.node, 'servers'));
  }
  return out;
}

function uniqueServers(servers: Server[]): Server[] {
  const seen = new Set<string>();
  return servers.filter((s) => {
    const k = `${s.node.file.file}#${s.node.pointer.join('/')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Words in a host's subdomain labels that name a non-production environment. */
const NON_PROD_LABEL = /(^|[-_])(dev|devel|develop|development|staging|stage|stg|test|testing|qa|uat|preprod|pre-prod|nonprod|non-prod|local)($|[-_])|sandbox|internal/;
/** Top-level domains that never serve a public production API. */
const NON_PUBLIC_TLD = new Set(['test', 'local', 'localhost', 'internal']);

/** The environment a server URL's host looks like (URL variables replaced by their defaults). */
function environmentOf(server: Record<string, any>): Environment {
  const vars = isObject(server.variables) ? server.variables : {};
  const url = String(server.url).replace(/\{([^}]+)\}/g, (m: string, k: string) => (isObject(vars[k]) && typeof vars[k].default === 'string' ? vars[k].default : m));
  const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/?#]*)/i.exec(url);
  if (!m) return { kind: 'unknown' }; // relative URL: same host as the docs
  let host = m[1].replace(/^[^@]*@/, '').toLowerCase();
  if (host.startsWith('[')) {
    const v6 = host.slice(1, host.indexOf(']'));
    return v6 === '::1' ? { kind: 'non-production', why: 'loopback address' } : { kind: 'unknown' };
  }
  host = host.replace(/:\d*$/, '').replace(/\.$/, '');
  if (!host || host.includes('{')) return { kind: 'unknown' }; // a variable without a default
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    const [a, b] = host.split('.').map(Number);
    if (a === 127) return { kind: 'non-production', why: 'loopback address' };
    if (a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31)) return { kind: 'non-production', why: 'private network address' };
    return { kind: 'unknown' };
  }
  const labels = host.split('.');
  if (labels.length === 1) return host === 'localhost' ? { kind: 'non-production', why: 'localhost' } : { kind: 'unknown' };
  const tld = labels[labels.length - 1];
  if (NON_PUBLIC_TLD.has(tld)) return { kind: 'non-production', why: `.${tld} domain` };
  // Only subdomain labels: the registrable name (`devices.com`, `sandbox.io`) and the TLD (`.dev`) say nothing about the environment.
  for (const label of labels.slice(0, -2)) {
    const hit = NON_PROD_LABEL.exec(label);
    if (hit) return { kind: 'non-production', why: `'${hit[2] ?? hit[0]}' in the host name` };
  }
  return { kind: 'production' };
}
