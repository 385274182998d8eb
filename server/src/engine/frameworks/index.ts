/**
 * The framework adapters, in the order their routes are reported. Each one is independent: it
 * records its own objects while the evaluator runs and builds its own routes.
 */
import { ExpressAdapter } from './express';
import { FastifyAdapter } from './fastify';
import { HonoAdapter } from './hono';
import { KoaAdapter } from './koa';
import { NestAdapter } from './nestjs';
import { NextAdapter } from './nextjs';
import type { FrameworkAdapter } from './types';

/** Fresh adapters for one analysis run (they hold the registrations they record). */
export function createAdapters(): FrameworkAdapter[] {
  return [new ExpressAdapter(), new FastifyAdapter(), new KoaAdapter(), new HonoAdapter(), new NestAdapter(), new NextAdapter()];
}

export type { FrameworkAdapter, RouteDraft, BuildContext, HandlerRef } from './types';
