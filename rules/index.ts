/**
 * The built-in rules. Front ends (CLI, language server) hand this list to the engine.
 */
import { ENGINE_RULE_IDS, type Rule } from '../server/src/engine';
import { missingAuth } from './missing-auth';
import { missingRateLimit } from './missing-rate-limit';
import { missingValidation } from './missing-validation';
import { suppressionWithoutReason } from './suppression-without-reason';

export const builtinRules: Rule[] = [missingAuth, missingValidation, missingRateLimit, suppressionWithoutReason];

/** Rule ids the engine itself reports (no module). */
export const engineRuleIds = ENGINE_RULE_IDS;

export { missingAuth, missingValidation, missingRateLimit, suppressionWithoutReason };
