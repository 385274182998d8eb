/**
 * Pages Router API routes (`export default function handler(req, res)`): one route per
 * `req.method` branch (`if (req.method === 'POST')`, `switch (req.method)`, a
 * `if (req.method !== 'POST') return 405` guard), each with the statements that run for it
 * (the common prelude + the branch). `ALL` when the handler does not dispatch on the method.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { FunctionNode } from '../evaluate';
import { memberPath, propertyName, unwrap, walk, type Node, type ParsedFile } from '../parse';

export interface MethodBranch {
  method: string;
  /** What to anchor the route on: the `req.method === 'POST'` test or the `case 'POST':`. */
  anchor: Node;
  /** The statements that run for this method (prelude + branch). */
  statements: Node[];
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Branches by method, or undefined when the handler does not dispatch on `req.method`. */
export function methodBranches(fn: FunctionNode, pf: ParsedFile): MethodBranch[] | undefined {
  if (fn.body.type !== 'BlockStatement') return undefined;
  const p0 = fn.params[0];
  const req = p0 && p0.type === 'Identifier' ? p0.name : undefined;
  const aliases = new Set<string>();
  if (p0 && p0.type === 'ObjectPattern') {
    for (const p of p0.properties) if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'method' && p.value.type === 'Identifier') aliases.add(p.value.name);
  }
  if (!req && !aliases.size) return undefined;
  // `const { method } = req`, `const method = req.method`
  walk(fn.body, (n) => {
    if (n.type === 'VariableDeclarator' && n.init) {
      const init = unwrap(n.init);
      if (n.id.type === 'ObjectPattern' && init.type === 'Identifier' && init.name === req) {
        for (const p of n.id.properties) if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'method' && p.value.type === 'Identifier') aliases.add(p.value.name);
      }
      if (n.id.type === 'Identifier' && isReqMethod(init)) aliases.add(n.id.name);
    }
    return !(n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration') || n === fn;
  });
  function isReqMethod(n: Node): boolean {
    const u = unwrap(n);
    if (u.type === 'Identifier') return aliases.has(u.name);
    if (u.type === 'CallExpression' && u.callee.type === 'MemberExpression' && /^to(Upper|Lower)Case$/.test(propertyName(u.callee) ?? '')) return isReqMethod(u.callee.object);
    const p = u.type === 'MemberExpression' ? memberPath(u) : undefined;
    return !!p && p.length === 2 && p[0] === req && p[1] === 'method';
  }
  /** Methods a test selects: `req.method === 'POST' || req.method === 'PUT'`, `['GET','HEAD'].includes(req.method)`; with the comparison nodes. */
  const positive = (t: Node): Array<{ method: string; node: Node }> | undefined => {
    const u = unwrap(t);
    if (u.type === 'LogicalExpression' && u.operator === '||') {
      const a = positive(u.left);
      const b = positive(u.right);
      return a && b ? [...a, ...b] : undefined;
    }
    if (u.type === 'BinaryExpression' && (u.operator === '===' || u.operator === '==')) {
      const lit = isReqMethod(u.left as Node) ? unwrap(u.right) : isReqMethod(u.right) ? unwrap(u.left as Node) : undefined;
      if (lit && lit.type === 'Literal' && typeof lit.value === 'string' && METHODS.has(lit.value.toUpperCase())) return [{ method: lit.value.toUpperCase(), node: u }];
    }
    if (u.type === 'CallExpression' && u.callee.type === 'MemberExpression' && propertyName(u.callee) === 'includes' && u.arguments[0] && isReqMethod(u.arguments[0] as Node)) {
      const arr = unwrap(u.callee.object);
      if (arr.type === 'ArrayExpression') {
        const out: Array<{ method: string; node: Node }> = [];
        for (const el of arr.elements) {
          if (!el || el.type !== 'Literal' || typeof el.value !== 'string') return undefined;
          out.push({ method: el.value.toUpperCase(), node: u });
        }
        return out;
      }
    }
    return undefined;
  };
  /** `req.method !== 'POST'` (&& chains): the methods allowed past a guard. */
  const negative = (t: Node): Array<{ method: string; node: Node }> | undefined => {
    const u = unwrap(t);
    if (u.type === 'LogicalExpression' && u.operator === '&&') {
      const a = negative(u.left);
      const b = negative(u.right);
      return a && b ? [...a, ...b] : undefined;
    }
    if (u.type === 'BinaryExpression' && (u.operator === '!==' || u.operator === '!=')) {
      const lit = isReqMethod(u.left as Node) ? unwrap(u.right) : isReqMethod(u.right) ? unwrap(u.left as Node) : undefined;
      if (lit && lit.type === 'Literal' && typeof lit.value === 'string' && METHODS.has(lit.value.toUpperCase())) return [{ method: lit.value.toUpperCase(), node: u }];
    }
    if (u.type === 'UnaryExpression' && u.operator === '!') return positive(u.argument);
    return undefined;
  };
  const onlyRejects = (stmts: readonly Node[]): boolean => {
    const text = stmts.map((s) => pf.text.slice(s.range[0], s.range[1])).join('\n');
    return /\b405\b|not allowed/i.test(text) || !stmts.length;
  };
  const exits = (n: Node): boolean => n.type === 'ReturnStatement' || n.type === 'ThrowStatement' || (n.type === 'BlockStatement' && n.body.length > 0 && exits(n.body[n.body.length - 1]));
  const block = (n: Node): Node[] => (n.type === 'BlockStatement' ? n.body : [n]);

  const fromStatements = (stmts: readonly Node[], prelude: Node[], depth: number): MethodBranch[] | undefined => {
    if (depth > 4) return undefined;
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      const before = [...prelude, ...stmts.slice(0, i)];
      const after = stmts.slice(i + 1);
      if (s.type === 'TryStatement') {
        const inner = fromStatements(s.block.body, before, depth + 1);
        if (inner) return inner;
        continue;
      }
      if (s.type === 'SwitchStatement' && isReqMethod(s.discriminant)) {
        const out: MethodBranch[] = [];
        let pending: TSESTree.SwitchCase[] = [];
        for (const c of s.cases) {
          pending.push(c);
          if (!c.consequent.length) continue;
          for (const pc of pending) {
            if (!pc.test) {
              if (!onlyRejects(c.consequent)) out.push({ method: 'ALL', anchor: pc, statements: [...before, ...c.consequent] });
              continue;
            }
            const lit = unwrap(pc.test);
            if (lit.type === 'Literal' && typeof lit.value === 'string' && METHODS.has(lit.value.toUpperCase())) {
              out.push({ method: lit.value.toUpperCase(), anchor: pc.test, statements: [...before, ...c.consequent] });
            }
          }
          pending = [];
        }
        return out.length ? out : undefined;
      }
      if (s.type === 'IfStatement') {
        const neg = negative(s.test);
        if (neg && exits(s.consequent) && !s.alternate) {
          return neg.map((m) => ({ method: m.method, anchor: m.node, statements: [...before, ...after] }));
        }
        const pos = positive(s.test);
        if (!pos) continue;
        // if / else-if chain, then more top-level `if (req.method === …)` statements.
        const out: MethodBranch[] = [];
        let j = i;
        let cur: Node | null | undefined = s;
        for (;;) {
          while (cur && cur.type === 'IfStatement') {
            const p = positive(cur.test);
            if (!p) break;
            for (const m of p) out.push({ method: m.method, anchor: m.node, statements: [...before, ...block(cur.consequent)] });
            cur = cur.alternate;
          }
          if (cur) {
            // a final else: every other method
            if (!onlyRejects(block(cur))) out.push({ method: 'ALL', anchor: cur, statements: [...before, ...block(cur)] });
            break;
          }
          const next = stmts[j + 1];
          if (next && next.type === 'IfStatement' && positive(next.test)) {
            j++;
            cur = next;
            continue;
          }
          const rest = stmts.slice(j + 1);
          if (rest.length && !onlyRejects(rest)) out.push({ method: 'ALL', anchor: rest[0], statements: [...before, ...rest] });
          break;
        }
        return out;
      }
    }
    return undefined;
  };
  return fromStatements(fn.body.body, [], 0);
}

/** A function node whose body is only the given statements (same parameters), for facts. */
export function branchFunction(fn: FunctionNode, statements: Node[]): FunctionNode {
  const first = statements[0];
  const last = statements[statements.length - 1];
  const range: [number, number] = first && last ? [first.range[0], last.range[1]] : fn.body.range;
  const body = { type: 'BlockStatement', body: statements, range, loc: fn.body.loc } as unknown as TSESTree.BlockStatement;
  return { ...fn, body } as FunctionNode;
}
