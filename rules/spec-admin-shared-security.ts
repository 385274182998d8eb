import { requiresAuth, type Rule, type RuleContext, type SecurityRequirementSet, type SpecOperation } from '../server/src/engine';

/**
 * spec-admin-shared-security: an admin-looking operation whose security requirement is exactly the
 * one ordinary operations use lets any signed-in user call it, as far as the API description says
 * (broken function level authorization).
 */
export const specAdminSharedSecurity: Rule = {
  meta: {
    id: 'spec-admin-shared-security',
    description: 'Protect admin operations with an admin scope or a separate scheme, not with the security every ordinary operation uses.',
    defaultSeverity: 'warning',
    owasp: ['API5:2023'],
    cwe: ['CWE-285'],
    docs: 'rules/spec-admin-shared-security.md',
    messages: {
      shared:
        '{{method}} {{path}} looks like an admin function ({{why}}) but requires exactly the same security as ordinary operations ({{security}}): any signed-in user may call it. Require an admin scope or role, or a separate scheme.',
    },
  },
  check(context: RuleContext) {
    const reported = new Set<string>(); // a path item $ref-erenced from two paths is one piece of text
    for (const doc of context.model.specs) {
      const admin: Array<{ op: SpecOperation; why: string }> = [];
      const ordinary: SpecOperation[] = [];
      for (const op of doc.operations) {
        if (op.method === 'OPTIONS') continue; // CORS preflights carry no credentials and do nothing
        const why = adminReason(op);
        if (why) admin.push({ op, why });
        else if (requiresAuth(op.security)) ordinary.push(op);
      }
      if (!admin.length || !ordinary.length) continue;
      // Each requirement set of the ordinary operations, with the operations using it (document order).
      const counts = new Map<string, SpecOperation[]>();
      for (const op of ordinary) {
        const k = securityKey(op.security);
        const list = counts.get(k) ?? [];
        list.push(op);
        counts.set(k, list);
      }
      const majority = [...counts.entries()].find(([, ops]) => ops.length * 2 > ordinary.length)?.[0];
      for (const { op, why } of admin) {
        // No or optional security: spec-missing-security's finding, not this one.
        if (!requiresAuth(op.security)) continue;
        const k = securityKey(op.security);
        if (majority !== undefined ? k !== majority : !counts.has(k)) continue;
        const same = counts.get(k)![0];
        const key = `${op.location.file}:${op.location.range[0]}`;
        if (reported.has(key)) continue;
        reported.add(key);
        context.report({
          messageId: 'shared',
          data: { method: op.method, path: op.path, why, security: describeSecurity(op.security) },
          severity: 'warning',
          location: op.location,
          route: null,
          evidence: [
            { message: `${same.method} ${same.path} is an ordinary operation with the same security`, location: same.location },
            ...(op.security.node ? [{ message: op.security.source === 'global' ? 'security inherited from the document level' : 'security of this operation', location: context.model.specLoader.location(op.security.node) }] : []),
          ],
        });
      }
    }
  },
};

/** Words that mark an admin area wherever they stand as a whole segment. */
const ADMIN_SEGMENT = /^(admins?|administrators?|administration|superadmins?|superusers?|sudo|backoffice|back-office|back_office)$/;
/** `admin-users`, `users-admin`, `admin_tools`. */
const ADMIN_AFFIX = /^(admin|administrator)[-_][a-z0-9]|[a-z0-9][-_]admin$/;
/**
 * Words that are admin areas only as a prefix (`/internal/reindex`, `/api/v1/manage/tenants`): after
 * namespace segments only and followed by a fixed segment. `/staff/{id}` (a staff member) and
 * `/subscriptions/{id}/manage` (a user's own page) are resources, not admin areas.
 */
const AREA_SEGMENT = /^(internal|manage|management|staff|ops)$/;
const NAMESPACE = /^(api|apis|rest|v\d+(\.\d+)*)$/;
const ADMIN_WORD = /^(admins?|administrators?|administration)$/;

function adminReason(op: SpecOperation): string | undefined {
  const segs = op.path.split('/').filter(Boolean);
  for (let i = 0; i < segs.length; i++) {
    const raw = segs[i];
    if (raw.includes('{')) continue;
    const s = raw.toLowerCase();
    if (ADMIN_SEGMENT.test(s) || ADMIN_AFFIX.test(s)) return `path segment '${raw}'`;
    if (AREA_SEGMENT.test(s) && segs.slice(0, i).every((x) => NAMESPACE.test(x.toLowerCase())) && i + 1 < segs.length && !segs[i + 1].includes('{')) {
      return `path segment '${raw}'`;
    }
  }
  if (op.operationId && words(op.operationId).some((w) => ADMIN_WORD.test(w))) return `operationId '${op.operationId}'`;
  const tag = op.tags.find((t) => words(t).some((w) => ADMIN_WORD.test(w)));
  if (tag !== undefined) return `tag '${tag}'`;
  return undefined;
}

/** `adminListUsers` → admin, list, users; `ADMINUsers` → admin, users; `user-admin` → user, admin. */
function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** The requirement set as a normalised key: set of alternatives, each a set of scheme + sorted scopes. */
function securityKey(s: SecurityRequirementSet): string {
  const alts = s.alternatives.map((a) =>
    Object.keys(a)
      .sort()
      .map((name) => `${JSON.stringify(name)}[${[...new Set(a[name])].sort().map((x) => JSON.stringify(x)).join(',')}]`)
      .join('&'),
  );
  return [...new Set(alts)].sort().join('|');
}

/** `bearer`, `oauth (orders:read)`, `bearer or apiKey`. */
function describeSecurity(s: SecurityRequirementSet): string {
  const alts = s.alternatives.map((a) =>
    Object.keys(a)
      .sort()
      .map((name) => (a[name].length ? `${name} (${[...new Set(a[name])].sort().join(', ')})` : name))
      .join(' and '),
  );
  return [...new Set(alts)].sort().join(' or ');
}
