/**
 * `--format stylish` (default): ESLint-like, grouped by file.
 *
 *   src/routes/users.js
 *     12:1  error    POST /users has no authentication  missing-auth
 *                    ↳ no auth middleware on the app, router or route (src/app.js:8:1)
 *
 *   ✖ 1 problem (1 error, 0 warnings, 0 infos)
 *
 * Suppressed findings are not shown and not counted.
 */
import type { Finding, Severity } from '../../engine';
import { type Colors, colors as makeColors } from './color';
import { plural, relPath, sortFindings } from './common';

export interface StylishOptions {
  cwd: string;
  color?: boolean;
}

const MAX_MESSAGE_PAD = 80;

export function formatStylish(findings: readonly Finding[], options: StylishOptions): string {
  const { cwd } = options;
  const c = makeColors(Boolean(options.color));
  const shown = sortFindings(
    findings.filter((f) => !f.suppressed),
    cwd,
  );
  if (shown.length === 0) return '';

  const byFile = new Map<string, Finding[]>();
  for (const f of shown) {
    const rel = relPath(cwd, f.location.file);
    const list = byFile.get(rel);
    if (list) list.push(f);
    else byFile.set(rel, [f]);
  }

  const severityText = (s: Severity): string => s;
  const paint = (s: Severity, text: string): string => (s === 'error' ? c.red(text) : s === 'warning' ? c.yellow(text) : c.blue(text));

  let out = '';
  const counts = { error: 0, warning: 0, info: 0 };
  for (const [file, list] of byFile) {
    out += `\n${c.underline(file)}\n`;
    const posWidth = Math.max(...list.map((f) => `${f.location.start.line}:${f.location.start.column}`.length));
    const sevWidth = Math.max(...list.map((f) => severityText(f.severity).length));
    // Rule ids line up unless a message is very long (then it is not padded).
    const msgWidth = Math.max(0, ...list.map((f) => firstLine(f.message).length).filter((n) => n <= MAX_MESSAGE_PAD));
    for (const f of list) {
      counts[f.severity]++;
      const pos = `${f.location.start.line}:${f.location.start.column}`;
      const indent = 2 + posWidth + 2;
      const lines = f.message.split('\n');
      out +=
        `  ${c.dim(pos.padEnd(posWidth))}  ${paint(f.severity, severityText(f.severity).padEnd(sevWidth))}  ` +
        `${lines[0].padEnd(msgWidth)}  ${c.dim(f.ruleId)}\n`;
      const pad = ' '.repeat(indent + sevWidth + 2);
      for (const extra of lines.slice(1)) out += `${pad}${extra}\n`;
      for (const e of f.evidence) out += evidenceLine(e, cwd, pad, c);
      for (const l of f.alsoAt ?? []) out += evidenceLine({ message: 'also shown at', location: l }, cwd, pad, c);
    }
  }

  const total = counts.error + counts.warning + counts.info;
  const summary =
    `\u2716 ${plural(total, 'problem')} ` +
    `(${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'info')})`;
  out += `\n${counts.error > 0 ? c.bold(c.red(summary)) : counts.warning > 0 ? c.bold(c.yellow(summary)) : c.bold(summary)}\n`;
  return out;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

function evidenceLine(e: Finding['evidence'][number], cwd: string, pad: string, c: Colors): string {
  const where = e.location ? ` ${c.dim(`(${relPath(cwd, e.location.file)}:${e.location.start.line}:${e.location.start.column})`)}` : '';
  return `${pad}${c.dim('\u21b3')} ${e.message.replace(/\n/g, ' ')}${where}\n`;
}
