/**
 * Deterministic fixes: text edits with exact ranges, built from the project's own code
 * (the middleware it already uses, its import style).
 */
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Evaluator } from './evaluate';
import type { Fix, FixBuilder, Route, SourceLocation, Step } from './model';
import type { ModuleResolver } from './modules';
import type { LineIndex, ParsedFile } from './parse';

/** A YAML spec file's text and line index, for `# apiwarden-…` comments. */
export type YamlTextSource = (file: string) => { text: string; lines: LineIndex } | undefined;

export function createFixBuilder(getParsed: (file: string) => ParsedFile | undefined, ev: Evaluator, resolver: ModuleResolver, getYaml: YamlTextSource = () => undefined): FixBuilder {
  const indentOf = (pf: ParsedFile, line: number): string => {
    const t = pf.text.slice(pf.lines.lineStart(line), pf.lines.lineEnd(line));
    return /^\s*/.exec(t)![0];
  };
  const eol = (pf: ParsedFile) => (pf.text.includes('\r\n') ? '\r\n' : '\n');

  const commentAbove = (loc: SourceLocation, text: string, title: string, kind: Fix['kind']): Fix | undefined => {
    if (/\.ya?ml$/i.test(loc.file)) {
      // The same directive as a YAML comment.
      const y = getYaml(loc.file);
      if (!y) return undefined;
      const line = loc.start.line;
      const at = y.lines.lineStart(line);
      const indent = /^[ \t]*/.exec(y.text.slice(at, y.lines.lineEnd(line)))![0];
      const nl = y.text.includes('\r\n') ? '\r\n' : '\n';
      return { title, kind, edits: [{ file: loc.file, range: [at, at], newText: `${indent}${text.replace(/^\/\/ /, '# ')}${nl}` }] };
    }
    const pf = getParsed(loc.file);
    if (!pf) return undefined;
    const line = loc.start.line;
    const at = pf.lines.lineStart(line);
    return { title, kind, edits: [{ file: loc.file, range: [at, at], newText: `${indentOf(pf, line)}${text}${eol(pf)}` }] };
  };

  return {
    suppress(location, ruleId) {
      return commentAbove(location, `// apiwarden-disable-next-line ${ruleId} -- TODO: explain why this is safe`, `Disable ${ruleId} for this line (with a reason)`, 'suppress');
    },
    declarePublic(route) {
      return commentAbove(route.registration, '// apiwarden-public -- TODO: explain why this route needs no authentication', `Mark ${route.method} ${route.path} as public`, 'declare-public');
    },
    insertStep(route: Route, step: Step, title: string) {
      // Adapters set handlerArgument only where middleware can be passed before the handler
      // (`router.get(path, mw, handler)`); Fastify options, NestJS decorators, Next.js exports leave it unset.
      const handlerArg = route.handlerArgument;
      if (!handlerArg || handlerArg.file !== route.registration.file) return undefined;
      // Before the route's own middleware (a limiter or auth should run before parsing and validation).
      const firstRouteStep = route.steps.find((s) => s.scope === 'route' && s.location.file === handlerArg.file && s.location.range[0] > route.registration.range[0]);
      const arg = firstRouteStep && firstRouteStep.location.range[0] < handlerArg.range[0] ? firstRouteStep.location : handlerArg;
      const target = getParsed(arg.file);
      const source = getParsed(step.location.file);
      if (!target || !source || !target.ast || !source.ast) return undefined;
      const stepText = source.text.slice(step.location.range[0], step.location.range[1]);
      if (stepText.length > 80 || /[\n{]/.test(stepText)) return undefined;
      const root = /^[A-Za-z_$][\w$]*/.exec(stepText)?.[0];
      if (!root) return undefined;
      const edits: Fix['edits'] = [{ file: arg.file, range: [arg.range[0], arg.range[0]], newText: `${stepText}, ` }];
      const targetRec = ev.module(arg.file);
      const boundHere = targetRec?.env.vars.has(root) ?? false;
      if (!boundHere) {
        const imp = importFor(root, source, target, resolver, eol(target));
        if (!imp) return undefined;
        edits.push(imp);
      }
      return { title, kind: 'quickfix', edits, preferred: true };
    },
  };
}

/** An edit adding an import of `name` to `target`, copied from how `source` gets it. */
function importFor(name: string, source: ParsedFile, target: ParsedFile, resolver: ModuleResolver, nl: string): Fix['edits'][number] | undefined {
  let spec: string | undefined;
  let imported: string | undefined; // undefined: default import
  for (const stmt of source.ast!.body) {
    if (stmt.type === 'ImportDeclaration') {
      for (const s of stmt.specifiers) {
        if (s.local.name !== name) continue;
        spec = String(stmt.source.value);
        if (s.type === 'ImportSpecifier') imported = s.imported.type === 'Identifier' ? s.imported.name : String(s.imported.value);
        else if (s.type === 'ImportNamespaceSpecifier') return undefined;
      }
    }
    if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) {
        const req = requireSpec(d.init);
        if (!req) continue;
        if (d.id.type === 'Identifier' && d.id.name === name) spec = req;
        if (d.id.type === 'ObjectPattern') {
          for (const p of d.id.properties) {
            if (p.type === 'Property' && p.value.type === 'Identifier' && p.value.name === name && p.key.type === 'Identifier') {
              spec = req;
              imported = p.key.name;
            }
          }
        }
      }
    }
    // Defined and exported in the source file itself.
    if (!spec && stmt.type === 'ExportNamedDeclaration' && stmt.declaration) {
      const d = stmt.declaration;
      const names = d.type === 'VariableDeclaration' ? d.declarations.map((x) => (x.id.type === 'Identifier' ? x.id.name : '')) : 'id' in d && d.id ? [(d.id as TSESTree.Identifier).name] : [];
      if (names.includes(name)) {
        spec = './' + path.basename(source.file);
        imported = name;
      }
    }
  }
  if (!spec) return undefined;
  let moduleSpec = spec;
  if (spec.startsWith('.')) {
    const abs = resolver.resolve(source.file, spec);
    if (!abs) return undefined;
    let rel = path.relative(path.dirname(target.file), abs).split(path.sep).join('/');
    const keepJs = /\.(m|c)?js$/.test(spec);
    rel = keepJs ? rel.replace(/\.(m|c)?ts$/, '.js') : rel.replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '').replace(/\/index$/, '');
    moduleSpec = rel.startsWith('.') ? rel : './' + rel;
  }
  // Extend an existing named import of the same module rather than adding a second one.
  if (imported) {
    for (const stmt of target.ast!.body) {
      if (stmt.type !== 'ImportDeclaration' || stmt.source.value !== moduleSpec || stmt.importKind === 'type') continue;
      const named = stmt.specifiers.filter((x) => x.type === 'ImportSpecifier');
      if (!named.length) continue;
      const lastSpec = named[named.length - 1];
      return { file: target.file, range: [lastSpec.range[1], lastSpec.range[1]], newText: `, ${imported === name ? name : `${imported} as ${name}`}` };
    }
  }
  const usesEsm = target.ast!.body.some((s) => s.type === 'ImportDeclaration');
  const text = usesEsm
    ? imported
      ? `import { ${imported === name ? name : `${imported} as ${name}`} } from '${moduleSpec}';`
      : `import ${name} from '${moduleSpec}';`
    : imported
      ? `const { ${imported === name ? name : `${imported}: ${name}`} } = require('${moduleSpec}');`
      : `const ${name} = require('${moduleSpec}');`;
  // After the last import / top-level require.
  let at = 0;
  for (const stmt of target.ast!.body) {
    if (stmt.type === 'ImportDeclaration' || (stmt.type === 'VariableDeclaration' && stmt.declarations.some((d) => requireSpec(d.init)))) at = stmt.range[1];
  }
  return at === 0 ? { file: target.file, range: [0, 0], newText: text + nl } : { file: target.file, range: [at, at], newText: nl + text };
}

function requireSpec(init: TSESTree.Expression | null | undefined): string | undefined {
  if (
    init &&
    init.type === 'CallExpression' &&
    init.callee.type === 'Identifier' &&
    init.callee.name === 'require' &&
    init.arguments[0]?.type === 'Literal' &&
    typeof init.arguments[0].value === 'string'
  ) {
    return init.arguments[0].value;
  }
  return undefined;
}
