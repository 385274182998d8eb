/**
 * The built-in rules. Front ends (CLI, language server) hand this list to the engine.
 */
import { ENGINE_RULE_IDS, type Rule } from '../server/src/engine';
import { massAssignment } from './mass-assignment';
import { missingAuth } from './missing-auth';
import { missingRateLimit } from './missing-rate-limit';
import { missingValidation } from './missing-validation';
import { specAdminSharedSecurity } from './spec-admin-shared-security';
import { specAuthNotEnforced } from './spec-auth-not-enforced';
import { specAuthUndocumented } from './spec-auth-undocumented';
import { specMissingSecurity } from './spec-missing-security';
import { specRateLimitNotEnforced } from './spec-rate-limit-not-enforced';
import { specSequentialId } from './spec-sequential-id';
import { specCredentialsInUrl } from './spec-credentials-in-url';
import { specInsecureTransport } from './spec-insecure-transport';
import { specWeakSecurityScheme } from './spec-weak-security-scheme';
import { specRateLimitUndocumented } from './spec-rate-limit-undocumented';
import { specMissingErrorResponses } from './spec-missing-error-responses';
import { specServerInventory } from './spec-server-inventory';
import { specDeprecatedOperation } from './spec-deprecated-operation';
import { specUnboundedInput } from './spec-unbounded-input';
import { specMassAssignment } from './spec-mass-assignment';
import { specSsrfParameter } from './spec-ssrf-parameter';
import { specValidationNotEnforced } from './spec-validation-not-enforced';
import { suppressionWithoutReason } from './suppression-without-reason';
import { undocumentedRoute } from './undocumented-route';
import { unimplementedOperation } from './unimplemented-operation';

/** Code rules: they read the route model built from handler code. */
export const codeRules: Rule[] = [missingAuth, missingValidation, missingRateLimit, massAssignment];

/** Cross-check rules: code routes held against the OpenAPI operations they implement. */
export const crossCheckRules: Rule[] = [specAuthNotEnforced, specAuthUndocumented, specValidationNotEnforced, specRateLimitNotEnforced, undocumentedRoute, unimplementedOperation];

/** Spec rules: they read OpenAPI documents only. */
export const specRules: Rule[] = [
  specMissingSecurity,
  specAdminSharedSecurity,
  specSequentialId,
  specWeakSecurityScheme,
  specCredentialsInUrl,
  specInsecureTransport,
  specUnboundedInput,
  specMassAssignment,
  specSsrfParameter,
  specRateLimitUndocumented,
  specMissingErrorResponses,
  specServerInventory,
  specDeprecatedOperation,
];

export const builtinRules: Rule[] = [...codeRules, suppressionWithoutReason, ...crossCheckRules, ...specRules];

/** Rule ids the engine itself reports (no module). */
export const engineRuleIds = ENGINE_RULE_IDS;

export { missingAuth, missingValidation, missingRateLimit, suppressionWithoutReason };
