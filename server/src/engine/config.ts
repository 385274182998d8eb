/**
 * API Warden configuration: the shape of `apiwarden.config.json` once validated.
 * Parsing and validation are pure (text in, config or errors out); finding the file on disk is
 * done by `findConfigFile`, through a FileHost, so the language server can use overlays.
 */
import type { Severity } from './model';

export type RuleSetting = Severity | 'off';

export interface PublicRoute {
  /** Upper-case HTTP method, or '*' for any. */
  method: string;
  /** Glob over the route's full Express path: `*` one segment, `**` any number. */
  path: string;
  reason?: string;
}

export interface ApiWardenConfig {
  /** Absolute path of the config file, when one was read. */
  file?: string;
  /** Folder the include/exclude globs are relative to (the config file's folder or the root). */
  baseDir: string;
  include: string[];
  exclude: string[];
  rules: Record<string, RuleSetting>;
  publicRoutes: PublicRoute[];
  middleware: {
    auth: string[];
    validation: string[];
    rateLimit: string[];
  };
}

export interface ConfigError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const CONFIG_FILE_NAME = 'apiwarden.config.json';

export function defaultConfig(baseDir: string): ApiWardenConfig {
  return {
    baseDir,
    include: [],
    exclude: [],
    rules: {},
    publicRoutes: [],
    middleware: { auth: [], validation: [], rateLimit: [] },
  };
}
