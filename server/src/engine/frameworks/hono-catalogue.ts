/**
 * The Hono ecosystem's packages, matched through their imports: built-in middleware shipped as
 * `hono/<name>` subpaths (the evaluator reads `import { jwt } from 'hono/jwt'` as package `hono`,
 * path ['jwt', 'jwt']: subpath, then imported name), the `@hono/*` validators and auth
 * middleware, and `hono-rate-limiter`.
 */
import type { Classification, InputSource } from '../model';
import { ALL_INPUTS, pkgClass, type PackageCatalogue } from '../classify';
import { analyzeFunction } from '../facts';
import type { Value } from '../evaluate';
import { memberPath, walk } from '../parse';
import type { BuildContext } from './types';

type Result = { classes: Classification[]; opaque: boolean; notes: string[] };

/** Hono validator targets → request parts. */
export const HONO_TARGETS: Record<string, InputSource> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'params',
  header: 'headers',
  cookie: 'cookies',
};

/** Built-in `hono/*` middleware with no auth / validation / rate-limit role. */
const HONO_OTHER: Record<string, string> = {
  cors: 'cors() from hono/cors configures cross-origin access; it does not authenticate',
  'secure-headers': 'secureHeaders() from hono/secure-headers sets security headers; it does not authenticate',
  logger: 'request logging',
  csrf: 'csrf() from hono/csrf checks the Origin of form posts (CSRF protection), not authentication',
  etag: 'ETag headers',
  compress: 'response compression',
  'pretty-json': 'JSON formatting',
  'request-id': 'request ids',
  timing: 'Server-Timing headers',
  'body-limit': 'body size limit (not schema validation)',
  cache: 'response caching',
  timeout: 'request timeout',
  'powered-by': 'X-Powered-By header',
  'trailing-slash': 'trailing slash redirects',
  'method-override': 'method override',
  'context-storage': 'context storage',
  language: 'language detection',
  'jsx-renderer': 'JSX rendering',
  'ip-restriction': 'ipRestriction() from hono/ip-restriction filters client addresses (network access control), not authentication',
  'serve-static': 'static files',
  'cloudflare-workers': 'static files',
  bun: 'static files',
  deno: 'static files',
};

const VALIDATOR_PACKAGE = /^@hono\/[\w.-]*-validator$/;
const SCHEMA_CALL = /^(parse|parseAsync|validate|validateAsync|validateSync|assert|assertEquals|cast|decode|Check|Decode|check)$/;

/**
 * The catalogue, with access to the build context (set while routes are built) so that a
 * `hono/validator` callback can be judged by its body.
 */
export function honoCatalogue(getCtx: () => BuildContext | undefined): PackageCatalogue {
  return (pkg, path, value, name) => {
    const ok = (c: Classification): Result => ({ classes: [c], opaque: false, notes: [] });
    const not = (note: string): Result => ({ classes: [], opaque: false, notes: [note] });
    const last = path[path.length - 1];
    if (pkg === 'hono') {
      const sub = path[0];
      switch (sub) {
        case 'jwt':
          if (last === 'jwt') return ok(pkgClass('auth', `${name} from hono/jwt verifies a JWT and rejects requests without a valid one (401)`, value));
          return undefined;
        case 'jwk':
          if (last === 'jwk') return ok(pkgClass('auth', `${name} from hono/jwk verifies a JWT against a JWK set`, value));
          return undefined;
        case 'bearer-auth':
          if (last === 'bearerAuth') return ok(pkgClass('auth', `${name} from hono/bearer-auth checks the bearer token`, value));
          return undefined;
        case 'basic-auth':
          if (last === 'basicAuth') return ok(pkgClass('auth', `${name} from hono/basic-auth checks HTTP Basic credentials`, value));
          return undefined;
        case 'validator':
          if (last === 'validator') return judgeHonoValidator(value, name, getCtx());
          return undefined;
        default:
          if (sub && HONO_OTHER[sub] && path.length >= 2) return not(HONO_OTHER[sub]);
          return undefined;
      }
    }
    if (VALIDATOR_PACKAGE.test(pkg)) {
      if (value.kind !== 'call') return undefined;
      return ok(validatorClass(value, name, pkg));
    }
    switch (pkg) {
      case '@hono/clerk-auth':
        if (last === 'clerkMiddleware') return not(`${name} from @hono/clerk-auth attaches Clerk auth state but does not reject anonymous requests (check getAuth(c) before serving)`);
        return undefined;
      case '@hono/auth-js':
        if (last === 'verifyAuth') return ok(pkgClass('auth', `${name} from @hono/auth-js rejects requests without a session`, value));
        if (last === 'initAuthConfig' || last === 'authHandler') return not(`${name} from @hono/auth-js sets Auth.js up; it does not reject anonymous requests`);
        return undefined;
      case '@hono/oidc-auth':
        if (last === 'oidcAuthMiddleware') return ok(pkgClass('auth', `${name} from @hono/oidc-auth requires an OpenID Connect session`, value));
        return undefined;
      case '@hono/firebase-auth':
        if (last === 'verifyFirebaseAuth') return ok(pkgClass('auth', `${name} from @hono/firebase-auth verifies a Firebase ID token`, value));
        return undefined;
      case 'hono-rate-limiter':
        if (last === 'rateLimiter' || last === 'webSocketLimiter') return ok(pkgClass('rate-limit', `${name} from hono-rate-limiter`, value));
        return undefined;
      default:
        if (/^@hono-rate-limiter\//.test(pkg) && /limiter$/i.test(last ?? '')) return ok(pkgClass('rate-limit', `${name} from ${pkg}`, value));
        return undefined;
    }
  };
}

/** `zValidator('json', schema)`, `vValidator('query', schema)`…: the target says which part is validated. */
function validatorClass(value: Extract<Value, { kind: 'call' }>, name: string, pkg: string): Classification {
  const target = value.args[0];
  const t = target && target.kind === 'literal' && typeof target.value === 'string' ? target.value : undefined;
  const part = t ? HONO_TARGETS[t] : undefined;
  if (part) return pkgClass('validation', `${name} from ${pkg} validates the ${t} target (${part})`, value, [part]);
  if (t) return pkgClass('validation', `${name} from ${pkg}: unknown target '${t}'`, value, [], 'low');
  return pkgClass('validation', `${name} from ${pkg} (target not known statically)`, value, [...ALL_INPUTS], 'medium');
}

/**
 * `validator('form', (value, c) => …)` from hono/validator validates only when its callback
 * rejects (returns a 4xx response, throws) or runs a schema that throws.
 */
function judgeHonoValidator(value: Value, name: string, ctx: BuildContext | undefined): Result {
  if (value.kind !== 'call') return { classes: [], opaque: true, notes: [] };
  const target = value.args[0];
  const t = target && target.kind === 'literal' && typeof target.value === 'string' ? target.value : undefined;
  const part = t ? HONO_TARGETS[t] : undefined;
  const cb = value.args[1];
  const covers = part ? [part] : [...ALL_INPUTS];
  if (!cb || cb.kind !== 'function' || !ctx) {
    return { classes: [pkgClass('validation', `${name} from hono/validator (callback not seen)`, value, covers, 'low')], opaque: false, notes: [] };
  }
  const pf = ctx.getParsed(cb.file);
  if (!pf) return { classes: [pkgClass('validation', `${name} from hono/validator (callback not seen)`, value, covers, 'low')], opaque: false, notes: [] };
  const p1 = cb.node.params[1];
  const cName = p1 && p1.type === 'Identifier' ? p1.name : undefined;
  const facts = analyzeFunction(cb, pf, ctx.ev, { ctx: cName, destructured: new Map() });
  const rejects = facts.rejections.filter((r) => r.status === undefined || r.status >= 400);
  let schema: string | undefined;
  walk(cb.node.body, (n) => {
    if (schema) return false;
    if (n.type === 'CallExpression') {
      const path = memberPath(n.callee);
      const last = path?.[path.length - 1] ?? (n.callee.type === 'MemberExpression' && n.callee.property.type === 'Identifier' ? n.callee.property.name : undefined);
      if (last && SCHEMA_CALL.test(last)) schema = last;
    }
    return undefined;
  });
  if (rejects.length || schema) {
    const how = rejects.length ? `rejects with ${rejects[0].how}` : `runs ${schema}()`;
    return { classes: [{ ...pkgClass('validation', `${name} from hono/validator: its callback ${how}`, value, covers), evidence: [{ message: how, location: rejects[0]?.location }] }], opaque: false, notes: [] };
  }
  return not2(`${name} from hono/validator: its callback never rejects (no 4xx response, no throw, no schema), so any ${t ?? 'input'} passes`);
}

function not2(note: string): Result {
  return { classes: [], opaque: false, notes: [note] };
}
