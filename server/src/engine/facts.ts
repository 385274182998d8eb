/**
 * What a function (a middleware or a handler) does with the request, read from its body:
 * request inputs it reads, where they flow (sinks), checks it performs (credentials, schemas,
 * request counting) and how it rejects a request (401/403/400/429, next(err), throw).
 *
 * Framework-specific knowledge is limited to how each framework hands the request over, which
 * the caller passes in (`RequestParams`, see `paramsFor`): an Express-like request object
 * (`req.body`, also Fastify's `request` and Fetch API requests: `await req.json()`,
 * `req.headers.get()`), a response object (`res.status(401)`, `reply.code(401)`), or a context
 * object (Koa `ctx.request.body`, `ctx.throw(401)`; Hono `c.req.json()`, `c.json(_, 401)`).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Evaluator, FunctionNode, Value } from './evaluate';
import { packageOrigin } from './evaluate';
import type { InputSource, SinkKind, SourceLocation } from './model';
import { memberPath, nodeLocation, nodeText, propertyName, unwrap, walk, type Node, type ParsedFile } from './parse';

export interface InputRead {
  source: InputSource;
  field?: string;
  node: Node;
  location: SourceLocation;
}

export interface SinkHit {
  kind: SinkKind;
  callee: string;
  location: SourceLocation;
  /** Input parts that flow into it. */
  inputs: Array<{ source: InputSource; field?: string }>;
}

export interface Signal {
  what: string;
  location: SourceLocation;
}

export interface ValidationCall {
  covers: InputSource[];
  what: string;
  location: SourceLocation;
  /** parse()/validate() that throws or is checked vs safeParse() whose result is ignored. */
  checked: boolean;
}

export interface FunctionFacts {
  file: string;
  reads: InputRead[];
  sinks: SinkHit[];
  /** Reads of credentials: Authorization header, session, req.user, token verification. */
  credentialSignals: Signal[];
  /** Role / permission checks (req.user.role, isAdmin…). */
  roleSignals: Signal[];
  /** Ways it rejects a request, with the status when known. */
  rejections: Array<{ status?: number; how: string; location: SourceLocation }>;
  validationCalls: ValidationCall[];
  /** Request counting: limiter.consume(key), redis incr, 429 responses. */
  rateSignals: Signal[];
  /** express-validator's validationResult(req) was consulted. */
  checksValidationResult: boolean;
  /** Webhook signature verification (stripe constructEvent, HMAC + timingSafeEqual, svix). */
  signatureChecks: Signal[];
  /** Calls that receive the whole request and that we followed or could not follow. */
  delegations: Array<{ callee: Value; node: TSESTree.CallExpression; location: SourceLocation; passesReq: boolean; passesNext: boolean }>;
  /** A whole request part handed on as a value: `repo.save(dto)`, `{ ...req.body }`, `Object.assign(user, body)`. */
  wholeUses: Array<{ source: InputSource; location: SourceLocation }>;
}

const SOURCES: Record<string, InputSource> = {
  body: 'body',
  query: 'query',
  params: 'params',
  headers: 'headers',
  cookies: 'cookies',
  signedCookies: 'cookies',
};

/** Koa context shortcuts to request parts (`ctx.body` is the response body, not input). */
const KOA_CTX_PARTS: Record<string, InputSource> = { query: 'query', querystring: 'query', params: 'params', headers: 'headers', header: 'headers' };
/** Fetch API body readers: `await req.json()`. */
const BODY_READERS = new Set(['json', 'formData', 'text', 'arrayBuffer', 'blob']);
/** @fastify/sensible reply helpers and httpErrors. */
const SENSIBLE_ERRORS: Record<string, number> = { unauthorized: 401, forbidden: 403, tooManyRequests: 429, badRequest: 400 };
/** Hono context responders whose second argument is the status. */
const HONO_RESPONDERS = new Set(['json', 'text', 'body', 'html', 'newResponse']);
/** Where frameworks keep the authenticated identity: ctx.state.user (Koa), c.get('jwtPayload') (Hono). */
const CREDENTIAL_STATE = /^(user|auth|session|jwtPayload|jwt|token|claims|identity|principal|currentUser|account)$/;
const ROLE_PROP = /^(role|roles|isAdmin|admin|permissions|scope|scopes)$/;
/** Identity calls of session / auth providers (matched with IDENTITY_PACKAGES through the import). */
const IDENTITY_CALL = /^(auth|getServerSession|getSession|currentUser|getAuth|getUser|getToken|getIronSession|getKindeServerSession|validateRequest|verifySession|withAuth|protect|jwtVerify|verifyIdToken|requireAuth)$/;
const IDENTITY_PACKAGES = /^(next-auth|@auth\/.*|@clerk\/.*|@supabase\/.*|better-auth|lucia|@lucia-auth\/.*|iron-session|@kinde-oss\/.*|@workos-inc\/.*|firebase-admin|@fastify\/jwt|@auth0\/.*|@hono\/auth-js|@hono\/clerk-auth)$/;

function isIdent(n: Node, name: string): boolean {
  const u = unwrap(n);
  return u.type === 'Identifier' && u.name === name;
}

/** `{ status: 401 }` as a Response init. */
function statusOption(n: Node | undefined): number | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  if (u.type !== 'ObjectExpression') return undefined;
  for (const p of u.properties) {
    if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'status') {
      const v = unwrap(p.value as Node);
      if (v.type === 'Literal' && typeof v.value === 'number') return v.value;
    }
  }
  return undefined;
}

const SANITIZERS = new Set(['Number', 'parseInt', 'parseFloat', 'Boolean', 'encodeURIComponent', 'escape', 'isValidObjectId', 'uuidValidate']);
const SQL_METHODS = new Set(['query', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'whereRaw', 'orderByRaw', 'havingRaw', 'joinRaw', 'unsafe']);
const FS_PACKAGES = new Set(['fs', 'fs/promises', 'fs-extra', 'graceful-fs']);
const FS_FUNCS = /^(readFile|readFileSync|writeFile|writeFileSync|appendFile|appendFileSync|createReadStream|createWriteStream|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|open|openSync|copyFile|copyFileSync|rename|renameSync|mkdir|mkdirSync|access|accessSync|stat|statSync|outputFile|remove)$/;
const CP_FUNCS = /^(exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)$/;
const HTTP_PACKAGES = new Set(['axios', 'got', 'node-fetch', 'undici', 'superagent', 'needle', 'request', 'cross-fetch', 'ky']);
const VALIDATE_METHODS = new Set(['parse', 'parseAsync', 'safeParse', 'safeParseAsync', 'validate', 'validateAsync', 'validateSync', 'assert', 'attempt', 'cast', 'decode', 'is', 'check', 'Check', 'Decode']);
const VERIFY_CALL = /^(verify|jwtVerify|verifyIdToken|verifyAccessToken|verifyToken|verifyJwt|verifyJWT|decodeToken|getSession|getServerSession|validateToken|introspect|authenticate|isAuthenticated)$/;
const CREDENTIAL_COOKIE = /(token|session|jwt|auth|sid)/i;
/** Headers that carry credentials: Authorization, tokens, API keys (`X-Api-Key`, `X-Admin-Key`), secrets. */
const CREDENTIAL_HEADER = /^(proxy-)?authorization$|token|api-?key|(^|-)key$|secret|^x-auth\b/i;

export interface RequestParams {
  /** The request object: `req.body`, `request.query`, `req.json()`, `req.headers.get('x')`. */
  req?: string;
  /** More request-like objects (Next.js route context: `context.params`). */
  extraReqs?: string[];
  /** The response / reply: `res.status(401)`, `reply.code(401)`, `reply.unauthorized()`. */
  res?: string;
  next?: string;
  /** A context object: Koa (`ctx.request.body`, `ctx.query`, `ctx.throw(401)`, `ctx.state.user`), Hono (`c.req.json()`, `c.json(_, 401)`, `c.get('jwtPayload')`). */
  ctx?: string;
  /** `({ body, query }, res)` destructured request parameters; NestJS `@Body() dto`. */
  destructured: Map<string, InputSource>;
  /** Parameters that hold one request field (NestJS `@Param('id') id`). */
  fields?: Map<string, { source: InputSource; field?: string }>;
  /** `return false` rejects the request (NestJS guards: 403). */
  falseRejects?: boolean;
}

/** Framework names as in the model (kept as a string here so facts stays independent of adapters). */
export type RequestStyle = 'express' | 'fastify' | 'koa' | 'nestjs' | 'hono' | 'nextjs';

/** How a function of a given framework receives the request (its parameter names). */
export function paramsFor(style: RequestStyle, fn: FunctionNode): RequestParams {
  const names = fn.params.map((p) => {
    const q = p.type === 'AssignmentPattern' ? p.left : p.type === 'TSParameterProperty' ? p.parameter : p;
    return q.type === 'Identifier' ? q.name : undefined;
  });
  switch (style) {
    case 'koa':
    case 'hono':
      return { ctx: names[0], next: names[1], destructured: new Map() };
    case 'fastify': {
      const base = expressParams(fn);
      return { req: names[0], res: names[1], next: names[2], destructured: base.destructured };
    }
    case 'nextjs': {
      // App Router: (request, { params }); Pages Router: (req, res); middleware: (request, event).
      const destructured = expressParams(fn).destructured;
      const second = fn.params[1];
      if (second && second.type === 'ObjectPattern') {
        for (const prop of second.properties) {
          if (prop.type === 'Property' && !prop.computed && prop.key.type === 'Identifier' && prop.key.name === 'params' && prop.value.type === 'Identifier') destructured.set(prop.value.name, 'params');
        }
      }
      return { req: names[0], res: names[1], extraReqs: names[1] ? [names[1]] : [], destructured };
    }
    default:
      return expressParams(fn);
  }
}

export function expressParams(fn: FunctionNode): RequestParams {
  const names = fn.params.map((p) => {
    const q = p.type === 'AssignmentPattern' ? p.left : p;
    return q.type === 'Identifier' ? q.name : undefined;
  });
  const destructured = new Map<string, InputSource>();
  const first = fn.params[0];
  if (first && first.type === 'ObjectPattern') {
    for (const prop of first.properties) {
      if (prop.type === 'Property' && !prop.computed && prop.key.type === 'Identifier' && SOURCES[prop.key.name] && prop.value.type === 'Identifier') {
        destructured.set(prop.value.name, SOURCES[prop.key.name]);
      }
    }
  }
  // Error-handling middleware (err, req, res, next) shifts names.
  if (fn.params.length === 4) return { req: names[1], res: names[2], next: names[3], destructured };
  return { req: names[0], res: names[1], next: names[2], destructured };
}

type Taint = Array<{ source: InputSource; field?: string }>;

/**
 * Analyse a function. `fnValue.env` lets callee identifiers be resolved to packages
 * (child_process.exec, jsonwebtoken.verify…).
 */
export function analyzeFunction(
  fnValue: Extract<Value, { kind: 'function' }>,
  pf: ParsedFile,
  ev: Evaluator,
  params: RequestParams = expressParams(fnValue.node),
): FunctionFacts {
  const facts: FunctionFacts = {
    file: pf.file,
    reads: [],
    sinks: [],
    credentialSignals: [],
    roleSignals: [],
    rejections: [],
    validationCalls: [],
    rateSignals: [],
    checksValidationResult: false,
    signatureChecks: [],
    wholeUses: [],
    delegations: [],
  };
  const fn = fnValue.node;
  const reqs = new Set([params.req, ...(params.extraReqs ?? [])].filter((x): x is string => !!x));
  const req = params.req;
  let res = params.res;
  const next = params.next;
  const ctx = params.ctx;
  const isReqName = (name: string) => reqs.has(name);
  /** `req`, or Koa's `ctx.request`. */
  const isReqExpr = (n: Node): boolean => {
    const u = unwrap(n);
    if (u.type === 'Identifier') return isReqName(u.name);
    return !!ctx && u.type === 'MemberExpression' && isIdent(u.object, ctx) && propertyName(u) === 'request';
  };
  /** Hono's `c.req` (and `c.req.raw`, a Fetch API request). */
  const isHonoReq = (n: Node): boolean => {
    const u = unwrap(n);
    return !!ctx && u.type === 'MemberExpression' && isIdent(u.object, ctx) && propertyName(u) === 'req';
  };
  // Aliases of whole request parts: `const { body } = req`, `const data = req.body`.
  const partAlias = new Map<string, InputSource>(params.destructured);
  // Tainted variables: name → input parts flowing into it.
  const tainted = new Map<string, Taint>();
  for (const [k, v] of params.fields ?? []) tainted.set(k, [v]);
  const loc = (n: Node) => nodeLocation(pf, n);
  let hasTimingSafeEqual = false;
  let hasHmac = false;

  const calleeValue = (callee: Node): Value => {
    try {
      return ev.eval(callee, fnValue.env);
    } catch {
      return { kind: 'unknown' };
    }
  };

  /** `req.nextUrl` or `new URL(req.url)`: objects whose `searchParams` are the query. */
  const isSearchParamsHost = (n: Node): boolean => {
    const obj = unwrap(n);
    if (obj.type === 'MemberExpression' && propertyName(obj) === 'nextUrl' && isReqExpr(obj.object)) return true;
    return (
      obj.type === 'NewExpression' &&
      obj.arguments.some((a) => {
        const x = unwrap(a as Node);
        return x.type === 'MemberExpression' && propertyName(x) === 'url' && (isReqExpr(x.object) || isHonoReq(x.object));
      })
    );
  };

  /** The request part a member expression reads: `req.body`, `req.body.x`, `body.x` (alias). */
  const readOf = (n: Node): { source: InputSource; field?: string } | undefined => {
    const u = unwrap(n);
    if (u.type === 'Identifier' && partAlias.has(u.name)) return { source: partAlias.get(u.name)! };
    if (u.type !== 'MemberExpression') return undefined;
    const obj = unwrap(u.object);
    let prop = propertyName(u);
    if (isReqExpr(obj) && prop === undefined && u.computed) {
      // req[part]: the factory's argument decides which part (`validate(schema, 'query')`).
      const v = calleeValue(u.property);
      prop = v.kind === 'literal' && typeof v.value === 'string' ? v.value : 'body';
    }
    if (isReqExpr(obj) && prop && SOURCES[prop]) return { source: SOURCES[prop] };
    // Koa: ctx.query, ctx.params, ctx.headers / ctx.header, ctx.querystring (ctx.body is the response).
    if (ctx && isIdent(obj, ctx) && prop && KOA_CTX_PARTS[prop]) return { source: KOA_CTX_PARTS[prop] };
    // Fetch API: req.nextUrl.searchParams, new URL(req.url).searchParams.
    if (prop === 'searchParams' && isSearchParamsHost(obj)) return { source: 'query' };
    if (obj.type === 'CallExpression' || obj.type === 'NewExpression') {
      const c = readOfCall(obj);
      if (c && c.field === undefined) return { source: c.source, field: prop };
      return c;
    }
    const inner = readOf(obj);
    if (inner && inner.field === undefined) return { source: inner.source, field: prop };
    if (inner) return inner;
    return undefined;
  };

  /**
   * The request part a call reads: Fetch API (`req.json()`, `req.headers.get('x')`,
   * `searchParams.get('q')`), Hono (`c.req.json()`, `c.req.query('q')`, `c.req.param('id')`,
   * `c.req.header('x')`), Koa (`ctx.get('x')`, `ctx.cookies.get('x')`), Next.js (`headers()`,
   * `cookies()` from next/headers), hono/cookie `getCookie(c, 'x')`. `c.req.valid()` is not raw input.
   */
  const readOfCall = (u: TSESTree.CallExpression | TSESTree.NewExpression): { source: InputSource; field?: string } | undefined => {
    if (u.type !== 'CallExpression') return undefined;
    const callee = unwrap(u.callee);
    const a0 = u.arguments[0] ? unwrap(u.arguments[0] as Node) : undefined;
    const lit = a0 && a0.type === 'Literal' && typeof a0.value === 'string' ? a0.value : undefined;
    if (callee.type === 'MemberExpression') {
      const m = propertyName(callee);
      const obj = unwrap(callee.object);
      if (!m) return undefined;
      if ((isReqExpr(obj) || (obj.type === 'MemberExpression' && propertyName(obj) === 'raw' && isHonoReq(obj.object))) && BODY_READERS.has(m)) return { source: 'body' };
      if (isHonoReq(obj)) {
        if (BODY_READERS.has(m) || m === 'parseBody') return { source: 'body' };
        if (m === 'query' || m === 'queries') return { source: 'query', field: lit };
        if (m === 'param') return { source: 'params', field: lit };
        if (m === 'header') return { source: 'headers', field: lit?.toLowerCase() };
        return undefined;
      }
      if (ctx && isIdent(obj, ctx) && m === 'get' && lit) return { source: 'headers', field: lit.toLowerCase() };
      if (ctx && obj.type === 'MemberExpression' && isIdent(obj.object, ctx) && propertyName(obj) === 'cookies' && m === 'get') return { source: 'cookies', field: lit };
      if (ctx && obj.type === 'MemberExpression' && isIdent(obj.object, ctx) && propertyName(obj) === 'request' && m === 'get' && lit) return { source: 'headers', field: lit.toLowerCase() };
      if (m === 'get' || m === 'getAll' || m === 'has') {
        // A part read through a Map-like API: req.headers.get('x'), searchParams.get('q'), req.cookies.get('s').
        const part = obj.type === 'CallExpression' ? readOfCall(obj) : readOf(obj);
        if (part && part.field === undefined) return { source: part.source, field: part.source === 'headers' ? lit?.toLowerCase() : lit };
      }
      return undefined;
    }
    if (callee.type === 'Identifier') {
      const origin = packageOrigin(calleeValue(callee));
      if (origin && origin.pkg === 'next' && origin.path[0] === 'headers' && (origin.path[1] === 'headers' || origin.path[1] === 'cookies')) return { source: origin.path[1] === 'headers' ? 'headers' : 'cookies' };
      if (origin && origin.pkg === 'hono' && origin.path.includes('getCookie') && ctx && a0 && isIdent(a0, ctx)) {
        const a1 = u.arguments[1] ? unwrap(u.arguments[1] as Node) : undefined;
        return { source: 'cookies', field: a1 && a1.type === 'Literal' && typeof a1.value === 'string' ? a1.value : undefined };
      }
    }
    return undefined;
  };

  const taintOf = (n: Node | null | undefined, depth = 0): Taint => {
    if (!n || depth > 12) return [];
    const u = unwrap(n);
    const r = readOf(u);
    if (r) return [r];
    switch (u.type) {
      case 'Identifier':
        return tainted.get(u.name) ?? [];
      case 'MemberExpression':
        return taintOf(u.object, depth + 1);
      case 'TemplateLiteral':
        return u.expressions.flatMap((e) => taintOf(e, depth + 1));
      case 'BinaryExpression':
        return [...taintOf(u.left as Node, depth + 1), ...taintOf(u.right, depth + 1)];
      case 'LogicalExpression':
        return [...taintOf(u.left, depth + 1), ...taintOf(u.right, depth + 1)];
      case 'ConditionalExpression':
        return [...taintOf(u.consequent, depth + 1), ...taintOf(u.alternate, depth + 1)];
      case 'ArrayExpression':
        return u.elements.flatMap((e) => (e ? taintOf(e as Node, depth + 1) : []));
      case 'ObjectExpression':
        return u.properties.flatMap((p) => (p.type === 'Property' ? taintOf(p.value as Node, depth + 1) : taintOf(p.argument, depth + 1)));
      case 'CallExpression': {
        const direct = readOfCall(u);
        if (direct) return [direct];
        const path = memberPath(u.callee);
        const last = path?.[path.length - 1];
        if (last && SANITIZERS.has(last)) return [];
        const fromCallee = u.callee.type === 'MemberExpression' ? taintOf(u.callee.object, depth + 1) : [];
        return [...fromCallee, ...u.arguments.flatMap((a) => taintOf(a as Node, depth + 1))];
      }
      default:
        return [];
    }
  };

  const bindPattern = (id: Node, init: Node): void => {
    const u = unwrap(init);
    const r = u.type === 'CallExpression' ? readOfCall(u) : readOf(init);
    if (id.type === 'Identifier') {
      if ((u.type === 'MemberExpression' || u.type === 'CallExpression') && r && r.field === undefined) partAlias.set(id.name, r.source);
      // NestJS guards: `const request = context.switchToHttp().getRequest()`.
      if (u.type === 'CallExpression' && u.callee.type === 'MemberExpression' && propertyName(u.callee) === 'getRequest') reqs.add(id.name);
      if (u.type === 'CallExpression' && u.callee.type === 'MemberExpression' && propertyName(u.callee) === 'getResponse') res = id.name;
      const t = taintOf(init);
      if (t.length) tainted.set(id.name, t);
      return;
    }
    if (id.type === 'ObjectPattern') {
      const wholeReq = isReqExpr(u);
      for (const p of id.properties) {
        if (p.type !== 'Property') continue;
        const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : undefined;
        const target = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
        if (key === 'searchParams' && target.type === 'Identifier' && isSearchParamsHost(u)) {
          partAlias.set(target.name, 'query');
          continue;
        }
        if (wholeReq && key && SOURCES[key]) {
          if (target.type === 'Identifier') partAlias.set(target.name, SOURCES[key]);
          else if (target.type === 'ObjectPattern') {
            for (const q of target.properties) {
              if (q.type === 'Property' && q.value.type === 'Identifier') {
                const f = !q.computed && q.key.type === 'Identifier' ? q.key.name : undefined;
                tainted.set(q.value.name, [{ source: SOURCES[key], field: f }]);
              }
            }
          }
          facts.reads.push({ source: SOURCES[key], node: p, location: loc(p) });
          continue;
        }
        if (r && target.type === 'Identifier') {
          tainted.set(target.name, [{ source: r.source, field: r.field ?? key }]);
        } else {
          const t = taintOf(init);
          if (t.length && target.type === 'Identifier') tainted.set(target.name, t);
        }
      }
      if (r && r.field === undefined) {
        // `const { email, password } = req.body` reads those fields.
        const fields = id.properties.filter((p) => p.type === 'Property' && !p.computed && p.key.type === 'Identifier');
        if (fields.length === 0) facts.reads.push({ source: r.source, node: init, location: loc(init) });
        for (const p of fields) {
          facts.reads.push({ source: r.source, field: ((p as TSESTree.Property).key as TSESTree.Identifier).name, node: p, location: loc(p) });
        }
      }
    }
  };

  const addSink = (kind: SinkKind, callee: string, call: Node, arg: Node | undefined) => {
    const t = taintOf(arg);
    if (!t.length) return;
    facts.sinks.push({ kind, callee, location: loc(call), inputs: t });
  };

  const statusOf = (n: Node | undefined): number | undefined => {
    if (!n) return undefined;
    const u = unwrap(n);
    if (u.type === 'Literal' && typeof u.value === 'number') return u.value;
    if (u.type === 'MemberExpression') {
      const p = propertyName(u);
      const map: Record<string, number> = { UNAUTHORIZED: 401, FORBIDDEN: 403, BAD_REQUEST: 400, TOO_MANY_REQUESTS: 429, UNPROCESSABLE_ENTITY: 422 };
      if (p && map[p]) return map[p];
    }
    return undefined;
  };

  /** The request part an expression is (a member read, a call read, or an alias). */
  const partOf = (n: Node): { source: InputSource; field?: string } | undefined => {
    const u = unwrap(n);
    return u.type === 'CallExpression' ? readOfCall(u) ?? readOf(u) : readOf(u);
  };

  const noteRead = (r: { source: InputSource; field?: string }, node: Node): void => {
    facts.reads.push({ source: r.source, field: r.field, node, location: loc(node) });
    if (r.source === 'headers' && r.field && CREDENTIAL_HEADER.test(r.field)) facts.credentialSignals.push({ what: `reads ${nodeText(pf, node)}`, location: loc(node) });
    if (r.source === 'cookies' && r.field && CREDENTIAL_COOKIE.test(r.field)) facts.credentialSignals.push({ what: `reads ${nodeText(pf, node)}`, location: loc(node) });
  };

  const body = fn.body;
  walk(body, (node, parent) => {
    switch (node.type) {
      case 'VariableDeclarator':
        if (node.init) bindPattern(node.id, node.init);
        break;
      case 'AssignmentExpression':
        if (node.left.type === 'Identifier') {
          const t = taintOf(node.right);
          if (t.length) tainted.set(node.left.name, [...(tainted.get(node.left.name) ?? []), ...t]);
        }
        if (
          res &&
          node.left.type === 'MemberExpression' &&
          unwrap(node.left.object).type === 'Identifier' &&
          (unwrap(node.left.object) as TSESTree.Identifier).name === res &&
          propertyName(node.left) === 'statusCode'
        ) {
          const st = statusOf(node.right);
          if (st && st >= 400) facts.rejections.push({ status: st, how: `${res}.statusCode = ${st}`, location: loc(node) });
        }
        // Koa: ctx.status = 401 (ctx.response.status = 401).
        if (ctx && node.left.type === 'MemberExpression' && propertyName(node.left) === 'status') {
          const o = unwrap(node.left.object);
          if (isIdent(o, ctx) || (o.type === 'MemberExpression' && isIdent(o.object, ctx) && propertyName(o) === 'response')) {
            const st = statusOf(node.right);
            if (st && st >= 400) facts.rejections.push({ status: st, how: `${nodeText(pf, node.left, 30)} = ${st}`, location: loc(node) });
            if (st === 429) facts.rateSignals.push({ what: 'responds 429', location: loc(node) });
          }
        }
        break;
      case 'MemberExpression': {
        if (parent && parent.type === 'MemberExpression' && parent.object === node) break; // counted at the outermost
        // `req.headers.get('x')`: the call is the read (counted below), not `req.headers.get`.
        if (parent && parent.type === 'CallExpression' && parent.callee === node && /^(get|getAll|has|json|text|formData|arrayBuffer|blob)$/.test(propertyName(node) ?? '')) break;
        // Reads through a call result (`c.req.query().q`, `(await req.json()).email`) are counted on the call.
        if (unwrap(node.object).type === 'CallExpression') break;
        const r = readOf(node);
        if (r) noteRead(r, node);
        if (r && r.field === undefined && parent && ((parent.type === 'CallExpression' && parent.callee !== node) || parent.type === 'SpreadElement' || parent.type === 'NewExpression')) facts.wholeUses.push({ source: r.source, location: loc(node) });
        const path = memberPath(node);
        // Koa: ctx.state.user; Hono: c.var.user.
        if (ctx && path && path[0] === ctx && path.length >= 3 && (path[1] === 'state' || path[1] === 'var') && CREDENTIAL_STATE.test(path[2])) {
          if (path.length >= 4 && ROLE_PROP.test(path[3])) facts.roleSignals.push({ what: `checks ${path.join('.')}`, location: loc(node) });
          facts.credentialSignals.push({ what: `reads ${path.slice(0, 3).join('.')}`, location: loc(node) });
        }
        if (path && isReqName(path[0]) && path.length >= 2) {
          if (path[1] === 'user' || path[1] === 'auth' || path[1] === 'session') {
            if (path.length >= 3 && ROLE_PROP.test(path[2])) facts.roleSignals.push({ what: `checks ${path.join('.')}`, location: loc(node) });
            facts.credentialSignals.push({ what: `reads ${path.slice(0, 3).join('.')}`, location: loc(node) });
          }
          if (path[1] === 'signedCookies') facts.credentialSignals.push({ what: `reads ${path.join('.')}`, location: loc(node) });
        }
        break;
      }
      case 'Identifier':
        if (partAlias.has(node.name) && parent && parent.type !== 'MemberExpression' && parent.type !== 'VariableDeclarator' && parent.type !== 'Property') {
          facts.reads.push({ source: partAlias.get(node.name)!, node, location: loc(node) });
          if (parent.type === 'CallExpression' || parent.type === 'SpreadElement' || parent.type === 'NewExpression') facts.wholeUses.push({ source: partAlias.get(node.name)!, location: loc(node) });
        }
        break;
      case 'ReturnStatement':
        // NestJS guards: `return false` (or `return !!user` style falsy results) answers 403.
        if (params.falseRejects && node.argument) {
          const a = unwrap(node.argument);
          if (a.type === 'Literal' && a.value === false) facts.rejections.push({ status: 403, how: 'canActivate returns false (403)', location: loc(node) });
          else if (a.type === 'UnaryExpression' || a.type === 'LogicalExpression' || a.type === 'BinaryExpression' || a.type === 'CallExpression' || a.type === 'MemberExpression' || a.type === 'Identifier') {
            facts.rejections.push({ status: 403, how: `canActivate returns ${nodeText(pf, a, 30)} (403 when falsy)`, location: loc(node) });
          }
        }
        break;
      case 'ThrowStatement':
        facts.rejections.push({ status: throwStatus(node.argument), how: 'throws', location: loc(node) });
        break;
      case 'CallExpression':
      case 'NewExpression': {
        const path = memberPath(node.callee);
        // `z.object({…}).parse(x)`: the method name even when the chain starts with a call.
        const calleeNode = node.callee;
        const last =
          path?.[path.length - 1] ??
          (calleeNode.type === 'MemberExpression' && !calleeNode.computed && calleeNode.property.type === 'Identifier' ? calleeNode.property.name : undefined);
        const first = path?.[0];
        const args = node.arguments as Node[];
        // Responses and rejections.
        const reject = (st: number | undefined, how: string) => {
          if (st !== undefined && st < 400) return;
          facts.rejections.push({ status: st, how, location: loc(node) });
          if (st === 429) facts.rateSignals.push({ what: `responds 429`, location: loc(node) });
        };
        if (res && first === res && path) {
          const m = path[path.length - 1];
          if (m === 'status' || m === 'sendStatus' || m === 'writeHead' || m === 'code') {
            const st = statusOf(args[0]);
            if (st !== undefined) reject(st, `${res}.${m}(${st})`);
          }
          // @fastify/sensible: reply.unauthorized(), reply.forbidden(), reply.tooManyRequests().
          if (path.length === 2 && SENSIBLE_ERRORS[m]) reject(SENSIBLE_ERRORS[m], `${res}.${m}()`);
          if (m === 'redirect') addSink('redirect', `${res}.redirect`, node, args[args.length - 1]);
          if (m === 'sendFile' || m === 'download') addSink('path', `${res}.${m}`, node, args[0]);
        }
        if (path && path.length >= 2 && path[path.length - 2] === 'httpErrors' && SENSIBLE_ERRORS[last ?? '']) reject(SENSIBLE_ERRORS[last!], `${path.join('.')}()`);
        if (ctx && first === ctx && path) {
          const m = path[path.length - 1];
          // Koa: ctx.throw(401), ctx.assert(user, 401); Hono: c.json(body, 401), c.text(…, 403), c.status(401).
          if (path.length === 2 && m === 'throw') reject(statusOf(args[0]) ?? throwStatus(args[0]), `${ctx}.throw(${nodeText(pf, args[0] ?? node, 20)})`);
          if (path.length === 2 && m === 'assert') reject(statusOf(args[1]), `${ctx}.assert(…, ${args[1] ? nodeText(pf, args[1], 10) : ''})`);
          if (path.length === 2 && m === 'status') reject(statusOf(args[0]), `${ctx}.status(${args[0] ? nodeText(pf, args[0], 10) : ''})`);
          if (path.length === 2 && HONO_RESPONDERS.has(m)) {
            const st = statusOf(args[1]) ?? statusOption(args[1]);
            if (st !== undefined) reject(st, `${ctx}.${m}(…, ${st})`);
          }
          if (path.length === 2 && m === 'redirect') {
            reject(undefined, `${ctx}.redirect(${args[0] ? nodeText(pf, args[0], 30) : ''})`);
            addSink('redirect', `${ctx}.redirect`, node, args[0]);
          }
          // Hono: c.get('jwtPayload'), c.get('user'), c.get('session').
          if (path.length === 2 && m === 'get') {
            const a = args[0] && unwrap(args[0]);
            if (a && a.type === 'Literal' && typeof a.value === 'string' && CREDENTIAL_STATE.test(a.value)) facts.credentialSignals.push({ what: `reads ${nodeText(pf, node, 40)}`, location: loc(node) });
          }
        }
        // Fetch API responses: new Response(…, { status: 401 }), NextResponse.json(…, { status: 403 }), Response.json(…).
        if (path && (path[0] === 'Response' || path[0] === 'NextResponse') && (path.length === 1 || /^(json|error)$/.test(last ?? ''))) {
          const st = statusOption(args[1]);
          if (st !== undefined) reject(st, `${path.join('.')}(…, { status: ${st} })`);
        }
        // A redirect to sign in: NextResponse.redirect(…), redirect() from next/navigation, Response.redirect(…).
        if (path && ((path.length === 2 && (path[0] === 'NextResponse' || path[0] === 'Response') && last === 'redirect') || (path.length === 1 && (last === 'redirect' || last === 'permanentRedirect') && packageOrigin(calleeValue(node.callee))?.pkg === 'next'))) {
          reject(undefined, `${path.join('.')}(${args[0] ? nodeText(pf, args[0], 30) : ''})`);
        }
        // Reads through calls: req.json(), c.req.query('q'), ctx.get('authorization'), headers().
        const callRead = node.type === 'CallExpression' ? readOfCall(node) : undefined;
        if (callRead) noteRead(callRead, node);
        // Session and identity providers: auth(), getServerSession(), currentUser(), supabase.auth.getUser(), request.jwtVerify().
        if (node.type === 'CallExpression' && last && IDENTITY_CALL.test(last)) {
          const origin = packageOrigin(calleeValue(node.callee));
          if (origin && IDENTITY_PACKAGES.test(origin.pkg)) {
            facts.credentialSignals.push({ what: `calls ${nodeText(pf, node.callee, 40)}() from ${origin.pkg}`, location: loc(node) });
            // Clerk's auth.protect() / auth().protect() rejects anonymous requests itself.
            if (last === 'protect') reject(401, `${nodeText(pf, node.callee, 40)}() rejects anonymous requests`);
          }
        }
        if (node.type === 'CallExpression' && last === 'protect' && node.callee.type === 'MemberExpression' && unwrap(node.callee.object).type === 'CallExpression') {
          const origin = packageOrigin(calleeValue(node.callee));
          if (origin && IDENTITY_PACKAGES.test(origin.pkg)) {
            facts.credentialSignals.push({ what: `calls ${nodeText(pf, node.callee, 40)}() from ${origin.pkg}`, location: loc(node) });
            reject(401, `${nodeText(pf, node.callee, 40)}() rejects anonymous requests`);
          }
        }
        if (next && first === next && path?.length === 1 && args.length >= 1) {
          const a = unwrap(args[0]);
          if (!(a.type === 'Literal' && (a.value === 'route' || a.value === 'router'))) {
            facts.rejections.push({ status: throwStatus(a), how: `${next}(${nodeText(pf, a, 30)})`, location: loc(node) });
          }
        }
        if (last === 'createError' || last === 'HttpError' || (last && /^(Unauthorized|Forbidden|Unauthenticated)/.test(last))) {
          const st = statusOf(args[0]) ?? (last && /^Unauthorized|^Unauthenticated/.test(last) ? 401 : last && /^Forbidden/.test(last) ? 403 : undefined);
          if (st) facts.rejections.push({ status: st, how: nodeText(pf, node, 40), location: loc(node) });
        }
        // express-validator's check of results.
        if (last === 'validationResult') facts.checksValidationResult = true;
        // Schema validation of request parts inside the function.
        if (last && VALIDATE_METHODS.has(last) && node.type === 'CallExpression') {
          const covers = new Set<InputSource>();
          for (const a of args) {
            const r = partOf(a);
            if (r) covers.add(r.source);
            const u = unwrap(a);
            if (u.type === 'ObjectExpression') for (const p of u.properties) if (p.type === 'Property') { const rr = partOf(p.value as Node); if (rr) covers.add(rr.source); }
            if (u.type === 'Identifier' && isReqName(u.name)) for (const s of ['body', 'query', 'params'] as InputSource[]) covers.add(s);
            // Object.fromEntries(searchParams), Object.fromEntries(await req.formData())
            if (u.type === 'CallExpression' && memberPath(u.callee)?.join('.') === 'Object.fromEntries' && u.arguments[0]) { const rr = partOf(u.arguments[0] as Node); if (rr) covers.add(rr.source); }
          }
          if (covers.size) {
            const safe = /^safeParse/.test(last);
            facts.validationCalls.push({ covers: [...covers], what: nodeText(pf, node.callee, 40) + '(…)', location: loc(node), checked: !safe || isResultChecked(node, parent) });
          }
        } else if (node.type === 'CallExpression' && args.length && path && path.length === 1) {
          // ajv: `const validate = ajv.compile(schema); validate(req.body)`
          const cv = calleeValue(node.callee);
          const origin = packageOrigin(cv);
          if (origin && /^(ajv|typia|@sinclair\/typebox|valibot|superstruct|io-ts)$/.test(origin.pkg)) {
            const covers = args.map((a) => partOf(a)?.source).filter((s): s is InputSource => !!s);
            if (covers.length) facts.validationCalls.push({ covers, what: `${path[0]}(…) from ${origin.pkg}`, location: loc(node), checked: true });
          }
        }
        // Credential verification.
        if (last && VERIFY_CALL.test(last)) {
          const cv = calleeValue(node.callee);
          const origin = packageOrigin(cv);
          const known = origin && /^(jsonwebtoken|jose|firebase-admin|passport|next-auth|@auth0\/.*|google-auth-library|jwks-rsa|express-jwt|@clerk\/.*|@supabase\/.*|aws-jwt-verify)$/.test(origin.pkg);
          if (known || /^(verify|jwtVerify|verifyIdToken)$/.test(last) || /token|jwt|session/i.test(path!.join('.'))) {
            facts.credentialSignals.push({ what: `calls ${path!.join('.')}${origin ? ` from ${origin.pkg}` : ''}`, location: loc(node) });
          }
        }
        if (path && (isReqName(path[0]) || (ctx && path[0] === ctx)) && (last === 'isAuthenticated' || last === 'isUnauthenticated')) {
          facts.credentialSignals.push({ what: `calls ${path.join('.')}()`, location: loc(node) });
        }
        if (path && isReqName(path[0]) && path.length === 2 && (last === 'get' || last === 'header')) {
          const a = args[0] && unwrap(args[0]);
          if (a && a.type === 'Literal' && typeof a.value === 'string') {
            facts.reads.push({ source: 'headers', field: a.value.toLowerCase(), node, location: loc(node) });
            if (CREDENTIAL_HEADER.test(a.value)) facts.credentialSignals.push({ what: `reads header ${a.value}`, location: loc(node) });
          }
        }
        // Rate limiting signals.
        if (last === 'limit' && node.type === 'CallExpression' && args.length) {
          // @upstash/ratelimit and look-alikes: `const { success } = await ratelimit.limit(ip)`.
          const origin = packageOrigin(calleeValue(node.callee));
          if ((origin && /rate-?limit|limiter/i.test(origin.pkg)) || /rate-?limit|limiter/i.test(path?.slice(0, -1).join('.') ?? '')) {
            facts.rateSignals.push({ what: `counts requests with ${nodeText(pf, node.callee, 40)}(…)${origin ? ` from ${origin.pkg}` : ''}`, location: loc(node) });
          }
        }
        if (last === 'consume' || last === 'penalty' || last === 'incr' || last === 'incrBy' || last === 'hit') {
          const keyed = args.some((a) => { const t = nodeText(pf, a, 80); return /\.ip\b|ips|user|key|id/i.test(t); });
          if (last === 'consume' || keyed) facts.rateSignals.push({ what: `counts requests with ${nodeText(pf, node.callee, 40)}(…)`, location: loc(node) });
        }
        // Webhook signatures.
        if (last === 'constructEvent' || last === 'constructEventAsync' || last === 'verifySignature' || last === 'verifyWebhook' || (last === 'verify' && path && /webhook|svix|signature/i.test(path.join('.')))) {
          facts.signatureChecks.push({ what: `calls ${path!.join('.')}`, location: loc(node) });
        }
        if (last === 'timingSafeEqual') hasTimingSafeEqual = true;
        if (last === 'createHmac') hasHmac = true;
        // Sinks.
        if (node.type === 'CallExpression' && path) {
          const cv = path.length <= 3 ? calleeValue(node.callee) : { kind: 'unknown' as const };
          const origin = packageOrigin(cv);
          const name = path.join('.');
          if (origin && (origin.pkg === 'child_process' || origin.pkg === 'execa' || origin.pkg === 'shelljs') && (CP_FUNCS.test(last ?? '') || origin.pkg === 'execa' || last === 'exec')) {
            addSink('command', `${origin.pkg}.${origin.path.join('.') || last}`, node, args[0]);
          } else if (origin && FS_PACKAGES.has(origin.pkg) && FS_FUNCS.test(last ?? '')) {
            addSink('path', `${origin.pkg}.${last}`, node, args[0]);
            if (/^(writeFile|writeFileSync|appendFile|appendFileSync|outputFile)$/.test(last ?? '')) { /* content flowing is not a path sink */ }
          } else if ((origin && HTTP_PACKAGES.has(origin.pkg)) || (origin && (origin.pkg === 'http' || origin.pkg === 'https') && /^(get|request)$/.test(last ?? '')) || (path.length === 1 && path[0] === 'fetch' && cv.kind === 'unknown')) {
            addSink('url', origin ? `${origin.pkg}${origin.path.length ? '.' + origin.path.join('.') : ''}` : 'fetch', node, args[0]);
          } else if ((path.length === 1 && (path[0] === 'eval' || path[0] === 'Function')) || (origin && origin.pkg === 'vm')) {
            addSink('code', name, node, args[args.length - 1]);
          } else if (last && SQL_METHODS.has(last) && path.length >= 2) {
            const a0 = args[0] && unwrap(args[0]);
            // Parameterised queries pass a constant string; a template or concatenation with input is injection.
            if (a0 && (a0.type === 'TemplateLiteral' || a0.type === 'BinaryExpression' || a0.type === 'Identifier' || a0.type === 'MemberExpression')) {
              addSink('sql', name, node, a0);
            }
          }
        } else if (node.type === 'NewExpression' && path?.length === 1 && path[0] === 'Function') {
          addSink('code', 'new Function', node, args[args.length - 1]);
        }
        // Delegation: the request handed to another function.
        if (node.type === 'CallExpression' && (reqs.size || ctx)) {
          const passesReq = args.some((a) => { const u = unwrap(a); return u.type === 'Identifier' && (isReqName(u.name) || u.name === ctx); });
          const passesNext = !!next && args.some((a) => { const u = unwrap(a); return u.type === 'Identifier' && u.name === next; });
          if (
            passesReq &&
            !(path && (path[0] === 'console' || /^(log|logger|debug|validationResult|matchedData)$/.test(path[0]))) &&
            !callRead &&
            !IDENTITY_PACKAGES.test(packageOrigin(calleeValue(node.callee))?.pkg ?? '')
          ) {
            facts.delegations.push({ callee: calleeValue(node.callee), node, location: loc(node), passesReq, passesNext });
          }
        }
        break;
      }
      default:
        break;
    }
    return undefined;
  });
  if (hasHmac && hasTimingSafeEqual) facts.signatureChecks.push({ what: 'compares an HMAC signature with crypto.timingSafeEqual', location: loc(fn) });
  return facts;
}

function throwStatus(n: Node | null | undefined): number | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  if (u.type === 'NewExpression' || u.type === 'CallExpression') {
    const path = memberPath(u.callee);
    const last = path?.[path.length - 1] ?? '';
    if (/Unauthori[sz]ed|Unauthenticated/.test(last)) return 401;
    if (/Forbidden/.test(last)) return 403;
    if (/BadRequest|Validation/.test(last)) return 400;
    if (/TooMany/.test(last)) return 429;
    for (const a of u.arguments) {
      const x = unwrap(a as Node);
      if (x.type === 'Literal' && typeof x.value === 'number') return x.value;
    }
  }
  return undefined;
}

/** `const r = schema.safeParse(x); if (!r.success) …` — is the result looked at? */
function isResultChecked(call: Node, parent: Node | undefined): boolean {
  if (!parent) return false;
  if (parent.type === 'VariableDeclarator' || parent.type === 'IfStatement' || parent.type === 'MemberExpression' || parent.type === 'UnaryExpression') return true;
  return parent.type !== 'ExpressionStatement';
}
