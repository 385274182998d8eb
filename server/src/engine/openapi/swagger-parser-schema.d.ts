// swagger-parser's structural validator (the OpenAPI 2.0 / 3.0 / 3.1 JSON Schemas run by Ajv),
// used on its own so it can run synchronously on the document as written, $refs in place.
declare module '@apidevtools/swagger-parser/lib/validators/schema' {
  function validateSchema(api: unknown): void;
  export = validateSchema;
}
