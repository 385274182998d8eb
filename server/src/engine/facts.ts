/**
 * What a function (a middleware or a handler) does with the request, read from its body:
 * request inputs it reads, where they flow (sinks), checks it performs (credentials, schemas,
 * request counting) and how it rejects a request (401/403/400/429, next(err), throw).
 *
 * Framework-specific knowledge is limited to the request/response parameter names, which the
 * caller passes in (`req`/`res`/`next` for Express).
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
}

const SOURCES: Record<string, InputSource> = {
  body: 'body',
  query: 'query',
  params: 'params',
  headers: 'headers',
  cookies: 'cookies',
  signedCookies: 'cookies',
};

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
  req?: string;
  res?: string;
  next?: string;
  /** `({ body, query }, res)` destructured request parameters. */
  destructured: Map<string, InputSource>;
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
    delegations: [],
  };
  const fn = fnValue.node;
  const req = params.req;
  const res = params.res;
  const next = params.next;
  // Aliases of whole request parts: `const { body } = req`, `const data = req.body`.
  const partAlias = new Map<string, InputSource>(params.destructured);
  // Tainted variables: name → input parts flowing into it.
  const tainted = new Map<string, Taint>();
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

  /** The request part a member expression reads: `req.body`, `req.body.x`, `body.x` (alias). */
  const readOf = (n: Node): { source: InputSource; field?: string } | undefined => {
    const u = unwrap(n);
    if (u.type === 'Identifier' && partAlias.has(u.name)) return { source: partAlias.get(u.name)! };
    if (u.type !== 'MemberExpression') return undefined;
    const obj = unwrap(u.object);
    let prop = propertyName(u);
    if (req && obj.type === 'Identifier' && obj.name === req && prop === undefined && u.computed) {
      // req[part]: the factory's argument decides which part (`validate(schema, 'query')`).
      const v = calleeValue(u.property);
      prop = v.kind === 'literal' && typeof v.value === 'string' ? v.value : 'body';
    }
    if (req && obj.type === 'Identifier' && obj.name === req && prop && SOURCES[prop]) return { source: SOURCES[prop] };
    const inner = readOf(obj);
    if (inner && inner.field === undefined) return { source: inner.source, field: prop };
    if (inner) return inner;
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
    const r = readOf(init);
    const u = unwrap(init);
    if (id.type === 'Identifier') {
      if (req && u.type === 'MemberExpression' && r && r.field === undefined) partAlias.set(id.name, r.source);
      const t = taintOf(init);
      if (t.length) tainted.set(id.name, t);
      return;
    }
    if (id.type === 'ObjectPattern') {
      const wholeReq = req && u.type === 'Identifier' && u.name === req;
      for (const p of id.properties) {
        if (p.type !== 'Property') continue;
        const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : undefined;
        const target = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
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
        break;
      case 'MemberExpression': {
        if (parent && parent.type === 'MemberExpression' && parent.object === node) break; // counted at the outermost
        const r = readOf(node);
        if (r) {
          facts.reads.push({ source: r.source, field: r.field, node, location: loc(node) });
          if (r.source === 'headers' && r.field && CREDENTIAL_HEADER.test(r.field)) facts.credentialSignals.push({ what: `reads ${nodeText(pf, node)}`, location: loc(node) });
          if (r.source === 'cookies' && r.field && CREDENTIAL_COOKIE.test(r.field)) facts.credentialSignals.push({ what: `reads ${nodeText(pf, node)}`, location: loc(node) });
          if (r.source === 'cookies' && !r.field && parent?.type !== 'VariableDeclarator') {
            /* whole cookie object: not a credential read by itself */
          }
        }
        const path = memberPath(node);
        if (req && path && path[0] === req && path.length >= 2) {
          if (path[1] === 'user' || path[1] === 'auth' || path[1] === 'session') {
            if (path.length >= 3 && /^(role|roles|isAdmin|admin|permissions|scope|scopes)$/.test(path[2])) facts.roleSignals.push({ what: `checks ${path.join('.')}`, location: loc(node) });
            facts.credentialSignals.push({ what: `reads ${path.slice(0, 3).join('.')}`, location: loc(node) });
          }
          if (path[1] === 'signedCookies') facts.credentialSignals.push({ what: `reads ${path.join('.')}`, location: loc(node) });
        }
        break;
      }
      case 'Identifier':
        if (partAlias.has(node.name) && parent && parent.type !== 'MemberExpression' && parent.type !== 'VariableDeclarator' && parent.type !== 'Property') {
          facts.reads.push({ source: partAlias.get(node.name)!, node, location: loc(node) });
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
        if (res && first === res && path) {
          const m = path[path.length - 1];
          if (m === 'status' || m === 'sendStatus' || m === 'writeHead') {
            const st = statusOf(args[0]);
            if (st !== undefined) {
              if (st >= 400) facts.rejections.push({ status: st, how: `${res}.${m}(${st})`, location: loc(node) });
              if (st === 429) facts.rateSignals.push({ what: `responds 429`, location: loc(node) });
            }
          }
          if (m === 'redirect') addSink('redirect', `${res}.redirect`, node, args[args.length - 1]);
          if (m === 'sendFile' || m === 'download') addSink('path', `${res}.${m}`, node, args[0]);
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
            const r = readOf(a);
            if (r) covers.add(r.source);
            const u = unwrap(a);
            if (u.type === 'ObjectExpression') for (const p of u.properties) if (p.type === 'Property') { const rr = readOf(p.value as Node); if (rr) covers.add(rr.source); }
            if (req && u.type === 'Identifier' && u.name === req) for (const s of ['body', 'query', 'params'] as InputSource[]) covers.add(s);
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
            const covers = args.map((a) => readOf(a)?.source).filter((s): s is InputSource => !!s);
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
        if (req && path && path[0] === req && (last === 'isAuthenticated' || last === 'isUnauthenticated')) {
          facts.credentialSignals.push({ what: `calls ${path.join('.')}()`, location: loc(node) });
        }
        if (req && path && path[0] === req && path.length === 2 && (last === 'get' || last === 'header')) {
          const a = args[0] && unwrap(args[0]);
          if (a && a.type === 'Literal' && typeof a.value === 'string') {
            facts.reads.push({ source: 'headers', field: a.value.toLowerCase(), node, location: loc(node) });
            if (CREDENTIAL_HEADER.test(a.value)) facts.credentialSignals.push({ what: `reads header ${a.value}`, location: loc(node) });
          }
        }
        // Rate limiting signals.
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
        if (node.type === 'CallExpression' && req) {
          const passesReq = args.some((a) => { const u = unwrap(a); return u.type === 'Identifier' && u.name === req; });
          const passesNext = !!next && args.some((a) => { const u = unwrap(a); return u.type === 'Identifier' && u.name === next; });
          if (passesReq && !(path && (path[0] === 'console' || /^(log|logger|debug|validationResult|matchedData)$/.test(path[0])))) {
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
