/**
 * What facts.ts cannot see in Next.js code, added to a function's facts (once):
 *   - Supabase `supabase.auth.getUser()` / `getClaims()` on a client created in the function
 *     (`const supabase = await createClient()`), a credential check;
 *   - next-rate-limit's `limiter.checkNext(req, n)` / `limiter.check(…)`, request counting.
 */
import type { Value } from '../evaluate';
import { packageOrigin } from '../evaluate';
import type { FunctionFacts } from '../facts';
import { memberPath, nodeLocation, nodeText, propertyName, unwrap, walk, type Node } from '../parse';
import type { BuildContext } from './types';

type Fn = Extract<Value, { kind: 'function' }>;

const done = new WeakSet<FunctionFacts>();

export function augmentFacts(ctx: Pick<BuildContext, 'ev' | 'getParsed'>, facts: FunctionFacts | undefined, fn: Fn): void {
  if (!facts || done.has(facts)) return;
  done.add(facts);
  const pf = ctx.getParsed(fn.file);
  if (!pf) return;
  const clientVars = new Set<string>();
  walk(fn.node.body, (n) => {
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) {
      const init = unwrap(n.init);
      if (init.type === 'CallExpression') {
        const p = memberPath(init.callee);
        if (p && /^create\w*Client$/.test(p[p.length - 1])) clientVars.add(n.id.name);
      }
    }
    return undefined;
  });
  walk(fn.node.body, (n: Node) => {
    if (n.type !== 'CallExpression') return undefined;
    const path = memberPath(n.callee);
    const last = path?.[path.length - 1];
    if (path && path.length >= 3 && path[path.length - 2] === 'auth' && (last === 'getUser' || last === 'getClaims') && (clientVars.has(path[0]) || /supabase/i.test(path[0]))) {
      const loc = nodeLocation(pf, n);
      if (!facts.credentialSignals.some((s) => s.location.range[0] === loc.range[0])) facts.credentialSignals.push({ what: `calls ${path.join('.')}() (Supabase)`, location: loc });
    }
    if (n.callee.type === 'MemberExpression' && /^(checkNext|check)$/.test(propertyName(n.callee) ?? '')) {
      let v: Value;
      try {
        v = ctx.ev.eval(n.callee.object, fn.env);
      } catch {
        v = { kind: 'unknown' };
      }
      if (packageOrigin(v)?.pkg === 'next-rate-limit') {
        facts.rateSignals.push({ what: `counts requests with ${nodeText(pf, n.callee, 40)}(…) from next-rate-limit`, location: nodeLocation(pf, n) });
      }
    }
    return undefined;
  });
}
