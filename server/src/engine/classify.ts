/**
 * Classifying a step (middleware) as authentication, validation or rate limiting, with evidence:
 *   1. the catalogue of well-known packages, matched through the import (not the name);
 *   2. locally written middleware judged by its body (followed into other files and factories);
 *   3. the user's config naming project-specific middleware;
 *   4. names, as low-confidence evidence only when the code cannot be seen.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { packageOrigin, rootCall, type Evaluator, type Value } from './evaluate';
import { analyzeFunction, paramsFor, type FunctionFacts, type RequestParams } from './facts';
import type { Classification, Evidence, Framework, InputSource, SourceLocation, Step, StepScope } from './model';
import { callDisplay, nodeLocation, nodeText, unwrap, type Node, type ParsedFile } from './parse';
import type { ApiWardenConfig } from './config';

export interface ClassifierHost {
  getParsed(file: string): ParsedFile | undefined;
}

type Fn = Extract<Value, { kind: 'function' }>;

/**
 * A framework adapter's knowledge of its ecosystem's packages (koa-jwt, @hono/zod-validator,
 * @nestjs/throttler…): given a value that comes from `pkg` (through its import) at `path`,
 * its classification, or undefined when the package is not one it knows.
 */
export type PackageCatalogue = (
  pkg: string,
  path: string[],
  value: Value,
  name: string,
) => { classes: Classification[]; opaque: boolean; notes: string[] } | undefined;

export const ALL_INPUTS: InputSource[] = ['body', 'query', 'params', 'headers', 'cookies'];

/** Packages that are well known and are none of auth / validation / rate limiting. */
const KNOWN_OTHER: Record<string, string> = {
  helmet: 'helmet sets security headers; it does not authenticate',
  cors: 'cors configures cross-origin access; it does not authenticate',
  morgan: 'request logging',
  compression: 'response compression',
  'cookie-parser': 'cookie parsing',
  'body-parser': 'body parsing (no schema)',
  multer: 'multipart parsing',
  'express-session': 'express-session loads a session; it does not reject anonymous requests',
  'cookie-session': 'cookie-session loads a session; it does not reject anonymous requests',
  hpp: 'HTTP parameter pollution protection',
  csurf: 'CSRF protection, not authentication',
  'express-mongo-sanitize': 'operator sanitising, not schema validation',
  'express-xss-sanitizer': 'XSS sanitising, not schema validation',
  'xss-clean': 'XSS sanitising, not schema validation',
  'serve-static': 'static files',
  'express-async-handler': 'async error wrapper',
  'pino-http': 'request logging',
  'express-winston': 'request logging',
  'response-time': 'timing header',
  'method-override': 'method override',
};

const AUTH_NAME = /(auth(?!or)|jwt|protect|guard|logged.?in|require.?(user|login|admin|role|session)|verify.?token|check.?token|is.?admin|session.?(guard|required)|api.?key|bearer|permission)/i;
const VALIDATION_NAME = /(validat|schema|sanitiz|celebrate)/i;
const RATE_NAME = /(rate.?limit|limiter|throttl|brute|slow.?down)/i;

export class Classifier {
  private readonly memo = new Map<string, Classification[] & { notes?: string[]; opaque?: boolean; definition?: SourceLocation; pkg?: string }>();
  private readonly factsMemo = new Map<string, Map<Value, FunctionFacts>>();
  private readonly factsByStart = new Map<string, FunctionFacts>();
  /** Catalogues contributed by framework adapters, consulted after the built-in one. */
  readonly catalogues: PackageCatalogue[] = [];

  constructor(
    private readonly ev: Evaluator,
    private readonly host: ClassifierHost,
    private readonly config: ApiWardenConfig,
  ) {}

  /**
   * What a function does with the request, read with the framework's parameter conventions
   * (`paramsFor`), or with explicit ones (NestJS parameter decorators, guards).
   */
  factsOf(fn: Fn, framework: Framework, params?: RequestParams, memoKey: string = framework): FunctionFacts | undefined {
    let memo = this.factsMemo.get(memoKey);
    if (!memo) this.factsMemo.set(memoKey, (memo = new Map()));
    const hit = memo.get(fn);
    if (hit) return hit;
    const pf = this.host.getParsed(fn.file);
    if (!pf) return undefined;
    const facts = analyzeFunction(fn, pf, this.ev, params ?? paramsFor(framework, fn.node));
    memo.set(fn, facts);
    this.factsByStart.set(`${fn.file}:${fn.node.range[0]}`, facts);
    return facts;
  }

  /** Facts of the function defined at a location already classified. */
  factsAt(loc: SourceLocation): FunctionFacts | undefined {
    return this.factsByStart.get(`${loc.file}:${loc.range[0]}`);
  }

  /** Build the Step for a middleware value used at `node`. */
  step(value: Value, node: Node, file: string, scope: StepScope, pathScope?: string, framework: Framework = 'express'): Step {
    const pf = this.host.getParsed(file)!;
    const location = nodeLocation(pf, node);
    const name = displayName(pf, node);
    const r = this.classifyValue(value, name, 0, framework);
    const step: Step = {
      name,
      scope,
      location,
      classifications: [...r.classes],
      opaque: r.opaque,
    };
    if (r.definition) step.definition = r.definition;
    if (r.pkg) step.package = r.pkg;
    if (pathScope && pathScope !== '/') step.pathScope = pathScope;
    if (r.notes.length) step.notes = r.notes;
    // Config names project-specific middleware (overrides everything).
    const cfg = this.fromConfig(name, r.pkg, location);
    for (const c of cfg) {
      // The user's word beats a guess from the name.
      step.classifications = step.classifications.filter((x) => !(x.role === c.role && x.source === 'name'));
      if (!step.classifications.some((x) => x.role === c.role)) step.classifications.unshift(c);
    }
    if (cfg.length) step.opaque = false;
    return step;
  }

  private fromConfig(name: string, pkg: string | undefined, location: SourceLocation): Classification[] {
    const out: Classification[] = [];
    const base = name.replace(/\(.*$/, '');
    const last = base.split('.').pop()!;
    const matches = (entry: string) => {
      if (entry.includes('#')) {
        const [p, e] = entry.split('#');
        return pkg === p && (last === e || base === e);
      }
      return entry === base || entry === last || (!!pkg && entry === pkg);
    };
    const add = (role: Classification['role'], list: string[]) => {
      const hit = list.find(matches);
      if (hit) {
        out.push({
          role,
          confidence: 'high',
          source: 'config',
          reason: `${name} is named as ${role} middleware in ${this.config.file ? 'apiwarden.config.json' : 'the config'} ("${hit}")`,
          evidence: [{ message: `configured as ${role} middleware`, location }],
          covers: role === 'validation' ? [...ALL_INPUTS] : undefined,
        });
      }
    };
    add('auth', this.config.middleware.auth);
    add('validation', this.config.middleware.validation);
    add('rate-limit', this.config.middleware.rateLimit);
    return out;
  }

  /** What a middleware value does, judged with `framework`'s conventions for reading the request. */
  classifyValue(
    value: Value,
    name: string,
    depth: number,
    framework: Framework,
  ): { classes: Classification[]; opaque: boolean; notes: string[]; definition?: SourceLocation; pkg?: string } {
    const empty = { classes: [] as Classification[], opaque: true, notes: [] as string[] };
    if (depth > 6) return empty;
    // 1. Package catalogue.
    const origin = packageOrigin(value);
    if (origin) {
      let cat = catalogue(origin.pkg, origin.path, value, name);
      for (const extra of this.catalogues) cat ??= extra(origin.pkg, origin.path, value, name);
      if (cat) return { ...cat, pkg: origin.pkg };
      if (KNOWN_OTHER[origin.pkg] || (origin.pkg === 'express' && origin.path.length)) {
        return { classes: [], opaque: false, notes: KNOWN_OTHER[origin.pkg] ? [KNOWN_OTHER[origin.pkg]] : [], pkg: origin.pkg };
      }
      return { classes: nameClasses(name, `${name} comes from ${origin.pkg}, whose code API Warden does not read`), opaque: true, notes: [], pkg: origin.pkg };
    }
    // 2. Local function: judge by the body.
    const fn = functionOf(value);
    if (fn) {
      const pf = this.host.getParsed(fn.file);
      if (!pf) return empty;
      const definition = nodeLocation(pf, fn.node);
      const facts = this.factsOf(fn, framework)!;
      const res = this.judgeBody(fn, facts, name, definition, depth, framework);
      return { ...res, definition };
    }
    // An object with a function property used as middleware is not Express middleware; unknown.
    if (value.kind === 'unknown' || value.kind === 'call' || value.kind === 'member') {
      return { classes: nameClasses(name, `${name} could not be followed to its code`), opaque: true, notes: [] };
    }
    return empty;
  }

  private judgeBody(fn: Fn, facts: FunctionFacts, name: string, definition: SourceLocation, depth: number, framework: Framework) {
    const classes: Classification[] = [];
    const where = `${shortFile(fn.file)}:${definition.start.line}`;
    let opaque = false;
    // Delegation to another middleware: `(req, res, next) => passport.authenticate('jwt')(req, res, next)`.
    for (const d of facts.delegations) {
      if (!d.passesNext && !d.passesReq) continue;
      const inner = this.classifyValue(d.callee, nodeText(this.host.getParsed(fn.file)!, d.node.callee, 40), depth + 1, framework);
      for (const c of inner.classes) {
        if (!classes.some((x) => x.role === c.role)) classes.push({ ...c, reason: `${name} (${where}) delegates to ${c.reason}` });
      }
      if (inner.opaque && d.passesNext && !inner.classes.length) opaque = true;
    }
    const own = classifyFacts(facts, `${name} (${where})`);
    for (const c of own.classes) if (!classes.some((x) => x.role === c.role)) classes.push(c);
    const notes = own.notes.filter((n) => !(n.includes('never rejects') && classes.some((c) => c.role === 'auth')));
    if (!classes.length && opaque) {
      for (const c of nameClasses(name, `${name} (${where}) hands the request to code API Warden cannot follow`)) classes.push(c);
    }
    return { classes, opaque: opaque && !classes.length, notes };
  }

}

/**
 * What a function's body shows it does, as classifications: it reads credentials and rejects
 * (auth), parses request parts with a schema and uses the result (validation), counts requests
 * (rate limit). `subject` names it in reasons, e.g. "requireAuth (middleware/auth.ts:4)".
 */
export function classifyFacts(facts: FunctionFacts, subject: string): { classes: Classification[]; notes: string[] } {
  const classes: Classification[] = [];
  const notes: string[] = [];
  const rejects401 = facts.rejections.filter((r) => r.status === 401 || r.status === 403);
  const rejectsAny = facts.rejections.filter((r) => r.status === undefined || r.status === 401 || r.status === 403);
  if (facts.credentialSignals.length) {
    if (rejectsAny.length) {
      const rej = rejects401[0] ?? rejectsAny[0];
      classes.push({
        role: 'auth',
        confidence: rejects401.length ? 'high' : 'medium',
        source: 'body',
        reason: `${subject} ${facts.credentialSignals[0].what} and rejects with ${rej.how}`,
        evidence: [
          { message: facts.credentialSignals[0].what, location: facts.credentialSignals[0].location },
          { message: `rejects: ${rej.how}`, location: rej.location },
        ],
      });
    } else {
      notes.push(`${subject} ${facts.credentialSignals[0].what} but never rejects the request (no 401/403, no next(err), no throw)`);
    }
  } else if (facts.roleSignals.length && rejects401.length) {
    classes.push({
      role: 'auth',
      confidence: 'medium',
      source: 'body',
      reason: `${subject} ${facts.roleSignals[0].what} and rejects with ${rejects401[0].how}`,
      evidence: [{ message: facts.roleSignals[0].what, location: facts.roleSignals[0].location }],
    });
  }
  const vcalls = facts.validationCalls.filter((v) => v.checked);
  if (vcalls.length) {
    const covers = [...new Set(vcalls.flatMap((v) => v.covers))];
    classes.push({
      role: 'validation',
      confidence: 'high',
      source: 'body',
      reason: `${subject} validates req.${covers.join('/req.')} with ${vcalls[0].what}`,
      evidence: vcalls.map((v) => ({ message: `validates with ${v.what}`, location: v.location })),
      covers,
    });
  } else if (facts.validationCalls.length) {
    notes.push(`${subject} calls ${facts.validationCalls[0].what} but ignores its result`);
  }
  if (facts.rateSignals.length) {
    const has429 = facts.rejections.some((r) => r.status === 429) || facts.rateSignals.some((x) => x.what.includes('429'));
    classes.push({
      role: 'rate-limit',
      confidence: has429 ? 'high' : 'medium',
      source: 'body',
      reason: `${subject} ${facts.rateSignals[0].what}`,
      evidence: facts.rateSignals.map((x) => ({ message: x.what, location: x.location })),
    });
  }
  return { classes, notes };
}

/** The function a value stands for: itself, or the function a factory call returned. */
export function functionOf(value: Value): Fn | undefined {
  return value.kind === 'function' ? value : undefined;
}

export function nameClasses(name: string, why: string): Classification[] {
  const base = name.replace(/\(.*$/, '');
  const out: Classification[] = [];
  const ev: Evidence[] = [{ message: why }];
  if (AUTH_NAME.test(base)) out.push({ role: 'auth', confidence: 'low', source: 'name', reason: `${why}; its name suggests authentication`, evidence: ev });
  if (VALIDATION_NAME.test(base)) out.push({ role: 'validation', confidence: 'low', source: 'name', reason: `${why}; its name suggests validation`, evidence: ev, covers: [...ALL_INPUTS] });
  if (RATE_NAME.test(base)) out.push({ role: 'rate-limit', confidence: 'low', source: 'name', reason: `${why}; its name suggests rate limiting`, evidence: ev });
  return out;
}

export function shortFile(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.slice(-2).join('/');
}

/** Display text of a middleware argument. */
function displayName(pf: ParsedFile, node: Node): string {
  const u = unwrap(node);
  if (u.type === 'CallExpression') return callDisplay(pf, u);
  if (u.type === 'ArrowFunctionExpression' || u.type === 'FunctionExpression') return u.type === 'FunctionExpression' && u.id ? u.id.name : 'inline function';
  return nodeText(pf, u, 50);
}

export function objectOption(value: Value, key: string): Value | undefined {
  if (value.kind !== 'call') return undefined;
  for (const a of value.args) {
    if (a.kind === 'object' && a.props.has(key)) return a.props.get(key);
  }
  return undefined;
}

export function isFalse(v: Value | undefined): boolean {
  return !!v && v.kind === 'literal' && v.value === false;
}

export function pkgClass(role: Classification['role'], reason: string, _value: Value, covers?: InputSource[], confidence: Classification['confidence'] = 'high'): Classification {
  return { role, confidence, source: 'package', reason, evidence: [{ message: reason }], covers };
}

/** The package catalogue. Returns undefined when the package is not one we know. */
function catalogue(
  pkg: string,
  path: string[],
  value: Value,
  name: string,
): { classes: Classification[]; opaque: boolean; notes: string[] } | undefined {
  const ok = (c: Classification) => ({ classes: [c], opaque: false, notes: [] as string[] });
  const not = (note: string) => ({ classes: [] as Classification[], opaque: false, notes: [note] });
  const head = path[0];
  switch (pkg) {
    case 'passport':
    case 'koa-passport':
      if (head === 'authenticate' || head === 'authorize') return ok(pkgClass('auth', `${name} from ${pkg}`, value));
      if (head === 'initialize' || head === 'session') return not(`${pkg}.${head}() sets passport up; it does not reject anonymous requests`);
      return undefined;
    case 'express-jwt': {
      if (isFalse(objectOption(value, 'credentialsRequired'))) return not(`${name} from express-jwt has credentialsRequired: false, so anonymous requests pass`);
      return ok(pkgClass('auth', `${name} from express-jwt verifies a JWT`, value));
    }
    case 'express-oauth2-jwt-bearer':
      if (isFalse(objectOption(value, 'authRequired'))) return not(`${name} has authRequired: false, so anonymous requests pass`);
      return ok(pkgClass('auth', `${name} from express-oauth2-jwt-bearer verifies an access token`, value));
    case 'express-openid-connect':
      if (head === 'requiresAuth') return ok(pkgClass('auth', `${name} from express-openid-connect`, value));
      if (head === 'auth') {
        if (isFalse(objectOption(value, 'authRequired'))) return not(`${name} from express-openid-connect has authRequired: false: it only attaches the session; add requiresAuth() to protected routes`);
        return ok(pkgClass('auth', `${name} from express-openid-connect (authRequired defaults to true)`, value));
      }
      return undefined;
    case '@clerk/express':
    case '@clerk/clerk-sdk-node':
      if (head === 'requireAuth' || head === 'ClerkExpressRequireAuth') return ok(pkgClass('auth', `${name} from ${pkg}`, value));
      if (head === 'clerkMiddleware' || head === 'ClerkExpressWithAuth') return not(`${name} from ${pkg} attaches auth state but does not reject anonymous requests`);
      return undefined;
    case 'express-basic-auth':
    case 'connect-ensure-login':
    case 'express-bearer-token':
      if (pkg === 'express-bearer-token') return not('express-bearer-token extracts a token but does not verify it');
      return ok(pkgClass('auth', `${name} from ${pkg}`, value));
    case 'jsonwebtoken':
      return not('jsonwebtoken is used inside middleware, not as middleware');
    case 'express-validator': {
      const root = rootCall(value);
      const fn = root && root.callee.kind === 'package' ? root.callee.path[0] : head;
      const covers: Record<string, InputSource[]> = {
        body: ['body'],
        query: ['query'],
        param: ['params'],
        header: ['headers'],
        cookie: ['cookies'],
        check: ['body', 'query', 'params', 'headers', 'cookies'],
        checkSchema: ['body', 'query', 'params', 'headers', 'cookies'],
        oneOf: ['body', 'query', 'params'],
        checkExact: ['body', 'query', 'params'],
      };
      if (fn && covers[fn]) {
        return ok(pkgClass('validation', `${name} from express-validator`, value, covers[fn]));
      }
      return undefined;
    }
    case 'celebrate': {
      if (head !== 'celebrate' && head !== 'celebrator') return undefined;
      const arg = value.kind === 'call' ? value.args[0] : undefined;
      const covers = new Set<InputSource>();
      if (arg && arg.kind === 'object') {
        for (const k of arg.props.keys()) {
          const key = k.toLowerCase().replace(/^segments\./, '');
          if (key.includes('body')) covers.add('body');
          if (key.includes('query')) covers.add('query');
          if (key.includes('param')) covers.add('params');
          if (key.includes('header')) covers.add('headers');
          if (key.includes('cookie')) covers.add('cookies');
        }
      }
      return ok(pkgClass('validation', `${name} from celebrate (Joi)`, value, covers.size ? [...covers] : [...ALL_INPUTS]));
    }
    case 'express-openapi-validator':
      return ok(pkgClass('validation', `${name} from express-openapi-validator validates every route of the OpenAPI spec`, value, [...ALL_INPUTS]));
    case 'express-joi-validation': {
      const last = path[path.length - 1];
      const m: Record<string, InputSource[]> = { body: ['body'], query: ['query'], params: ['params'], headers: ['headers'], fields: ['body'] };
      return ok(pkgClass('validation', `${name} from express-joi-validation`, value, m[last] ?? [...ALL_INPUTS]));
    }
    case 'zod-express-middleware':
    case 'express-zod-safe':
    case 'zod-express':
    case 'express-json-validator-middleware':
    case 'express-yup-middleware':
    case 'class-validator-express':
      return ok(pkgClass('validation', `${name} from ${pkg}`, value, inferCovers(path, value)));
    case 'express-rate-limit':
    case 'express-slow-down':
    case 'express-limiter':
    case 'rate-limiter-flexible':
    case 'express-brute':
      if (pkg === 'express-brute' && !/prevent|getMiddleware/.test(path.join('.'))) return undefined;
      if (pkg === 'rate-limiter-flexible') return undefined;
      return ok(pkgClass('rate-limit', `${name} from ${pkg}`, value));
    default:
      return undefined;
  }
}

function inferCovers(path: string[], value: Value): InputSource[] {
  const joined = path.join('.').toLowerCase();
  if (joined.includes('body')) return ['body'];
  if (joined.includes('query')) return ['query'];
  if (joined.includes('param')) return ['params'];
  const arg = value.kind === 'call' ? value.args[0] : undefined;
  if (arg && arg.kind === 'object') {
    const covers: InputSource[] = [];
    for (const k of arg.props.keys()) {
      if (k === 'body') covers.push('body');
      if (k === 'query') covers.push('query');
      if (k === 'params') covers.push('params');
    }
    if (covers.length) return covers;
  }
  return [...ALL_INPUTS];
}

export type { TSESTree };
