import { STATUS_CODES } from 'node:http';
import type { RouteOptions } from 'fastify';
import { REQUEST_EXAMPLES, SCHEMA_EXAMPLES } from './openapi-examples.js';

/**
 * What the served OpenAPI document needs beyond what fastify-type-provider-zod generates:
 * components that Swagger UI can follow, a description per response, problem+json where errors
 * are, and a summary on every operation.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a client can expect behind each status, shown beside the status in `/docs`. */
const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No content',
  '400': 'Malformed request or invalid field (`errors` lists each, with its path)',
  '401': 'No API key, or an unknown one',
  '403': 'Not allowed for this API key',
  '404': "Not found, or outside the API key's groups",
  '409': 'Conflicts with existing state',
  '413': 'Request body over 1 MiB',
  '415': 'Body is not application/json',
  '422': 'Well-formed, but breaks a domain rule',
  '429': 'Too many requests (see Retry-After)',
  '503': 'Unavailable for now (see Retry-After)',
};

export function responseDescription(status: string): string {
  return RESPONSE_DESCRIPTIONS[status] ?? STATUS_CODES[Number(status)] ?? 'Response';
}

/**
 * Wraps each generated response schema in a response object with its description and media
 * type: errors are `application/problem+json`, everything else JSON. A `null` schema (no body)
 * stays bare, so that the response gets no content.
 */
export function describeResponses(responses: Json): Json {
  const described: Json = {};
  for (const [status, schema] of Object.entries(responses)) {
    if (!isObject(schema)) continue;
    const ownDescription = typeof schema.description === 'string' ? schema.description : undefined;
    const description = Number(status) < 400 && ownDescription ? ownDescription : responseDescription(status);
    if (schema.type === 'null') {
      described[status] = { ...schema, description };
      continue;
    }
    const mediaType = Number(status) >= 400 ? 'application/problem+json' : 'application/json';
    described[status] = { description, content: { [mediaType]: { schema } } };
  }
  return described;
}

/**
 * zod's `int()` sets the bounds of a safe integer: they tell a reader nothing, and Swagger UI
 * shows the lower one as the example value.
 */
const SAFE_INTEGER_BOUNDS: Record<string, number> = {
  minimum: Number.MIN_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
};

/** Removes, at every depth, what the document does not need: safe-integer bounds. */
function withoutSafeIntegerBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSafeIntegerBounds);
  if (!isObject(node)) return node;
  const result: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (SAFE_INTEGER_BOUNDS[key] === value) continue;
    result[key] = withoutSafeIntegerBounds(value);
  }
  return result;
}

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') into.add(value);
    else collectRefs(value, into);
  }
}

const SCHEMA_REF = '#/components/schemas/';

/** The component schemas reachable from the operations, following references between schemas. */
function usedSchemas(document: Json, schemas: Json): Set<string> {
  const pending = new Set<string>();
  collectRefs(document.paths, pending);
  const used = new Set<string>();
  for (const ref of pending) {
    if (!ref.startsWith(SCHEMA_REF)) continue;
    const name = ref.slice(SCHEMA_REF.length);
    if (used.has(name)) continue;
    used.add(name);
    // A Set iterates over what is added while iterating: the schema's own references follow.
    collectRefs(schemas[name], pending);
  }
  return used;
}

/**
 * The generator gives each component schema the `$id` of its own location and a `$schema`;
 * Swagger UI then resolves the schema's references against that `$id` and finds nothing, so
 * every example read `"string"`. It also emits an input and an output variant of every schema
 * with an id, used or not.
 */
export function tidyDocument(document: Json): Json {
  const components = isObject(document.components) ? document.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const used = usedSchemas(document, schemas);
  const tidySchemas: Json = {};
  for (const name of Object.keys(schemas).sort()) {
    if (!used.has(name)) continue;
    const { $id: _id, $schema: _schema, ...schema } = schemas[name] as Json;
    const example = SCHEMA_EXAMPLES[name];
    tidySchemas[name] = example === undefined ? schema : { ...schema, examples: [example] };
  }
  return withoutSafeIntegerBounds({
    ...document,
    paths: withRequestExamples(document.paths),
    components: { ...components, schemas: tidySchemas },
  }) as Json;
}

function withRequestExample(operation: unknown): unknown {
  if (!isObject(operation) || !isObject(operation.requestBody)) return operation;
  const body = operation.requestBody;
  const json = isObject(body.content) ? body.content['application/json'] : undefined;
  const example = REQUEST_EXAMPLES[operation.operationId as string];
  if (example === undefined || !isObject(json)) return operation;
  return { ...operation, requestBody: { ...body, content: { 'application/json': { ...json, example } } } };
}

/** Sets each operation's request example (by operationId) on its JSON body. */
function withRequestExamples(paths: unknown): unknown {
  if (!isObject(paths)) return paths;
  const result: Json = {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const operations: Json = {};
    for (const [method, operation] of Object.entries(item)) {
      operations[method] = withRequestExample(operation);
    }
    result[path] = operations;
  }
  return result;
}

/**
 * Every documented route says what it does: a route without a summary, tags or operationId
 * stops the app from building, so a new route cannot reach `/docs` undocumented.
 */
export function assertDocumented(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): void {
  const schema = (route.schema ?? {}) as Json;
  if (schema.hide === true) return;
  const missing = ['summary', 'tags', 'operationId', 'response'].filter((key) => !schema[key]);
  if (missing.length > 0) {
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    throw new Error(
      `${method} ${route.url} has no ${missing.join(', ')} in its schema: every route is documented in OpenAPI (or has schema.hide)`,
    );
  }
}
