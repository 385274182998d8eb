/**
 * `--format json`: a stable, documented shape for scripts.
 *
 * {"version":1,"findings":[{"ruleId","severity","message","file","range":{"start":{"line","column"},
 *  "end":{"line","column"}},"route":{"method","path"}|null,"evidence":[{"message","file"?,"line"?,
 *  "column"?}],"fixes":[{"title","kind"}],"alsoAt"?:[{"file","line","column"}],"suppressed"?:{"reason"}}]}
 * `alsoAt`: the other places a cross-check finding is shown (the spec operation of a route, or the reverse).
 *
 * Files are relative to the working directory with forward slashes; lines and columns are 1-based;
 * findings are sorted by file, line, column.
 */
import type { Finding, Severity } from '../../engine';
import { evidenceToJson, type JsonEvidence, relPath, sortFindings } from './common';

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  route: { method: string; path: string } | null;
  evidence: JsonEvidence[];
  fixes: { title: string; kind: string }[];
  alsoAt?: { file: string; line: number; column: number }[];
  suppressed?: { reason: string };
}

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
}

export function buildJsonReport(findings: readonly Finding[], options: { cwd: string }): JsonReport {
  const { cwd } = options;
  return {
    version: 1,
    findings: sortFindings(findings, cwd).map((f) => {
      const out: JsonFinding = {
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
        file: relPath(cwd, f.location.file),
        range: {
          start: { line: f.location.start.line, column: f.location.start.column },
          end: { line: f.location.end.line, column: f.location.end.column },
        },
        route: f.route ? { method: f.route.method, path: f.route.path } : null,
        evidence: f.evidence.map((e) => evidenceToJson(cwd, e)),
        fixes: f.fixes.map((x) => ({ title: x.title, kind: x.kind })),
      };
      if (f.alsoAt?.length) out.alsoAt = f.alsoAt.map((l) => ({ file: relPath(cwd, l.file), line: l.start.line, column: l.start.column }));
      if (f.suppressed) out.suppressed = { reason: f.suppressed.reason };
      return out;
    }),
  };
}

export function formatJson(findings: readonly Finding[], options: { cwd: string }): string {
  return JSON.stringify(buildJsonReport(findings, options), null, 2) + '\n';
}
