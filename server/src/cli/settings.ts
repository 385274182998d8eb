/** Applying the config's per-rule settings to findings. */
import type { Finding, RuleSetting } from '../engine';

/** Config `off` drops a rule's findings; a severity replaces the finding's severity. */
export function applyRuleSettings(findings: readonly Finding[], settings: Readonly<Record<string, RuleSetting>>): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const s = Object.prototype.hasOwnProperty.call(settings, f.ruleId) ? settings[f.ruleId] : undefined;
    if (s === 'off') continue;
    out.push(s && s !== f.severity ? { ...f, severity: s } : f);
  }
  return out;
}
