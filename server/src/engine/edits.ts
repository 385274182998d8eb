import type { TextEdit } from './model';

/** Apply non-overlapping edits to one file's text (edits for other files are ignored). */
export function applyEdits(text: string, file: string, edits: readonly TextEdit[]): string {
  const mine = edits.filter((e) => e.file === file).sort((a, b) => b.range[0] - a.range[0] || b.range[1] - a.range[1]);
  let out = text;
  let lastStart = Infinity;
  for (const e of mine) {
    if (e.range[1] > lastStart) throw new Error(`overlapping edits in ${file} at offset ${e.range[0]}`);
    out = out.slice(0, e.range[0]) + e.newText + out.slice(e.range[1]);
    lastStart = e.range[0];
  }
  return out;
}
