/**
 * The engine's public surface. Front ends (CLI, language server) import from here only.
 */
export * from './model';
export * from './config';
export * from './host';
export { analyzeProject, type AnalyzeOptions, type AnalysisResult } from './analyze';
export { applyEdits } from './edits';
export { ENGINE_RULES, ENGINE_RULE_IDS, MAX_FILE_BYTES, MAX_SPEC_BYTES } from './analyze';
export type { SpecDocument, SpecOperation, SpecParameter, SpecRequestBody, SpecNode, SpecServer, SecurityScheme, SecurityRequirementSet, SpecVersion } from './openapi/spec';
export { requiresAuth, isObject } from './openapi/spec';
export { walkSchema, schemaTypes, type SchemaVisit } from './openapi/schema';
export { pointerString } from './openapi/source';
export { routeTraits, publicNature, inputLabel, fieldLabel, inputStyleOf } from './posture';
export { describePointer } from './openapi/spec';
