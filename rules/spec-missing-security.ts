import { isObject, type Evidence, type Rule, type RuleContext, type SourceLocation, type SpecDocument, type SpecNode, type SpecOperation } from '../server/src/engine';

/**
 * spec-missing-security: every OpenAPI operation needs a security requirement, an explained
 * opt-out, or a public nature (sign-in, token exchange, health probe, docs); every scheme a
 * requirement names must exist.
 */
export const specMissingSecurity: Rule = {
  meta: {
    id: 'spec-missing-security',
    description: 'Give every OpenAPI operation a security requirement that names a defined scheme, or explain why it is public.',
    defaultSeverity: 'warning',
    owasp: ['API2:2023'],
    cwe: ['CWE-306'],
    docs: 'rules/spec-missing-security.md',
    messages: {
      noSecurity:
        '{{method}} {{path}} has no security requirement: no `security` on the operation and {{root}}, so the API description lets anyone call it without credentials.',
      optOut:
        '{{method}} {{path}} opts out of authentication with `security: []` and does not say why; add `x-apiwarden-public: "<why>"` to the operation if it is public on purpose, or require a scheme.',
      optional:
        '{{method}} {{path}} makes authentication optional (an empty `{}` alternative in `security`) and does not say why; add `x-apiwarden-public: "<why>"` to the operation if anonymous calls are intended, or remove the `{}`.',
      globalOptional:
        'The document-level `security` makes authentication optional (an empty `{}` alternative) for {{count}} that set no security of their own, e.g. {{example}}: anonymous callers are accepted. Remove the `{}`, or mark the operations that are public on purpose with `x-apiwarden-public: "<why>"`.',
      undefinedScheme:
        "{{where}} requires the security scheme '{{name}}', which is not defined in {{defs}}: it protects nothing, and tools reject or ignore the requirement.",
      noSecurityAnywhere:
        'This document describes no security at all: no security schemes and no `security` on any of its {{count}} ({{writes}} of them change state), so it documents the whole API as public. Define the schemes the API uses and require them (document-level `security`), marking public operations with `x-apiwarden-public: "<why>"`.',
      publicWithoutReason:
        '`x-apiwarden-public` on {{method}} {{path}} gives no reason, so it does not count as a declaration; write the reason as a string, e.g. `x-apiwarden-public: "public product catalogue"`.',
    },
  },
  check(context: RuleContext) {
    const loader = context.model.specLoader;
    const reported = new Set<string>();
    const report = (messageId: string, location: SourceLocation, data: Record<string, string | number>, severity: 'error' | 'warning' | 'info', evidence: Evidence[] = []) => {
      const key = `${location.file}:${location.range[0]}:${messageId}`;
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ messageId, data, severity, location, route: null, evidence });
    };

    for (const doc of context.model.specs) {
      const defs = definedSchemes(context, doc);
      const defsName = doc.version === '2.0' ? '`securityDefinitions`' : '`components.securitySchemes`';

      // Scheme names in the root requirement and in each operation's own requirement.
      const checkNames = (node: SpecNode | undefined, where: string) => {
        if (!node || !Array.isArray(node.value)) return;
        const seen = new Set<string>();
        node.value.forEach((alt: unknown, i: number) => {
          if (!isObject(alt)) return;
          for (const name of Object.keys(alt)) {
            if (defs.names.has(name) || seen.has(name)) continue;
            seen.add(name);
            report('undefinedScheme', node.file.locate([...node.pointer, String(i), name]), { where, name, defs: defsName }, 'error', defs.node ? [{ message: `schemes defined here: ${[...defs.names].join(', ') || 'none'}`, location: loader.location(defs.node) }] : []);
          }
        });
      };
      checkNames(doc.globalSecurity, 'The document-level `security`');

      // A document that says nothing about security anywhere gets one finding, not one per operation
      // (GitHub's published spec: 1,200 operations, no security schemes).
      const silent = !defs.names.size && !doc.globalSecurity && doc.operations.every((op) => op.security.source === 'none');
      if (silent) {
        const exposed = doc.operations.filter((op) => !op.publicNature && !op.declaredPublic?.reason.trim() && op.method !== 'OPTIONS');
        if (exposed.length) {
          const writes = exposed.filter((op) => op.stateChanging);
          const paths = loader.child(doc.root, 'paths');
          report(
            'noSecurityAnywhere',
            paths ? loader.location(paths) : doc.root.file.locate([]),
            { count: exposed.length === 1 ? '1 operation' : `${exposed.length} operations`, writes: writes.length },
            writes.length ? 'error' : 'warning',
            [...writes, ...exposed.filter((op) => !op.stateChanging)].slice(0, 10).map((op) => ({ message: `${op.method} ${op.path} has no security requirement`, location: op.location })),
          );
        }
        continue;
      }

      const globalOptional: SpecOperation[] = [];
      for (const op of doc.operations) {
        const sec = op.security;
        const severity = op.stateChanging ? 'error' : 'warning';
        const data = { method: op.method, path: op.path };
        const declared = op.declaredPublic;
        const reason = declared?.reason.trim() ?? '';
        if (declared && !reason) report('publicWithoutReason', declared.location, data, 'info');
        // CORS preflights (OPTIONS) never carry credentials: browsers send them without cookies or tokens.
        const deliberate = !!op.publicNature || reason !== '' || op.method === 'OPTIONS';
        if (sec.source === 'operation') checkNames(sec.node, `${op.method} ${op.path}`);

        const list = sec.node?.value;
        if (sec.source === 'none' || (sec.source === 'global' && Array.isArray(list) && list.length === 0)) {
          if (deliberate) continue;
          const evidence: Evidence[] = [];
          if (sec.source === 'global' && sec.node) evidence.push({ message: 'the document-level `security` is an empty list', location: loader.location(sec.node) });
          else if (defs.node && defs.names.size) evidence.push({ message: `schemes are defined (${[...defs.names].join(', ')}) but nothing requires them for this operation`, location: loader.location(defs.node) });
          report('noSecurity', op.location, { ...data, root: sec.source === 'global' ? 'the document-level `security` is empty' : 'none at the document level' }, severity, evidence);
          continue;
        }
        if (!Array.isArray(list)) continue; // a `security` that is not a list is spec-invalid's finding
        const emptyIndex = list.findIndex((alt: unknown) => isObject(alt) && Object.keys(alt).length === 0);
        if (sec.source === 'operation' && sec.node) {
          if (deliberate) continue;
          if (list.length === 0) report('optOut', loader.location(sec.node), data, severity, declared ? [{ message: 'x-apiwarden-public without a reason', location: declared.location }] : []);
          else if (emptyIndex >= 0) report('optional', sec.node.file.locate([...sec.node.pointer, String(emptyIndex)]), data, severity);
        } else if (sec.source === 'global' && emptyIndex >= 0 && !deliberate) {
          globalOptional.push(op);
        }
      }
      if (globalOptional.length && doc.globalSecurity && Array.isArray(doc.globalSecurity.value)) {
        const g = doc.globalSecurity;
        const idx = g.value.findIndex((alt: unknown) => isObject(alt) && Object.keys(alt).length === 0);
        const count = globalOptional.length === 1 ? '1 operation' : `${globalOptional.length} operations`;
        const first = globalOptional.find((o) => o.stateChanging) ?? globalOptional[0];
        report(
          'globalOptional',
          g.file.locate([...g.pointer, String(idx)]),
          { count, example: `${first.method} ${first.path}` },
          globalOptional.some((o) => o.stateChanging) ? 'error' : 'warning',
          globalOptional.slice(0, 10).map((o) => ({ message: `${o.method} ${o.path} inherits it`, location: o.location })),
        );
      }
    }
  },
};

/** Names of the schemes the document defines (the raw keys: a dangling `$ref`ed scheme is spec-invalid's finding, not an undefined name). */
function definedSchemes(context: RuleContext, doc: SpecDocument): { names: Set<string>; node?: SpecNode } {
  const loader = context.model.specLoader;
  const node = doc.version === '2.0' ? loader.child(doc.root, 'securityDefinitions') : loader.get(loader.child(doc.root, 'components'), 'securitySchemes');
  const names = new Set<string>(doc.securitySchemes.keys());
  if (node && isObject(node.value)) for (const k of Object.keys(node.value)) names.add(k);
  return { names, node: node && isObject(node.value) ? node : undefined };
}
