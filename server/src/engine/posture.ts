/**
 * A route's security posture from its steps and handler: authentication (or why it is public),
 * validation of the inputs it reads, rate limiting. Framework-neutral: adapters supply the
 * steps and the handler's facts.
 */
import picomatch from 'picomatch';
import type { ApiWardenConfig } from './config';
import { classifyFacts } from './classify';
import type { FunctionFacts } from './facts';
import type {
  Classification,
  Confidence,
  Directive,
  Evidence,
  Framework,
  InputSource,
  PublicDeclaration,
  RequestInputUse,
  Route,
  RouteTraits,
  SinkUse,
  Step,
} from './model';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL']);

const CREDENTIAL_WORDS: Array<[RegExp, string]> = [
  [/^(log-?in|sign-?in|signin|sign_in|authenticate)$/, 'login'],
  [/^(sessions?)$/, 'login'],
  [/^(sign-?up|signup|sign_up|register|registration)$/, 'sign-up'],
  [/^(forgot-?password|reset-?password|password-?reset|forgot|password)$/, 'password reset'],
  [/^(otp|2fa|mfa|totp|verify-?otp|verify-?code|one-?time-?code|magic-?link)$/, 'OTP / 2FA'],
  [/^(token|oauth-?token|refresh|refresh-?token)$/, 'token'],
  [/^(log-?out|sign-?out|logout)$/, 'logout'],
  [/^(verify-?email|confirm-?email)$/, 'email verification'],
];
/** Segments that may stand before a credential word: `/api/v1/auth/login`, `/users/sign-up`. */
const NAMESPACE = /^(api|v\d+(\.\d+)?|auth|oauth2?|accounts?|users?|identity|iam|public|internal|sessions?|me|password)$/;
const ABUSE_WORDS: Array<[RegExp, string]> = [
  [/^(search|query|lookup)$/, 'search'],
  [/^(export|exports|download)$/, 'export'],
  [/^(import|imports|bulk|batch)$/, 'bulk import'],
  [/^(invite|invites|invitations?)$/, 'invite'],
  [/^(checkout|payments?|charge)$/, 'payment'],
  [/^(sms|send-?sms|send-?email|contact|feedback|newsletter|subscribe)$/, 'messaging'],
];
const HEALTH_WORDS = /^(health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|ping|status|version)$/;
const UNAMBIGUOUS_PROBE = /^(health|healthz|healthcheck|health-check|readyz|livez|liveness|readiness|ping)$/;
const DOCS_WORDS = /^(docs|api-docs|apidocs|swagger|swagger-ui|redoc|openapi|openapi\.json|openapi\.ya?ml|swagger\.json|swagger\.ya?ml|favicon\.ico|robots\.txt)$/;

/**
 * The kind of credential endpoint a path is, judged on its words and their context: the word must
 * follow only namespace-like segments (`/api/v1/auth/login`, not `/api/cache/reset` or
 * `/devices/register`), and a bare `password` segment needs reset/forgot beside it.
 */
function credentialKind(segs: string[], method: string): string | undefined {
  for (let i = 0; i < segs.length; i++) {
    const word = segs[i];
    const hit = CREDENTIAL_WORDS.find(([re]) => re.test(word));
    if (!hit) continue;
    if (!segs.slice(0, i).every((x) => NAMESPACE.test(x))) continue;
    const label = hit[1];
    if (word === 'password' && !segs.slice(i + 1).some((x) => /^(reset|forgot|recover|recovery|request-reset)$/.test(x))) continue;
    if (/^sessions?$/.test(word) && method !== 'POST') continue;
    if (label === 'token' && !segs.slice(0, i).some((x) => /^(auth|oauth2?)$/.test(x)) && !/refresh/.test(word)) continue;
    return label;
  }
  return undefined;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s && !s.startsWith(':') && s !== '*');
}

export function routeTraits(method: string, path: string): RouteTraits {
  const segs = segments(path).map((s) => s.toLowerCase());
  const traits: RouteTraits = { stateChanging: STATE_CHANGING.has(method) };
  // Parameters break the namespace context: /users/:id/password/reset acts on one user.
  traits.credential = credentialKind(path.split('/').filter(Boolean).map((s) => s.toLowerCase()), method);
  if (traits.stateChanging || method === 'GET') {
    for (const s of segs) for (const [re, label] of ABUSE_WORDS) if (!traits.abuseProne && re.test(s)) traits.abuseProne = label;
  }
  // Paying, messaging, inviting and importing are abused by sending requests; reading or revoking them is not.
  if ((traits.abuseProne === 'payment' || traits.abuseProne === 'messaging') && !traits.stateChanging) traits.abuseProne = undefined;
  if ((traits.abuseProne === 'invite' || traits.abuseProne === 'bulk import') && method !== 'POST' && method !== 'PUT' && method !== 'ALL') traits.abuseProne = undefined;
  return traits;
}

/**
 * Endpoints that are public by their nature, from method and path alone (Express syntax, `:id`
 * params): sign-in and sign-up flows, token exchange, health probes, API docs. Shared by the
 * code posture and the spec rules.
 */
export function publicNature(method: string, path: string, traits: RouteTraits = routeTraits(method, path)): { reason: string; what: string } | undefined {
  const segs = segments(path).map((s) => s.toLowerCase());
  const hasParams = path.includes(':');
  if (traits.credential && traits.credential !== 'token') return { reason: `${traits.credential} endpoint: callers are not signed in yet`, what: `is a ${traits.credential} endpoint` };
  if (traits.credential === 'token' && traits.stateChanging) return { reason: 'token exchange endpoint: the request carries its own credentials', what: 'exchanges tokens' };
  const last = segs[segs.length - 1];
  // Unambiguous probe words anywhere; `status`, `version`, `ready` only right under a namespace (`/api/status`, not `/orders/status`).
  const probeContext = segs.slice(0, -1).every((x) => NAMESPACE.test(x) || /^(_|system|meta|ops)$/.test(x));
  if ((method === 'GET' || method === 'HEAD') && last && !hasParams && (UNAMBIGUOUS_PROBE.test(last) || probeContext) && HEALTH_WORDS.test(last)) {
    return { reason: 'health / readiness probe', what: 'is a health check' };
  }
  if ((method === 'GET' || method === 'HEAD') && !hasParams && segs.some((s) => DOCS_WORDS.test(s))) return { reason: 'API documentation', what: 'serves API docs' };
  return undefined;
}

export interface PostureInput {
  route: Route;
  handlerFacts: FunctionFacts[];
  stepFacts: FunctionFacts[];
  /** Lines of mounts the route is reached through (for `apiwarden-public` above a mount). */
  mountLines: Array<{ file: string; line: number }>;
  orphan: boolean;
  /** A public declaration the framework expresses itself (NestJS `@Public()`). */
  declaredPublic?: PublicDeclaration;
}

/**
 * How a request part is read in a framework's own words, for messages: `req.body` (Express),
 * `ctx.request.body` (Koa), `c.req.json()` (Hono), `@Body()` (NestJS), `request.json()` (Next.js).
 */
export function inputLabel(framework: Framework, source: InputSource): string {
  const table: Partial<Record<Framework, Record<InputSource, string>>> = {
    fastify: { body: 'request.body', query: 'request.query', params: 'request.params', headers: 'request.headers', cookies: 'request.cookies' },
    koa: { body: 'ctx.request.body', query: 'ctx.query', params: 'ctx.params', headers: 'ctx.headers', cookies: 'ctx.cookies' },
    hono: { body: 'c.req.json()', query: 'c.req.query()', params: 'c.req.param()', headers: 'c.req.header()', cookies: 'getCookie()' },
    nestjs: { body: '@Body()', query: '@Query()', params: '@Param()', headers: '@Headers()', cookies: 'cookies' },
    nextjs: { body: 'request.json()', query: 'searchParams', params: 'params', headers: 'headers()', cookies: 'cookies()' },
  };
  return table[framework]?.[source] ?? `req.${source}`;
}

/**
 * The convention a route's handler reads the request with: its framework's, except Next.js
 * Pages Router API routes (`pages/api/**`), whose `(req, res)` handlers read `req.body` as Express does.
 */
export function inputStyleOf(route: Pick<Route, 'framework' | 'registration'>): Framework {
  return route.framework === 'nextjs' && /[\\/]pages[\\/]api[\\/]/.test(route.registration.file) ? 'express' : route.framework;
}

/** One field read, in the framework's words: `req.body.email`, `c.req.query('q')`, `@Param('id')`. */
export function fieldLabel(framework: Framework, source: InputSource, field?: string): string {
  const base = inputLabel(framework, source);
  if (!field) return base;
  if (/\(\)$/.test(base) && !(framework === 'hono' && source === 'body') && !(framework === 'nextjs' && source === 'body')) return base.replace(/\(\)$/, `('${field}')`);
  if (framework === 'nextjs' && source === 'query') return `searchParams.get('${field}')`;
  return `${base}.${field}`;
}

export function computePosture(input: PostureInput, config: ApiWardenConfig, directivesOf: (file: string) => Directive[]): void {
  const { route, handlerFacts, stepFacts } = input;
  route.traits = routeTraits(route.method, route.path);
  route.handlerChecks = handlerChecks(route, handlerFacts);
  route.public = publicDeclaration(input, config, directivesOf);
  computeAuth(input);
  computeValidation(route, handlerFacts, stepFacts);
  computeRateLimit(route);
}

function handlerChecks(route: Route, facts: FunctionFacts[]): Step[] {
  const loc = route.handler ?? route.registration;
  const name = route.handlerName ? `${route.handlerName} (handler)` : 'handler';
  return facts
    .map((f) => classifyFacts(f, 'the handler').classes)
    .filter((classes) => classes.length)
    .map((classes) => ({ name, scope: 'handler' as const, location: loc, classifications: classes, opaque: false }));
}

function publicDeclaration(input: PostureInput, config: ApiWardenConfig, directivesOf: (file: string) => Directive[]): PublicDeclaration | undefined {
  const { route } = input;
  const regLine = route.registration.start.line;
  for (const d of directivesOf(route.registration.file)) {
    if (d.kind === 'public' && d.targetLine === regLine) {
      return { kind: 'declared', reason: d.reason ?? 'marked // apiwarden-public', evidence: [{ message: '// apiwarden-public comment', location: d.location }] };
    }
  }
  for (const m of input.mountLines) {
    for (const d of directivesOf(m.file)) {
      if (d.kind === 'public' && d.targetLine === m.line) {
        return { kind: 'declared', reason: d.reason ?? 'mount marked // apiwarden-public', evidence: [{ message: '// apiwarden-public comment on the mount', location: d.location }] };
      }
    }
  }
  for (const p of config.publicRoutes) {
    if (p.method !== '*' && p.method !== route.method) continue;
    if (picomatch.isMatch(route.path, p.path, { dot: true }) || picomatch.isMatch(route.path + '/', p.path, { dot: true })) {
      return {
        kind: 'declared',
        reason: p.reason ?? `matches publicRoutes "${p.method === '*' ? '' : p.method + ' '}${p.path}"`,
        evidence: [{ message: `config publicRoutes: ${p.method} ${p.path}${config.file ? ` (${config.file})` : ''}` }],
      };
    }
  }
  if (input.declaredPublic) return input.declaredPublic;
  // Inferred from the route's nature.
  const nature = publicNature(route.method, route.path, route.traits);
  if (nature) return { kind: 'inferred', reason: nature.reason, evidence: [{ message: `path ${route.path} ${nature.what}`, location: route.registration }] };
  const segs = segments(route.path).map((s) => s.toLowerCase());
  if (segs.some((s) => /^webhooks?$/.test(s) || s.endsWith('-webhook') || s.endsWith('webhook'))) {
    const sig = [...input.handlerFacts, ...input.stepFacts].flatMap((f) => f.signatureChecks);
    if (sig.length) {
      return { kind: 'inferred', reason: `webhook that verifies its signature (${sig[0].what})`, evidence: [{ message: sig[0].what, location: sig[0].location }] };
    }
  }
  return undefined;
}

const CONF_ORDER: Confidence[] = ['low', 'medium', 'high'];

function roleSteps(steps: Step[], role: Classification['role']): Array<{ step: Step; c: Classification }> {
  const out: Array<{ step: Step; c: Classification }> = [];
  for (const s of steps) if (!s.skipped) for (const c of s.classifications) if (c.role === role) out.push({ step: s, c });
  return out;
}

/** Steps of a role that are attached but do not run for this route, as evidence. */
function skippedEvidence(steps: Step[], role: Classification['role']): Evidence[] {
  return steps
    .filter((s) => s.skipped && s.classifications.some((c) => c.role === role))
    .map((s) => ({ message: `${s.name} (${scopeWord(s)}) does not apply to this route: ${s.skipped!.reason}`, location: s.skipped!.location ?? s.location }))
    .filter((e, i, all) => all.findIndex((x) => x.message === e.message && x.location.range[0] === e.location.range[0] && x.location.file === e.location.file) === i);
}

function scopeWord(s: Step): string {
  return s.scope === 'handler' ? 'in the handler' : `${s.scope} level`;
}

function computeAuth(input: PostureInput): void {
  const { route } = input;
  const auths = roleSteps([...route.steps, ...route.handlerChecks], 'auth');
  if (auths.length) {
    const conf = auths.map((a) => a.c.confidence).sort((a, b) => CONF_ORDER.indexOf(b) - CONF_ORDER.indexOf(a))[0];
    route.auth = {
      status: 'present',
      summary: auths.map((a) => `${a.step.name} (${scopeWord(a.step)})`).join(', '),
      evidence: auths.map((a) => ({ message: a.c.reason, location: a.step.location })),
      confidence: conf,
    };
    return;
  }
  if (route.public) {
    route.auth = { status: 'public', summary: `${route.public.kind}: ${route.public.reason}`, evidence: route.public.evidence };
    return;
  }
  const evidence: Evidence[] = skippedEvidence(route.steps, 'auth');
  // Why steps that might look like auth are not enough: look-alikes anywhere, anything on the route itself.
  for (const s of [...route.steps, ...route.lateSteps]) {
    for (const n of s.notes ?? []) {
      if (s.scope === 'route' || /reject|verif|anonymous|ignores/.test(n)) evidence.push({ message: n, location: s.location });
    }
  }
  if (input.orphan) {
    route.auth = {
      status: 'unknown',
      summary: 'router is not mounted in any app API Warden analysed; mount-level middleware unknown',
      evidence,
    };
    return;
  }
  const late = roleSteps(route.lateSteps, 'auth');
  for (const l of late) evidence.unshift({ message: `${l.step.name} is registered here, after this route, so it never runs before the handler`, location: l.step.location });
  route.auth = {
    status: 'missing',
    summary: late.length ? `no auth step runs before the handler (${late[0].step.name} is registered after it)` : 'no auth step in the chain',
    evidence,
  };
}

function computeValidation(route: Route, handlerFacts: FunctionFacts[], stepFacts: FunctionFacts[]): void {
  // Inputs the handler reads, with the sinks they reach.
  const uses: RequestInputUse[] = [];
  const key = (s: InputSource, f?: string) => `${s}.${f ?? ''}`;
  const byKey = new Map<string, RequestInputUse>();
  for (const f of handlerFacts) {
    for (const r of f.reads) {
      const k = key(r.source, r.field);
      if (byKey.has(k)) continue;
      const u: RequestInputUse = { source: r.source, field: r.field, location: r.location, sinks: [] };
      byKey.set(k, u);
      uses.push(u);
    }
  }
  for (const f of handlerFacts) {
    for (const s of f.sinks) {
      const sink: SinkUse = { kind: s.kind, callee: s.callee, location: s.location };
      for (const inp of s.inputs) {
        const targets = uses.filter((u) => u.source === inp.source && (inp.field === undefined || u.field === inp.field || u.field === undefined));
        if (!targets.length) {
          const u: RequestInputUse = { source: inp.source, field: inp.field, location: s.location, sinks: [] };
          uses.push(u);
          targets.push(u);
        }
        for (const t of targets) if (!t.sinks.some((x) => x.location.range[0] === sink.location.range[0])) t.sinks.push(sink);
      }
    }
  }
  for (const f of handlerFacts) {
    for (const w of f.wholeUses) {
      let u = uses.find((x) => x.source === w.source && x.field === undefined);
      if (!u) uses.push((u = { source: w.source, location: w.location, sinks: [] }));
      u.handedOn ??= w.location;
    }
  }
  route.inputs = uses;
  // Parts that need validation: body and query always; params, headers and cookies when they reach a sink.
  const needed = new Set<InputSource>();
  for (const u of uses) {
    if (u.source === 'body' || u.source === 'query' || u.sinks.length) needed.add(u.source);
  }
  const checksResult = [...handlerFacts, ...stepFacts].some((f) => f.checksValidationResult);
  const covered = new Set<InputSource>();
  const evidence: Evidence[] = [];
  const names: string[] = [];
  for (const { step, c } of roleSteps([...route.steps, ...route.handlerChecks], 'validation')) {
    if (step.package === 'express-validator' && !checksResult) {
      evidence.push({ message: `${step.name} runs express-validator checks, but validationResult(req) is never consulted, so invalid input passes`, location: step.location });
      continue;
    }
    for (const s of c.covers ?? []) covered.add(s);
    evidence.push({ message: c.reason, location: step.location });
    if (!names.includes(step.name)) names.push(step.name);
  }
  // A verified webhook signature authenticates the body's content (stripe.webhooks.constructEvent).
  const signature = [...handlerFacts, ...stepFacts].flatMap((f) => f.signatureChecks);
  if (signature.length) {
    covered.add('body');
    names.push(`signature check (${signature[0].what})`);
    evidence.push({ message: `the body is authenticated by its signature: ${signature[0].what}`, location: signature[0].location });
  }
  const uncovered = [...needed].filter((s) => !covered.has(s));
  if (!needed.size) {
    route.validation = {
      status: route.opaqueInputs.length && !covered.size ? 'unknown' : names.length ? 'present' : 'not-needed',
      summary: route.opaqueInputs.length && !covered.size ? 'the request is handed to code API Warden cannot follow' : names.length ? names.join(', ') : 'reads no body or query input',
      evidence: [...evidence, ...route.opaqueInputs],
      uncovered: [],
    };
    return;
  }
  if (!uncovered.length) {
    route.validation = { status: 'present', summary: names.join(', '), evidence, uncovered: [] };
    return;
  }
  route.validation = {
    status: 'missing',
    summary: `${uncovered.map((u) => inputLabel(inputStyleOf(route), u)).join(', ')} read without validation`,
    evidence,
    uncovered,
  };
}

function computeRateLimit(route: Route): void {
  const rl = roleSteps([...route.steps, ...route.handlerChecks], 'rate-limit');
  if (rl.length) {
    route.rateLimit = {
      status: 'present',
      summary: rl.map((r) => `${r.step.name} (${scopeWord(r.step)})`).join(', '),
      evidence: rl.map((r) => ({ message: r.c.reason, location: r.step.location })),
      confidence: rl[0].c.confidence,
    };
    return;
  }
  const late = roleSteps(route.lateSteps, 'rate-limit');
  route.rateLimit = {
    status: 'missing',
    summary: late.length
      ? `no limiter before the handler (${late[0].step.name} is registered after it)`
      : route.steps.some((s) => s.skipped && s.classifications.some((c) => c.role === 'rate-limit'))
        ? 'the rate limiter is turned off for this route'
        : 'no rate limiter in the chain',
    evidence: [
      ...skippedEvidence(route.steps, 'rate-limit'),
      ...late.map((l) => ({ message: `${l.step.name} is registered here, after this route`, location: l.step.location })),
    ],
  };
}
