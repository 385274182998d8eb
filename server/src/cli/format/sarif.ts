/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps…).
 *
 * One run; rules come from the registry (plus the engine's own `parse-error` and `spec-invalid`), with help text read
 * from the rule's doc page (`rules/<id>.md` under the package root). Suppressed findings are kept,
 * with an `inSource` suppression. `partialFingerprints` do not depend on line numbers, so results
 * survive unrelated edits above them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINE_RULES, type Finding, type RuleMeta, type Severity, type SourceLocation } from '../../engine';
import { sortFindings } from './common';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'apiwarden/v1';

export interface SarifOptions {
  cwd: string;
  /** Metadata of the rules that ran (the registry); the engine's own are added when missing. */
  rules: readonly RuleMeta[];
  toolVersion: string;
  /** Package root, where `rules/<id>.md` doc pages live. */
  packageRoot?: string;
  /** Tool home page; defaults to the file URI of the package root. */
  informationUri?: string;
  /** Reads a source file (for fingerprints); default: the disk. */
  readFile?: (absPath: string) => string | undefined;
  /** Reads a doc page; default: the disk. */
  readDoc?: (absPath: string) => string | undefined;
}

type Json = Record<string, unknown>;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.5', info: '2.0' };

function readText(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function cweTag(cwe: string): string | undefined {
  const m = /(\d+)/.exec(cwe);
  return m ? `external/cwe/cwe-${Number(m[1])}` : undefined;
}

/** First paragraph after the title of a markdown page, as plain text. */
function firstParagraph(md: string): string | undefined {
  const paras = md
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#') && !p.startsWith('```') && !p.startsWith('|') && !p.startsWith('<!--'));
  return paras[0] ? markdownToText(paras[0]).replace(/\s*\n\s*/g, ' ') : undefined;
}

function markdownToText(md: string): string {
  return md
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .trim();
}

/** The URI of a file relative to cwd (encoded), or an absolute file URI when it is outside cwd. */
function artifactLocation(cwd: string, file: string): Json {
  const rel = path.relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function region(loc: SourceLocation): Json {
  const startLine = Math.max(1, loc.start.line);
  const startColumn = Math.max(1, loc.start.column);
  const endLine = Math.max(startLine, loc.end.line);
  let endColumn = Math.max(1, loc.end.column);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  return { startLine, startColumn, endLine, endColumn };
}

function physicalLocation(cwd: string, loc: SourceLocation): Json {
  return { artifactLocation: artifactLocation(cwd, loc.file), region: region(loc) };
}

/** Stable across edits that only move the finding: rule, route, file and the text of its first line. */
export function findingFingerprint(f: Finding, cwd: string, lineText: string | undefined): string {
  const rel = path.relative(cwd, f.location.file).split(path.sep).join('/');
  const route = f.route ? `${f.route.method} ${f.route.path}` : '';
  return createHash('sha256')
    .update([f.ruleId, route, rel, (lineText ?? '').trim()].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

export function buildSarif(findings: readonly Finding[], options: SarifOptions): Json {
  const { cwd } = options;
  const readFile = options.readFile ?? readText;
  const readDoc = options.readDoc ?? readText;
  const packageRoot = options.packageRoot;
  const informationUri = options.informationUri ?? pathToFileURL(packageRoot ?? __dirname).href + '/';

  const metas: RuleMeta[] = [...options.rules];
  for (const e of ENGINE_RULES) if (!metas.some((m) => m.id === e.id)) metas.push(e);
  for (const f of findings) {
    if (!metas.some((m) => m.id === f.ruleId)) {
      metas.push({ id: f.ruleId, description: f.ruleId, defaultSeverity: f.severity, owasp: [], cwe: [], messages: {}, docs: `rules/${f.ruleId}.md` });
    }
  }

  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));
  const sarifRules = metas.map((m) => {
    const docPath = packageRoot ? path.join(packageRoot, m.docs) : undefined;
    const md = docPath ? readDoc(docPath) : undefined;
    const helpUri = options.informationUri && /github\.com/.test(options.informationUri)
      ? `${options.informationUri.replace(/\/$/, '')}/blob/main/${m.docs}`
      : docPath
        ? pathToFileURL(docPath).href
        : informationUri;
    const tags = ['security', ...m.owasp, ...m.cwe.map(cweTag).filter((t): t is string => t !== undefined)];
    if (m.id === 'parse-error') tags.splice(0, tags.length, 'security', 'reliability');
    const markdown = md?.trim() || `${m.description}`;
    return {
      id: m.id,
      name: ruleName(m.id),
      shortDescription: { text: m.description },
      fullDescription: { text: (md && firstParagraph(md)) || m.description },
      helpUri,
      help: { text: markdownToText(markdown), markdown },
      defaultConfiguration: { level: LEVEL[m.defaultSeverity] },
      properties: {
        tags: [...new Set(tags)],
        precision: 'medium',
        'security-severity': m.id === 'parse-error' ? '1.0' : SECURITY_SEVERITY[m.defaultSeverity],
      },
    };
  });

  const lineCache = new Map<string, string[] | undefined>();
  const lineText = (file: string, line: number): string | undefined => {
    if (!lineCache.has(file)) lineCache.set(file, readFile(file)?.split(/\r?\n/));
    return lineCache.get(file)?.[line - 1];
  };

  const results = sortFindings(findings, cwd).map((f) => {
    const result: Json = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId)!,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: physicalLocation(cwd, f.location) }],
    };
    const related = [...f.evidence.filter((e) => e.location), ...(f.alsoAt ?? []).map((location) => ({ message: 'also reported here', location }))];
    if (related.length > 0) {
      result.relatedLocations = related.map((e, i) => ({
        id: i + 1,
        physicalLocation: physicalLocation(cwd, e.location!),
        message: { text: e.message },
      }));
    }
    result.partialFingerprints = { [FINGERPRINT_KEY]: findingFingerprint(f, cwd, lineText(f.location.file, f.location.start.line)) };
    result.suppressions = f.suppressed
      ? [{ kind: 'inSource', justification: f.suppressed.reason, location: { physicalLocation: physicalLocation(cwd, f.suppressed.location) } }]
      : [];
    if (f.route) result.properties = { route: `${f.route.method} ${f.route.path}` };
    return result;
  });

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'API Warden',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri,
            rules: sarifRules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], options: SarifOptions): string {
  return JSON.stringify(buildSarif(findings, options), null, 2) + '\n';
}
