/**
 * Fastify adapter (v4 and v5): instances (`Fastify()`), encapsulation contexts created by
 * `register(plugin, { prefix })`, `fastify-plugin` (no new context), hooks, decorators, routes
 * (shorthand and `route({…})`), `@fastify/autoload` folders, and the plugins that play a
 * security role (@fastify/rate-limit, @fastify/bearer-auth, @fastify/basic-auth, @fastify/auth).
 *
 * Fastify loads plugins asynchronously (avvio): a `register()` that is not awaited only queues
 * the plugin, which loads after the code that follows it in the same plugin body (or at the next
 * `await register()`/`after()`/`ready()`/`listen()`). The adapter reproduces that order by
 * deferring the plugin call, and stamps every registration with a sequence number, so that:
 *   - hooks of a context apply to all its routes whatever the order (Fastify binds them at
 *     `preReady`), and to child contexts loaded after the hook was added (children copy their
 *     parent's hooks when they load);
 *   - @fastify/rate-limit (an `onRoute` hook) only sees routes declared after it loaded.
 */
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { objectProperty, objectPropertyValue, UNKNOWN, type CallNode, type Evaluator, type FrameworkObject, type Value } from '../evaluate';
import type { FileHost } from '../host';
import { ModuleResolver, packageName } from '../modules';
import { unwrap, walk, type Node, type ParsedFile } from '../parse';
import type { StepScope } from '../model';
import { anchorRange, pathsOf } from './express';
import { fastifyCatalogue } from './fastify-catalogue';
import { scanAutoload, autoloadOptions } from './fastify-autoload';
import { buildFastifyRoutes } from './fastify-routes';
import type { AttachContext, BuildContext, FrameworkAdapter, HandlerRef, RouteDraft } from './types';
import type { AppInfo } from '../model';

export const FASTIFY_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'all'];
/** Request hooks that run before the handler, in lifecycle order. */
export const BEFORE_HANDLER_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;
export type HookName = (typeof BEFORE_HANDLER_HOOKS)[number];

type Fn = Extract<Value, { kind: 'function' }>;

export interface HookRecord {
  seq: number;
  hook: HookName;
  /** The function added (addHook) or, for a plugin that adds its own hook, the plugin argument. */
  handler: HandlerRef;
  /** The hook is added by a registered plugin (@fastify/bearer-auth): the register call. */
  viaPlugin?: { pkg: string; call: CallNode; file: string };
  call: CallNode;
  file: string;
}

export interface LimiterRecord {
  /** When the plugin loaded (its onRoute hook exists from then on). */
  loadSeq: number;
  /** When `register()` was called. */
  callSeq: number;
  awaited: boolean;
  global: boolean;
  hook: HookName;
  plugin: HandlerRef;
  call: CallNode;
  file: string;
}

export interface RouteRecord {
  seq: number;
  methods: string[];
  paths: string[];
  pathDynamic: boolean;
  handler?: HandlerRef;
  /** The route options object (shorthand options or `route({…})`), when any. */
  options?: Value;
  call: CallNode;
  file: string;
  anchor: [number, number];
}

export interface FastifyContext extends FrameworkObject {
  framework: 'fastify';
  /** 'app': a Fastify() instance; 'plugin': an encapsulated child context; 'orphan': a plugin no app registers. */
  kind: 'app' | 'plugin' | 'orphan';
  parent?: FastifyContext;
  root: FastifyContext;
  /** Own prefix (register opts.prefix) and the full one. */
  prefix: string;
  fullPrefix: string;
  loadSeq: number;
  callSeq: number;
  /** The register() call that created this context (absent for roots). */
  registeredBy?: { call: CallNode; file: string };
  /** How the context is described: plugin name / autoload folder. */
  label?: string;
  hooks: HookRecord[];
  limiters: LimiterRecord[];
  routes: RouteRecord[];
  decorators: Map<string, Value>;
  seen: Set<string>;
  stepScope: StepScope;
  /** Pending plugin loads of code running outside any plugin body (top-level code of an app). */
  rootQueue?: Array<() => void>;
}

interface Frame {
  queue: Array<() => void>;
}

/** A plugin value resolved to what registering it does. */
type ResolvedPlugin =
  | { kind: 'fn'; fn: Fn; fp: boolean; file?: string }
  | { kind: 'pkg'; pkg: string; path: string[]; value: Value }
  | { kind: 'routeObject'; value: Extract<Value, { kind: 'object' }> }
  | { kind: 'unknown' };

const CHAINABLE = new Set([
  'withTypeProvider',
  'setValidatorCompiler',
  'setSerializerCompiler',
  'setSchemaErrorFormatter',
  'addSchema',
  'setErrorHandler',
  'setNotFoundHandler',
  'decorateRequest',
  'decorateReply',
  'addContentTypeParser',
  'setReplySerializer',
  'setChildLoggerFactory',
  'setGenReqId',
]);

export class FastifyAdapter implements FrameworkAdapter {
  readonly framework = 'fastify' as const;
  /** A file can create or extend a Fastify app only when it mentions the framework or one of its plugins. */
  readonly candidate = /\bfastify\b/i;
  readonly contexts: FastifyContext[] = [];
  ev?: Evaluator;
  host?: FileHost;
  root = '/';
  files: readonly string[] = [];
  getParsed: (file: string) => ParsedFile | undefined = () => undefined;
  resolver?: ModuleResolver;
  /** Set while routes are built: the classifier the catalogue uses to judge @fastify/auth's functions. */
  buildContext?: BuildContext;
  /** Plugin functions called with an instance (not orphans). */
  readonly calledPlugins = new Set<Node>();
  private seqCounter = 0;
  private readonly frames: Frame[] = [];
  private readonly byNode = new Map<string, FastifyContext>();
  private readonly awaitedByFile = new Map<string, Set<Node>>();
  private loads = 0;

  readonly catalogue = fastifyCatalogue(this);

  attach(env: AttachContext): void {
    this.ev = env.ev;
    this.host = env.host;
    this.files = env.files;
    this.root = env.root;
    this.getParsed = env.getParsed;
    this.resolver = new ModuleResolver(env.host);
  }

  nextSeq(): number {
    return ++this.seqCounter;
  }

  buildRoutes(ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
    this.buildContext = ctx;
    // Plugins still queued when the program ends load now (ready()/listen() may be elsewhere).
    for (const c of [...this.contexts]) if (c.rootQueue) this.flush(c.rootQueue);
    this.findOrphans(ctx);
    return buildFastifyRoutes(this, ctx);
  }

  // -------------------------------------------------------------------------------------------
  // Instances

  construct(callee: Value, call: CallNode, _args: Value[], file: string): Value | undefined {
    if (callee.kind !== 'package' || callee.pkg !== 'fastify') return undefined;
    const p = callee.path.filter((x) => x !== 'default' && x !== 'fastify');
    if (p.length !== 0) return undefined;
    const key = `${file}:${call.range[0]}`;
    let obj = this.byNode.get(key);
    if (!obj) {
      obj = this.newContext('app', undefined, '', file, call);
      obj.rootQueue = [];
      this.byNode.set(key, obj);
    }
    return { kind: 'instance', obj };
  }

  newContext(kind: FastifyContext['kind'], parent: FastifyContext | undefined, prefix: string, file: string, node: Node, registeredBy?: { call: CallNode; file: string }, callSeq = 0): FastifyContext {
    const id = `fastify-${kind}@${file}:${node.range[0]}#${this.contexts.length}`;
    const ctx = {
      id,
      framework: 'fastify',
      kind,
      file,
      node,
      parent,
      prefix,
      fullPrefix: parent ? joinPrefix(parent.fullPrefix, prefix) : prefix,
      loadSeq: this.nextSeq(),
      callSeq,
      registeredBy,
      hooks: [],
      limiters: [],
      routes: [],
      decorators: new Map(),
      seen: new Set(),
      stepScope: kind === 'app' ? 'app' : 'plugin',
    } as unknown as FastifyContext;
    ctx.root = parent ? parent.root : ctx;
    this.contexts.push(ctx);
    return ctx;
  }

  property(fo: FrameworkObject, prop: string): Value | undefined {
    if (fo.framework !== 'fastify') return undefined;
    return decoratorOf(fo as FastifyContext, prop);
  }

  // -------------------------------------------------------------------------------------------
  // Method calls on an instance

  method(fo: FrameworkObject, method: string, call: TSESTree.CallExpression, args: Value[], file: string): Value | undefined {
    if (fo.framework !== 'fastify') return undefined;
    const ctx = fo as FastifyContext;
    const self: Value = { kind: 'instance', obj: ctx };
    const argNodes = call.arguments as Node[];
    const key = `${file}:${call.range[0]}-${call.range[1]}`;
    try {
      if (FASTIFY_METHODS.includes(method)) {
        if (!args.length || ctx.seen.has(key)) return self;
        ctx.seen.add(key);
        this.shorthandRoute(ctx, method, call, args, argNodes, file);
        return self;
      }
      switch (method) {
        case 'route':
          if (!ctx.seen.has(key)) {
            ctx.seen.add(key);
            this.objectRoute(ctx, args[0], argNodes[0], call, file);
          }
          return self;
        case 'addHook':
          if (!ctx.seen.has(key)) {
            ctx.seen.add(key);
            this.addHook(ctx, args, argNodes, call, file);
          }
          return self;
        case 'register':
          if (!ctx.seen.has(key)) {
            ctx.seen.add(key);
            this.register(ctx, args, argNodes, call, file);
          }
          return self;
        case 'decorate': {
          const name = args[0];
          if (name && name.kind === 'literal' && typeof name.value === 'string' && args[1]) ctx.decorators.set(name.value, args[1]);
          return self;
        }
        case 'after': {
          this.flush(this.queueFor(ctx));
          const cb = args[0];
          if (cb && cb.kind === 'function') this.callPlugin(cb, [UNKNOWN]);
          return self;
        }
        case 'ready':
        case 'listen':
          this.flushTree(ctx.root);
          return self;
        case 'auth': {
          const user = decoratorOf(ctx, 'auth');
          if (user && user.kind === 'function') return this.callDecorator(user, call, args, file);
          return { kind: 'call', callee: { kind: 'package', pkg: '@fastify/auth', path: ['auth'] }, node: call, file, args };
        }
        case 'rateLimit':
          return { kind: 'call', callee: { kind: 'package', pkg: '@fastify/rate-limit', path: ['rateLimit'] }, node: call, file, args };
        default:
          break;
      }
      if (CHAINABLE.has(method)) return self;
      const dec = decoratorOf(ctx, method);
      if (dec && dec.kind === 'function') return this.callDecorator(dec, call, args, file);
      if (dec && dec.kind === 'package') return { kind: 'call', callee: dec, node: call, file, args };
    } catch {
      // Odd code never breaks the analysis.
      return self;
    }
    return undefined;
  }

  private callDecorator(fn: Fn, call: CallNode, args: Value[], file: string): Value {
    const r = this.ev!.callFunction(fn, args, call);
    return r.kind === 'unknown' ? { kind: 'call', callee: fn, node: call, file, args } : r;
  }

  private shorthandRoute(ctx: FastifyContext, method: string, call: TSESTree.CallExpression, args: Value[], argNodes: Node[], file: string): void {
    const { paths, dynamic } = routePaths(args[0]);
    let options: Value | undefined;
    let handler: HandlerRef | undefined;
    if (args.length >= 3) {
      options = args[1];
      handler = { value: args[2], node: argNodes[2], file };
    } else if (args.length === 2) {
      if (args[1].kind === 'object') {
        options = args[1];
        const h = args[1].props.get('handler');
        if (h) handler = { value: h, node: objectPropertyValue(args[1], 'handler') ?? argNodes[1], file: args[1].file ?? file };
      } else handler = { value: args[1], node: argNodes[1], file };
    }
    if (options && options.kind === 'object' && !handler) {
      const h = options.props.get('handler');
      if (h) handler = { value: h, node: objectPropertyValue(options, 'handler') ?? argNodes[1], file: options.file ?? file };
    }
    ctx.routes.push({
      seq: this.nextSeq(),
      methods: [method === 'all' ? 'ALL' : method.toUpperCase()],
      paths,
      pathDynamic: dynamic,
      handler,
      options,
      call,
      file,
      anchor: anchorRange(call, argNodes[0]),
    });
  }

  objectRoute(ctx: FastifyContext, opts: Value | undefined, optsNode: Node | undefined, call: CallNode, file: string): void {
    if (!opts || opts.kind !== 'object') return;
    const m = opts.props.get('method');
    const methods: string[] = [];
    const addMethod = (v: Value | undefined) => {
      if (v && v.kind === 'literal' && typeof v.value === 'string') methods.push(v.value.toUpperCase() === '*' ? 'ALL' : v.value.toUpperCase());
    };
    if (m && m.kind === 'array') m.items.forEach(addMethod);
    else addMethod(m);
    if (!methods.length) methods.push('ALL');
    const { paths, dynamic } = routePaths(opts.props.get('url') ?? opts.props.get('path'));
    const h = opts.props.get('handler');
    const handler = h ? { value: h, node: objectPropertyValue(opts, 'handler') ?? optsNode ?? call, file: opts.file ?? file } : undefined;
    const urlNode = objectPropertyValue(opts, 'url') ?? objectPropertyValue(opts, 'path');
    const pf = this.getParsed(file);
    let anchor: [number, number];
    if (call.type === 'CallExpression') {
      anchor = anchorRange(call, undefined);
      if (urlNode && pf && pf.lines.position(urlNode.range[1]).line === pf.lines.position(anchor[0]).line) anchor = [anchor[0], urlNode.range[1]];
    } else anchor = [call.range[0], call.range[1]];
    ctx.routes.push({ seq: this.nextSeq(), methods, paths, pathDynamic: dynamic, handler, options: opts, call, file, anchor });
  }

  private addHook(ctx: FastifyContext, args: Value[], argNodes: Node[], call: CallNode, file: string): void {
    const name = args[0];
    if (!name || name.kind !== 'literal' || typeof name.value !== 'string') return;
    const hook = name.value as HookName;
    if (!(BEFORE_HANDLER_HOOKS as readonly string[]).includes(hook)) return;
    const fn = args[1];
    if (!fn) return;
    const items = fn.kind === 'array' ? fn.items.map((v, i) => ({ value: v, node: fn.nodes[i] ?? argNodes[1] })) : [{ value: fn, node: argNodes[1] }];
    for (const it of items) ctx.hooks.push({ seq: this.nextSeq(), hook, handler: { value: it.value, node: it.node, file }, call, file });
  }

  // -------------------------------------------------------------------------------------------
  // Plugins

  private register(ctx: FastifyContext, args: Value[], argNodes: Node[], call: TSESTree.CallExpression, file: string): void {
    const pluginValue = args[0] ?? UNKNOWN;
    const pluginNode = argNodes[0] ?? call;
    const opts = args[1] ?? { kind: 'object', props: new Map() };
    const callSeq = this.nextSeq();
    const awaited = this.isAwaited(call, file);
    const run = () => this.loadPlugin(ctx, pluginValue, pluginNode, opts, call, file, callSeq, awaited);
    const queue = this.queueFor(ctx);
    if (awaited) {
      this.flush(queue);
      run();
    } else queue.push(run);
  }

  /** Load a registered plugin now (its body runs, then the plugins it registered). */
  loadPlugin(target: FastifyContext, pluginValue: Value, pluginNode: Node, opts: Value, call: CallNode, file: string, callSeq: number, awaited: boolean): void {
    if (this.loads > 2000) return;
    this.loads++;
    const resolved = this.resolvePlugin(pluginValue, pluginNode, file, 0);
    const ref: HandlerRef = { value: pluginValue, node: pluginNode, file };
    if (resolved.kind === 'pkg') {
      this.loadPackagePlugin(target, resolved, ref, opts, call, file, callSeq, awaited);
      return;
    }
    if (resolved.kind === 'routeObject') {
      const child = this.newContext('plugin', target, prefixOf(opts), file, call, { call, file }, callSeq);
      this.objectRoute(child, resolved.value, resolved.value.node, call, resolved.value.file ?? file);
      return;
    }
    if (resolved.kind !== 'fn') return;
    let instanceCtx = target;
    if (!resolved.fp) {
      instanceCtx = this.newContext('plugin', target, prefixOf(opts), file, call, { call, file }, callSeq);
      const n = resolved.fn.name ?? (pluginNode.type === 'Identifier' ? pluginNode.name : undefined);
      if (n) instanceCtx.label = n;
    }
    this.calledPlugins.add(resolved.fn.node);
    this.callPlugin(resolved.fn, [{ kind: 'instance', obj: instanceCtx }, opts, UNKNOWN]);
  }

  /** Run a plugin body in its own loading frame, then load what it queued. */
  callPlugin(fn: Fn, args: Value[]): void {
    const frame: Frame = { queue: [] };
    this.frames.push(frame);
    try {
      this.ev!.callFunction(fn, args, undefined);
    } catch {
      // keep going
    } finally {
      this.frames.pop();
    }
    this.flush(frame.queue);
  }

  private loadPackagePlugin(
    target: FastifyContext,
    p: Extract<ResolvedPlugin, { kind: 'pkg' }>,
    ref: HandlerRef,
    opts: Value,
    call: CallNode,
    file: string,
    callSeq: number,
    awaited: boolean,
  ): void {
    const pkg = p.pkg.replace(/^fastify-/, '@fastify/');
    const opt = (k: string) => (opts.kind === 'object' ? opts.props.get(k) : undefined);
    switch (pkg) {
      case '@fastify/rate-limit': {
        const g = opt('global');
        const h = opt('hook');
        const hook = h && h.kind === 'literal' && typeof h.value === 'string' && (BEFORE_HANDLER_HOOKS as readonly string[]).includes(h.value) ? (h.value as HookName) : 'onRequest';
        target.limiters.push({ loadSeq: this.nextSeq(), callSeq, awaited, global: !(g && g.kind === 'literal' && g.value === false), hook, plugin: ref, call, file });
        target.decorators.set('rateLimit', { kind: 'package', pkg: '@fastify/rate-limit', path: ['rateLimit'] });
        return;
      }
      case '@fastify/bearer-auth': {
        const addHook = opt('addHook');
        target.decorators.set('verifyBearerAuth', { kind: 'package', pkg: '@fastify/bearer-auth', path: ['verifyBearerAuth'] });
        if (addHook && addHook.kind === 'literal' && addHook.value === false) return;
        target.hooks.push({ seq: this.nextSeq(), hook: 'onRequest', handler: ref, viaPlugin: { pkg, call, file }, call, file });
        return;
      }
      case '@fastify/basic-auth':
        target.decorators.set('basicAuth', { kind: 'package', pkg: '@fastify/basic-auth', path: ['basicAuth'] });
        return;
      case '@fastify/autoload':
        this.loadAutoload(target, opts, call, file);
        return;
      default:
        return;
    }
  }

  private loadAutoload(target: FastifyContext, opts: Value, call: CallNode, file: string): void {
    const o = autoloadOptions(this, opts, file);
    if (!o) return;
    const groups = scanAutoload(this.host!, o);
    // @fastify/autoload is itself a plugin that does not encapsulate: what it registers loads
    // right after it, before the plugins registered after it.
    const frame: Frame = { queue: [] };
    const registerFiles = (into: FastifyContext, queue: Array<() => void>, files: Array<{ file: string; prefix: string }>) => {
      for (const pf of files) {
        const value = this.ev!.moduleDefault(pf.file);
        const off = this.exportOf(pf.file, 'autoload');
        if (off && off.kind === 'literal' && off.value === false) continue;
        const autoPrefix = literalString(this.exportOf(pf.file, 'autoPrefix'));
        const prefixOverride = literalString(this.exportOf(pf.file, 'prefixOverride'));
        let prefix = prefixOverride ?? (o.optionsPrefix ?? '') + (autoPrefix ?? pf.prefix ?? '').replace(/\/+/g, '/');
        if (o.routeParams) prefix = prefix.replace(/__/g, ':').replace(/\/_/g, '/:');
        const popts: Value = { kind: 'object', props: new Map<string, Value>([['prefix', { kind: 'literal', value: prefix }]]) };
        const seq = this.nextSeq();
        const node: Node = this.getParsed(pf.file)?.ast ?? call;
        queue.push(() => {
          const resolved = this.resolvePlugin(value, undefined, pf.file, 0);
          if (resolved.kind === 'fn' && !o.encapsulate) resolved.fp = true;
          this.loadResolved(into, resolved, { value, node, file: pf.file }, popts, call, file, seq, pf.file);
        });
      }
    };
    for (const g of groups) {
      if (!g.hooks.length) {
        registerFiles(target, frame.queue, g.plugins);
        continue;
      }
      const seq = this.nextSeq();
      frame.queue.push(() => {
        const composed = this.newContext('plugin', target, '', file, call, { call, file }, seq);
        composed.label = `autoload folder ${path.relative(this.root, g.dir) || '.'} (autohooks)`;
        const inner: Frame = { queue: [] };
        for (const h of g.hooks) {
          const hv = this.ev!.moduleDefault(h);
          inner.queue.push(() => {
            const resolved = this.resolvePlugin(hv, undefined, h, 0);
            if (resolved.kind === 'fn') {
              // autohooks files never encapsulate: their hooks act on the folder's context.
              this.calledPlugins.add(resolved.fn.node);
              this.callPlugin(resolved.fn, [{ kind: 'instance', obj: composed }, { kind: 'object', props: new Map() }, UNKNOWN]);
            }
          });
        }
        registerFiles(composed, inner.queue, g.plugins);
        this.flush(inner.queue);
      });
    }
    this.flush(frame.queue);
  }

  /** Load an already resolved plugin into `target` (autoload's files). */
  private loadResolved(target: FastifyContext, resolved: ResolvedPlugin, ref: HandlerRef, opts: Value, call: CallNode, file: string, callSeq: number, pluginFile: string): void {
    if (resolved.kind === 'pkg') {
      this.loadPackagePlugin(target, resolved, ref, opts, call, file, callSeq, false);
      return;
    }
    if (resolved.kind === 'routeObject') {
      const child = this.newContext('plugin', target, prefixOf(opts), pluginFile, ref.node, { call, file }, callSeq);
      child.label = path.relative(this.root, pluginFile);
      this.objectRoute(child, resolved.value, resolved.value.node, call, resolved.value.file ?? pluginFile);
      return;
    }
    if (resolved.kind !== 'fn') return;
    let instanceCtx = target;
    if (!resolved.fp) {
      instanceCtx = this.newContext('plugin', target, prefixOf(opts), pluginFile, ref.node, { call, file }, callSeq);
      instanceCtx.label = path.relative(this.root, pluginFile);
    }
    this.calledPlugins.add(resolved.fn.node);
    this.callPlugin(resolved.fn, [{ kind: 'instance', obj: instanceCtx }, opts, UNKNOWN]);
  }

  private exportOf(file: string, name: string): Value | undefined {
    const rec = this.ev!.loadModule(file);
    if (!rec) return undefined;
    const v = this.ev!.moduleExport(file, name);
    return v.kind === 'unknown' ? undefined : v;
  }

  /** What a value passed to register() is: a plugin function (maybe fastify-plugin wrapped), a package, a route object. */
  resolvePlugin(v: Value, node: Node | undefined, file: string, depth: number): ResolvedPlugin {
    if (depth > 6) return { kind: 'unknown' };
    // register(import('./plugin')), register(await import('./plugin'))
    if (node) {
      const u = unwrap(node);
      if (u.type === 'ImportExpression' && u.source.type === 'Literal' && typeof u.source.value === 'string') {
        const spec = u.source.value;
        const target = this.resolver?.resolve(file, spec);
        if (target) return this.resolvePlugin(this.ev!.moduleDefault(target), undefined, target, depth + 1);
        if (!spec.startsWith('.')) return { kind: 'pkg', pkg: packageName(spec), path: [], value: { kind: 'package', pkg: packageName(spec), path: [] } };
        return { kind: 'unknown' };
      }
    }
    switch (v.kind) {
      case 'function':
        return { kind: 'fn', fn: v, fp: false };
      case 'package':
        if (v.pkg === 'fastify-plugin') return { kind: 'unknown' };
        return { kind: 'pkg', pkg: v.pkg, path: v.path, value: v };
      case 'call': {
        const c = v.callee;
        if (c.kind === 'package' && c.pkg === 'fastify-plugin') {
          const inner = this.resolvePlugin(v.args[0] ?? UNKNOWN, v.node.arguments[0] as Node | undefined, v.file, depth + 1);
          if (inner.kind === 'fn') return { ...inner, fp: true };
          return inner;
        }
        if (c.kind === 'package') return { kind: 'pkg', pkg: c.pkg, path: c.path, value: v };
        return { kind: 'unknown' };
      }
      case 'module':
        return this.resolvePlugin(this.ev!.moduleDefault(v.file), undefined, v.file, depth + 1);
      case 'object': {
        if (v.props.has('method') && (v.props.has('url') || v.props.has('path')) && v.props.has('handler')) return { kind: 'routeObject', value: v };
        const d = v.props.get('default');
        if (d) return this.resolvePlugin(d, undefined, file, depth + 1);
        return { kind: 'unknown' };
      }
      default:
        return { kind: 'unknown' };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Loading order

  /** The queue a register() call on `ctx` joins: the plugin body being run, or the app's top level. */
  private queueFor(ctx: FastifyContext): Array<() => void> {
    const top = this.frames[this.frames.length - 1];
    if (top) return top.queue;
    const root = ctx.root;
    if (!root.rootQueue) root.rootQueue = [];
    return root.rootQueue;
  }

  flush(queue: Array<() => void>): void {
    let guard = 0;
    while (queue.length && guard++ < 1000) {
      const run = queue.shift()!;
      try {
        run();
      } catch {
        // a plugin that cannot be followed is skipped
      }
    }
  }

  private flushTree(root: FastifyContext): void {
    if (root.rootQueue) this.flush(root.rootQueue);
    const top = this.frames[this.frames.length - 1];
    if (top) this.flush(top.queue);
  }

  /** Calls that are awaited (`await fastify.register(x)`): they load the plugin at once. */
  isAwaited(call: Node, file: string): boolean {
    let set = this.awaitedByFile.get(file);
    if (!set) {
      set = new Set();
      const s = set;
      const pf = this.getParsed(file);
      if (pf?.ast) {
        walk(pf.ast, (n) => {
          if (n.type === 'AwaitExpression') {
            const a = unwrap(n.argument);
            if (a.type === 'CallExpression') s.add(a);
          }
        });
      }
      this.awaitedByFile.set(file, set);
    }
    return set.has(call);
  }

  // -------------------------------------------------------------------------------------------
  // Plugins no app registers: run with an orphan context so their routes are inventoried.

  private findOrphans(ctx: BuildContext): void {
    // Plugins that register others first (a fastify-cli `app.ts`), so that the plugins they
    // load get their prefixes and hooks instead of becoming orphans themselves.
    const candidates: string[] = [];
    const later: string[] = [];
    for (const file of ctx.files) {
      const rec = this.ev?.module(file);
      if (!rec || !/\.(get|post|put|patch|delete|all|route|register)\s*[<(]/.test(rec.pf.text)) continue;
      (/\.register\s*\(/.test(rec.pf.text) ? candidates : later).push(file);
    }
    for (const file of [...candidates, ...later]) {
      let v: Value;
      try {
        v = this.ev!.moduleDefault(file);
      } catch {
        continue;
      }
      const resolved = this.resolvePlugin(v, undefined, file, 0);
      if (resolved.kind !== 'fn' || this.calledPlugins.has(resolved.fn.node) || !resolved.fn.node.params.length) continue;
      const orphan = this.newContext('orphan', undefined, '', file, resolved.fn.node);
      orphan.rootQueue = [];
      this.calledPlugins.add(resolved.fn.node);
      this.callPlugin(resolved.fn, [{ kind: 'instance', obj: orphan }, { kind: 'object', props: new Map() }, UNKNOWN]);
      this.flush(orphan.rootQueue);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

export function decoratorOf(ctx: FastifyContext, prop: string): Value | undefined {
  for (let c: FastifyContext | undefined = ctx; c; c = c.parent) {
    const d = c.decorators.get(prop);
    if (d) return d;
  }
  return undefined;
}

function joinPrefix(a: string, b: string): string {
  if (!b) return a;
  const x = a.replace(/\/+$/, '');
  const y = b.startsWith('/') ? b : '/' + b;
  return (x + y).replace(/\/{2,}/g, '/');
}

function prefixOf(opts: Value): string {
  if (opts.kind !== 'object') return '';
  const p = opts.props.get('prefix');
  if (!p) return '';
  if (p.kind === 'literal' && typeof p.value === 'string') return p.value.replace(/\/+$/, '');
  return '/<dynamic>';
}

function literalString(v: Value | undefined): string | undefined {
  return v && v.kind === 'literal' && typeof v.value === 'string' ? v.value : undefined;
}

/** Paths of a route, in Express syntax (regex constraints of params dropped). */
function routePaths(v: Value | undefined): { paths: string[]; dynamic: boolean } {
  const r = pathsOf(v);
  return { paths: r.paths.map((p) => p.replace(/(:[A-Za-z0-9_$]+)\([^/]*?\)/g, '$1')), dynamic: r.dynamic };
}

