/** Helpers shared by the output formats. */
import * as path from 'node:path';
import type { Evidence, Finding, Severity, SourceLocation } from '../../engine';

/** Path of `file` relative to `cwd`, with forward slashes. */
export function relPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel === '' ? path.basename(file) : rel).split(path.sep).join('/');
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Findings sorted by relative file, line, column, then rule id and message (stable across runs). */
export function sortFindings(findings: readonly Finding[], cwd: string): Finding[] {
  const key = new Map(findings.map((f) => [f, relPath(cwd, f.location.file)]));
  return [...findings].sort((a, b) => {
    const fa = key.get(a)!;
    const fb = key.get(b)!;
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (
      a.location.start.line - b.location.start.line ||
      a.location.start.column - b.location.start.column ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
    );
  });
}

export interface JsonEvidence {
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export function evidenceToJson(cwd: string, e: Evidence): JsonEvidence {
  const out: JsonEvidence = { message: e.message };
  if (e.location) {
    out.file = relPath(cwd, e.location.file);
    out.line = e.location.start.line;
    out.column = e.location.start.column;
  }
  return out;
}

export function locationText(cwd: string, loc: SourceLocation): string {
  return `${relPath(cwd, loc.file)}:${loc.start.line}:${loc.start.column}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
