/**
 * Path conditions inside Next.js middleware: which requests reach a rejection (`auth.protect()`,
 * a redirect to sign-in, a 401, `return false` in NextAuth's `authorized` callback) given the
 * `if` statements around it: Clerk `createRouteMatcher([...])` predicates and pathname tests
 * (`req.nextUrl.pathname.startsWith('/dashboard')`). Conditions API Warden cannot read are
 * "unknown", and unknown counts as protecting (precision first: no finding on a guess).
 */
import type { Env, Evaluator, Value } from '../evaluate';
import { packageOrigin } from '../evaluate';
import { memberPath, propertyName, unwrap, walk, type Node, type ParsedFile } from '../parse';
import { nodeText } from '../parse';
import { compilePattern } from './nextjs-paths';

/** true / false for a concrete path, undefined when unknown. */
export type Pred = (path: string) => boolean | undefined;

export interface Cond {
  pred: Pred;
  text: string;
  /** The condition is a route matcher call (`isPublicRoute(req)`): its predicate. */
  matcher?: Pred;
  /** The condition is a negated route matcher (`!isPublicRoute(req)`): the matcher's predicate. */
  negatedMatcher?: Pred;
}

export interface GuardedSite {
  node: Node;
  conds: Cond[];
}

const unknownPred: Pred = () => undefined;

/** Route matcher patterns of a value: Clerk's `createRouteMatcher(['/dashboard(.*)'])`. */
export function routeMatcherPatterns(v: Value): Array<string | RegExp> | undefined {
  if (v.kind !== 'call') return undefined;
  const origin = packageOrigin(v);
  if (!origin || !origin.path.includes('createRouteMatcher')) return undefined;
  const a = v.args[0];
  const lits = a?.kind === 'array' ? a.items : a ? [a] : [];
  const out: Array<string | RegExp> = [];
  for (const l of lits) {
    if (l.kind !== 'literal' || !(typeof l.value === 'string' || l.value instanceof RegExp)) return undefined;
    out.push(l.value);
  }
  return out;
}

export function patternsPred(patterns: Array<string | RegExp>): Pred {
  const res = patterns.map((p) => (p instanceof RegExp ? p : compilePattern(p)));
  return (path) => {
    let unknown = false;
    for (const re of res) {
      if (!re) unknown = true;
      else if (re.test(path)) return true;
    }
    return unknown ? undefined : false;
  };
}

export class CondReader {
  /** Local constants of the function being read (`const isOnDashboard = nextUrl.pathname.startsWith('/x')`). */
  private readonly locals = new Map<string, Node>();

  constructor(
    private readonly ev: Evaluator,
    private readonly env: Env,
    private readonly pf: ParsedFile,
    body: Node,
  ) {
    walk(body, (n) => {
      if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) this.locals.set(n.id.name, n.init);
    });
  }

  read(test: Node, depth = 0): Cond {
    const c: Cond = { pred: this.pred(test, depth), text: nodeText(this.pf, test, 60) };
    const u = unwrap(test);
    const m = this.matcherCall(u.type === 'UnaryExpression' && u.operator === '!' ? u.argument : u);
    if (m) {
      if (u.type === 'UnaryExpression') c.negatedMatcher = m;
      else c.matcher = m;
    }
    return c;
  }

  private matcherCall(n: Node): Pred | undefined {
    const u = unwrap(n);
    if (u.type !== 'CallExpression') return undefined;
    const callee = unwrap(u.callee);
    if (callee.type !== 'Identifier') return undefined;
    let v: Value;
    try {
      v = this.ev.eval(callee, this.env);
    } catch {
      return undefined;
    }
    const patterns = routeMatcherPatterns(v);
    return patterns ? patternsPred(patterns) : undefined;
  }

  private isPathname(n: Node): boolean {
    const u = unwrap(n);
    if (u.type === 'Identifier') {
      if (u.name === 'pathname') return true;
      const init = this.locals.get(u.name);
      return !!init && unwrap(init).type === 'MemberExpression' && memberPath(unwrap(init))?.slice(-1)[0] === 'pathname';
    }
    return u.type === 'MemberExpression' && propertyName(u) === 'pathname';
  }

  private pred(test: Node, depth: number): Pred {
    if (depth > 8) return unknownPred;
    const u = unwrap(test);
    if (u.type === 'UnaryExpression' && u.operator === '!') {
      const p = this.pred(u.argument, depth + 1);
      return (s) => {
        const r = p(s);
        return r === undefined ? undefined : !r;
      };
    }
    if (u.type === 'LogicalExpression' && (u.operator === '&&' || u.operator === '||')) {
      const a = this.pred(u.left, depth + 1);
      const b = this.pred(u.right, depth + 1);
      if (u.operator === '&&') {
        return (s) => {
          const x = a(s);
          const y = b(s);
          if (x === false || y === false) return false;
          return x === undefined || y === undefined ? undefined : true;
        };
      }
      return (s) => {
        const x = a(s);
        const y = b(s);
        if (x === true || y === true) return true;
        return x === undefined || y === undefined ? undefined : false;
      };
    }
    if (u.type === 'Identifier') {
      const init = this.locals.get(u.name);
      return init ? this.pred(init, depth + 1) : unknownPred;
    }
    if (u.type === 'CallExpression') {
      const callee = unwrap(u.callee);
      const a0 = u.arguments[0] ? unwrap(u.arguments[0] as Node) : undefined;
      const lit = a0 && a0.type === 'Literal' && typeof a0.value === 'string' ? a0.value : undefined;
      if (callee.type === 'MemberExpression' && lit !== undefined && this.isPathname(callee.object)) {
        const m = propertyName(callee);
        if (m === 'startsWith') return (s) => s.startsWith(lit);
        if (m === 'endsWith') return (s) => s.endsWith(lit);
        if (m === 'includes') return (s) => s.includes(lit);
        return unknownPred;
      }
      if (callee.type === 'Identifier') {
        let v: Value;
        try {
          v = this.ev.eval(callee, this.env);
        } catch {
          return unknownPred;
        }
        const patterns = routeMatcherPatterns(v);
        if (patterns) return patternsPred(patterns);
      }
      return unknownPred;
    }
    if (u.type === 'BinaryExpression' && /^[!=]==?$/.test(u.operator)) {
      const [p, l] = this.isPathname(u.left as Node) ? [u.left, unwrap(u.right)] : this.isPathname(u.right) ? [u.right, unwrap(u.left as Node)] : [undefined, undefined];
      if (p && l && l.type === 'Literal' && typeof l.value === 'string') {
        const eq = u.operator.startsWith('=');
        const lit = l.value;
        return (s) => (s === lit || s === lit + '/') === eq;
      }
    }
    return unknownPred;
  }
}

function exits(n: Node): boolean {
  if (n.type === 'ReturnStatement' || n.type === 'ThrowStatement') return true;
  if (n.type === 'BlockStatement') return n.body.length > 0 && exits(n.body[n.body.length - 1]);
  return false;
}

/**
 * The sites (nodes for which `isSite` is true) inside a function body, each with the `if`
 * conditions that must hold to reach it (negated for `else` branches and after early returns).
 */
export function guardedSites(body: Node, isSite: (n: Node) => boolean, conds: CondReader): GuardedSite[] {
  const out: GuardedSite[] = [];
  const scan = (n: Node, cs: Cond[]) => {
    walk(n, (x) => {
      if (x.type === 'ArrowFunctionExpression' || x.type === 'FunctionExpression' || x.type === 'FunctionDeclaration') return false;
      if (isSite(x)) out.push({ node: x, conds: cs });
      return undefined;
    });
  };
  const not = (c: Cond): Cond => ({
    pred: (s) => {
      const r = c.pred(s);
      return r === undefined ? undefined : !r;
    },
    text: `!(${c.text})`,
    negatedMatcher: c.matcher,
  });
  const visit = (stmts: readonly Node[], cs: Cond[], depth: number) => {
    if (depth > 16) return;
    let cur = cs;
    for (const s of stmts) {
      if (s.type === 'IfStatement') {
        const c = conds.read(s.test);
        visit([s.consequent], [...cur, c], depth + 1);
        if (s.alternate) visit([s.alternate], [...cur, not(c)], depth + 1);
        // the test's own calls (`if (!(await auth()).userId)`) run whatever the outcome
        scan(s.test, cur);
        if (!s.alternate && exits(s.consequent)) cur = [...cur, not(c)];
        continue;
      }
      if (s.type === 'BlockStatement') {
        visit(s.body, cur, depth + 1);
        continue;
      }
      if (s.type === 'TryStatement') {
        visit(s.block.body, cur, depth + 1);
        continue;
      }
      scan(s, cur);
    }
  };
  const u = body.type === 'BlockStatement' ? body.body : [body];
  visit(u, [], 0);
  return out;
}

/** Does a site run for this path: true (all conditions hold), false (one fails), undefined (unknown)? */
export function siteApplies(site: GuardedSite, path: string): boolean | undefined {
  let unknown = false;
  for (const c of site.conds) {
    const r = c.pred(path);
    if (r === false) return false;
    if (r === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}
