/**
 * Inline directives in comments:
 *   // apiwarden-disable-next-line <rule>[, <rule>] -- <reason>
 *   // apiwarden-disable-line <rule> -- <reason>
 *   // apiwarden-public -- <reason>
 * and in YAML specs the same after `#`.
 */
import type { Directive } from './model';
import { makeLocation, type LineIndex, type ParsedFile } from './parse';

const DIRECTIVE = /^\s*apiwarden-(disable-next-line|disable-line|public)\b([^]*)$/;

export function readDirectives(pf: ParsedFile): Directive[] {
  const out: Directive[] = [];
  for (const c of pf.ast?.comments ?? []) {
    const text = c.value.replace(/^\*+/, '').trim();
    const d = directiveOf(text, makeLocation(pf.file, pf.lines, c.range[0], c.range[1]), (line) => nextCodeLine(pf, line));
    if (d) out.push(d);
  }
  return out;
}

/** Directives in `# …` comments of a YAML file. */
export function readYamlDirectives(file: string, text: string, lines: LineIndex): Directive[] {
  const out: Directive[] = [];
  if (!text.includes('apiwarden-')) return out;
  const re = /(^|[ \t])#[ \t]*(apiwarden-[^\r\n]*)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[1].length;
    const location = makeLocation(file, lines, start, start + m[0].length - m[1].length);
    const d = directiveOf(m[2].trim(), location, (line) => {
      for (let l = line + 1; l <= lines.lineCount; l++) {
        const t = text.slice(lines.lineStart(l), lines.lineEnd(l)).trim();
        if (t && !t.startsWith('#')) return l;
      }
      return line + 1;
    });
    if (d) out.push(d);
  }
  return out;
}

function directiveOf(text: string, location: Directive['location'], nextLine: (line: number) => number): Directive | undefined {
  const m = DIRECTIVE.exec(text);
  if (!m) return undefined;
  const kind = m[1] as Directive['kind'];
  const rest = m[2];
  const sep = rest.indexOf('--');
  const rulesPart = (sep >= 0 ? rest.slice(0, sep) : rest).trim();
  const reason = sep >= 0 ? rest.slice(sep + 2).replace(/\*\/\s*$/, '').trim() : undefined;
  const rules = kind === 'public' ? [] : rulesPart.split(/[\s,]+/).filter(Boolean);
  let targetLine = location.start.line;
  if (kind !== 'disable-line') targetLine = nextLine(location.end.line);
  // The quick fix's placeholder is not a reason.
  const real = reason && !/^TODO\b/i.test(reason) ? reason : undefined;
  return { kind, rules, reason: real, location, targetLine };
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
