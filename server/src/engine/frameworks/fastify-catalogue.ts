/**
 * The Fastify ecosystem's packages (matched through their import, never by name), and what a
 * Fastify function's body shows beyond the shared facts: `request.jwtVerify()` from @fastify/jwt
 * throws a 401 when the token is missing or invalid, so awaiting it outside a `try` (or sending
 * the caught error) rejects anonymous requests.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { ALL_INPUTS, pkgClass, type PackageCatalogue } from '../classify';
import type { Value } from '../evaluate';
import type { FunctionFacts } from '../facts';
import type { Classification } from '../model';
import { nodeLocation, nodeText, propertyName, unwrap, type Node } from '../parse';
import type { FastifyAdapter } from './fastify';

type Fn = Extract<Value, { kind: 'function' }>;
type CatalogueResult = { classes: Classification[]; opaque: boolean; notes: string[] };

const KNOWN_OTHER: Record<string, string> = {
  '@fastify/helmet': '@fastify/helmet sets security headers; it does not authenticate',
  '@fastify/cors': '@fastify/cors configures cross-origin access; it does not authenticate',
  '@fastify/sensible': '@fastify/sensible adds HTTP error helpers; it does not authenticate',
  '@fastify/cookie': 'cookie parsing',
  '@fastify/session': '@fastify/session loads a session; it does not reject anonymous requests',
  '@fastify/secure-session': '@fastify/secure-session loads a session; it does not reject anonymous requests',
  '@fastify/csrf-protection': 'CSRF protection, not authentication',
  '@fastify/formbody': 'body parsing (no schema)',
  '@fastify/multipart': 'multipart parsing',
  '@fastify/static': 'static files',
  '@fastify/compress': 'response compression',
  '@fastify/swagger': 'API documentation',
  '@fastify/swagger-ui': 'API documentation',
  '@fastify/under-pressure': 'load shedding, not per-client rate limiting',
  '@fastify/etag': 'ETag headers',
  '@fastify/request-context': 'request context storage',
};

export function fastifyCatalogue(adapter: FastifyAdapter): PackageCatalogue {
  return (pkg, path, value, name): CatalogueResult | undefined => {
    const ok = (c: Classification): CatalogueResult => ({ classes: [c], opaque: false, notes: [] });
    const not = (note: string): CatalogueResult => ({ classes: [], opaque: false, notes: [note] });
    const p = pkg.replace(/^fastify-(jwt|auth|basic-auth|bearer-auth|rate-limit|helmet|cors|sensible|cookie|session|passport)$/, '@fastify/$1');
    const head = path[0];
    switch (p) {
      case '@fastify/jwt':
        return not(`${name} from @fastify/jwt only decorates request.jwtVerify(); registering it does not reject anonymous requests`);
      case '@fastify/auth':
        if (head === 'auth') return composedAuth(adapter, value, name);
        return undefined;
      case '@fastify/basic-auth':
        return ok(pkgClass('auth', `${name} from @fastify/basic-auth checks HTTP Basic credentials with its validate function and answers 401`, value));
      case '@fastify/bearer-auth':
        return ok(pkgClass('auth', `${name} from @fastify/bearer-auth rejects requests without a valid bearer token (401)`, value));
      case '@fastify/rate-limit':
        return ok(pkgClass('rate-limit', `${name} from @fastify/rate-limit`, value));
      case '@fastify/passport':
        if (path.includes('authenticate') || path.includes('authorize')) return ok(pkgClass('auth', `${name} from @fastify/passport`, value));
        return not(`${name} from @fastify/passport sets passport up; it does not reject anonymous requests`);
      case 'fastify-type-provider-zod':
      case '@fastify/type-provider-typebox':
        return { classes: [], opaque: false, notes: [] };
      default:
        if (KNOWN_OTHER[p]) return not(KNOWN_OTHER[p]);
        return undefined;
    }
  };
}

/**
 * `fastify.auth([a, b], { relation })` from @fastify/auth: with relation 'or' (the default) a
 * request passes when any function passes, so every one must authenticate; with 'and', one is enough.
 */
function composedAuth(adapter: FastifyAdapter, value: Value, name: string): CatalogueResult {
  const ctx = adapter.buildContext;
  if (value.kind !== 'call' || !ctx) return { classes: [], opaque: true, notes: [] };
  const list = value.args[0];
  const opts = value.args[1];
  const rel = opts && opts.kind === 'object' ? opts.props.get('relation') : undefined;
  const relation = rel && rel.kind === 'literal' && rel.value === 'and' ? 'and' : 'or';
  const pf = ctx.getParsed(value.file);
  const items: Array<{ v: Value; text: string }> = [];
  if (list && list.kind === 'array') {
    list.items.forEach((v, i) => items.push({ v, text: pf && list.nodes[i] ? nodeText(pf, list.nodes[i], 40) : `function ${i + 1}` }));
  }
  if (!items.length) return { classes: [], opaque: true, notes: [`${name} composes functions API Warden cannot see`] };
  const judged = items.map((it) => {
    if (it.v.kind === 'function') augmentFastifyFacts(adapter, it.v);
    const r = ctx.classifier.classifyValue(it.v, it.text, 1, 'fastify');
    const auth = r.classes.find((c) => c.role === 'auth');
    return { ...it, auth, notes: r.notes, opaque: r.opaque };
  });
  const authed = judged.filter((j) => j.auth);
  const order = ['low', 'medium', 'high'];
  const minConf = (xs: typeof judged) => xs.map((j) => j.auth!.confidence).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
  const evidence = authed.map((j) => ({ message: `${j.text}: ${j.auth!.reason}`, location: j.auth!.evidence[0]?.location }));
  if (relation === 'or') {
    if (authed.length === judged.length) {
      return {
        classes: [{ role: 'auth', confidence: minConf(judged), source: 'package', reason: `${name} from @fastify/auth: every alternative authenticates (${judged.map((j) => j.text).join(', ')})`, evidence }],
        opaque: false,
        notes: [],
      };
    }
    const weak = judged.find((j) => !j.auth)!;
    const why = weak.notes[0] ?? (weak.opaque ? 'API Warden cannot see what it does' : 'it does not authenticate');
    return {
      classes: [],
      opaque: false,
      notes: [`${name} from @fastify/auth passes a request when any one function passes (relation 'or'), and ${weak.text} does not reject anonymous requests (${why}), so anonymous requests pass`],
    };
  }
  if (authed.length) {
    return {
      classes: [{ role: 'auth', confidence: minConf(authed), source: 'package', reason: `${name} from @fastify/auth with relation 'and': ${authed.map((j) => j.text).join(', ')} must pass`, evidence }],
      opaque: false,
      notes: [],
    };
  }
  return { classes: [], opaque: judged.some((j) => j.opaque), notes: [`${name} from @fastify/auth composes functions none of which rejects anonymous requests`] };
}

const augmented = new WeakSet<FunctionFacts>();

/**
 * Add what the shared facts cannot know about a Fastify function: `await request.jwtVerify()`
 * throws (401) on a missing or invalid token; inside `try`, the catch rejects when it sends or
 * rethrows the error (`reply.send(err)`, `throw err`, `done(err)`).
 */
export function augmentFastifyFacts(adapter: FastifyAdapter, fn: Fn): FunctionFacts | undefined {
  const ctx = adapter.buildContext;
  if (!ctx) return undefined;
  const facts = ctx.classifier.factsOf(fn, 'fastify');
  if (!facts || augmented.has(facts)) return facts;
  augmented.add(facts);
  const pf = ctx.getParsed(fn.file);
  if (!pf) return facts;
  const names = fn.node.params.map((p) => (p.type === 'Identifier' ? p.name : undefined));
  const [req, reply, done] = names;
  const visit = (n: Node, tries: TSESTree.TryStatement[], awaited: boolean): void => {
    if (n !== fn.node.body && (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression')) return;
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee as Node);
      if (callee.type === 'MemberExpression' && propertyName(callee) === 'jwtVerify') {
        const obj = unwrap(callee.object);
        const onRequest = obj.type === 'Identifier' && (obj.name === req || /^req(uest)?$/.test(obj.name));
        if (onRequest) noteJwtVerify(n, tries, awaited);
      }
    }
    for (const key of Object.keys(n)) {
      if (key === 'parent' || key === 'range' || key === 'loc' || key === 'typeAnnotation' || key === 'returnType' || key === 'typeParameters') continue;
      const v = (n as unknown as Record<string, unknown>)[key];
      const kids = Array.isArray(v) ? v : [v];
      for (const k of kids) {
        if (!k || typeof k !== 'object' || typeof (k as Node).type !== 'string') continue;
        const child = k as Node;
        if (n.type === 'TryStatement' && key === 'block') visit(child, [...tries, n], false);
        else if (n.type === 'TryStatement') visit(child, tries, false);
        else visit(child, tries, n.type === 'AwaitExpression' || n.type === 'ReturnStatement' || (n.type === 'ArrowFunctionExpression' && key === 'body'));
      }
    }
  };
  const noteJwtVerify = (call: TSESTree.CallExpression, tries: TSESTree.TryStatement[], awaited: boolean) => {
    const text = nodeText(pf, call.callee, 40);
    const inner = tries[tries.length - 1];
    if (!inner) {
      // Callback style: request.jwtVerify(done) hands the 401 to Fastify.
      if (done && call.arguments.some((a) => a.type === 'Identifier' && a.name === done)) awaited = true;
      if (awaited) facts.rejections.push({ status: 401, how: `${text}() throws 401 when the token is missing or invalid`, location: nodeLocation(pf, call) });
      return;
    }
    const handler = inner.handler;
    if (!handler) return;
    const errName = handler.param && handler.param.type === 'Identifier' ? handler.param.name : undefined;
    let rejects: Node | undefined;
    const scan = (m: Node): void => {
      if (rejects) return;
      if (m.type === 'ThrowStatement') rejects = m;
      if (m.type === 'CallExpression' && errName) {
        const c = unwrap(m.callee as Node);
        const argIsErr = m.arguments.some((a) => a.type === 'Identifier' && a.name === errName);
        if (argIsErr && c.type === 'MemberExpression' && propertyName(c) === 'send' && rootName(c) === reply) rejects = m;
        if (argIsErr && c.type === 'Identifier' && c.name === done) rejects = m;
      }
      for (const key of Object.keys(m)) {
        if (key === 'parent' || key === 'range' || key === 'loc') continue;
        const v = (m as unknown as Record<string, unknown>)[key];
        for (const k of Array.isArray(v) ? v : [v]) if (k && typeof k === 'object' && typeof (k as Node).type === 'string') scan(k as Node);
      }
    };
    scan(handler.body);
    if (rejects) facts.rejections.push({ status: 401, how: `the error of ${text}() (401) is sent back: ${nodeText(pf, rejects, 40)}`, location: nodeLocation(pf, rejects) });
  };
  visit(fn.node.body, [], fn.node.type === 'ArrowFunctionExpression' && fn.node.body.type !== 'BlockStatement');
  return facts;
}

function rootName(n: Node): string | undefined {
  let cur = unwrap(n);
  for (let i = 0; i < 16; i++) {
    if (cur.type === 'Identifier') return cur.name;
    if (cur.type === 'MemberExpression') cur = unwrap(cur.object);
    else if (cur.type === 'CallExpression') cur = unwrap(cur.callee as Node);
    else return undefined;
  }
  return undefined;
}

export { ALL_INPUTS };
