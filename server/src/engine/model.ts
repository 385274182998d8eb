/**
 * The framework-neutral model API Warden reasons about, and the rule interface.
 *
 * Everything here is plain data (JSON-serialisable) so that the CLI, the language server and
 * tests can consume it without knowing how it was produced. Framework adapters fill `Route`s;
 * the engine derives each route's posture (auth / validation / rate limit); rules turn the model
 * into `Finding`s.
 */

import type { SpecDocument, SpecLoader, SpecOperation } from './openapi/spec';

export type Severity = 'error' | 'warning' | 'info';

/** The read side of the spec loader handed to rules. */
export type SpecReader = Pick<SpecLoader, 'child' | 'get' | 'deref' | 'location'>;

/** 1-based line, 1-based column (as printed by linters and in the JSON output). */
export interface Position {
  line: number;
  column: number;
}

export interface SourceLocation {
  /** Absolute path of the file. */
  file: string;
  start: Position;
  end: Position;
  /** Character offsets [start, end) into the file's text. */
  range: [number, number];
}

/** A piece of evidence behind a classification or a finding: what was seen, and where. */
export interface Evidence {
  message: string;
  location?: SourceLocation;
}

export type StepRole = 'auth' | 'validation' | 'rate-limit';
export type Confidence = 'high' | 'medium' | 'low';
export type InputSource = 'body' | 'query' | 'params' | 'headers' | 'cookies';
export const INPUT_SOURCES: readonly InputSource[] = ['body', 'query', 'params', 'headers', 'cookies'];

/** How a step (middleware, guard, hook, in-handler check) was judged to play a security role. */
export interface Classification {
  role: StepRole;
  confidence: Confidence;
  /** package: matched through its import from a known package; body: judged by reading its code; name: by its name only; config: named in the user's config. */
  source: 'package' | 'body' | 'name' | 'config';
  /** One sentence a user can read, e.g. "passport.authenticate('jwt') from passport". */
  reason: string;
  evidence: Evidence[];
  /** For validation: which request parts it validates. */
  covers?: InputSource[];
  /**
   * For validation: it checks the properties it declares but lets undeclared ones through to the
   * handler (NestJS `ValidationPipe` without `whitelist`), so binding the body writes them too.
   */
  acceptsUndeclared?: { reason: string; location?: SourceLocation };
}

/**
 * Where a step is attached: the whole app (global middleware, hooks, global guards), a router /
 * sub-app, a Fastify plugin context, a NestJS controller class, a mount (`app.use('/x', mw, router)`),
 * the route itself, or inside the handler.
 */
export type StepScope = 'app' | 'router' | 'plugin' | 'controller' | 'mount' | 'route' | 'handler';

/** One thing that runs before (or inside) a route's handler. */
export interface Step {
  /** Display text, e.g. `requireAuth`, `rateLimit({…})`, `passport.authenticate('jwt')`. */
  name: string;
  scope: StepScope;
  /** Where the step is attached to the route (the argument of use()/get()). */
  location: SourceLocation;
  /** Where the function that runs is defined, when known. */
  definition?: SourceLocation;
  /** The package it comes from, when it is imported from one. */
  package?: string;
  classifications: Classification[];
  /** We could not see what this step does (dynamic value, unknown package without a hint). */
  opaque: boolean;
  /** Path prefix the step is restricted to (`app.use('/admin', mw)`), as written. */
  pathScope?: string;
  /** Short notes on why a look-alike is not counted (e.g. "reads Authorization but never rejects"). */
  notes?: string[];
  /**
   * The step is attached but does not run (or does not enforce) for this route: koa-jwt's
   * `.unless()`, Fastify `config: { rateLimit: false }`, NestJS `@SkipThrottle()`, a Next.js
   * middleware matcher that leaves the path out. Kept in the chain as evidence; posture ignores it.
   */
  skipped?: { reason: string; location?: SourceLocation };
}

export type SinkKind = 'sql' | 'command' | 'path' | 'url' | 'code' | 'redirect';

export interface SinkUse {
  kind: SinkKind;
  /** The call that receives the input, e.g. `db.query`, `child_process.exec`. */
  callee: string;
  location: SourceLocation;
}

export interface RequestInputUse {
  source: InputSource;
  /** First property read, e.g. `email` for `req.body.email`; undefined for the whole object. */
  field?: string;
  location: SourceLocation;
  sinks: SinkUse[];
  /** Where the whole part (no field) is handed on as a value: `repo.save(dto)`, `{ ...req.body }`. */
  handedOn?: SourceLocation;
}

export type AuthStatus = 'present' | 'missing' | 'public' | 'unknown';
export type ValidationStatus = 'present' | 'missing' | 'not-needed' | 'unknown';
export type RateLimitStatus = 'present' | 'missing' | 'unknown';

export interface Posture<S extends string> {
  status: S;
  /** One sentence summary, e.g. "requireAuth (router level)". */
  summary: string;
  evidence: Evidence[];
  confidence?: Confidence;
}

export interface PublicDeclaration {
  kind: 'declared' | 'inferred';
  reason: string;
  evidence: Evidence[];
}

export type Framework = 'express' | 'fastify' | 'koa' | 'nestjs' | 'hono' | 'nextjs';
export const FRAMEWORKS: readonly Framework[] = ['express', 'fastify', 'koa', 'nestjs', 'hono', 'nextjs'];

export interface AppInfo {
  id: string;
  framework: Framework;
  /** Where the app object is created (`express()`, `Fastify()`, `new Koa()`, `NestFactory.create()`…; for Next.js the app folder). */
  location: SourceLocation;
  /** Steps registered on the app that play a rate-limit role, anywhere. */
  hasRateLimiter: boolean;
  hasAuth: boolean;
}

export interface Route {
  /** Stable identifier: `METHOD path @ file:line`. */
  id: string;
  framework: Framework;
  appId?: string;
  /** Upper case; `ALL` for `app.all()` (and handlers that serve every method). */
  method: string;
  /**
   * Full path in Express syntax whatever the framework (`:id` params, `*` wildcards), every
   * mount prefix, plugin prefix, global prefix or folder applied, e.g. `/api/users/:id`.
   */
  path: string;
  /** The registration call (`router.get(...)`), for findings. */
  registration: SourceLocation;
  /** The mounts the route is reached through, outermost first (`app.use('/api', router)`). */
  mounts: SourceLocation[];
  handler?: SourceLocation;
  handlerName?: string;
  /**
   * The handler as passed in the registration call, where route middleware can be inserted before
   * it; unset when the framework takes no middleware there (Fastify options, NestJS, Next.js).
   */
  handlerArgument?: SourceLocation;
  /** Everything that runs before the handler, in order. */
  steps: Step[];
  /** Checks performed inside the handler (`schema.parse(req.body)`, `if (!req.user) return 401`). */
  handlerChecks: Step[];
  /** Steps that would have matched this route but are registered after it (order mistakes). */
  lateSteps: Step[];
  inputs: RequestInputUse[];
  /** The handler passes `req` to code we could not follow. */
  opaqueInputs: Evidence[];
  public?: PublicDeclaration;
  auth: Posture<AuthStatus>;
  validation: Posture<ValidationStatus> & { uncovered: InputSource[] };
  rateLimit: Posture<RateLimitStatus>;
  /** Route traits inferred from method and path, used by rules. */
  traits: RouteTraits;
  /** The OpenAPI operations this route implements (empty when no spec describes it). */
  specOperations: SpecOperationRef[];
}

/** A pointer from code to a spec operation (plain data, for output and front ends). */
export interface SpecOperationRef {
  /** Upper case. */
  method: string;
  /** The path template as written in the spec (`/users/{id}`). */
  path: string;
  operationId?: string;
  /** The operation's method key in the spec file. */
  location: SourceLocation;
}

export interface RouteTraits {
  stateChanging: boolean;
  /** login, sign-up, password reset, token, OTP/2FA… (with the matched word). */
  credential?: string;
  /** invite, search, export… (with the matched word). */
  abuseProne?: string;
}

// ---------------------------------------------------------------------------------------------
// Findings and fixes

export interface TextEdit {
  file: string;
  /** Character offsets [start, end) in the file's current text; start === end inserts. */
  range: [number, number];
  newText: string;
}

export interface Fix {
  title: string;
  kind: 'quickfix' | 'suppress' | 'declare-public';
  edits: TextEdit[];
  /** The fix the editor should offer first. */
  preferred?: boolean;
}

export interface Finding {
  ruleId: string;
  messageId?: string;
  severity: Severity;
  message: string;
  location: SourceLocation;
  route: { method: string; path: string } | null;
  evidence: Evidence[];
  fixes: Fix[];
  /**
   * Where else the finding is shown: a cross-check finding lives on the route in code and on the
   * operation in the spec, so a user in either file sees it (the editor publishes it in both).
   */
  alsoAt?: SourceLocation[];
  /** Set when an inline directive suppressed the finding (kept for SARIF `suppressions`). */
  suppressed?: { reason: string; location: SourceLocation };
}

// ---------------------------------------------------------------------------------------------
// Rules

export interface RuleMeta {
  id: string;
  /** One line, imperative: what the rule asks of the code. */
  description: string;
  /** The severity used when a rule reports without one. */
  defaultSeverity: Severity;
  /** OWASP API Security Top 10 2023 ids, e.g. `API2:2023`. */
  owasp: string[];
  cwe: string[];
  /** Message templates, `{{name}}` placeholders. */
  messages: Record<string, string>;
  /** Path of the doc page relative to the package root, e.g. `rules/missing-auth.md`. */
  docs: string;
}

export interface ReportDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  severity?: Severity;
  location: SourceLocation;
  route?: Route | null;
  evidence?: Evidence[];
  fixes?: Fix[];
  /** Other places the finding is shown (see Finding.alsoAt). */
  alsoAt?: SourceLocation[];
}

export interface RuleContext {
  readonly model: ProjectModel;
  /** Text of a file the model knows (for building fixes). */
  getText(file: string): string | undefined;
  /** Settings from the user's config that rules may read. */
  readonly settings: RuleSettings;
  /** Deterministic fix builders that know the project's files and imports. */
  readonly fixes: FixBuilder;
  report(descriptor: ReportDescriptor): void;
}

export interface FixBuilder {
  /** Insert an existing step (used elsewhere in the project) into a route's chain, importing it if needed. */
  insertStep(route: Route, step: Step, title: string): Fix | undefined;
  /** `// apiwarden-disable-next-line <rule> -- <reason>` above the location. */
  suppress(location: SourceLocation, ruleId: string): Fix | undefined;
  /** `// apiwarden-public -- <reason>` above the route. */
  declarePublic(route: Route): Fix | undefined;
}

export interface RuleSettings {
  /** Middleware names the project declared as its own auth / validation / rate limiting. */
  authMiddleware: string[];
  validationMiddleware: string[];
  rateLimitMiddleware: string[];
  /** Ids of every rule in this run plus the engine's own (`parse-error`), for directive checks. */
  knownRuleIds: string[];
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

// ---------------------------------------------------------------------------------------------
// The model handed to rules and front ends

export interface ParseProblem {
  file: string;
  message: string;
  location: SourceLocation;
}

export interface Directive {
  kind: 'disable-next-line' | 'disable-line' | 'public';
  rules: string[];
  reason?: string;
  /** The comment. */
  location: SourceLocation;
  /** 1-based line the directive applies to. */
  targetLine: number;
}

export interface ProjectModel {
  root: string;
  apps: AppInfo[];
  routes: Route[];
  /** OpenAPI / Swagger documents found in the workspace (or named in config), with their operations. */
  specs: SpecDocument[];
  /** Reads spec nodes: follows `$ref`s across files, locates nodes; for spec rules. */
  specLoader: SpecReader;
  /** The spec operations a route implements (by route id). */
  operationsOf(route: Route): SpecOperation[];
  /** Files that were analysed (parsed) or failed to parse. */
  files: string[];
  parseProblems: ParseProblem[];
  directives: Map<string, Directive[]>;
}
