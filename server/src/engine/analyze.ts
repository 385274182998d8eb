/**
 * analyzeProject: files in, route model and findings out.
 */
import type { ApiWardenConfig } from './config';
import type { FileHost } from './host';
import type { Finding, ProjectModel, Rule } from './model';

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

export function analyzeProject(_options: AnalyzeOptions): AnalysisResult {
  throw new Error('not implemented yet');
}
