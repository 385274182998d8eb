/**
 * Fastify adapter (in progress): recognises nothing yet.
 */
import type { FrameworkObject, Value } from '../evaluate';
import type { BuildContext, FrameworkAdapter, RouteDraft } from './types';
import type { AppInfo } from '../model';

export class FastifyAdapter implements FrameworkAdapter {
  readonly framework = 'fastify' as const;
  readonly candidate = /(?!)/;

  construct(): Value | undefined {
    return undefined;
  }

  method(_obj: FrameworkObject): Value | undefined {
    return undefined;
  }

  buildRoutes(_ctx: BuildContext): { drafts: RouteDraft[]; apps: AppInfo[] } {
    return { drafts: [], apps: [] };
  }
}
