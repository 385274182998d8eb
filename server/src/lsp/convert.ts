/**
 * Pure conversions between the engine's model (1-based positions, character offsets, absolute
 * paths) and LSP types (0-based positions, URIs). No connection, no I/O: unit tested directly.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Position as LspPosition,
  type Range as LspRange,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ConfigError } from '../engine/config';
import type { Finding, Fix, Position, Severity, SourceLocation } from '../engine/model';

export const DIAGNOSTIC_SOURCE = 'apiwarden';

// ---------------------------------------------------------------------------------------------
// Paths and URIs

/** Absolute file system path of a `file:` URI; undefined for other schemes or malformed URIs. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** `file:` URI of an absolute path. */
export function pathToUri(absPath: string): string {
  return pathToFileURL(absPath).href;
}

// ---------------------------------------------------------------------------------------------
// Positions

/** 1-based line/column → 0-based LSP position (clamped at 0). */
export function toLspPosition(pos: Position): LspPosition {
  return { line: Math.max(0, pos.line - 1), character: Math.max(0, pos.column - 1) };
}

/** 0-based LSP position → 1-based line/column. */
export function fromLspPosition(pos: LspPosition): Position {
  return { line: pos.line + 1, column: pos.character + 1 };
}

/** The LSP range of a source location (from its 1-based start/end; end stays exclusive). */
export function toLspRange(loc: Pick<SourceLocation, 'start' | 'end'>): LspRange {
  const start = toLspPosition(loc.start);
  let end = toLspPosition(loc.end);
  if (end.line < start.line || (end.line === start.line && end.character < start.character)) end = start;
  return { start, end };
}

export function rangesEqual(a: LspRange, b: LspRange): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/** Converts character offsets of one text to LSP positions (cheap to reuse for many offsets). */
export function offsetConverter(text: string): (offset: number) => LspPosition {
  const doc = TextDocument.create('untitled:offsets', 'plaintext', 0, text);
  return (offset) => doc.positionAt(offset);
}

// ---------------------------------------------------------------------------------------------
// Findings → diagnostics

export function toLspSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
  }
}

export interface DiagnosticOptions {
  /** URI of a rule's documentation, when there is one (`codeDescription.href`). */
  docsHref?: (ruleId: string) => string | undefined;
  /** URI to use for a file (e.g. the exact URI of an open document); default: `pathToUri`. */
  uriOf?: (absPath: string) => string;
  /** Whether the client supports `relatedInformation` (default true). */
  relatedInformation?: boolean;
}

/** What a diagnostic carries in `data`, so a code action request can be matched back. */
export interface DiagnosticData {
  ruleId: string;
  messageId?: string;
}

export function findingToDiagnostic(finding: Finding, options: DiagnosticOptions = {}): Diagnostic {
  const uriOf = options.uriOf ?? pathToUri;
  const diagnostic: Diagnostic = {
    range: toLspRange(finding.location),
    severity: toLspSeverity(finding.severity),
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    message: finding.message,
  };
  const href = options.docsHref?.(finding.ruleId);
  if (href) diagnostic.codeDescription = { href };
  if (options.relatedInformation !== false) {
    const related: DiagnosticRelatedInformation[] = [];
    for (const ev of finding.evidence) {
      if (!ev.location) continue;
      related.push({ location: { uri: uriOf(ev.location.file), range: toLspRange(ev.location) }, message: ev.message });
    }
    if (related.length > 0) diagnostic.relatedInformation = related;
  }
  const data: DiagnosticData = { ruleId: finding.ruleId };
  if (finding.messageId) data.messageId = finding.messageId;
  diagnostic.data = data;
  return diagnostic;
}

/**
 * The findings plus one copy of each finding at every place in its `alsoAt` (a cross-check
 * finding lives on the route in code and on the operation in the spec), each copy pointing back
 * to the primary location, so a user in either file sees it.
 */
export function withMirrors(findings: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    out.push(f);
    for (const loc of f.alsoAt ?? []) {
      if (loc.file === f.location.file && loc.range[0] === f.location.range[0]) continue;
      out.push({
        ...f,
        location: loc,
        alsoAt: [f.location],
        evidence: [{ message: 'reported here too', location: f.location }, ...f.evidence],
        // Fixes edit the primary place; they stay attached to the copy so either squiggle offers them.
      });
    }
  }
  return out;
}

/** Findings of one file as diagnostics; suppressed findings are left out. */
export function findingsToDiagnostics(findings: readonly Finding[], options: DiagnosticOptions = {}): Diagnostic[] {
  return findings.filter((f) => !f.suppressed).map((f) => findingToDiagnostic(f, options));
}

/** Does this diagnostic (as echoed back by the client) stand for this finding? Range + code. */
export function diagnosticMatchesFinding(diagnostic: Diagnostic, finding: Finding): boolean {
  return (
    diagnostic.source === DIAGNOSTIC_SOURCE &&
    diagnostic.code === finding.ruleId &&
    rangesEqual(diagnostic.range, toLspRange(finding.location))
  );
}

/** A broken `apiwarden.config.json`, as a diagnostic on the config file. */
export function configErrorToDiagnostic(error: ConfigError): Diagnostic {
  const start = toLspPosition({ line: error.line, column: error.column });
  return {
    range: { start, end: { line: start.line, character: start.character + 1 } },
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    code: 'config',
    message: error.message,
  };
}

// ---------------------------------------------------------------------------------------------
// Fixes → workspace edits and code actions

export interface EditOptions {
  /** Text the fix's offsets refer to, per file; undefined when unknown (the fix is dropped). */
  getText: (absPath: string) => string | undefined;
  uriOf?: (absPath: string) => string;
  /**
   * Version of an open document, to emit versioned `documentChanges` (rejected by the client
   * when the document changed meanwhile). When absent, plain `changes` are emitted.
   */
  versionOf?: (absPath: string) => number | null | undefined;
}

/** Offset edits → LSP text edits per file, or undefined when a file's text is unknown or an edit is out of range. */
export function fixToTextEdits(fix: Fix, getText: (absPath: string) => string | undefined): Map<string, LspTextEdit[]> | undefined {
  const byFile = new Map<string, LspTextEdit[]>();
  const converters = new Map<string, { length: number; at: (offset: number) => LspPosition }>();
  for (const edit of fix.edits) {
    let conv = converters.get(edit.file);
    if (!conv) {
      const text = getText(edit.file);
      if (text === undefined) return undefined;
      conv = { length: text.length, at: offsetConverter(text) };
      converters.set(edit.file, conv);
    }
    const [start, end] = edit.range;
    if (start < 0 || end < start || end > conv.length) return undefined;
    const list = byFile.get(edit.file) ?? [];
    list.push({ range: { start: conv.at(start), end: conv.at(end) }, newText: edit.newText });
    byFile.set(edit.file, list);
  }
  return byFile;
}

export function fixToWorkspaceEdit(fix: Fix, options: EditOptions): WorkspaceEdit | undefined {
  const uriOf = options.uriOf ?? pathToUri;
  const byFile = fixToTextEdits(fix, options.getText);
  if (!byFile) return undefined;
  if (options.versionOf) {
    const versionOf = options.versionOf;
    return {
      documentChanges: [...byFile].map(([file, edits]) => ({
        textDocument: { uri: uriOf(file), version: versionOf(file) ?? null },
        edits,
      })),
    };
  }
  const changes: Record<string, LspTextEdit[]> = {};
  for (const [file, edits] of byFile) changes[uriOf(file)] = edits;
  return { changes };
}

/** The code actions for one finding's fixes, attached to its diagnostic. Preferred fixes first. */
export function fixesToCodeActions(finding: Finding, diagnostic: Diagnostic, options: EditOptions): CodeAction[] {
  const actions: CodeAction[] = [];
  const ordered = [...finding.fixes].sort((a, b) => Number(!!b.preferred) - Number(!!a.preferred));
  for (const fix of ordered) {
    const edit = fixToWorkspaceEdit(fix, options);
    if (!edit) continue;
    const action = CodeAction.create(fix.title, edit, CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    if (fix.preferred && fix.kind === 'quickfix') action.isPreferred = true;
    actions.push(action);
  }
  return actions;
}
