/**
 * The contract between the engine and a framework adapter.
 *
 * An adapter (1) says cheaply which files can matter (`candidate`, `entryFiles`), (2) records
 * registrations while the evaluator runs those files (`FrameworkHooks`: constructs and method
 * calls on its framework objects), and (3) turns what it recorded into framework-neutral
 * `RouteDraft`s (route + the facts behind it). Posture, rules and front ends only see the drafts.
 */
import type { ApiWardenConfig } from '../config';
import type { Classifier, PackageCatalogue } from '../classify';
import type { Evaluator, FrameworkHooks, Value } from '../evaluate';
import type { FunctionFacts } from '../facts';
import type { FileHost } from '../host';
import type { AppInfo, Framework, PublicDeclaration, Route } from '../model';
import type { Node, ParsedFile } from '../parse';

export interface RouteDraft {
  route: Route;
  /** Facts of the handler (and helpers it hands the request to), for postures. */
  handlerFacts: FunctionFacts[];
  /** Facts of step bodies, for cross-checks such as express-validator's validationResult. */
  stepFacts: FunctionFacts[];
  /** Mount registrations (for `apiwarden-public` above a mount). */
  mountLines: Array<{ file: string; line: number }>;
  /** The router / plugin / controller is not reached from any app API Warden analysed. */
  orphan: boolean;
  /**
   * A public declaration the framework itself expresses (NestJS `@Public()` read by the global
   * guard, `@AllowAnonymous()`…). Comments and config still take precedence.
   */
  declaredPublic?: PublicDeclaration;
}

export interface BuildContext {
  classifier: Classifier;
  ev: Evaluator;
  getParsed(file: string): ParsedFile | undefined;
  /** Every source file discovered in the workspace (absolute). */
  files: readonly string[];
  host: FileHost;
  config: ApiWardenConfig;
  /** Workspace root. */
  root: string;
}

export interface AttachContext {
  ev: Evaluator;
  host: FileHost;
  /** Every source file discovered in the workspace (absolute). */
  files: readonly string[];
  root: string;
  /** Parsed file (AST) or undefined when it cannot be read or parsed. */
  getParsed(file: string): ParsedFile | undefined;
}

export interface FrameworkAdapter extends FrameworkHooks {
  readonly framework: Framework;
  /** A file can create or extend this framework's apps only if its text matches (cheap pre-filter). */
  readonly candidate: RegExp;
  /**
   * Files that define routes by where they are (Next.js `app/**\/route.ts`, `pages/api/**`,
   * `@fastify/autoload` folders), evaluated even when nothing imports them.
   */
  entryFiles?(files: readonly string[], ctx: Pick<BuildContext, 'host' | 'root'>): string[];
  /**
   * Called once before any file is evaluated: adapters that must run code paths themselves
   * (a Fastify plugin called with its child context, `@fastify/autoload` folders, NestJS
   * decorators) keep the evaluator and the file host.
   */
  attach?(env: AttachContext): void;
  buildRoutes(ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] };
  /** Packages of this framework's ecosystem (auth, validation, rate limiting), matched through imports. */
  catalogue?: PackageCatalogue;
}

/** A function (middleware, hook, guard, handler) as passed at a registration. */
export interface HandlerRef {
  value: Value;
  node: Node;
  file: string;
}
