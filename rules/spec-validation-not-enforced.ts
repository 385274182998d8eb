import { fieldLabel, inputStyleOf, isObject, type InputSource, type Rule, type RuleContext, type SourceLocation, type SpecNode, type SpecOperation } from '../server/src/engine';
import { opLabel, where } from './shared';

/**
 * spec-validation-not-enforced: the spec constrains a request body or parameter; the route reads
 * it and nothing validates it. Clients and reviewers trust limits the server never applies.
 */
export const specValidationNotEnforced: Rule = {
  meta: {
    id: 'spec-validation-not-enforced',
    description: 'Routes must enforce the request constraints their OpenAPI operation declares.',
    defaultSeverity: 'warning',
    owasp: ['API8:2023', 'API3:2023'],
    cwe: ['CWE-20'],
    docs: 'rules/spec-validation-not-enforced.md',
    messages: {
      body: 'The spec defines {{schema}} for the request body of {{operation}} ({{specAt}}), but {{method}} {{path}} reads req.body without validating it: the declared types and limits are not enforced.',
      params:
        'The spec constrains {{names}} of {{operation}} ({{specAt}}), but {{method}} {{path}} reads {{what}} without validating it: the declared types and limits are not enforced.',
    },
  },
  check(context: RuleContext) {
    for (const route of context.model.routes) {
      const uncovered = new Set(route.validation.uncovered);
      if (!uncovered.size) continue;
      const done = new Set<InputSource>(); // one finding per request part, even when app.all() matches several operations
      for (const op of context.model.operationsOf(route)) {
        for (const source of ['body', 'query', 'params', 'headers', 'cookies'] as InputSource[]) {
          if (!uncovered.has(source) || done.has(source)) continue;
          const reads = route.inputs.filter((i) => i.source === source);
          if (!reads.length) continue;
          const constraint = constraintFor(context, op, source, reads.map((r) => r.field));
          if (!constraint) continue;
          done.add(source);
          const read = reads.find((r) => r.field === undefined || constraint.fields.includes(r.field.toLowerCase())) ?? reads[0];
          const data = {
            operation: opLabel(op),
            specAt: where(context, constraint.location),
            method: route.method,
            path: route.path,
            schema: constraint.label,
            names: constraint.label,
            what: fieldLabel(inputStyleOf(route), source, read.field),
          };
          context.report({
            messageId: source === 'body' ? 'body' : 'params',
            data,
            location: read.location,
            route,
            evidence: [
              { message: `the spec declares ${constraint.label}`, location: constraint.location },
              { message: `read without validation: ${fieldLabel(inputStyleOf(route), source, read.field)}`, location: read.location },
              ...route.validation.evidence,
            ],
            fixes: [context.fixes.suppress(read.location, 'spec-validation-not-enforced')].filter((f): f is NonNullable<typeof f> => !!f),
            alsoAt: [constraint.location],
          });
        }
      }
    }
  },
};

const SPEC_IN: Record<InputSource, string[]> = { body: ['body', 'formData'], query: ['query'], params: ['path'], headers: ['header'], cookies: ['cookie'] };

const PARAM_LABEL: Record<string, string> = { path: 'path parameter', query: 'query parameter', header: 'header parameter', cookie: 'cookie parameter', formData: 'form field', body: 'body parameter' };

interface Constraint {
  label: string;
  location: SourceLocation;
  /** Lower-case names the constraint covers ([] for the whole body). */
  fields: string[];
}

/** What the spec declares for one request part, limited to the fields the code reads. */
function constraintFor(context: RuleContext, op: SpecOperation, source: InputSource, readFields: Array<string | undefined>): Constraint | undefined {
  const loader = context.model.specLoader;
  if (source === 'body' && op.requestBody) {
    const withSchema = op.requestBody.media.find((m) => m.schema && isObject(m.schema.value) && Object.keys(m.schema.value).length > 0);
    if (withSchema?.schema) {
      const ref = refName(withSchema.node);
      return { label: ref ? `schema ${ref}` : 'a schema', location: loader.location(op.requestBody.node), fields: [] };
    }
  }
  const wholeObject = readFields.some((f) => f === undefined);
  const wanted = new Set(readFields.filter((f): f is string => !!f).map((f) => f.toLowerCase()));
  const params = op.parameters.filter(
    (p) => SPEC_IN[source].includes(p.in) && constrains(p.schema?.value) && (wholeObject || wanted.has(p.name.toLowerCase())),
  );
  if (!params.length) return undefined;
  const names = params.map((p) => p.name);
  return {
    label: `${PARAM_LABEL[params[0].in] ?? params[0].in + ' parameter'}${names.length > 1 ? 's' : ''} ${names.join(', ')}`,
    location: params[0].node.file.locateValue([...params[0].node.pointer, 'name']),
    fields: names.map((n) => n.toLowerCase()),
  };
}

/** A parameter schema that says more than "some string" (being required is not a constraint on the value). */
function constrains(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const type = schema.type;
  if (type !== undefined && type !== 'string' && !(Array.isArray(type) && type.every((t) => t === 'string' || t === 'null'))) return true;
  return ['enum', 'const', 'pattern', 'format', 'maxLength', 'minLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', '$ref'].some((k) => schema[k] !== undefined);
}

function refName(media: SpecNode): string | undefined {
  const raw = isObject(media.value) && isObject(media.value.schema) ? media.value.schema.$ref : undefined;
  return typeof raw === 'string' ? raw.split('/').pop() : undefined;
}
