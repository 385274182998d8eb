/**
 * Choosing and combining fixes for `apiwarden fix`: one fix per finding (quick fixes first, the
 * preferred one among equals; suppressions and public declarations only when asked), skipping any
 * fix whose edits overlap an edit already accepted. Identical edits from different fixes (the same
 * import added twice) are applied once.
 */
import type { Finding, Fix, TextEdit } from '../engine';

export interface FixPlanEntry {
  finding: Finding;
  fix: Fix;
}

export interface FixPlan {
  applied: FixPlanEntry[];
  skipped: (FixPlanEntry & { reason: string })[];
  /** Accepted edits by absolute file. */
  edits: Map<string, TextEdit[]>;
}

export function chooseFix(finding: Finding, includeSuppress: boolean): Fix | undefined {
  const candidates = finding.fixes
    .map((fix, index) => ({ fix, index }))
    .filter(({ fix }) => fix.edits.length > 0 && (fix.kind === 'quickfix' || includeSuppress));
  candidates.sort(
    (a, b) =>
      (a.fix.kind === 'quickfix' ? 0 : 1) - (b.fix.kind === 'quickfix' ? 0 : 1) ||
      (a.fix.preferred ? 0 : 1) - (b.fix.preferred ? 0 : 1) ||
      a.index - b.index,
  );
  return candidates[0]?.fix;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.range[0] === b.range[0] && a.range[1] === b.range[1] && a.newText === b.newText;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  const [as, ae] = a.range;
  const [bs, be] = b.range;
  if (as === ae && bs === be) return false; // two insertions: both apply, in order
  if (as === ae) return bs < as && as < be;
  if (bs === be) return as < bs && bs < ae;
  return as < be && bs < ae;
}

/** `getText` gives a file's current text (undefined when it cannot be read). */
export function planFixes(findings: readonly Finding[], includeSuppress: boolean, getText: (file: string) => string | undefined): FixPlan {
  const plan: FixPlan = { applied: [], skipped: [], edits: new Map() };
  const directiveInserts = new Set<string>();
  for (const finding of findings) {
    if (finding.suppressed) continue;
    const fix = chooseFix(finding, includeSuppress);
    if (!fix) continue;
    const fresh: TextEdit[] = [];
    let reason: string | undefined;
    for (const edit of fix.edits) {
      const text = getText(edit.file);
      if (text === undefined) {
        reason = `cannot read ${edit.file}`;
        break;
      }
      const [s, e] = edit.range;
      if (!(Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s <= e && e <= text.length)) {
        reason = `edit range [${s}, ${e}) is outside the file`;
        break;
      }
      const accepted = plan.edits.get(edit.file) ?? [];
      if (accepted.some((a) => sameEdit(a, edit)) || fresh.some((a) => sameEdit(a, edit))) continue;
      if (accepted.some((a) => overlaps(a, edit)) || fresh.some((a) => overlaps(a, edit))) {
        reason = 'it overlaps another fix';
        break;
      }
      fresh.push(edit);
    }
    // Two directive comments inserted at one place would make the first target the second.
    if (!reason && fix.kind !== 'quickfix') {
      const clash = fix.edits.some((e) => e.range[0] === e.range[1] && directiveInserts.has(`${e.file}\u0000${e.range[0]}`));
      if (clash) reason = 'another directive is being added at the same place (run fix again to add it)';
    }
    if (reason) {
      plan.skipped.push({ finding, fix, reason });
      continue;
    }
    if (fix.kind !== 'quickfix') {
      for (const e of fix.edits) if (e.range[0] === e.range[1]) directiveInserts.add(`${e.file}\u0000${e.range[0]}`);
    }
    for (const edit of fresh) {
      const list = plan.edits.get(edit.file);
      if (list) list.push(edit);
      else plan.edits.set(edit.file, [edit]);
    }
    plan.applied.push({ finding, fix });
  }
  return plan;
}
