/**
 * analyzeProject: files in, route model and findings out.
 *
 *   discover files → cheap pre-filter (files that can create apps/routers) → evaluate them
 *   (imports followed and parsed on demand) → framework adapters record registrations →
 *   routes with ordered steps → postures;
 *   spec candidates (YAML/JSON) → OpenAPI documents by content → operations → matched to routes;
 *   → rules → directives (suppressions) → findings.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { ApiWardenConfig } from './config';
import { Classifier } from './classify';
import { Evaluator } from './evaluate';
import { readDirectives, readYamlDirectives } from './directives';
import { createFixBuilder } from './fixes';
import { createAdapters } from './frameworks';
import type { RouteDraft } from './frameworks/types';
import { nodeFileHost, type FileHost } from './host';
import type { Directive, Finding, ParseProblem, ProjectModel, ReportDescriptor, Route, Rule, RuleContext, RuleMeta, Severity, SourceLocation } from './model';
import { ModuleResolver } from './modules';
import { parseFile, type ParsedFile } from './parse';
import { computePosture } from './posture';
import { matchRoutes } from './openapi/match';
import { isYamlPath, looksLikeSpecRoot } from './openapi/source';
import { buildSpecDocument, SpecLoader, type SpecDocument, type SpecOperation } from './openapi/spec';
import { validateStructure } from './openapi/validate';
import { discoverFiles, isSourceFile, toPosix } from './workspace';

export interface AnalyzeOptions {
  /** Absolute path of the workspace root; findings' files are absolute, front ends relativise. */
  root: string;
  /** Absolute files or folders to analyse; default: the root. */
  paths?: string[];
  config: ApiWardenConfig;
  /** The rules to run (front ends pass the built-in registry from rules/). */
  rules: Rule[];
  host?: FileHost;
}

export interface AnalysisResult {
  model: ProjectModel;
  /** Every finding, sorted by file, line, column; suppressed ones carry `suppressed`. */
  findings: Finding[];
  /** Rule crashes and similar internal problems, reported rather than thrown. */
  internalErrors: string[];
  stats: { filesDiscovered: number; filesParsed: number; routes: number; ms: number };
}

/** Files larger than this are not parsed (minified bundles, generated code). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Spec files larger than this are skipped (real public specs are up to ~15 MB). */
export const MAX_SPEC_BYTES = 64 * 1024 * 1024;
/** Findings the engine reports itself (no rule module): unreadable files and broken specs. */
export const ENGINE_RULES: readonly RuleMeta[] = [
  {
    id: 'parse-error',
    description: 'Source files and API descriptions must parse so that they can be analysed.',
    defaultSeverity: 'error',
    owasp: [],
    cwe: [],
    messages: {},
    docs: 'rules/parse-error.md',
  },
  {
    id: 'spec-invalid',
    description: 'OpenAPI documents must be valid and every $ref must resolve, or what they describe goes unchecked.',
    defaultSeverity: 'error',
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    messages: {},
    docs: 'rules/spec-invalid.md',
  },
];
export const ENGINE_RULE_IDS: readonly string[] = ENGINE_RULES.map((r) => r.id);

export function analyzeProject(options: AnalyzeOptions): AnalysisResult {
  const t0 = Date.now();
  const host = options.host ?? nodeFileHost();
  const config = options.config;
  const paths = options.paths?.length ? options.paths : [options.root];
  // Context: a path inside a package is analysed with its whole package, so routers keep the
  // prefixes and middleware of the app that mounts them; only findings under `paths` are reported.
  const contextPaths = [...new Set(paths.map((p) => packageRootOf(p, options.root, host) ?? p))];
  const { files, specCandidates } = discoverFiles(contextPaths, config, host);
  const inScope = (file: string) => paths.some((p) => file === p || file.startsWith(p.endsWith(path.sep) ? p : p + path.sep));
  const parsed = new Map<string, ParsedFile | null>();
  const parseProblems: ParseProblem[] = [];
  const internalErrors: string[] = [];

  const getParsed = (file: string, known?: string): ParsedFile | undefined => {
    const hit = parsed.get(file);
    if (hit !== undefined) return hit ?? undefined;
    const size = host.fileSize(file);
    if (size !== undefined && size > MAX_FILE_BYTES) {
      parsed.set(file, null);
      return undefined;
    }
    const text = known ?? host.readFile(file);
    if (text === undefined) {
      parsed.set(file, null);
      return undefined;
    }
    const pf = parseFile(file, text);
    parsed.set(file, pf);
    if (pf.problem) parseProblems.push(pf.problem);
    return pf;
  };
  const getAst = (file: string) => {
    const pf = getParsed(file);
    return pf && pf.ast ? pf : undefined;
  };

  const resolver = new ModuleResolver(host);
  const ev = new Evaluator({
    getParsed: getAst,
    resolveImport: (from, spec) => {
      const r = resolver.resolve(from, spec);
      return r && isSourceFile(r) ? r : undefined;
    },
  });
  const adapters = createAdapters();
  ev.hooks.push(...adapters);
  for (const a of adapters) a.attach?.({ ev, host, files, root: options.root, getParsed: getAst });
  // A file is evaluated when some framework can use it (cheap text test), or when an adapter
  // says it defines routes by where it is (Next.js route files); its imports follow on demand.
  const candidate = new RegExp(adapters.map((a) => a.candidate.source).join('|'));
  const entries = new Set<string>();
  for (const a of adapters) {
    try {
      for (const f of a.entryFiles?.(files, { host, root: options.root }) ?? []) entries.add(f);
    } catch (err) {
      internalErrors.push(`${a.framework}: finding route files failed: ${(err as Error).stack ?? err}`);
    }
  }
  for (const file of files) {
    const size = host.fileSize(file);
    if (size !== undefined && size > MAX_FILE_BYTES) continue;
    const text = host.readFile(file);
    if (text === undefined) continue;
    if (!entries.has(file) && !candidate.test(text)) continue;
    try {
      if (!getParsed(file, text)) continue;
      ev.runModule(file);
    } catch (err) {
      internalErrors.push(`${file}: analysis failed: ${(err as Error).stack ?? err}`);
    }
  }

  const classifier = new Classifier(ev, { getParsed: getAst }, config);
  for (const a of adapters) if (a.catalogue) classifier.catalogues.push(a.catalogue);
  const specLoader = new SpecLoader({ host, roots: [options.root, ...contextPaths], allowRemoteRefs: config.allowRemoteRefs });
  const directiveCache = new Map<string, Directive[]>();
  const directivesOf = (file: string): Directive[] => {
    let d = directiveCache.get(file);
    if (!d) {
      if (isYamlPath(file)) {
        const sf = specLoader.loaded(file);
        d = sf ? readYamlDirectives(file, sf.text, sf.lines()) : [];
      } else {
        const pf = getAst(file);
        d = pf ? readDirectives(pf) : [];
      }
      directiveCache.set(file, d);
    }
    return d;
  };

  const routes: Route[] = [];
  const allRoutes: Route[] = [];
  let apps: ProjectModel['apps'] = [];
  const seen = new Set<string>();
  const buildContext = { classifier, ev, getParsed: getAst, files, host, config, root: options.root };
  for (const adapter of adapters) {
    let drafts: RouteDraft[] = [];
    try {
      const built = adapter.buildRoutes(buildContext);
      apps = [...apps, ...built.apps];
      drafts = built.drafts;
    } catch (err) {
      internalErrors.push(`${adapter.framework} route model failed: ${(err as Error).stack ?? err}`);
    }
    for (const d of drafts) {
      if (seen.has(d.route.id)) continue;
      seen.add(d.route.id);
      try {
        computePosture(d, config, directivesOf);
      } catch (err) {
        internalErrors.push(`${d.route.id}: posture failed: ${(err as Error).stack ?? err}`);
        continue;
      }
      allRoutes.push(d.route);
      if (inScope(d.route.registration.file)) routes.push(d.route);
    }
  }

  // OpenAPI documents, and which route implements which operation.
  const specs = loadSpecs(specCandidates, config, host, specLoader, internalErrors);
  const { byRoute } = matchRoutes(specs, allRoutes);
  for (const r of allRoutes) {
    r.specOperations = (byRoute.get(r.id) ?? []).map((op) => ({ method: op.method, path: op.path, operationId: op.operationId, location: op.location }));
  }

  // Directives of every parsed file (for suppression reporting).
  for (const [file, pf] of parsed) if (pf && pf.ast) directivesOf(file);
  for (const sf of specLoader.loadedFiles()) if (sf.format === 'yaml') directivesOf(sf.file);

  const model: ProjectModel = {
    root: options.root,
    apps,
    routes,
    specs,
    specLoader,
    operationsOf: (route: Route): SpecOperation[] => byRoute.get(route.id) ?? [],
    files: [...new Set([...[...parsed.keys()].filter((f) => parsed.get(f)), ...specLoader.loadedFiles().map((f) => f.file)])].sort(),
    parseProblems,
    directives: directiveCache,
  };

  const findings: Finding[] = [];
  const parseSetting = config.rules['parse-error'];
  for (const p of parseSetting === 'off' ? [] : parseProblems) {
    findings.push({
      ruleId: 'parse-error',
      severity: parseSetting && parseSetting !== 'off' ? parseSetting : 'error',
      message: `Cannot parse ${p.file.split(/[\\/]/).pop()}: ${p.message.replace(/\.$/, '')}. Routes in this file are not analysed.`,
      location: p.location,
      route: null,
      evidence: [],
      fixes: [],
    });
  }

  const fixes = createFixBuilder(getAst, ev, resolver, (file) => {
    const sf = specLoader.loaded(file);
    return sf && sf.format === 'yaml' ? { text: sf.text, lines: sf.lines() } : undefined;
  });
  for (const rule of options.rules) {
    const setting = config.rules[rule.meta.id];
    if (setting === 'off') continue;
    const context: RuleContext = {
      model,
      getText: (file) => specLoader.loaded(file)?.text ?? getParsed(file)?.text ?? host.readFile(file),
      settings: {
        authMiddleware: config.middleware.auth,
        validationMiddleware: config.middleware.validation,
        rateLimitMiddleware: config.middleware.rateLimit,
        knownRuleIds: [...ENGINE_RULE_IDS, ...options.rules.map((r) => r.meta.id)],
      },
      fixes,
      report: (d: ReportDescriptor) => {
        findings.push(toFinding(rule, d, setting));
      },
    };
    try {
      rule.check(context);
    } catch (err) {
      internalErrors.push(`rule ${rule.meta.id} failed: ${(err as Error).stack ?? err}`);
    }
  }

  // Spec problems: syntax (parse-error) and structure (spec-invalid), including dangling `$ref`s met by rules.
  for (const p of specLoader.problems) {
    const setting = config.rules[p.kind];
    if (setting === 'off') continue;
    findings.push({
      ruleId: p.kind,
      severity: setting ?? p.severity,
      message: p.kind === 'parse-error' ? `Cannot parse ${p.location.file.split(/[\\/]/).pop()}: ${p.message.replace(/\.$/, '')}. The document is not analysed.` : p.message,
      location: p.location,
      route: null,
      evidence: [],
      fixes: [],
    });
  }

  applyDirectives(findings, directivesOf);
  for (let i = findings.length - 1; i >= 0; i--) if (!inScope(findings[i].location.file)) findings.splice(i, 1);
  findings.sort(
    (a, b) =>
      (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
      a.location.start.line - b.location.start.line ||
      a.location.start.column - b.location.start.column ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );

  return {
    model,
    findings,
    internalErrors,
    stats: { filesDiscovered: files.length, filesParsed: model.files.length, routes: routes.length, ms: Date.now() - t0 },
  };
}

/** The nearest folder at or above `p` (and not above `root`) with a package.json. */
function packageRootOf(p: string, root: string, host: FileHost): string | undefined {
  let dir = host.isDirectory(p) ? p : path.dirname(p);
  const stop = path.resolve(root);
  for (let i = 0; i < 64; i++) {
    if (host.isFile(path.join(dir, 'package.json'))) return dir;
    if (dir === stop) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir || !dir.startsWith(stop)) return undefined;
    dir = parent;
  }
  return undefined;
}

function toFinding(rule: Rule, d: ReportDescriptor, setting: Severity | 'off' | undefined): Finding {
  const template = rule.meta.messages[d.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown messageId ${d.messageId}`);
  const message = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => (d.data && k in d.data ? String(d.data[k]) : `{{${k}}}`));
  const severity: Severity = setting && setting !== 'off' ? setting : (d.severity ?? rule.meta.defaultSeverity);
  return {
    ruleId: rule.meta.id,
    messageId: d.messageId,
    severity,
    message,
    location: d.location,
    route: d.route ? { method: d.route.method, path: d.route.path } : null,
    evidence: d.evidence ?? [],
    fixes: d.fixes ?? [],
    ...(d.alsoAt?.length ? { alsoAt: d.alsoAt } : {}),
  };
}

/** Root OpenAPI documents among the candidates (by content) and those named in config. */
function loadSpecs(candidates: string[], config: ApiWardenConfig, host: FileHost, loader: SpecLoader, internalErrors: string[]): SpecDocument[] {
  const named = config.specs.length ? picomatch(config.specs, { dot: true }) : undefined;
  const explicit = new Set<string>();
  for (const s of config.specs) {
    if (/[*?[\]{}]/.test(s)) continue;
    const abs = path.resolve(config.baseDir, s);
    explicit.add(abs);
    if (!host.isFile(abs)) {
      loader.problem({ kind: 'spec-invalid', severity: 'error', message: `The spec "${s}" named in ${config.file ? path.basename(config.file) : 'the config'} does not exist`, location: configLocation(config, host) });
    }
  }
  const docs: SpecDocument[] = [];
  for (const file of [...new Set([...candidates, ...explicit])].sort()) {
    const isNamed = explicit.has(file) || (named ? named(toPosix(path.relative(config.baseDir, file))) : false);
    const size = host.fileSize(file);
    if (size === undefined) continue;
    if (size > MAX_SPEC_BYTES) {
      if (isNamed) loader.problem({ kind: 'spec-invalid', severity: 'warning', message: `${path.basename(file)} is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MB and is not analysed`, location: configLocation(config, host) });
      continue;
    }
    const text = host.readFile(file);
    if (text === undefined || (!isNamed && !looksLikeSpecRoot(file, text))) continue;
    try {
      const sf = loader.load(file, text);
      if (!sf || sf.root === undefined) continue;
      const doc = buildSpecDocument(loader, sf);
      if (!doc) {
        if (isNamed && !loader.problems.some((p) => p.location.file === file)) {
          loader.problem({ kind: 'spec-invalid', severity: 'error', message: `${path.basename(file)} is named in the config's "specs" but has no 'openapi' or 'swagger' key at its root`, location: sf.locate([]) });
        }
        continue;
      }
      for (const p of validateStructure(doc)) loader.problem(p);
      loader.checkAllRefs(sf);
      docs.push(doc);
    } catch (err) {
      internalErrors.push(`${file}: spec analysis failed: ${(err as Error).stack ?? err}`);
    }
  }
  return docs;
}

function configLocation(config: ApiWardenConfig, host: FileHost): SourceLocation {
  const file = config.file ?? path.join(config.baseDir, 'apiwarden.config.json');
  const text = config.file ? host.readFile(config.file) ?? '' : '';
  const nl = text.indexOf('\n');
  const end = nl < 0 ? text.length : nl;
  return { file, start: { line: 1, column: 1 }, end: { line: 1, column: end + 1 }, range: [0, end] };
}

function applyDirectives(findings: Finding[], directivesOf: (file: string) => Directive[]): void {
  for (const f of findings) {
    if (f.ruleId === 'parse-error' || f.ruleId === 'suppression-without-reason') continue;
    for (const d of directivesOf(f.location.file)) {
      if (d.kind === 'public') continue;
      if (d.targetLine !== f.location.start.line) continue;
      if (d.rules.length && !d.rules.includes(f.ruleId)) continue;
      f.suppressed = { reason: d.reason ?? '', location: d.location };
      break;
    }
  }
}
