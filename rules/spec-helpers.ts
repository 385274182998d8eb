/**
 * Helpers shared by the spec rules that walk request schemas (spec-mass-assignment,
 * spec-unbounded-input, spec-ssrf-parameter). Not a rule.
 */
import { isObject, pointerString, type Severity, type SpecNode, walkSchema } from '../server/src/engine';

/** The read-only spec reader walkSchema takes (child, get, deref, location). */
export type Walker = Parameters<typeof walkSchema>[0];

/** Keywords that describe a schema without constraining it. */
export const ANNOTATIONS = new Set(['title', 'description', 'example', 'examples', 'default', 'deprecated', 'externalDocs', 'xml', '$comment', 'nullable']);

/** `{}` / `true` / a schema with only annotations: accepts anything. */
export function isEmptySchema(v: unknown): boolean {
  return v === true || (isObject(v) && Object.keys(v).every((k) => ANNOTATIONS.has(k) || k.startsWith('x-')));
}

/** A node's identity across files: file + JSON pointer. */
export function keyOf(n: SpecNode): string {
  return n.file.file + pointerString(n.pointer);
}

/** The schema and its allOf members (recursively, $refs followed, each once). */
export function allOfMembers(walker: Walker, node: SpecNode): SpecNode[] {
  const out: SpecNode[] = [];
  const seen = new Set<string>();
  const visit = (n: SpecNode) => {
    const k = keyOf(n);
    if (seen.has(k) || !isObject(n.value)) return;
    seen.add(k);
    out.push(n);
    const list = walker.child(n, 'allOf');
    if (!list || !Array.isArray(list.value)) return;
    for (let i = 0; i < list.value.length; i++) {
      const b = walker.get(list, i);
      if (b) visit(b);
    }
  };
  visit(node);
  return out;
}

/** error > warning > info. */
export function severityRank(s: Severity): number {
  return s === 'error' ? 2 : s === 'warning' ? 1 : 0;
}

/** How a parameter's location reads in messages. */
export const PARAM_LABEL: Record<string, string> = { query: 'Query parameter', path: 'Path parameter', header: 'Header', cookie: 'Cookie', formData: 'Form field' };
