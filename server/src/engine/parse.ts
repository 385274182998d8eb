/**
 * Parsing with @typescript-eslint/typescript-estree (no type information), line/column
 * conversion, and SourceLocation helpers.
 */
import { parse as estreeParse, type TSESTree } from '@typescript-eslint/typescript-estree';
import type { ParseProblem, Position, SourceLocation } from './model';

export type Node = TSESTree.Node;
export type Program = TSESTree.Program;

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }
  /** 1-based line and column of a character offset. */
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  /** Offset of a 1-based line start. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
  }
  lineEnd(line: number): number {
    const next = line < this.starts.length ? this.starts[line] : this.text.length;
    let end = next;
    while (end > this.lineStart(line) && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return end;
  }
  get lineCount(): number {
    return this.starts.length;
  }
}

export interface ParsedFile {
  file: string;
  text: string;
  lines: LineIndex;
  ast?: Program;
  problem?: ParseProblem;
}

const JSX_EXT = /\.(tsx|jsx)$/i;

export function parseFile(file: string, text: string): ParsedFile {
  const lines = new LineIndex(text);
  // A BOM is not part of the program text; typescript-estree handles it, offsets stay aligned.
  try {
    const ast = estreeParse(text, {
      loc: false,
      range: true,
      comment: true,
      jsx: JSX_EXT.test(file),
      errorOnTypeScriptSyntacticAndSemanticIssues: false,
      allowInvalidAST: false,
      suppressDeprecatedPropertyWarnings: true,
    });
    return { file, text, lines, ast };
  } catch (err) {
    const e = err as { message?: string; index?: number; lineNumber?: number; column?: number };
    let offset = typeof e.index === 'number' ? e.index : 0;
    if (typeof e.index !== 'number' && typeof e.lineNumber === 'number') {
      offset = lines.lineStart(e.lineNumber) + (e.column ?? 0);
    }
    offset = Math.max(0, Math.min(offset, text.length));
    const message = String(e.message ?? err).split('\n')[0];
    const location = makeLocation(file, lines, offset, Math.min(text.length, offset + 1));
    return { file, text, lines, problem: { file, message, location } };
  }
}

export function makeLocation(file: string, lines: LineIndex, start: number, end: number): SourceLocation {
  return { file, start: lines.position(start), end: lines.position(end), range: [start, end] };
}

export function nodeLocation(pf: ParsedFile, node: { range: [number, number] }): SourceLocation {
  return makeLocation(pf.file, pf.lines, node.range[0], node.range[1]);
}

/** Text of a node, shortened for messages. */
export function nodeText(pf: ParsedFile, node: { range: [number, number] }, max = 60): string {
  const raw = pf.text.slice(node.range[0], node.range[1]).replace(/\s+/g, ' ');
  if (raw.length <= max) return raw;
  return raw.slice(0, max - 1) + '…';
}

/** Compact display of a call: `rateLimit({…})`, `passport.authenticate('jwt')`. */
export function callDisplay(pf: ParsedFile, node: Node): string {
  if (node.type === 'CallExpression') {
    const callee = nodeText(pf, node.callee, 50);
    const args = node.arguments
      .map((a) =>
        a.type === 'Literal' || a.type === 'Identifier' || a.type === 'MemberExpression'
          ? nodeText(pf, a, 24)
          : a.type === 'ObjectExpression'
            ? '{…}'
            : '…',
      )
      .join(', ');
    return `${callee}(${args})`;
  }
  return nodeText(pf, node, 50);
}

const SKIP_KEYS = new Set(['parent', 'range', 'loc', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'decorators']);

/** Visit every node below `root` (pre-order). Return false from `visit` to skip children. */
export function walk(root: Node, visit: (node: Node, parent: Node | undefined) => boolean | void): void {
  const stack: Array<[Node, Node | undefined]> = [[root, undefined]];
  while (stack.length) {
    const [node, parent] = stack.pop()!;
    if (visit(node, parent) === false) continue;
    const kids: Node[] = [];
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      const v = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof (c as Node).type === 'string') kids.push(c as Node);
      } else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') {
        kids.push(v as Node);
      }
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], node]);
  }
}

export function isFunctionNode(
  n: Node | undefined | null,
): n is TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression {
  return !!n && (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression');
}

/** `a.b.c` → ['a','b','c'] for identifiers / non-computed members / string-literal computed members. */
export function memberPath(node: Node): string[] | undefined {
  if (node.type === 'Identifier') return [node.name];
  if (node.type === 'ThisExpression') return ['this'];
  if (node.type === 'MemberExpression') {
    const base = memberPath(node.object);
    if (!base) return undefined;
    const prop = propertyName(node);
    return prop === undefined ? undefined : [...base, prop];
  }
  if (node.type === 'TSNonNullExpression' || node.type === 'TSAsExpression' || node.type === 'ChainExpression') {
    return memberPath(node.expression);
  }
  return undefined;
}

export function propertyName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.computed && node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

/** Strip TS-only wrappers and parentheses-like nodes. */
export function unwrap(node: Node): Node {
  let n = node;
  for (;;) {
    if (
      n.type === 'TSAsExpression' ||
      n.type === 'TSNonNullExpression' ||
      n.type === 'TSSatisfiesExpression' ||
      n.type === 'TSTypeAssertion' ||
      n.type === 'ChainExpression' ||
      n.type === 'AwaitExpression'
    ) {
      n = n.type === 'AwaitExpression' ? n.argument : n.expression;
    } else return n;
  }
}
