import { isObject, pointerString, schemaTypes, walkSchema, type Evidence, type Rule, type RuleContext, type SchemaVisit, type Severity, type SourceLocation, type SpecDocument, type SpecNode, type SpecOperation } from '../server/src/engine';
import { allOfMembers, isEmptySchema, keyOf, placeOf, Places, type Walker } from './spec-helpers';

/**
 * spec-mass-assignment: request bodies of POST/PUT/PATCH must not let clients set fields the
 * server owns (role, ownerId, balance…) nor add properties the schema does not declare.
 */
export const specMassAssignment: Rule = {
  meta: {
    id: 'spec-mass-assignment',
    description: 'Keep server-owned fields (role, ownerId, balance…) out of write request bodies, or mark them readOnly, and close request objects to undeclared properties.',
    defaultSeverity: 'warning',
    owasp: ['API3:2023'],
    cwe: ['CWE-915'],
    docs: 'rules/spec-mass-assignment.md',
    messages: {
      serverOwned: "{{where}} lets clients set '{{property}}' ({{risk}}): the server should own this field; mark it readOnly: true or remove it from the request schema, and never bind the body to the model wholesale.",
      additionalTrue: '{{where}} accepts undeclared properties (additionalProperties: {{value}}): a client can add fields the schema never mentions, such as role or ownerId, and a server that binds or merges it into stored data writes them too; declare the properties and set additionalProperties: false.',
      additionalUnbounded: '{{where}} accepts any number of extra properties (additionalProperties is a schema and there is no maxProperties): a client can add keys such as role or isAdmin, or millions of them; add maxProperties, or declare the properties and set additionalProperties: false.',
      openObject: '{{where}} is open to undeclared properties and describes a stored resource (server-owned {{fields}} marked readOnly): if the server binds the body to its model, any field the schema does not list can be written too; add {{fix}}.',
    },
  },
  check(context: RuleContext) {
    const walker = context.model.specLoader;
    const places = new Places<Hit>((h) => placeOf(h.location));
    /** Judgements per body schema: a schema shared by many operations is walked once. */
    const cache = new Map<string, Hit[]>();
    /** One object per place and judgement, so the cached lists of big shared graphs stay small. */
    const interned = new Map<string, Hit>();
    const intern = (h: Hit): Hit => {
      const k = `${h.location.file}:${h.location.range[0]}:${h.kind}:${h.severity}`;
      const known = interned.get(k);
      if (known) return known;
      interned.set(k, h);
      return h;
    };
    for (const doc of context.model.specs) {
      for (const op of doc.operations) {
        if (!WRITE_METHODS.has(op.method)) continue;
        const seen = new Set<string>();
        for (const m of op.requestBody?.media ?? []) {
          if (!m.schema) continue;
          const key = `${doc.version}|${keyOf(m.schema)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          let hits = cache.get(key);
          if (!hits) {
            const list: Hit[] = [];
            judgeBody(walker, doc, m.schema, (h) => list.push(intern(h)));
            cache.set(key, (hits = list));
          }
          for (const h of hits) {
            // PUT /users/{id}/role: setting `role` is the operation's purpose.
            if (h.kind === 'serverOwned' && pathNames(op.path, h.data.property)) continue;
            if (h.kind === 'openObject' && !h.writable.every((n) => pathNames(op.path, n))) continue;
            places.add(h, op);
          }
        }
      }
    }
    for (const { hit, where, ops } of places.all()) {
      const evidence: Evidence[] = [...hit.evidence, ...ops.map((o) => ({ message: `request body of ${o.method} ${o.path}`, location: o.location }))];
      context.report({ messageId: hit.kind, data: { ...hit.data, where: `${hit.subject} of ${where}` }, severity: hit.severity, location: hit.location, route: null, evidence });
    }
  },
};


interface Hit {
  kind: 'serverOwned' | 'additionalTrue' | 'additionalUnbounded' | 'openObject';
  severity: Severity;
  subject: string;
  location: SourceLocation;
  data: Record<string, string>;
  evidence: Evidence[];
  /** openObject: the writable server-owned properties, all named by the path of an operation that may use it. */
  writable: string[];
}



const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Server-owned field names (compared lower case, without `_` and `-`), with what a client gains. */
const SERVER_OWNED: Record<string, string> = {
  id: 'a client can choose or overwrite record ids',
  role: 'privilege escalation',
  roles: 'privilege escalation',
  isadmin: 'privilege escalation',
  admin: 'privilege escalation',
  permissions: 'privilege escalation',
  owner: "a client can claim or reassign someone else's data",
  ownerid: "a client can claim or reassign someone else's data",
  userid: "a client can act on or create data as another user",
  tenantid: "a client can write into another tenant",
  accountid: "a client can act on another account",
  balance: 'a client can credit itself',
  credits: 'a client can credit itself',
  verified: 'a client can skip verification',
  emailverified: 'a client can skip email verification',
  status: 'a client can skip workflow steps (pending → approved, unpaid → paid)',
  createdat: 'a client can forge audit timestamps',
  updatedat: 'a client can forge audit timestamps',
};

function norm(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

function judgeBody(walker: Walker, doc: SpecDocument, root: SpecNode, add: (h: Hit) => void): void {
  const absorbed = new Set<string>();
  walkSchema(walker, root, (v: SchemaVisit) => {
    const node = v.node;
    if (node.value.readOnly === true) return false; // not accepted in requests
    if (absorbed.has(keyOf(node))) return;
    const members = allOfMembers(walker, node);
    for (const m of members.slice(1)) absorbed.add(keyOf(m));
    if (members.some((m) => m.value.readOnly === true)) return false;
    const union = declaredProperties(walker, members);
    const isObj = union.size > 0 || members.some((m) => schemaTypes(m.value).includes('object'));
    if (!isObj) return;
    const subject = subjectOf(v.path);

    // 1. Extra properties allowed on purpose: additionalProperties true / {} / a schema without maxProperties.
    const maxProperties = members.some((m) => typeof m.value.maxProperties === 'number');
    let policy = false;
    for (const m of members) {
      const ap = m.value.additionalProperties;
      if (ap === undefined) continue;
      policy = true;
      const at = m.file.locate([...m.pointer, 'additionalProperties']);
      if (ap === true || (isObject(ap) && isEmptySchema(walker.get(m, 'additionalProperties')?.value))) {
        add({ kind: 'additionalTrue', severity: 'warning', subject, location: at, data: { value: ap === true ? 'true' : '{}' }, evidence: [], writable: [] });
      } else if (isObject(ap) && !maxProperties) {
        add({ kind: 'additionalUnbounded', severity: 'warning', subject, location: at, data: {}, evidence: [], writable: [] });
      }
    }
    if (doc.version === '3.1' && members.some((m) => m.value.unevaluatedProperties !== undefined)) policy = true;

    // 2 and 3 concern the object the operation writes: the body itself (or each item of a body array).
    const topLevel = v.path.length === 0 || (v.path.length === 1 && v.path[0] === '[]');
    if (!topLevel) return;
    const readOnlyOwned: string[] = [];
    const writable: string[] = [];
    for (const [name, p] of union) {
      const risk = SERVER_OWNED[norm(name)];
      if (!risk) continue;
      if (p.readOnly) {
        readOnlyOwned.push(name);
        continue;
      }
      if (p.fixed) continue; // const / one-value enum: the client cannot choose
      if (p.container && !CONTAINER_NAMES.has(norm(name))) continue; // a list of people, a reference object
      writable.push(name);
      // Dropped per operation when its path names the property (PUT /orders/{id}/status).
      add({ kind: 'serverOwned', severity: 'warning', subject, location: p.keyLocation, data: { property: name, risk }, evidence: [], writable: [] });
    }
    // Reported for an operation only when none of `writable` is reported for it.
    if (!policy && readOnlyOwned.length) {
      const propsAt = members.find((m) => isObject(m.value.properties));
      const location = propsAt ? propsAt.file.locate([...propsAt.pointer, 'properties']) : walker.location(node);
      const fields = readOnlyOwned.map((n) => `'${n}'`).join(', ');
      const fix = doc.version === '3.1' ? (members.length > 1 ? 'unevaluatedProperties: false' : 'additionalProperties: false (or unevaluatedProperties: false)') : 'additionalProperties: false';
      add({ kind: 'openObject', severity: 'info', subject, location, data: { fields, fix }, evidence: [], writable });
    }
  });
}

interface DeclaredProperty {
  keyLocation: SourceLocation;
  readOnly: boolean;
  /** Only one value is possible (`const`, a one-value enum, or the `false` schema). */
  fixed: boolean;
  /** An object or an array (`credits: [{ login }]` is a list of people, `owner: { id }` a reference). */
  container: boolean;
}

/** Properties declared by the schema and its allOf members (first declaration wins). */
function declaredProperties(walker: Walker, members: SpecNode[]): Map<string, DeclaredProperty> {
  const out = new Map<string, DeclaredProperty>();
  for (const m of members) {
    const props = walker.child(m, 'properties');
    if (!props || !isObject(props.value)) continue;
    for (const name of Object.keys(props.value)) {
      const raw = props.value[name];
      const resolved = walker.get(props, name);
      const parts = resolved && isObject(resolved.value) ? allOfMembers(walker, resolved).map((n) => n.value) : [];
      const all = [raw, ...parts].filter(isObject);
      const readOnly = all.some((s) => s.readOnly === true);
      const fixed = raw === false || all.some((s) => s.const !== undefined || (Array.isArray(s.enum) && s.enum.length === 1));
      const container = all.some((s) => schemaTypes(s).some((t) => t === 'object' || t === 'array'));
      const prev = out.get(name);
      if (prev) {
        // Declared twice through allOf: both apply, so readOnly or a fixed value in either holds.
        prev.readOnly ||= readOnly;
        prev.fixed ||= fixed;
        prev.container ||= container;
        continue;
      }
      out.set(name, { keyLocation: props.file.locate([...props.pointer, name]), readOnly, fixed, container });
    }
  }
  return out;
}

/**
 * Setting the property is the operation's purpose: the last fixed segment of the path names it
 * (`/users/{id}/role` for `role`, `/orders/{id}/status` for `status`), or the operation grants
 * access (`/orgs/{org}/memberships/{user}`, `/invitations`, `/collaborators/{user}`) and the property
 * is the role or permissions granted.
 */
function pathNames(path: string, property: string): boolean {
  const segs = path.split('/').filter((s) => s && !s.startsWith('{'));
  const last = segs[segs.length - 1];
  if (!last) return false;
  const a = norm(last).replace(/s$/, '');
  const b = norm(property).replace(/s$/, '');
  return a === b || (PRIVILEGE_NAMES.has(norm(property)) && GRANT_SEGMENTS.has(a));
}

/** Properties that carry the access being granted. */
const PRIVILEGE_NAMES = new Set(['role', 'roles', 'permissions', 'permission', 'admin', 'isadmin']);
/** Path segments (singular, normalised) of operations whose purpose is granting access. */
const GRANT_SEGMENTS = new Set(['member', 'membership', 'collaborator', 'invitation', 'invite', 'grant', 'share', 'assignment', 'rolebinding', 'permission', 'role', 'access']);
/** Server-owned names that stay server-owned when they are objects or lists. */
const CONTAINER_NAMES = new Set(['role', 'roles', 'permissions']);





/** `The request body`, `Request body property 'address'`, `Each item of the request body`. */
function subjectOf(path: string[]): string {
  if (!path.length) return 'The request body';
  if (path.every((s) => s === '[]')) return 'Each item of the request body';
  let text = '';
  // Deep paths through shared schemas: the last segments say enough.
  for (const seg of path.length > 8 ? ['…', ...path.slice(-6)] : path) text += seg === '[]' ? '[]' : text ? `.${seg}` : seg;
  return `Request body property '${text}'`;
}
