/** Unified diff of two texts (Myers' O(ND) line diff), as printed by `apiwarden fix` without --write. */

interface Op {
  t: ' ' | '-' | '+';
  line: string;
}

/** Lines with their terminators, so a missing final newline is a difference too. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[k - 1 + off] < v[k + 1 + off]) ? v[k + 1 + off] : v[k - 1 + off] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + off] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[k - 1 + off] < vd[k + 1 + off]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[prevK + off];
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ t: ' ', line: a[--x] });
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ t: '+', line: b[--y] });
      else ops.push({ t: '-', line: a[--x] });
    }
  }
  return ops.reverse();
}

function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const mid = myers(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf));
  return [
    ...a.slice(0, pre).map((line): Op => ({ t: ' ', line })),
    ...mid,
    ...a.slice(a.length - suf).map((line): Op => ({ t: ' ', line })),
  ];
}

function range(start: number, len: number): string {
  if (len === 1) return `${start}`;
  return `${len === 0 ? start - 1 : start},${len}`;
}

/** A unified diff (`--- a/x`, `+++ b/x`, hunks with `context` lines); '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  let i = 0;
  while (i < ops.length) {
    if (ops[i].t === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let j = i;
    let end: number;
    for (;;) {
      while (j < ops.length && ops[j].t !== ' ') j++;
      let k = j;
      while (k < ops.length && ops[k].t === ' ') k++;
      if (k < ops.length && k - j <= 2 * context) {
        j = k;
        continue;
      }
      end = Math.min(ops.length, j + context);
      break;
    }
    let oldStart = 1;
    let newStart = 1;
    for (let p = 0; p < start; p++) {
      if (ops[p].t !== '+') oldStart++;
      if (ops[p].t !== '-') newStart++;
    }
    const hunk = ops.slice(start, end);
    const oldLen = hunk.filter((o) => o.t !== '+').length;
    const newLen = hunk.filter((o) => o.t !== '-').length;
    out += `@@ -${range(oldStart, oldLen)} +${range(newStart, newLen)} @@\n`;
    for (const o of hunk) {
      out += o.line.endsWith('\n') ? `${o.t}${o.line}` : `${o.t}${o.line}\n\\ No newline at end of file\n`;
    }
    i = end;
  }
  return out;
}
