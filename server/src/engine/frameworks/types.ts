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
import type { FileHost } from '../host';
import type { AppInfo, Framework } from '../model';
import type { PostureInput } from '../posture';
import type { Node, ParsedFile } from '../parse';

/**
 * What an adapter hands the engine per route: the route, the facts behind it (handler and step
 * bodies), mount lines for `apiwarden-public` above a mount, whether the router is reached from
 * an app, and any public declaration the framework expresses itself (NestJS `@Public()`).
 * Posture reads exactly this.
 */
export type RouteDraft = PostureInput;

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
