/**
 * Koa ecosystem knowledge: which packages authenticate, validate or rate limit (matched through
 * their imports), which are none of those, and koa-unless's `.unless({ path, ext, method })`
 * exemptions (koa-jwt and any middleware that carries `.unless`).
 */
import { objectOption, pkgClass, type PackageCatalogue } from '../classify';
import { rootCall, type Value } from '../evaluate';
import type { Classification, SourceLocation, Step } from '../model';

/** koa2-ratelimit `max: 0` (its own "disable" value): kept as a rate-limit step marked skipped by the adapter. */
export const KOA2_RATELIMIT_OFF = 'koa2-ratelimit with max: 0 is turned off: it counts requests but never answers 429';

/** Packages of the Koa ecosystem that play no auth / validation / rate-limit role (with why). */
const KOA_OTHER: Record<string, string> = {
  'koa-helmet': 'koa-helmet sets security headers; it does not authenticate',
  '@koa/cors': '@koa/cors configures cross-origin access; it does not authenticate',
  kcors: 'kcors configures cross-origin access; it does not authenticate',
  'koa-bodyparser': 'koa-bodyparser parses the body; parsing is not validation (no schema)',
  '@koa/bodyparser': '@koa/bodyparser parses the body; parsing is not validation (no schema)',
  'koa-body': 'koa-body parses the body; parsing is not validation (no schema)',
  'koa-better-body': 'koa-better-body parses the body; parsing is not validation (no schema)',
  '@koa/multer': 'multipart parsing, not validation',
  'koa-multer': 'multipart parsing, not validation',
  'koa-session': 'koa-session loads the session; it is not an authentication check',
  'koa-generic-session': 'koa-generic-session loads the session; it is not an authentication check',
  'koa-logger': 'request logging',
  'koa-morgan': 'request logging',
  'koa-pino-logger': 'request logging',
  'koa-compress': 'response compression',
  'koa-static': 'static files',
  'koa-send': 'static files',
  'koa-json': 'JSON response formatting',
  'koa-conditional-get': 'conditional GET (caching)',
  'koa-etag': 'ETag header',
  '@koa/csrf': 'CSRF protection, not authentication',
  'koa-csrf': 'CSRF protection, not authentication',
  'koa-response-time': 'timing header',
  'koa-views': 'template rendering',
};

/** Rate limiters whose middleware (the package's default export, called with options) limits every request it sees. */
const KOA_LIMITERS = new Set(['koa-ratelimit', 'koa-simple-ratelimit', '@ladjs/koa-simple-ratelimit', 'koa-ratelimit-lru', 'koa-better-ratelimit']);

export const koaCatalogue: PackageCatalogue = (pkg, path, value, name) => {
  const ok = (c: Classification) => ({ classes: [c], opaque: false, notes: [] as string[] });
  const not = (note: string) => ({ classes: [] as Classification[], opaque: false, notes: [note] });
  const last = path[path.length - 1];
  switch (pkg) {
    case 'koa-jwt': {
      // `jwt({...})` or `jwt({...}).unless({...})`: the options are on the root call.
      const root = rootCall(value) ?? value;
      if (optionIs(root, 'passthrough', true)) {
        return not(`${name} from koa-jwt has passthrough: true, so anonymous requests pass (it only sets ctx.state.user when a valid token is present)`);
      }
      return ok(pkgClass('auth', `${name} from koa-jwt verifies a JWT and answers 401 without a valid one`, value));
    }
    case 'koa-basic-auth':
      return ok(pkgClass('auth', `${name} from koa-basic-auth checks HTTP Basic credentials and answers 401`, value));
    case 'koa2-ratelimit': {
      if (!path.includes('middleware')) return undefined;
      const max = objectOption(value, 'max');
      const c = pkgClass('rate-limit', `${name} from koa2-ratelimit`, value);
      if (max && max.kind === 'literal' && max.value === 0) return { classes: [c], opaque: false, notes: [KOA2_RATELIMIT_OFF] };
      return ok(c);
    }
    case '@koa/router':
    case 'koa-router':
    case 'koa-joi-router':
      if (last === 'allowedMethods') return not(`${name} answers OPTIONS and 405/501 for unmatched methods; it is not a security step`);
      return undefined;
    default:
      if (KOA_LIMITERS.has(pkg)) return ok(pkgClass('rate-limit', `${name} from ${pkg}`, value));
      if (KOA_OTHER[pkg]) return not(KOA_OTHER[pkg]);
      return undefined;
  }
};

function optionIs(v: Value, key: string, expected: boolean): boolean {
  const o = objectOption(v, key);
  return !!o && o.kind === 'literal' && o.value === expected;
}

// ---------------------------------------------------------------------------------------------
// koa-unless

export interface UnlessRule {
  paths: Array<string | RegExp>;
  exts: string[];
  methods: string[];
  /** Something we could not read (a variable, a computed list): the exemption is not judged. */
  dynamic: boolean;
  custom: boolean;
}

/** Read `.unless({ path, ext, method, custom })` options (koa-unless). */
export function readUnless(opts: Value | undefined): UnlessRule {
  const rule: UnlessRule = { paths: [], exts: [], methods: [], dynamic: false, custom: false };
  if (!opts) return rule;
  if (opts.kind === 'function') {
    rule.custom = true;
    return rule;
  }
  if (opts.kind !== 'object') {
    rule.dynamic = true;
    return rule;
  }
  const list = (v: Value | undefined, into: Array<string | RegExp>, allowRegex: boolean) => {
    if (!v) return;
    const items = v.kind === 'array' ? v.items : [v];
    for (const i of items) {
      if (i.kind === 'literal' && typeof i.value === 'string') into.push(i.value);
      else if (allowRegex && i.kind === 'literal' && i.value instanceof RegExp) into.push(i.value);
      else rule.dynamic = true;
    }
  };
  list(opts.props.get('path'), rule.paths, true);
  const exts: Array<string | RegExp> = [];
  list(opts.props.get('ext'), exts, false);
  rule.exts = exts.filter((x): x is string => typeof x === 'string');
  const methods: Array<string | RegExp> = [];
  list(opts.props.get('method'), methods, false);
  rule.methods = methods.filter((x): x is string => typeof x === 'string').map((m) => m.toUpperCase());
  if (opts.props.has('custom')) rule.custom = true;
  return rule;
}

/** Concrete URLs a route template stands for (params filled in), for matching koa-unless patterns. */
function samplePaths(template: string): string[] {
  if (!template.includes(':') && !template.includes('*')) return [template];
  const fill = (v: string) => template.replace(/:[A-Za-z_$][\w$]*(\([^)]*\))?[?*+]?/g, v).replace(/\*/g, v);
  return [...new Set([fill('1'), fill('abc'), fill('x-1')])];
}

/**
 * Does a koa-unless rule exempt this route? koa-unless compares string paths for equality with the
 * request path, tests regular expressions against it, compares the path's ending with `ext`, and
 * the request method with `method`. Route templates with parameters are tested with sample values:
 * an exemption that matches some real URLs of the route leaves those requests unchecked.
 */
export function unlessExempts(rule: UnlessRule, fullPath: string, method: string, where: SourceLocation | undefined): Step['skipped'] | undefined {
  if (fullPath.includes('<dynamic>')) return undefined;
  const samples = samplePaths(fullPath);
  for (const p of rule.paths) {
    if (typeof p === 'string') {
      if (p === fullPath || samples.includes(p)) return { reason: `.unless() exempts path '${p}'`, location: where };
    } else {
      const hit = samples.find((s) => safeTest(p, s));
      if (hit !== undefined) return { reason: `.unless() exempts paths matching ${String(p)}${hit !== fullPath ? ` (e.g. ${hit})` : ''}`, location: where };
    }
  }
  for (const e of rule.exts) {
    if (e && samples.some((s) => s.endsWith(e))) return { reason: `.unless() exempts paths ending in '${e}'`, location: where };
  }
  // A route serving every method is exempted only for some of them: not judged (OPTIONS preflight exemptions are common).
  if (method !== 'ALL' && rule.methods.includes(method)) return { reason: `.unless() exempts ${method} requests`, location: where };
  return undefined;
}

function safeTest(re: RegExp, s: string): boolean {
  try {
    re.lastIndex = 0;
    return re.test(s);
  } catch {
    return false;
  }
}
