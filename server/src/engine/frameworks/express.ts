/**
 * Express adapter: recognises apps (`express()`) and routers (`express.Router()`), records every
 * `use` / `METHOD` / `route()` registration in program order, then walks from each app through
 * its mounts to produce framework-neutral routes with their ordered step chains.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { CallNode, FrameworkObject, Value } from '../evaluate';
import { unwrap, type Node } from '../parse';
import { buildTreeRoutes, type RouteEvent, type TreeEvent, type TreeObject } from './tree';
import type { BuildContext, FrameworkAdapter, HandlerRef } from './types';

export const EXPRESS_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'all'];

export type ExpressEvent = TreeEvent;
export type ExpressObject = TreeObject & { framework: 'express' };

export class ExpressAdapter implements FrameworkAdapter {
  readonly framework = 'express' as const;
  /** A file can only create or extend an app when it mentions the framework or receives a router. */
  readonly candidate = /\bexpress\b|\bRouter\s*\(/;
  readonly objects: ExpressObject[] = [];

  buildRoutes(ctx: BuildContext) {
    return buildTreeRoutes(this.objects, { framework: 'express', isTreeObject: (o): o is TreeObject => o.framework === 'express' }, ctx);
  }

  private readonly byNode = new Map<string, ExpressObject>();

  construct(callee: Value, call: CallNode, _args: Value[], file: string): Value | undefined {
    if (callee.kind !== 'package' || callee.pkg !== 'express') return undefined;
    const p = callee.path.filter((x) => x !== 'default');
    let kind: 'app' | 'router' | undefined;
    if (p.length === 0) kind = 'app';
    else if (p.length === 1 && p[0] === 'Router') kind = 'router';
    if (!kind) return undefined;
    const key = `${file}:${call.range[0]}`;
    let obj = this.byNode.get(key);
    if (!obj) {
      obj = { id: `express-${kind}@${key}`, framework: 'express', kind, file, node: call, events: [], seen: new Set(), mountedBy: [] };
      this.byNode.set(key, obj);
      this.objects.push(obj);
    }
    return { kind: 'instance', obj };
  }

  method(fo: FrameworkObject, method: string, call: TSESTree.CallExpression, args: Value[], file: string): Value | undefined {
    if (fo.framework !== 'express') return undefined;
    const obj = fo as ExpressObject;
    const self: Value = { kind: 'instance', obj };
    const key = `${file}:${call.range[0]}-${call.range[1]}`;
    const argNodes = call.arguments as Node[];

    if (obj.kind === 'route') {
      if (!EXPRESS_METHODS.includes(method)) return self;
      if (obj.seen.has(key)) return self;
      obj.seen.add(key);
      const owner = obj.owner!;
      const handlers = flattenHandlers(args, argNodes, file);
      const ev: RouteEvent = {
        type: 'route',
        method: method.toUpperCase(),
        paths: obj.routePath!.paths,
        pathDynamic: obj.routePath!.dynamic,
        handlers,
        call,
        file,
        anchor: anchorRange(call, undefined),
      };
      if (method === 'all') {
        obj.pendingAll = [...(obj.pendingAll ?? []), ev];
      } else if (obj.pendingAll?.length) {
        for (const a of obj.pendingAll) a.consumed = true;
        ev.chainMiddleware = obj.pendingAll.flatMap((a) => a.handlers);
      }
      owner.events.push(ev);
      return self;
    }

    if (method === 'route') {
      const cached = this.byNode.get(key);
      if (cached) return { kind: 'instance', obj: cached };
      const { paths, dynamic } = pathsOf(args[0]);
      const r: ExpressObject = {
        id: `express-route@${key}`,
        framework: 'express',
        kind: 'route',
        file,
        node: call,
        events: [],
        seen: new Set(),
        mountedBy: [],
        owner: obj,
        routePath: { paths, dynamic },
      };
      this.byNode.set(key, r);
      return { kind: 'instance', obj: r };
    }

    if (method === 'use') {
      if (obj.seen.has(key)) return self;
      obj.seen.add(key);
      let rest = args;
      let restNodes = argNodes;
      let paths = ['/'];
      let dynamic = false;
      if (args.length && isPathArg(args[0], argNodes[0])) {
        ({ paths, dynamic } = pathsOf(args[0]));
        rest = args.slice(1);
        restNodes = argNodes.slice(1);
      }
      const ev: ExpressEvent = { type: 'use', paths, pathDynamic: dynamic, handlers: flattenHandlers(rest, restNodes, file), call, file };
      obj.events.push(ev);
      for (const h of ev.handlers) {
        if (h.value.kind === 'instance' && h.value.obj.framework === 'express') {
          (h.value.obj as ExpressObject).mountedBy.push({ parent: obj, event: ev });
        }
      }
      return self;
    }

    if (EXPRESS_METHODS.includes(method)) {
      // app.get('setting') reads a setting.
      if (method === 'get' && args.length === 1) return { kind: 'unknown' };
      if (!args.length) return self;
      if (obj.seen.has(key)) return self;
      obj.seen.add(key);
      const { paths, dynamic } = pathsOf(args[0]);
      obj.events.push({
        type: 'route',
        method: method.toUpperCase(),
        paths,
        pathDynamic: dynamic,
        handlers: flattenHandlers(args.slice(1), argNodes.slice(1), file),
        call,
        file,
        anchor: anchorRange(call, argNodes[0]),
      });
      return self;
    }
    return undefined;
  }
}

export function isPathArg(v: Value, node: Node | undefined): boolean {
  if (v.kind === 'literal') return typeof v.value === 'string' || v.value instanceof RegExp;
  if (v.kind === 'array') return v.items.length > 0 && v.items.every((i) => i.kind === 'literal');
  if (node) {
    const u = unwrap(node);
    if (u.type === 'TemplateLiteral' || u.type === 'Literal' || u.type === 'BinaryExpression') return true;
  }
  return false;
}

export function pathsOf(v: Value | undefined): { paths: string[]; dynamic: boolean } {
  if (!v) return { paths: ['/'], dynamic: true };
  if (v.kind === 'literal') {
    if (typeof v.value === 'string') return { paths: [v.value], dynamic: false };
    if (v.value instanceof RegExp) return { paths: [`/${v.value.source}/`], dynamic: true };
  }
  if (v.kind === 'array') {
    const out: string[] = [];
    let dynamic = false;
    for (const i of v.items) {
      const p = pathsOf(i);
      out.push(...p.paths);
      dynamic ||= p.dynamic;
    }
    return { paths: out.length ? out : ['/'], dynamic };
  }
  return { paths: ['<dynamic>'], dynamic: true };
}

export function flattenHandlers(values: Value[], nodes: Node[], file: string): HandlerRef[] {
  const out: HandlerRef[] = [];
  values.forEach((v, i) => {
    const n = nodes[i] ?? nodes[nodes.length - 1];
    if (v.kind === 'array') {
      v.items.forEach((item, j) => {
        if (item.kind === 'array') out.push(...flattenHandlers([item], [v.nodes[j] ?? n], file));
        else out.push({ value: item, node: v.nodes[j] ?? n, file });
      });
    } else out.push({ value: v, node: n, file });
  });
  return out;
}

/** From the method name (`get` in `router.get`) to the end of the path argument (or the call). */
export function anchorRange(call: TSESTree.CallExpression, pathArg: Node | undefined): [number, number] {
  const callee = call.callee;
  const start = callee.type === 'MemberExpression' ? callee.property.range[0] : call.range[0];
  const end = pathArg ? pathArg.range[1] : callee.range[1];
  return [start, end];
}
