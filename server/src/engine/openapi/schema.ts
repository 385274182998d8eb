/**
 * Walking JSON Schemas inside a spec (request bodies, parameters), `$ref`s followed, each schema
 * visited once per walk (circular schemas terminate), every node keeping its own file and pointer.
 */
import { pointerString } from './source';
import { isObject, type SpecLoader, type SpecNode } from './spec';

/** What walking needs of the loader (the read side handed to rules is enough). */
type SchemaReader = Pick<SpecLoader, 'child' | 'get' | 'deref' | 'location'>;

export interface SchemaVisit {
  /** The schema (resolved). */
  node: SpecNode;
  /** Property names from the walk's root to here (`items` adds `[]`), e.g. ['address', 'zip']. */
  path: string[];
  /** The property name this schema is the value of, when it is one. */
  property?: string;
  /** How it is reached: a property, an array item, a composition branch, extra properties. */
  via: 'root' | 'property' | 'items' | 'composition' | 'additionalProperties';
}

/** Visit `root` and every schema under it; return false from `visit` to skip a subtree. */
export function walkSchema(loader: SchemaReader, root: SpecNode | undefined, visit: (v: SchemaVisit) => boolean | void): void {
  const start = loader.deref(root);
  if (!start) return;
  const seen = new Set<string>();
  const stack: SchemaVisit[] = [{ node: start, path: [], via: 'root' }];
  while (stack.length) {
    const cur = stack.pop()!;
    const key = cur.node.file.file + pointerString(cur.node.pointer);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!isObject(cur.node.value)) continue;
    if (visit(cur) === false) continue;
    const n = cur.node;
    const next: SchemaVisit[] = [];
    const props = loader.child(n, 'properties');
    if (props && isObject(props.value)) {
      for (const name of Object.keys(props.value)) {
        const pn = loader.get(props, name);
        if (pn) next.push({ node: pn, path: [...cur.path, name], property: name, via: 'property' });
      }
    }
    const items = loader.get(n, 'items');
    if (items && isObject(items.value)) next.push({ node: items, path: [...cur.path, '[]'], via: 'items' });
    const prefixItems = loader.child(n, 'prefixItems');
    if (prefixItems && Array.isArray(prefixItems.value)) {
      for (let i = 0; i < prefixItems.value.length; i++) {
        const it = loader.get(prefixItems, i);
        if (it) next.push({ node: it, path: [...cur.path, '[]'], via: 'items' });
      }
    }
    for (const comb of ['allOf', 'anyOf', 'oneOf']) {
      const list = loader.child(n, comb);
      if (!list || !Array.isArray(list.value)) continue;
      for (let i = 0; i < list.value.length; i++) {
        const b = loader.get(list, i);
        if (b) next.push({ node: b, path: cur.path, property: cur.property, via: 'composition' });
      }
    }
    const ap = loader.get(n, 'additionalProperties');
    if (ap && isObject(ap.value)) next.push({ node: ap, path: [...cur.path, '*'], via: 'additionalProperties' });
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
}

/** The schema's type(s): `type` as a list (3.1 allows arrays; 3.0 `nullable` is ignored). */
export function schemaTypes(schema: Record<string, any>): string[] {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x) => typeof x === 'string' && x !== 'null');
  if (isObject(schema.properties)) return ['object'];
  if (schema.items !== undefined) return ['array'];
  return [];
}
