/**
 * Inline directives in comments:
 *   // apiwarden-disable-next-line <rule>[, <rule>] -- <reason>
 *   // apiwarden-disable-line <rule> -- <reason>
 *   // apiwarden-public -- <reason>
 */
import type { Directive } from './model';
import { makeLocation, type ParsedFile } from './parse';

const DIRECTIVE = /^\s*apiwarden-(disable-next-line|disable-line|public)\b([^]*)$/;

export function readDirectives(pf: ParsedFile): Directive[] {
  const out: Directive[] = [];
  for (const c of pf.ast?.comments ?? []) {
    const text = c.value.replace(/^\*+/, '').trim();
    const m = DIRECTIVE.exec(text);
    if (!m) continue;
    const kind = m[1] as Directive['kind'];
    const rest = m[2];
    const sep = rest.indexOf('--');
    const rulesPart = (sep >= 0 ? rest.slice(0, sep) : rest).trim();
    const reason = sep >= 0 ? rest.slice(sep + 2).replace(/\*\/\s*$/, '').trim() : undefined;
    const rules = kind === 'public' ? [] : rulesPart.split(/[\s,]+/).filter(Boolean);
    const location = makeLocation(pf.file, pf.lines, c.range[0], c.range[1]);
    let targetLine = location.start.line;
    if (kind !== 'disable-line') targetLine = nextCodeLine(pf, location.end.line);
    // The quick fix's placeholder is not a reason.
    const real = reason && !/^TODO\b/i.test(reason) ? reason : undefined;
    out.push({ kind, rules, reason: real, location, targetLine });
  }
  return out;
}

/** The first line after `line` that is not blank and not only a comment. */
function nextCodeLine(pf: ParsedFile, line: number): number {
  let inBlock = false;
  for (let l = line + 1; l <= pf.lines.lineCount; l++) {
    const t = pf.text.slice(pf.lines.lineStart(l), pf.lines.lineEnd(l)).trim();
    if (inBlock) {
      if (t.includes('*/')) inBlock = false;
      continue;
    }
    if (!t || t.startsWith('//')) continue;
    if (t.startsWith('/*')) {
      if (!t.includes('*/')) inBlock = true;
      continue;
    }
    return l;
  }
  return line + 1;
}
