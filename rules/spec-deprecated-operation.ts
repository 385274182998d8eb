import { requiresAuth, type Evidence, type Rule, type RuleContext, type SpecDocument, type SpecOperation, type SpecReader } from '../server/src/engine';

type Requirement = Record<string, string[]>;

/**
 * spec-deprecated-operation: a deprecated operation is still served and still attackable. Each
 * one is noted; one that asks for less security than its live sibling on the same path (or than
 * the document's global security) is a warning.
 */
export const specDeprecatedOperation: Rule = {
  meta: {
    id: 'spec-deprecated-operation',
    description: 'Remove deprecated operations on schedule, and never let one ask for less security than its replacement.',
    defaultSeverity: 'info',
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    docs: 'rules/spec-deprecated-operation.md',
    messages: {
      deprecated:
        '{{method}} {{path}} is deprecated but still served: deprecated operations stay reachable and attackable until they are removed, and get less testing and monitoring than their replacements.',
      weaker:
        '{{method}} {{path}} is deprecated and requires less security than {{other}} ({{how}}): attackers look for the old door, and it stays open until the operation is removed.',
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const seen = new Set<string>();
    for (const doc of context.model.specs) {
      const byPath = new Map<string, SpecOperation[]>();
      for (const op of doc.operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
      for (const op of doc.operations) {
        if (!op.deprecated) continue;
        const location = op.node.file.locate([...op.node.pointer, 'deprecated']);
        const key = `${location.file}:${location.range[0]}`;
        if (seen.has(key)) continue; // a path item shared through $ref
        seen.add(key);
        const weaker = weakerThan(loader, doc, op, byPath.get(op.path) ?? []);
        const data = { method: op.method, path: op.path };
        if (!weaker) {
          context.report({ messageId: 'deprecated', data, severity: 'info', location, route: null, evidence: [{ message: 'deprecated: true', location }] });
          continue;
        }
        context.report({ messageId: 'weaker', data: { ...data, other: weaker.other, how: weaker.how }, severity: 'warning', location, route: null, evidence: [{ message: 'deprecated: true', location }, ...weaker.evidence] });
      }
    }
  },
};

interface Weaker {
  other: string;
  how: string;
  evidence: Evidence[];
}

const READS = new Set(['GET', 'HEAD']);

function weakerThan(loader: SpecReader, doc: SpecDocument, op: SpecOperation, samePath: SpecOperation[]): Weaker | undefined {
  // Sign-in, token exchange, health probes and operations declared public are meant to be open.
  if (op.publicNature || op.declaredPublic) return undefined;
  const own: Evidence = { message: securityText(op), location: op.security.node ? loader.location(op.security.node) : op.location };
  const global = doc.globalSecurity ? requirementList(doc.globalSecurity.value) : undefined;
  const globalEvidence = (): Evidence => ({ message: `document-wide security: ${describeAlternatives(global!)}`, location: loader.location(doc.globalSecurity!) });
  const opAuth = requiresAuth(op.security);
  if (op.security.source === 'operation' && global && requiresAuth({ alternatives: global, source: 'global' })) {
    if (!opAuth) return { other: "the document's global security", how: noAuthText(op), evidence: [own, globalEvidence()] };
    const drop = droppedRequirement(op.security.alternatives, global);
    if (drop) return { other: "the document's global security", how: `it accepts ${describeAlternatives([drop.weak])} where the document asks for ${describeAlternatives([drop.strong])}`, evidence: [own, globalEvidence()] };
  }
  if (opAuth) return undefined;
  // Siblings: live operations on the same path. A deprecated read is compared with reads only
  // (a public GET beside an authenticated POST is a normal design); a deprecated write with every
  // live operation except OPTIONS / TRACE (a write must not be easier than a read of the same resource).
  if (!READS.has(op.method) && !op.stateChanging) return undefined;
  for (const sib of samePath) {
    if (sib === op || sib.deprecated || sib.method === 'OPTIONS' || sib.method === 'TRACE') continue;
    if (READS.has(op.method) && !READS.has(sib.method)) continue;
    if (!requiresAuth(sib.security)) continue;
    return {
      other: `${sib.method} ${sib.path}`,
      how: noAuthText(op),
      evidence: [own, { message: `${sib.method} ${sib.path} requires ${describeAlternatives(sib.security.alternatives)}`, location: sib.security.node && sib.security.source === 'operation' ? loader.location(sib.security.node) : sib.location }],
    };
  }
  return undefined;
}

function noAuthText(op: SpecOperation): string {
  if (op.security.source === 'none') return 'it declares no security at all';
  if (!op.security.alternatives.length) return 'security: [] turns authentication off';
  return 'an empty {} alternative makes authentication optional';
}

function securityText(op: SpecOperation): string {
  if (op.security.source === 'none') return `${op.method} ${op.path} has no security requirement`;
  const where = op.security.source === 'global' ? 'inherits' : 'declares';
  return `${op.method} ${op.path} ${where} security: ${op.security.alternatives.length ? describeAlternatives(op.security.alternatives) : '[] (none)'}`;
}

/**
 * An alternative of `weakSet` that asks for strictly less than an alternative of `strongSet`
 * (a subset of its schemes, each with a subset of its scopes) and that `strongSet` itself would
 * not accept. Alternatives on other schemes are not comparable and never count.
 */
function droppedRequirement(weakSet: Requirement[], strongSet: Requirement[]): { weak: Requirement; strong: Requirement } | undefined {
  const demandsAtLeast = (a: Requirement, b: Requirement) => Object.entries(b).every(([name, scopes]) => a[name] !== undefined && scopes.every((s) => a[name].includes(s)));
  for (const a of weakSet) {
    if (!Object.keys(a).length) continue; // `{}`: handled as "no auth"
    if (strongSet.some((b) => demandsAtLeast(a, b))) continue;
    const strong = strongSet.find((b) => demandsAtLeast(b, a));
    if (strong) return { weak: a, strong };
  }
  return undefined;
}

function requirementList(v: unknown): Requirement[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object' && !Array.isArray(o))
    .map((o) => Object.fromEntries(Object.entries(o).map(([k, s]) => [k, Array.isArray(s) ? s.map(String) : []])));
}

function describeAlternatives(alts: Requirement[]): string {
  if (!alts.length) return '[] (none)';
  return alts
    .map((a) => {
      const entries = Object.entries(a);
      if (!entries.length) return '{} (anonymous)';
      return entries.map(([name, scopes]) => (scopes.length ? `${name} [${scopes.join(', ')}]` : name)).join(' + ');
    })
    .join(' or ');
}
