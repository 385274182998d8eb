/**
 * Helpers shared by the spec rules that walk request schemas (spec-mass-assignment,
 * spec-unbounded-input, spec-ssrf-parameter). Not a rule.
 */
import { isObject, pointerString, type Severity, type SourceLocation, type SpecNode, type SpecOperation, walkSchema } from '../server/src/engine';

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

/** `file:offset`: one finding per place in a spec, however many operations reach it. */
export function placeOf(l: SourceLocation): string {
  return `${l.file}:${l.range[0]}`;
}

/**
 * Findings by place: one per place, however many operations reach it. Keeps the most severe
 * judgement (or the first, with `keep: 'first'`), the operation it came from, the number of
 * operations and the first five of them.
 */
export class Places<H extends { severity: Severity }> {
  private readonly byPlace = new Map<string, { hit: H; op: SpecOperation; last: SpecOperation; count: number; ops: SpecOperation[] }>();
  constructor(
    private readonly placeKey: (hit: H) => string,
    private readonly keep: 'most-severe' | 'first' = 'most-severe',
  ) {}
  add(hit: H, op: SpecOperation): void {
    const k = this.placeKey(hit);
    const e = this.byPlace.get(k);
    if (!e) {
      this.byPlace.set(k, { hit, op, last: op, count: 1, ops: [op] });
      return;
    }
    if (this.keep === 'most-severe' && severityRank(hit.severity) > severityRank(e.hit.severity)) {
      e.hit = hit;
      e.op = op;
    }
    // An operation's inputs are all judged before the next operation's, so "new" means "not the last".
    if (e.last !== op) {
      e.last = op;
      e.count++;
      if (e.ops.length < 5) e.ops.push(op);
    }
  }
  /** `POST /users (and 29 other operations)`. */
  *all(): Generator<{ hit: H; where: string; ops: SpecOperation[] }> {
    for (const e of this.byPlace.values()) {
      const others = e.count - 1;
      yield { hit: e.hit, ops: e.ops, where: `${e.op.method} ${e.op.path}${others > 0 ? ` (and ${others} other operation${others > 1 ? 's' : ''})` : ''}` };
    }
  }
}
