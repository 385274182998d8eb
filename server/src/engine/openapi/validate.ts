/**
 * Structural validation of a root document against the OpenAPI / Swagger JSON Schema, with
 * @apidevtools/swagger-parser's validator, run on the document as written ($refs in place, which
 * the official schemas allow) so every error maps back to an exact key in the file.
 *
 * Ajv reports every failed branch of the schema's `oneOf`s; we keep the errors a person would
 * write: the deepest per location, no "must have required property '$ref'" from the Reference
 * alternative, no "must match exactly one schema" when a more precise error explains it.
 */
import validateSchema from '@apidevtools/swagger-parser/lib/validators/schema';
import { pointerSegments } from './source';
import { describePointer, type SpecDocument, type SpecProblem } from './spec';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** At most this many structural errors per document (the first ones hide the rest anyway). */
const MAX_ERRORS = 25;

export function validateStructure(doc: SpecDocument): SpecProblem[] {
  const file = doc.root.file;
  let details: AjvError[] = [];
  try {
    validateSchema(doc.root.value);
    return [];
  } catch (err) {
    const d = (err as { details?: AjvError[] }).details;
    if (!Array.isArray(d)) {
      return [{ kind: 'spec-invalid', severity: 'error', message: `The document could not be validated: ${(err as Error).message}`, location: file.locate([]) }];
    }
    details = d;
  }
  const errors = details.filter(
    (e) =>
      !(e.keyword === 'required' && e.params.missingProperty === '$ref') &&
      // The bundled 3.1 schema forbids `$ref` on a Path Item, which OpenAPI 3.1 allows; $refs are checked on their own.
      !((e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') && (e.params.additionalProperty ?? e.params.unevaluatedProperty) === '$ref'),
  );
  const paths = errors.map((e) => e.instancePath);
  const precise = errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'not' || e.keyword === 'if' || e.keyword === 'false schema') {
      // Vague when another error is at this place or below it.
      return !paths.some((p, i) => errors[i] !== e && (p === e.instancePath || p.startsWith(e.instancePath + '/')) && !['oneOf', 'anyOf', 'not', 'if'].includes(errors[i].keyword));
    }
    return true;
  });
  const out: SpecProblem[] = [];
  const seen = new Set<string>();
  for (const e of precise) {
    const pointer = pointerSegments('#' + e.instancePath) ?? [];
    let message: string;
    let at = pointer;
    const where = describePointer(pointer);
    switch (e.keyword) {
      case 'required':
        message = `${where} is missing the required property '${String(e.params.missingProperty)}'`;
        break;
      case 'additionalProperties':
        at = [...pointer, String(e.params.additionalProperty)];
        message = `'${String(e.params.additionalProperty)}' is not allowed here (${where}); check its spelling and indentation`;
        break;
      case 'unevaluatedProperties':
        at = [...pointer, String(e.params.unevaluatedProperty)];
        message = `'${String(e.params.unevaluatedProperty)}' is not allowed here (${where}); check its spelling and indentation`;
        break;
      case 'enum':
        message = `${where} must be one of ${JSON.stringify((e.params.allowedValues as unknown[]) ?? [])}`;
        break;
      default:
        message = `${where} ${e.message ?? 'is invalid'}`;
    }
    const location = file.locate(at);
    const key = `${location.range[0]}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: 'spec-invalid', severity: 'error', message: `Not a valid OpenAPI ${doc.versionText} document: ${message}`, location });
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}
