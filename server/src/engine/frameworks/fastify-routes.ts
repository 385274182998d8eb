/**
 * Fastify routes from the recorded contexts: each route's full path (every plugin prefix), the
 * steps that run before its handler in lifecycle order (onRequest → preParsing → preValidation →
 * schema validation → preHandler; context hooks before route hooks), the rate limiter's reach
 * (an `onRoute` hook: only routes declared after it loaded), per-route `config.rateLimit`, and the
 * route schema as a validation step.
 */
import { ALL_INPUTS, pkgClass, shortFile } from '../classify';
import { objectProperty, objectPropertyValue, type Value } from '../evaluate';
import type { FunctionFacts } from '../facts';
import type { AppInfo, Classification, InputSource, SourceLocation, Step, StepScope } from '../model';
import { nodeLocation, nodeText, type Node, type ParsedFile } from '../parse';
import { augmentFastifyFacts } from './fastify-catalogue';
import { BEFORE_HANDLER_HOOKS, type FastifyAdapter, type FastifyContext, type HookName, type LimiterRecord, type RouteRecord } from './fastify';
import { appInfo, emptyRoute, handlerFunction, joinPaths, readHandler } from './tree';
import type { BuildContext, HandlerRef, RouteDraft } from './types';

const SCHEMA_PARTS: Record<string, InputSource> = { body: 'body', querystring: 'query', query: 'query', params: 'params', headers: 'headers' };

interface Placed {
  hook: HookName;
  step: Step;
}

export function buildFastifyRoutes(adapter: FastifyAdapter, ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
  const { classifier } = ctx;
  const drafts: RouteDraft[] = [];
  const stepCache = new Map<string, Step>();

  const prepare = (v: Value) => {
    const fn = handlerFunction(v);
    if (fn) augmentFastifyFacts(adapter, fn);
  };

  const stepFor = (h: HandlerRef, scope: StepScope): Step | undefined => {
    const key = `${h.file}:${h.node.range[0]}:${h.node.range[1]}:${scope}`;
    let s = stepCache.get(key);
    if (!s) {
      if (!ctx.getParsed(h.file)) return undefined;
      prepare(h.value);
      s = classifier.step(h.value, h.node, h.file, scope, '/', 'fastify');
      stepCache.set(key, s);
    }
    return s;
  };

  const scopeOf = (c: FastifyContext): StepScope => (c.kind === 'app' ? 'app' : 'plugin');
  const where = (loc: SourceLocation) => `${shortFile(loc.file)}:${loc.start.line}`;
  const locOf = (file: string, node: { range: [number, number] }): SourceLocation | undefined => {
    const pf = ctx.getParsed(file);
    return pf ? nodeLocation(pf, node) : undefined;
  };

  /** The limiter's step as seen from one context (location: the register call). */
  const limiterStep = (l: LimiterRecord, owner: FastifyContext): Step | undefined => {
    const pf = ctx.getParsed(l.file);
    if (!pf) return undefined;
    const key = `limiter:${l.file}:${l.call.range[0]}`;
    let s = stepCache.get(key);
    if (!s) {
      const name = nodeText(pf, l.plugin.node, 40);
      const loc = nodeLocation(pf, l.call);
      s = {
        name,
        scope: scopeOf(owner),
        location: loc,
        package: '@fastify/rate-limit',
        classifications: [
          pkgClass(
            'rate-limit',
            `${name} from @fastify/rate-limit registered at ${where(loc)}${l.global ? '' : ' with global: false (only routes with config.rateLimit)'}`,
            l.plugin.value,
          ),
        ],
        opaque: false,
      };
      s.classifications[0].evidence = [{ message: `fastify.register(${name}) adds an ${l.hook} hook to the routes declared after it loads`, location: loc }];
      stepCache.set(key, s);
    }
    return s;
  };

  const contexts = adapter.contexts;
  const appDrafts = new Map<FastifyContext, RouteDraft[]>();

  for (const c of contexts) {
    for (const r of c.routes) {
      try {
        for (const method of r.methods) {
          for (const p of r.paths) {
            const d = makeRoute(c, r, method, p);
            if (!d) continue;
            drafts.push(d);
            const list = appDrafts.get(c.root) ?? [];
            list.push(d);
            appDrafts.set(c.root, list);
          }
        }
      } catch {
        // one odd route never hides the others
      }
    }
  }

  function makeRoute(c: FastifyContext, r: RouteRecord, method: string, p: string): RouteDraft | undefined {
    const pf = ctx.getParsed(r.file);
    if (!pf) return undefined;
    const chain: FastifyContext[] = [];
    for (let x: FastifyContext | undefined = c; x; x = x.parent) chain.unshift(x);
    const full = joinPaths(c.fullPrefix || '/', p);
    const placed: Placed[] = [];
    const late: Step[] = [];
    const opts = r.options && r.options.kind === 'object' ? r.options : undefined;
    const config = opts?.props.get('config');
    const rlConfig = config && config.kind === 'object' ? config.props.get('rateLimit') : undefined;
    const rlOff = !!rlConfig && rlConfig.kind === 'literal' && rlConfig.value === false;
    const rlOn = !!rlConfig && rlConfig.kind === 'object';
    const rlLoc = () => {
      const n = config && config.kind === 'object' ? objectProperty(config, 'rateLimit') : undefined;
      const cf = config && config.kind === 'object' ? config.file : undefined;
      return (n && cf ? locOf(cf, n) : undefined) ?? (opts?.node && opts.file ? locOf(opts.file, opts.node) : undefined);
    };
    let activeLimiter: { l: LimiterRecord; owner: FastifyContext } | undefined;

    chain.forEach((a, i) => {
      const next = chain[i + 1];
      // Hooks: all of the route's own context; an ancestor's only if added before the child loaded.
      for (const h of a.hooks) {
        const s = stepFor(h.handler, scopeOf(a));
        if (!s) continue;
        if (!next || h.seq < next.loadSeq) placed.push({ hook: h.hook, step: s });
        else late.push(s);
      }
      // @fastify/rate-limit: an onRoute hook, it only sees routes declared after it loaded.
      for (const l of a.limiters) {
        const s = limiterStep(l, a);
        if (!s) continue;
        const bound = next ? next.loadSeq : r.seq;
        const boundCall = next ? next.callSeq : r.seq;
        if (l.loadSeq < bound) {
          activeLimiter ??= { l, owner: a };
          if (rlOff) placed.push({ hook: l.hook, step: { ...s, skipped: { reason: 'the route sets config: { rateLimit: false }', location: rlLoc() } } });
          else if (!l.global && !rlOn) placed.push({ hook: l.hook, step: { ...s, skipped: { reason: 'the limiter is registered with global: false and this route sets no config.rateLimit' } } });
          else placed.push({ hook: l.hook, step: s });
        } else if (l.callSeq < boundCall && !l.awaited) {
          const reason = next
            ? `fastify.register() is not awaited, so @fastify/rate-limit loads after the plugin registered at ${next.registeredBy ? where(locOf(next.registeredBy.file, next.registeredBy.call)!) : 'it'} has declared its routes; its onRoute hook never sees them (await the register call)`
            : 'fastify.register() is not awaited, so @fastify/rate-limit loads after this route is declared and its onRoute hook never sees it (await the register call, or declare the route in a plugin registered after it)';
          placed.push({ hook: l.hook, step: { ...s, skipped: { reason, location: s.location } } });
        } else late.push(s);
      }
    });

    // Route options: hooks, schema, per-route limit.
    const routeHooks = new Map<HookName, Step[]>();
    if (opts) {
      for (const hook of BEFORE_HANDLER_HOOKS) {
        const v = opts.props.get(hook);
        if (!v) continue;
        const vn = objectPropertyValue(opts, hook) ?? opts.node;
        const file = opts.file ?? r.file;
        if (!vn) continue;
        const items: HandlerRef[] = v.kind === 'array' ? v.items.map((it, i) => ({ value: it, node: v.nodes[i] ?? vn, file })) : [{ value: v, node: vn, file }];
        const steps: Step[] = [];
        for (const it of items) {
          const s = stepFor(it, 'route');
          if (s) steps.push(s);
        }
        routeHooks.set(hook, steps);
      }
    }
    if (rlOn) {
      const loc = rlLoc() ?? nodeLocation(pf, r.call);
      const step: Step = { name: 'config.rateLimit', scope: 'route', location: loc, classifications: [], opaque: false };
      if (activeLimiter) {
        const lloc = nodeLocation(ctx.getParsed(activeLimiter.l.file)!, activeLimiter.l.call);
        step.package = '@fastify/rate-limit';
        step.classifications.push({ role: 'rate-limit', confidence: 'high', source: 'package', reason: `config.rateLimit sets a per-route limit for @fastify/rate-limit (registered at ${where(lloc)})`, evidence: [{ message: 'per-route rate limit', location: loc }] });
      } else {
        step.notes = ['config.rateLimit is set, but @fastify/rate-limit is not registered before this route in its context, so it has no effect'];
      }
      const list = routeHooks.get('onRequest') ?? [];
      list.push(step);
      routeHooks.set('onRequest', list);
    }
    const schemaStep = opts ? schemaStepOf(opts, r, pf) : undefined;

    // Lifecycle order.
    const steps: Step[] = [];
    for (const hook of BEFORE_HANDLER_HOOKS) {
      for (const pl of placed) if (pl.hook === hook) steps.push(pl.step);
      for (const s of routeHooks.get(hook) ?? []) steps.push(s);
      if (hook === 'preValidation' && schemaStep) steps.push(schemaStep);
    }

    const registration = nodeLocation(pf, { range: r.anchor });
    const root = chain[0];
    const route = emptyRoute('fastify', method, full, registration, root.kind === 'app' ? root.id : undefined);
    route.steps = steps;
    route.lateSteps = late;
    const mounts: SourceLocation[] = [];
    const mountLines: Array<{ file: string; line: number }> = [];
    for (const a of chain.slice(1)) {
      if (!a.registeredBy) continue;
      const loc = locOf(a.registeredBy.file, a.registeredBy.call);
      if (!loc) continue;
      mounts.push(loc);
      mountLines.push({ file: loc.file, line: loc.start.line });
    }
    route.mounts = mounts;
    let handlerFacts: FunctionFacts[] = [];
    if (r.handler && ctx.getParsed(r.handler.file)) {
      prepare(r.handler.value);
      handlerFacts = readHandler(route, r.handler, ctx, 'fastify');
      // Fastify takes no middleware arguments before the handler: an inserted step would be
      // read as route options, so fixes must not insert one there.
      delete route.handlerArgument;
    } else route.handler = registration;
    if (schemaStep && attachValidationUnchecked(opts, handlerFacts, r, ctx)) {
      schemaStep.classifications = [];
      schemaStep.notes = ['attachValidation: true attaches schema errors to request.validationError instead of rejecting, and the handler never checks it'];
    }
    const stepFacts: FunctionFacts[] = [];
    for (const s of steps) {
      if (!s.definition) continue;
      const f = classifier.factsAt(s.definition);
      if (f) stepFacts.push(f);
    }
    return { route, handlerFacts, stepFacts, mountLines, orphan: root.kind === 'orphan' };
  }

  const apps: AppInfo[] = [];
  for (const c of contexts) {
    if (c.kind !== 'app') continue;
    const pf = ctx.getParsed(c.file);
    if (!pf) continue;
    apps.push(appInfo(c.id, 'fastify', nodeLocation(pf, c.node), appDrafts.get(c) ?? []));
  }
  return { drafts, apps };
}

/** The route schema as a validation step: which request parts it validates (response schemas validate nothing). */
function schemaStepOf(opts: Extract<Value, { kind: 'object' }>, r: RouteRecord, routePf: ParsedFile): Step | undefined {
  const schema = opts.props.get('schema');
  if (!schema) return undefined;
  const file = opts.file ?? r.file;
  const propN = objectProperty(opts, 'schema');
  const pf = file === routePf.file ? routePf : undefined;
  const location = pf && propN ? nodeLocation(pf, propN) : nodeLocation(routePf, { range: r.anchor });
  const step: Step = { name: 'schema', scope: 'route', location, classifications: [], opaque: false, package: 'fastify' };
  if (schema.kind !== 'object') {
    step.opaque = true;
    step.classifications.push({
      role: 'validation',
      confidence: 'low',
      source: 'package',
      reason: `the route schema (${pf && propN ? nodeText(pf, (propN as { value: Node }).value, 40) : 'schema'}) could not be read; Fastify validates the request parts it describes`,
      evidence: [{ message: 'route schema', location }],
      covers: [...ALL_INPUTS],
    });
    return step;
  }
  const covers: InputSource[] = [];
  const evidence: Classification['evidence'] = [];
  const parts: string[] = [];
  for (const [k, src] of Object.entries(SCHEMA_PARTS)) {
    const v = schema.props.get(k);
    if (!v || (v.kind === 'literal' && (v.value === null || v.value === false))) continue;
    if (!covers.includes(src)) covers.push(src);
    parts.push(k);
    const n = objectProperty(schema, k);
    const spf = schema.file === routePf.file ? routePf : undefined;
    evidence.push({ message: `schema.${k} validates ${src === 'query' ? 'the query string' : `request.${src}`}`, location: n && spf ? nodeLocation(spf, n) : location });
  }
  if (!covers.length) {
    step.notes = [schema.props.has('response') ? 'the route schema only describes responses; it validates no request input' : 'the route schema describes no request part (body, querystring, params, headers)'];
    return step;
  }
  step.name = `schema (${parts.join(', ')})`;
  step.classifications.push({
    role: 'validation',
    confidence: 'high',
    source: 'package',
    reason: `the route schema validates ${parts.join(', ')} before the handler runs (Fastify rejects invalid requests with 400)`,
    evidence,
    covers,
  });
  return step;
}

/** `attachValidation: true` with a handler that never looks at `request.validationError`. */
function attachValidationUnchecked(opts: Extract<Value, { kind: 'object' }> | undefined, _facts: FunctionFacts[], r: RouteRecord, ctx: BuildContext): boolean {
  const av = opts?.props.get('attachValidation');
  if (!av || av.kind !== 'literal' || av.value !== true) return false;
  const fn = r.handler ? handlerFunction(r.handler.value) : undefined;
  if (!fn) return false;
  const pf = ctx.getParsed(fn.file);
  if (!pf) return false;
  return !pf.text.slice(fn.node.range[0], fn.node.range[1]).includes('validationError');
}
