/**
 * API Warden configuration: the shape of `apiwarden.config.json` once validated.
 * Parsing and validation are pure (text in, config or errors out); finding the file on disk is
 * done by `findConfigFile`, through a FileHost, so the language server can use overlays.
 *
 * File format (strict JSON, no comments; every key optional; unknown keys are errors):
 *
 * {
 *   "$schema": "./node_modules/apiwarden/apiwarden.schema.json",
 *
 *   // Files to analyse / skip: globs relative to the config file's folder ("src/**", "**\/*.test.js").
 *   // Non-empty strings; absolute paths and ".." segments are refused.
 *   "include": ["src/**"],
 *   "exclude": ["src/legacy/**"],
 *
 *   // Per-rule severity: "error" | "warning" | "info" | "off". Rule ids are not checked here
 *   // (front ends warn about ids they do not know).
 *   "rules": { "missing-rate-limit": "warning", "missing-validation": "off" },
 *
 *   // Routes that are public on purpose (no auth expected). Three forms:
 *   //   "GET /health"       method (upper case, or "*") and a path glob
 *   //   "/docs/**"          a path glob alone: any method
 *   //   { "method": "GET" | "*", "path": "/public/**", "reason": "marketing pages" }
 *   // Path globs start with "/"; "*" matches one path segment, "**" any number.
 *   // Methods: GET POST PUT PATCH DELETE HEAD OPTIONS ALL, or "*".
 *   "publicRoutes": ["GET /health", "/docs/**", { "method": "*", "path": "/public/**", "reason": "static site" }],
 *
 *   // The project's own middleware, by the name used at the call site (`requireUser`, `limiter`).
 *   "middleware": { "auth": ["requireUser"], "validation": ["validateBody"], "rateLimit": ["limiter"] },
 *
 *   // OpenAPI / Swagger documents to read besides those found by content (relative paths or globs),
 *   // and whether `$ref: https://…` may be fetched (default false: a spec cannot make the linter
 *   // call the network).
 *   "specs": ["api/openapi.yaml"],
 *   "allowRemoteRefs": false
 * }
 *
 * The JSON Schema for editors is `apiwarden.schema.json` at the package root; keep it in sync.
 */
import * as path from 'node:path';
import type { Severity } from './model';
import { type FileHost, nodeFileHost } from './host';
import { type JsonMember, type JsonPos, type JsonValue, JsonSyntaxError, parseJsonWithPositions } from './jsonpos';

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
  /** Spec files or globs (relative to baseDir) read as OpenAPI documents even if content detection would not pick them. */
  specs: string[];
  allowRemoteRefs: boolean;
}

export interface ConfigError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const CONFIG_FILE_NAME = 'apiwarden.config.json';

export const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];
export const PUBLIC_ROUTE_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ALL', '*'];

export function defaultConfig(baseDir: string): ApiWardenConfig {
  return {
    baseDir,
    include: [],
    exclude: [],
    rules: {},
    publicRoutes: [],
    middleware: { auth: [], validation: [], rateLimit: [] },
    specs: [],
    allowRemoteRefs: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

const TOP_LEVEL_KEYS = ['$schema', 'include', 'exclude', 'rules', 'publicRoutes', 'middleware', 'specs', 'allowRemoteRefs'];
const MIDDLEWARE_KEYS = ['auth', 'validation', 'rateLimit'] as const;
const PUBLIC_ROUTE_KEYS = ['method', 'path', 'reason'];

function quoteList(items: readonly string[]): string {
  return items.map((s) => JSON.stringify(s)).join(', ');
}

function typeName(v: JsonValue): string {
  return v.kind === 'null' ? 'null' : v.kind === 'array' ? 'an array' : v.kind === 'object' ? 'an object' : `a ${v.kind}`;
}

/** True when a `/`- or `\`-separated path has a `..` segment. */
function hasTraversal(p: string): boolean {
  return p.split(/[\\/]/).some((seg) => seg === '..');
}

/**
 * Parse and validate the text of a config file. `file` is used in errors and stored in the
 * config; `baseDir` is the folder include/exclude globs are relative to (normally the file's folder).
 * The config is returned only when there is no error at all.
 */
export function parseConfig(text: string, file: string, baseDir: string): { config?: ApiWardenConfig; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const err = (pos: JsonPos, message: string): void => {
    errors.push({ file, line: pos.line, column: pos.column, message });
  };

  let root: JsonValue;
  try {
    root = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      err(e.pos, `invalid JSON: ${e.message}`);
      return { errors };
    }
    throw e;
  }

  const config = defaultConfig(baseDir);
  config.file = file;

  if (root.kind !== 'object') {
    err(root.pos, `the configuration must be a JSON object, found ${typeName(root)}`);
    return { errors };
  }

  /** Members of an object, reporting duplicate keys and keys not in `allowed`. */
  const members = (obj: Extract<JsonValue, { kind: 'object' }>, where: string, allowed?: readonly string[]): JsonMember[] => {
    const seen = new Set<string>();
    const out: JsonMember[] = [];
    for (const m of obj.members) {
      const label = where ? `${where}.${m.key}` : m.key;
      if (seen.has(m.key)) {
        err(m.keyPos, `duplicate key "${label}"`);
        continue;
      }
      seen.add(m.key);
      if (allowed && !allowed.includes(m.key)) {
        err(m.keyPos, `unknown key "${label}"; allowed keys${where ? ` in "${where}"` : ''}: ${quoteList(allowed)}`);
        continue;
      }
      out.push(m);
    }
    return out;
  };

  /** A non-empty string, or an error (and undefined). */
  const nonEmptyString = (v: JsonValue, label: string): string | undefined => {
    if (v.kind !== 'string') {
      err(v.pos, `"${label}" must be a string, found ${typeName(v)}`);
      return undefined;
    }
    if (v.value.trim() === '') {
      err(v.pos, `"${label}" must not be empty`);
      return undefined;
    }
    return v.value;
  };

  const stringArray = (v: JsonValue, label: string, check?: (s: string, item: JsonValue, itemLabel: string) => string | undefined): string[] => {
    if (v.kind !== 'array') {
      err(v.pos, `"${label}" must be an array of strings, found ${typeName(v)}`);
      return [];
    }
    const out: string[] = [];
    v.items.forEach((item, idx) => {
      const itemLabel = `${label}[${idx}]`;
      const s = nonEmptyString(item, itemLabel);
      if (s === undefined) return;
      const checked = check ? check(s, item, itemLabel) : s;
      if (checked !== undefined) out.push(checked);
    });
    return out;
  };

  const fileGlob = (s: string, item: JsonValue, label: string): string | undefined => {
    if (hasTraversal(s)) {
      err(item.pos, `"${label}": ".." segments are not allowed in globs (paths must stay inside the config file's folder)`);
      return undefined;
    }
    if (s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\')) {
      err(item.pos, `"${label}": absolute paths are not allowed; globs are relative to the config file's folder`);
      return undefined;
    }
    return s.replace(/^(?:\.\/)+/, '');
  };

  const routeGlob = (s: string, pos: JsonPos, label: string): string | undefined => {
    if (!s.startsWith('/')) {
      err(pos, `"${label}": the route path must start with "/" (got ${JSON.stringify(s)})`);
      return undefined;
    }
    if (/\s/.test(s)) {
      err(pos, `"${label}": the route path must not contain spaces (got ${JSON.stringify(s)})`);
      return undefined;
    }
    if (hasTraversal(s)) {
      err(pos, `"${label}": ".." segments are not allowed in route paths`);
      return undefined;
    }
    return s;
  };

  const method = (s: string, pos: JsonPos, label: string): string | undefined => {
    if (PUBLIC_ROUTE_METHODS.includes(s)) return s;
    const hint = PUBLIC_ROUTE_METHODS.includes(s.toUpperCase()) ? ` (methods are upper case: "${s.toUpperCase()}")` : '';
    err(pos, `"${label}": unknown HTTP method ${JSON.stringify(s)}${hint}; expected one of ${quoteList(PUBLIC_ROUTE_METHODS)}`);
    return undefined;
  };

  for (const m of members(root, '', TOP_LEVEL_KEYS)) {
    const v = m.value;
    switch (m.key) {
      case '$schema':
        nonEmptyString(v, '$schema');
        break;
      case 'include':
      case 'exclude':
      case 'specs':
        config[m.key] = stringArray(v, m.key, fileGlob);
        break;
      case 'allowRemoteRefs':
        if (v.kind !== 'boolean') err(v.pos, `"allowRemoteRefs" must be true or false, found ${typeName(v)}`);
        else config.allowRemoteRefs = v.value;
        break;
      case 'rules': {
        if (v.kind !== 'object') {
          err(v.pos, `"rules" must be an object mapping rule ids to ${quoteList(RULE_SETTINGS)}, found ${typeName(v)}`);
          break;
        }
        for (const r of members(v, 'rules')) {
          if (r.key.trim() === '') {
            err(r.keyPos, 'rule id must not be empty');
            continue;
          }
          if (r.value.kind !== 'string' || !(RULE_SETTINGS as readonly string[]).includes(r.value.value)) {
            const got = r.value.kind === 'string' ? JSON.stringify(r.value.value) : typeName(r.value);
            err(r.value.pos, `"rules.${r.key}": severity must be one of ${quoteList(RULE_SETTINGS)}, found ${got}`);
            continue;
          }
          config.rules[r.key] = r.value.value as RuleSetting;
        }
        break;
      }
      case 'publicRoutes': {
        if (v.kind !== 'array') {
          err(v.pos, `"publicRoutes" must be an array, found ${typeName(v)}`);
          break;
        }
        v.items.forEach((item, idx) => {
          const label = `publicRoutes[${idx}]`;
          if (item.kind === 'string') {
            const s = item.value.trim();
            if (s === '') {
              err(item.pos, `"${label}" must not be empty`);
              return;
            }
            const sp = /^(\S+)\s+(\S.*)$/.exec(s);
            if (sp) {
              const mth = method(sp[1], item.pos, label);
              const p = routeGlob(sp[2], item.pos, label);
              if (mth !== undefined && p !== undefined) config.publicRoutes.push({ method: mth, path: p });
            } else {
              const p = routeGlob(s, item.pos, label);
              if (p !== undefined) config.publicRoutes.push({ method: '*', path: p });
            }
            return;
          }
          if (item.kind !== 'object') {
            err(item.pos, `"${label}" must be a string like "GET /health" or an object { "method", "path", "reason" }, found ${typeName(item)}`);
            return;
          }
          const route: Partial<PublicRoute> = { method: '*' };
          let ok = true;
          let hasPath = false;
          for (const f of members(item, label, PUBLIC_ROUTE_KEYS)) {
            const flabel = `${label}.${f.key}`;
            const s = nonEmptyString(f.value, flabel);
            if (s === undefined) {
              ok = false;
              if (f.key === 'path') hasPath = true;
              continue;
            }
            if (f.key === 'method') {
              const mth = method(s, f.value.pos, flabel);
              if (mth === undefined) ok = false;
              else route.method = mth;
            } else if (f.key === 'path') {
              hasPath = true;
              const p = routeGlob(s, f.value.pos, flabel);
              if (p === undefined) ok = false;
              else route.path = p;
            } else {
              route.reason = s;
            }
          }
          if (!hasPath) {
            err(item.pos, `"${label}" is missing the required key "path"`);
            ok = false;
          }
          if (ok && route.path !== undefined) {
            const entry: PublicRoute = { method: route.method ?? '*', path: route.path };
            if (route.reason !== undefined) entry.reason = route.reason;
            config.publicRoutes.push(entry);
          }
        });
        break;
      }
      case 'middleware': {
        if (v.kind !== 'object') {
          err(v.pos, `"middleware" must be an object with keys ${quoteList(MIDDLEWARE_KEYS)}, found ${typeName(v)}`);
          break;
        }
        for (const f of members(v, 'middleware', MIDDLEWARE_KEYS)) {
          config.middleware[f.key as (typeof MIDDLEWARE_KEYS)[number]] = stringArray(f.value, `middleware.${f.key}`, (s) => s.trim());
        }
        break;
      }
    }
  }

  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return errors.length > 0 ? { errors } : { config, errors };
}

// ---------------------------------------------------------------------------------------------
// Finding and loading

/** The nearest `apiwarden.config.json` in `startDir` or one of its parents, up to the filesystem root. */
export function findConfigFile(startDir: string, host: FileHost): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (host.isFile(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface LoadConfigOptions {
  /** Where discovery starts (the workspace root); also the baseDir when no file is found. */
  startDir: string;
  /** An explicit config file (absolute, or relative to startDir); no discovery then. */
  configFile?: string;
  host?: FileHost;
}

export interface LoadConfigResult {
  /** Set when there is no error: the file's config, or the defaults when no file was found. */
  config?: ApiWardenConfig;
  errors: ConfigError[];
  /** The config file that was read (or that was asked for and could not be read). */
  file?: string;
}

/** Find (or take the given) config file, read and validate it. A missing explicit file is an error. */
export function loadConfig(options: LoadConfigOptions): LoadConfigResult {
  const host = options.host ?? nodeFileHost();
  const startDir = path.resolve(options.startDir);
  const file = options.configFile !== undefined ? path.resolve(startDir, options.configFile) : findConfigFile(startDir, host);
  if (file === undefined) return { config: defaultConfig(startDir), errors: [] };
  const text = host.isFile(file) ? host.readFile(file) : undefined;
  if (text === undefined) {
    return { errors: [{ file, line: 1, column: 1, message: 'cannot read the configuration file (missing or not a file)' }], file };
  }
  const { config, errors } = parseConfig(text, file, path.dirname(file));
  return config ? { config, errors, file } : { errors, file };
}
