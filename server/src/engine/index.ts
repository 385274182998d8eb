/**
 * The engine's public surface. Front ends (CLI, language server) import from here only.
 */
export * from './model';
export * from './config';
export * from './host';
export { analyzeProject, type AnalyzeOptions, type AnalysisResult } from './analyze';
export { applyEdits } from './edits';
