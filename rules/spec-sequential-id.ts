import { isObject, pointerString, requiresAuth, type Evidence, type Rule, type RuleContext, type SpecDocument, type SpecNode, type SpecOperation } from '../server/src/engine';

/**
 * spec-sequential-id: object ids in paths that are integers (or digits-only strings) can be
 * enumerated; a BOLA hint, louder when the operation needs no authentication.
 */
export const specSequentialId: Rule = {
  meta: {
    id: 'spec-sequential-id',
    description: 'Prefer random, unguessable object ids (UUIDs) over numeric ids in paths, and never expose numeric ids without authentication.',
    defaultSeverity: 'info',
    owasp: ['API1:2023'],
    cwe: ['CWE-639'],
    docs: 'rules/spec-sequential-id.md',
    messages: {
      numericId:
        "Path parameter '{{name}}' is {{kind}} ({{usage}}): numeric ids are usually sequential and easy to enumerate (1, 2, 3…), so a single missing ownership check exposes every object. Prefer random ids such as UUIDs.",
      numericIdPublic:
        "Path parameter '{{name}}' is {{kind}} and {{op}} requires no authentication: anyone can enumerate the ids (1, 2, 3…) and reach every object. Require authentication, or use random ids such as UUIDs.",
    },
  },
  check(context: RuleContext) {
    // One finding per definition: a shared parameter or id schema is reported once, with its users.
    const found = new Map<string, { name: string; hit: NumericId; ops: SpecOperation[]; opKeys: Set<string> }>();
    for (const doc of context.model.specs) {
      for (const op of doc.operations) {
        if (op.method === 'OPTIONS') continue; // a CORS preflight returns no object
        for (const p of op.parameters) {
          if (p.in !== 'path' || !isIdName(p.name)) continue;
          const hit = numericId(p.schema);
          if (!hit) continue;
          const key = `${hit.node.file.file}${pointerString(hit.pointer)}`;
          let entry = found.get(key);
          if (!entry) found.set(key, (entry = { name: p.name, hit, ops: [], opKeys: new Set() }));
          const opKey = `${op.spec.file}:${op.method} ${op.path}`;
          if (entry.opKeys.has(opKey)) continue;
          entry.opKeys.add(opKey);
          entry.ops.push(op);
        }
      }
    }
    for (const { name, hit, ops } of found.values()) {
      const location = hit.node.file.locateValue(hit.pointer);
      const evidence: Evidence[] = ops.slice(0, 10).map((o) => ({ message: `used by ${o.method} ${o.path}${requiresAuth(o.security) ? '' : ' (no authentication)'}`, location: o.location }));
      // "Anyone can enumerate" only when the document describes security at all: in a document silent
      // about security (spec-missing-security reports that once) the auth picture is unknown.
      const open = ops.find((o) => !requiresAuth(o.security) && !o.publicNature && !o.declaredPublic?.reason.trim() && describesSecurity(o.spec));
      if (open) {
        context.report({ messageId: 'numericIdPublic', data: { name, kind: hit.kind, op: `${open.method} ${open.path}` }, severity: 'warning', location, route: null, evidence });
      } else {
        const first = ops[0];
        const usage = ops.length === 1 ? `used by ${first.method} ${first.path}` : `used by ${ops.length} operations, e.g. ${first.method} ${first.path}`;
        context.report({ messageId: 'numericId', data: { name, kind: hit.kind, usage }, severity: 'info', location, route: null, evidence });
      }
    }
  },
};

/** `id`, `ID`, `userId`, `user_id`, `userID`, `user-id`; not `uuid`, `userGuid`, `paid`, `idempotencyKey`. */
function isIdName(name: string): boolean {
  if (/^id$/i.test(name)) return true;
  return /[a-z0-9](Id|ID)$/.test(name) || /[A-Za-z0-9][-_](id|Id|ID)$/.test(name);
}

/** A digits-only pattern: `^\d+$`, `^[0-9]+$`, `^[1-9][0-9]*$`, `^\d{1,19}$`. */
const DIGITS_PATTERN = /^\^?(\[1-9\])?(\\d|\[0-9\])(\+|\*|\{\d+(,\d*)?\})\$?$/;
const RANDOM_FORMAT = /^(uuid|guid|ulid|uri|hash)$/i;

interface NumericId {
  kind: string;
  /** The schema, and the pointer of the value to report (`type`, its numeric entry, or `pattern`). */
  node: SpecNode;
  pointer: string[];
}

function numericId(schema: SpecNode | undefined): NumericId | undefined {
  if (!schema || !isObject(schema.value)) return undefined;
  const v = schema.value;
  // A fixed set of values is not something to enumerate.
  if (Array.isArray(v.enum) || v.const !== undefined) return undefined;
  if (typeof v.format === 'string' && RANDOM_FORMAT.test(v.format)) return undefined;
  const types: unknown[] = typeof v.type === 'string' ? [v.type] : Array.isArray(v.type) ? v.type : [];
  const numeric = types.findIndex((t) => t === 'integer' || t === 'number');
  if (numeric >= 0) {
    const pointer = Array.isArray(v.type) ? [...schema.pointer, 'type', String(numeric)] : [...schema.pointer, 'type'];
    return { kind: types[numeric] === 'integer' ? 'an integer' : 'a number', node: schema, pointer };
  }
  if (types.includes('string') && typeof v.pattern === 'string' && DIGITS_PATTERN.test(v.pattern)) {
    return { kind: `a digits-only string (pattern '${v.pattern}')`, node: schema, pointer: [...schema.pointer, 'pattern'] };
  }
  return undefined;
}

/** The document defines schemes or requires security somewhere. */
function describesSecurity(doc: SpecDocument): boolean {
  return doc.securitySchemes.size > 0 || !!doc.globalSecurity || doc.operations.some((o) => o.security.source === 'operation');
}
